"""Where the resident jixiao runner is and whether a command may use it: its state file, socket and key.

Cheap on purpose: a command imports this module (and no Prefect, GX or pandas) to decide whether to send its
run to the runner (jixiao_cli.runner). The key says which code and settings the runner imported: the
interpreter, the size and time of every file of jixiao's packages, the Prefect and GX versions and the
PREFECT_/GX_ environment (read by those libraries at import). A command whose key differs must not use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jixiao_cli.statefile import cmdline, read_json_state

STATE_FILE = "jixiao-runner.json"
LOCK_FILE = "jixiao-runner.lock"
LOG_FILE = "jixiao-runner.log"
RUNNER_MARK = "jixiao_cli.runner"
PROTOCOL = 1
PACKAGES = ("jixiao", "jixiao_cli", "flows", "tasks", "expectations", "deployments")
_SUFFIXES = {".py", ".toml", ".json", ".yml", ".yaml", ".ini", ".mako"}


def _package_files() -> list[Path]:
    files: list[Path] = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        for root in (spec.submodule_search_locations or []) if spec else []:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
                files += [Path(dirpath, f) for f in sorted(filenames) if Path(f).suffix in _SUFFIXES]
    return files


def runner_key(environ: dict[str, str] | None = None) -> str:
    """What the runner imported: code, interpreter, library versions and their import-time environment."""
    env = os.environ if environ is None else environ
    h = hashlib.sha256(f"{PROTOCOL}\0{sys.executable}\0".encode())
    for path in _package_files():
        with contextlib.suppress(OSError):
            st = path.stat()
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for dist in ("prefect", "great_expectations"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{dist}={importlib.metadata.version(dist)}\n".encode())
    frameworks = sorted(
        (k, v) for k, v in env.items() if k.startswith(("PREFECT_", "GX_")) and k != "PREFECT_API_URL"
    )
    h.update(json.dumps(frameworks).encode())
    return h.hexdigest()[:20]


def socket_path(prefect_home: Path) -> Path:
    """A Unix socket in PREFECT_HOME; in the temporary folder when that path is too long for a socket."""
    inside = prefect_home / "jixiao-runner.sock"
    if len(str(inside)) < 100:
        return inside
    tag = hashlib.sha256(str(prefect_home).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"jixiao-runner-{tag}.sock"


def state_path(prefect_home: Path) -> Path:
    return prefect_home / STATE_FILE


def read_state(prefect_home: Path) -> dict[str, Any] | None:
    return read_json_state(state_path(prefect_home), {"pid", "socket", "key"})


def write_state(prefect_home: Path, state: dict[str, Any]) -> None:
    tmp = prefect_home / f"{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state))
    tmp.replace(state_path(prefect_home))


def is_runner_process(pid: int, prefect_home: Path) -> bool:
    """The pid is still a jixiao runner of this home (not a reused pid)."""
    cmd = cmdline(pid)
    return RUNNER_MARK in cmd and str(prefect_home) in cmd


def live_state(prefect_home: Path) -> dict[str, Any] | None:
    state = read_state(prefect_home)
    return state if state is not None and is_runner_process(int(state["pid"]), prefect_home) else None


def terminate(pid: int, prefect_home: Path, grace_s: float = 10.0) -> None:
    """Stop a runner (SIGTERM, then SIGKILL). Runs it forked keep going: they end on their own."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while is_runner_process(pid, prefect_home) and time.monotonic() < deadline:
            time.sleep(0.05)
        if is_runner_process(pid, prefect_home):
            os.kill(pid, signal.SIGKILL)


def _profile_sets_api() -> bool:
    """A Prefect profile may name an API (read at import): such a set-up runs in the command's process."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
    try:
        return "PREFECT_API_URL" in profiles.read_text(errors="replace")
    except OSError:
        return False


def _api_in_settings() -> bool:
    """A process that imported Prefect already (a test harness, a library caller) may have set an API."""
    if "prefect.settings" not in sys.modules:
        return False
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def wanted() -> bool:
    """The runner serves the default set-up: jixiao's background Prefect server, no API of the user's."""
    return (
        not os.environ.get("PREFECT_API_URL")
        and not _api_in_settings()
        and os.environ.get("JIXIAO_PREFECT_SERVER", "background") != "temporary"
        and os.environ.get("JIXIAO_RUNNER", "on").lower() not in {"off", "0", "false", "no"}
        and not _profile_sets_api()
    )
