"""Plain-text reports: every encoding a Chinese office produces decodes to the same text; noise is refused."""

from __future__ import annotations

import codecs
import random
import time
from pathlib import Path

import opencc
import pytest

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, normalise, read_bytes, read_path
from tests.support import seed, seed_paths

SEED = seed("000").read_text(encoding="utf-8")
REFERENCE = read_path(seed("000")).text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(SEED.encode("utf-8"), "utf-8", id="utf8"),
        pytest.param(codecs.BOM_UTF8 + SEED.encode("utf-8"), "utf-8-sig", id="utf8-bom"),
        pytest.param(SEED.encode("gb18030"), "gb18030", id="gb18030"),
        pytest.param(SEED.encode("gbk"), "gb18030", id="gbk-read-as-gb18030"),
        pytest.param(codecs.BOM_UTF16_LE + SEED.encode("utf-16-le"), "utf-16-le", id="utf16le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + SEED.encode("utf-16-be"), "utf-16-be", id="utf16be-bom"),
        pytest.param(SEED.encode("utf-16-le"), "utf-16-le", id="utf16le-without-bom"),
        pytest.param(SEED.replace("\n", "\r\n").encode("utf-8"), "utf-8", id="crlf"),
        pytest.param(SEED.replace("\n", "\r").encode("gb18030"), "gb18030", id="cr-gb18030"),
    ],
)
def test_every_encoding_gives_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    doc = read_path(path)
    assert (doc.format, doc.encoding) == ("txt", encoding)
    assert "\r" not in doc.raw_text
    assert doc.text == REFERENCE


def test_utf8_cut_mid_character_stays_utf8_not_gb18030_mojibake(tmp_path: Path) -> None:
    data = SEED.encode("utf-8")
    last_lead = max(i for i, byte in enumerate(data) if byte >= 0xE0)
    path = tmp_path / "cut.txt"
    path.write_bytes(data[: last_lead + 1])  # the last Chinese character loses two of its three bytes
    doc = read_path(path)
    assert doc.encoding == "utf-8"
    assert doc.raw_text.endswith("\ufffd")
    assert doc.text[:200] == REFERENCE[:200]


TRADITIONAL = opencc.OpenCC("s2t").convert(seed("004").read_text(encoding="utf-8")[:3000])


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        pytest.param("big5", "big5", id="big5-goes-past-gb18030-to-detection"),
        pytest.param("gbk", "gb18030", id="traditional-in-gbk-stays-gb18030"),
        pytest.param("utf-8", "utf-8", id="traditional-in-utf8"),
    ],
)
def test_traditional_reports_in_any_encoding_read_as_simplified(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    path = tmp_path / "trad.txt"
    path.write_bytes(TRADITIONAL.encode(encoding, errors="ignore"))
    doc = read_path(path)
    assert doc.encoding == expected
    assert "临泽县科学技术协会" in doc.text
    assert "2022年整体支出绩效评价报告" in doc.text


def test_bytes_gb18030_reads_only_as_rare_characters_are_refused(tmp_path: Path) -> None:
    noise = bytes(b % 126 + 0x81 for b in random.Random(0).randbytes(4000))  # every pair is valid GB18030
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    with pytest.raises(ReadError, match=r"not text: decodes \(gb18030.*\) only into rare characters"):
        read_path(path)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param(
            "井陉县科学技术协会2025年度整体支出绩效自评报告，综合得分98分，评价等次为优。",
            "gbk",
            id="short-gbk-is-gb18030-not-big5",
        ),
        pytest.param("临泽县科学技术协会整体支出绩效评价报告，评价等次为优秀。", "utf-8", id="short-utf8"),
    ],
)
def test_short_text_is_not_mislabelled(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    assert read_path(path).text == text.replace("，", ",")


def test_markdown_file_loses_heading_marks_and_emphasis(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text(
        "# 临泽县科学技术协会\n\n## 一、部门概况\n\n**综合得分**为９７．５分。\n", encoding="utf-8"
    )
    doc = read_path(path)
    assert doc.format == "md"
    assert doc.text == "临泽县科学技术协会\n\n一、部门概况\n\n综合得分为97.5分。\n"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("empty.txt", b"", "empty file", id="empty"),
        pytest.param("blank.md", b"   \n\n \t ", "empty md", id="only-whitespace"),
        pytest.param("noise.txt", random.Random(1).randbytes(4000), "not ", id="random-bytes-txt"),
        pytest.param("noise.md", bytes(range(1, 256)) * 20, "not ", id="random-bytes-without-nul-md"),
        pytest.param(
            "controls.txt",
            ("\x01\x02\x03\x04\x05\x06" * 300 + "临泽县科学技术协会" * 5).encode(),
            "not text: ",
            id="mostly-control-characters",
        ),
        pytest.param(
            "odd.txt", codecs.BOM_UTF16_LE + b"\x00\xd8" * 50, "not text", id="utf16-bom-then-garbage"
        ),
        pytest.param("english.txt", b"hello world " * 100, "not a Chinese report", id="no-chinese"),
        pytest.param(
            "slides.pptx",
            b"PK\x03\x04",
            "unsupported file type .pptx; supported: .txt .md .docx .pdf .xlsx .xls .et .doc .wps .ofd",
            id="pptx",
        ),
        pytest.param("README", b"text", "unsupported file type (none)", id="no-extension"),
    ],
)
def test_hostile_text_is_refused_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert reason in info.value.reason
    with pytest.raises(ReadError) as again:
        read_bytes(data, name)
    assert again.value.reason == info.value.reason


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: never written, so reading it would be the bug
    with pytest.raises(ReadError, match=r"file too large: 3\.0 MB, over the 1\.0 MB limit"):
        read_path(big, ReadLimits(max_bytes=1024 * 1024))
    small = tmp_path / "small.txt"
    small.write_bytes(SEED.encode())
    assert read_path(small, ReadLimits(max_bytes=1024 * 1024)).text == REFERENCE


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda p: p / "missing.txt", "cannot open", id="missing"),
        pytest.param(lambda p: (p / "dir.txt").mkdir() or p / "dir.txt", "cannot read", id="directory"),
    ],
)
def test_unreadable_paths(tmp_path: Path, make: object, reason: str) -> None:
    assert callable(make)
    with pytest.raises(ReadError, match=reason):
        read_path(make(tmp_path))


def test_reading_and_normalising_is_fast() -> None:
    """A 15 KB report costs well under a millisecond: the budget here is loose to stay stable on CI."""
    for path in seed_paths():
        data = path.read_bytes()
        clean = normalise(data.decode()).text.encode()
        full_width = clean.decode().translate({c: c + 0xFEE0 for c in b"0123456789.%"}).encode()
        for sample in (clean, full_width):
            best = min(_time(sample) for _ in range(20))
            assert best < 0.005, (path.name, best)


def _time(data: bytes) -> float:
    t0 = time.perf_counter()
    read_bytes(data, "r.txt")
    return time.perf_counter() - t0
