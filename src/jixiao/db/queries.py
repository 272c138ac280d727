"""Read-only queries for the people who use the figures: exports, the report browser, runs and DQ.

Every function here only reads. Filters that name nothing (an unknown run, a bogus status) raise
``NotFound`` with the values that do exist, so the CLI and the browser never show a silent empty table.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, col

from jixiao.db.ledger import dq_results
from jixiao.db.models import (
    FILE_STATUSES,
    DqResult,
    IngestRun,
    ProjectLine,
    Report,
    ReportField,
    SourceFile,
    Unit,
)
from jixiao.db.public import DqFinding, EvidencePublic, ProjectLinePublic, ReportPublic, field_title
from jixiao.db.repository import unit_name_of
from jixiao.errors import NotFound

MATCH_STATUSES = {"needs-review": "needs_review", "matched": "matched", "unmatched": "unmatched"}
DQ_STATES = ("failed", "warning", "passed")
_IN_CHUNK = 5000


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i : i + _IN_CHUNK]


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
    if result.status == "matched" and result.adcode:
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
    bad = [d for d in findings if d.status != "pass"]
    if any(d.severity == "error" or d.status == "check_error" for d in bad):
        return "failed"
    return "warning" if bad else "passed"


# ---------------------------------------------------------------------------------------------- reports


def version_reason(old: Report, new: Report | None) -> str | None:
    """Why ``old`` was superseded by ``new`` (the loader's rule: the newer report date wins, else the later arrival)."""
    if new is None:
        return None
    if old.report_date and new.report_date and old.report_date != new.report_date:
        return f"#{new.id} 报告日期较新（{new.report_date}，本版 {old.report_date}）"
    return f"#{new.id} 较晚收到（报告日期相同或未写明）"


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
        out = _public(session, rows, evidence)
    if flt.dq is not None:
        out = [r for r in out if _dq_state(r.dq) == flt.dq]
    return out


def _public(session: Session, rows: Sequence[Any], with_evidence: bool = True) -> list[ReportPublic]:
    ids = [r.id for r, _ in rows]
    files: dict[int, list[str]] = {}
    lines: dict[int, list[ProjectLinePublic]] = {}
    evidence: dict[int, dict[str, EvidencePublic]] = {}
    dq: dict[int, list[DqFinding]] = {}
    newer: dict[int, Report] = {}
    for chunk in _chunks(ids):
        for rid, name in session.execute(
            select(SourceFile.report_id, SourceFile.name).where(col(SourceFile.report_id).in_(chunk))
        ):
            files.setdefault(rid, []).append(name)
        for d in session.exec(
            select(DqResult)
            .where(col(DqResult.report_id).in_(chunk), col(DqResult.status) != "pass")
            .order_by(col(DqResult.id))
        ).scalars():
            dq.setdefault(d.report_id, []).append(
                DqFinding(
                    check=d.check_id,
                    status=d.status,
                    severity=d.severity,
                    observed=d.observed,
                    message=d.message,
                )
            )
        if not with_evidence:
            continue
        for p in session.exec(
            select(ProjectLine).where(col(ProjectLine.report_id).in_(chunk)).order_by(col(ProjectLine.seq))
        ).scalars():
            lines.setdefault(p.report_id, []).append(
                ProjectLinePublic(seq=p.seq, name=p.name, amount=_num(p.amount), score=_num(p.score))
            )
        for f in session.exec(select(ReportField).where(col(ReportField.report_id).in_(chunk))).scalars():
            if f.name not in ("problems", "measures"):
                evidence.setdefault(f.report_id, {})[f.name] = EvidencePublic(
                    start=f.start, end=f.end, snippet=f.snippet, page=f.page
                )
    successors = sorted({r.superseded_by for r, _ in rows if r.superseded_by})
    for chunk in _chunks(successors):
        for s in session.exec(select(Report).where(col(Report.id).in_(chunk))).scalars():
            newer[s.id] = s
    out = []
    for r, u in rows:
        out.append(
            ReportPublic(
                report_id=r.id,
                unit_name=unit_name_of(u, r.department_type, r.unit_name),
                province=u.province if u else None,
                city=u.city if u else None,
                county=u.county if u else None,
                adcode=u.adcode if u else None,
                department_type=r.department_type,
                doc_kind=r.doc_kind,
                fiscal_year=r.fiscal_year,
                report_date=r.report_date,
                budget_initial=_num(r.budget_initial),
                income_total=_num(r.income_total),
                expenditure_total=_num(r.expenditure_total),
                basic_expenditure=_num(r.basic_expenditure),
                personnel_expense=_num(r.personnel_expense),
                public_expense=_num(r.public_expense),
                project_expenditure=_num(r.project_expenditure),
                execution_rate=_num(r.execution_rate),
                personnel_share=_num(r.personnel_share),
                public_share=_num(r.public_share),
                score=_num(r.score),
                grade=r.grade,
                staff_quota=r.staff_quota,
                staff_actual=r.staff_actual,
                match_status=r.match_status,
                is_current=r.is_current,
                superseded_by=r.superseded_by,
                version_reason=version_reason(r, newer.get(r.superseded_by or 0)),
                project_lines=lines.get(r.id, []),
                source_files=sorted(files.get(r.id, [])),
                dq=dq.get(r.id, []),
                evidence=evidence.get(r.id, {}),
            )
        )
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
        for chunk in _chunks(ids):
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


# ---------------------------------------------------------------------------------------------- runs, dq, files


def list_runs(engine: Engine, limit: int | None = None) -> list[dict[str, Any]]:
    """Ingest runs, newest first, with their outcome as recorded (and DQ counts from the results table)."""
    with Session(engine) as session:
        runs = session.exec(select(IngestRun).order_by(col(IngestRun.started_at).desc())).scalars().all()
        counts: Counter[tuple[str, str]] = Counter()
        for run_id, severity, status in session.execute(
            select(DqResult.run_id, DqResult.severity, DqResult.status).where(col(DqResult.status) != "pass")
        ):
            counts[(run_id, "error" if status == "check_error" else severity)] += 1
    out = []
    for r in runs[:limit] if limit else runs:
        summary: dict[str, Any] = json.loads(r.summary) if r.summary else {}
        by = summary.get("by_status", {})
        errors, warnings = counts[(r.id, "error")], counts[(r.id, "warning")]
        if r.finished_at is None:
            outcome = "unfinished (running, or stopped before the end)"
        elif errors:
            outcome = f"finished · DQ failed ({errors} error(s))"
        elif warnings:
            outcome = f"finished · DQ warnings ({warnings})"
        else:
            outcome = "finished · ok"
        out.append(
            {
                "run_id": r.id,
                "started_at": r.started_at.isoformat(timespec="seconds") if r.started_at else None,
                "finished_at": r.finished_at.isoformat(timespec="seconds") if r.finished_at else None,
                "files": r.n_files,
                "loaded": by.get("loaded", 0),
                "duplicate": by.get("duplicate", 0),
                "quarantined": by.get("quarantined", 0),
                "reports_loaded": summary.get("reports_loaded", 0),
                "dq_errors": errors,
                "dq_warnings": warnings,
                "outcome": outcome,
            }
        )
    return out


def _run_ids(session: Session) -> list[str]:
    return list(session.exec(select(IngestRun.id).order_by(col(IngestRun.started_at).desc())).scalars())


def dq_for_run(
    engine: Engine, run_id: str | None = None, failed_only: bool = False
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The run shown (the named one, else the latest run that recorded checks) and its outcomes."""
    with Session(engine) as session:
        known = _run_ids(session)
        with_checks = set(session.execute(select(DqResult.run_id).distinct()).scalars())
        if run_id is not None and run_id not in known and run_id not in with_checks:
            recent = ", ".join(known[:3]) or "none yet"
            raise NotFound(f"no run {run_id!r}; recent runs: {recent} (`jixiao runs` lists them all)")
        if run_id is None:
            run_id = next((r for r in known if r in with_checks), None)
            if run_id is None:
                run_id = session.execute(
                    select(DqResult.run_id).order_by(col(DqResult.id).desc()).limit(1)
                ).scalar()
        if run_id is None:
            return None, []
    rows = dq_results(engine, run_id)
    run: dict[str, Any] = next((r for r in list_runs(engine) if r["run_id"] == run_id), {"run_id": run_id})
    run["latest"] = bool(known) and known[0] == run_id
    run["checks"] = len(rows)
    run["not_passed"] = sum(1 for r in rows if r["status"] != "pass")
    if failed_only:
        rows = [r for r in rows if r["status"] != "pass"]
    return run, rows


def check_file_status(status: str | None) -> None:
    if status is not None and status not in FILE_STATUSES:
        raise NotFound(f"unknown file status {status!r}; use one of: {', '.join(FILE_STATUSES)}")


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


def report_detail(engine: Engine, report_id: int) -> ReportDetail:
    """One report with its text, every value read, all its DQ outcomes, its versions and the unit's other years."""
    found = reports(engine, ReportFilter(current_only=False, report_ids=(report_id,)))
    if not found:
        raise NotFound(f"no report #{report_id}; `jixiao reports` lists the current ones")
    report = found[0]
    with Session(engine) as session:
        row = session.get(Report, report_id)
        assert row is not None
        body = row.text or ""
        fields = [
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
        dq = [
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
    versions = reports(engine, ReportFilter(current_only=False, report_ids=tuple(same_year or [report_id])))
    years = reports(engine, ReportFilter(current_only=False, report_ids=(*other_years, report_id)))
    years = [y for y in years if y.is_current or y.report_id == report_id]
    years.sort(key=lambda r: (r.fiscal_year or 0, r.report_id))
    return ReportDetail(report, body, fields, dq, versions, years)
