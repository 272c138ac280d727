"""Golden tests for the five seed reports.

The expected values below were written down by reading each report, not by running the parser.
A field a report does not state is absent (``None``): the parser must not invent it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.read import read_path
from tests.support import seed

D = Decimal


EXPECTED: dict[str, dict[str, object]] = {
    # 井陉县: title line + year line; budget and actual breakdowns use the same words.
    "000": {
        "unit_name": "井陉县科学技术协会",
        "fiscal_year": 2025,
        "report_date": None,
        "budget_initial": D("286.96"),
        "income_total": D("324.01"),
        "expenditure_total": D("327.38"),
        "basic_expenditure": D("146.72"),
        "personnel_expense": D("136.78"),
        "public_expense": D("9.94"),
        "project_expenditure": D("180.66"),
        "execution_rate": None,
        "score": D("98"),
        "grade": "优",
        "staff_quota": 5,
        "staff_actual": 5,
        "assets_total": D("24.36"),
        "fixed_assets_net": D("8.10"),
    },
    # 石家庄市: the title is cut off; name from the signature, year from the budget sentences.
    "001": {
        "unit_name": "石家庄市科学技术协会",
        "fiscal_year": 2022,
        "report_date": "2023-04-17",
        "budget_initial": D("1476.24"),
        "income_total": D("1703.63"),
        "carryover_start": D("302.90"),
        "carryover_end": D("33.70"),
        "expenditure_total": D("1972.83"),
        "execution_rate": D("98.32"),
        "personnel_expense": D("1513.69"),
        "personnel_share": D("92.68"),
        "public_expense": D("119.53"),
        "public_share": D("7.32"),
        "project_expenditure": D("339.61"),
        "sangong_budget": D("9.80"),
        "sangong_actual": D("4.66"),
        "basic_expenditure": None,
        "score": None,
        "grade": "优",
        "staff_actual": 42,
        "staff_retired": 51,
        "fixed_assets_net": D("23.27"),
    },
    # 香河县: header field for the name, month-only date, 决算数 for the actual figures.
    "002": {
        "unit_name": "香河县科学技术协会",
        "fiscal_year": 2019,
        "report_date": "2020-11",
        "budget_initial": D("274.64"),
        "income_total": D("255.37"),
        "expenditure_total": D("258.13"),
        "basic_expenditure": D("258.13"),
        "staff_quota": 9,
        "score": None,
        "grade": None,
        "execution_rate": None,
    },
    # 江华: title says only 县科协; figures written with spaces; 1.63 万 followers are not money.
    "003": {
        "unit_name": "县科协",
        "fiscal_year": 2024,
        "report_date": None,
        "basic_expenditure": D("149.83"),
        "personnel_expense": D("92.87"),
        "personnel_share": D("61.99"),
        "public_expense": D("56.95"),
        "public_share": D("38.01"),
        "project_expenditure": D("11.69"),
        # 完成预算安排的 100% is said of the basic and of the project spending, never of the whole department.
        "execution_rate": None,
        "expenditure_total": None,
        "staff_quota": 7,
        "staff_actual": 7,
        "staff_retired": 9,
        "score": None,
    },
    # 临泽县: a 2022 report dated 2022年1月9日 (wrong, but it is what is written).
    "004": {
        "unit_name": "临泽县科学技术协会",
        "fiscal_year": 2022,
        "report_date": "2022-01-09",
        "score": D("97.5"),
        "grade": "优",
        "staff_quota": 5,
        "basic_expenditure": None,
        "expenditure_total": None,
    },
}


CASES = [
    pytest.param(prefix, name, value, id=f"{prefix}-{name}")
    for prefix, fields in EXPECTED.items()
    for name, value in fields.items()
]


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    out: dict[str, object] = {}
    for prefix in EXPECTED:
        doc = read_path(seed(prefix))
        out[prefix] = (doc, parse_report(doc.text))
    return out


@pytest.mark.parametrize(("prefix", "name", "expected"), CASES)
def test_field_value(parsed: dict[str, object], prefix: str, name: str, expected: object) -> None:
    _, report = parsed[prefix]  # type: ignore[misc]
    assert report.value(name) == expected


@pytest.mark.parametrize("prefix", list(EXPECTED))
def test_evidence_contains_value_as_written(parsed: dict[str, object], prefix: str) -> None:
    doc, report = parsed[prefix]  # type: ignore[misc]
    for name, fact in report.facts.items():
        ev = fact.evidence
        assert doc.text[ev.start : ev.end].strip().startswith(ev.snippet[:10]), name
        if isinstance(fact.value, Decimal) and name not in ("fiscal_year",):
            written = ev.snippet.replace(",", "").replace(" ", "")
            assert str(fact.value) in written or f"{fact.value:f}" in written, (name, fact.value, ev.snippet)


def test_project_table_of_seed_001(parsed: dict[str, object]) -> None:
    _, report = parsed["001"]  # type: ignore[misc]
    lines = report.project_lines
    assert [p.seq for p in lines] == list(range(1, 18))
    assert lines[0].name == "科普经费" and lines[0].amount == D("220.84") and lines[0].score == D("91")
    # The name wraps across three cell fragments in the source.
    assert lines[2].name == "2022年省级支持市县科技创新和科学普及专项资金(公民科学素质提升)"
    assert lines[12].amount == D("1.027")
    assert sum(p.amount for p in lines if p.amount is not None) == D("339.617")


def test_no_project_table_where_none_is_written(parsed: dict[str, object]) -> None:
    for prefix in ("000", "002", "003", "004"):
        _, report = parsed[prefix]  # type: ignore[misc]
        assert report.project_lines == ()


def test_unit_name_variants_include_the_typo(parsed: dict[str, object]) -> None:
    _, report = parsed["002"]  # type: ignore[misc]
    assert {"香河县科学技术协会", "香河县科协技术协会", "香河科学技术协会"} <= set(report.unit_names)
    _, report = parsed["003"]  # type: ignore[misc]
    assert "江华科协" in report.unit_names


def test_indicators_and_sections(parsed: dict[str, object]) -> None:
    _, report = parsed["000"]  # type: ignore[misc]
    assert [i.kind for i in report.indicators[:4]] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert all(i.rate == D("100") for i in report.indicators)
    assert str(report.value("problems")).startswith("预算执行进度不均衡")
    assert str(report.value("measures")).startswith("加强预算执行动态管控")


def test_counts_are_not_money(parsed: dict[str, object]) -> None:
    # 1.63 万 followers and 2.02 万人 in seed 003 must not land in any money field.
    _, report = parsed["003"]  # type: ignore[misc]
    values = {f.value for f in report.facts.values()}
    assert D("1.63") not in values and D("2.02") not in values
