"""Every reader: a number and its unit wrapped onto two lines are joined, and Traditional-character reports
are read (not quarantined). Fixtures written for these tests."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import pipeline
from jixiao.parse import parse_report
from jixiao.read import ReadLimits, normalise, read_path
from tests.read.conftest import PdfMaker

TITLE = "某某县科学技术协会2023年度部门整体支出绩效自评报告"
WRAPPED = ["基本支出预算安排 149.83 万元,实际支出 149.83", "万元,完成预算安排的 100%。"]


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        pytest.param(
            "实际支出 149.83\n万元,完成预算", "实际支出 149.83万元,完成预算", id="number-then-unit-joined"
        ),
        pytest.param("执行率为 97.45\n%,较上年", "执行率为 97.45%,较上年", id="number-then-percent-joined"),
        pytest.param("全年执行数\n149.83\n万元", "全年执行数\n149.83\n万元", id="a-cell-alone-is-not-joined"),
        pytest.param("见表1\n万元以下的项目", "见表1\n万元以下的项目", id="a-table-label-is-not-joined"),
    ],
)
def test_number_and_unit_wrap(raw: str, joined: str) -> None:
    assert normalise(raw).text == joined


def test_pdf_wrap_between_number_and_unit(make_pdf: PdfMaker) -> None:
    doc = read_path(make_pdf([[TITLE, *WRAPPED]]))
    assert parse_report(doc.text).value("basic_expenditure") == Decimal("149.83")


def test_docx_wrap_between_number_and_unit(make_docx: Callable[..., Path]) -> None:
    doc = read_path(make_docx([TITLE, *WRAPPED]))
    assert parse_report(doc.text).value("basic_expenditure") == Decimal("149.83")


TRADITIONAL = (
    "某某縣科學技術協會2023年度部門整體支出績效自評報告\n一、部門基本情況\n"
    "本會內設辦公室、學會部、科普部,核定編制12名,實有在職人員11人。\n"
    "二、部門預算收支情況\n年初預算數800.00萬元,全年預算數820.00萬元。"
    "全年總支出799.12萬元,其中基本支出499.12萬元,項目支出300.00萬元,預算執行率97.45%。\n"
    "三、績效自評結論\n經自評,綜合得分96.2分,評價等級為優秀。\n"
)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        pytest.param("utf-8", TRADITIONAL, id="traditional-utf8"),
        pytest.param("big5", TRADITIONAL, id="traditional-big5"),
        pytest.param("utf-8", TRADITIONAL.replace("萬元", "").replace("%", ""), id="no-units-no-amounts"),
    ],
)
def test_traditional_report_is_read(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    result = pipeline.read_and_parse(1, str(path), ReadLimits())
    assert result.reason is None and result.parsed is not None
    has_units = "萬元" in text
    expected = Decimal("499.12") if has_units else None
    assert result.parsed.value("basic_expenditure") == expected
    assert result.parsed.value("budget_initial") == (Decimal("800.00") if has_units else None)
    assert result.parsed.value("grade") == "优"
