"""One task per pipeline stage, each over the whole batch.

A task per report would cost ~25-33 ms of Prefect bookkeeping each (measured on the local server), more
than the work itself, so stages take the batch and parallelism happens inside read_parse.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.exc import OperationalError

from jixiao import filing, pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.errors import DatabaseUnavailable
from jixiao.fsutil import is_disk_full
from jixiao.proclife import owner_alive, owner_tag
from jixiao.quality import CheckOutcome
from jixiao.refile import refile_done
from jixiao.runsummary import RunSummary
from jixiao.status import RunState
from jixiao.stream import take
from jixiao.units.match import Matcher, MatchResult
from jixiao.units.registry import load_registry
from jixiao.watch import open_for_writing

TRANSIENT = (DatabaseUnavailable, OperationalError)


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only when the database was locked or unreachable; bad input is never retried."""
    try:
        state.result()
    except TRANSIENT as exc:
        return not is_disk_full(exc)  # a full disk stays full: retrying only delays the message
    except Exception:
        return False
    return False


db_task = task(
    retries=3, retry_delay_seconds=[1, 4, 10], retry_condition_fn=_transient, cache_policy=NO_CACHE
)
cpu_task = task(cache_policy=NO_CACHE)


@db_task
def prepare_database(db_url: str) -> int:
    engine = get_engine(db_url)
    n = repo.sync_registry(engine, load_registry())
    fixed = repo.repair(engine)  # one current report per (unit, year); unchecked reports become findings
    if fixed.changed:
        get_run_logger().warning("repaired the database at run start: %s", fixed)
    return n


def _signature(p: Path) -> tuple[int, float] | None:
    try:
        st = p.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime


def wait_until_quiet(paths: Sequence[Path], quiet_s: float, max_wait_s: float) -> set[Path]:
    """Wait until files written less than ``quiet_s`` ago stop changing; the ones still changing after
    ``max_wait_s`` are returned (they are left in the inbox for the next run)."""
    if quiet_s <= 0:
        return set()
    deadline = time.monotonic() + max_wait_s
    last: dict[Path, tuple[int, float] | None] = {}
    while True:
        now = time.time()
        busy = set()
        for p in paths:
            if p.is_symlink():
                continue
            sig = _signature(p)
            if sig is not None and (now - sig[1] < quiet_s or last.get(p, sig) != sig):
                busy.add(p)
            last[p] = sig
        # Quiet is not enough: a writer that pauses still holds its file open for writing.
        busy |= open_for_writing([p for p in paths if p not in busy and not p.is_symlink()])
        if not busy or time.monotonic() >= deadline:
            return busy
        time.sleep(min(0.5, quiet_s / 2))


@cpu_task
def describe_files(paths: Sequence[Path], inbox: Path, quiet_s: float = 0.0) -> list[pipeline.InboxFile]:
    """Hash the files once they are complete (size and mtime unchanged for ``quiet_s`` seconds)."""
    busy = wait_until_quiet(paths, quiet_s, max_wait_s=max(10 * quiet_s, 5.0))
    out = []
    for p in paths:
        if p in busy:
            get_run_logger().warning("%s is still being written: left in the inbox for the next run", p.name)
            continue
        try:
            out.append(pipeline.describe(p, inbox))
        except FileNotFoundError:
            get_run_logger().info("%s disappeared before it was claimed (another run took it)", p.name)
    return out


@db_task
def open_run(db_url: str, run_id: str, flow_run_id: str | None, n_files: int) -> None:
    """Record the run as running, with the process that owns it (so a later run can tell it was killed)."""
    engine = get_engine(db_url)
    repo.start_run(engine, run_id, flow_run_id, n_files)
    close_run.fn(db_url, run_id, RunState.RUNNING, None, finished=False)


@db_task
def close_run(db_url: str, run_id: str, state: str, error: str | None, finished: bool = True) -> None:
    repo.mark_run(get_engine(db_url), run_id, state, error, owner_tag(), finished)


@db_task
def finish_run(db_url: str, summary: RunSummary) -> None:
    """Close the run with its summary."""
    repo.finish_run(get_engine(db_url), summary)


@db_task
def close_stale_runs(db_url: str, run_id: str) -> int:
    """Runs left open by a killed process are closed as "Killed" (their files are taken over by claim)."""
    closed = repo.close_stale_runs(get_engine(db_url), run_id, repo.CLAIM_LEASE, owner_alive)
    if closed:
        get_run_logger().warning("closed %d run(s) left open by a killed process", closed)
    return closed


@db_task
def claim(
    db_url: str, files: Sequence[pipeline.InboxFile], run_id: str
) -> tuple[list[repo.Claimed], list[repo.AlreadyDone]]:
    claimed, done = repo.claim_files(get_engine(db_url), files, run_id)
    get_run_logger().info("claimed %d file(s); %d already processed earlier", len(claimed), len(done))
    return claimed, done


@cpu_task
def read_parse(results: Iterator[pipeline.ReadParseResult], n: int) -> list[pipeline.ReadParseResult]:
    """The next chunk of the run's read+parse stream (``stream.read_parse_stream``)."""
    chunk = take(results, n)
    bad = sum(1 for r in chunk if not r.ok)
    get_run_logger().info("read and parsed %d file(s); %d unreadable", len(chunk), bad)
    return chunk


@db_task
def matcher(db_url: str, auto: float, review: float) -> Matcher:
    """The run's matcher: the registry and the spellings learned in review."""
    return Matcher(load_registry(), repo.learned_aliases(get_engine(db_url)), auto=auto, review=review)


@cpu_task
def match(matcher: Matcher, results: Sequence[pipeline.ReadParseResult]) -> dict[int, MatchResult]:
    return pipeline.match_many(results, matcher)


@db_task
def load(
    db_url: str,
    run_id: str,
    pairs: Sequence[tuple[repo.Claimed, pipeline.ReadParseResult]],
    matches: dict[int, MatchResult],
    checks: Sequence[CheckOutcome] | None = None,
) -> repo.LoadResult:
    return repo.load_batch(get_engine(db_url), run_id, pairs, matches, checks)


@db_task
def file_away(
    db_url: str,
    claimed: Sequence[repo.Claimed],
    outcomes: Sequence[repo.FileOutcome],
    archive: Path,
    quarantine: Path,
) -> int:
    by_id = {c.file_id: c.file for c in claimed}
    stored = []
    for o in outcomes:
        f = by_id[o.file_id]
        if os.path.lexists(f.path):
            stored.append(
                (o.file_id, str(filing.file_away(f.path, o.status, o.reason, f.sha256, archive, quarantine)))
            )
    repo.mark_stored(get_engine(db_url), stored)
    return len(stored)


@db_task
def file_away_done(db_url: str, done: Sequence[repo.AlreadyDone], archive: Path, quarantine: Path) -> int:
    """Re-delivered files (or files a crashed run left after recording them) leave the inbox unchanged in the DB:
    a copy identical to the stored one is dropped, not stored twice, and every row gets its stored path."""
    repo.mark_stored(get_engine(db_url), refile_done(done, archive, quarantine))
    return len(done)
