"""Data-quality tasks: one Great Expectations validation per suite per batch, stored results, alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from expectations import runner
from jixiao import alerts
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.quality import CheckOutcome


@task(cache_policy=NO_CACHE)
def validate_step(
    step: str, frame: pd.DataFrame, context_dir: Path, run_id: str, auto: float
) -> list[CheckOutcome]:
    if frame.empty:
        return []
    outcomes = runner.validate(step, frame, context_dir=context_dir, run_id=run_id, auto_threshold=auto)
    failed = [o for o in outcomes if o.status != "pass"]
    get_run_logger().info("suite %s: %d outcome(s), %d not passing", step, len(outcomes), len(failed))
    return outcomes


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 5])
def validate_loaded(db_url: str, context_dir: Path, run_id: str) -> list[CheckOutcome]:
    """The loaded tables' suite over the rows this run wrote."""
    return runner.validate_loaded(db_url, context_dir=context_dir, run_id=run_id, rows_of=run_id)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 4, 10])
def record(db_url: str, run_id: str, outcomes: list[CheckOutcome]) -> int:
    """Store check outcomes of no single file's load (the loaded tables' suite)."""
    return repo.record_dq(get_engine(db_url), run_id, outcomes)


@task(cache_policy=NO_CACHE)
def data_docs(context_dir: Path) -> str | None:
    try:
        return str(runner.build_data_docs(context_dir))
    except Exception as exc:  # Data Docs are a convenience; a failure to render them must not fail the ingest
        get_run_logger().warning("could not build Data Docs: %s", exc)
        return None


@task(cache_policy=NO_CACHE)
def alert(
    urls: list[str],
    outcomes: list[CheckOutcome],
    reports: dict[int, Any],
    run_id: str,
    flow_run_url: str | None,
    include_warnings: bool,
) -> bool | None:
    """Send one digest to the maintainers; never fails the run (delivery is retried inside send_digest)."""
    digest = alerts.render_digest(
        outcomes, reports, run_id=run_id, flow_run_url=flow_run_url, include_warnings=include_warnings
    )
    if digest is None:
        return None
    if not urls:
        get_run_logger().info("data-quality failures found but JIXIAO_ALERT_URLS is empty: no alert sent")
        return None
    ok = alerts.send_digest(urls, *digest)
    if not ok:
        get_run_logger().error("the data-quality alert could not be delivered to %d URL(s)", len(urls))
    return ok
