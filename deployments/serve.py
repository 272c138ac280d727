"""Serve the ingest deployments to a Prefect API: `nightly` (cron, 02:00 Asia/Shanghai by default) and
`on-demand` (no schedule; runs created by the watcher), with the watcher running beside them."""

from __future__ import annotations

import threading
from typing import Any

from prefect import serve
from prefect.schedules import Cron

from deployments.watcher import run_watcher
from flows.ingest import ingest
from jixiao.config import get_settings


def build_deployments(
    home: str | None = None,
    cron: str | None = None,
    timezone: str | None = None,
    database_url: str | None = None,
) -> list[Any]:
    settings = get_settings(home=home, database_url=database_url)
    params = {"home": str(settings.home), "database_url": settings.database_url}
    nightly = ingest.to_deployment(
        name="nightly",
        schedules=[Cron(cron or settings.nightly_cron, timezone=timezone or settings.timezone)],
        parameters=params,
        description="Sweep the inbox every night.",
        tags=["jixiao"],
    )
    on_demand = ingest.to_deployment(
        name="on-demand", parameters=params, description="Runs created by the inbox watcher.", tags=["jixiao"]
    )
    return [nightly, on_demand]


def serve_all(
    home: str | None = None,
    cron: str | None = None,
    timezone: str | None = None,
    database_url: str | None = None,
    *,
    watch: bool = True,
    stop_event: threading.Event | None = None,
) -> None:
    """Block serving the deployments; the watcher triggers `ingest/on-demand` runs.

    Prefect's runner serves from a thread and the watcher runs in the calling (main) thread: Prefect's own
    SIGTERM handler (installed only in the main thread) hangs in Prefect 3.8, so the CLI's handler stays in
    charge and a SIGTERM ends the service and its child processes.
    """
    deployments = build_deployments(home, cron, timezone, database_url)
    runner = threading.Thread(
        target=serve,
        args=deployments,
        kwargs={"limit": 2, "print_starting_message": False, "pause_on_shutdown": False},
        name="prefect-runner",
        daemon=True,
    )
    runner.start()
    if watch:
        run_watcher(home=home, database_url=database_url, via_deployment=True, stop_event=stop_event)
    else:
        runner.join()
