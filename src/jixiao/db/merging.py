"""Applies the merge of a unit-year's 自评表 and 报告 (the rule itself is pure: jixiao.merge)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session, col

from jixiao.db.models import Report
from jixiao.merge import MERGED_FIELDS, merge_documents


def merge_documents_of(session: Session, a: int, b: int) -> None:
    """When one of two versions of a unit-year is its 自评表 and the other its 报告, they are two documents
    of one report: the 报告 stays current with its gaps filled from the 自评表 (which is kept behind it), and
    where they disagree the 报告's values stand and ``merge_conflicts`` records both (jixiao.merge)."""
    rows = {r.id: r for r in session.execute(select(Report).where(col(Report.id).in_((a, b)))).scalars()}
    by_kind = {r.doc_kind: r for r in rows.values()}
    if len(rows) != 2 or by_kind.keys() != {"dept_report", "dept_table"}:
        return
    report, table = by_kind["dept_report"], by_kind["dept_table"]
    merged = merge_documents(
        {f: getattr(report, f) for f in MERGED_FIELDS},
        {f: getattr(table, f) for f in MERGED_FIELDS},
        MERGED_FIELDS,
    )
    fills = {f: merged.values[f] for f in merged.filled}
    session.execute(
        update(Report)
        .where(col(Report.id) == report.id)
        .values(**fills, merge_conflicts=merged.findings_json(), is_current=True, superseded_by=None)
    )
    session.execute(
        update(Report).where(col(Report.id) == table.id).values(is_current=False, superseded_by=report.id)
    )
