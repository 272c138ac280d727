"""Process environment the frameworks read at import time; set before Prefect or GX is imported.

Also which Prefect API a CLI run uses when no PREFECT_API_URL is set: by default the local background server
that later commands reuse (jixiao_cli.server); with JIXIAO_PREFECT_SERVER=temporary, a temporary server per
command as before: started with a progress line and a generous, configurable time limit, stopped on exit and
on SIGTERM, and a server orphaned by a killed run (kill -9) is stopped by the next run.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.fsutil import QuietFileHandler
from jixiao_cli.server import PrefectStartError as PrefectStartError
from jixiao_cli.server import ensure_background_server, use_api
from jixiao_cli.statefile import cmdline

log = logging.getLogger("jixiao.cli")
SERVER_PID_FILE = "temporary-server.pid"
_SERVER_MARK = "prefect.server.api.server:create_app"


def prepare_environment(home: Path | None) -> None:
    """No network here and a clean terminal: analytics and progress bars off, Prefect's home under ours.

    A reused PREFECT_HOME starts the local Prefect server in ~6 s instead of ~14 s, so it lives in JIXIAO_HOME.
    Values the user set are kept.
    """
    base = Path(home or os.environ.get("JIXIAO_HOME") or "./jixiao-data").expanduser().resolve()
    if home is not None or "JIXIAO_HOME" in os.environ:
        # Resolved once, here: flows, served runs and subprocesses all see one absolute home.
        os.environ["JIXIAO_HOME"] = str(base)
    defaults = {
        "PREFECT_HOME": str(base / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        # Prefect's console output (banners, EventsWorker noise, failure tracebacks) stays off the operator's
        # terminal: jixiao prints its own outcome and one-line errors. The same records go to the run's log
        # in the UI and to JIXIAO_HOME/logs/jixiao.log (log_to_file).
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL": "CRITICAL",
        "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "false"),
        # Prefect's own 20 s limit fails under load; jixiao waits itself (JIXIAO_PREFECT_START_TIMEOUT_S).
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": os.environ.get(
            "JIXIAO_PREFECT_START_TIMEOUT_S", "120"
        ),
        "TQDM_DISABLE": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C (SystemExit): atexit hooks stop the temporary server, pools shut down."""

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def stop_orphaned_server(prefect_home: Path) -> bool:
    """Stop a temporary server whose jixiao process was killed (its parent is gone); True if one was."""
    pid_file = prefect_home / SERVER_PID_FILE
    try:
        server_pid, owner_pid = (int(x) for x in pid_file.read_text().split())
    except (OSError, ValueError):
        return False
    if _SERVER_MARK not in cmdline(server_pid):
        pid_file.unlink(missing_ok=True)
        return False
    if owner_pid != os.getpid() and cmdline(owner_pid):
        return False  # its jixiao process still runs (a concurrent CLI run): leave it
    with contextlib.suppress(ProcessLookupError):
        os.kill(server_pid, signal.SIGTERM)
        for _ in range(50):
            if _SERVER_MARK not in cmdline(server_pid):
                break
            time.sleep(0.1)
        else:
            os.kill(server_pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    log.warning("stopped a temporary Prefect server (pid %d) left by a killed jixiao run", server_pid)
    return True


def ensure_prefect_api(timeout_s: float, on_wait: Callable[[float], None] | None = None) -> str | None:
    """Unless PREFECT_API_URL is set: reuse or start the background server (or, with
    JIXIAO_PREFECT_SERVER=temporary, start a temporary one); wait with progress; its API URL.

    Returns None when an API is configured. Raises PrefectStartError (one line naming the cause).
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return None
    prefect_home = Path(os.environ["PREFECT_HOME"])
    prefect_home.mkdir(parents=True, exist_ok=True)
    stop_orphaned_server(prefect_home)
    if os.environ.get("JIXIAO_PREFECT_SERVER", "background") != "temporary":
        url, started = ensure_background_server(prefect_home, timeout_s, on_wait)
        if started:
            # It outlives this command on purpose (later commands skip the start): say so, and how to stop it.
            print(
                f"jixiao: a Prefect server now runs in the background at {url} for later commands; "
                "stop it with `jixiao server stop`",
                file=sys.stderr,
            )
        use_api(url)
        return url
    return _start_temporary_server(prefect_home, timeout_s, on_wait)


def _start_temporary_server(
    prefect_home: Path, timeout_s: float, on_wait: Callable[[float], None] | None
) -> str:
    from prefect.server.api.server import SubprocessASGIServer

    # The same instance Prefect's clients use when no API URL is set: once running, they reuse it.
    server = SubprocessASGIServer()
    failure: list[BaseException] = []

    def start() -> None:
        try:
            # Prefect's start(timeout=0) does not wait at all: a budget under a second is one second.
            server.start(timeout=max(1, math.ceil(timeout_s)))
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    t0 = time.monotonic()
    thread.start()
    while thread.is_alive():
        thread.join(0.5)
        if on_wait is not None:
            on_wait(time.monotonic() - t0)
    if failure:
        with contextlib.suppress(Exception):
            server.stop()  # a server that came up too late must not outlive this command
        _stop_child_servers()  # Prefect may fail its start before it keeps the process it spawned
        exc = failure[0]
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PrefectStartError(
            f"the temporary Prefect server did not start within {timeout_s:.0f} s ({detail[:160]}); "
            "start one with `prefect server start` and set PREFECT_API_URL, or raise JIXIAO_PREFECT_START_TIMEOUT_S"
        ) from exc
    if server.server_process is not None:
        (prefect_home / SERVER_PID_FILE).write_text(f"{server.server_process.pid} {os.getpid()}")
    return server.api_url


def _stop_child_servers(grace_s: float = 10.0) -> None:
    """Terminate this process's children that are a Prefect API server (``…server:create_app``)."""
    import psutil

    with contextlib.suppress(psutil.Error):
        servers = [
            p for p in psutil.Process().children(recursive=True) if "create_app" in " ".join(p.cmdline())
        ]
        for p in servers:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(servers, timeout=grace_s)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()


def stop_prefect_server() -> None:
    """Stop the temporary server this process started (also registered with atexit by Prefect)."""
    from prefect.server.api.server import SubprocessASGIServer

    for server in list(SubprocessASGIServer._instances.values()):
        with contextlib.suppress(Exception):
            server.stop()
    home = os.environ.get("PREFECT_HOME")
    if home:
        pid_file = Path(home) / SERVER_PID_FILE
        with contextlib.suppress(OSError, ValueError):
            if int(pid_file.read_text().split()[1]) == os.getpid():
                pid_file.unlink()


def log_to_file(home: Path, level: int = logging.INFO) -> Path:
    """Prefect's and jixiao's log records, with traces, appended to JIXIAO_HOME/logs/jixiao.log."""
    import prefect  # noqa: F401  # Prefect configures its loggers on import; the handler is added after

    path = log_file(home)
    handler = QuietFileHandler(path, encoding="utf-8")  # a full disk must not print a trace per record
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("prefect", "jixiao", "deployments", "flows", "tasks"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > level:
            logger.setLevel(level)
    return path


def log_file(home: Path) -> Path:
    path = home / "logs" / "jixiao.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe_error(exc: BaseException) -> str:
    """One line naming the cause, for the operator; the full trace goes to the log."""
    from jixiao.errors import DatabaseUnavailable

    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for e in chain:
        if isinstance(e, JixiaoError) and not isinstance(e, DatabaseUnavailable):
            return first_line(e)
    for e in chain:
        name = type(e).__name__
        module = type(e).__module__
        if isinstance(e, DatabaseUnavailable) or (
            module.startswith("sqlalchemy") and name == "OperationalError"
        ):
            return f"the database is unreachable: {_short_db(first_line(e))}"
        if isinstance(e, OSError) and e.errno == 28:
            return f"the disk is full: {first_line(e)}"
        if "ephemeral Prefect API server" in str(e):
            return "the temporary Prefect server did not start; start one with `prefect server start` and set PREFECT_API_URL"
        if module.startswith("httpx") and "Connect" in name:
            return f"the Prefect API is unreachable ({first_line(e)}); is `prefect server start` running at PREFECT_API_URL?"
    return f"{type(exc).__name__}: {first_line(exc)}"


def _short_db(text: str) -> str:
    # psycopg/sqlite messages start with the useful part; drop SQLAlchemy's "(Background on …)" tail.
    return text.split(" (Background on this error", 1)[0][:300]


def write_trace(home: Path | None, exc: BaseException) -> Path | None:
    import traceback

    text = f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%S')} jixiao {' '.join(sys.argv[1:])}\n"
    text += "".join(traceback.format_exception(exc))
    try:
        base = Path(home or os.environ.get("JIXIAO_HOME") or "./jixiao-data").expanduser().resolve()
        path = log_file(base)
        with path.open("a", encoding="utf-8") as f:
            f.write(text)
        return path
    except OSError:  # the home's disk is full or read-only: the trace goes to the temporary folder
        import tempfile

        fallback = (
            Path(tempfile.gettempdir()) / f"jixiao-trace-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
        )
        try:
            fallback.write_text(text, encoding="utf-8")
        except OSError:
            return None
        return fallback


def stop_children(grace_s: float = 10.0) -> int:
    """Terminate every process this one started (temporary server, parse workers, served flow runs).

    Called when the CLI exits, also after SIGTERM or Ctrl-C, so nothing is left running. Parse workers
    that ignore SIGTERM are killed after ``grace_s``. Returns how many there were.
    """
    import psutil

    try:
        kids = psutil.Process().children(recursive=True)
    except psutil.Error:
        return 0
    for kid in kids:
        with contextlib.suppress(psutil.Error):
            kid.terminate()
    _, alive = psutil.wait_procs(kids, timeout=grace_s)
    for kid in alive:
        with contextlib.suppress(psutil.Error):
            kid.kill()
    return len(kids)
