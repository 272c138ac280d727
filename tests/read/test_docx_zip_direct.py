""".docx members are inflated straight from the archive's bytes, and zipfile reads any member that is not
plainly sound: a damaged archive is refused exactly when, and with the words, zipfile's own reading gives."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.errors import ReadError
from jixiao.read.document import ReadLimits
from jixiao.read.docx import read_docx


def zipfile_verdict(data: bytes) -> str | None:
    """What inflating every member with zipfile says, in the reader's words; None when all inflate."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            try:
                with package.open(info) as member:
                    while member.read(1 << 20):
                        pass
            except Exception as exc:  # any kind, as the reader catches them
                return f"corrupt .docx: {info.filename} cannot be inflated ({type(exc).__name__}: {exc})"
    return None


def reader_verdict(data: bytes) -> str | None:
    try:
        read_docx(data, ReadLimits())
    except ReadError as exc:
        return str(exc)
    return None


def directory_entry(data: bytes, name: str) -> int:
    """Offset of ``name``'s central directory record."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + struct.unpack_from("<H", data, at + 28)[0]] != name.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    return at


def set_u32(data: bytes, at: int, change: Callable[[int], int]) -> bytes:
    out = bytearray(data)
    out[at : at + 4] = struct.pack("<L", change(struct.unpack_from("<L", data, at)[0]) & 0xFFFFFFFF)
    return bytes(out)


DAMAGE: dict[str, Callable[[bytes, int, int], bytes]] = {
    # (archive, its directory record, its local header) -> damaged archive
    "crc": lambda d, cd, lh: set_u32(d, cd + 16, lambda v: v ^ 1),
    "compressed-size-short": lambda d, cd, lh: set_u32(d, cd + 20, lambda v: v - 10),
    "compressed-size-long": lambda d, cd, lh: set_u32(d, cd + 20, lambda v: v + 10),
    "size-far-too-small": lambda d, cd, lh: set_u32(d, cd + 24, lambda v: 100),
    "size-too-large": lambda d, cd, lh: set_u32(d, cd + 24, lambda v: v + 1000),
    "data-flipped": lambda d, cd, lh: d[: lh + 200] + bytes([d[lh + 200] ^ 0xFF]) + d[lh + 201 :],
    "local-name-differs": lambda d, cd, lh: d[: lh + 30] + bytes([d[lh + 30] ^ 0x20]) + d[lh + 31 :],
    "local-signature": lambda d, cd, lh: d[:lh] + b"QK" + d[lh + 2 :],
    "encrypted-flag": lambda d, cd, lh: d[: cd + 8] + bytes([d[cd + 8] | 1]) + d[cd + 9 :],
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("member", ["word/document.xml", "word/styles.xml"])
def test_damaged_member_refused_as_zipfile_would(
    make_docx: Callable[..., Path], damage: str, member: str
) -> None:
    good = make_docx(["香河县科学技术协会" * 40, [["指标", "值"], ["预算", "12.5万元"]]]).read_bytes()
    record = directory_entry(good, member)
    local = struct.unpack_from("<L", good, record + 42)[0]
    bad = DAMAGE[damage](good, record, local)
    expected = zipfile_verdict(bad)
    assert reader_verdict(bad) == expected
    if expected is None:  # damage zipfile does not notice reads as the sound file
        assert read_docx(bad, ReadLimits()) == read_docx(good, ReadLimits())
