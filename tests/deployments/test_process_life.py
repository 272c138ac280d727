"""Killing `jixiao ingest` leaves nothing running: SIGTERM stops its temporary Prefect server at once, and a
server orphaned by kill -9 is stopped by the next command."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import seed

MARK = "prefect.server.api.server:create_app"


def alive(pid: int) -> bool:
    try:
        return MARK in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False


def jixiao(home: Path) -> list[str]:
    return [sys.executable, "-m", "jixiao_cli.main", "ingest", "--home", str(home), "--workers", "1"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "left_after_kill"),
    [
        pytest.param(signal.SIGTERM, False, id="sigterm-stops-the-server-with-the-cli"),
        pytest.param(signal.SIGKILL, True, id="kill-9-orphan-stopped-by-the-next-command"),
    ],
)
def test_no_temporary_server_outlives_its_command(
    tmp_path: Path, sig: signal.Signals, left_after_kill: bool
) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    shutil.copy2(seed("000"), home / "inbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))}
    # The per-command temporary server (the default background server is tested in test_server_reuse.py).
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "JIXIAO_PREFECT_SERVER": "temporary"}
    # Output to a file, not a pipe: an orphaned server holds the pipe open after its parent is gone.
    out = (tmp_path / "ingest.log").open("wb")
    cli = subprocess.Popen(jixiao(home), env=env, stdout=out, stderr=subprocess.STDOUT)
    pid_file = home / "prefect" / "temporary-server.pid"
    deadline = time.monotonic() + 240
    while not pid_file.exists() and time.monotonic() < deadline and cli.poll() is None:
        time.sleep(0.2)
    assert pid_file.exists(), (tmp_path / "ingest.log").read_text(errors="replace")
    server_pid = int(pid_file.read_text().split()[0])
    cli.send_signal(sig)
    cli.wait(timeout=60)
    out.close()
    time.sleep(1)
    try:
        assert alive(server_pid) is left_after_kill
        assert "Traceback" not in (tmp_path / "ingest.log").read_text(errors="replace")
        # The next command, even with nothing to do, leaves no server behind.
        for f in (home / "inbox").iterdir():
            f.unlink()
        nxt = subprocess.run(jixiao(home), env=env, capture_output=True, text=True, timeout=120)
        assert nxt.returncode == 0 and "nothing to ingest" in nxt.stdout, nxt.stderr
        assert not alive(server_pid)
    finally:
        if alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)
