"""Reads of the ledger: files and their outcomes, counts, check outcomes, and the export as plain dicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, col

from jixiao.db.models import DqResult, ProjectLine, Report, ReportField, SourceFile, Unit
from jixiao.units.departments import resolve_department_type, unit_name_of


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
    engine: Engine,
    *,
    unit: str | None = None,
    year: int | None = None,
    current_only: bool = True,
    department_type: str | None = None,
) -> list[dict[str, Any]]:
    """Reports in the public export schema (see README, "Export schema").

    ``department_type`` filters by type, abbreviations resolved (妇女联合会 → 妇联).
    """
    with Session(engine) as session:
        stmt = select(Report, Unit).join(Unit, col(Report.unit_adcode) == col(Unit.adcode), isouter=True)
        if current_only:
            stmt = stmt.where(col(Report.is_current))
        if year is not None:
            stmt = stmt.where(col(Report.fiscal_year) == year)
        if department_type is not None:
            stmt = stmt.where(col(Report.department_type) == resolve_department_type(department_type))
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
                    "unit_name": unit_name_of(u, r.department_type, r.unit_name),
                    "department_type": r.department_type,
                    "province": u.province if u else None,
                    "city": u.city if u else None,
                    "county": u.county if u else None,
                    "adcode": u.adcode if u else None,
                    "fiscal_year": r.fiscal_year,
                    "report_date": r.report_date,
                    "doc_kind": r.doc_kind,
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
