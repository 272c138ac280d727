"""The self-evaluation table from real .docx and .pdf files: a Word table, a ruled PDF table, and a PDF
table drawn without lines (cells placed by position only). Fixtures written for these tests."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.parse import parse_report
from jixiao.read import read_path
from tests.read.conftest import PdfMaker

TITLE = "某某县科学技术协会2023年度部门整体支出绩效自评表"
GRID = [
    ["资金情况(万元)", "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"],
    ["年度资金总额", "800.00", "820.00", "799.12", "97.45%", "9.7"],
    ["其中:基本支出", "500.00", "500.00", "499.12", "", ""],
    ["项目支出", "300.00", "320.00", "300.00", "", ""],
    ["自评总分", "96.20", "", "", "", ""],
]
EXPECTED = {
    "expenditure_total": Decimal("799.12"),
    "budget_adjusted": Decimal("820.00"),
    "execution_rate": Decimal("97.45"),
    "basic_expenditure": Decimal("499.12"),
    "project_expenditure": Decimal("300.00"),
    "score": Decimal("96.20"),
    "doc_kind": "dept_table",
}


def _got(path: Path) -> dict[str, object]:
    doc = read_path(path)
    parsed = parse_report(doc.text, page_of=doc.page_of if doc.page_starts else None, tables=doc.tables)
    return {name: parsed.value(name) for name in EXPECTED}


def test_docx_table(make_docx: Callable[..., Path]) -> None:
    assert _got(make_docx([TITLE, GRID])) == EXPECTED


def test_ruled_pdf_table(make_pdf: PdfMaker) -> None:
    assert _got(make_pdf([[TITLE]], grid=GRID)) == EXPECTED


def test_borderless_pdf_table(make_pdf: PdfMaker) -> None:
    # A PDF's text layer puts a borderless row on one line, cells apart by spaces.
    lines = [TITLE, *("  ".join(c for c in row if c) for row in GRID)]
    assert _got(make_pdf([lines])) == EXPECTED


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        pytest.param(TITLE, "dept_table", id="department-table"),
        pytest.param(
            "某某县科学技术协会2023年度科普惠民项目支出绩效自评表", "project_report", id="project-table"
        ),
    ],
)
def test_kind_of_a_table_document(make_docx: Callable[..., Path], title: str, kind: str) -> None:
    doc = read_path(make_docx([title, GRID]))
    assert parse_report(doc.text, tables=doc.tables).value("doc_kind") == kind
