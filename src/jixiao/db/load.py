"""The load writer: applies a ``LoadPlan`` (``jixiao.loadplan``) in one transaction, under a database lock.

The lock serialises every decision on shared state — duplicates by bytes or content, and which report of
a (unit, year) is current — across concurrent runs and hosts: PostgreSQL takes a transaction-scoped
advisory lock; SQLite takes its write lock at ``BEGIN IMMEDIATE``. What the plan needs from the database
is read after the lock is held, so a run sees every batch committed before it.

The batch's data-quality outcomes are written in the same transaction as the reports they judge, and each
report records when that happened (``dq_recorded_at``): no crash can leave a report loaded without its
checks. ``jixiao.db.repair`` finds what older versions or a hand edit left behind: more than one current report
of a (unit, year), and reports without recorded checks (each becomes a finding of its own).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import Session, col

from jixiao.db.claims import Claimed
from jixiao.db.merging import merge_documents_of
from jixiao.db.models import DqResult, ProjectLine, Report, ReportField, ReviewItem, SourceFile, utcnow
from jixiao.db.public import kind_basis
from jixiao.db.runs import dq_rows
from jixiao.db.state import batch_items, chunks, read_existing
from jixiao.loadplan import (
    BatchItem,
    LoadPlan,
    Ref,
    plan_load,
)
from jixiao.model import MONEY_FIELDS, PERCENT_FIELDS, ParsedReport
from jixiao.parse.identity import describe_source
from jixiao.pipeline import ReadParseResult
from jixiao.quality import CheckOutcome
from jixiao.status import FileStatus, MatchStatus, ReviewStatus
from jixiao.units.match import MatchResult

REPORT_COLUMNS = (
    "unit_name",
    "fiscal_year",
    "report_date",
    "title",
    "grade",
    "score",
    *MONEY_FIELDS,
    *PERCENT_FIELDS,
    "staff_quota",
    "staff_actual",
    "staff_retired",
    "doc_kind",
)
LOAD_LOCK_KEY = 7206582  # pg_advisory_xact_lock key of the load (the migration lock is 7206581)


@dataclass(frozen=True)
class FileOutcome:
    file_id: int
    name: str
    status: FileStatus  # a terminal one
    reason: str | None
    report_id: int | None = None
    unit_name: str | None = None
    adcode: str | None = None
    fiscal_year: int | None = None
    superseded: tuple[int, ...] = ()
    doc_kind: str | None = None  # what the document is (jixiao.model.DOC_KINDS) and the words that said so
    kind_basis: str | None = None


def _kind_of(parsed: ParsedReport) -> tuple[str | None, str | None]:
    fact = parsed.facts.get("doc_kind")
    if fact is None:
        return None, None
    return str(fact.value), kind_basis(str(fact.value), fact.evidence.snippet)


@dataclass
class LoadResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    review_items: int = 0
    dq_recorded: int = 0


@contextmanager
def locked(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the load lock until it commits or rolls back."""
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOAD_LOCK_KEY})
        elif engine.dialect.name == "sqlite":
            # pysqlite opens transactions lazily; an explicit BEGIN IMMEDIATE takes the write lock now,
            # before the reads the decisions depend on (waiting up to the busy timeout for another writer).
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def report_row(parsed: ParsedReport, match: MatchResult | None) -> dict[str, Any]:
    row: dict[str, Any] = {name: parsed.value(name) for name in REPORT_COLUMNS}
    row["fiscal_year"] = int(row["fiscal_year"]) if row["fiscal_year"] is not None else None
    if match is not None:
        row.update(
            unit_adcode=match.adcode if match.status == MatchStatus.MATCHED else None,
            match_status=match.status,
            match_method=match.method,
            match_score=float(match.score),
            match_evidence=match.evidence,
            # The type the report's own name states, kept for a report in review too.
            department_type=match.department_type,
        )
    else:
        row.update(unit_adcode=None, match_status=MatchStatus.UNMATCHED, match_method="none", match_score=0.0)
    return row


def _display_name(match: MatchResult | None, written: str | None) -> str | None:
    """The canonical unit name once matched (县科协 → 江华瑶族自治县科学技术协会), else as written."""
    if match is not None and match.status == MatchStatus.MATCHED:
        return next((c.name for c in match.candidates if c.adcode == match.adcode), written)
    return written


