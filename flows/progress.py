"""Stage progress of the ingest flow, for an interactive caller running the flow in its own process.

The flow reports each stage (read, parse, match, validate, load) with counts; nobody listens unless a caller
(the CLI's progress display) sets a hook. Parsing advances per file through ``pipeline.set_progress_hook``.
"""

from __future__ import annotations

from collections.abc import Callable

STAGES = ("read", "parse", "match", "validate", "load")
# validate runs one suite per step of each chunk (read, parsed, consistency, matched), then the loaded
# tables' once: a run of one chunk validates SUITES times.
STEP_SUITES = 4
SUITES = STEP_SUITES + 1

# on_event(kind, stage, n): kind "start" (n = the stage's total), "advance" (n more done) or "done".
Hook = Callable[[str, str, int], None]
_hooks: list[Hook] = []


def listen(hook: Hook) -> None:
    _hooks[:] = [hook]


def stop_listening() -> None:
    _hooks.clear()


def _emit(kind: str, stage: str, n: int) -> None:
    for hook in _hooks:
        hook(kind, stage, n)


def start(stage: str, total: int) -> None:
    _emit("start", stage, total)


def advance(stage: str, k: int = 1) -> None:
    _emit("advance", stage, k)


def done(stage: str) -> None:
    """The stage is over: whatever it did not count (files refused before parsing) counts as done."""
    _emit("done", stage, 0)
