"""Helpers shared by test modules (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "reports"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def exported(engine: Any, current_only: bool = True) -> list[dict[str, Any]]:
    """Reports in the public export schema (``ReportPublic``), as plain dicts."""
    from jixiao.db.queries import ReportFilter, reports

    return [r.model_dump() for r in reports(engine, ReportFilter(current_only=current_only))]


def ingest_argv(home: Path, db_url: str, workers: int = 1, paths: Iterable[Path] = ()) -> list[str]:
    """`jixiao ingest` as its own process (JSON out), the way the concurrency and soak tests start runs."""
    cli = [sys.executable, "-m", "jixiao_cli.main", "ingest", "--home", str(home), "--database-url", db_url]
    return [*cli, "--workers", str(workers), "--format", "json", *(str(p) for p in paths)]


def env_for_api() -> dict[str, str]:
    """The environment of a child command that reports to the Prefect API this test process uses."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "GX_ANALYTICS_ENABLED": "false"}
