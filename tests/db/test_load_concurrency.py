"""Concurrent loads on one database: the decisions on shared state are serialised by the database's lock.

Real processes load disjoint splits of one set of files at the same moment (a barrier file releases
them together) on the local PostgreSQL and on a SQLite file: each (unit, year) ends with exactly one
current report, the one the currency rule picks for the whole set (as a single sequential load picks
it), and two copies of one text in different batches make one report and one duplicate, not an error.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao import pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.read import ReadLimits
from jixiao.units.match import Matcher
from jixiao.units.registry import load_registry
from tests.support import ROOT, seed

# Versions of two reports: (seed, date line as written in the original, replacement date, revision note).
ORIGINAL_DATE = {"001": "2023年4月17日", "004": "2022年1月9日"}
VERSIONS = [
    ("001", "2023年4月17日", 1),
    ("001", "2023年5月20日", 2),
    ("001", "2023年5月20日", 3),  # same date as the one before: the later file time decides
    ("001", "2023年3月1日", 4),
    ("004", "2022年1月9日", 5),
    ("004", "2022年2月8日", 6),
    ("004", "2021年12月30日", 7),
]
NEWEST = {"001": 3, "004": 6}  # by the rule: latest date, then latest mtime


def make_files(folder: Path) -> dict[str, Path]:
    """The versions, plus a re-encoded copy of each (same text, other bytes), with fixed file times."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i, (s, date, rev) in enumerate(VERSIONS):
        body = seed(s).read_text(encoding="utf-8").replace(ORIGINAL_DATE[s], date)
        body += f"\n附：第{rev}稿修订说明，共修改{rev * 7}处。\n"
        for enc, tag in (("utf-8", "a"), ("gb18030", "b")):
            p = folder / f"v{rev}{tag}.txt"
            p.write_bytes(body.encode(enc))
            os.utime(p, (1_700_000_000 + i * 60, 1_700_000_000 + i * 60))
            out[p.name] = p
    return out


def worker(db_url: str, run_id: str, inbox: str, names: list[str], go: str) -> None:
    """One run: claim and parse its split, wait for the barrier, then load."""
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    folder = Path(inbox)
    files = [pipeline.describe(folder / n, folder) for n in names]
    claimed, _ = repo.claim_files(engine, files, run_id)
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), repo.learned_aliases(engine)))
    while not os.path.exists(go):
        time.sleep(0.01)
    out = repo.load_batch(engine, run_id, list(zip(claimed, results, strict=True)), matches, checks=[])
    print(json.dumps([[o.name, o.status] for o in out.outcomes]))


def run_concurrently(db_url: str, inbox: Path, splits: list[list[str]], tmp: Path) -> list[list[list[str]]]:
    get_engine(db_url)  # migrated once, before the race
    go = tmp / f"go-{random.random()}"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, json; from tests.db.test_load_concurrency import worker; worker(*json.loads(sys.argv[1]))",
                json.dumps([db_url, f"run-{i}", str(inbox), split, str(go)]),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, split in enumerate(splits)
    ]
    time.sleep(0.5)
    deadline = time.monotonic() + 240
    # Release the loads together once every worker has parsed (or after a bounded wait).
    while time.monotonic() < deadline and not _all_claimed(db_url, sum(len(s) for s in splits)):
        time.sleep(0.1)
    time.sleep(2.0)
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-3000:]
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]


def _all_claimed(db_url: str, n: int) -> bool:
    with get_engine(db_url).connect() as conn:
        return bool(conn.execute(text("select count(*) from source_file")).scalar_one() >= n)


def current_by_group(db_url: str) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(
            text(
                "select r.unit_adcode, r.fiscal_year, f.name from report r join source_file f on f.report_id = r.id "
                "where r.is_current"
            )
        )
        for adcode, year, name in rows:
            out.setdefault((adcode, year), []).append(name)
    return out


def revision_of(name: str) -> int:
    return int(name[1:-5])


