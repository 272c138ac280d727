"""Issue 17's soak test at its size: three concurrent `jixiao ingest` runs over random splits of a
1,500-file corpus (txt, docx, xlsx, pdf; with revisions and copies), random kill -9s, then one clean rerun.

Real processes, a real Prefect API, a real SQLite file and a real PostgreSQL database. The size is
``JIXIAO_SOAK_FILES`` (default 1,500, the issue's); ``JIXIAO_SOAK_SEED`` picks splits and kill times (a random moment after each victim has claimed files).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao.db.engine import get_engine
from jixiao.read import decode
from jixiao_dev.synth import SynthConfig, generate_corpus
from tests.deployments.test_process_life import descendants, running
from tests.support import ROOT, env_for_api, ingest_argv

SOAK_FILES = int(os.environ.get("JIXIAO_SOAK_FILES", "1500"))
SOAK_SEED = int(os.environ.get("JIXIAO_SOAK_SEED", "17"))
WORKERS = 2  # parse workers per run: three runs, so six workers on the machine at once
# The cheap formats: text-layer PDFs and scans are the slow ones to write and to read.
FORMATS = {"txt": 0.6, "docx": 0.25, "xlsx": 0.1, "pdf": 0.05}


@pytest.fixture(scope="module")
def soak_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """``SOAK_FILES`` files: synthetic reports, plus a tenth revised (one more sentence: a new current
    report for its unit-year) and a tenth re-encoded copies (duplicates by content)."""
    base = tmp_path_factory.mktemp("soak-corpus")
    n_extra = SOAK_FILES // 10
    config = SynthConfig(n=SOAK_FILES - 2 * n_extra, seed=24, formats=FORMATS, violation_rate=0.2)
    files = generate_corpus(base / "synth", config)
    for truth in (base / "synth").glob("*.truth.json"):
        truth.unlink()
    rng = random.Random(SOAK_SEED)
    extra = base / "extra"
    extra.mkdir()
    for i, f in enumerate(rng.sample([f for f in files if f.suffix == ".txt"], 2 * n_extra)):
        body, encoding = decode(f.read_bytes())
        if i % 2:  # the same text in another encoding: a duplicate by content
            other = "utf-16" if encoding != "utf-16" else "utf-8"
            (extra / f"copy-{f.stem}.txt").write_bytes(body.encode(other))
        else:  # a revision: one more sentence with a figure, so not a near-duplicate
            (extra / f"rev-{f.stem}.txt").write_text(body + f"\n附：修订说明第{i}号。\n", encoding="utf-8")
    out = files + sorted(extra.iterdir())
    assert len(out) == SOAK_FILES
    return out


def scalar(db_url: str, sql: str) -> int:
    with get_engine(db_url).connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def processes_of(home: Path) -> list[int]:
    """Live processes whose command line names this home: the runs, their workers, anything they left."""
    mark = str(home).encode()
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if mark in (entry / "cmdline").read_bytes() and running(int(entry.name)):
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def has_claimed(db_url: str, pid: int) -> bool:
    """Whether the run in process ``pid`` has claimed a file yet (a claim is ``host:pid:run``)."""
    with get_engine(db_url).connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM source_file WHERE claimed_by LIKE :tag LIMIT 1"), {"tag": f"%:{pid}:%"}
        ).first()
    return found is not None


def kill_some(procs: list[subprocess.Popen[bytes]], rng: random.Random, db_url: str) -> tuple[int, list[int]]:
    """SIGKILL two of the runs at random moments once each is at work; returns how many kills hit a live
    run, and the processes each killed run had started."""
    victims = sorted(rng.sample(procs, 2), key=lambda _: rng.random())
    hits, family = 0, []
    for victim in victims:
        # A fixed delay from the start missed every run once parsing got faster: wait until the run has
        # claimed files (it is past its imports and at work), then kill it a random moment later.
        deadline = time.monotonic() + 600
        while victim.poll() is None and not has_claimed(db_url, victim.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(rng.uniform(0, 4))
        if victim.poll() is None:
            family += descendants(victim.pid)
            os.kill(victim.pid, signal.SIGKILL)
            hits += 1
    return hits, family


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(3600)
@pytest.mark.usefixtures("prefect_api")
def test_soak_concurrent_runs_with_kills_then_a_clean_rerun(
    tmp_path: Path, soak_corpus: list[Path], db_url: str
) -> None:
    rng = random.Random(SOAK_SEED)
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for f in soak_corpus:
        (inbox / f.name).write_bytes(f.read_bytes())
    names = sorted(p.name for p in inbox.iterdir())
    assert len(names) == SOAK_FILES
    get_engine(db_url)  # migrated before the runs start, so they start on equal terms
    splits: list[list[Path]] = [[], [], []]
    for n in names:
        splits[rng.randrange(3)].append(inbox / n)
    logs = [(tmp_path / f"run-{i}.log").open("wb") for i in range(3)]
    procs = [
        subprocess.Popen(
            ingest_argv(home, db_url, WORKERS, split),
            cwd=ROOT,
            env=env_for_api(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for split, log in zip(splits, logs, strict=True)
    ]
    hits, family = kill_some(procs, rng, db_url)
    for p, log in zip(procs, logs, strict=True):
        p.wait(timeout=3000)
        log.close()
    assert hits >= 1, "every run finished before its kill: nothing was killed"
    for i, p in enumerate(procs):
        assert p.returncode in (0, -signal.SIGKILL), (tmp_path / f"run-{i}.log").read_text()[-3000:]
    # What the killed runs had started (parse workers) is gone with them.
    assert [pid for pid in family if running(pid)] == []

    rerun = subprocess.run(
        ingest_argv(home, db_url, WORKERS),
        cwd=ROOT,
        env=env_for_api(),
        capture_output=True,
        text=True,
        timeout=3000,
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]

    with get_engine(db_url).connect() as conn:
        ledger = [n for (n,) in conn.execute(text("select name from source_file"))]
    assert sorted(ledger) == names  # every file exactly once in the ledger
    assert scalar(db_url, "select count(*) from source_file where status = 'claimed'") == 0
    assert list(inbox.iterdir()) == []
    assert (
        scalar(
            db_url,
            "select count(*) from (select unit_adcode, fiscal_year from report where is_current "
            "and unit_adcode is not null group by unit_adcode, fiscal_year having count(*) > 1) t",
        )
        == 0
    )  # one current report per unit-year
    loaded = scalar(db_url, "select count(*) from report")
    assert loaded >= SOAK_FILES // 2, "most of the corpus should load"
    # Checks recorded for every loaded report, in its load: none unchecked, none found unchecked later
    # (the start-of-run repair turns an unchecked report into a "report_has_checks" finding).
    assert scalar(db_url, "select count(*) from report where dq_recorded_at is null") == 0
    assert scalar(db_url, "select count(*) from dq_result where check_id = 'report_has_checks'") == 0
    assert scalar(db_url, "select count(*) from dq_result where report_id is not null") > 0
    assert scalar(db_url, "select count(*) from source_file where status = 'duplicate'") >= SOAK_FILES // 20
    assert processes_of(home) == []  # no process left behind
