"""A small corpus for the read commands, the export and the browser: the five seeds, a corrected version of
one (a later report date supersedes it), and the same unit's previous year carrying hostile markup.

Loaded through the real ``jixiao ingest`` (real Prefect API, real GX) into SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT, seed

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
LINZE = "620723"


@dataclass(frozen=True)
class Corpus:
    home: Path
    url: str

    def args(self) -> list[str]:
        return ["--home", str(self.home), "--database-url", self.url]


def write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    body = seed("004").read_text(encoding="utf-8")
    corrected = folder / "linze-2022-corrected.txt"
    corrected.write_text(body.replace("2022年1月9日", "2022年3月15日"), encoding="utf-8")
    previous = body.replace("2023", "2022").replace("2022", "2021").replace("531.64", "498.20")
    previous = previous.replace(
        "组成。临泽县科学技术协会编制实有", f"组成。{HOSTILE}临泽县科学技术协会编制实有", 1
    )
    assert HOSTILE in previous
    last_year = folder / "linze-2021.txt"
    last_year.write_text(previous, encoding="utf-8")
    return [ROOT / "seeds" / "reports", corrected, last_year]


def ingest(corpus: Corpus, paths: list[Path]) -> None:
    """The real command in its own process, as a user runs it, reporting to the session's Prefect API: one
    process per ingest (a CLI process is made for one command; in-process runs share Prefect's client state)."""
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update(PYTHONPATH=str(ROOT), PREFECT_API_URL=str(PREFECT_API_URL.value() or ""))
    cmd = [
        sys.executable,
        "-m",
        "jixiao_cli.main",
        "ingest",
        *map(str, paths),
        *corpus.args(),
        "--workers",
        "1",
    ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    name = f"jixiao_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from jixiao.db.engine import _engine

        _engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def loaded_corpus(kind: str, tmp: Path, pg_admin_url: str | None) -> Iterator[Corpus]:
    """The corpus loaded into a fresh SQLite file or PostgreSQL database."""
    home = tmp / "home"
    paths = write_corpus(tmp / "incoming")
    if kind == "sqlite":
        corpus = Corpus(home, f"sqlite:///{home / 'jixiao.db'}")
        ingest(corpus, paths)
        yield corpus
        return
    assert pg_admin_url is not None
    with postgres_database(pg_admin_url) as url:
        corpus = Corpus(home, url)
        ingest(corpus, paths)
        yield corpus
