"""The `nightly` deployment that `jixiao serve` registers really gets scheduled runs from Prefect's scheduler.

A real `prefect server start` (its own PREFECT_HOME, a free port) and a real `jixiao serve` process; the test reads
the flow runs back with the Prefect client. Prefect 3.8.8's scheduler service could not insert runs on SQLAlchemy
2.1 ("Can't evaluate bulk DML statement"), so no nightly run was ever created: this test fails on that pin.

The expected start times are computed here with zoneinfo from the cron's fields (02:00 every day, Asia/Shanghai),
not with Prefect's or croniter's own code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterDeploymentId,
)
from prefect.client.schemas.objects import FlowRun
from prefect.client.schemas.responses import DeploymentResponse
from prefect.client.schemas.sorting import DeploymentSort, FlowRunSort
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.deployments.prefect_server import Operator, free_port, wait_for

SCHEDULER_MIN_RUNS = 3  # Prefect's default PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS


@dataclass(frozen=True)
class Served:
    """What the test reads back: both deployments, the runs of each, and the server's log."""

    deployments: dict[str, DeploymentResponse]
    runs: dict[str, list[FlowRun]]
    server_log: Path
    started: datetime


async def _read(api: str) -> tuple[dict[str, DeploymentResponse], dict[str, list[FlowRun]]]:
    with temporary_settings({PREFECT_API_URL: api}):
        async with get_client() as client:
            found = await client.read_deployments(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["nightly", "on-demand"])),
                limit=10,
                sort=DeploymentSort.NAME_ASC,
            )
            deployments = {d.name: d for d in found}
            runs = {
                name: await client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(any_=[d.id])),
                    limit=200,
                    sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                )
                for name, d in deployments.items()
            }
    return deployments, runs


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`prefect server start` + `jixiao serve` in a fresh folder, until the nightly deployment has its runs."""
    op = Operator(
        tmp_path_factory.mktemp("nightly"), free_port(), PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5"
    )
    api, logs = op.api(), op.logs
    try:
        op.start_server(90)
        started = datetime.now(UTC)
        op.start("jixiao-serve", ["jixiao", "serve"], PREFECT_API_URL=api)
        wait_for("both deployments", lambda: len(asyncio.run(_read(api))[0]) == 2, 60, logs, poll_s=1)

        def nightly_scheduled() -> tuple[dict[str, DeploymentResponse], dict[str, list[FlowRun]]] | None:
            deployments, runs = asyncio.run(_read(api))
            return (deployments, runs) if len(runs["nightly"]) >= SCHEDULER_MIN_RUNS else None

        deployments, runs = wait_for(
            f"{SCHEDULER_MIN_RUNS} runs of ingest/nightly", nightly_scheduled, 45, logs, poll_s=1
        )
        yield Served(deployments, runs, logs[0], started)
    finally:
        op.stop_all()


def daily_at(hour: int, minute: int, tz: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` wall-clock times hour:minute in `tz` strictly after `after`, in UTC."""
    zone = ZoneInfo(tz)
    local = after.astimezone(zone)
    first = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if first <= local:
        first += timedelta(days=1)
    days = [first.date() + timedelta(days=n) for n in range(count)]
    return [datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone).astimezone(UTC) for d in days]


def nightly_times(served: Served) -> list[datetime]:
    return [r.expected_start_time.astimezone(UTC) for r in served.runs["nightly"] if r.expected_start_time]


@pytest.mark.slow
def test_nightly_deployment_carries_the_cron_and_timezone(served: Served) -> None:
    (schedule,) = served.deployments["nightly"].schedules
    assert schedule.active
    assert (getattr(schedule.schedule, "cron", None), getattr(schedule.schedule, "timezone", None)) == (
        "0 2 * * *",
        "Asia/Shanghai",
    )
    assert served.deployments["on-demand"].schedules == []


@pytest.mark.slow
def test_scheduler_creates_scheduled_nightly_runs(served: Served) -> None:
    runs = served.runs["nightly"]
    assert len(runs) >= SCHEDULER_MIN_RUNS
    assert {(r.state_type.value if r.state_type else None) for r in runs} == {"SCHEDULED"}
    assert "Can't evaluate bulk DML statement" not in served.server_log.read_text(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("hour", "tz", "matches"),
    [
        pytest.param(2, "Asia/Shanghai", True, id="runs-at-02:00-asia-shanghai"),
        pytest.param(2, "UTC", False, id="runs-not-at-02:00-utc-so-the-timezone-is-applied"),
        pytest.param(3, "Asia/Shanghai", False, id="runs-not-at-03:00-asia-shanghai"),
    ],
)
def test_nightly_runs_fall_on_the_cron_times(served: Served, hour: int, tz: str, matches: bool) -> None:
    times = nightly_times(served)
    expected = daily_at(hour, 0, tz, after=served.started, count=len(times))
    assert (times == expected) is matches, (times, expected)


@pytest.mark.slow
def test_on_demand_deployment_gets_no_scheduled_runs(served: Served) -> None:
    assert served.runs["on-demand"] == []
