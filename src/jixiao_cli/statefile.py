"""The background processes' state files (the Prefect server's, the runner's) and the check that a recorded
pid is still the process it names: one reading for both, so they agree on what a damaged file means."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json_state(path: Path, required: set[str]) -> dict[str, Any] | None:
    """The state in ``path``, or None when it is missing, unreadable or lacks a ``required`` key."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and required <= state.keys() else None


def cmdline(pid: int) -> str:
    """The command line of process ``pid`` ("" when it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
