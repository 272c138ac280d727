"""Suite `consistency`: the accounting identities, each a check with a stable id.

Each identity is a deviation column computed in ``jixiao.quality.consistency_frame`` and checked with a
between-expectation, so a rounding tolerance applies (GX's multicolumn sum compares floats exactly).
"""

from __future__ import annotations

import pandas as pd

from jixiao import checks
from jixiao.checks import Expectation
from jixiao.quality import consistency_frame

SUITE = "consistency"
SPECS = (
    Expectation(
        checks.EXECUTION_RATE_AT_MOST_100,
        "between",
        "execution_rate",
        None,
        100,
        expected="stated execution rate <= 100 %",
    ),
    # Against the initial budget a rate over 100 % is normal (funds added mid-year): only the adjusted counts.
    Expectation(
        checks.EXECUTION_RATE_AT_MOST_100,
        "between",
        "derived_rate_vs_adjusted_budget",
        None,
        100,
        expected="expenditure / adjusted budget <= 100 %",
        explain="derived, no rate stated",
        milder=checks.WARNING,
    ),
    Expectation(
        checks.SHARES_SUM_TO_100,
        "between",
        "shares_sum_deviation",
        0,
        0.05,
        expected="personnel share + public share = 100 % (± 0.05)",
        explain="percentage points off 100",
    ),
    Expectation(
        checks.PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC,
        "between",
        "personnel_public_basic_deviation",
        0,
        0.02,
        expected="人员经费 + 公用经费 = 基本支出 (± 0.02 万元)",
        explain="万元 off",
    ),
    Expectation(
        checks.BASIC_PLUS_PROJECT_EQUALS_TOTAL,
        "between",
        "basic_project_total_deviation",
        0,
        0.02,
        expected="基本支出 + 项目支出 = 总支出 (± 0.02 万元)",
        explain="万元 off",
    ),
    Expectation(
        checks.STATED_RATE_MATCHES_FIGURES,
        "between",
        "stated_rate_deviation",
        0,
        0.05,
        expected="stated shares and rate agree with their figures (± 0.05 points)",
        explain="points off",
    ),
    Expectation(
        checks.REPORT_DATE_CONSISTENT_WITH_YEAR,
        "between",
        "report_date_offset_days",
        0,
        0,
        expected="dated between 1 Dec of the fiscal year and 31 Dec of the next",
        explain="days outside that window",
    ),
    Expectation(
        checks.PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE,
        "between",
        "project_lines_excess",
        0,
        0,
        expected="project table sums to 项目支出 (± 0.02 万元 a line)",
        explain="万元 beyond rounding",
    ),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return consistency_frame(frame)
