"""Great Expectations state survives processes and never holds the database password.

Each run is a separate `jixiao ingest` process (as in production: every CLI call, every served run), against a
PostgreSQL role with a password. The second process must find the data source the first one wrote; a name that
changes per process (the old ``hash(db_url)``) fails here with "Could not find datasource".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from expectations.runner import make_offline
from tests.support import seed_paths


@pytest.fixture
def pg_url_with_password(pg_server: str) -> Iterator[tuple[str, str]]:
    """A fresh database owned by a fresh role that has a password; (url, password)."""
    suffix = uuid.uuid4().hex[:10]
    role, db, password = f"jixiao_role_{suffix}", f"jixiao_pw_{suffix}", f"pw-{uuid.uuid4().hex}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
        conn.execute(text(f'CREATE DATABASE "{db}" OWNER "{role}"'))
    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{role}:{password}@{host}/{db}", password
    from jixiao.db.engine import _engine

    _engine(f"postgresql+psycopg://{role}:{password}@{host}/{db}").dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def ingest_process(home: Path, db_url: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "JIXIAO_HOME": str(home),
        "JIXIAO_DATABASE_URL": db_url,
        "JIXIAO_WORKERS": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "jixiao_cli.main", "ingest", *map(str, files), "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def files_containing(root: Path, needle: str) -> list[str]:
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and needle.encode() in p.read_bytes():
            hits.append(str(p.relative_to(root)))
    return hits


@pytest.mark.usefixtures("prefect_api")
def test_two_processes_share_the_gx_project_and_no_password_is_written(
    tmp_path: Path, pg_url_with_password: tuple[str, str]
) -> None:
    db_url, password = pg_url_with_password
    home = tmp_path / "home"
    seeds = seed_paths()
    first = ingest_process(home, db_url, seeds[:2])
    assert first.returncode == 0, first.stderr[-3000:]
    second = ingest_process(home, db_url, seeds[2:4])
    assert second.returncode == 0, second.stderr[-3000:]
    for proc in (first, second):
        summary = json.loads(proc.stdout)
        assert summary["by_status"] == {"loaded": 2}
        assert summary["dq_check_errors"] == 0, summary
        assert "Traceback" not in proc.stderr

    (config,) = (home / "gx").rglob("great_expectations.yml")
    gx_yml = config.read_text(encoding="utf-8")
    assert gx_yml.count("jixiao_db:") == 1 and "${JIXIAO_GX_DATABASE_URL}" in gx_yml
    assert files_containing(home, password) == []
    # Validation results carry jixiao's run id, so a Data Docs page can be tied to a run.
    run_ids = {json.loads(p.stdout)["run_id"] for p in (first, second)}
    results = list((home / "gx").rglob("validations/**/*.json"))
    named = {part for p in results for part in p.parts if part in run_ids}
    assert named == run_ids
    pages = list((home / "gx").rglob("data_docs/local_site/**/*.html"))
    assert pages and not [p for p in pages if "https://" in "".join(remote_refs(p))]


def remote_refs(page: Path) -> list[str]:
    import re

    html = page.read_text(encoding="utf-8")
    return re.findall(r"<(?:link|script)\b[^>]*(?:href|src)=[\"'](https?://[^\"']+)", html)


@pytest.mark.parametrize(
    ("html", "remote_left"),
    [
        pytest.param(
            '<head><link rel="stylesheet" href="https://cdn.example/b.css"/>'
            '<script src="https://cdn.example/j.js"></script></head><body>x</body>',
            False,
            id="cdn-tags-removed",
        ),
        pytest.param(
            '<head><link rel="stylesheet" href="local.css"/></head><body><a href="https://doc">d</a></body>',
            False,
            id="local-assets-and-plain-links-kept",
        ),
    ],
)
def test_offline_pages_keep_no_remote_assets(tmp_path: Path, html: str, remote_left: bool) -> None:
    page = tmp_path / "p.html"
    page.write_text(make_offline(html), encoding="utf-8")
    assert bool(remote_refs(page)) is remote_left
    assert 'data-jixiao="offline"' in page.read_text(encoding="utf-8")
    assert make_offline(make_offline(html)) == make_offline(html)
    if "local.css" in html:
        assert "local.css" in page.read_text(encoding="utf-8") and "https://doc" in page.read_text(
            encoding="utf-8"
        )
