"""One progress display for ``jixiao ingest`` across the flow's stages: read, parse, match, validate, load.

On a terminal it is a live Rich display on stderr (a bar and ``done/total`` per stage, cleared at the end).
Asked for with ``--progress`` when stderr is not a terminal (CI logs, files), it writes one line per stage
as the stage ends: ``parse     5/5 · 1.2 s``. Standard output stays the run's summary either way.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from flows import progress as stages


def wanted(asked: bool | None, fmt: str, console: Console) -> bool:
    """Shown on a terminal by default, never by default for --format json or a pipe; --progress forces it."""
    if asked is not None:
        return asked
    return fmt == "table" and console.is_terminal


class StageProgress:
    """Listens to the flow's stage events (and the parse pool's per-file hook) while the flow runs."""

    def __init__(self, console: Console, hooks: bool = True) -> None:
        self.console = console
        self.hooks = hooks  # False: the events come from elsewhere (the runner), not this process's flow
        self.live = console.is_terminal
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.bar: Progress | None = None
        self.ids: dict[str, TaskID] = {}

    def __enter__(self) -> StageProgress:
        if self.live:
            self.bar = Progress(
                TextColumn("{task.description:<9}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.ids = {s: self.bar.add_task(s, total=None, start=False) for s in stages.STAGES}
            self.bar.start()
        if self.hooks:
            from jixiao import pipeline

            stages.listen(self.on_event)
            pipeline.set_progress_hook(lambda k: self.on_event("advance", "parse", k))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.hooks:
            from jixiao import pipeline

            stages.stop_listening()
            pipeline.set_progress_hook(None)
        if self.bar is not None:
            self.bar.stop()

    def on_event(self, kind: str, stage: str, n: int) -> None:
        if kind == "start":
            self.totals[stage], self.done[stage] = n, 0
            self.started[stage] = time.monotonic()
        elif kind == "advance":
            self.done[stage] = self.done.get(stage, 0) + n
        elif stage in self.totals:  # done: what was not counted (refused before parsing) is over too
            self.done[stage] = max(self.done.get(stage, 0), self.totals[stage])
        self._show(kind, stage)

    def _show(self, kind: str, stage: str) -> None:
        total, done = self.totals.get(stage, 0), self.done.get(stage, 0)
        if self.bar is not None:
            task = self.ids[stage]
            if kind == "start":
                self.bar.start_task(task)
            self.bar.update(task, total=total, completed=done)
        elif kind == "done":
            seconds = time.monotonic() - self.started.get(stage, time.monotonic())
            self.console.print(f"{stage:<9} {done}/{total} · {seconds:.1f} s", markup=False, highlight=False)

    def snapshot(self) -> dict[str, Any]:
        """{stage: (done, total)} of the stages that started, for tests and logs."""
        return {s: (self.done[s], self.totals[s]) for s in stages.STAGES if s in self.totals}
