"""The local Prefect server jixiao starts once in the background and every later command reuses.

A command that needs the Prefect API (no PREFECT_API_URL set) finds the server through a state file,
``PREFECT_HOME/jixiao-server.json`` (pid, port, API URL, the Python and Prefect that run it), checks that the
process is the one recorded and that ``/health`` answers, and uses it: no start-up cost after the first
command. When there is none (first command, a reboot, a dead pid, a server that no longer answers), it is
started, detached from the command (its own session, not a child), and waited for with progress. A lock
file makes concurrent commands start one server, not two. The server keeps Prefect's database in
PREFECT_HOME, so every run stays recorded for the UI. ``jixiao server stop`` stops it; ``jixiao server
status`` shows it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from jixiao.errors import JixiaoError
from jixiao_cli.statefile import cmdline, read_json_state

STATE_FILE = "jixiao-server.json"
LOCK_FILE = "jixiao-server.lock"
LOG_FILE = "jixiao-server.log"
SERVER_MARK = "prefect.server.api.server:create_app"

# Started in its own session by a short-lived launcher, so the server is nobody's child: a command that stops
# its children on exit (parse workers, served runs) does not stop the server other commands reuse.
_LAUNCH = """
import subprocess, sys
log = open(sys.argv[1], "ab")
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                     start_new_session=True, close_fds=True)
print(p.pid)
"""


class PrefectStartError(JixiaoError):
    """The Prefect server did not come up."""


def state_path(prefect_home: Path) -> Path:
    return prefect_home / STATE_FILE


def read_state(prefect_home: Path) -> dict[str, Any] | None:
    return read_json_state(state_path(prefect_home), {"pid", "port", "api_url"})


def is_server_process(state: dict[str, Any]) -> bool:
    """The recorded pid is still a Prefect server on the recorded port (not a reused pid)."""
    cmd = cmdline(int(state["pid"]))
    return SERVER_MARK in cmd and f"--port {state['port']}" in cmd


def healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(
            f"{api_url}/health", timeout=timeout_s
        ) as resp:  # our own http://127.0.0.1 URL
            return bool(resp.status == 200)
    except (OSError, ValueError):
        return False


def _identity() -> dict[str, str]:
    import prefect

    return {"python": sys.executable, "prefect": str(prefect.__version__)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _locked(prefect_home: Path, on_wait: Callable[[float], None] | None, t0: float) -> Iterator[None]:
    """One command at a time checks and starts the server; the others wait (with progress) and reuse it."""
    with (prefect_home / LOCK_FILE).open("a") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(time.monotonic() - t0)
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _spawn(prefect_home: Path, port: int) -> int:
    """Start the server detached; its pid. Same command and settings as Prefect's temporary server."""
    import prefect
    from prefect.settings import get_current_settings

    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "0"),
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }
    env.pop("PREFECT_API_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(prefect.__module_path__.parent),
        "--factory",
        SERVER_MARK,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(prefect_home / LOG_FILE), *cmd],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _log_tail(prefect_home: Path) -> str:
    try:
        lines = (prefect_home / LOG_FILE).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:160] if lines else ""


