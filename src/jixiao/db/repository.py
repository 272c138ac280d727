"""Reads of the pipeline's results (queries, the review queue) and the unit registry.

Writes live by concern: ``claims`` (claiming inbox files), ``load`` (the load writer and its lock, fed by
``state`` and ``jixiao.loadplan``), ``repair``, ``runs``, ``queries`` (ingest runs, check outcomes); their public names
are re-exported here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, and_, func, select
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
from jixiao.db.ledger import count_reports, dq_results, file_counts, list_files
from jixiao.db.load import (
    REPORT_COLUMNS,
    FileOutcome,
    LoadResult,
    load_batch,
    locked,
    mark_stored,
    report_row,
)
from jixiao.db.models import (
    RegistrySource,
    Report,
    ReviewItem,
    Unit,
    UnitAlias,
    utcnow,
)
from jixiao.db.repair import RepairResult, repair
from jixiao.db.runs import close_stale_runs, finish_run, mark_run, record_dq, start_run
from jixiao.loadplan import Ref, choose_current, currency_key
from jixiao.status import MatchStatus, ReviewStatus
from jixiao.units.departments import (
    KEXIE,
    UnknownDepartmentType,
    load_departments,
    resolve_department_type,
    unit_name_of,
)
from jixiao.units.names import is_generic
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
    "UnknownDepartmentType",
    "choose_current",
    "claim_files",
    "claimer_id",
    "close_stale_runs",
    "count_reports",
    "currency_key",
    "dq_results",
    "file_counts",
    "finish_run",
    "list_files",
    "load_batch",
    "locked",
    "mark_run",
    "mark_stored",
    "record_dq",
    "repair",
    "report_row",
    "resolve_department_type",
    "start_run",
    "unit_name_of",
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


def learned_aliases(engine: Engine) -> dict[str, tuple[str, str | None] | None]:
    """Spellings decided in review: (adcode, department type), or None for "not a registry unit"."""
    with Session(engine) as session:
        return {
            a.spelling: (a.adcode, a.department_type or KEXIE) if a.adcode else None
            for a in session.exec(select(UnitAlias)).scalars()
        }


# ---------------------------------------------------------------------------------------------- review


def pending_reviews(engine: Engine) -> list[dict[str, Any]]:
    """The review queue: each item with where its name was read, why it was not accepted, and the
    candidates with their province, city and county."""
    with Session(engine) as session:
        stmt = (
            select(ReviewItem, Report.unit_name, Report.fiscal_year, Report.department_type)
            .join(Report, col(ReviewItem.report_id) == col(Report.id))
            .where(col(ReviewItem.status) == ReviewStatus.PENDING)
            .order_by(col(ReviewItem.id))
        )
        rows = session.execute(stmt).all()
        cands = {id(item): json.loads(item.candidates or "[]") for item, *_ in rows}
        codes = {c["adcode"] for cs in cands.values() for c in cs}
        units = (
            {u.adcode: u for u in session.exec(select(Unit).where(col(Unit.adcode).in_(codes))).scalars()}
            if codes
            else {}
        )
        out = []
        for item, unit, year, dtype in rows:
            for c in cands[id(item)]:
                u = units.get(c["adcode"])
                c.setdefault("department_type", KEXIE)
                c.update(
                    province=u.province if u else None,
                    city=u.city if u else None,
                    county=u.county if u else None,
                )
            out.append(
                {
                    "id": item.id,
                    "report_id": item.report_id,
                    "spelling": item.spelling,
                    "unit_name": unit,
                    "department_type": dtype,
                    "fiscal_year": year,
                    "read_from": item.read_from,
                    "reason": item.reason,
                    "evidence": item.evidence,
                    "candidates": cands[id(item)],
                }
            )
        return out


def learnable(spelling: str | None) -> bool:
    """A spelling names one unit only if it carries a place: 县科协 or 县妇联 could be any county's (the
    matcher's own rule for a generic name, ``units.names.is_generic``)."""
    if not spelling or len(spelling) <= 3 or is_generic(spelling):
        return False
    return load_departments().resolve_key(spelling) is None


class ReviewError(ValueError):
    """A review decision that cannot be applied; the message says why."""


def _accepted_type(
    item: ReviewItem, report: Report, cands: list[dict[str, Any]], adcode: str, department_type: str | None
) -> str:
    """The type given; else the accepted candidate's; else the one the report's own name states."""
    dtype = (
        department_type
        or next((c.get("department_type", KEXIE) for c in cands if c["adcode"] == adcode), None)
        or report.department_type
    )
    if dtype is None:
        raise ReviewError(
            f"review item #{item.id}: the report names no department; give its type, "
            "e.g. `jixiao review accept ID ADCODE --type 妇联`"
        )
    return dtype