@pytest.mark.parametrize("split_seed", [pytest.param(1, id="split-1"), pytest.param(2, id="split-2")])
def test_concurrent_loads_end_with_one_current_report_by_the_rule(
    db_url: str, tmp_path: Path, split_seed: int
) -> None:
    inbox = tmp_path / "inbox"
    files = make_files(inbox)
    names = sorted(files)
    random.Random(split_seed).shuffle(names)
    # Each text's two copies go to different runs, so two batches race to insert the same text.
    splits: list[list[str]] = [[], [], []]
    for i, name in enumerate(sorted(names, key=lambda n: (n[:-5], n))):
        splits[(i + split_seed) % 3].append(name)
    outcomes = run_concurrently(db_url, inbox, splits, tmp_path)

    statuses = [s for batch in outcomes for _, s in batch]
    assert sorted(statuses) == ["duplicate"] * len(VERSIONS) + ["loaded"] * len(VERSIONS)
    groups = current_by_group(db_url)
    assert len(groups) == 2
    assert all(len(v) == 1 for v in groups.values()), groups
    assert sorted(revision_of(v[0]) for v in groups.values()) == sorted(NEWEST.values())
    assert repo.repair(get_engine(db_url)).groups_fixed == 0


def test_without_the_lock_the_same_race_leaves_two_current_reports(db_url: str, tmp_path: Path) -> None:
    """The failing case: the plan made from a state read before another batch committed is wrong."""
    from sqlmodel import Session

    from jixiao.db.load import _Writer
    from jixiao.db.state import batch_items, read_existing
    from jixiao.loadplan import plan_load

    inbox = tmp_path / "inbox"
    files = make_files(inbox)
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    batches = []
    for run, names in (("a", ["v1a.txt", "v2a.txt"]), ("b", ["v3a.txt", "v4a.txt"])):
        claimed, _ = repo.claim_files(engine, [pipeline.describe(files[n], inbox) for n in names], run)
        results = pipeline.read_and_parse_many(
            [(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1
        )
        matches = pipeline.match_many(results, Matcher(load_registry(), {}))
        batches.append((run, list(zip(claimed, results, strict=True)), matches))
    # Both plans read the database before either writes: what two unlocked transactions would see.
    plans = []
    with Session(engine) as session:
        for _, pairs, matches in batches:
            items = batch_items(pairs, matches)
            plans.append(plan_load(items, read_existing(session, items)))
    for (run, pairs, matches), plan in zip(batches, plans, strict=True):
        with Session(engine) as session:
            _Writer(session, run, pairs, matches).apply(plan, [])
            session.commit()
    groups = current_by_group(db_url)
    assert [len(v) for v in groups.values()] == [2]
    fixed = repo.repair(engine)
    assert (fixed.groups_fixed, fixed.demoted) == (1, 1)
    assert [revision_of(v[0]) for v in current_by_group(db_url).values()] == [3]
    assert repo.repair(engine).changed is False  # idempotent


def test_repair_fixes_groups_with_several_current_reports(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    files = make_files(inbox)
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    claimed, _ = repo.claim_files(engine, [pipeline.describe(p, inbox) for p in files.values()], "r")
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), {}))
    repo.load_batch(engine, "r", list(zip(claimed, results, strict=True)), matches, checks=[])
    before = current_by_group(db_url)
    with engine.begin() as conn:  # what concurrent runs of older versions left behind
        conn.execute(text("update report set is_current = true, superseded_by = null"))
    assert sorted(len(v) for v in current_by_group(db_url).values()) == [3, 4]
    from typer.testing import CliRunner

    from jixiao_cli.main import app

    shown = CliRunner().invoke(app, ["repair", "--home", str(tmp_path / "home"), "--database-url", db_url])
    assert shown.exit_code == 0, shown.output
    assert (
        "2 (unit, year) group(s) had more than one current report: 5 report(s) no longer current"
        in shown.output
    )
    assert current_by_group(db_url) == before
    assert repo.repair(engine).changed is False
