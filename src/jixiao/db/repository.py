"""Reads and writes of the pipeline, batched: one transaction and a few bulk statements per batch."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from jixiao.db.models import (
    TERMINAL_STATUSES,
    DqResult,
    IngestRun,
    ProjectLine,
    RegistrySource,
    Report,
    ReportField,
    ReviewItem,
    SourceFile,
    Unit,
    UnitAlias,
    utcnow,
)
from jixiao.dedupe import Doc, find_near_duplicate
from jixiao.merge import MERGED_FIELDS, merge_documents
from jixiao.model import MONEY_FIELDS, PERCENT_FIELDS, ParsedReport
from jixiao.parse.identity import describe_source
from jixiao.pipeline import InboxFile, ReadParseResult
from jixiao.quality import CheckOutcome
from jixiao.units.departments import KEXIE, load_departments
from jixiao.units.match import MatchResult
from jixiao.units.registry import Registry

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
# A claim older than this, by a process that cannot be checked (another host), is taken over.
CLAIM_LEASE = timedelta(minutes=15)
# Rows per INSERT: 10 columns each stays under SQLite's bound-parameter limit.
CLAIM_CHUNK = 500


def claimer_id(run_id: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{run_id}"


def _claim_is_stale(row: SourceFile) -> bool:
    if not row.claimed_by:
        return True
    host, _, rest = row.claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    claimed_at = row.claimed_at
    return claimed_at is None or utcnow() - claimed_at > CLAIM_LEASE


# ---------------------------------------------------------------------------------------------- registry


def sync_registry(engine: Engine, registry: Registry) -> int:
    """Load the unit registry once (or again when the source changes); returns the number of units."""
    with Session(engine) as session:
        have = session.exec(select(func.count()).select_from(Unit)).one()[0]
        latest = session.exec(select(RegistrySource).order_by(col(RegistrySource.id).desc())).first()
        if have == len(registry.units) and latest and latest[0].as_of == registry.as_of:
            return int(have)
        known = set(session.exec(select(Unit.adcode)).scalars())
        rows = [
            {
                "adcode": u.adcode,
                "name": u.name,
                "division": u.division,
                "level": u.level,
                "province": u.province,
                "city": u.city,
                "county": u.county,
            }
            for u in registry.units
            if u.adcode not in known
        ]
        if rows:
            # Two runs starting on a fresh database may both load the registry: the second adds nothing.
            session.execute(
                _insert_ignore(engine)(Unit).on_conflict_do_nothing(index_elements=["adcode"]), rows
            )
        session.add(RegistrySource(source=registry.source, as_of=registry.as_of, n_units=len(registry.units)))
        session.commit()
        return len(registry.units)


def learned_aliases(engine: Engine) -> dict[str, tuple[str, str | None] | None]:
    """Spellings decided in review: (adcode, department type), or None for "not a registry unit"."""
    with Session(engine) as session:
        return {
            a.spelling: (a.adcode, a.department_type or KEXIE) if a.adcode else None
            for a in session.exec(select(UnitAlias)).scalars()
        }


# ---------------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claimed:
    file_id: int
    file: InboxFile


@dataclass(frozen=True)
class AlreadyDone:
    """A file whose bytes and path were processed before (re-delivered, or moved away after a crash)."""

    file: InboxFile
    status: str
    file_id: int
    reason: str | None = None


def _insert_ignore(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def claim_files(
    engine: Engine, files: Sequence[InboxFile], run_id: str
) -> tuple[list[Claimed], list[AlreadyDone]]:
    """Atomically claim files for this run.

    The unique (sha256, path) key makes the claim exactly-once: two runs racing on one inbox both try the
    insert and only one gets the row back. A claim left by a dead process is taken over.
    """
    me = claimer_id(run_id)
    now = utcnow()
    claimed: list[Claimed] = []
    done: list[AlreadyDone] = []
    ins = _insert_ignore(engine)
    by_key = {(f.sha256, str(f.path)): f for f in files}
    with Session(engine) as session:
        keys = list(by_key)
        for start in range(0, len(keys), CLAIM_CHUNK):
            chunk = keys[start : start + CLAIM_CHUNK]
            rows = [
                {
                    "path": path,
                    "name": by_key[(sha, path)].name,
                    "size": by_key[(sha, path)].size,
                    "sha256": sha,
                    "format": by_key[(sha, path)].path.suffix.lower().lstrip(".") or None,
                    "status": "claimed",
                    "received_at": now,
                    "claimed_at": now,
                    "claimed_by": me,
                    "run_id": run_id,
                }
                for sha, path in chunk
            ]
            stmt = (
                ins(SourceFile)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["sha256", "path"])
                .returning(SourceFile.id, SourceFile.sha256, SourceFile.path)
            )
            won = {(sha, path): int(fid) for fid, sha, path in session.execute(stmt)}
            claimed += [Claimed(fid, by_key[key]) for key, fid in won.items()]
            lost = [key for key in chunk if key not in won]
            if not lost:
                continue
            existing = session.exec(
                select(SourceFile).where(col(SourceFile.sha256).in_({sha for sha, _ in lost}))
            ).scalars()
            for row in existing:
                key = (row.sha256, row.path)
                if key not in by_key or key in won:
                    continue
                f = by_key[key]
                if row.status in TERMINAL_STATUSES:
                    done.append(AlreadyDone(f, row.status, int(row.id), row.reason))
                elif row.claimed_by != me and _claim_is_stale(row):
                    took = session.execute(
                        update(SourceFile)
                        .where(col(SourceFile.id) == row.id, col(SourceFile.claimed_by) == row.claimed_by)
                        .values(claimed_by=me, claimed_at=now, run_id=run_id)
                    )
                    if took.rowcount == 1:
                        claimed.append(Claimed(int(row.id), f))
        # One commit for the batch: a racing run waits on the unique key, then sees the rows as taken.
        session.commit()
    order = {key: i for i, key in enumerate(by_key)}
    claimed.sort(key=lambda c: order[(c.file.sha256, str(c.file.path))])
    return claimed, done


# ---------------------------------------------------------------------------------------------- load


@dataclass(frozen=True)
class FileOutcome:
    file_id: int
    name: str
    status: str  # loaded | duplicate | quarantined
    reason: str | None
    report_id: int | None = None
    unit_name: str | None = None
    adcode: str | None = None
    fiscal_year: int | None = None
    superseded: tuple[int, ...] = ()


@dataclass
class _Group:
    """Current report of one (unit, year) while a batch is being loaded."""

    report_id: int
    report_date: str | None
    text: str | None
    text_hash: str


@dataclass
class LoadResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    review_items: int = 0


def report_row(parsed: ParsedReport, match: MatchResult | None) -> dict[str, Any]:
    row: dict[str, Any] = {name: parsed.value(name) for name in REPORT_COLUMNS}
    row["fiscal_year"] = int(row["fiscal_year"]) if row["fiscal_year"] is not None else None
    if match is not None:
        row.update(
            unit_adcode=match.adcode if match.status == "matched" else None,
            match_status=match.status,
            match_method=match.method,
            match_score=float(match.score),
            match_evidence=match.evidence,
            # The type the report's own name states, kept for a report in review too.
            department_type=match.department_type,
        )
    else:
        row.update(unit_adcode=None, match_status="unmatched", match_method="none", match_score=0.0)
    return row


def _display_name(match: MatchResult | None, written: str | None) -> str | None:
    """The canonical unit name once matched (县科协 → 江华瑶族自治县科学技术协会), else as written."""
    if match is not None and match.status == "matched":
        return next((c.name for c in match.candidates if c.adcode == match.adcode), written)
    return written


def _newer(date_a: str | None, date_b: str | None) -> bool:
    """Is a report dated ``date_a`` newer than one dated ``date_b``? Undated or equal: the later arrival."""
    if date_a and date_b and date_a != date_b:
        return date_a > date_b
    return True


def _doc(r: ReadParseResult) -> Doc:
    # Workers send the figures along; a result built elsewhere without them gets them worked out here.
    return Doc(r.text or "", r.figures) if r.figures is not None else Doc.of(r.text or "")


def _merge_documents(session: Session, a: int, b: int) -> None:
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


_IN_CHUNK = 5000  # values per IN (...) list: under SQLite's 32,766 bound parameters


def load_batch(
    engine: Engine,
    run_id: str,
    results: Sequence[tuple[Claimed, ReadParseResult]],
    matches: dict[int, MatchResult],
) -> LoadResult:
    """Record a batch in one transaction: quarantines, duplicates, new reports and supersessions.

    Duplicates are recognised by identical bytes, by the content fingerprint, and by near-identical
    text within the same (unit, year) — the block that keeps dedupe linear in the batch size.
    """
    out = LoadResult()
    now = utcnow()
    with Session(engine) as session:
        file_updates: list[dict[str, Any]] = []
        ok_items = [(c, r) for c, r in results if r.ok]
        for c, r in results:
            if not r.ok:
                file_updates.append(
                    {
                        "id": c.file_id,
                        "status": "quarantined",
                        "reason": r.reason,
                        "format": r.format,
                        "encoding": r.encoding,
                        "processed_at": now,
                        "run_id": run_id,
                    }
                )
                out.outcomes.append(FileOutcome(c.file_id, c.file.name, "quarantined", r.reason))

        # Same bytes as a file processed before under another path.
        shas = {c.file.sha256 for c, _ in ok_items}
        prior_by_sha: dict[str, tuple[int, str]] = {}
        if shas:
            for fid, sha, name in session.execute(
                select(SourceFile.id, SourceFile.sha256, SourceFile.name).where(
                    col(SourceFile.sha256).in_(shas), col(SourceFile.status).in_(("loaded", "duplicate"))
                )
            ):
                prior_by_sha.setdefault(sha, (fid, name))
        hashes = {r.text_hash for _, r in ok_items if r.text_hash}
        prior_by_hash: dict[str, tuple[int, str | None]] = {}
        if hashes:
            for rid, th, unit in session.execute(
                select(Report.id, Report.text_hash, Report.unit_name).where(col(Report.text_hash).in_(hashes))
            ):
                prior_by_hash[th] = (rid, unit)

        # Current reports of the (unit, year) groups this batch touches.
        keys = set()
        for c, r in ok_items:
            m = matches.get(c.file_id)
            if m is not None and m.status == "matched" and r.parsed is not None:
                keys.add((m.adcode, m.department_type, r.parsed.value("fiscal_year")))
        groups: dict[tuple[str | None, str | None, Any], list[_Group]] = {}
        if keys:
            adcodes = {k[0] for k in keys}
            for rid, adcode, dtype, year, rdate, text, th in session.execute(
                select(
                    Report.id,
                    Report.unit_adcode,
                    Report.department_type,
                    Report.fiscal_year,
                    Report.report_date,
                    Report.text,
                    Report.text_hash,
                ).where(col(Report.unit_adcode).in_(adcodes), col(Report.is_current))
            ):
                if (adcode, dtype, year) in keys:
                    groups.setdefault((adcode, dtype, year), []).append(_Group(rid, rdate, text, th))

        seen_sha: dict[str, tuple[int, str]] = {}
        new_rows: list[tuple[Claimed, ReadParseResult, dict[str, Any]]] = []
        batch_hash: dict[str, int] = {}  # text_hash -> index in new_rows
        batch_by_key: dict[tuple[Any, Any, Any], list[tuple[int, Doc]]] = {}
        stored_docs: dict[int, Doc] = {}  # figures of stored reports, worked out once per batch
        for c, r in sorted(ok_items, key=lambda cr: (cr[0].file.mtime, cr[0].file.name)):
            assert r.parsed is not None and r.text_hash is not None
            dup_reason = None
            dup_file = None
            if c.file.sha256 in prior_by_sha or c.file.sha256 in seen_sha:
                dup_file, dup_name = prior_by_sha.get(c.file.sha256) or seen_sha[c.file.sha256]
                dup_reason = f"same bytes as {dup_name}"
            elif r.text_hash in prior_by_hash:
                dup_reason = f"same content as report #{prior_by_hash[r.text_hash][0]}"
            elif r.text_hash in batch_hash:
                dup_reason = f"same content as {new_rows[batch_hash[r.text_hash]][0].file.name}"
            else:
                m = matches.get(c.file_id)
                key = (
                    (m.adcode, m.department_type, r.parsed.value("fiscal_year"))
                    if m and m.status == "matched"
                    else None
                )
                if key is not None:
                    pool: list[tuple[int, Doc]] = []
                    for g in groups.get(key, []):
                        if g.report_id > 0:
                            if g.report_id not in stored_docs:
                                stored_docs[g.report_id] = Doc.of(g.text or "")
                            pool.append((g.report_id, stored_docs[g.report_id]))
                    pool += batch_by_key.get(key, [])
                    near = find_near_duplicate(_doc(r), pool)
                    if near is not None:
                        dup_reason = (
                            f"near-identical text to report #{near}"
                            if near > 0
                            else f"near-identical text to {new_rows[-near - 1][0].file.name}"
                        )
            if dup_reason:
                seen_sha.setdefault(c.file.sha256, (c.file_id, c.file.name))
                file_updates.append(
                    {
                        "id": c.file_id,
                        "status": "duplicate",
                        "reason": dup_reason,
                        "format": r.format,
                        "encoding": r.encoding,
                        "text_hash": r.text_hash,
                        "processed_at": now,
                        "run_id": run_id,
                        "duplicate_of_file_id": dup_file,
                    }
                )
                out.outcomes.append(FileOutcome(c.file_id, c.file.name, "duplicate", dup_reason))
                continue
            seen_sha[c.file.sha256] = (c.file_id, c.file.name)
            m = matches.get(c.file_id)
            row = report_row(r.parsed, m)
            row.update(text_hash=r.text_hash, text=r.text, run_id=run_id, is_current=True, created_at=now)
            row["_key"] = (
                (m.adcode, m.department_type, row["fiscal_year"]) if m and m.status == "matched" else None
            )
            batch_hash[r.text_hash] = len(new_rows)
            if row["_key"] is not None:
                # Near-duplicate candidates are blocked by (unit, year): the pool stays small.
                batch_by_key.setdefault(row["_key"], []).append((-(len(new_rows) + 1), _doc(r)))
            new_rows.append((c, r, row))

        # Insert the new reports with Core's executemany, then read their ids back by text_hash (unique). RETURNING
        # in parameter order made SQLite insert row by row and splice the results quadratically: 2 s of
        # a 3,000-report load, growing with the square of the batch.
        report_ids: list[int] = []
        if new_rows:
            params = [{k: v for k, v in row.items() if not k.startswith("_")} for _, _, row in new_rows]
            session.execute(Report.__table__.insert(), params)
            id_of: dict[str, int] = {}
            new_hashes = [row["text_hash"] for _, _, row in new_rows]
            for i in range(0, len(new_hashes), _IN_CHUNK):
                for rid, th in session.execute(
                    select(Report.id, Report.text_hash).where(
                        col(Report.text_hash).in_(new_hashes[i : i + _IN_CHUNK])
                    )
                ):
                    id_of[th] = rid
            report_ids = [id_of[h] for h in new_hashes]

        # Supersession: the newer version of a (unit, year) becomes current.
        superseded: dict[int, int] = {}  # old report id -> new report id
        final_current: dict[tuple[Any, Any, Any], tuple[int, str | None]] = {}
        for key, existing in groups.items():
            for g in existing:
                final_current.setdefault(key, (g.report_id, g.report_date))
        for rid, (_, _, row) in zip(report_ids, new_rows, strict=True):
            key = row["_key"]
            if key is None:
                continue
            if key not in final_current:
                final_current[key] = (rid, row["report_date"])
                continue
            cur_id, cur_date = final_current[key]
            if _newer(row["report_date"], cur_date):
                superseded[cur_id] = rid
                final_current[key] = (rid, row["report_date"])
            else:
                superseded[rid] = cur_id
        if superseded:
            session.execute(
                update(Report),
                [{"id": old, "is_current": False, "superseded_by": new} for old, new in superseded.items()],
            )

        for old, new in superseded.items():
            _merge_documents(session, old, new)  # a unit-year's 自评表 and 报告 are one report
        replaced_by_new: dict[int, list[int]] = {}
        for old, new in superseded.items():
            replaced_by_new.setdefault(new, []).append(old)
        fields: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        for rid, (c, r, row) in zip(report_ids, new_rows, strict=True):
            parsed = r.parsed
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
            for p in parsed.project_lines:
                lines.append(
                    {"report_id": rid, "seq": p.seq, "name": p.name, "amount": p.amount, "score": p.score}
                )
            m = matches.get(c.file_id)
            if m is None or m.status != "matched":
                reviews.append(
                    {
                        "report_id": rid,
                        "spelling": m.spelling if m else None,
                        "evidence": m.evidence if m else None,
                        "read_from": describe_source(parsed.name_sources, m.spelling if m else None),
                        "reason": (m.reason or None) if m else "not matched",
                        "status": "pending",
                        "created_at": now,
                        "candidates": json.dumps(
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
                            else [],
                            ensure_ascii=False,
                        ),
                    }
                )
            file_updates.append(
                {
                    "id": c.file_id,
                    "status": "loaded",
                    "reason": None,
                    "format": r.format,
                    "encoding": r.encoding,
                    "text_hash": r.text_hash,
                    "processed_at": now,
                    "run_id": run_id,
                    "report_id": rid,
                }
            )
            out.outcomes.append(
                FileOutcome(
                    c.file_id,
                    c.file.name,
                    "loaded",
                    None,
                    rid,
                    _display_name(matches.get(c.file_id), row["unit_name"]),
                    row["unit_adcode"],
                    row["fiscal_year"],
                    tuple(replaced_by_new.get(rid, ())),
                )
            )
        # The evidence rows (about 25 per report) go through Core's executemany: the ORM's bulk insert
        # spent 5 s on them per 3,000 reports building per-row insert commands.
        if fields:
            session.execute(ReportField.__table__.insert(), fields)
        if lines:
            session.execute(ProjectLine.__table__.insert(), lines)
        if reviews:
            session.execute(insert(ReviewItem), reviews)
            out.review_items = len(reviews)
        if file_updates:
            _bulk_update_files(session, file_updates)
        session.commit()
    return out


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


# ---------------------------------------------------------------------------------------------- runs, dq


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


# ---------------------------------------------------------------------------------------------- queries


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


def unit_name_of(unit: Unit | None, department_type: str | None, written: str | None) -> str | None:
    """The canonical name of a stored unit of ``department_type`` (香河县 + 妇联 → 香河县妇女联合会)."""
    if unit is None:
        return written
    dtype = load_departments().by_key.get(department_type or KEXIE)
    return dtype.name_at(unit.division, unit.level) if dtype is not None else unit.name


class UnknownDepartmentType(ValueError):
    """A department type that is not in the vocabulary; the message lists the known ones."""


def resolve_department_type(word: str) -> str:
    """妇联, 妇女联合会 or 县妇联 → 妇联; an unknown word raises ``UnknownDepartmentType``."""
    deps = load_departments()
    key = deps.resolve_key(word)
    if key is None:
        raise UnknownDepartmentType(
            f"unknown department type {word!r}; known types: {', '.join(t.key for t in deps.types)}"
        )
    return key


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


def pending_reviews(engine: Engine) -> list[dict[str, Any]]:
    """The review queue: each item with where its name was read, why it was not accepted, and the
    candidates with their province, city and county."""
    with Session(engine) as session:
        stmt = (
            select(ReviewItem, Report.unit_name, Report.fiscal_year, Report.department_type)
            .join(Report, col(ReviewItem.report_id) == col(Report.id))
            .where(col(ReviewItem.status) == "pending")
            .order_by(col(ReviewItem.id))
        )
        rows = session.execute(stmt).all()
        cands = {id(item): json.loads(item.candidates or "[]") for item, *_ in rows}
        codes = {c["adcode"] for cs in cands.values() for c in cs}
        units = (
            {u.adcode: u for u in session.exec(select(Unit).where(col(Unit.adcode).in_(codes))).scalars()}
            if codes
            else {}
        )
        out = []
        for item, unit, year, dtype in rows:
            for c in cands[id(item)]:
                u = units.get(c["adcode"])
                c.setdefault("department_type", KEXIE)
                c.update(
                    province=u.province if u else None,
                    city=u.city if u else None,
                    county=u.county if u else None,
                )
            out.append(
                {
                    "id": item.id,
                    "report_id": item.report_id,
                    "spelling": item.spelling,
                    "unit_name": unit,
                    "department_type": dtype,
                    "fiscal_year": year,
                    "read_from": item.read_from,
                    "reason": item.reason,
                    "evidence": item.evidence,
                    "candidates": cands[id(item)],
                }
            )
        return out


_GENERIC_SPELLING = re.compile(r"^[省市县区旗州]?(?:科协|科学技术协会)$")


def learnable(spelling: str | None) -> bool:
    """A spelling names one unit only if it carries a place: 县科协 or 县妇联 could be any county's."""
    if not spelling or len(spelling) <= 3 or _GENERIC_SPELLING.match(spelling):
        return False
    return load_departments().resolve_key(spelling) is None


