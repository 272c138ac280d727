"""A .docx whose body is a flood of XML: refused while inflating, before the (unbounded) full parse.

The time budget and memory bound of a file cover the body's XML too: 190 MB of XML in a 0.6 MB file took
30.5 s and 3.0 GB per worker to parse before it was counted.
"""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import pytest

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, read_path

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
TAIL = b"</w:body></w:document>"


def xml_flood(path: Path, paragraphs: int, text: bytes = "香河县科学技术协会".encode()) -> Path:
    para = b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(HEAD)
            block = para * 10_000
            for _ in range(paragraphs // 10_000):
                f.write(block)
            f.write(para * (paragraphs % 10_000))
            f.write(TAIL)
    return path


def test_190_mb_of_xml_in_a_small_docx_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    bomb = xml_flood(tmp_path / "flood.docx", 3_400_000)  # 190 MB of XML: under the 200 MB inflate limit
    assert bomb.stat().st_size < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ReadError, match=r"refused \.docx: its text body has over 500,000 XML elements"):
        read_path(bomb, ReadLimits())
    assert time.perf_counter() - t0 < 5
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100  # MiB


@pytest.mark.parametrize(
    ("paragraphs", "limits", "refusal"),
    [
        pytest.param(2_000, ReadLimits(), None, id="an-ordinary-body-is-read"),
        pytest.param(
            2_000, ReadLimits(max_bytes=64 * 1024), "over 0.1 MB of XML", id="body-over-the-size-limit"
        ),
        pytest.param(200_000, ReadLimits(), "over 500,000 XML elements", id="body-over-the-element-limit"),
    ],
)
def test_body_limits(tmp_path: Path, paragraphs: int, limits: ReadLimits, refusal: str | None) -> None:
    path = xml_flood(tmp_path / "r.docx", paragraphs)
    if refusal is None:
        assert read_path(path, limits).text.count("香河县科学技术协会") == paragraphs
    else:
        with pytest.raises(ReadError, match=refusal):
            read_path(path, limits)
