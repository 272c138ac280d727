"""Ingest runs and their stored check outcomes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session

from jixiao.db.models import DqResult, IngestRun, utcnow
from jixiao.quality import CheckOutcome


def start_run(engine: Engine, run_id: str, flow_run_id: str | None, n_files: int) -> None:
    with Session(engine) as session:
        session.merge(IngestRun(id=run_id, flow_run_id=flow_run_id, n_files=n_files))
        session.commit()


def finish_run(engine: Engine, run_id: str, summary: dict[str, Any]) -> None:
    with Session(engine) as session:
        run = session.get(IngestRun, run_id)
        if run is not None:
            run.finished_at = utcnow()
            run.summary = json.dumps(summary, ensure_ascii=False, default=str)
            session.add(run)
            session.commit()


def record_dq(
    engine: Engine,
    run_id: str,
    outcomes: Sequence[CheckOutcome],
    report_of_key: dict[str, int | None],
    file_of_key: dict[str, int | None],
) -> int:
    """Store check outcomes; a key (the frame's row id) is resolved to the report and source file."""
    rows = [
        {
            "run_id": run_id,
            "suite": o.suite,
            "check_id": o.check_id,
            "severity": o.severity,
            "status": o.status,
            "report_id": report_of_key.get(o.report_id) if o.report_id else None,
            "source_file_id": file_of_key.get(o.report_id) if o.report_id else None,
            "observed": o.observed,
            "expected": o.expected,
            "message": o.message,
            "created_at": utcnow(),
        }
        for o in outcomes
    ]
    if rows:
        with Session(engine) as session:
            session.execute(insert(DqResult), rows)
            session.commit()
    return len(rows)
