"""Database tables (sqlmodel). Amounts are NUMERIC in 万元, never float.

``XBase`` holds the columns read from a file; ``X`` (table=True) adds keys and bookkeeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jixiao.status import FileStatus, MatchStatus, ReviewStatus

MONEY = Numeric(18, 6)
PERCENT = Numeric(9, 4)

# Columns holding a state are plain strings (a StrEnum member is its stored value): an Enum column type
# would store the member's name and need a migration.
TERMINAL_STATUSES = FileStatus.terminal()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _money() -> Decimal | None:
    return Field(default=None, sa_column=Column(MONEY, nullable=True))  # type: ignore[no-any-return]  # sqlmodel's Field is typed Any


def _percent() -> Decimal | None:
    return Field(default=None, sa_column=Column(PERCENT, nullable=True))  # type: ignore[no-any-return]  # as above


class Unit(SQLModel, table=True):
    adcode: str = Field(primary_key=True, max_length=12)
    name: str = Field(index=True)
    division: str
    level: str
    province: str
    city: str | None = None
    county: str | None = None


class RegistrySource(SQLModel, table=True):
    __tablename__ = "registry_source"
    id: int | None = Field(default=None, primary_key=True)
    source: str
    as_of: str
    n_units: int
    loaded_at: datetime = Field(default_factory=utcnow)


class UnitAlias(SQLModel, table=True):
    """A spelling learned from a review decision; adcode None means "not a registry unit"."""

    __tablename__ = "unit_alias"
    id: int | None = Field(default=None, primary_key=True)
    spelling: str = Field(unique=True)
    adcode: str | None = Field(default=None, foreign_key="unit.adcode")
    department_type: str | None = None  # the accepted unit's type (departments.toml key)
    origin: str = "review"
    created_at: datetime = Field(default_factory=utcnow)


class IngestRun(SQLModel, table=True):
    __tablename__ = "ingest_run"
    id: str = Field(primary_key=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    flow_run_id: str | None = None
    n_files: int = 0
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SourceFileBase(SQLModel):
    path: str  # where the file was found (inbox path)
    name: str
    size: int
    sha256: str = Field(index=True, max_length=64)
    format: str | None = None


class SourceFile(SourceFileBase, table=True):
    __tablename__ = "source_file"
    __table_args__ = (UniqueConstraint("sha256", "path", name="uq_source_file_sha256_path"),)
    id: int | None = Field(default=None, primary_key=True)
    encoding: str | None = None
    text_hash: str | None = Field(default=None, index=True, max_length=64)
    received_at: datetime = Field(default_factory=utcnow)
    processed_at: datetime | None = None
    status: str = Field(default=FileStatus.CLAIMED, index=True)  # a FileStatus
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    report_id: int | None = Field(default=None, foreign_key="report.id")
    duplicate_of_file_id: int | None = None
    stored_path: str | None = None
    run_id: str | None = Field(default=None, index=True)
    claimed_by: str | None = None
    claimed_at: datetime | None = None


class ReportBase(SQLModel):
    text_hash: str = Field(max_length=64)
    unit_adcode: str | None = Field(default=None, foreign_key="unit.adcode", index=True)
    unit_name: str | None = None  # as written in the report
    # The unit's department type (a key of units/departments.toml: 科协, 妇联 ...); with unit_adcode it
    # identifies the unit, whose canonical name is made from both.
    department_type: str | None = Field(default=None, index=True)
    fiscal_year: int | None = Field(default=None, index=True)
    report_date: str | None = None  # ISO YYYY-MM-DD or YYYY-MM
    title: str | None = None
    budget_initial: Decimal | None = _money()
    budget_adjusted: Decimal | None = _money()
    income_total: Decimal | None = _money()
    expenditure_total: Decimal | None = _money()
    basic_expenditure: Decimal | None = _money()
    personnel_expense: Decimal | None = _money()
    public_expense: Decimal | None = _money()
    project_expenditure: Decimal | None = _money()
    sangong_budget: Decimal | None = _money()
    sangong_actual: Decimal | None = _money()
    carryover_start: Decimal | None = _money()
    carryover_end: Decimal | None = _money()
    assets_total: Decimal | None = _money()
    fixed_assets_net: Decimal | None = _money()
    execution_rate: Decimal | None = _percent()
    personnel_share: Decimal | None = _percent()
    public_share: Decimal | None = _percent()
    score: Decimal | None = _percent()
    grade: str | None = None
    staff_quota: int | None = None
    staff_actual: int | None = None
    staff_retired: int | None = None
    match_status: str = MatchStatus.UNMATCHED  # a MatchStatus
    match_method: str | None = None
    match_score: float | None = None
    match_evidence: str | None = None
    doc_kind: str | None = None  # dept_report | dept_table (jixiao.model.DOC_KINDS)
    # JSON list of {field, report, table}: where this unit-year's 自评表 and 报告 disagree (jixiao.merge)
    merge_conflicts: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Report(ReportBase, table=True):
    __table_args__ = (
        UniqueConstraint("text_hash", name="uq_report_text_hash"),
        Index("ix_report_unit_year_current", "unit_adcode", "fiscal_year", "is_current"),
    )
    id: int | None = Field(default=None, primary_key=True)
    is_current: bool = True
    superseded_by: int | None = Field(default=None, foreign_key="report.id")
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    run_id: str | None = Field(default=None, index=True)
    # The source file's modification time: the currency rule's tie-break after the report date.
    source_mtime: float | None = None
    # When the report's check outcomes were recorded (with the report, in one transaction); None: unchecked.
    dq_recorded_at: datetime | None = None


class ReportField(SQLModel, table=True):
    __tablename__ = "report_field"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    name: str
    value: str = Field(sa_column=Column(Text, nullable=False))
    unit: str | None = None
    start: int
    end: int
    snippet: str = Field(sa_column=Column(Text, nullable=False))
    page: int | None = None


class ProjectLine(SQLModel, table=True):
    __tablename__ = "project_line"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    seq: int
    name: str
    amount: Decimal | None = _money()
    score: Decimal | None = _percent()


class DqResult(SQLModel, table=True):
    __tablename__ = "dq_result"
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(index=True)
    suite: str
    check_id: str = Field(index=True)
    severity: str  # a Severity
    status: str  # a CheckStatus
    report_id: int | None = Field(default=None, foreign_key="report.id", index=True)
    source_file_id: int | None = Field(default=None, foreign_key="source_file.id")
    observed: str | None = None
    expected: str | None = None
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class ReviewItem(SQLModel, table=True):
    __tablename__ = "review_item"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    spelling: str | None = None
    evidence: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    candidates: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON list
    # Where the report's name was read (title/header/signature/definition, with its line) and why the
    # match was not accepted automatically.
    read_from: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default=ReviewStatus.PENDING, index=True)  # a ReviewStatus
    adcode: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
