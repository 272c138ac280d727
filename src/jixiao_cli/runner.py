"""The resident jixiao runner: Prefect, Great Expectations and the flow imported once, a run forked per request.

``python -m jixiao_cli.runner PREFECT_HOME`` is started in the background by the first ``jixiao ingest`` that
has work (or by ``jixiao server start``), beside the background Prefect server, which it starts or reuses
while it imports. It listens on a Unix socket (mode 0600, same user only). Each request is one ingest: the
runner forks a child that takes the command's environment, working folder and arguments and runs the ingest
flow in its own process, recorded in Prefect like a run of the command itself, streaming the stage
progress and the run's summary (or its error) back as JSON lines. Forking keeps runs apart (two commands
at once are two processes, as before; the claims guard the files) and costs no import. The parent never
runs a flow: it has no Prefect client, loop or thread to carry into a fork.

It stops on SIGTERM (``jixiao server stop``), when its state file no longer names it (a newer runner for
changed code took over), and forked runs end on their own. Its log is PREFECT_HOME/jixiao-runner.log.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jixiao_cli.runner_state import PROTOCOL, read_state, runner_key, socket_path, state_path, write_state


class Sender:
    """JSON lines to the command; a command that went away is not an error here (the run is stopped)."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, **message: Any) -> None:
        data = (json.dumps(message, ensure_ascii=False, default=str) + "\n").encode()
        with self.lock, contextlib.suppress(OSError):
            self.conn.sendall(data)


class ForwardProgress:
    """The flow's stage events and the parse pool's per-file hook, sent to the command's display."""

    def __init__(self, out: Sender) -> None:
        self.out = out

    def __enter__(self) -> ForwardProgress:
        from flows import progress as stages
        from jixiao import pipeline

        stages.listen(lambda kind, stage, n: self.out.send(t="event", kind=kind, stage=stage, n=n))
        pipeline.set_progress_hook(lambda k: self.out.send(t="event", kind="advance", stage="parse", n=k))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        from flows import progress as stages
        from jixiao import pipeline

        stages.stop_listening()
        pipeline.set_progress_hook(None)


# What a run imports on its way (measured: 143 modules, 0.5 s), imported here once instead.
_RUN_MODULES = (
    "great_expectations",  # the costliest import
    "great_expectations.expectations",
    "great_expectations.render.renderer",
    "great_expectations.render.view",
    "pandas",
    "jinja2.ext",
    "anyio._backends._asyncio",
    "multiprocessing.synchronize",
    "prefect.client.orchestration",
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.concurrency.sync",
    "flows.ingest",
    "jixiao.db.load",
    "jixiao.pipeline",
    "jixiao_cli.ingest_cmd",
    "great_expectations.render.renderer.site_builder",  # Data Docs
    "prefect.utilities.visualization",  # and with it fastapi, starlette, graphviz
    "opentelemetry._logs",
    "opentelemetry.metrics",
    "pydantic.color",
    "ruamel.yaml.mergevalue",
)


def _warm() -> None:
    """Everything a run imports or caches per process, done once here; a forked run starts with it."""
    import importlib

    for name in _RUN_MODULES:
        with contextlib.suppress(ImportError):  # a module a newer library moved costs time, not the run
            importlib.import_module(name)
    from jixiao.units.registry import load_registry

    load_registry()  # ~3,200 units from the bundled divisions, cached per process (0.5-0.9 s a run)


def _settle(api_url: str) -> None:
    """The settings every run uses (the API, heartbeats off), built once here: 0.5 s of pydantic a run."""
    from prefect.context import SettingsContext, get_settings_context
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    os.environ["PREFECT_API_URL"] = api_url
    current = get_settings_context()
    updates = {PREFECT_API_URL: api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    SettingsContext(
        profile=current.profile, settings=current.settings.copy_with_update(updates=updates)
    ).__enter__()


def _use_server(prefect_home: Path, timeout_s: float, out: Sender) -> None:
    """The background server, checked (and started again if it went away); the settings only if it moved."""
    from prefect.settings import PREFECT_API_URL

    from jixiao_cli.server import ensure_background_server, use_api

    url, started = ensure_background_server(
        prefect_home, timeout_s, lambda s: out.send(t="status", s=f"starting the Prefect server… {s:.0f} s")
    )
    if started:
        out.send(
            t="note",
            s=f"jixiao: a Prefect server now runs in the background at {url} for later commands; "
            "stop it with `jixiao server stop`",
        )
    os.environ["PREFECT_API_URL"] = url  # the command's environment, adopted, had none
    if PREFECT_API_URL.value() != url:
        use_api(url)


def _adopt(request: dict[str, Any]) -> None:
    """The command's environment, folder and arguments, as if the run were in its process."""
    os.environ.clear()
    os.environ.update(request["env"])
    with contextlib.suppress(OSError):
        os.chdir(request["cwd"])
    sys.argv = list(request["argv"])


def _hang_up_stops_run(conn: socket.socket, finished: threading.Event) -> None:
    """A command that goes away (Ctrl-C, killed) stops its run, as it would in its own process."""

    def watch() -> None:
        with contextlib.suppress(OSError):
            while conn.recv(1):
                pass
        if not finished.is_set():
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="jixiao-hang-up", daemon=True).start()


