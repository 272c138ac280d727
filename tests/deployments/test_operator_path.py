"""The README's operator section, walked literally: relative folder, a real `prefect server start`, `jixiao serve`,
two drops into `jixiao-data/inbox/` and a `jixiao ingest` while serving.

Every command is a real process started the way the README writes it (only the port is a free one instead of
4200). Asserts: one flow run per drop, each in a proper state, every file in the ledger once, no traceback in
any output, and nothing left running after the services are stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.deployments.prefect_server import Operator, free_port, wait_for
from tests.support import seed


def tracebacks(output: str) -> list[str]:
    """Each traceback in an output, up to its final exception line."""
    found = []
    for chunk in output.split("Traceback (most recent call last):")[1:]:
        last = next((line for line in chunk.splitlines() if line and not line.startswith((" ", "\t"))), "")
        found.append(last or chunk[:200])
    return found


def session_processes(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    found.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return found


def flow_runs(api: str, deployment: str = "on-demand") -> list[dict[str, Any]]:
    """The runs of one deployment: `nightly` has its future SCHEDULED runs too, which are not the drops' runs."""
    r = httpx.post(
        f"{api}/flow_runs/filter",
        json={"limit": 50, "deployments": {"name": {"any_": [deployment]}}},
        timeout=10,
    )
    r.raise_for_status()
    return [run for run in r.json() if run.get("deployment_id")]


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[Operator]:
    op = Operator(tmp_path, free_port(), JIXIAO_WORKERS="1")
    yield op
    op.stop_all()


@pytest.mark.slow
def test_the_readme_operator_section(operator: Operator) -> None:
    op = operator
    logs = op.logs
    # 1. Start the Prefect server and UI.
    server = op.start_server(150)
    # 2. In another shell, point jixiao at it and serve the deployments + the inbox watcher.
    serve = op.start("jixiao-serve", ["jixiao", "serve"], PREFECT_API_URL=op.api())
    inbox = op.folder / "jixiao-data" / "inbox"
    wait_for(
        "jixiao serve to watch the inbox",
        lambda: (
            (op.folder / "jixiao-data" / "watcher.lock").exists()
            and (op.folder / "jixiao-data" / "watcher.lock").read_text().strip()
        ),
        180,
        logs,
    )
    wait_for("the deployments", lambda: len(_deployments(op.api())) >= 2, 180, logs)

    # 3. Drop files into ./jixiao-data/inbox/: a run appears in the UI. Then a second drop.
    for n, drop in enumerate((["000", "001"], ["002", "003"]), start=1):
        for prefix in drop:
            shutil.copy(seed(prefix), inbox)
        wait_for(
            f"drop {n} to be processed",
            lambda n=n: not any(inbox.iterdir()) and _finished(op.api()) >= n,
            240,
            logs,
        )

    # Or run `jixiao ingest FILES` while serving: the files go to the watcher's run.
    (op.folder / "new").mkdir()
    shutil.copy(seed("004"), op.folder / "new")
    cli = op.run("jixiao-ingest", ["jixiao", "ingest", f"new/{seed('004').name}"], PREFECT_API_URL=op.api())
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "loaded" in cli.stdout

    runs = wait_for("three finished runs", lambda: _finished(op.api()) >= 3 and flow_runs(op.api()), 60, logs)
    assert len(runs) == 3, [r["name"] for r in runs]  # one per drop, one for the CLI's file; no twin run
    states = sorted((r["state"]["type"], r["state"]["name"]) for r in runs)
    assert all(t == "COMPLETED" for t, _ in states), states
    assert not [r["name"] for r in runs if "· 0 files" in r["name"]]
    nightly = flow_runs(op.api(), "nightly")  # scheduled by the server's scheduler, none due yet
    assert nightly and {r["state"]["type"] for r in nightly} == {"SCHEDULED"}, [r["name"] for r in nightly]

    files = op.run("jixiao-files", ["jixiao", "files", "--format", "json"])
    assert files.returncode == 0, files.stderr
    rows = json.loads(files.stdout)
    names = sorted(r["name"] for r in rows)
    assert names == sorted(seed(p).name for p in ("000", "001", "002", "003", "004"))
    assert {r["status"] for r in rows} == {"loaded"}

    serve_sid, server_sid = os.getsid(serve.pid), os.getsid(server.pid)
    op.stop_all()
    for log in logs:
        assert tracebacks(log.read_text(errors="replace")) == [], log.name
    time.sleep(1)
    assert session_processes(serve_sid) == [] and session_processes(server_sid) == []


def _deployments(api: str) -> list[Any]:
    try:
        r = httpx.post(f"{api}/deployments/filter", json={"limit": 10}, timeout=5)
        return list(r.json()) if r.status_code == 200 else []
    except httpx.HTTPError:
        return []


def _finished(api: str) -> int:
    try:
        runs = flow_runs(api)
    except httpx.HTTPError:
        return 0
    return sum(1 for r in runs if r["state"] and r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED"))
