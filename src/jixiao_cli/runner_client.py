"""The command's side of the resident runner (jixiao_cli.runner): find or start it, send the run, show it.

``jixiao ingest`` with work sends its run here first. The runner answers with the stage progress, shown
by the command's own display, and the run's summary or one-line error, printed by the command exactly
as an in-process run prints them. ``None`` means "run it in this process": the runner is not wanted (an
API of the user's, a temporary server, JIXIAO_RUNNER=off, --debug), could not start, runs other code
(a changed key), or ended without an answer (killed mid-way: its claims are a dead process's and are
taken over, so no file is lost).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.errors import JixiaoError
from jixiao_cli import runner_state as rs
from jixiao_cli.common import err

if TYPE_CHECKING:
    from jixiao.runsummary import RunSummary


class RemoteRunError(JixiaoError):
    """The run in the runner failed; the message is the one line the command prints."""


class RunnerLost(Exception):
    """The runner's run ended without an answer."""


def _spawn(prefect_home: Path) -> int:
    """Start the runner detached (its own session, nobody's child), as the Prefect server is started."""
    from jixiao_cli.server import _LAUNCH

    cmd = [sys.executable, "-m", rs.RUNNER_MARK, str(prefect_home)]
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(prefect_home / rs.LOG_FILE), *cmd],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(out.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def _locked(prefect_home: Path, on_wait: Callable[[float], None], t0: float) -> Iterator[None]:
    with (prefect_home / rs.LOCK_FILE).open("a") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                on_wait(time.monotonic() - t0)
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _wait_ready(
    prefect_home: Path, pid: int, key: str, timeout_s: float, on_wait: Callable[[float], None]
) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        state = rs.read_state(prefect_home)
        if state is not None and int(state["pid"]) == pid and state["key"] == key:
            return True
        if not rs.is_runner_process(pid, prefect_home):
            return False
        on_wait(time.monotonic() - t0)
        time.sleep(0.1)
    rs.terminate(pid, prefect_home)
    return False


def ensure_runner(
    prefect_home: Path, key: str, timeout_s: float, on_wait: Callable[[float], None] = lambda s: None
) -> tuple[dict[str, Any] | None, bool]:
    """This home's runner for this code, started (and a stale one stopped) when needed; (state, started)."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    state = rs.live_state(prefect_home)
    if state is not None and state["key"] == key:
        return state, False
    t0 = time.monotonic()
    with _locked(prefect_home, on_wait, t0):  # concurrent commands start one runner, not two
        state = rs.live_state(prefect_home)
        if state is not None and state["key"] == key:
            return state, False
        if state is not None:  # the code or the settings changed since it started
            rs.terminate(int(state["pid"]), prefect_home)
        rs.state_path(prefect_home).unlink(missing_ok=True)
        pid = _spawn(prefect_home)
        if not _wait_ready(prefect_home, pid, key, timeout_s, lambda s: on_wait(time.monotonic() - t0)):
            return None, False
        return rs.read_state(prefect_home), True


def stop_runner(prefect_home: Path) -> int | None:
    """Stop this home's runner; its pid, or None when none was running. Runs under way finish."""
    state = rs.live_state(prefect_home)
    rs.state_path(prefect_home).unlink(missing_ok=True)
    if state is None:
        return None
    rs.terminate(int(state["pid"]), prefect_home)
    return int(state["pid"])


def _request(key: str, settings: Any, paths: list[str] | None, show_progress: bool) -> bytes:
    request = {
        "protocol": rs.PROTOCOL,
        "key": key,
        "argv": sys.argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "home": str(settings.home),
        "database_url": settings.database_url,
        "workers": settings.workers,
        "paths": paths,
        "progress": show_progress,
    }
    return (json.dumps(request, ensure_ascii=False) + "\n").encode()


def _converse(sock: socket.socket, show_progress: bool) -> tuple[RunSummary, str] | None:
    """Read the runner's answer: progress to the display, notes to stderr, then the result or the error."""
    from jixiao_cli.progress import StageProgress

    display: StageProgress | None = None
    status: Any = None
    try:
        for raw in sock.makefile("rb"):
            msg = json.loads(raw)
            kind = msg.get("t")
            if kind == "mismatch":
                return None
            if kind == "status" and display is None:
                status = status or err.status(msg["s"])
                status.start()
                status.update(msg["s"])
            elif kind == "note":
                print(msg["s"], file=sys.stderr)
            elif kind == "event" and show_progress:
                if status is not None:
                    status.stop()
                if display is None:
                    display = StageProgress(err, hooks=False).__enter__()
                display.on_event(msg["kind"], msg["stage"], int(msg["n"]))
            elif kind == "result":
                from jixiao.runsummary import RunSummary  # pandas: only once there is a run to show

                return RunSummary.from_dict(msg["summary"]), str(msg["state"])
            elif kind == "error":
                raise RemoteRunError(msg["message"])
    finally:
        if status is not None:
            status.stop()
        if display is not None:
            display.__exit__(None, None, None)
    raise RunnerLost


def run_remote(settings: Any, paths: list[str] | None, show_progress: bool) -> tuple[RunSummary, str] | None:
    """(summary, state name) of the run made by the runner, or None: run it in this process."""
    if not rs.wanted() or "--debug" in sys.argv[1:]:
        return None
    prefect_home = Path(os.environ["PREFECT_HOME"])
    key = rs.runner_key()
    state, started = rs.live_state(prefect_home), False
    if state is None or state["key"] != key:
        with err.status("starting the jixiao runner and the Prefect server…") as waiting:
            state, started = ensure_runner(
                prefect_home,
                key,
                settings.prefect_start_timeout_s + 120.0,  # the server's start, then the imports
                lambda s: waiting.update(f"starting the jixiao runner and the Prefect server… {s:.0f} s"),
            )
    if state is None:
        print(
            "jixiao: the runner did not start (see its log); running the ingest in this process",
            file=sys.stderr,
        )
        return None
    if started:
        print(
            f"jixiao: a Prefect server (at {state['api_url']}) and the jixiao runner (pid {state['pid']}) now run "
            "in the background for later commands; stop them with `jixiao server stop`",
            file=sys.stderr,
        )
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(state["socket"]))
            sock.sendall(_request(key, settings, paths, show_progress))
            return _converse(sock, show_progress)
    except (RunnerLost, OSError) as exc:
        detail = "it ended without an answer" if isinstance(exc, RunnerLost) else str(exc)
        print(
            f"jixiao: the runner's run failed ({detail}); running the ingest in this process", file=sys.stderr
        )
        return None
