"""A run streams its files in chunks (JIXIAO_CHUNK_FILES): the result is the same as one batch, the alert and
the summary are the whole run's, and every file is accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.support import exported, seed, seed_paths


def run(home: Path, db_url: str) -> Any:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(home=str(home), database_url=db_url, workers=2)


def stored(db_url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    from jixiao.db.engine import get_engine

    engine = get_engine(db_url)
    reports = sorted(
        (r["adcode"], r["fiscal_year"], r["is_current"], tuple(sorted(d["check"] for d in r["dq"])))
        for r in exported(engine, current_only=False)
    )
    with engine.connect() as conn:
        files = sorted(tuple(r) for r in conn.execute(text("select name, status from source_file")))
        runs = conn.execute(text("select count(distinct run_id) from dq_result")).scalar_one()
    return reports, files, runs


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("chunk", "chunks"),
    [
        pytest.param(1000, 1, id="one-chunk-one-validation-per-step"),
        pytest.param(2, 4, id="four-chunks-one-validation-per-step-per-chunk"),
    ],
)
def test_chunks_load_what_one_batch_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, chunks: int
) -> None:
    monkeypatch.setenv("JIXIAO_CHUNK_FILES", str(chunk))
    monkeypatch.delenv("JIXIAO_ALERT_URLS", raising=False)
    home = tmp_path / "h"
    (home / "inbox").mkdir(parents=True)
    for p in seed_paths():
        shutil.copy2(p, home / "inbox" / p.name)
    # A copy of a seed under another name (a duplicate, maybe in another chunk), and a file that is no report.
    shutil.copy2(seed("001"), home / "inbox" / "zz-again.txt")
    (home / "inbox" / "菜单.txt").write_text("今天的午饭是面条。" * 5, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    summary = run(home, db_url)
    assert summary.by_status == {"loaded": 5, "duplicate": 1, "quarantined": 1}
    assert len(summary.outcomes) == 7 and summary.claimed == 7
    # seed 002 is dated outside its fiscal year's window: counted once, whatever chunk it was in.
    assert summary.dq_errors == 1 and summary.state == "Completed with DQ errors"
    assert list((home / "inbox").iterdir()) == []
    reports, files, runs = stored(db_url)
    assert runs == 1 and len(reports) == 5 and len(files) == 7
    assert sum(1 for r in reports if "report_date_consistent_with_year" in r[3]) == 1
    # Every chunk has a file that was read: one `read` validation per chunk; the loaded tables once a run.
    assert validations(home, "jixiao_read") == chunks
    assert validations(home, "jixiao_loaded_report") == validations(home, "jixiao_loaded_source_file") == 1


def validations(home: Path, suite: str) -> int:
    return len(list((home / "gx").rglob(f"validations/{suite}/*/*/*.json")))


@pytest.mark.usefixtures("prefect_api")
def test_a_rerun_after_chunks_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CHUNK_FILES", "2")
    home = tmp_path / "h"
    (home / "inbox").mkdir(parents=True)
    for p in seed_paths():
        shutil.copy2(p, home / "inbox" / p.name)
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    run(home, db_url)
    before = stored(db_url)
    for p in seed_paths():
        shutil.copy2(p, home / "inbox" / p.name)
    again = run(home, db_url)
    assert again.already_processed == 5 and again.claimed == 0
    assert stored(db_url) == before
