"""Suite `parsed`: identity present, values in range, grade consistent with score."""

from __future__ import annotations

import pandas as pd

from jixiao.quality import GRADES, CheckSpec, current_year, parsed_checks_frame

SUITE = "parsed"
KEY = "report_id"
SPECS = (
    CheckSpec(SUITE, "unit_name_present", "error", "not_null", "unit_name", expected="a unit name"),
    CheckSpec(
        SUITE,
        "unit_name_plausible",
        "error",
        "between",
        "unit_name_plausible",
        1,
        1,
        expected="a body's name: a department-type word, not page debris or a date",
    ),
    CheckSpec(SUITE, "fiscal_year_present", "error", "not_null", "fiscal_year", expected="a fiscal year"),
    CheckSpec(
        SUITE,
        "fiscal_year_in_range",
        "error",
        "between",
        "fiscal_year",
        2000,
        current_year() + 1,
        expected=f"2000 .. {current_year() + 1}",
    ),
    CheckSpec(
        SUITE, "amounts_plausible", "error", "between", "min_amount", 0, None, expected="amounts >= 0 万元"
    ),
    CheckSpec(
        SUITE,
        "amounts_plausible",
        "error",
        "between",
        "max_amount",
        None,
        1e7,
        expected="amounts < 10^7 万元",
    ),
    CheckSpec(SUITE, "score_in_range", "error", "between", "score", 0, 100, expected="0 .. 100"),
    CheckSpec(SUITE, "grade_valid", "error", "in_set", "grade", value_set=GRADES, expected="优/良/中/差"),
    CheckSpec(
        SUITE,
        "grade_consistent_with_score",
        "warning",
        "between",
        "grade_score_gap",
        0,
        0,
        expected="优 >= 90, 良 80-89.99, 中 60-79.99, 差 < 60",
        explain="points outside the grade's band",
    ),
    CheckSpec(
        SUITE, "percentages_in_range", "error", "between", "min_percent", 0, None, expected="0 .. 100 %"
    ),
    CheckSpec(
        SUITE, "percentages_in_range", "error", "between", "max_percent", None, 100, expected="0 .. 100 %"
    ),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return parsed_checks_frame(frame)
