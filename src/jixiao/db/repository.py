"""Reads of the pipeline's results (queries, the review queue) and the unit registry.

Writes live by concern: ``claims`` (claiming inbox files), ``load`` (the load writer and its lock, fed by
``state`` and ``jixiao.loadplan``), ``repair``, ``runs``, ``queries`` (ingest runs, check outcomes); their public names
are re-exported here.
"""

from __future__ import annotations

import json
import re
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
from jixiao.db.queries import count_reports, dq_results, export_reports, file_counts, list_files
from jixiao.db.repair import RepairResult, repair
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
    "count_reports",
    "currency_key",
    "dq_results",
    "export_reports",
    "file_counts",
    "finish_run",
    "list_files",
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


# ---------------------------------------------------------------------------------------------- review


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
