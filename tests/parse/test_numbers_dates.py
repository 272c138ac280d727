"""Money, percentages and dates as reports write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.parse.dates import parse_date
from jixiao.parse.numbers import to_decimal, to_wan


@pytest.mark.parametrize(
    ("number", "unit", "wan"),
    [
        pytest.param("1,498,300.00", "元", Decimal("149.83"), id="yuan-with-thousands-separators"),
        pytest.param("286.96", "万元", Decimal("286.96"), id="wan-as-is"),
        pytest.param("1.2", "亿元", Decimal("12000"), id="yi-yuan"),
        pytest.param("5000", "元", Decimal("0.5"), id="small-yuan"),
    ],
)
def test_money_to_wan(number: str, unit: str, wan: Decimal) -> None:
    value = to_decimal(number)
    assert value is not None and to_wan(value, unit) == wan


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        pytest.param("2023年4月17日", "2023-04-17", id="arabic"),
        pytest.param("2020年11月", "2020-11", id="month-only"),
        pytest.param("二〇二三年四月十七日", "2023-04-17", id="chinese-numerals"),
        pytest.param("二零二二年十二月三十一日", "2022-12-31", id="chinese-zero-and-tens"),
        pytest.param("2023年2月30日", None, id="impossible-date"),
        pytest.param("无日期", None, id="no-date"),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            "2022年部门总支出1,498,300.00元。", "expenditure_total", Decimal("149.83"), id="total-in-yuan"
        ),
        pytest.param("2022年部门总支出1.2亿元。", "expenditure_total", Decimal("12000"), id="total-in-yi"),
        pytest.param(
            "“江华科协”公众号关注量 1.63 万,科普中国信息员总注册量 2.02 万人。",
            "expenditure_total",
            None,
            id="followers-are-not-money",
        ),
        pytest.param(
            "项目经费较预算增加38.66万元。", "project_expenditure", None, id="a-change-is-not-the-value"
        ),
        pytest.param("报告日期:二〇二三年四月十七日", "report_date", "2023-04-17", id="report-date-label"),
        pytest.param("最终评分结果为97.5分,自评结果为“优”。", "grade", "优", id="grade-after-score"),
        pytest.param("综合评价等级为“良好”。", "grade", "良", id="grade-normalised"),
        pytest.param("15个项目自评得分均在90分以上。", "score", None, id="a-bound-is-not-a-score"),
        pytest.param(
            "项目经费预算执行率为100%。", "execution_rate", None, id="project-rate-is-not-the-department's"
        ),
        pytest.param(
            "基本支出预算安排(含上年结转)149.83万元,实际支出149.83万元,完成预算安排的99.8%。",
            "execution_rate",
            None,
            id="basic-spending-rate-is-not-the-department's",
        ),
        pytest.param(
            "整体支出为1972.83万元,年末结余和结转33.70万元(人员经费),预算执行率为98.32%。",
            "execution_rate",
            Decimal("98.32"),
            id="rate-after-the-whole-spending",
        ),
        pytest.param("自评总分86.2分,自评结果为“良好”。", "score", Decimal("86.2"), id="score-as-total"),
        pytest.param("自评得分为89.3分,自评等级为“良好”。", "grade", "良", id="grade-as-self-rating"),
        pytest.param(
            "年末资产总计319.18万元,负债31.92万元。", "assets_total", Decimal("319.18"), id="assets-sum"
        ),
        pytest.param(
            "“三公”经费预算17.42万元,实际支出9.70万元。",
            "sangong_actual",
            Decimal("9.70"),
            id="sangong-actual-follows",
        ),
        pytest.param(
            "“三公”经费预算17.42万元,实际支出9.70万元。",
            "sangong_budget",
            Decimal("17.42"),
            id="sangong-budget-first",
        ),
        pytest.param(
            "人员经费421.90万元,占比86.34%。",
            "personnel_share",
            Decimal("86.34"),
            id="share-written-as-zhanbi",
        ),
        pytest.param(
            "公用经费15.85万元,公用经费比重12.33%。", "public_share", Decimal("12.33"), id="share-as-bizhong"
        ),
        pytest.param(
            "人员经费178.92万元、公用经费22.45万元,分别占基本支出的88.85%和11.15%。",
            "public_share",
            Decimal("11.15"),
            id="two-shares-in-one-breath",
        ),
        pytest.param(
            "人员经费178.92万元,占总支出的60.1%。",
            "personnel_share",
            None,
            id="share-of-total-is-not-of-basic",
        ),
        pytest.param(
            "“三公”经费实际支出2.47万元,年初预算3.20万元。",
            "sangong_budget",
            Decimal("3.20"),
            id="sangong-budget-after-actual",
        ),
        pytest.param(
            "“三公”经费实际支出2.47万元,年初预算3.20万元。",
            "budget_initial",
            None,
            id="sangong-budget-is-not-the-departments",
        ),
        pytest.param(
            "基本支出预算149.83万元,实际支出149.83万元。",
            "expenditure_total",
            None,
            id="a-parts-actual-is-not-the-total",
        ),
        pytest.param(
            "2019年实际支出203.19万元,执行进度为98.38%。",
            "execution_rate",
            Decimal("98.38"),
            id="execution-progress",
        ),
        pytest.param(
            "各项目平均自评得分92.4分。", "score", None, id="projects-average-score-is-not-the-departments"
        ),
        pytest.param("自评分值为94.5分,等级评定为优秀。", "grade", "优", id="grade-as-dengji-pingding"),
        pytest.param(
            "“三公”经费:年初预算2.00万元,决算1.35万元。",
            "sangong_actual",
            Decimal("1.35"),
            id="sangong-juesuan",
        ),
        pytest.param(
            "2024年三公经费0.86万元,比预算1.20万元少0.34万元。",
            "sangong_actual",
            Decimal("0.86"),
            id="sangong-unqualified-is-spent",
        ),
        pytest.param(
            "2024年三公经费0.86万元,比预算1.20万元少0.34万元。",
            "sangong_budget",
            Decimal("1.20"),
            id="sangong-budget-compared",
        ),
        pytest.param(
            "年初预算安排“三公”经费14.63万元。", "sangong_actual", None, id="sangong-budget-is-not-spending"
        ),
        pytest.param(
            "(四)“三公”经费。年初预算0.80万元,实际支出0.42万元。",
            "sangong_actual",
            Decimal("0.42"),
            id="sangong-under-its-heading",
        ),
        pytest.param(
            "其中茶产业科技服务专项资金20.00万元,执行率100%。",
            "execution_rate",
            None,
            id="a-projects-bare-rate",
        ),
        pytest.param(
            "2024年预算执行率(含上年结转)为98.24%。",
            "execution_rate",
            Decimal("98.24"),
            id="rate-with-a-note",
        ),
        pytest.param("上年结转2.35万元。", "carryover_start", Decimal("2.35"), id="carryover-from-last-year"),
        pytest.param(
            "基本支出预算安排(含上年结转)149.83万元,实际支出149.83万元。",
            "carryover_start",
            None,
            id="a-note-on-carryover-is-no-carryover",
        ),
        pytest.param(
            "基本支出预算安排(含上年结转)149.83万元,实际支出149.83万元。",
            "basic_expenditure",
            Decimal("149.83"),
            id="a-note-does-not-cut-the-sentence",
        ),
        pytest.param(
            "年中追加6.86万元,全年预算104.36万元。",
            "budget_adjusted",
            Decimal("104.36"),
            id="budget-for-the-year",
        ),
        pytest.param(
            "核定编制9名,年末实有人员8名,退休人员5名。", "staff_actual", 8, id="staff-actual-as-shiyou"
        ),
        pytest.param(
            "日常公用经费支出56.95万元,占基本支出的-1.65%。",
            "public_share",
            Decimal("-1.65"),
            id="negative-share-kept",
        ),
    ],
)
def test_values_in_context(text: str, field: str, value: object) -> None:
    assert parse_report(text).value(field) == value
