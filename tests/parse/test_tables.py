"""The 部门整体支出绩效自评表 read from every text shape it arrives in (fixtures written for these tests).

Each pattern has a case the parser must read and, beside it, a case it must leave alone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.read import normalise

TITLE = "某某县科学技术协会2023年度部门整体支出绩效自评表\n"

PIPE = (
    TITLE
    + "单位:元\n"
    + "| 资金情况 | 年初预算数 | 全年(调整)预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
    + "|---|---|---|---|---|---|---|\n"
    + "| 年度总金额 | 3,724,055.00 | 3,910,000.00 | 3,724,055.00 | 10 | 95.24% | 9.52 |\n"
    + "| 其中:基本支出 | 2,000,000.00 | 2,100,000.00 | 2,050,000.00 | - | - | - |\n"
    + "| 项目支出 | 1,724,055.00 | 1,810,000.00 | 1,674,055.00 | - | - | - |\n"
    + "| 其中:财政拨款 | 3,000,000.00 | 3,000,000.00 | 2,990,000.00 | - | - | - |\n"
    + "| 自评总分: | 99.68 |\n"
)
TABS = (
    TITLE
    + "资金情况(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    + "年度资金总额\t500.00\t520.00\t510.00\t10\t98.08%\t9.8\n"
    + "基本支出\t300.00\t300.00\t300.00\t\t\t\n"
    + "项目支出\t200.00\t220.00\t210.00\t\t\t\n"
    + "预算单位\t某某县科学技术协会\n"
    + "自评等级\t优秀\n"
)
PER_LINE = (
    TITLE
    + "资金情况(万元)\n年初预算数\n全年预算数\n全年执行数\n执行率\n分值\n得分\n"
    + "年度资金总额\n1000.00\n1100.00\n1050.00\n95.45%\n10\n9.5\n"
    + "基本支出\n606.44\n719.99\n项目支出\n393.56\n330.01\n"
    + "人员编制\n21\n实有人数\n19\n自评总分\n95.5\n"
)
SPACES = (
    TITLE
    + "资金情况(万元) 年初预算数 全年预算数 全年执行数 执行率 分值 得分\n"
    + "年度资金总额 1000.00 1100.00 1050.00 95.45% 10 9.5\n"
    + "其中: 基本支出 606.44 719.99 700.00\n"
    + "项目支出 393.56 380.01 350.00\n"
    + "总分 100 96.5\n"
)
# Two cells dropped from each part row, and no sum that settles where they sit: not read at all.
AMBIGUOUS = (
    TITLE
    + "资金情况(万元)\n年初预算数\n全年预算数\n全年执行数\n执行率\n"
    + "年度资金总额\n1000.00\n1100.00\n1050.00\n95.45%\n"
    + "基本支出\n600.00\n700.00\n项目支出\n300.00\n200.00\n"
)
# A project table's score header above a numbered row is not a label beside its value.
PROJECT_HEADER = "序号\t项目名称\t分配资金\t综合得分\n1\t科普经费\t220.84\t91\n"


def _value(text: str, field: str) -> object:
    return parse_report(normalise(text).text).value(field)


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        pytest.param(PIPE, "expenditure_total", Decimal("372.4055"), id="pipe-total-executed-yuan-to-wan"),
        pytest.param(PIPE, "budget_initial", Decimal("372.4055"), id="pipe-initial-budget"),
        pytest.param(PIPE, "budget_adjusted", Decimal("391"), id="pipe-adjusted-budget"),
        pytest.param(PIPE, "execution_rate", Decimal("95.24"), id="pipe-rate-by-its-column"),
        pytest.param(PIPE, "basic_expenditure", Decimal("205"), id="pipe-basic-after-scope-word"),
        pytest.param(PIPE, "project_expenditure", Decimal("167.4055"), id="pipe-project"),
        pytest.param(PIPE, "score", Decimal("99.68"), id="pipe-self-score-label-cell"),
        pytest.param(
            PIPE.replace("| 自评总分: | 99.68 |\n", ""), "score", None, id="pipe-no-score-row-no-score"
        ),
        pytest.param(TABS, "expenditure_total", Decimal("510.00"), id="tabs-total"),
        pytest.param(TABS, "execution_rate", Decimal("98.08"), id="tabs-rate-after-weight-column"),
        pytest.param(TABS, "project_expenditure", Decimal("210.00"), id="tabs-project-empty-cells-kept"),
        pytest.param(TABS, "grade", "优", id="tabs-grade-cell"),
        pytest.param(TABS, "unit_name", "某某县科学技术协会", id="tabs-budget-unit-cell"),
        pytest.param(PER_LINE, "expenditure_total", Decimal("1050.00"), id="per-line-total"),
        pytest.param(
            PER_LINE, "basic_expenditure", Decimal("719.99"), id="per-line-short-row-settled-by-sum"
        ),
        pytest.param(PER_LINE, "project_expenditure", Decimal("330.01"), id="per-line-short-project-row"),
        pytest.param(PER_LINE, "staff_quota", 21, id="label-value-lines-quota"),
        pytest.param(PER_LINE, "staff_actual", 19, id="label-value-lines-actual"),
        pytest.param(PER_LINE, "score", Decimal("95.5"), id="per-line-score"),
        pytest.param(AMBIGUOUS, "basic_expenditure", None, id="short-rows-no-sum-not-guessed"),
        pytest.param(AMBIGUOUS, "expenditure_total", Decimal("1050.00"), id="short-rows-total-still-read"),
        pytest.param(SPACES, "basic_expenditure", Decimal("700.00"), id="spaces-basic"),
        pytest.param(SPACES, "score", Decimal("96.5"), id="spaces-score-after-weight-100"),
        pytest.param(PROJECT_HEADER, "score", None, id="header-cell-over-a-row-is-no-label"),
    ],
)
def test_self_evaluation_table(text: str, field: str, expected: object) -> None:
    assert _value(text, field) == expected


def test_evidence_points_at_the_cells() -> None:
    text = normalise(PIPE).text
    fact = parse_report(text).facts["expenditure_total"]
    assert text[fact.evidence.start :].startswith("年度总金额")
    assert text[: fact.evidence.end].endswith("3,724,055.00")
    assert fact.evidence.snippet.count("3,724,055.00") == 2


@pytest.mark.parametrize(
    ("unit_line", "expected"),
    [
        pytest.param("单位:万元\n", Decimal("3724055.00"), id="stated-wan-kept"),
        pytest.param("单位:元\n", Decimal("372.4055"), id="stated-yuan-converted"),
        pytest.param("", Decimal("372.4055"), id="unstated-over-100000-is-yuan"),
    ],
)
def test_amount_unit(unit_line: str, expected: Decimal) -> None:
    text = PIPE.replace("单位:元\n", unit_line)
    assert _value(text, "expenditure_total") == expected


def test_a_report_prose_wins_over_its_appended_table() -> None:
    report = (
        "某某县科学技术协会2023年度部门整体支出绩效自评报告\n2023年部门总支出512.00万元。\n"
        + TABS.removeprefix(TITLE)
    )
    parsed = parse_report(normalise(report).text)
    assert parsed.value("doc_kind") == "dept_report"
    assert parsed.value("expenditure_total") == Decimal("512.00")
    assert parsed.value("project_expenditure") == Decimal("210.00")  # the table fills what prose leaves


READER_ROWS = (
    ("资金情况(万元)", "年初预算数", "全年预算数", "全年执行数", "执行率"),
    ("年度资金总额", "800.00", "820.00", "799.12", "97.45%"),
    ("项目支出", "300.00", "320.00", "300.00", ""),
)


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        pytest.param((READER_ROWS,), Decimal("799.12"), id="reader-rows-when-the-text-layer-scrambles-them"),
        pytest.param((READER_ROWS[:1],), None, id="a-header-without-rows-gives-nothing"),
    ],
)
def test_reader_tables(tables: tuple[tuple[tuple[str, ...], ...], ...], expected: Decimal | None) -> None:
    # A PDF text layer that lost the table's order: the cells are only in the reader's rows.
    text = normalise(TITLE + "资金情况 年度资金总额 万元 执行率 800.00 97.45% 820.00 799.12\n").text
    assert parse_report(text, tables=tables).value("expenditure_total") == expected
