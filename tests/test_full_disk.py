"""A full disk (issue 17 M): a real size-limited file system (tmpfs), filled to the last byte.

The run stops with one line naming the cause and the path, keeps the trace for the log, does not retry
what cannot succeed, loses nothing, and the next run after space is freed completes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao.db.engine import get_engine
from jixiao_dev.synth import SynthConfig, generate_corpus
from tests.support import ROOT

N_FILES = 12


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs mounted for this test and unmounted after it. Never skipped: where mounting is not
    permitted (not root, no CAP_SYS_ADMIN) the test fails with the reason."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m,mode=0755", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(
            f"cannot mount a size-limited tmpfs at {mnt}: {done.stderr.strip() or done.returncode}; "
            "this test needs root (or CAP_SYS_ADMIN) to prove full-disk handling on a real file system"
        )
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False, capture_output=True)
        if os.path.ismount(mnt):
            subprocess.run(["umount", "-l", str(mnt)], check=False, capture_output=True)


def fill(folder: Path) -> Path:
    """Write until the file system refuses with ENOSPC; returns the filler (delete it to free the space)."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    written = 0
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                written += f.write(block) or 0
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    assert written > 0, "the disk was full before the test filled it"
    with filler.open("ab", buffering=0) as f, contextlib.suppress(OSError):
        while True:  # the last partial block
            f.write(b"\0")
    return filler


def ingest(home: Path, db_url: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "GX_ANALYTICS_ENABLED": "false"}
    cmd = [sys.executable, "-m", "jixiao_cli.main", "ingest", "--home", str(home), "--database-url", db_url]
    cmd += ["--workers", "1", *(str(p) for p in paths)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def ledger(db_url: str) -> dict[str, str]:
    with get_engine(db_url).connect() as conn:
        return dict(conn.execute(text("select name, status from source_file")).all())  # type: ignore[arg-type]  # rows of two strings


def files_under(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("where", "full"),
    [
        pytest.param("inbox", True, id="database-and-folders-on-a-full-disk"),
        pytest.param("outside", True, id="copying-into-an-inbox-on-a-full-disk"),
        pytest.param("inbox", False, id="control-the-same-run-with-room-completes-at-once"),
    ],
)
def test_full_disk_stops_with_one_line_loses_nothing_and_the_next_run_completes(
    tmp_path: Path, small_disk: Path, where: str, full: bool
) -> None:
    corpus = generate_corpus(
        tmp_path / "corpus", SynthConfig(n=N_FILES, seed=51, formats={"txt": 1.0}, violation_rate=0.0)
    )
    for truth in (tmp_path / "corpus").glob("*.truth.json"):
        truth.unlink()
    names = sorted(p.name for p in corpus)
    home = small_disk / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    db_url = f"sqlite:///{home / 'jixiao.db'}"
    get_engine(db_url)  # an existing database, as in production; it grows on the next write
    get_engine(db_url).dispose()
    given: list[Path] = []
    if where == "inbox":
        for f in corpus:
            (inbox / f.name).write_bytes(f.read_bytes())
    else:
        given = [tmp_path / "corpus"]
    filler = fill(small_disk) if full else None

    since = datetime.now(UTC)
    first = ingest(home, db_url, *given)
    if full:
        tried = task_runs_since(since)
        assert tried or where == "outside", "no task ran: the no-retry check below would prove nothing"
        assert [name for name, count in tried if count > 1] == []  # a full disk is not retried
        assert first.returncode == 1, first.stdout + first.stderr
        lines = [line for line in first.stderr.splitlines() if line.strip()]
        assert lines and lines[0].startswith("error: the disk is full"), first.stderr
        assert str(small_disk) in lines[0], "the message names the path on the full disk"
        assert "Traceback" not in first.stdout + first.stderr
        assert len(lines) <= 2, first.stderr  # the cause, and where the full trace is
        assert "Traceback" in trace_text(home, first.stderr), "the full trace is kept in the log"
        assert filler is not None
        filler.unlink()  # (the ledger cannot even be opened while the disk is full)
        # Nothing lost: every file is still in the inbox (or in its source folder) or accounted for.
        in_inbox = set(files_under(inbox))
        assert set(names) <= in_inbox | set(ledger(db_url)) | ({f.name for f in corpus} if given else set())
        assert not [n for n in in_inbox if n not in names], f"partial copies left in the inbox: {in_inbox}"
        first = ingest(home, db_url, *given)
    # On failure the message carries the trace too: the log sits on the tmpfs, which is gone after the test.
    assert first.returncode == 0, first.stdout + first.stderr + trace_text(home, first.stderr)[-6000:]
    assert sorted(ledger(db_url)) == names
    assert set(ledger(db_url).values()) == {"loaded"}
    assert files_under(inbox) == []
    assert files_under(home / "archive") == names


def task_runs_since(since: datetime) -> list[tuple[str, int]]:
    """(name, run count) of every Prefect task run started since ``since``, from the real API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterStartTime
    from prefect.client.schemas.sorting import TaskRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            task_run_filter=TaskRunFilter(start_time=TaskRunFilterStartTime(after_=since)),
            sort=TaskRunSort.EXPECTED_START_TIME_DESC,
            limit=200,
        )
    return [(r.name, r.run_count) for r in runs]


def trace_text(home: Path, stderr: str) -> str:
    """The log the error line points to ("full trace in PATH"); a trace left in the temporary folder
    (the home's disk was full) is removed once read."""
    for line in stderr.splitlines():
        if "full trace in " in line:
            path = Path(line.split("full trace in ", 1)[1].split(";", 1)[0].strip())
            with contextlib.suppress(OSError):
                body = path.read_text(errors="replace")
                if path.name.startswith("jixiao-trace-"):
                    path.unlink()
                return body
    with contextlib.suppress(OSError):
        return (home / "logs" / "jixiao.log").read_text(errors="replace")
    return ""
