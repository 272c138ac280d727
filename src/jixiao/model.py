"""Plain data shared by every stage: the parsed report and its facts with evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

FactValue = Decimal | int | str

# Money fields are in 万元; rates and shares in percent.
MONEY_FIELDS: tuple[str, ...] = (
    "budget_initial",
    "budget_adjusted",
    "income_total",
    "expenditure_total",
    "basic_expenditure",
    "personnel_expense",
    "public_expense",
    "project_expenditure",
    "sangong_budget",
    "sangong_actual",
    "carryover_start",
    "carryover_end",
    "assets_total",
    "fixed_assets_net",
)
PERCENT_FIELDS: tuple[str, ...] = ("execution_rate", "personnel_share", "public_share")
COUNT_FIELDS: tuple[str, ...] = ("staff_quota", "staff_actual", "staff_retired")
TEXT_FIELDS: tuple[str, ...] = (
    "unit_name",
    "title",
    "report_date",
    "grade",
    "problems",
    "measures",
    "doc_kind",
)
OTHER_FIELDS: tuple[str, ...] = ("fiscal_year", "score")
ALL_FIELDS: tuple[str, ...] = TEXT_FIELDS + OTHER_FIELDS + MONEY_FIELDS + PERCENT_FIELDS + COUNT_FIELDS

UNIT_OF: dict[str, str] = {
    **dict.fromkeys(MONEY_FIELDS, "万元"),
    **dict.fromkeys(PERCENT_FIELDS, "%"),
    **dict.fromkeys(COUNT_FIELDS, "人"),
    "score": "分",
    "fiscal_year": "年",
}

# What a document is (the ``doc_kind`` fact): a 部门整体 report, a 部门整体 自评表, a 项目 report (one project's
# money), or other (notices, summaries of many units). Only the first two hold a department's whole figures.
DOC_KINDS: tuple[str, ...] = ("dept_report", "dept_table", "project_report", "other")
DEPARTMENT_KINDS: frozenset[str] = frozenset(("dept_report", "dept_table"))


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: offsets into the normalised text, and the words around it."""

    start: int
    end: int
    snippet: str
    page: int | None = None


@dataclass(frozen=True)
class Fact:
    """One extracted value. ``value`` is Decimal for money/percent/score, int for years and
    counts, str for text (report_date is ISO ``YYYY-MM-DD`` or ``YYYY-MM``)."""

    name: str
    value: FactValue
    unit: str | None
    evidence: Evidence


@dataclass(frozen=True)
class ProjectLine:
    seq: int
    name: str
    amount: Decimal | None
    score: Decimal | None
    evidence: Evidence


@dataclass(frozen=True)
class Indicator:
    """A performance indicator such as 数量指标 with its completion rate in percent."""

    kind: str
    rate: Decimal
    evidence: Evidence


@dataclass(frozen=True)
class ShareFact:
    """A generic stated share (占…%) that is not one of the named shares."""

    label: str
    percent: Decimal
    evidence: Evidence


@dataclass(frozen=True)
class NameSource:
    """Where the report names itself: ``source`` is header, title, signature or definition."""

    name: str
    source: str
    start: int
    line_no: int  # 1-based line of the normalised text
    line: str  # that line, stripped (at most 80 characters)


@dataclass(frozen=True)
class ParsedReport:
    facts: dict[str, Fact] = field(default_factory=dict)
    unit_names: tuple[str, ...] = ()  # every spelling, own names first, then mentions in the body
    own_names: tuple[str, ...] = ()  # from the title, the header field, the signature and a definition only
    name_sources: tuple[NameSource, ...] = ()  # each own name with where it was read
    project_lines: tuple[ProjectLine, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    shares: tuple[ShareFact, ...] = ()

    def value(self, name: str) -> FactValue | None:
        fact = self.facts.get(name)
        return None if fact is None else fact.value
