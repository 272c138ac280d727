"""Wordings and scopes beyond the seeds, one fixture (written for these tests) per pattern: the value the
parser must read, and beside it the look-alike it must not take for the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.read import normalise

HEAD = "某某县妇女联合会2023年度部门整体支出绩效自评报告\n一、部门概况\n"


def _value(body: str, field: str, head: str = HEAD) -> object:
    return parse_report(normalise(head + body + "\n").text).value(field)


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        # totals under other wordings
        pytest.param(
            "(二)年度收支\n1、收入:812.40万元\n2、支出:799.12万元",
            "expenditure_total",
            Decimal("799.12"),
            id="numbered-expenditure",
        ),
        pytest.param(
            "(二)年度收支\n1、收入:812.40万元\n2、支出:799.12万元",
            "income_total",
            Decimal("812.40"),
            id="numbered-income",
        ),
        pytest.param(
            "三公经费支出:2.30万元。", "expenditure_total", None, id="a-part-before-支出-colon-is-no-total"
        ),
        pytest.param(
            "全年实际执行支出预算1711.15万元。",
            "expenditure_total",
            Decimal("1711.15"),
            id="actual-execution-of-budget",
        ),
        pytest.param(
            "全年财政资金支出共计7,991,200.00元。",
            "expenditure_total",
            Decimal("799.12"),
            id="spent-in-all-yuan",
        ),
        pytest.param(
            "全年执行数为799.12万元。", "expenditure_total", Decimal("799.12"), id="executed-figure"
        ),
        # initial budgets
        pytest.param(
            "年初批复部门收入预算为1116.20万元。",
            "budget_initial",
            Decimal("1116.20"),
            id="initial-income-budget",
        ),
        pytest.param(
            "调整后收入预算为1180.00万元。",
            "budget_initial",
            None,
            id="income-budget-without-年初-is-not-initial",
        ),
        pytest.param(
            "年初下达预算支出910.47万元。", "budget_initial", Decimal("910.47"), id="initial-issued-budget"
        ),
        # changes, allocations and parts are not levels
        pytest.param("较上年增加基本支出841623.68元。", "basic_expenditure", None, id="a-change-is-no-level"),
        pytest.param(
            "基本支出841623.68元。", "basic_expenditure", Decimal("84.162368"), id="the-level-itself"
        ),
        pytest.param(
            "年初已安排项目经费380万元。", "project_expenditure", None, id="an-allocation-is-no-actual"
        ),
        pytest.param(
            "全年项目经费支出352.10万元。",
            "project_expenditure",
            Decimal("352.10"),
            id="project-spending-actual",
        ),
        pytest.param(
            "因公出国(境)费、公务接待费、公务用车购置及运行费年初预算安排0万元。",
            "budget_initial",
            None,
            id="三公-items-budget-is-not-the-department's",
        ),
        pytest.param("年初预算安排0万元。", "budget_initial", None, id="zero-is-no-department-budget"),
        pytest.param(
            "本年收入合计587.44万元,其中财政拨款收入579.94万元。",
            "income_total",
            Decimal("587.44"),
            id="total-income-before-its-part",
        ),
        pytest.param(
            "其中财政拨款收入579.94万元,其他收入7.50万元。",
            "income_total",
            None,
            id="funding-source-is-a-part",
        ),
        pytest.param(
            "本年度财政拨款收入167.90万元,无其他收入。",
            "income_total",
            Decimal("167.90"),
            id="sole-funding-source-is-the-total",
        ),
        pytest.param(
            "人员经费预算安排150.00万元,实际支出148.20万元。",
            "personnel_expense",
            Decimal("148.20"),
            id="budgeted-personnel-then-actual",
        ),
        pytest.param(
            "人员经费预算安排150.00万元。", "personnel_expense", None, id="budgeted-personnel-is-not-actual"
        ),
        pytest.param(
            "人员经费安排150.00万元。", "personnel_expense", None, id="personnel-allocation-is-not-actual"
        ),
        # score, grade and staff
        pytest.param("经自评,本单位及所属项目自评等次均为优秀。", "grade", "优", id="grade-均为"),
        pytest.param("本单位在职干部职工9人。", "staff_actual", 9, id="cadres-and-staff"),
        pytest.param("实有在编在职工作人员40人。", "staff_actual", 40, id="staff-on-establishment"),
        pytest.param(
            "现有编制人员205人,其中退休人员160人。", "staff_quota", None, id="现有编制人员-counts-retirees"
        ),
        pytest.param(
            "核定行政编制39名、事业编制6名。", "staff_quota", None, id="one-kind-of-quota-is-a-part"
        ),
        pytest.param(
            "核定事业编制10名,在编实有9名。", "staff_quota", 10, id="a-single-kind-of-quota-is-the-quota"
        ),
        pytest.param("核定编制6个,年末在职在编6人。", "staff_quota", 6, id="quota-counted-in-个"),
    ],
)
def test_wording(body: str, field: str, expected: object) -> None:
    assert _value(body, field) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            "某某县科协\n2018绩效评价报告\n报告日期:2019年06月18日\n", 2018, id="title-year-without-年"
        ),
        pytest.param("2024年度部门整体绩效自评表\n", 2024, id="table-title-year"),
        pytest.param(
            "报告日期:2019年06月18日\n某某县科协绩效评价报告\n", None, id="a-date-line-is-no-title-year"
        ),
    ],
)
def test_fiscal_year_from_title(head: str, expected: int | None) -> None:
    assert _value("部门职责是科普。", "fiscal_year", head=head) == expected
