"""Read-only queries of ingest runs: what each run did, and the check outcomes it recorded."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from jixiao.db.ledger import dq_results
from jixiao.db.models import DqResult, IngestRun
from jixiao.errors import NotFound
from jixiao.status import CheckStatus, FileStatus, Severity


def list_runs(engine: Engine, limit: int | None = None) -> list[dict[str, Any]]:
    """Ingest runs, newest first, with their outcome as recorded (and DQ counts from the results table)."""
    with Session(engine) as session:
        runs = session.exec(select(IngestRun).order_by(col(IngestRun.started_at).desc())).scalars().all()
        counts: Counter[tuple[str, str]] = Counter()
        for run_id, severity, status in session.execute(
            select(DqResult.run_id, DqResult.severity, DqResult.status).where(
                col(DqResult.status) != CheckStatus.PASS
            )
        ):
            counts[(run_id, Severity.ERROR if status == CheckStatus.CHECK_ERROR else severity)] += 1
    out = []
    for r in runs[:limit] if limit else runs:
        summary: dict[str, Any] = json.loads(r.summary) if r.summary else {}
        by = summary.get("by_status", {})
        errors, warnings = counts[(r.id, Severity.ERROR)], counts[(r.id, Severity.WARNING)]
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
    run["not_passed"] = sum(1 for r in rows if r["status"] != CheckStatus.PASS)
    if failed_only:
        rows = [r for r in rows if r["status"] != CheckStatus.PASS]
    return run, rows


def check_file_status(status: str | None) -> None:
    if status is not None and status not in set(FileStatus):
        raise NotFound(f"unknown file status {status!r}; use one of: {', '.join(FileStatus)}")
