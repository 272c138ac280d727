"""Fixtures for the unit-matching and dedupe tests: the registry, a matcher, the seeds as read."""

from __future__ import annotations

import pytest

from jixiao.read import read_path
from jixiao.units.match import Matcher
from jixiao.units.registry import Registry, load_registry
from tests.support import seed


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def matcher(registry: Registry) -> Matcher:
    return Matcher(registry)


@pytest.fixture(scope="session")
def seed_text() -> dict[str, str]:
    """Normalised text of each seed report, by its three-digit prefix."""
    return {p: read_path(seed(p)).text for p in ("000", "001", "002", "003", "004")}
