"""Suite `parsed`: identity present, values in range, grade consistent with score."""

from __future__ import annotations

import pandas as pd

from jixiao import checks
from jixiao.checks import Expectation
from jixiao.quality import GRADES, current_year, parsed_checks_frame

SUITE = "parsed"
SPECS = (
    Expectation(checks.UNIT_NAME_PRESENT, "not_null", "unit_name", expected="a unit name"),
    Expectation(
        checks.UNIT_NAME_PLAUSIBLE,
        "between",
        "unit_name_plausible",
        1,
        1,
        expected="a body's name: a department-type word, not page debris or a date",
    ),
    Expectation(checks.FISCAL_YEAR_PRESENT, "not_null", "fiscal_year", expected="a fiscal year"),
    Expectation(
        checks.FISCAL_YEAR_IN_RANGE,
        "between",
        "fiscal_year",
        2000,
        current_year() + 1,
        expected=f"2000 .. {current_year() + 1}",
    ),
    Expectation(checks.AMOUNTS_PLAUSIBLE, "between", "min_amount", 0, None, expected="amounts >= 0 万元"),
    Expectation(
        checks.AMOUNTS_PLAUSIBLE,
        "between",
        "max_amount",
        None,
        1e7,
        expected="amounts < 10^7 万元",
    ),
    Expectation(checks.SCORE_IN_RANGE, "between", "score", 0, 100, expected="0 .. 100"),
    Expectation(checks.GRADE_VALID, "in_set", "grade", value_set=GRADES, expected="优/良/中/差"),
    Expectation(
        checks.GRADE_CONSISTENT_WITH_SCORE,
        "between",
        "grade_score_gap",
        0,
        0,
        expected="优 >= 90, 良 80-89.99, 中 60-79.99, 差 < 60",
        explain="points outside the grade's band",
    ),
    Expectation(checks.PERCENTAGES_IN_RANGE, "between", "min_percent", 0, None, expected="0 .. 100 %"),
    Expectation(checks.PERCENTAGES_IN_RANGE, "between", "max_percent", None, 100, expected="0 .. 100 %"),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return parsed_checks_frame(frame)