def _join_group(session: Session, report: Report) -> None:
    """The accepted report joins its (unit, type, year) group, whose current report the currency rule
    (``loadplan.currency_key``) decides, as when the group is loaded."""
    others = session.exec(
        select(Report).where(
            col(Report.unit_adcode) == report.unit_adcode,
            col(Report.department_type) == report.department_type,
            col(Report.fiscal_year) == report.fiscal_year,
            col(Report.is_current),
            col(Report.id) != report.id,
        )
    ).scalars()
    group = {r.id: r for r in [report, *others.all()]}
    keys = {
        Ref("stored", r.id): currency_key(r.report_date, r.source_mtime, r.text_hash) for r in group.values()
    }
    winner = choose_current(keys).id
    for r in group.values():
        r.is_current, r.superseded_by = (True, None) if r.id == winner else (False, winner)
        session.add(r)


def _accept(
    session: Session, item: ReviewItem, report: Report, adcode: str | None, department_type: str | None
) -> tuple[str, str]:
    """Attach the report to the unit; returns the unit's adcode and type."""
    cands = json.loads(item.candidates or "[]")
    if adcode is None:
        if not cands:
            raise ReviewError(f"review item #{item.id} has no candidate: give the ADCODE to accept")
        adcode = str(cands[0]["adcode"])
    if session.get(Unit, adcode) is None:
        raise ReviewError(f"unknown adcode {adcode}; find it with `jixiao units search NAME`")
    dtype = _accepted_type(item, report, cands, adcode, department_type)
    report.unit_adcode, report.department_type = adcode, dtype
    report.match_status, report.match_method = MatchStatus.MATCHED, "review"
    _join_group(session, report)
    item.status, item.adcode = ReviewStatus.ACCEPTED, adcode
    return adcode, dtype


def _learn(session: Session, spelling: str | None, adcode: str | None, dtype: str | None) -> None:
    """The decision becomes an alias of the spelling (when the spelling names one unit)."""
    if not learnable(spelling):
        return
    alias = session.exec(select(UnitAlias).where(col(UnitAlias.spelling) == spelling)).scalar()
    if alias is None:
        alias = UnitAlias(spelling=str(spelling), adcode=adcode, department_type=dtype)
    else:
        alias.adcode, alias.department_type = adcode, dtype
    session.add(alias)


def decide_review(
    engine: Engine,
    item_id: int,
    accept: bool,
    adcode: str | None = None,
    department_type: str | None = None,
) -> dict[str, Any]:
    """Accept (attach the report to a unit; the spelling becomes an alias) or reject (not a registry unit).

    The unit's type is ``department_type`` when given (abbreviations resolved), else the accepted
    candidate's, else the one the report's own name states.
    """
    if department_type is not None:
        try:
            department_type = resolve_department_type(department_type)
        except UnknownDepartmentType as exc:
            raise ReviewError(str(exc)) from exc
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        if item is None:
            raise ReviewError(f"no review item #{item_id}; `jixiao review` lists the pending ones")
        if item.status != ReviewStatus.PENDING:
            raise ReviewError(f"review item #{item_id} was already {item.status}")
        report = session.get(Report, item.report_id)
        assert report is not None
        dtype: str | None = None
        if accept:
            adcode, dtype = _accept(session, item, report, adcode, department_type)
        else:
            item.status = ReviewStatus.REJECTED
            report.match_status, report.match_method = MatchStatus.UNMATCHED, "review"
        item.decided_at = utcnow()
        _learn(session, item.spelling, adcode if accept else None, dtype)
        session.add(report)
        session.add(item)
        session.commit()
        return {
            "id": item_id,
            "status": item.status,
            "adcode": adcode,
            "department_type": dtype,
            "spelling": item.spelling,
        }


def unit_by_adcode(engine: Engine, adcode: str) -> dict[str, Any] | None:
    with Session(engine) as session:
        u = session.get(Unit, adcode)
        if u is None:
            return None
        by_type = {
            dtype or "?": int(n)
            for dtype, n in session.execute(
                select(Report.department_type, func.count())
                .where(and_(col(Report.unit_adcode) == adcode))
                .group_by(col(Report.department_type))
            )
        }
        # The division's units of every type share its adcode: the reports are counted per type.
        return {
            **u.model_dump(),
            "reports": sum(by_type.values()),
            "reports_by_type": ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())),
        }
