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
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.support import seed

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, check: Callable[[], Any], timeout_s: float, logs: list[Path]) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs if p.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


class Operator:
    """A shell in a fresh folder: processes started with relative paths, outputs kept in files."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))} | {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PREFECT_HOME": str(folder / ".prefect"),  # the operator's own, not the tests'
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "GX_ANALYTICS_ENABLED": "false",
            "JIXIAO_WORKERS": "1",
        }

    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        self.logs.append(log)
        out: IO[bytes] = log.open("wb")
        proc = subprocess.Popen(
            args,
            cwd=self.folder,
            env=self.env | env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def run(self, name: str, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            args, cwd=self.folder, env=self.env | env, capture_output=True, text=True, timeout=150
        )
        log = self.folder / f"{name}.log"
        log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
        self.logs.append(log)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


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
    op = Operator(tmp_path, free_port())
    yield op
    op.stop_all()


@pytest.mark.slow
def test_the_readme_operator_section(operator: Operator) -> None:
    op = operator
    logs = op.logs
    # 1. Start the Prefect server and UI.
    server = op.start("prefect-server", ["prefect", "server", "start", "--port", str(op.port)])
    wait_for("the Prefect server", lambda: _healthy(op.api()), 150, logs)
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


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


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
