"""Helpers shared by test modules (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

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
