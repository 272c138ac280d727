"""Read-only queries for the people who use the figures: exports, the report browser, runs and DQ.

Every function here only reads. Filters that name nothing (an unknown run, a bogus status) raise
``NotFound`` with the values that do exist, so the CLI and the browser never show a silent empty table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, col

from jixiao.db.assemble import chunks, public_reports, version_reason
from jixiao.db.models import DqResult, Report, ReportField, Unit
from jixiao.db.public import DqFinding, ReportPublic, field_title
from jixiao.db.runlog import check_file_status, dq_for_run, list_runs
from jixiao.errors import NotFound
from jixiao.status import CheckStatus, MatchStatus, Severity

__all__ = [
    "DQ_STATES",
    "MATCH_STATUSES",
    "Facets",
    "ReportDetail",
    "ReportFilter",
    "UnitQuery",
    "check_file_status",
    "count_current",
    "dq_for_run",
    "dq_state",
    "evidence_rows",
    "facets",
    "list_runs",
    "report_detail",
    "reports",
    "resolve_unit",
    "version_reason",
    "why_empty",
]

# The --status words of the CLI (a hyphen where the stored value has an underscore).
MATCH_STATUSES = {
    "needs-review": MatchStatus.NEEDS_REVIEW,
    "matched": MatchStatus.MATCHED,
    "unmatched": MatchStatus.UNMATCHED,
}
DQ_STATES = ("failed", "warning", "passed")


# ---------------------------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class UnitQuery:
    """What ``--unit TEXT`` means: registry units it resolves to, and the text itself as a substring."""

    text: str
    adcodes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    department_type: str | None = None


def resolve_unit(text_: str) -> UnitQuery:
    """Resolve a unit as written (abbreviations and typos allowed) through the registry, like `units search`."""
    from jixiao.units.match import Matcher
    from jixiao.units.registry import load_registry

    registry = load_registry()
    result = Matcher(registry).match([text_], "")
    if result.status == MatchStatus.MATCHED and result.adcode:
        from jixiao.units.departments import KEXIE, load_departments

        unit = registry.by_adcode[result.adcode]
        dtype = result.department_type or KEXIE
        kind = load_departments().by_key.get(dtype)
        name = kind.name_at(unit.division, unit.level) if kind else unit.name
        return UnitQuery(text_, (unit.adcode,), (name,), dtype)
    return UnitQuery(text_)


@dataclass(frozen=True)
class ReportFilter:
    unit: UnitQuery | None = None
    year: int | None = None
    province: str | None = None
    dq: str | None = None  # failed | warning | passed
    status: str | None = None  # needs-review | matched | unmatched
    department_type: str | None = None
    current_only: bool = True
    report_ids: tuple[int, ...] | None = None

    def describe(self) -> str:
        parts = []
        if self.unit:
            shown = self.unit.text + (f" → {self.unit.names[0]}" if self.unit.names else "")
            parts.append(f"--unit {shown}")
        for flag, value in (
            ("--year", self.year),
            ("--province", self.province),
            ("--dq", self.dq),
            ("--status", self.status),
            ("--type", self.department_type),
        ):
            if value is not None:
                parts.append(f"{flag} {value}")
        return " ".join(parts)


def _dq_state(findings: Sequence[DqFinding]) -> str:
    bad = [d for d in findings if d.status != CheckStatus.PASS]
    if any(d.severity == Severity.ERROR or d.status == CheckStatus.CHECK_ERROR for d in bad):
        return "failed"
    return "warning" if bad else "passed"


# ---------------------------------------------------------------------------------------------- reports


def reports(engine: Engine, flt: ReportFilter, *, evidence: bool = True) -> list[ReportPublic]:
    """Reports in the public schema, filtered, in load order; ``evidence=False`` leaves out the evidence and
    project lines (a list page needs neither)."""
    with Session(engine) as session:
        stmt = select(Report, Unit).join(Unit, col(Report.unit_adcode) == col(Unit.adcode), isouter=True)
        if flt.current_only:
            stmt = stmt.where(col(Report.is_current))
        if flt.year is not None:
            stmt = stmt.where(col(Report.fiscal_year) == flt.year)
        if flt.province:
            stmt = stmt.where(col(Unit.province).like(f"%{flt.province}%"))
        if flt.status:
            stmt = stmt.where(col(Report.match_status) == MATCH_STATUSES[flt.status])
        if flt.report_ids is not None:
            stmt = stmt.where(col(Report.id).in_(flt.report_ids))
        if flt.department_type is not None:
            stmt = stmt.where(col(Report.department_type) == flt.department_type)
        if flt.unit:
            like = f"%{flt.unit.text}%"
            conds = [col(Report.unit_name).like(like)]
            if flt.unit.adcodes:
                # A place has a body of every type: 香河县科协 is (131024, 科协), never the county's 妇联.
                conds.append(
                    (col(Report.unit_adcode).in_(flt.unit.adcodes))
                    & (col(Report.department_type) == flt.unit.department_type)
                )
            stmt = stmt.where(or_(*conds))
        rows = session.execute(stmt.order_by(col(Report.id))).all()
        out = public_reports(session, rows, evidence)
    if flt.dq is not None:
        out = [r for r in out if _dq_state(r.dq) == flt.dq]
    return out


def count_current(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count()).select_from(Report).where(col(Report.is_current))
            ).scalar_one()
        )


def why_empty(engine: Engine, flt: ReportFilter) -> str:
    """Why a report query found nothing, and the command to try next."""
    total = count_current(engine)
    if not total:
        return "no reports loaded yet: run `jixiao ingest PATH` (then `jixiao files` accounts for every file)"
    msg = f"no report matches {flt.describe()} ({total} current report(s) in all)"
    if flt.unit is not None:
        if flt.unit.names:
            msg += f"; {flt.unit.text!r} is {flt.unit.names[0]} ({flt.unit.adcodes[0]}), which has no report loaded"
        else:
            msg += f"; `jixiao units search {flt.unit.text}` shows which registry units the name resembles"
    else:
        msg += "; drop a filter, or see `jixiao reports` for what is loaded"
    return msg


def evidence_rows(engine: Engine, reports_: Sequence[ReportPublic]) -> list[dict[str, Any]]:
    """One row per value read (problems and measures included): field, value, 原文 snippet, file, page."""
    ids = [r.report_id for r in reports_]
    names = {r.report_id: r.unit_name for r in reports_}
    years = {r.report_id: r.fiscal_year for r in reports_}
    files = {r.report_id: "；".join(r.source_files) for r in reports_}
    out: list[dict[str, Any]] = []
    with Session(engine) as session:
        for chunk in chunks(ids):
            for f in session.exec(
                select(ReportField)
                .where(col(ReportField.report_id).in_(chunk))
                .order_by(col(ReportField.report_id), col(ReportField.start))
            ).scalars():
                out.append(
                    {
                        "report_id": f.report_id,
                        "unit_name": names.get(f.report_id),
                        "fiscal_year": years.get(f.report_id),
                        "field": f.name,
                        "field_title": field_title(f.name),
                        "value": f.value,
                        "unit": f.unit,
                        "snippet": f.snippet,
                        "file": files.get(f.report_id),
                        "page": f.page,
                    }
                )
    return out


# ---------------------------------------------------------------------------------------------- browser


@dataclass
class Facets:
    province: Counter[str] = field(default_factory=Counter)
    year: Counter[str] = field(default_factory=Counter)
    department_type: Counter[str] = field(default_factory=Counter)
    dq: Counter[str] = field(default_factory=Counter)


def facets(engine: Engine, reports_: Sequence[ReportPublic]) -> Facets:
    out = Facets()
    for r in reports_:
        out.province[r.province or "（未匹配）"] += 1
        out.year[str(r.fiscal_year) if r.fiscal_year else "（未写明）"] += 1
        out.department_type[r.department_type or "（未分类）"] += 1
        out.dq[_dq_state(r.dq)] += 1
    return out


def dq_state(report: ReportPublic) -> str:
    return _dq_state(report.dq)


@dataclass(frozen=True)
class ReportDetail:
    report: ReportPublic
    text: str
    fields: list[dict[str, Any]]
    dq: list[dict[str, Any]]
    versions: list[ReportPublic]
    years: list[ReportPublic]


def _fields_of(session: Session, report_id: int) -> list[dict[str, Any]]:
    return [
        {
            "field": f.name,
            "title": field_title(f.name),
            "value": f.value,
            "unit": f.unit,
            "start": f.start,
            "end": f.end,
            "snippet": f.snippet,
            "page": f.page,
        }
        for f in session.exec(
            select(ReportField)
            .where(col(ReportField.report_id) == report_id)
            .order_by(col(ReportField.start))
        ).scalars()
    ]


def _dq_of(session: Session, report_id: int) -> list[dict[str, Any]]:
    return [
        {
            "run_id": d.run_id,
            "check": d.check_id,
            "severity": d.severity,
            "status": d.status,
            "observed": d.observed,
            "expected": d.expected,
            "message": d.message,
        }
        for d in session.exec(
            select(DqResult).where(col(DqResult.report_id) == report_id).order_by(col(DqResult.id))
        ).scalars()
    ]


def _relatives(session: Session, row: Report) -> tuple[list[int], list[int]]:
    """The unit's reports of the same year (its versions) and its current reports of other years."""
    same_year: list[int] = []
    other_years: list[int] = []
    if row.unit_adcode or row.unit_name:
        key = (
            col(Report.unit_adcode) == row.unit_adcode
            if row.unit_adcode
            else col(Report.unit_name) == row.unit_name
        )
        for rid, year, current in session.execute(
            select(Report.id, Report.fiscal_year, Report.is_current).where(key)
        ):
            if year == row.fiscal_year:
                same_year.append(rid)
            elif current:
                other_years.append(rid)
    return same_year, other_years


def report_detail(engine: Engine, report_id: int) -> ReportDetail:
    """One report with its text, every value read, all its DQ outcomes, its versions and the unit's other years."""
    found = reports(engine, ReportFilter(current_only=False, report_ids=(report_id,)))
    if not found:
        raise NotFound(f"no report #{report_id}; `jixiao reports` lists the current ones")
    with Session(engine) as session:
        row = session.get(Report, report_id)
        assert row is not None
        body = row.text or ""
        fields, dq = _fields_of(session, report_id), _dq_of(session, report_id)
        same_year, other_years = _relatives(session, row)
    versions = reports(engine, ReportFilter(current_only=False, report_ids=tuple(same_year or [report_id])))
    years = reports(engine, ReportFilter(current_only=False, report_ids=(*other_years, report_id)))
    years = [y for y in years if y.is_current or y.report_id == report_id]
    years.sort(key=lambda r: (r.fiscal_year or 0, r.report_id))
    return ReportDetail(found[0], body, fields, dq, versions, years)
