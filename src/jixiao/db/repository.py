"""Reads of the pipeline's results (queries, the review queue) and the unit registry.

Writes live by concern: ``claims`` (claiming inbox files), ``load`` (the load writer, its lock and
``repair``), ``runs`` (ingest runs, check outcomes); their public names are re-exported here.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlmodel import Session, col

from jixiao.db.claims import (
    CLAIM_CHUNK,
    CLAIM_LEASE,
    AlreadyDone,
    Claimed,
    _insert_ignore,
    claim_files,
    claimer_id,
)
from jixiao.db.load import (
    REPORT_COLUMNS,
    FileOutcome,
    LoadResult,
    RepairResult,
    load_batch,
    locked,
    mark_stored,
    repair,
    report_row,
)
from jixiao.db.models import (
    DqResult,
    ProjectLine,
    RegistrySource,
    Report,
    ReportField,
    ReviewItem,
    SourceFile,
    Unit,
    UnitAlias,
    utcnow,
)
from jixiao.db.runs import finish_run, record_dq, start_run
from jixiao.loadplan import choose_current, currency_key
from jixiao.units.registry import Registry

__all__ = [
    "CLAIM_CHUNK",
    "CLAIM_LEASE",
    "REPORT_COLUMNS",
    "AlreadyDone",
    "Claimed",
    "FileOutcome",
    "LoadResult",
    "RepairResult",
    "choose_current",
    "claim_files",
    "claimer_id",
    "currency_key",
    "finish_run",
    "load_batch",
    "locked",
    "mark_stored",
    "record_dq",
    "repair",
    "report_row",
    "start_run",
]


# ---------------------------------------------------------------------------------------------- registry


def sync_registry(engine: Engine, registry: Registry) -> int:
    """Load the unit registry once (or again when the source changes); returns the number of units."""
    with Session(engine) as session:
        have = session.exec(select(func.count()).select_from(Unit)).one()[0]
        latest = session.exec(select(RegistrySource).order_by(col(RegistrySource.id).desc())).first()
        if have == len(registry.units) and latest and latest[0].as_of == registry.as_of:
            return int(have)
        known = set(session.exec(select(Unit.adcode)).scalars())
        rows = [
            {
                "adcode": u.adcode,
                "name": u.name,
                "division": u.division,
                "level": u.level,
                "province": u.province,
                "city": u.city,
                "county": u.county,
            }
            for u in registry.units
            if u.adcode not in known
        ]
        if rows:
            # Two runs starting on a fresh database may both load the registry: the second adds nothing.
            session.execute(
                _insert_ignore(engine)(Unit).on_conflict_do_nothing(index_elements=["adcode"]), rows
            )
        session.add(RegistrySource(source=registry.source, as_of=registry.as_of, n_units=len(registry.units)))
        session.commit()
        return len(registry.units)


def learned_aliases(engine: Engine) -> dict[str, str | None]:
    with Session(engine) as session:
        return {a.spelling: a.adcode for a in session.exec(select(UnitAlias)).scalars()}


# ---------------------------------------------------------------------------------------------- queries


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def list_files(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    with Session(engine) as session:
        stmt = select(SourceFile).order_by(col(SourceFile.id))
        if status:
            stmt = stmt.where(col(SourceFile.status) == status)
        return [
            {
                "id": f.id,
                "name": f.name,
                "status": f.status,
                "reason": f.reason,
                "format": f.format,
                "encoding": f.encoding,
                "size": f.size,
                "sha256": f.sha256,
                "report_id": f.report_id,
                "stored_path": f.stored_path,
                "run_id": f.run_id,
            }
            for f in session.exec(stmt).scalars()
        ]


def export_reports(
    engine: Engine, *, unit: str | None = None, year: int | None = None, current_only: bool = True
) -> list[dict[str, Any]]:
    """Reports in the public export schema (see README, "Export schema")."""
    with Session(engine) as session:
        stmt = select(Report, Unit).join(Unit, col(Report.unit_adcode) == col(Unit.adcode), isouter=True)
        if current_only:
            stmt = stmt.where(col(Report.is_current))
        if year is not None:
            stmt = stmt.where(col(Report.fiscal_year) == year)
        if unit:
            like = f"%{unit}%"
            stmt = stmt.where(or_(col(Report.unit_name).like(like), col(Unit.name).like(like)))
        rows = session.execute(stmt.order_by(col(Report.id))).all()
        ids = [r.id for r, _ in rows]
        files: dict[int, list[str]] = {}
        lines: dict[int, list[dict[str, Any]]] = {}
        evidence: dict[int, dict[str, Any]] = {}
        dq: dict[int, list[dict[str, Any]]] = {}
        if ids:
            for rid, name in session.execute(
                select(SourceFile.report_id, SourceFile.name).where(col(SourceFile.report_id).in_(ids))
            ):
                files.setdefault(rid, []).append(name)
            # Duplicates name the file they duplicate only through the report, so list them too.
            for p in session.exec(
                select(ProjectLine)
                .where(col(ProjectLine.report_id).in_(ids))
                .order_by(col(ProjectLine.report_id), col(ProjectLine.seq))
            ).scalars():
                lines.setdefault(p.report_id, []).append(
                    {"seq": p.seq, "name": p.name, "amount": _num(p.amount), "score": _num(p.score)}
                )
            for f in session.exec(select(ReportField).where(col(ReportField.report_id).in_(ids))).scalars():
                if f.name in ("problems", "measures"):
                    continue
                evidence.setdefault(f.report_id, {})[f.name] = {
                    "start": f.start,
                    "end": f.end,
                    "snippet": f.snippet,
                }
            for d in session.exec(
                select(DqResult).where(col(DqResult.report_id).in_(ids), col(DqResult.status) != "pass")
            ).scalars():
                dq.setdefault(d.report_id, []).append(
                    {
                        "check": d.check_id,
                        "status": d.status,
                        "severity": d.severity,
                        "observed": d.observed,
                        "message": d.message,
                    }
                )
        out = []
        for r, u in rows:
            out.append(
                {
                    "report_id": r.id,
                    "unit_name": u.name if u else r.unit_name,
                    "province": u.province if u else None,
                    "city": u.city if u else None,
                    "county": u.county if u else None,
                    "adcode": u.adcode if u else None,
                    "fiscal_year": r.fiscal_year,
                    "report_date": r.report_date,
                    "budget_initial": _num(r.budget_initial),
                    "income_total": _num(r.income_total),
                    "expenditure_total": _num(r.expenditure_total),
                    "basic_expenditure": _num(r.basic_expenditure),
                    "personnel_expense": _num(r.personnel_expense),
                    "public_expense": _num(r.public_expense),
                    "project_expenditure": _num(r.project_expenditure),
                    "execution_rate": _num(r.execution_rate),
                    "personnel_share": _num(r.personnel_share),
                    "public_share": _num(r.public_share),
                    "score": _num(r.score),
                    "grade": r.grade,
                    "staff_quota": r.staff_quota,
                    "staff_actual": r.staff_actual,
                    "project_lines": lines.get(r.id, []),
                    "source_files": sorted(files.get(r.id, [])),
                    "dq": dq.get(r.id, []),
                    "evidence": evidence.get(r.id, {}),
                    "unit_name_as_written": r.unit_name,
                    "match_status": r.match_status,
                    "is_current": r.is_current,
                    "superseded_by": r.superseded_by,
                }
            )
        return out


def file_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            s: int(n)
            for s, n in session.execute(
                select(SourceFile.status, func.count()).group_by(col(SourceFile.status))
            )
        }


def count_reports(engine: Engine, current_only: bool = True) -> int:
    with Session(engine) as session:
        stmt = select(func.count()).select_from(Report)
        if current_only:
            stmt = stmt.where(col(Report.is_current))
        return int(session.execute(stmt).scalar_one())


def dq_results(engine: Engine, run_id: str | None = None, failed_only: bool = False) -> list[dict[str, Any]]:
    with Session(engine) as session:
        if run_id is None:
            run_id = session.execute(
                select(DqResult.run_id).order_by(col(DqResult.id).desc()).limit(1)
            ).scalar()
            if run_id is None:
                return []
        stmt = (
            select(DqResult, Report.unit_name, Report.fiscal_year, SourceFile.name)
            .join(Report, col(DqResult.report_id) == col(Report.id), isouter=True)
            .join(SourceFile, col(DqResult.source_file_id) == col(SourceFile.id), isouter=True)
            .where(col(DqResult.run_id) == run_id)
            .order_by(col(DqResult.id))
        )
        if failed_only:
            stmt = stmt.where(col(DqResult.status) != "pass")
        return [
            {
                "run_id": d.run_id,
                "suite": d.suite,
                "check": d.check_id,
                "severity": d.severity,
                "status": d.status,
                "report_id": d.report_id,
                "unit": unit,
                "year": year,
                "file": name,
                "observed": d.observed,
                "expected": d.expected,
                "message": d.message,
            }
            for d, unit, year, name in session.execute(stmt)
        ]


def pending_reviews(engine: Engine) -> list[dict[str, Any]]:
    with Session(engine) as session:
        stmt = (
            select(ReviewItem, Report.unit_name, Report.fiscal_year)
            .join(Report, col(ReviewItem.report_id) == col(Report.id))
            .where(col(ReviewItem.status) == "pending")
            .order_by(col(ReviewItem.id))
        )
        return [
            {
                "id": item.id,
                "report_id": item.report_id,
                "spelling": item.spelling,
                "unit_name": unit,
                "fiscal_year": year,
                "evidence": item.evidence,
                "candidates": json.loads(item.candidates or "[]"),
            }
            for item, unit, year in session.execute(stmt)
        ]


def _newer(date_a: str | None, date_b: str | None) -> bool:
    """Is a report dated ``date_a`` newer than one dated ``date_b``? Undated or equal: the later arrival."""
    if date_a and date_b and date_a != date_b:
        return date_a > date_b
    return True


_GENERIC_SPELLING = re.compile(r"^[省市县区旗州]?(?:科协|科学技术协会)$")


def learnable(spelling: str | None) -> bool:
    """A spelling names one unit only if it carries a place: 县科协 could be any county's."""
    return bool(spelling) and len(spelling or "") > 3 and not _GENERIC_SPELLING.match(spelling or "")


