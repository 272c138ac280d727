"""Each check with a passing row beside a failing one, through real Great Expectations validations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations.runner import build_data_docs, validate
from jixiao.model import ALL_FIELDS, MONEY_FIELDS, PERCENT_FIELDS
from jixiao.quality import CheckOutcome

FLOATS = (*MONEY_FIELDS, *PERCENT_FIELDS, "score", "project_lines_sum")


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    base = dict.fromkeys(ALL_FIELDS)
    full = []
    for i, r in enumerate(rows):
        row = {
            **base,
            "file_id": i + 1,
            "unit_name": "井陉县科学技术协会",
            "fiscal_year": 2022,
            "project_lines_sum": None,
            "project_lines_count": 0,
            "shares": [],
        }
        row.update(r)
        full.append(row)
    df = pd.DataFrame(full)
    for c in FLOATS:
        df[c] = df[c].astype("float64")
    for c in ("fiscal_year", "staff_quota", "staff_actual", "staff_retired"):
        df[c] = df[c].astype("Int64")
    return df


def failing(outcomes: list[CheckOutcome], check_id: str) -> set[int | None]:
    return {o.file_id for o in outcomes if o.check_id == check_id and o.status == "fail"}


CASES = [
    pytest.param(
        "execution_rate_at_most_100",
        {"execution_rate": 98.32},
        {"execution_rate": 101.2},
        id="execution-rate-98.32-passes-101.2-fails",
    ),
    pytest.param(
        "shares_sum_to_100",
        {"personnel_share": 92.68, "public_share": 7.32},
        {"personnel_share": 60.0, "public_share": 41.0},
        id="shares-92.68+7.32-pass-60+41-fail",
    ),
    pytest.param(
        "personnel_plus_public_equals_basic",
        {"personnel_expense": 92.87, "public_expense": 56.95, "basic_expenditure": 149.83},
        {"personnel_expense": 92.87, "public_expense": 56.95, "basic_expenditure": 159.83},
        id="basic-within-rounding-passes-10-off-fails",
    ),
    pytest.param(
        "basic_plus_project_equals_total",
        {"basic_expenditure": 146.72, "project_expenditure": 180.66, "expenditure_total": 327.38},
        {"basic_expenditure": 146.72, "project_expenditure": 180.66, "expenditure_total": 337.38},
        id="total-adds-up-passes-off-by-10-fails",
    ),
    pytest.param(
        "stated_rate_matches_figures",
        {
            "personnel_expense": 1513.69,
            "public_expense": 119.53,
            "personnel_share": 92.68,
            "public_share": 7.32,
        },
        {
            "personnel_expense": 1513.69,
            "public_expense": 119.53,
            "personnel_share": 90.68,
            "public_share": 9.32,
        },
        id="shares-agree-with-figures-pass-disagree-fail",
    ),
    pytest.param(
        "report_date_consistent_with_year",
        {"report_date": "2023-04-17"},
        {"report_date": "2022-01-09"},
        id="fy2022-dated-2023-04-17-passes-2022-01-09-fails",
    ),
    pytest.param(
        "report_date_consistent_with_year",
        {"report_date": "2022-12"},
        {"report_date": "2024-01"},
        id="month-only-dates",
    ),
    pytest.param(
        "project_lines_sum_to_project_expenditure",
        {"project_lines_sum": 339.617, "project_lines_count": 17, "project_expenditure": 339.61},
        {"project_lines_sum": 369.617, "project_lines_count": 17, "project_expenditure": 339.61},
        id="project-table-sums-passes-30-off-fails",
    ),
    pytest.param(
        "grade_consistent_with_score",
        {"score": 97.5, "grade": "优"},
        {"score": 85.0, "grade": "优"},
        id="grade-matches-score",
    ),
    pytest.param(
        "fiscal_year_in_range", {"fiscal_year": 2022}, {"fiscal_year": 1999}, id="fiscal-year-range"
    ),
    pytest.param("unit_name_present", {"unit_name": "县科协"}, {"unit_name": None}, id="unit-name-present"),
    pytest.param("score_in_range", {"score": 98.0}, {"score": 120.0}, id="score-range"),
]


@pytest.mark.parametrize(("check_id", "good", "bad"), CASES)
def test_check_flags_the_bad_row_only(
    tmp_path: Path, check_id: str, good: dict[str, Any], bad: dict[str, Any]
) -> None:
    df = frame(good, bad)
    outcomes = validate("consistency", df, context_dir=tmp_path) + validate(
        "parsed", df, context_dir=tmp_path
    )
    assert failing(outcomes, check_id) == {2}
    assert not [o for o in outcomes if o.status == "check_error"]


def test_derived_rate_over_initial_budget_is_not_flagged(tmp_path: Path) -> None:
    # Seed 000 spent 327.38 against an initial budget of 286.96: normal when funds were added mid-year.
    df = frame(
        {"budget_initial": 286.96, "expenditure_total": 327.38},
        {"budget_adjusted": 300.0, "expenditure_total": 327.38},
    )
    outcomes = validate("consistency", df, context_dir=tmp_path)
    flagged = [o for o in outcomes if o.check_id == "execution_rate_at_most_100" and o.status == "fail"]
    assert [(o.file_id, o.severity) for o in flagged] == [(2, "warning")]


def test_read_and_matched_suites(tmp_path: Path) -> None:
    read = pd.DataFrame(
        [
            {
                "file_id": 1,
                "file_name": "a.txt",
                "format": "txt",
                "encoding": "utf-8",
                "n_chars": 9000,
                "replacement_ratio": 0.0,
            },
            {
                "file_id": 2,
                "file_name": "b.txt",
                "format": "txt",
                "encoding": "gb18030",
                "n_chars": 9000,
                "replacement_ratio": 0.2,
            },
        ]
    )
    assert failing(validate("read", read, context_dir=tmp_path), "text_decoded_cleanly") == {2}
    conflict = "石家庄市科学技术协会 → 石家庄市科学技术协会"
    matched = pd.DataFrame(
        [
            {"file_id": 1, "match_status": "matched", "match_score": 100.0, "unit_adcode": "130121"},
            {"file_id": 2, "match_status": "matched", "match_score": 80.0, "unit_adcode": "130121"},
            {"file_id": 3, "match_status": "needs_review", "match_score": 80.0, "unit_adcode": None},
            {"file_id": 4, "match_status": "matched", "match_score": 100.0, "unit_adcode": "130121"},
        ]
    ).assign(own_names_conflict=["", "", "", conflict], own_names_count=[1, 0, 0, 2])
    outcomes = validate("matched", matched, context_dir=tmp_path, auto_threshold=90)
    # Matched although the report names itself nowhere: an error (a review item gets none).
    assert failing(outcomes, "matched_by_own_name") == {2}
    assert failing(outcomes, "own_names_agree") == {4}
    (warned,) = [o for o in outcomes if o.check_id == "own_names_agree" and o.status == "fail"]
    assert warned.severity == "warning" and conflict in (warned.observed or "")


def test_no_check_errors_on_normal_input_and_data_docs(tmp_path: Path) -> None:
    df = frame({"execution_rate": 98.32, "report_date": "2023-04-17", "score": 97.5, "grade": "优"})
    outcomes = validate("consistency", df, context_dir=tmp_path) + validate(
        "parsed", df, context_dir=tmp_path
    )
    assert outcomes and all(o.status == "pass" for o in outcomes)
    assert build_data_docs(tmp_path).name == "index.html"