def _start(prefect_home: Path, timeout_s: float, on_wait: Callable[[float], None] | None, t0: float) -> str:
    port = _free_port()
    pid = _spawn(prefect_home, port)
    api_url = f"http://127.0.0.1:{port}/api"
    state: dict[str, Any] = {"pid": pid, "port": port, "api_url": api_url, **_identity()}
    deadline = time.monotonic() + max(1.0, timeout_s)
    while not healthy(api_url, 1.0):
        if time.monotonic() > deadline or not is_server_process(state):
            _terminate(pid)
            detail = _log_tail(prefect_home) or "no answer on /health"
            raise PrefectStartError(
                f"the Prefect server did not start within {timeout_s:.0f} s ({detail}); start one with "
                "`prefect server start` and set PREFECT_API_URL, or raise JIXIAO_PREFECT_START_TIMEOUT_S"
            )
        if on_wait is not None:
            on_wait(time.monotonic() - t0)
        time.sleep(0.2)
    state["started_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    tmp = state_path(prefect_home).with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(state_path(prefect_home))
    return api_url


def _terminate(pid: int, grace_s: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while SERVER_MARK in cmdline(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if SERVER_MARK in cmdline(pid):
            os.kill(pid, signal.SIGKILL)


def ensure_background_server(
    prefect_home: Path, timeout_s: float, on_wait: Callable[[float], None] | None = None
) -> tuple[str, bool]:
    """The API URL of this home's background server, started when absent; (url, started by this call)."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with _locked(prefect_home, on_wait, t0):
        state = read_state(prefect_home)
        if state is not None and is_server_process(state):
            same = all(state.get(k) == v for k, v in _identity().items())
            if same and healthy(str(state["api_url"])):
                return str(state["api_url"]), False
            _terminate(int(state["pid"]))  # another venv's, or no longer answering: replace it
        state_path(prefect_home).unlink(missing_ok=True)  # stale: its pid is gone
        return _start(prefect_home, timeout_s, on_wait, t0), True


def use_api(api_url: str) -> None:
    """Point this process (and the processes it starts) at ``api_url``."""
    from prefect.context import SettingsContext, get_settings_context
    from prefect.settings import PREFECT_API_URL

    os.environ["PREFECT_API_URL"] = api_url
    # Prefect read its settings at import: a settings context for the rest of this process, never exited.
    current = get_settings_context()
    settings = current.settings.copy_with_update(updates={PREFECT_API_URL: api_url})
    SettingsContext(profile=current.profile, settings=settings).__enter__()


def stop_background_server(prefect_home: Path) -> int | None:
    """Stop this home's background server; its pid, or None when none was running."""
    with _locked(prefect_home, None, time.monotonic()):
        state = read_state(prefect_home)
        state_path(prefect_home).unlink(missing_ok=True)
        if state is None or not is_server_process(state):
            return None
        _terminate(int(state["pid"]))
        return int(state["pid"])


# ---------------------------------------------------------------------------------------------- commands

app = typer.Typer(help="The local Prefect server jixiao starts once and reuses.", no_args_is_help=True)
HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="Data folder (env JIXIAO_HOME, default ./jixiao-data).")
]


def _prefect_home(home: Path | None) -> Path:
    from jixiao_cli.env import prepare_environment

    prepare_environment(home)
    if os.environ.get("PREFECT_API_URL"):
        typer.echo(
            f"PREFECT_API_URL is set ({os.environ['PREFECT_API_URL']}): jixiao uses that server, not its own"
        )
    return Path(os.environ["PREFECT_HOME"])


@app.command("status")
def status(home: HomeOpt = None) -> None:
    """Show the background Prefect server (pid, API URL) and whether it answers."""
    from jixiao_cli import runner_state

    prefect_home = _prefect_home(home)
    state = read_state(prefect_home)
    if state is None or not is_server_process(state):
        typer.echo("no background Prefect server is running (the next command that needs one starts it)")
        raise typer.Exit(1)
    answer = "answers" if healthy(str(state["api_url"])) else "does NOT answer"
    typer.echo(
        f"Prefect server pid {state['pid']} at {state['api_url']} {answer}; started {state.get('started_at')}"
    )
    runner = runner_state.live_state(prefect_home)
    if runner is None:
        typer.echo("no jixiao runner is running (the next ingest with work starts it)")
    else:
        fresh = (
            "current"
            if runner["key"] == runner_state.runner_key()
            else "STALE (code changed; replaced next run)"
        )
        typer.echo(
            f"jixiao runner pid {runner['pid']} on {runner['socket']}, {fresh}; started {runner.get('started_at')}"
        )


@app.command("start")
def start(home: HomeOpt = None) -> None:
    """Start the background Prefect server and the jixiao runner now (else the first ingest with work does)."""
    from jixiao.config import get_settings
    from jixiao_cli import runner_client, runner_state

    prefect_home = _prefect_home(home)
    timeout_s = get_settings(home=home).prefect_start_timeout_s
    url, started = ensure_background_server(prefect_home, timeout_s)
    typer.echo(f"{'started' if started else 'already running:'} Prefect server at {url}")
    if not runner_state.wanted():
        return
    runner, new = runner_client.ensure_runner(prefect_home, runner_state.runner_key(), timeout_s + 120.0)
    if runner is None:
        typer.echo(f"the jixiao runner did not start: see {prefect_home / runner_state.LOG_FILE}")
        raise typer.Exit(1)
    typer.echo(f"{'started' if new else 'already running:'} jixiao runner (pid {runner['pid']})")


@app.command("stop")
def stop(home: HomeOpt = None) -> None:
    """Stop the jixiao runner and the background Prefect server (runs stay recorded; the next command
    starts them again)."""
    from jixiao_cli import runner_client

    prefect_home = _prefect_home(home)
    runner = runner_client.stop_runner(prefect_home)
    if runner:
        typer.echo(f"stopped the jixiao runner (pid {runner})")
    pid = stop_background_server(prefect_home)
    typer.echo(
        f"stopped the Prefect server (pid {pid})" if pid else "no background Prefect server was running"
    )