def load_batch(
    engine: Engine,
    run_id: str,
    results: Sequence[tuple[Claimed, ReadParseResult]],
    matches: dict[int, MatchResult],
    checks: Sequence[CheckOutcome] | None = None,
) -> LoadResult:
    """Plan and record a batch in one transaction: quarantines, duplicates, new reports, which report of
    each (unit, year) is current, and — when given — the batch's check outcomes (keyed by ``file_id``).

    Reports loaded without ``checks`` have no ``dq_recorded_at``; ``repair`` turns them into findings.
    """
    items = batch_items(results, matches)
    with locked(engine) as session:
        plan = plan_load(items, read_existing(session, items))
        out = _Writer(session, run_id, results, matches).apply(plan, checks)
        session.commit()
    return out


class _Writer:
    """Applies one plan inside an open, locked session."""

    def __init__(
        self,
        session: Session,
        run_id: str,
        results: Sequence[tuple[Claimed, ReadParseResult]],
        matches: dict[int, MatchResult],
    ) -> None:
        self.session, self.run_id, self.matches = session, run_id, matches
        self.by_file = {c.file_id: (c, r) for c, r in results}
        self.now = utcnow()
        self.file_updates: list[dict[str, Any]] = []

    def _file_update(self, file_id: int, status: str, **values: Any) -> None:
        r = self.by_file[file_id][1]
        self.file_updates.append(
            {
                "id": file_id,
                "status": status,
                "format": r.format,
                "encoding": r.encoding,
                "text_hash": r.text_hash,
                "processed_at": self.now,
                "run_id": self.run_id,
                **values,
            }
        )

    def apply(self, plan: LoadPlan, checks: Sequence[CheckOutcome] | None) -> LoadResult:
        out = LoadResult()
        outcome_of: dict[int, FileOutcome] = {}
        for q in plan.quarantined:
            self._file_update(q.file_id, FileStatus.QUARANTINED, reason=q.reason)
            outcome_of[q.file_id] = FileOutcome(q.file_id, q.name, FileStatus.QUARANTINED, q.reason)
        for d in plan.duplicates:
            self._file_update(
                d.file_id, FileStatus.DUPLICATE, reason=d.reason, duplicate_of_file_id=d.of_file_id
            )
            outcome_of[d.file_id] = FileOutcome(
                d.file_id, self.by_file[d.file_id][0].file.name, FileStatus.DUPLICATE, d.reason
            )
        ids = self._insert_reports(plan.new, checked=checks is not None)
        replaced = self._supersede(plan, ids)
        for new, olds in replaced.items():
            for old in olds:
                merge_documents_of(self.session, old, new)  # a unit-year's 自评表 and 报告 are one report
        out.review_items = self._insert_details(plan.new, ids)
        for item in plan.new:
            r = self.by_file[item.file_id][1]
            rid = ids[item.file_id]
            self._file_update(item.file_id, FileStatus.LOADED, reason=None, report_id=rid)
            assert r.parsed is not None
            m = self.matches.get(item.file_id)
            row = report_row(r.parsed, m)
            outcome_of[item.file_id] = FileOutcome(
                item.file_id,
                item.name,
                FileStatus.LOADED,
                None,
                rid,
                _display_name(m, row["unit_name"]),
                row["unit_adcode"],
                row["fiscal_year"],
                tuple(sorted(replaced.get(rid, ()))),
                *_kind_of(r.parsed),
            )
        if self.file_updates:
            _bulk_update_files(self.session, self.file_updates)
        if checks is not None:
            out.dq_recorded = self._record_checks(checks, plan, ids)
        order = [q.file_id for q in plan.quarantined] + [
            i.file_id for i in sorted(plan.new, key=lambda i: (i.mtime, i.name, i.file_id))
        ]
        order += [d.file_id for d in plan.duplicates]
        out.outcomes = [outcome_of[fid] for fid in order]
        return out

    def _insert_reports(self, new: Sequence[BatchItem], *, checked: bool) -> dict[int, int]:
        """Insert the new reports; returns file id -> report id."""
        if not new:
            return {}
        params = []
        for item in new:
            c, r = self.by_file[item.file_id]
            assert r.parsed is not None
            row = report_row(r.parsed, self.matches.get(item.file_id))
            row.update(
                text_hash=r.text_hash,
                text=r.text,
                run_id=self.run_id,
                is_current=True,
                created_at=self.now,
                source_mtime=c.file.mtime,
                dq_recorded_at=self.now if checked else None,
            )
            params.append(row)
        # Core's executemany, then the ids read back by text_hash (unique). RETURNING in parameter order made
        # SQLite insert row by row and splice the results quadratically: 2 s of a 3,000-report load.
        self.session.execute(Report.__table__.insert(), params)
        id_of: dict[str, int] = {}
        for chunk in chunks([str(i.text_hash) for i in new]):
            for rid, th in self.session.execute(
                select(Report.id, Report.text_hash).where(col(Report.text_hash).in_(chunk))
            ):
                id_of[th] = rid
        return {i.file_id: id_of[str(i.text_hash)] for i in new}

    def _supersede(self, plan: LoadPlan, ids: dict[int, int]) -> dict[int, list[int]]:
        def resolve(ref: Ref) -> int:
            return ref.id if ref.kind == "stored" else ids[ref.id]

        rows = [
            {"id": resolve(old), "is_current": False, "superseded_by": resolve(new)}
            for old, new in plan.superseded
        ]
        if rows:
            self.session.execute(update(Report), rows)
        replaced: dict[int, list[int]] = {}
        for row in rows:
            replaced.setdefault(row["superseded_by"], []).append(row["id"])
        return replaced

    def _insert_details(self, new: Sequence[BatchItem], ids: dict[int, int]) -> int:
        fields: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        for item in new:
            rid = ids[item.file_id]
            parsed = self.by_file[item.file_id][1].parsed
            assert parsed is not None
            for f in parsed.facts.values():
                fields.append(
                    {
                        "report_id": rid,
                        "name": f.name,
                        "value": str(f.value),
                        "unit": f.unit,
                        "start": f.evidence.start,
                        "end": f.evidence.end,
                        "snippet": f.evidence.snippet,
                        "page": f.evidence.page,
                    }
                )
            lines += [
                {"report_id": rid, "seq": p.seq, "name": p.name, "amount": p.amount, "score": p.score}
                for p in parsed.project_lines
            ]
            m = self.matches.get(item.file_id)
            if m is None or m.status != MatchStatus.MATCHED:
                reviews.append(_review_row(rid, m, parsed, self.now))
        # The evidence rows (about 25 per report) go through Core's executemany: the ORM's bulk insert
        # spent 5 s on them per 3,000 reports building per-row insert commands.
        if fields:
            self.session.execute(ReportField.__table__.insert(), fields)
        if lines:
            self.session.execute(ProjectLine.__table__.insert(), lines)
        if reviews:
            self.session.execute(insert(ReviewItem), reviews)
        return len(reviews)

    def _record_checks(self, checks: Sequence[CheckOutcome], plan: LoadPlan, ids: dict[int, int]) -> int:
        duplicates = {d.file_id for d in plan.duplicates}
        # A duplicate's checks repeat its original's: they are not stored.
        rows = dq_rows(self.run_id, (o for o in checks if o.file_id not in duplicates), ids, self.now)
        if rows:
            self.session.execute(insert(DqResult), rows)
        return len(rows)


