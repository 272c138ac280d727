"""The inbox watcher as a service: each complete batch of new files becomes one ingest flow run.

Standalone (`jixiao watch`) the flow runs in this process. Under `jixiao serve` the watcher asks the Prefect
API for a run of the served `ingest/on-demand` deployment instead, so watcher-triggered runs appear in the UI
next to the nightly ones and execute in the served runner.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from jixiao.config import get_settings
from jixiao.watch import watch_inbox, watch_lock

log = logging.getLogger("jixiao.watcher")
ON_DEMAND = "ingest/on-demand"


def ingest_in_process(paths: list[Path], home: str, database_url: str | None) -> dict[str, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(paths=[str(p) for p in paths], home=home, database_url=database_url)


def trigger_deployment(paths: list[Path], home: str, database_url: str | None) -> str:
    from prefect.deployments import run_deployment

    run = run_deployment(
        ON_DEMAND,
        parameters={"paths": [str(p) for p in paths], "home": home, "database_url": database_url},
        timeout=0,  # do not wait: the served runner executes it
        as_subflow=False,
    )
    return str(run.id)


def run_watcher(
    home: str | None = None,
    database_url: str | None = None,
    *,
    via_deployment: bool = False,
    stop_event: threading.Event | None = None,
    debounce_s: float = 1.0,
    stable_s: float | None = None,
) -> None:
    """Watch the inbox until ``stop_event`` is set; holds the home's watcher lock (one watcher per inbox)."""
    settings = get_settings(home=home, database_url=database_url)
    settings.ensure_dirs()
    home_s = str(settings.home)

    def on_batch(paths: list[Path]) -> None:
        log.info("batch of %d file(s)", len(paths))
        if via_deployment:
            trigger_deployment(paths, home_s, settings.database_url)
        else:
            summary = ingest_in_process(paths, home_s, settings.database_url)
            log.info("run %s: %s", summary.get("run_id"), summary.get("by_status"))

    with watch_lock(settings.home):
        watch_inbox(
            settings.inbox,
            on_batch,
            stop_event=stop_event,
            debounce_s=debounce_s,
            stable_s=settings.quiet_s if stable_s is None else stable_s,
        )
