"""Claiming inbox files for a run: exactly once across processes and hosts, by the database's unique key."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from jixiao.db.models import TERMINAL_STATUSES, SourceFile, utcnow
from jixiao.pipeline import InboxFile

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
    stored_path: str | None = None  # where the first delivery was filed: a re-delivery is not stored twice


def _insert_ignore(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def _claim_row(f: InboxFile, me: str, run_id: str, now: Any) -> dict[str, Any]:
    return {
        "path": str(f.path),
        "name": f.name,
        "size": f.size,
        "sha256": f.sha256,
        "format": f.path.suffix.lower().lstrip(".") or None,
        "status": "claimed",
        "received_at": now,
        "claimed_at": now,
        "claimed_by": me,
        "run_id": run_id,
    }


def _settle_lost(
    session: Session,
    by_key: dict[tuple[str, str], InboxFile],
    lost: list[tuple[str, str]],
    me: str,
    run_id: str,
) -> tuple[list[Claimed], list[AlreadyDone]]:
    """Files whose row exists: already done, still held by a live run, or taken over from a dead one."""
    claimed: list[Claimed] = []
    done: list[AlreadyDone] = []
    wanted = set(lost)
    existing = session.exec(
        select(SourceFile).where(col(SourceFile.sha256).in_({sha for sha, _ in lost}))
    ).scalars()
    for row in existing:
        key = (row.sha256, row.path)
        if key not in wanted:
            continue
        f = by_key[key]
        if row.status in TERMINAL_STATUSES:
            done.append(AlreadyDone(f, row.status, int(row.id), row.reason, row.stored_path))
        elif row.claimed_by != me and _claim_is_stale(row):
            took = session.execute(
                update(SourceFile)
                .where(col(SourceFile.id) == row.id, col(SourceFile.claimed_by) == row.claimed_by)
                .values(claimed_by=me, claimed_at=utcnow(), run_id=run_id)
            )
            if took.rowcount == 1:
                claimed.append(Claimed(int(row.id), f))
    return claimed, done


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
    # One statement, its rows passed as parameters: SQLAlchemy batches them into multi-row INSERTs itself
    # ("insertmanyvalues") instead of compiling a statement with 500 rows of literal bind names each chunk.
    stmt = (
        _insert_ignore(engine)(SourceFile)
        .on_conflict_do_nothing(index_elements=["sha256", "path"])
        .returning(SourceFile.id, SourceFile.sha256, SourceFile.path)
    )
    by_key = {(f.sha256, str(f.path)): f for f in files}
    with Session(engine) as session:
        keys = list(by_key)
        for start in range(0, len(keys), CLAIM_CHUNK):
            chunk = keys[start : start + CLAIM_CHUNK]
            rows = [_claim_row(by_key[key], me, run_id, now) for key in chunk]
            won = {(sha, path): int(fid) for fid, sha, path in session.execute(stmt, rows)}
            claimed += [Claimed(fid, by_key[key]) for key, fid in won.items()]
            lost = [key for key in chunk if key not in won]
            if not lost:
                continue
            c, d = _settle_lost(session, by_key, lost, me, run_id)
            claimed += c
            done += d
        # One commit for the batch: a racing run waits on the unique key, then sees the rows as taken.
        session.commit()
    order = {key: i for i, key in enumerate(by_key)}
    claimed.sort(key=lambda c: order[(c.file.sha256, str(c.file.path))])
    return claimed, done
