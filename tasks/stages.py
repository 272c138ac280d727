"""One task per pipeline stage, each over the whole batch.

A task per report would cost ~25-33 ms of Prefect bookkeeping each (measured on the local server), more
than the work itself, so stages take the batch and parallelism happens inside read_parse.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.exc import OperationalError

from jixiao import filing, pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.errors import DatabaseUnavailable
from jixiao.quality import CheckOutcome
from jixiao.read import ReadLimits
from jixiao.units.match import Matcher, MatchResult
from jixiao.units.registry import load_registry

TRANSIENT = (DatabaseUnavailable, OperationalError)


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only when the database was locked or unreachable; bad input is never retried."""
    try:
        state.result()
    except TRANSIENT:
        return True
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


@cpu_task
def describe_files(paths: Sequence[Path], inbox: Path) -> list[pipeline.InboxFile]:
    out = []
    for p in paths:
        try:
            out.append(pipeline.describe(p, inbox))
        except FileNotFoundError:
            get_run_logger().info("%s disappeared before it was claimed (another run took it)", p.name)
    return out


@db_task
def claim(
    db_url: str, files: Sequence[pipeline.InboxFile], run_id: str
) -> tuple[list[repo.Claimed], list[repo.AlreadyDone]]:
    claimed, done = repo.claim_files(get_engine(db_url), files, run_id)
    get_run_logger().info("claimed %d file(s); %d already processed earlier", len(claimed), len(done))
    return claimed, done


@cpu_task
def read_parse(
    claimed: Sequence[repo.Claimed], limits: ReadLimits, workers: int
) -> list[pipeline.ReadParseResult]:
    refused = {c.file_id: c.file.refused for c in claimed if c.file.refused}
    readable = [(c.file_id, str(c.file.path)) for c in claimed if c.file_id not in refused]
    parsed = {r.file_id: r for r in pipeline.read_and_parse_many(readable, limits, workers)}
    results = [
        parsed.get(c.file_id) or pipeline.ReadParseResult(c.file_id, refused[c.file_id]) for c in claimed
    ]
    bad = sum(1 for r in results if not r.ok)
    get_run_logger().info(
        "read and parsed %d file(s) with %s worker(s); %d unreadable", len(results), workers or "auto", bad
    )
    return results


@db_task
def match(
    db_url: str, results: Sequence[pipeline.ReadParseResult], auto: float, review: float
) -> dict[int, MatchResult]:
    matcher = Matcher(load_registry(), repo.learned_aliases(get_engine(db_url)), auto=auto, review=review)
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
    stored = []
    for d in done:
        if os.path.lexists(d.file.path):
            where = filing.file_away(
                d.file.path, d.status, d.reason, d.file.sha256, archive, quarantine, known=d.stored_path
            )
            if str(where) != d.stored_path:
                stored.append((d.file_id, str(where)))
    repo.mark_stored(get_engine(db_url), stored)
    return len(done)
