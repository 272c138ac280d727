"""Reading real files of every format, and refusing hostile ones with a reason a person understands."""

from __future__ import annotations

import io
import os
import resource
import time
import unicodedata
import zipfile
from pathlib import Path

import docx
import opencc
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, normalise, read_path
from tests.support import seed

SEED = seed("000").read_text(encoding="utf-8")
T2S = opencc.OpenCC("t2s")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(SEED.encode("utf-8"), "utf-8", id="utf8"),
        pytest.param(SEED.encode("utf-8-sig"), "utf-8-sig", id="utf8-bom"),
        pytest.param(SEED.encode("gb18030"), "gb18030", id="gb18030"),
        pytest.param(SEED.encode("gbk"), "gb18030", id="gbk-read-as-gb18030"),
        pytest.param(b"\xff\xfe" + SEED.encode("utf-16-le"), "utf-16-le", id="utf16le-bom"),
        pytest.param(b"\xfe\xff" + SEED.encode("utf-16-be"), "utf-16-be", id="utf16be-bom"),
        pytest.param(SEED.replace("\n", "\r\n").encode("utf-8"), "utf-8", id="crlf"),
        pytest.param(SEED.replace("\n", "\r").encode("utf-8"), "utf-8", id="cr"),
    ],
)
def test_text_encodings_give_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    reference = read_path(seed("000")).text
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    doc = read_path(path)
    assert doc.encoding == encoding
    assert doc.text == reference


def test_short_gbk_text_is_not_mistaken_for_big5(tmp_path: Path) -> None:
    text = "井陉县科学技术协会2025年度整体支出绩效自评报告，综合得分98分，评价等次为优。"
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("gbk"))
    assert read_path(path).text == text.replace("，", ",")


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("临泽县科学技术协会")
    d.add_paragraph("2022年整体支出绩效评价报告")
    d.add_paragraph("项目资金支出明细及自评得分表")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("序号", "项目名称", "分配资金"), ("1", "科普经费", "220.84"), ("2", "党组织活动经费", "3.34")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("经自评，综合评价等级为“优秀”。")
    path = tmp_path / "r.docx"
    d.save(str(path))
    doc = read_path(path)
    assert doc.format == "docx"
    lines = doc.text.split("\n")
    assert lines[:3] == ["临泽县科学技术协会", "2022年整体支出绩效评价报告", "项目资金支出明细及自评得分表"]
    assert lines[3:6] == ["序号\t项目名称\t分配资金", "1\t科普经费\t220.84", "2\t党组织活动经费\t3.34"]
    assert lines[6].startswith("经自评")
    assert doc.tables == (
        (("序号", "项目名称", "分配资金"), ("1", "科普经费", "220.84"), ("2", "党组织活动经费", "3.34")),
    )


def make_pdf(path: Path, pages: list[list[str]]) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        c.setFont("STSong-Light", 11)
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()


