"""Ingest runs and their stored check outcomes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session

from jixiao.db.models import DqResult, IngestRun, utcnow
from jixiao.quality import CheckOutcome
from jixiao.runsummary import RunSummary
from jixiao.status import RunState


def start_run(engine: Engine, run_id: str, flow_run_id: str | None, n_files: int) -> None:
    with Session(engine) as session:
        session.merge(IngestRun(id=run_id, flow_run_id=flow_run_id, n_files=n_files))
        session.commit()


def finish_run(engine: Engine, summary: RunSummary) -> None:
    """Close the run with its summary (without the per-file rows, which ``source_file`` holds)."""
    with Session(engine) as session:
        run = session.get(IngestRun, summary.run_id)
        if run is not None:
            run.finished_at = utcnow()
            run.summary = json.dumps(summary.record(), ensure_ascii=False, default=str)
            session.add(run)
            session.commit()


def dq_rows(
    run_id: str, outcomes: Iterable[CheckOutcome], report_of: Mapping[int, int], now: datetime
) -> list[dict[str, Any]]:
    """``dq_result`` rows: an outcome's file id is its source file, and its report where one was loaded."""
    return [
        {
            "run_id": run_id,
            "suite": o.suite,
            "check_id": o.check_id,
            "severity": o.severity,
            "status": o.status,
            "report_id": report_of.get(o.file_id) if o.file_id is not None else None,
            "source_file_id": o.file_id,
            "observed": o.observed,
            "expected": o.expected,
            "message": o.message,
            "created_at": now,
        }
        for o in outcomes
    ]


def record_dq(
    engine: Engine, run_id: str, outcomes: Sequence[CheckOutcome], report_of: Mapping[int, int] | None = None
) -> int:
    """Store check outcomes (``report_of``: file id -> report id of the files loaded)."""
    rows = dq_rows(run_id, outcomes, report_of or {}, utcnow())
    if rows:
        with Session(engine) as session:
            session.execute(insert(DqResult), rows)
            session.commit()
    return len(rows)


def mark_run(
    engine: Engine, run_id: str, state: str, error: str | None, owner: str, finished: bool = True
) -> None:
    """Store the run's state (and the first line of its error) in its summary; ``finished`` closes it."""
    with Session(engine) as session:
        row = session.get(IngestRun, run_id)
        if row is None:
            return
        summary = json.loads(row.summary) if row.summary else {}
        summary.update(state=state, owner=summary.get("owner") or owner)
        if error:
            summary["error"] = error.splitlines()[0][:500] if error.strip() else error
        row.summary = json.dumps(summary, ensure_ascii=False, default=str)
        if finished:
            row.finished_at = utcnow()
        session.add(row)
        session.commit()


def is_stale(owner_alive: bool | None, started_at: datetime, now: datetime, lease: timedelta) -> bool:
    """An open run is dead when its process is known gone, or, where that cannot be told, after the lease."""
    started = started_at if started_at.tzinfo else started_at.replace(tzinfo=UTC)
    return owner_alive is False or (owner_alive is None and now - started > lease)


def close_stale_runs(
    engine: Engine, run_id: str, lease: timedelta, alive: Callable[[str | None], bool | None]
) -> int:
    """Close the runs a killed process left open as ``Killed``, naming the run that found them."""
    from sqlmodel import select

    closed = 0
    now = utcnow()
    with Session(engine) as session:
        for row in session.exec(select(IngestRun).where(IngestRun.finished_at.is_(None))).all():
            summary = json.loads(row.summary) if row.summary else {}
            if is_stale(alive(summary.get("owner")), row.started_at, now, lease):
                summary.update(state=RunState.KILLED, closed_by=run_id)
                row.summary = json.dumps(summary, ensure_ascii=False, default=str)
                row.finished_at = now
                session.add(row)
                closed += 1
        session.commit()
    return closed