class ReviewError(ValueError):
    """A review decision that cannot be applied; the message says why."""


def decide_review(engine: Engine, item_id: int, accept: bool, adcode: str | None = None) -> dict[str, Any]:
    """Accept (attach the report to a unit; the spelling becomes an alias) or reject (not a registry unit)."""
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        if item is None:
            raise ReviewError(f"no review item #{item_id}; `jixiao review` lists the pending ones")
        if item.status != "pending":
            raise ReviewError(f"review item #{item_id} was already {item.status}")
        report = session.get(Report, item.report_id)
        assert report is not None
        if accept:
            if adcode is None:
                cands = json.loads(item.candidates or "[]")
                if not cands:
                    raise ReviewError(f"review item #{item_id} has no candidate: give the ADCODE to accept")
                adcode = cands[0]["adcode"]
            unit = session.get(Unit, adcode)
            if unit is None:
                raise ReviewError(f"unknown adcode {adcode}; find it with `jixiao units search NAME`")
            report.unit_adcode = adcode
            report.match_status = "matched"
            report.match_method = "review"
            # The accepted report joins its (unit, year) group: the newest there stays current.
            others = (
                session.exec(
                    select(Report).where(
                        col(Report.unit_adcode) == adcode,
                        col(Report.fiscal_year) == report.fiscal_year,
                        col(Report.is_current),
                        col(Report.id) != report.id,
                    )
                )
                .scalars()
                .all()
            )
            for other in others:
                if _newer(report.report_date, other.report_date):
                    other.is_current, other.superseded_by = False, report.id
                    session.add(other)
                else:
                    report.is_current, report.superseded_by = False, other.id
            item.status, item.adcode = "accepted", adcode
        else:
            item.status = "rejected"
            report.match_status = "unmatched"
            report.match_method = "review"
        item.decided_at = utcnow()
        if learnable(item.spelling):
            alias = session.exec(select(UnitAlias).where(col(UnitAlias.spelling) == item.spelling)).scalar()
            if alias is None:
                alias = UnitAlias(spelling=str(item.spelling), adcode=adcode if accept else None)
            else:
                alias.adcode = adcode if accept else None
            session.add(alias)
        session.add(report)
        session.add(item)
        session.commit()
        return {"id": item_id, "status": item.status, "adcode": adcode, "spelling": item.spelling}


def unit_by_adcode(engine: Engine, adcode: str) -> dict[str, Any] | None:
    with Session(engine) as session:
        u = session.get(Unit, adcode)
        if u is None:
            return None
        n = session.execute(
            select(func.count()).select_from(Report).where(and_(col(Report.unit_adcode) == adcode))
        ).scalar_one()
        return {**u.model_dump(), "reports": int(n)}
