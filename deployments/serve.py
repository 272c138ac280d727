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
) -> None:
    """Block serving the deployments; the watcher thread triggers `ingest/on-demand` runs."""
    deployments = build_deployments(home, cron, timezone, database_url)
    if watch:
        threading.Thread(
            target=run_watcher,
            kwargs={"home": home, "database_url": database_url, "via_deployment": True},
            name="jixiao-watcher",
            daemon=True,
        ).start()
    serve(*deployments, limit=2)