def test_pdf_text_layer_pages_and_wrapped_number(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    make_pdf(
        path,
        [
            ["临泽县科学技术协会", "2022年整体支出绩效评价报告", "最终评分结果为97.5分。"],
            ["2022年部门总支出327.38万元，其中基本支出146.72万元。", "二〇二三年四月十七日"],
        ],
    )
    doc = read_path(path)
    assert doc.format == "pdf"
    assert "临泽县科学技术协会" in doc.text
    assert doc.page_of(doc.text.index("97.5")) == 1
    assert doc.page_of(doc.text.index("327.38")) == 2


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(ReadError, match="scanned PDF: no text layer"):
        read_path(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("综合得分９７．５分", "综合得分97.5分", id="full-width-digits"),
        pytest.param("执行率为９８．３２％", "执行率为98.32%", id="full-width-percent"),
        pytest.param(
            "臨澤縣科學技術協會績效評價報告", "临泽县科学技术协会绩效评价报告", id="traditional-to-simplified"
        ),
        pytest.param("[bookmark: _GoBack]时效指标", "时效指标", id="bookmark-markup"),
        pytest.param("## 二、评价\n**重点**内容", "二、评价\n重点内容", id="markdown-heading-and-bold"),
        pytest.param("总支出20\n24.5万元", "总支出2024.5万元", id="number-split-across-lines"),
        pytest.param("第1行\n2\t党组织", "第1行\n2\t党组织", id="table-row-not-joined"),
        pytest.param("单位   名称", "单位 名称", id="space-runs-collapse"),
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    norm = normalise(raw)
    assert norm.text == expected
    # Every character maps back to a raw character that normalises to it (or to the edit it came from).
    for i, ch in enumerate(norm.text):
        src = raw[norm.to_raw(i)]
        assert ch in (unicodedata.normalize("NFKC", src), T2S.convert(src)) or ch == " ", (i, ch, src)


def test_offset_map_points_into_the_raw_text() -> None:
    raw = "[bookmark: _GoBack]井陉县  科协 综合得分９８分\n## 标题\n2025年度"
    norm = normalise(raw)
    for word in ("井陉县", "科协", "98", "标题", "2025年度"):
        i = norm.text.index(word)
        j = norm.to_raw(i)
        assert raw[j] == word[0] or raw[j] == "９"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("empty.txt", b"", "empty file", id="empty"),
        pytest.param("blank.txt", b"   \n\n  ", "empty txt", id="only-whitespace"),
        pytest.param("noise.txt", os.urandom(3000), "not", id="random-bytes-txt"),
        pytest.param("noise.docx", os.urandom(3000), "corrupt .docx", id="random-bytes-docx"),
        pytest.param("noise.pdf", os.urandom(3000), "corrupt .pdf", id="random-bytes-pdf"),
        pytest.param("table.xlsx", b"PK\x03\x04", "unsupported file type .xlsx", id="unsupported-extension"),
        pytest.param("english.txt", b"hello world " * 100, "not a Chinese report", id="no-chinese"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert reason in info.value.reason


def test_truncated_docx_and_pdf(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("香河县科学技术协会" * 50)
    full = tmp_path / "full.docx"
    d.save(str(full))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(ReadError, match=r"corrupt \.docx"):
        read_path(cut)
    pdf = tmp_path / "full.pdf"
    make_pdf(pdf, [["香河县科学技术协会"] * 5])
    cut_pdf = tmp_path / "cut.pdf"
    cut_pdf.write_bytes(pdf.read_bytes()[:200])
    with pytest.raises(ReadError, match=r"corrupt \.pdf|scanned PDF"):
        read_path(cut_pdf)


def test_size_and_page_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(SEED.encode("utf-8") * 200)
    with pytest.raises(ReadError, match="file too large"):
        read_path(big, ReadLimits(max_bytes=1024 * 1024))
    pdf = tmp_path / "long.pdf"
    make_pdf(pdf, [[f"第{i}页 香河县科学技术协会"] for i in range(5)])
    with pytest.raises(ReadError, match="5 pages, over the 3-page limit"):
        read_path(pdf, ReadLimits(max_pdf_pages=3))


def test_zip_bomb_is_refused_in_seconds_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(1024):  # 1 GiB of spaces, a few MB compressed
                f.write(chunk)
    assert bomb.stat().st_size < 10 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ReadError, match="zip bomb"):
        read_path(bomb)
    assert time.perf_counter() - t0 < 5
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 100


def test_lying_zip_directory_is_caught_while_inflating(tmp_path: Path) -> None:
    # The declared size says 1 KB; the stream inflates to 3 MB: counting bytes catches it.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b" " * (3 << 20))
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1024).to_bytes(4, "little")  # uncompressed size in the directory
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    assert info.file_size == 3 << 20
    with pytest.raises(ReadError):
        read_path(path, ReadLimits(max_inflated_bytes=1 << 20))
