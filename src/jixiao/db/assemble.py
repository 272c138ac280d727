"""Rows to the export schema: report rows with their files, lines, evidence and DQ findings as ``ReportPublic``.

The related rows are read in chunks of ids (one ``IN`` per table per chunk), never one query per report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from jixiao.db.models import DqResult, ProjectLine, Report, ReportField, SourceFile, Unit
from jixiao.db.public import DqFinding, EvidencePublic, ProjectLinePublic, ReportPublic, kind_basis
from jixiao.status import CheckStatus
from jixiao.units.departments import unit_name_of

_IN_CHUNK = 5000
# The public fields that are report columns of the same name, copied as they are (numbers as plain floats);
# the unit's name and the rest of ReportPublic are derived below.
_COPIED = tuple(n for n in ReportPublic.model_fields if n in Report.model_fields and n != "unit_name")


def plain(value: Any) -> Any:
    """A stored number as JSON shows it: ``Decimal`` becomes ``float``, the rest is unchanged."""
    return float(value) if isinstance(value, Decimal) else value


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i : i + _IN_CHUNK]


def version_reason(old: Report, new: Report | None) -> str | None:
    """Why ``old`` was superseded by ``new`` (``loadplan.currency_key``: the later report date wins, else the
    later file modification time)."""
    if new is None:
        return None
    if old.report_date and new.report_date and old.report_date != new.report_date:
        return f"#{new.id} 报告日期较新（{new.report_date}，本版 {old.report_date}）"
    return f"#{new.id} 文件较新（报告日期相同或未写明）"


@dataclass
class _Related:
    """The rows hanging off a set of reports, by report id."""

    files: dict[int, list[str]] = field(default_factory=dict)
    lines: dict[int, list[ProjectLinePublic]] = field(default_factory=dict)
    evidence: dict[int, dict[str, EvidencePublic]] = field(default_factory=dict)
    dq: dict[int, list[DqFinding]] = field(default_factory=dict)
    newer: dict[int, Report] = field(default_factory=dict)


def _read_files_and_dq(session: Session, chunk: Sequence[int], rel: _Related) -> None:
    for rid, name in session.execute(
        select(SourceFile.report_id, SourceFile.name).where(col(SourceFile.report_id).in_(chunk))
    ):
        rel.files.setdefault(rid, []).append(name)
    for d in session.exec(
        select(DqResult)
        .where(col(DqResult.report_id).in_(chunk), col(DqResult.status) != CheckStatus.PASS)
        .order_by(col(DqResult.id))
    ).scalars():
        rel.dq.setdefault(d.report_id, []).append(
            DqFinding(
                check=d.check_id, status=d.status, severity=d.severity, observed=d.observed, message=d.message
            )
        )


def _read_lines_and_evidence(session: Session, chunk: Sequence[int], rel: _Related) -> None:
    for p in session.exec(
        select(ProjectLine).where(col(ProjectLine.report_id).in_(chunk)).order_by(col(ProjectLine.seq))
    ).scalars():
        rel.lines.setdefault(p.report_id, []).append(
            ProjectLinePublic(seq=p.seq, name=p.name, amount=plain(p.amount), score=plain(p.score))
        )
    for f in session.exec(select(ReportField).where(col(ReportField.report_id).in_(chunk))).scalars():
        if f.name not in ("problems", "measures"):
            rel.evidence.setdefault(f.report_id, {})[f.name] = EvidencePublic(
                start=f.start, end=f.end, snippet=f.snippet, page=f.page
            )


def _related(session: Session, rows: Sequence[tuple[Report, Unit | None]], with_evidence: bool) -> _Related:
    rel = _Related()
    for chunk in chunks([r.id for r, _ in rows]):
        _read_files_and_dq(session, chunk, rel)
        if with_evidence:
            _read_lines_and_evidence(session, chunk, rel)
    successors = sorted({r.superseded_by for r, _ in rows if r.superseded_by})
    for chunk in chunks(successors):
        for s in session.exec(select(Report).where(col(Report.id).in_(chunk))).scalars():
            rel.newer[s.id] = s
    return rel


def _one(r: Report, u: Unit | None, rel: _Related) -> ReportPublic:
    evidence = rel.evidence.get(r.id, {})
    kind = evidence.get("doc_kind")  # read with the evidence: None when that was left out
    return ReportPublic(
        report_id=r.id,
        unit_name=unit_name_of(u, r.department_type, r.unit_name),
        province=u.province if u else None,
        city=u.city if u else None,
        county=u.county if u else None,
        adcode=u.adcode if u else None,
        **{name: plain(getattr(r, name)) for name in _COPIED},
        doc_kind_basis=kind_basis(r.doc_kind, kind.snippet) if kind is not None else None,
        version_reason=version_reason(r, rel.newer.get(r.superseded_by or 0)),
        project_lines=rel.lines.get(r.id, []),
        source_files=sorted(rel.files.get(r.id, [])),
        dq=rel.dq.get(r.id, []),
        evidence=evidence,
    )


def public_reports(session: Session, rows: Sequence[Any], with_evidence: bool = True) -> list[ReportPublic]:
    """``(Report, Unit | None)`` rows as ``ReportPublic``, in the order given."""
    rel = _related(session, rows, with_evidence)
    return [_one(r, u, rel) for r, u in rows]
