"""``jixiao ingest``: stage files into the inbox and run the ingest flow over it, or hand them to a watcher.

Nothing to do costs no Prefect, Great Expectations or pandas import: those load only once there is work.
Nothing to do is an empty inbox, or files that were all processed before (filed away again, no run).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from jixiao_cli import common
from jixiao_cli import progress as stage_progress
from jixiao_cli.common import DbOpt, HomeOpt, console, err
from jixiao_cli.env import ensure_prefect_api, log_to_file, stop_orphaned_server
from jixiao_cli.redelivered import refile_if_nothing_new

if TYPE_CHECKING:
    from jixiao.runsummary import RunSummary


def run_ingest(
    settings: Any, paths: list[str] | None, show_progress: bool, display: Any = None
) -> tuple[RunSummary, str]:
    """Run the ingest flow in this process, heartbeats off (they cost ~1 s a run), with the stage display
    (or ``display``, a context manager that listens to the stages: the runner's, which forwards them).

    Returns (summary, state name). A run that failed with an error raises it.
    """
    from contextlib import nullcontext

    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import DQ_FAILED, ingest

    kwargs = {
        "paths": paths,
        "home": str(settings.home),
        "database_url": settings.database_url,
        "workers": settings.workers,
        "return_state": True,
    }
    if display is None:
        display = stage_progress.StageProgress(err) if show_progress else nullcontext()
    # Already off in the runner's settings: rebuilding them costs 0.3 s.
    off = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    quiet = nullcontext() if off else temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
    with quiet, display:
        state = ingest(**kwargs)
    if state.is_failed() and state.name != DQ_FAILED:
        state.result()  # raises the run's error, for main() to report in one line
    summary: RunSummary = state.result(raise_on_failure=False)
    return summary, str(state.name)


def print_summary(summary: RunSummary, state_name: str = "Completed") -> None:
    table = Table(title=f"ingest run {summary.run_id}")
    for c in ("file", "status", "unit", "year", "reason"):
        table.add_column(c, overflow="fold")
    for o in summary.outcomes[:200]:
        # Text, not markup: names and reasons come from the files ("某某县科协[/]" must print as written).
        table.add_row(
            Text(o.file), Text(o.status), Text(o.unit or ""), Text(str(o.year or "")), Text(o.reason or "")
        )
    if summary.outcomes:
        console.print(table)
    by = summary.by_status
    console.print(
        f"files: {summary.files_seen} seen · {by.get('loaded', 0)} loaded · {by.get('duplicate', 0)} duplicate · "
        f"{by.get('quarantined', 0)} quarantined · {summary.already_processed} already processed earlier"
    )
    console.print(
        f"reports loaded: {summary.reports_loaded} (superseded {summary.superseded}) · "
        f"review queue +{summary.review_items} · DQ failures: {summary.dq_errors} error(s), "
        f"{summary.dq_warnings} warning(s)"
    )
    console.print(f"run state: {escape(state_name)}")
    if summary.dq_errors or summary.dq_warnings:
        console.print(f"see: jixiao dq --failed --run {summary.run_id}")


def _ledger_rows(settings: Any, hashes: list[str]) -> list[dict[str, Any]]:
    from sqlalchemy import bindparam, text

    from jixiao.db.engine import get_engine

    if not hashes:
        return []
    query = text(
        "select name, status, reason, sha256 from source_file where sha256 in :h order by id"
    ).bindparams(bindparam("h", expanding=True))
    with get_engine(settings.db_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query, {"h": hashes})]


def hand_to_watcher(settings: Any, pid: int, staged: list[Path], fmt: str, wait_s: float) -> None:
    """A watcher owns this inbox: the files are its to process. Wait until they have left the inbox."""
    import time

    from jixiao.pipeline import sha256_file

    hashes = {str(p): sha256_file(p) for p in staged if p.exists()}
    who = f"pid {pid}" if pid > 0 else "another process"
    err.print(f"the watcher ({who}) processes {settings.inbox}: handed {len(staged)} file(s) to it")
    t0 = time.monotonic()
    with err.status("waiting for the watcher's run…") as status:
        while any(Path(p).exists() for p in hashes) and time.monotonic() - t0 < wait_s:
            status.update(f"waiting for the watcher's run… {time.monotonic() - t0:.0f} s")
            time.sleep(0.5)
    left = [Path(p).name for p in hashes if Path(p).exists()]
    rows = _ledger_rows(settings, sorted(set(hashes.values())))
    if fmt == "json":
        sys.stdout.write(
            json.dumps({"handed_to_watcher": pid, "files": rows, "still_in_inbox": left}, ensure_ascii=False)
            + "\n"
        )
    else:
        table = Table(title="files handed to the watcher")
        for c in ("name", "status", "reason"):
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(Text(r["name"]), Text(r["status"]), Text(r["reason"] or ""))
        console.print(table)
    if left:
        err.print(f"still in the inbox after {wait_s:.0f} s: {escape(', '.join(left))}; see `jixiao files`")
        raise typer.Exit(1)


def _stage(paths: list[Path] | None, inbox: Path, move: bool) -> list[Path] | None:
    """Copy (or move) the given files and folders into the inbox; their names there, absolute."""
    if not paths:
        return None
    from jixiao.filing import stage_into_inbox

    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]error:[/red] no such file or folder: {escape(', '.join(map(str, missing)))}")
        raise typer.Exit(2)
    return [Path(os.path.abspath(p)) for p in stage_into_inbox(list(paths), inbox, move=move)]


def _nothing_to_do(settings: Any, fmt: str) -> None:
    """An empty inbox answers at once: no Prefect server, no flow."""
    if fmt == "json":
        sys.stdout.write(json.dumps({"files_seen": 0, "by_status": {}}) + "\n")
    else:
        console.print(f"the inbox {settings.inbox} is empty: nothing to ingest")


def _nothing_new(n: int, fmt: str) -> None:
    """Every waiting file was processed before: filed away again, no run (the ledger already has them)."""
    if fmt == "json":
        sys.stdout.write(json.dumps({"files_seen": n, "already_processed": n, "by_status": {}}) + "\n")
        return
    console.print(f"files: {n} seen · 0 loaded · 0 duplicate · 0 quarantined · {n} already processed earlier")
    console.print(
        "nothing new: every file was processed before (`jixiao files` has their outcome); no run started"
    )


def _run_and_report(settings: Any, staged: list[Path] | None, fmt: str, show_progress: bool) -> None:
    """The run goes to the resident runner (no import here), else runs in this process as it always did."""
    from jixiao_cli.runner_client import run_remote

    paths = [str(p) for p in staged] if staged else None
    answer = run_remote(settings, paths, show_progress)
    if answer is None:
        log_to_file(settings.home)
        with err.status("starting the temporary Prefect server…") as status:
            ensure_prefect_api(
                settings.prefect_start_timeout_s,
                lambda s: status.update(f"starting the temporary Prefect server… {s:.0f} s"),
            )
        answer = run_ingest(settings, paths, show_progress)
    summary, state_name = answer
    if fmt == "json":
        sys.stdout.write(
            json.dumps({**summary.as_dict(), "state": state_name}, ensure_ascii=False, indent=2, default=str)
            + "\n"
        )
    else:
        print_summary(summary, state_name)
    if state_name.startswith("Failed"):
        raise typer.Exit(1)


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to ingest (default: the inbox).")
    ] = None,
    home: HomeOpt = None,
    database_url: DbOpt = None,
    workers: Annotated[int | None, typer.Option(help="Parse processes (0 = one per core).")] = None,
    move: Annotated[
        bool, typer.Option("--move", help="Move the given files into the inbox instead of copying.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json (the run summary).")] = "table",
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for a running watcher to process handed files.")
    ] = 900.0,
    show_progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Stage progress on stderr (read, parse, match, validate, load). Default: on a terminal "
            "with --format table; --progress on a pipe prints one line per finished stage.",
        ),
    ] = None,
) -> None:
    """Ingest report files: copy them into the inbox and run the ingest flow over it.

    When `jixiao watch` or `jixiao serve` watches the inbox, the files are handed to it (one run, the
    watcher's) and the command waits for their outcome instead of starting a run of its own.
    """
    settings = common.settings(home, database_url, workers=workers)
    settings.ensure_dirs()
    from jixiao.watch import pending_files, watcher_pid

    staged = _stage(paths, settings.inbox, move)
    pid = watcher_pid(settings.home)
    if pid is not None:
        hand_to_watcher(settings, pid, staged or pending_files(settings.inbox), fmt, wait)
        return
    # A temporary Prefect server left by a killed run (kill -9) is stopped now, even when there is no work.
    stop_orphaned_server(Path(os.environ["PREFECT_HOME"]))
    waiting = staged or pending_files(settings.inbox)
    if not waiting:
        _nothing_to_do(settings, fmt)
        return
    again = refile_if_nothing_new(settings, waiting)
    if again is not None:
        _nothing_new(again, fmt)
        return
    _run_and_report(settings, staged, fmt, stage_progress.wanted(show_progress, fmt, err))
