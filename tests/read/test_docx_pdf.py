"""Real .docx and text-layer .pdf files: document order, table rows, pages, and the files that are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, read_path
from tests.read.conftest import PdfMaker, wrap

ROWS = [["序号", "项目名称", "分配资金"], ["1", "科普经费", "220.84"], ["2", "党组织活动经费", "3.34"]]


def test_docx_paragraphs_and_tables_in_document_order(make_docx: Callable[..., Path]) -> None:
    path = make_docx(
        [
            "临泽县科学技术协会",
            "2022年整体支出绩效评价报告",
            "项目资金支出明细及自评得分表",
            ROWS,
            "经自评，综合评价等级为“优秀”。",
        ]
    )
    doc = read_path(path)
    assert (doc.format, doc.encoding, doc.page_starts) == ("docx", None, ())
    assert doc.page_of(0) is None
    assert doc.text.split("\n") == [
        "临泽县科学技术协会",
        "2022年整体支出绩效评价报告",
        "项目资金支出明细及自评得分表",
        "序号\t项目名称\t分配资金",
        "1\t科普经费\t220.84",
        "2\t党组织活动经费\t3.34",
        "经自评,综合评价等级为“优秀”。",
    ]
    assert doc.tables == (tuple(tuple(r) for r in ROWS),)


def test_docx_merged_cells_are_not_repeated_in_a_row(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("部门整体支出绩效自评表")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "", "分值"], ["产出指标", "数量指标", "10"], ["", "质量指标", "20"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal: one cell spanning two grid columns
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical: the cell below continues the one above
    table.cell(1, 2).paragraphs[0].add_run("\n分")  # a line break inside a cell must not split the row
    path = tmp_path / "merged.docx"
    d.save(str(path))
    doc = read_path(path)
    (rows,) = doc.tables
    assert rows[0] == ("指标", "分值")  # not ("指标", "指标", "分值")
    assert rows[1] == ("产出指标", "数量指标", "10 分")
    assert rows[2] == ("产出指标", "质量指标", "20")  # a vertical merge reads as the value of its row
    assert "指标\t分值\n产出指标\t数量指标\t10 分\n" in doc.text


def test_pdf_chinese_text_pages_wraps_and_tables(make_pdf: PdfMaker) -> None:
    para = (
        "我单位2022年整体预算为1476.24万元，其中财政拨款1476.24万元，占总预算的100%。整体预算中，人员经费预算"
        "1044.45万元，一般公用经费预算119.18万元，项目经费预算312.61万元。我单位2022年度实际预算收入1703.63万元。"
    )
    page1 = ["临泽县科学技术协会", "2022年整体支出绩效评价报告", "一、部门概况", *wrap(para, 300)]
    page2 = ["二、绩效目标", *wrap(para * 2, 300), "最终评分结果为97.5分。"]
    path = make_pdf([page1, page2], grid=ROWS)
    doc = read_path(path)
    assert doc.format == "pdf"
    assert doc.text.startswith("临泽县科学技术协会\n2022年整体支出绩效评价报告\n一、部门概况\n")
    # The hard-wrapped paragraph is one line again, and numbers cut by the wrap are whole.
    assert "人员经费预算1044.45万元,一般公用经费预算119.18万元" in doc.text
    assert "实际预算收入1703.63万元。" in doc.text
    assert len(doc.page_starts) == 2
    assert doc.page_of(doc.text.index("一、部门概况")) == 1
    assert doc.page_of(doc.text.index("二、绩效目标")) == 2
    assert doc.page_of(doc.text.index("97.5")) == 2
    assert doc.text[doc.page_starts[1] :].startswith("二、绩效目标")
    assert tuple(tuple(r) for r in ROWS) in doc.tables
    # Offsets map back into the text pdfplumber extracted.
    i = doc.text.index("97.5")
    assert doc.raw_text[doc.to_raw(i) : doc.to_raw(i) + 4] == "97.5"


def test_scanned_pdfs_have_no_text_layer(tmp_path: Path, make_pdf: PdfMaker) -> None:
    drawn = tmp_path / "drawn.pdf"
    c = canvas.Canvas(str(drawn), pagesize=A4)
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    image = tmp_path / "page.png"
    Image.new("L", (200, 280), 255).save(image)
    scanned = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(scanned), pagesize=A4)
    for _ in range(2):
        c.drawImage(str(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    for path in (drawn, scanned):
        with pytest.raises(ReadError) as info:
            read_path(path)
        # No text layer, and OCR (jixiao.read.ocr) finds nothing on a blank scan or a drawing either.
        assert info.value.reason.startswith("scanned PDF: no text layer")
    # One page with text is enough for a PDF to be read.
    assert "香河县科学技术协会" in read_path(make_pdf([["香河县科学技术协会" * 3], []])).text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param(
            "noise.docx", b"\x8f\x12" * 2000, "corrupt .docx: not a zip archive", id="random-bytes-docx"
        ),
        pytest.param("noise.pdf", b"\x8f\x12" * 2000, "corrupt .pdf", id="random-bytes-pdf"),
        pytest.param("fake.pdf", b"%PDF-1.4\n%garbage\n" * 50, "corrupt .pdf", id="pdf-header-then-garbage"),
    ],
)
def test_random_bytes_with_a_known_extension(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_path(path)
    assert info.value.reason.startswith(reason)


def test_truncated_docx_and_pdf(make_docx: Callable[..., Path], make_pdf: PdfMaker, tmp_path: Path) -> None:
    full = make_docx(["香河县科学技术协会" * 50, ROWS])
    full_pdf = make_pdf([["香河县科学技术协会"] * 5, ["第二页 香河县科学技术协会"] * 5])
    assert "香河县" in read_path(full).text
    assert "第二页" in read_path(full_pdf).text
    for source, reason in ((full, r"corrupt \.docx"), (full_pdf, r"corrupt \.pdf|scanned PDF")):
        data = source.read_bytes()
        for keep in (len(data) // 2, 200):
            cut = tmp_path / f"cut{keep}{source.suffix}"
            cut.write_bytes(data[:keep])
            with pytest.raises(ReadError, match=reason):
                read_path(cut)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match=r"word/document\.xml is missing"):
        read_path(path)


def test_encrypted_pdf_is_refused(make_pdf: PdfMaker) -> None:
    path = make_pdf([["香河县科学技术协会" * 3]], encrypt="secret")
    with pytest.raises(ReadError, match="encrypted"):
        read_path(path)


def test_page_limit_and_time_budget(make_pdf: PdfMaker, make_docx: Callable[..., Path]) -> None:
    pdf = make_pdf([[f"第{i}页 香河县科学技术协会"] for i in range(5)])
    with pytest.raises(ReadError, match=r"refused \.pdf: 5 pages, over the 3-page limit"):
        read_path(pdf, ReadLimits(max_pdf_pages=3))
    assert read_path(pdf, ReadLimits(max_pdf_pages=5)).page_of(10**6) == 5
    with pytest.raises(ReadError, match=r"took longer than the 0 s budget \(reading page 1 of 5"):
        read_path(pdf, ReadLimits(timeout_s=0))
    with pytest.raises(ReadError, match="took longer than the 0 s budget"):
        read_path(make_docx(["香河县科学技术协会" * 5]), ReadLimits(timeout_s=0))
