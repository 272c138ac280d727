"""The background Prefect server: started once, reused by the next command, its runs recorded in its API; a
stale state file is recovered from; `jixiao server stop` stops it. All with a real Prefect server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.support import seed

MARK = "prefect.server.api.server:create_app"


def servers_of(prefect_home: Path) -> list[int]:
    """Pids of the Prefect servers running with this PREFECT_HOME (children or not)."""
    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            if MARK in " ".join(p.info["cmdline"] or []) and p.environ().get("PREFECT_HOME") == str(
                prefect_home
            ):
                found.append(p.info["pid"])
        except psutil.Error:
            continue
    return found


def runners_of(prefect_home: Path) -> list[int]:
    """Pids of the jixiao runners of this PREFECT_HOME (the runner named in its command line)."""
    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if "jixiao_cli.runner" in cmd and str(prefect_home) in cmd:
            found.append(p.info["pid"])
    return found


def api_flow_runs(api_url: str) -> list[dict[str, Any]]:
    req = urllib.request.Request(
        f"{api_url}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # the test's own local server
        runs: list[dict[str, Any]] = json.loads(resp.read())
    return runs


@pytest.fixture
def env_home(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "JIXIAO_HOME": str(home)}
    yield env, home
    for pid in servers_of((home / "prefect").resolve()) + runners_of((home / "prefect").resolve()):
        os.kill(pid, signal.SIGKILL)


def jixiao(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao_cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        # Output to a file-less pipe is fine: the server is detached and holds none of ours.
    )


def ingest(env: dict[str, str], home: Path, prefix: str) -> dict[str, Any]:
    shutil.copy2(seed(prefix), home / "inbox")
    out = jixiao(env, "ingest", "--workers", "1", "--format", "json")
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def state(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / "prefect" / "jixiao-server.json").read_text())
    return data


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop_between", "same_server"),
    [
        pytest.param(False, True, id="second-command-reuses-the-running-server"),
        pytest.param(True, False, id="after-server-stop-the-next-command-starts-a-new-one"),
    ],
)
def test_second_command_reuses_the_server(
    env_home: tuple[dict[str, str], Path], stop_between: bool, same_server: bool
) -> None:
    env, home = env_home
    prefect_home = (home / "prefect").resolve()
    first = ingest(env, home, "000")
    assert first["by_status"] == {"loaded": 1}
    pid1 = state(home)["pid"]
    assert servers_of(prefect_home) == [pid1]
    if stop_between:
        stopped = jixiao(env, "server", "stop")
        assert stopped.returncode == 0 and f"pid {pid1}" in stopped.stdout, stopped.stderr
        assert servers_of(prefect_home) == []
    second = ingest(env, home, "001")
    assert second["by_status"] == {"loaded": 1}
    now = state(home)
    assert (now["pid"] == pid1) is same_server
    assert servers_of(prefect_home) == [now["pid"]]  # one server, never two
    # Both runs are recorded in the server's database (the UI's record), whichever server ran them.
    runs = api_flow_runs(now["api_url"])
    assert sorted(r["state_type"] for r in runs if r["name"]) == ["COMPLETED", "COMPLETED"], runs
    status = jixiao(env, "server", "status")
    assert status.returncode == 0 and "answers" in status.stdout


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.mark.slow
@pytest.mark.parametrize(
    "recorded_pid",
    [
        pytest.param(dead_pid, id="dead-pid-state-file-recovered"),
        pytest.param(os.getpid, id="pid-reused-by-another-process-left-alone-and-replaced"),
    ],
)
def test_stale_state_file_is_recovered(env_home: tuple[dict[str, str], Path], recorded_pid: Any) -> None:
    env, home = env_home
    (home / "prefect").mkdir(parents=True)
    stale_pid = recorded_pid()
    (home / "prefect" / "jixiao-server.json").write_text(
        json.dumps({"pid": stale_pid, "port": 9, "api_url": "http://127.0.0.1:9/api"})
    )
    result = ingest(env, home, "002")
    assert result["by_status"] == {"loaded": 1}
    now = state(home)
    assert now["pid"] != stale_pid and now["port"] != 9
    assert servers_of((home / "prefect").resolve()) == [now["pid"]]
    assert psutil.pid_exists(os.getpid())  # a live pid that is not a server was never signalled


@pytest.mark.parametrize(
    ("api_url", "starts_server"),
    [
        pytest.param("http://127.0.0.1:9/api", False, id="operator-api-url-starts-no-server"),
        pytest.param(None, True, id="no-api-url-starts-the-background-server"),
    ],
)
def test_operator_api_url_is_kept(
    env_home: tuple[dict[str, str], Path], api_url: str | None, starts_server: bool
) -> None:
    env, home = env_home
    if api_url:
        env = {**env, "PREFECT_API_URL": api_url}
    out = jixiao(env, "server", "start") if api_url is None else None
    shutil.copy2(seed("003"), home / "inbox")
    run = jixiao(env, "ingest", "--workers", "1")
    assert (home / "prefect" / "jixiao-server.json").exists() is starts_server
    assert (run.returncode == 0) is starts_server, run.stderr
    if api_url:
        assert "the Prefect API is unreachable" in run.stderr
    else:
        assert out is not None and "started" in out.stdout
