"""Borderless PDF tables rebuilt from character positions, and page numbers kept out of the text.

The PDFs are drawn with reportlab the way Word exports a table with its borders switched off: each cell's
text at its column's x, wrapped cells on the following lines, no ruling lines for pdfplumber to find.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jixiao.parse import parse_report
from jixiao.read import read_path
from jixiao.read.pdf_tables import rows_by_position
from tests.read.conftest import wrap

FONT = "STSong-Light"
COLS = (50.0, 85.0, 260.0, 340.0)  # 序号, 项目名称, 分配资金, 自评得分
Line = list[tuple[float, str]]  # (x, text) pieces drawn on one baseline


def _draw(path: Path, pages: list[list[Line]], page_numbers: bool = True) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, lines in enumerate(pages, 1):
        c.setFont(FONT, 10.5)
        y = 800.0
        for line in lines:
            for x, text in line:
                c.drawString(x, y, text)
            y -= 16
        if page_numbers:
            c.setFont(FONT, 9)
            c.drawCentredString(A4[0] / 2, 36, f"- {n} -")
        c.showPage()
    c.save()
    return path


def _row(*cells: str) -> Line:
    return [(x, text) for x, text in zip(COLS, cells, strict=False) if text]


HEADER = _row("序号", "项目名称", "分配资金(元)", "自评得分")


def _chars(lines: list[Line]) -> list[dict[str, Any]]:
    """pdfplumber-shaped characters for ``lines``, 10 points wide each."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(lines):
        for x, text in line:
            for k, ch in enumerate(text):
                out.append({"text": ch, "x0": x + 10 * k, "x1": x + 10 * k + 10, "top": 100.0 + 16 * n})
    return out


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [HEADER, _row("1", "科普经费", "1000", "95"), _row("2", "学会经费", "2000", "90")],
            (("1", "科普经费", "1000", "95"), ("2", "学会经费", "2000", "90")),
            id="one-line-rows",
        ),
        pytest.param(
            [
                HEADER,
                _row("1", "全民科学素质", "1000", "95"),
                _row("", "行动经费"),
                _row("2", "普法", "5", "80"),
            ],
            (("1", "全民科学素质行动经费", "1000", "95"), ("2", "普法", "5", "80")),
            id="wrapped-name-joins-its-row",
        ),
        pytest.param(
            [HEADER, _row("1", "科普经费", "1000", "95"), [(50.0, "(五)当年部门年度整体绩效目标")]],
            (("1", "科普经费", "1000", "95"),),
            id="heading-in-first-column-ends-the-table",
        ),
        pytest.param(
            [HEADER, [(50.0, "本单位共有项目十个,均已完成。")]],
            (),
            id="prose-under-a-header-is-not-a-table",
        ),
        pytest.param(
            [_row("序号", "名称"), _row("1", "科普经费")],
            (),
            id="no-project-name-header",
        ),
    ],
)
def test_rows_from_character_positions(lines: list[Line], expected: tuple[tuple[str, ...], ...]) -> None:
    rows = rows_by_position([_chars(lines)])
    assert rows[1:] == expected
    if expected:
        assert rows[0] == ("序号", "项目名称", "分配资金(元)", "自评得分")


def test_header_cell_wrapped_onto_a_second_line() -> None:
    header, more = _row("序号", "项目名称", "分配资金", "自评"), _row("", "", "(元)", "得分")
    rows = rows_by_position([_chars([header, more, _row("1", "科普经费", "1000", "95")])])
    assert rows == (("序号", "项目名称", "分配资金(元)", "自评得分"), ("1", "科普经费", "1000", "95"))


def test_a_borderless_table_over_a_page_break_reads_as_rows_and_project_lines(tmp_path: Path) -> None:
    intro: list[Line] = [[(50.0, "项目资金支出明细及自评得分表")], HEADER]
    first = [_row(str(i), f"第{i}号科普项目经费", f"{i}0000.00", "90") for i in range(1, 40)]
    # Row 39's name wraps over the page break; row 40 starts the next page.
    second = [_row("", "(续)"), _row("40", "科技馆免费开放补助资金", "123456.00", "88.5")]
    second.append([(50.0, "二、自评工作开展情况")])
    pdf = _draw(tmp_path / "table.pdf", [intro + first, second])

    doc = read_path(pdf)
    (table,) = doc.tables
    assert table[0] == ("序号", "项目名称", "分配资金(元)", "自评得分")
    assert len(table) == 41
    assert table[39] == ("39", "第39号科普项目经费(续)", "390000.00", "90")
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text

    report = parse_report(doc.text, doc.page_of, doc.tables)
    lines = {p.seq: p for p in report.project_lines}
    assert len(lines) == 40
    assert lines[40].name == "科技馆免费开放补助资金"
    assert lines[40].amount == Decimal("12.3456")  # 元 in the header: stored in 万元
    assert lines[40].score == Decimal("88.5")
    assert lines[40].evidence.snippet.startswith("科技馆免")
    assert lines[40].evidence.snippet.endswith("123456.00 88.5")
    assert lines[40].evidence.page == 2


def test_page_numbers_do_not_break_a_sentence_over_pages(tmp_path: Path) -> None:
    sentence = (
        "二是科普工作能动性不足,各乡镇、各部门宣传力度和工作力度还不够,科普阵地建设滞后于群众需求。" * 12
    )
    lines = [[(50.0, piece)] for piece in wrap(sentence, 480, 10.5)]
    pages = [lines[:7], lines[7:]]  # the page breaks inside the sentence, under a "- 1 -" footer
    doc = read_path(_draw(tmp_path / "p.pdf", pages))
    assert sentence in doc.text
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text


@pytest.mark.parametrize(
    ("last_line", "kept"),
    [
        pytest.param("- 3 -", False, id="dash-page-number-dropped"),
        pytest.param("第 3 页 共 9 页", False, id="chinese-page-number-dropped"),
        pytest.param("37.11万元。", True, id="a-closing-amount-is-kept"),
        pytest.param("2023年4月17日", True, id="a-closing-date-is-kept"),
    ],
)
def test_only_page_number_shapes_leave_the_page(tmp_path: Path, last_line: str, kept: bool) -> None:
    body = [[(50.0, "年末结转和结余为本单位全年预算执行后的剩余资金,按规定结转下年使用。")]]
    doc = read_path(_draw(tmp_path / "n.pdf", [[*body, [(50.0, last_line)]]], page_numbers=False))
    assert (last_line.replace(" ", "") in doc.text.replace(" ", "")) is kept
