"""One way to run `prefect server start` and jixiao's services as real processes in a fresh folder.

Shared by the operator-path and nightly-schedule tests: a clean environment (none of the session's Prefect or
jixiao settings, its own PREFECT_HOME), each process in its own session with its output in a log file, every
one stopped (SIGTERM, then SIGKILL) at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    what: str, check: Callable[[], Any], timeout_s: float, logs: list[Path], poll_s: float = 0.5
) -> Any:
    """Poll ``check`` until it returns something true; on timeout, fail with the tails of the logs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(poll_s)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in logs if p.exists())
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}\n{tails}")


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Operator:
    """A shell in a fresh folder: processes started with relative paths, outputs kept in files."""

    def __init__(self, folder: Path, port: int, **extra_env: str) -> None:
        self.folder = folder
        self.port = port
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))} | {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PREFECT_HOME": str(folder / ".prefect"),  # the operator's own, not the tests'
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "GX_ANALYTICS_ENABLED": "false",
            **extra_env,
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

    def start_server(self, timeout_s: float) -> subprocess.Popen[bytes]:
        """`prefect server start --port PORT`, waited for until its API answers."""
        server = self.start("prefect-server", ["prefect", "server", "start", "--port", str(self.port)])
        wait_for("the Prefect server", lambda: healthy(self.api()), timeout_s, self.logs)
        return server

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
