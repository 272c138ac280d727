"""Run bookkeeping in the core: a run's state is stored in its summary, and runs a killed process left open
are closed as Killed by the next run, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.db.models import IngestRun
from jixiao.db.runs import is_stale
from jixiao.proclife import owner_alive, owner_tag
from jixiao.status import RunState

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LEASE = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("alive", "age", "stale"),
    [
        pytest.param(False, timedelta(seconds=1), True, id="owner-gone-is-stale-at-once"),
        pytest.param(True, timedelta(days=3), False, id="owner-alive-is-never-stale"),
        pytest.param(None, LEASE + timedelta(seconds=1), True, id="unknown-owner-stale-after-the-lease"),
        pytest.param(None, LEASE - timedelta(seconds=1), False, id="unknown-owner-young-is-left-alone"),
    ],
)
def test_is_stale(alive: bool | None, age: timedelta, stale: bool) -> None:
    assert is_stale(alive, NOW - age, NOW, LEASE) is stale


def test_a_naive_start_time_is_read_as_utc() -> None:
    naive = (NOW - LEASE - timedelta(minutes=1)).replace(tzinfo=None)
    assert is_stale(None, naive, NOW, LEASE)


@pytest.mark.parametrize(
    ("owner", "alive"),
    [
        pytest.param(owner_tag(), True, id="this-process"),
        pytest.param("another-host.example:1", None, id="another-host-cannot-be-told"),
        pytest.param(None, None, id="no-owner"),
    ],
)
def test_owner_alive(owner: str | None, alive: bool | None) -> None:
    assert owner_alive(owner) is alive


def _summary(engine: object, run_id: str) -> tuple[dict[str, object], datetime | None]:
    with Session(engine) as session:  # type: ignore[arg-type]  # an Engine
        row = session.get(IngestRun, run_id)
        assert row is not None
        return json.loads(row.summary or "{}"), row.finished_at


def test_mark_run_keeps_the_first_line_of_the_error_and_the_first_owner(db_url: str) -> None:
    engine = get_engine(db_url)
    repo.start_run(engine, "r1", None, 3)
    repo.mark_run(engine, "r1", RunState.RUNNING, None, "host:1", finished=False)
    summary, finished = _summary(engine, "r1")
    assert (summary["state"], summary["owner"], finished) == ("running", "host:1", None)
    repo.mark_run(engine, "r1", "Failed", "OperationalError: gone\n  trace line", "host:2")
    summary, finished = _summary(engine, "r1")
    assert (summary["state"], summary["owner"], summary["error"]) == (
        "Failed",
        "host:1",
        "OperationalError: gone",
    )
    assert finished is not None


def test_runs_of_dead_processes_are_closed_as_killed_and_live_ones_kept(db_url: str) -> None:
    engine = get_engine(db_url)
    for run_id, owner in (("dead", "host:dead"), ("live", "host:live")):
        repo.start_run(engine, run_id, None, 1)
        repo.mark_run(engine, run_id, RunState.RUNNING, None, owner, finished=False)
    closed = repo.close_stale_runs(engine, "next", LEASE, lambda owner: owner != "host:dead")
    assert closed == 1
    dead, dead_finished = _summary(engine, "dead")
    live, live_finished = _summary(engine, "live")
    assert (dead["state"], dead["closed_by"], dead_finished is not None) == ("Killed", "next", True)
    assert (live["state"], live_finished) == ("running", None)
    assert (
        repo.close_stale_runs(engine, "again", LEASE, lambda owner: False) == 1
    )  # only the live one was open
