"""Child processes that die with their parent: no parse worker outlives a killed run.

A ``kill -9`` of the CLI, the watcher or a flow run gives the parent no chance to stop its children, and
parse workers busy in C code may ignore SIGTERM anyway. So each worker asks the kernel to kill it when its
parent ends (Linux ``PR_SET_PDEATHSIG``), and keeps a watchdog thread that exits when it is re-parented,
for systems without the prctl and for the moment between fork and the prctl call.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import cast

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL_S = 0.5


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return cast("Callable[..., int]", ctypes.CDLL(None, use_errno=True).prctl)
    except (OSError, AttributeError):
        return None


# Looked up once at import: a child between fork and exec must not load libraries (the loader's lock may
# be held by a thread that does not exist in the child).
_PRCTL = _load_prctl()


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent ends; False where it is not available.

    Safe between fork and exec (``preexec_fn``): the request survives exec of an ordinary program. The
    kernel ties it to the parent *thread* that forked, so fork from a thread that outlives the child.
    """
    return _PRCTL is not None and int(_PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def watch_parent(creator: int, interval_s: float = WATCH_INTERVAL_S) -> threading.Thread:
    """A daemon thread that ends this process once it is re-parented or ``creator`` (the process that
    started it, directly or through a fork server) is gone."""
    parent = os.getppid()

    def run() -> None:
        while True:
            if os.getppid() != parent or not _alive(creator):
                os._exit(1)  # nobody is left to collect this worker's results
            time.sleep(interval_s)

    thread = threading.Thread(target=run, name="jixiao-parent-watchdog", daemon=True)
    thread.start()
    return thread


def worker_init(creator: int) -> None:
    """Pool initializer: die with ``creator``, the pid that created the pool (``os.getpid()`` there)."""
    die_with_parent()
    if os.getppid() == 1 or not _alive(creator):  # it died before the prctl took effect
        os._exit(1)
    watch_parent(creator)


_following: list[threading.Thread] = []


def end_with_launcher() -> bool:
    """In a flow run that a Prefect runner or worker started as its own process (``PREFECT__FLOW_RUN_ID``
    set), exit once the launching process is gone, so a ``kill -9`` of ``jixiao serve`` leaves no run
    behind (the next run takes over its claims). A watchdog rather than ``PR_SET_PDEATHSIG``: the kernel
    ties that to the launcher's forking thread, which Prefect does not promise to keep. Once per process."""
    if not os.environ.get("PREFECT__FLOW_RUN_ID") or _following:
        return bool(_following)
    _following.append(watch_parent(os.getppid()))
    return True


def owner_tag() -> str:
    """``host:pid`` of this process, stored with a run so a later run can tell whether it still lives."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str | None) -> bool | None:
    """True/False for a process on this host; None when it cannot be told (another host, no owner)."""
    host, _, pid = (owner or "").partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
