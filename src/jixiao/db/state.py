"""What a load decides from: the batch as the planner sees it, and what the database already holds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from jixiao.db.claims import Claimed
from jixiao.db.models import Report, SourceFile
from jixiao.dedupe import Doc
from jixiao.loadplan import BatchItem, Existing, Key, StoredReport
from jixiao.pipeline import ReadParseResult
from jixiao.units.departments import KEXIE
from jixiao.units.match import MatchResult

IN_CHUNK = 5000  # values per IN (...) list: under SQLite's 32,766 bound parameters


def _doc(r: ReadParseResult) -> Doc:
    # Workers send the figures along; a result built elsewhere without them gets them worked out here.
    return Doc(r.text or "", r.figures) if r.figures is not None else Doc.of(r.text or "")


def batch_items(
    results: Sequence[tuple[Claimed, ReadParseResult]], matches: dict[int, MatchResult]
) -> list[BatchItem]:
    """The planner's view of a batch."""
    items = []
    for c, r in results:
        f = c.file
        if not r.ok or r.parsed is None:
            items.append(BatchItem(c.file_id, f.name, f.sha256, f.mtime, reason=r.reason or "unreadable"))
            continue
        m = matches.get(c.file_id)
        year = r.parsed.value("fiscal_year")
        key: Key | None = None
        if m is not None and m.status == "matched" and m.adcode is not None:
            key = (m.adcode, m.department_type or KEXIE, int(year) if year is not None else None)
        date = r.parsed.value("report_date")
        items.append(
            BatchItem(
                c.file_id,
                f.name,
                f.sha256,
                f.mtime,
                text_hash=r.text_hash,
                doc=_doc(r),
                key=key,
                report_date=str(date) if date is not None else None,
            )
        )
    return items


def read_existing(session: Session, items: Sequence[BatchItem]) -> Existing:
    """What the plan needs from the database (call with the load lock held)."""
    shas = {i.sha256 for i in items if i.reason is None}
    file_by_sha: dict[str, tuple[int, str]] = {}
    for chunk in chunks(sorted(shas)):
        for fid, sha, name in session.execute(
            select(SourceFile.id, SourceFile.sha256, SourceFile.name)
            .where(col(SourceFile.sha256).in_(chunk), col(SourceFile.status).in_(("loaded", "duplicate")))
            .order_by(col(SourceFile.id))
        ):
            file_by_sha.setdefault(sha, (fid, name))
    hashes = {i.text_hash for i in items if i.text_hash}
    report_by_hash: dict[str, int] = {}
    for chunk in chunks(sorted(hashes)):
        for rid, th in session.execute(
            select(Report.id, Report.text_hash).where(col(Report.text_hash).in_(chunk))
        ):
            report_by_hash[th] = rid
    keys = {i.key for i in items if i.key is not None}
    return Existing(file_by_sha, report_by_hash, _current_of(session, keys))


def _current_of(session: Session, keys: set[Key]) -> dict[Key, list[StoredReport]]:
    current: dict[Key, list[StoredReport]] = {}
    for chunk in chunks(sorted({k[0] for k in keys})):
        for rid, adcode, dtype, year, rdate, mtime, th, body in session.execute(
            select(
                Report.id,
                Report.unit_adcode,
                Report.department_type,
                Report.fiscal_year,
                Report.report_date,
                Report.source_mtime,
                Report.text_hash,
                Report.text,
            ).where(col(Report.unit_adcode).in_(chunk), col(Report.is_current))
        ):
            key = (adcode, dtype or KEXIE, year)
            if key in keys:
                current.setdefault(key, []).append(StoredReport(rid, rdate, mtime, th, body or ""))
    return current


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), IN_CHUNK):
        yield values[i : i + IN_CHUNK]
