"""A .docx is a zip: one that inflates without bound is refused fast, in bounded memory."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, read_path


def _docx_shaped_zip(path: Path, document_bytes: int) -> None:
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(document_bytes >> 20):
                f.write(chunk)


def test_one_gib_zip_bomb_is_refused_in_seconds_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    _docx_shaped_zip(bomb, 1 << 30)  # 1 GiB of spaces, about 1 MB compressed
    assert bomb.stat().st_size < 10 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_path(bomb)
    assert time.perf_counter() - t0 < 5
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # ru_maxrss is KiB
    assert grown_mib < 100
    assert info.value.reason == "refused .docx: it inflates to 1024.0 MB, over the 200.0 MB limit (zip bomb?)"


def test_lying_zip_directory_is_caught_while_inflating(tmp_path: Path) -> None:
    # The central directory says 1 KB; the stream inflates to 3 MB. Counting while inflating catches it
    # (zipfile itself also stops at the declared size and fails the CRC check).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b" " * (3 << 20))
    data = bytearray(buf.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1024).to_bytes(4, "little")  # uncompressed size in the directory
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"corrupt \.docx: word/document\.xml cannot be inflated|zip bomb"):
        read_path(path, ReadLimits(max_inflated_bytes=1 << 20))


def test_inflated_size_limit_is_the_one_configured(make_docx: Callable[..., Path]) -> None:
    path = make_docx(["香河县科学技术协会" * 20])
    assert "香河县" in read_path(path, ReadLimits(max_inflated_bytes=1 << 20)).text
    with pytest.raises(
        ReadError, match=r"refused \.docx: it inflates to .* over the 0\.0 MB limit \(zip bomb\?\)"
    ):
        read_path(path, ReadLimits(max_inflated_bytes=1000))
