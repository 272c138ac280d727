"""The registry of data-quality checks: every check id is defined here once.

A ``CheckSpec`` says what a check is (its id, the step whose suite runs it, its severity, the fields whose
source text explains a failure, whether failing it holds the unit's match for review). The Great
Expectations suites (``expectations/``) express each check as one or more ``Expectation``\\ s over a step's
frame; ``quality`` reads the evidence fields and identity checks from here; the synthetic generator
names the identities it can break by these constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jixiao.model import PERCENT_FIELDS
from jixiao.status import Severity

Step = Literal["read", "parsed", "consistency", "matched", "loaded"]
ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class CheckSpec:
    id: str
    step: Step
    severity: Severity
    evidence: tuple[str, ...] = ()  # fields whose source text is shown beside a failure
    holds_for_review: bool = False  # an identity check: failing it keeps an automatic match in review


# read
TEXT_NON_EMPTY = CheckSpec("text_non_empty", "read", ERROR)
TEXT_PLAUSIBLE_LENGTH = CheckSpec("text_plausible_length", "read", WARNING)
TEXT_DECODED_CLEANLY = CheckSpec("text_decoded_cleanly", "read", ERROR)
OCR_FIGURES_CONFIDENT = CheckSpec("ocr_figures_confident", "read", WARNING)
# parsed
UNIT_NAME_PRESENT = CheckSpec("unit_name_present", "parsed", ERROR, holds_for_review=True)
UNIT_NAME_PLAUSIBLE = CheckSpec("unit_name_plausible", "parsed", ERROR, ("unit_name",), holds_for_review=True)
FISCAL_YEAR_PRESENT = CheckSpec("fiscal_year_present", "parsed", ERROR)
FISCAL_YEAR_IN_RANGE = CheckSpec("fiscal_year_in_range", "parsed", ERROR, ("fiscal_year",))
AMOUNTS_PLAUSIBLE = CheckSpec("amounts_plausible", "parsed", ERROR)
SCORE_IN_RANGE = CheckSpec("score_in_range", "parsed", ERROR, ("score",))
GRADE_VALID = CheckSpec("grade_valid", "parsed", ERROR)
GRADE_CONSISTENT_WITH_SCORE = CheckSpec("grade_consistent_with_score", "parsed", WARNING, ("score", "grade"))
PERCENTAGES_IN_RANGE = CheckSpec("percentages_in_range", "parsed", ERROR, PERCENT_FIELDS)
# consistency: the accounting identities
EXECUTION_RATE_AT_MOST_100 = CheckSpec(
    "execution_rate_at_most_100", "consistency", ERROR, ("execution_rate", "expenditure_total")
)
SHARES_SUM_TO_100 = CheckSpec("shares_sum_to_100", "consistency", ERROR, ("personnel_share", "public_share"))
PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC = CheckSpec(
    "personnel_plus_public_equals_basic",
    "consistency",
    ERROR,
    ("personnel_expense", "public_expense", "basic_expenditure"),
)
BASIC_PLUS_PROJECT_EQUALS_TOTAL = CheckSpec(
    "basic_plus_project_equals_total",
    "consistency",
    ERROR,
    ("basic_expenditure", "project_expenditure", "expenditure_total"),
)
STATED_RATE_MATCHES_FIGURES = CheckSpec(
    "stated_rate_matches_figures",
    "consistency",
    WARNING,
    ("personnel_share", "public_share", "execution_rate"),
)
REPORT_DATE_CONSISTENT_WITH_YEAR = CheckSpec(
    "report_date_consistent_with_year", "consistency", ERROR, ("report_date", "fiscal_year")
)
PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE = CheckSpec(
    "project_lines_sum_to_project_expenditure", "consistency", WARNING, ("project_expenditure",)
)
# matched
MATCH_STATUS_VALID = CheckSpec("match_status_valid", "matched", ERROR)
MATCHED_BY_OWN_NAME = CheckSpec("matched_by_own_name", "matched", ERROR, holds_for_review=True)
OWN_NAMES_AGREE = CheckSpec("own_names_agree", "matched", WARNING, ("unit_name",))
# loaded: on the database tables
ONE_CURRENT_REPORT_PER_UNIT_YEAR = CheckSpec("one_current_report_per_unit_year", "loaded", ERROR)
SOURCE_FILES_TERMINAL = CheckSpec("source_files_terminal", "loaded", WARNING)
REPORT_COUNT_MATCHES_LOADED_FILES = CheckSpec("report_count_matches_loaded_files", "loaded", ERROR)
SELF_EVALUATION_TABLE_AGREES_WITH_REPORT = CheckSpec(
    "self_evaluation_table_agrees_with_report", "loaded", WARNING
)

CHECKS: dict[str, CheckSpec] = {c.id: c for c in globals().copy().values() if isinstance(c, CheckSpec)}


@dataclass(frozen=True)
class Expectation:
    """One expectation of a check in a GX suite: ``kind`` between (min/max), in_set, not_null, or sql (an
    unexpected-rows query). A check may need several (a lower and an upper bound on two columns); one may
    be milder than its check (``severity``), e.g. a rate derived rather than stated."""

    check: CheckSpec
    kind: Literal["between", "in_set", "not_null", "sql"]
    column: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    value_set: tuple[str, ...] = ()
    query: str | None = None
    expected: str = ""
    explain: str = ""
    table: str | None = None  # for SQL-backed checks
    milder: Severity | None = None

    @property
    def check_id(self) -> str:
        return self.check.id

    @property
    def suite(self) -> str:
        return self.check.step

    @property
    def severity(self) -> Severity:
        return self.milder or self.check.severity
