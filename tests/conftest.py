"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real Prefect API."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

PG_ADMIN_URL = os.environ.get("JIXIAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of the local PostgreSQL; unreachable is a failure."""
    from sqlalchemy import text

    try:
        with _pg_admin_engine().connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        # Never a skip: a suite that silently drops its PostgreSQL half proves nothing about production.
        pytest.fail(
            f"PostgreSQL at {PG_ADMIN_URL} is unreachable{' in CI' if IN_CI else ''}: {exc}. "
            "Start it, or point JIXIAO_TEST_PG at a server (trust auth, a database you may create databases from)."
        )
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import text

    name = f"jixiao_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from jixiao.db.engine import _engine

    _engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A real, temporary Prefect API (server + database) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    # Generous: on the shared 2-core machine under load the server has taken over 60 s to start.
    with prefect_test_harness(server_startup_timeout=240):
        yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    for sub in ("inbox", "archive", "quarantine"):
        (h / sub).mkdir(parents=True)
    return h
