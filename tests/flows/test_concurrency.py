"""Exactly once under concurrency, and crash safety: real processes, a real PostgreSQL, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao.db.engine import get_engine
from jixiao_dev.synth import SynthConfig, generate_corpus
from tests.support import ROOT, env_for_api, ingest_argv


def corpus(folder: Path, n: int, seed: int) -> list[Path]:
    return generate_corpus(folder, SynthConfig(n=n, seed=seed, formats={"txt": 1.0}, violation_rate=0.0))


def fill_inbox(home: Path, files: list[Path]) -> None:
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for f in files:
        (inbox / f.name).write_bytes(f.read_bytes())


def archived(home: Path) -> int:
    return sum(1 for p in (home / "archive").rglob("*") if p.is_file())


def counts(db_url: str) -> dict[str, int]:
    with get_engine(db_url).connect() as conn:
        return {
            "files": conn.execute(text("select count(*) from source_file")).scalar_one(),
            "distinct_files": conn.execute(text("select count(distinct path) from source_file")).scalar_one(),
            "not_terminal": conn.execute(
                text(
                    "select count(*) from source_file where status not in ('loaded','duplicate','quarantined')"
                )
            ).scalar_one(),
            "loaded": conn.execute(
                text("select count(*) from source_file where status = 'loaded'")
            ).scalar_one(),
            "reports": conn.execute(text("select count(*) from report")).scalar_one(),
            "fields_per_report_max": conn.execute(
                text(
                    "select coalesce(max(n), 0) from (select report_id, name, count(*) as n from report_field "
                    "group by report_id, name) t"
                )
            ).scalar_one(),
        }


@pytest.mark.usefixtures("prefect_api")
def test_two_concurrent_ingests_process_each_file_once(tmp_path: Path, pg_url: str) -> None:
    files = corpus(tmp_path / "corpus", 40, seed=21)
    home = tmp_path / "h"
    fill_inbox(home, files)
    get_engine(pg_url)  # migrate first so both processes start on equal terms
    procs = [
        subprocess.Popen(
            ingest_argv(home, pg_url),
            cwd=ROOT,
            env=env_for_api(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    c = counts(pg_url)
    assert c["files"] == c["distinct_files"] == 40
    assert c["not_terminal"] == 0
    assert c["reports"] == c["loaded"] == 40
    assert c["fields_per_report_max"] == 1
    assert list((home / "inbox").iterdir()) == []
    assert archived(home) == 40


@pytest.mark.usefixtures("prefect_api")
def test_a_run_killed_mid_batch_is_finished_by_the_next(tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 60, seed=22)
    home = tmp_path / "h"
    fill_inbox(home, files)
    db_url = f"sqlite:///{tmp_path / 'k.db'}"
    get_engine(db_url)
    proc = subprocess.Popen(
        ingest_argv(home, db_url),
        cwd=ROOT,
        env=env_for_api(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill once the run has claimed its files, before it can finish.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with get_engine(db_url).connect() as conn:
            if conn.execute(text("select count(*) from source_file")).scalar_one() > 0:
                break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    mid = counts(db_url)
    inbox_left = len(list((home / "inbox").iterdir()))
    assert mid["files"] > 0
    assert inbox_left > 0, "the run finished before it was killed: nothing was tested"
    # Nothing is lost: every file is still in the inbox or recorded and filed.
    assert inbox_left + archived(home) == 60

    rerun = subprocess.run(
        ingest_argv(home, db_url), cwd=ROOT, env=env_for_api(), capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    c = counts(db_url)
    assert c["files"] == c["distinct_files"] == 60
    assert c["not_terminal"] == 0
    assert c["reports"] == c["loaded"] == 60
    assert c["fields_per_report_max"] == 1
    assert list((home / "inbox").iterdir()) == []
    assert archived(home) == 60


def report_checks(db_url: str) -> set[tuple[str, str, str]]:
    """(file name, check, status) of every stored outcome that judges one report."""
    with get_engine(db_url).connect() as conn:
        return {
            (name, check, status)
            for name, check, status in conn.execute(
                text(
                    "select f.name, d.check_id, d.status from dq_result d join report r on r.id = d.report_id "
                    "join source_file f on f.report_id = r.id where d.check_id != 'report_has_checks'"
                )
            )
        }


def unchecked_reports(db_url: str) -> int:
    with get_engine(db_url).connect() as conn:
        return int(
            conn.execute(text("select count(*) from report where dq_recorded_at is null")).scalar_one()
        )


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_api")
def test_checks_survive_a_kill_right_after_the_load(tmp_path: Path, pg_url: str) -> None:
    """Issue 17 B: killed between load and record, the rerun used to report "DQ failures: 0"."""
    files = generate_corpus(
        tmp_path / "corpus", SynthConfig(n=30, seed=23, formats={"txt": 1.0}, violation_rate=0.5)
    )
    clean_home, home = tmp_path / "clean", tmp_path / "h"
    fill_inbox(clean_home, files)
    fill_inbox(home, files)
    clean_db = f"sqlite:///{tmp_path / 'clean.db'}"
    done = subprocess.run(
        ingest_argv(clean_home, clean_db),
        cwd=ROOT,
        env=env_for_api(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected = report_checks(clean_db)
    assert any(status == "fail" for _, _, status in expected), "the corpus has no violations: nothing tested"

    get_engine(pg_url)
    proc = subprocess.Popen(
        ingest_argv(home, pg_url),
        cwd=ROOT,
        env=env_for_api(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        with get_engine(pg_url).connect() as conn:
            if conn.execute(text("select count(*) from report")).scalar_one() > 0:
                break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with get_engine(pg_url).connect() as conn:
        assert conn.execute(text("select count(*) from report")).scalar_one() > 0
        # Killed before the run recorded its table checks: what it loaded already carries its checks.
        assert conn.execute(text("select count(*) from dq_result where suite = 'loaded'")).scalar_one() == 0
    assert unchecked_reports(pg_url) == 0
    assert report_checks(pg_url) == expected

    rerun = subprocess.run(
        ingest_argv(home, pg_url), cwd=ROOT, env=env_for_api(), capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert report_checks(pg_url) == expected
    assert unchecked_reports(pg_url) == 0