class ReviewError(ValueError):
    """A review decision that cannot be applied; the message says why."""


def decide_review(
    engine: Engine,
    item_id: int,
    accept: bool,
    adcode: str | None = None,
    department_type: str | None = None,
) -> dict[str, Any]:
    """Accept (attach the report to a unit; the spelling becomes an alias) or reject (not a registry unit).

    The unit's type is ``department_type`` when given (abbreviations resolved), else the accepted
    candidate's, else the one the report's own name states.
    """
    if department_type is not None:
        try:
            department_type = resolve_department_type(department_type)
        except UnknownDepartmentType as exc:
            raise ReviewError(str(exc)) from exc
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        if item is None:
            raise ReviewError(f"no review item #{item_id}; `jixiao review` lists the pending ones")
        if item.status != "pending":
            raise ReviewError(f"review item #{item_id} was already {item.status}")
        report = session.get(Report, item.report_id)
        assert report is not None
        dtype: str | None = None
        if accept:
            cands = json.loads(item.candidates or "[]")
            if adcode is None:
                if not cands:
                    raise ReviewError(f"review item #{item_id} has no candidate: give the ADCODE to accept")
                adcode = cands[0]["adcode"]
            unit = session.get(Unit, adcode)
            if unit is None:
                raise ReviewError(f"unknown adcode {adcode}; find it with `jixiao units search NAME`")
            # The type given; else the accepted candidate's; else the one the report's own name states.
            dtype = (
                department_type
                or next((c.get("department_type", KEXIE) for c in cands if c["adcode"] == adcode), None)
                or report.department_type
            )
            if dtype is None:
                raise ReviewError(
                    f"review item #{item_id}: the report names no department; give its type, "
                    "e.g. `jixiao review accept ID ADCODE --type 妇联`"
                )
            report.unit_adcode = adcode
            report.department_type = dtype
            report.match_status = "matched"
            report.match_method = "review"
            # The accepted report joins its (unit, type, year) group: the newest there stays current.
            others = (
                session.exec(
                    select(Report).where(
                        col(Report.unit_adcode) == adcode,
                        col(Report.department_type) == dtype,
                        col(Report.fiscal_year) == report.fiscal_year,
                        col(Report.is_current),
                        col(Report.id) != report.id,
                    )
                )
                .scalars()
                .all()
            )
            for other in others:
                if _newer(report.report_date, other.report_date):
                    other.is_current, other.superseded_by = False, report.id
                    session.add(other)
                else:
                    report.is_current, report.superseded_by = False, other.id
            item.status, item.adcode = "accepted", adcode
        else:
            item.status = "rejected"
            report.match_status = "unmatched"
            report.match_method = "review"
        item.decided_at = utcnow()
        if learnable(item.spelling):
            alias = session.exec(select(UnitAlias).where(col(UnitAlias.spelling) == item.spelling)).scalar()
            if alias is None:
                alias = UnitAlias(
                    spelling=str(item.spelling), adcode=adcode if accept else None, department_type=dtype
                )
            else:
                alias.adcode, alias.department_type = (adcode if accept else None), dtype
            session.add(alias)
        session.add(report)
        session.add(item)
        session.commit()
        return {
            "id": item_id,
            "status": item.status,
            "adcode": adcode,
            "department_type": dtype,
            "spelling": item.spelling,
        }


def unit_by_adcode(engine: Engine, adcode: str) -> dict[str, Any] | None:
    with Session(engine) as session:
        u = session.get(Unit, adcode)
        if u is None:
            return None
        by_type = {
            dtype or "?": int(n)
            for dtype, n in session.execute(
                select(Report.department_type, func.count())
                .where(and_(col(Report.unit_adcode) == adcode))
                .group_by(col(Report.department_type))
            )
        }
        # The division's units of every type share its adcode: the reports are counted per type.
        return {
            **u.model_dump(),
            "reports": sum(by_type.values()),
            "reports_by_type": ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())),
        }