def _run(request: dict[str, Any], out: Sender, finished: threading.Event) -> dict[str, Any]:
    """The ingest, as the command would run it; the final message (result or error) for the command."""
    from jixiao.config import get_settings
    from jixiao_cli.env import describe_error, log_to_file, write_trace
    from jixiao_cli.ingest_cmd import run_ingest

    settings: Any = None
    try:
        settings = get_settings(
            home=request["home"], database_url=request["database_url"], workers=request["workers"]
        )
        log_to_file(settings.home)
        _use_server(Path(os.environ["PREFECT_HOME"]), settings.prefect_start_timeout_s, out)
        display = ForwardProgress(out) if request["progress"] else None
        summary, state_name = run_ingest(settings, request["paths"], False, display=display)
        return {"t": "result", "summary": summary.as_dict(), "state": state_name}
    except BaseException as exc:  # the command reports it; SystemExit is a SIGTERM (the command went away)
        if not isinstance(exc, SystemExit | KeyboardInterrupt):
            write_trace(settings.home if settings is not None else None, exc)
        return {"t": "error", "message": describe_error(exc)}
    finally:
        finished.set()


def _handle(conn: socket.socket, key: str) -> int:
    """One request, in the forked child: read it, check the key, run the ingest, stream the answer.

    Everything the run started is ended before the answer goes out: when the command returns, nothing of
    its run is left running.
    """
    from jixiao_cli.env import exit_on_sigterm, stop_children

    conn.settimeout(30)
    request = json.loads(conn.makefile("rb").readline() or b"{}")
    conn.settimeout(None)
    out = Sender(conn)
    if request.get("protocol") != PROTOCOL or request.get("key") != key:
        out.send(t="mismatch", key=key)
        return 0
    out.send(t="hello", pid=os.getpid())
    _adopt(request)
    exit_on_sigterm()
    finished = threading.Event()
    _hang_up_stops_run(conn, finished)
    t0, cpu0 = time.monotonic(), _cpu()
    answer = _run(request, out, finished)
    stop_children()
    print(
        f"jixiao runner: run in pid {os.getpid()}: {time.monotonic() - t0:.2f} s wall, "
        f"{_cpu() - cpu0:.2f} s CPU (with its parse workers)",
        file=sys.stderr,
        flush=True,
    )
    out.send(**answer)
    return 0 if answer["t"] == "result" else 1


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _same_user(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _fork_run(conn: socket.socket, listener: socket.socket, key: str) -> None:
    pid = os.fork()
    if pid == 0:  # the child: one run, then gone without running the parent's cleanup
        code = 1
        try:
            listener.close()
            code = _handle(conn, key)
        except BaseException:  # the child must end here, whatever happened
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    conn.close()


def _still_mine(prefect_home: Path) -> bool:
    state = read_state(prefect_home)
    return state is not None and int(state["pid"]) == os.getpid()


def _serve(listener: socket.socket, prefect_home: Path, key: str) -> None:
    listener.settimeout(1.0)
    while _still_mine(prefect_home):
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        conn.settimeout(None)
        if not _same_user(conn):
            conn.close()
            continue
        _fork_run(conn, listener, key)


def _ensure_server(prefect_home: Path, found: dict[str, Any]) -> None:
    from jixiao_cli.server import ensure_background_server

    try:
        timeout = float(os.environ.get("JIXIAO_PREFECT_START_TIMEOUT_S", "120"))
        found["api_url"], found["server_started"] = ensure_background_server(prefect_home, timeout)
    except Exception as exc:  # reported by main and in the log
        found["error"] = exc


def _listen(path: Path) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(16)
    return listener


def main() -> int:
    prefect_home = Path(sys.argv[1])
    key = runner_key()  # before the imports: code changed while importing makes this runner stale
    t0 = time.monotonic()
    import prefect  # noqa: F401  # first: the server starts while GX imports

    found: dict[str, Any] = {}
    starter = threading.Thread(target=_ensure_server, args=(prefect_home, found), name="server-start")
    starter.start()
    _warm()
    starter.join()  # no thread is left when runs are forked
    if "error" in found:
        print(f"jixiao runner: no Prefect server: {found['error']}", file=sys.stderr)
        return 1
    _settle(found["api_url"])
    from jixiao_cli.env import exit_on_sigterm

    exit_on_sigterm()
    path = socket_path(prefect_home)
    listener = _listen(path)
    write_state(
        prefect_home,
        {
            "pid": os.getpid(),
            "socket": str(path),
            "key": key,
            "api_url": found["api_url"],
            "server_started": found["server_started"],
            "ready_s": round(time.monotonic() - t0, 2),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )
    print(f"jixiao runner {os.getpid()} ready in {time.monotonic() - t0:.1f} s on {path}", file=sys.stderr)
    try:
        _serve(listener, prefect_home, key)
    finally:
        listener.close()
        if _still_mine(prefect_home):  # stopped by a signal, not replaced: nothing of it stays
            with contextlib.suppress(OSError):
                path.unlink()
                state_path(prefect_home).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
