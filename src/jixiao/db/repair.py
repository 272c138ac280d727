"""Repair: one current report per (unit, year) by the currency rule, and a finding for each report that
was loaded without its data-quality checks. Every run calls it at start; ``jixiao repair`` on demand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, update
from sqlmodel import Session, col

from jixiao.db.load import locked
from jixiao.db.models import DqResult, Report, utcnow
from jixiao.db.state import chunks
from jixiao.loadplan import Ref, choose_current, currency_key

UNCHECKED_CHECK_ID = "report_has_checks"


@dataclass(frozen=True)
class RepairResult:
    groups_fixed: int  # (unit, year) groups that had more than one current report
    demoted: int  # reports that stopped being current
    unchecked: int  # reports found without recorded checks (each now has a finding)

    @property
    def changed(self) -> bool:
        return bool(self.groups_fixed or self.unchecked)


def repair(engine: Engine, run_id: str = "repair") -> RepairResult:
    """One current report per (unit, department type, year) by the currency rule, and a finding for each report that was
    loaded without its data-quality checks. Idempotent; runs under the load lock."""
    with locked(engine) as session:
        bad = session.execute(
            select(Report.unit_adcode, Report.department_type, Report.fiscal_year)
            .where(col(Report.is_current), col(Report.unit_adcode).is_not(None))
            .group_by(col(Report.unit_adcode), col(Report.department_type), col(Report.fiscal_year))
            .having(func.count() > 1)
        ).all()
        demoted = 0
        for adcode, dtype, year in bad:
            members = {
                Ref("stored", rid): currency_key(rdate, mtime, th)
                for rid, rdate, mtime, th in session.execute(
                    select(Report.id, Report.report_date, Report.source_mtime, Report.text_hash).where(
                        col(Report.unit_adcode) == adcode,
                        (col(Report.department_type) == dtype)
                        if dtype is not None
                        else col(Report.department_type).is_(None),
                        (col(Report.fiscal_year) == year)
                        if year is not None
                        else col(Report.fiscal_year).is_(None),
                        col(Report.is_current),
                    )
                )
            }
            winner = choose_current(members)
            rows = [
                {"id": ref.id, "is_current": False, "superseded_by": winner.id}
                for ref in members
                if ref != winner
            ]
            session.execute(update(Report), rows)
            demoted += len(rows)
        unchecked = _flag_unchecked(session, run_id)
        session.commit()
    return RepairResult(len(bad), demoted, unchecked)


def _flag_unchecked(session: Session, run_id: str) -> int:
    now = utcnow()
    ids = list(session.execute(select(Report.id).where(col(Report.dq_recorded_at).is_(None))).scalars())
    if not ids:
        return 0
    session.execute(
        insert(DqResult),
        [
            {
                "run_id": run_id,
                "suite": "loaded",
                "check_id": UNCHECKED_CHECK_ID,
                "severity": "error",
                "status": "fail",
                "report_id": rid,
                "observed": "no check outcomes recorded",
                "expected": "the checks of its run, recorded with the report",
                "message": f"report #{rid} was loaded without its data-quality checks (a run stopped between "
                "load and check): its figures are unverified",
                "created_at": now,
            }
            for rid in ids
        ],
    )
    for chunk in chunks(ids):
        session.execute(update(Report).where(col(Report.id).in_(chunk)).values(dq_recorded_at=now))
    return len(ids)
