"""Reads of the ledger: files and their outcomes, counts, check outcomes, and the export as plain dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from jixiao.db.models import DqResult, Report, SourceFile
from jixiao.status import CheckStatus


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
            stmt = stmt.where(col(DqResult.status) != CheckStatus.PASS)
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