def _review_row(rid: int, m: MatchResult | None, parsed: ParsedReport, now: Any) -> dict[str, Any]:
    candidates = (
        [
            {
                "adcode": x.adcode,
                "name": x.name,
                "score": round(x.score, 1),
                "department_type": x.department_type,
            }
            for x in m.candidates
        ]
        if m
        else []
    )
    return {
        "report_id": rid,
        "spelling": m.spelling if m else None,
        "evidence": m.evidence if m else None,
        "read_from": describe_source(parsed.name_sources, m.spelling if m else None),
        "reason": (m.reason or None) if m else "not matched",
        "status": ReviewStatus.PENDING,
        "created_at": now,
        "candidates": json.dumps(candidates, ensure_ascii=False),
    }


_FILE_UPDATE_KEYS = (
    "status",
    "reason",
    "format",
    "encoding",
    "text_hash",
    "processed_at",
    "run_id",
    "report_id",
    "duplicate_of_file_id",
)


def _bulk_update_files(session: Session, updates: list[dict[str, Any]]) -> None:
    # ORM bulk UPDATE by primary key needs every row to carry the same keys.
    rows = [{k: u.get(k) for k in ("id", *_FILE_UPDATE_KEYS)} for u in updates]
    session.execute(update(SourceFile), rows)


def mark_stored(engine: Engine, stored: Iterable[tuple[int, str]]) -> None:
    rows = [{"id": fid, "stored_path": path} for fid, path in stored]
    if rows:
        with Session(engine) as session:
            session.execute(update(SourceFile), rows)
            session.commit()
