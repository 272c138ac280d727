"""The ``jixiao`` command line: a thin edge over the flows and the core."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from jixiao_cli import browse, export, reads, server
from jixiao_cli.env import (
    describe_error,
    ensure_prefect_api,
    exit_on_sigterm,
    log_to_file,
    prepare_environment,
    stop_children,
    stop_orphaned_server,
    stop_prefect_server,
    write_trace,
)
from jixiao_cli.output import read_engine

app = typer.Typer(
    help="jixiao (绩效): turn 部门整体支出绩效自评报告 into clean, checked data.",
    no_args_is_help=True,
    add_completion=False,
    # Errors are one line for the operator (main() below); --debug shows the trace. Never locals: they
    # can hold a database URL with its password.
    pretty_exceptions_enable=False,
)
units_app = typer.Typer(help="The canonical registry of 科学技术协会 units.", no_args_is_help=True)
review_app = typer.Typer(help="The review queue of unit matches that need a person.")
dq_app = typer.Typer(help="Data-quality outcomes of ingest runs.")
app.add_typer(units_app, name="units")
app.add_typer(review_app, name="review")
app.add_typer(dq_app, name="dq")
app.add_typer(server.app, name="server")

# Piped output (CI logs, files) gets a wide table instead of an 80-column squeeze. Standard output shows
# text from reports (unit names, file names, evidence): it is never read as Rich markup ("科协[/]").
console = Console(width=None if sys.stdout.isatty() else 180, markup=False, highlight=False)
err = Console(stderr=True)

HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="Data folder (env JIXIAO_HOME, default ./jixiao-data).")
]
DbOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL (env JIXIAO_DATABASE_URL; default SQLite in home)."),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


_options: dict[str, bool] = {"debug": False}


@app.callback()
def _global_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error (default: one line).")
    ] = False,
) -> None:
    """jixiao (绩效): turn 部门整体支出绩效自评报告 into clean, checked data."""
    _options["debug"] = debug


def _settings(home: Path | None, db: str | None, **extra: Any) -> Any:
    prepare_environment(home)
    from jixiao.config import get_settings

    return get_settings(home=home, database_url=db, **extra)


def _engine(settings: Any) -> Any:
    from jixiao.db.engine import get_engine
    from jixiao.db.repository import sync_registry
    from jixiao.errors import DatabaseUnavailable
    from jixiao.units.registry import load_registry

    try:
        engine = get_engine(settings.db_url)
        sync_registry(engine, load_registry())
        return engine
    except DatabaseUnavailable as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def progress_bar(label: str) -> Progress:
    """A transient bar on stderr, so piped stdout stays clean."""
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
    )


def _print_rows(
    rows: list[dict[str, Any]],
    fmt: str,
    columns: list[str],
    title: str | None = None,
    headers: list[str] | None = None,
) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r.get(k) for k in columns})
        sys.stdout.write(buf.getvalue())
    elif fmt == "table":
        table = Table(title=title)
        for key, c in zip(columns, headers or columns, strict=True):
            values = [r.get(key) for r in rows if r.get(key) is not None]
            if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                table.add_column(c, justify="right", no_wrap=True)  # numbers never wrap mid-number
            else:
                table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
        console.print(table)
    else:
        err.print(f"[red]error:[/red] unknown format {escape(repr(fmt))}; use table, json or csv")
        raise typer.Exit(2)


# ---------------------------------------------------------------------------------------------- ingest


def run_ingest(settings: Any, paths: list[str] | None, show_progress: bool) -> tuple[dict[str, Any], str]:
    """Run the ingest flow in this process, with a progress bar and heartbeats off (they cost ~1 s a run).

    Returns (summary, state name). A run that failed with an error raises it.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import DQ_FAILED, ingest
    from jixiao import pipeline

    n = len(paths) if paths else len(pipeline.scan_inbox(settings.inbox))
    kwargs = {
        "paths": paths,
        "home": str(settings.home),
        "database_url": settings.database_url,
        "workers": settings.workers,
        "return_state": True,
    }
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        if not show_progress or n < 20:
            state = ingest(**kwargs)
        else:
            with progress_bar("reading and parsing") as progress:
                bar = progress.add_task("parse", total=n)
                pipeline.set_progress_hook(lambda k: progress.advance(bar, k))
                try:
                    state = ingest(**kwargs)
                finally:
                    pipeline.set_progress_hook(None)
    if state.is_failed() and state.name != DQ_FAILED:
        state.result()  # raises the run's error, for main() to report in one line
    summary = state.result(raise_on_failure=False)
    return summary, str(state.name)


def print_summary(summary: dict[str, Any], state_name: str = "Completed") -> None:
    table = Table(title=f"ingest run {summary['run_id']}")
    for c in ("file", "status", "unit", "year", "reason"):
        table.add_column(c, overflow="fold")
    for o in summary.get("outcomes", [])[:200]:
        # Text, not markup: names and reasons come from the files ("某某县科协[/]" must print as written).
        table.add_row(
            Text(o["file"]),
            Text(o["status"]),
            Text(o["unit"] or ""),
            Text(str(o["year"] or "")),
            Text(o["reason"] or ""),
        )
    if summary.get("outcomes"):
        console.print(table)
    by = summary.get("by_status", {})
    console.print(
        f"files: {summary['files_seen']} seen · {by.get('loaded', 0)} loaded · {by.get('duplicate', 0)} duplicate · "
        f"{by.get('quarantined', 0)} quarantined · {summary['already_processed']} already processed earlier"
    )
    console.print(
        f"reports loaded: {summary.get('reports_loaded', 0)} (superseded {summary.get('superseded', 0)}) · "
        f"review queue +{summary.get('review_items', 0)} · DQ failures: {summary.get('dq_errors', 0)} error(s), "
        f"{summary.get('dq_warnings', 0)} warning(s)"
    )
    console.print(f"run state: {escape(state_name)}")
    if summary.get("dq_errors") or summary.get("dq_warnings"):
        console.print(f"see: jixiao dq --failed --run {summary['run_id']}")


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


@app.command()
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
) -> None:
    """Ingest report files: copy them into the inbox and run the ingest flow over it.

    When `jixiao watch` or `jixiao serve` watches the inbox, the files are handed to it (one run, the
    watcher's) and the command waits for their outcome instead of starting a run of its own.
    """
    settings = _settings(home, database_url, workers=workers)
    settings.ensure_dirs()
    from jixiao.watch import pending_files, watcher_pid

    staged = None
    if paths:
        from jixiao.filing import stage_into_inbox

        missing = [p for p in paths if not p.exists()]
        if missing:
            err.print(f"[red]error:[/red] no such file or folder: {escape(', '.join(map(str, missing)))}")
            raise typer.Exit(2)
        staged = [Path(os.path.abspath(p)) for p in stage_into_inbox(list(paths), settings.inbox, move=move)]
    pid = watcher_pid(settings.home)
    if pid is not None:
        hand_to_watcher(settings, pid, staged or pending_files(settings.inbox), fmt, wait)
        return
    # A temporary Prefect server left by a killed run (kill -9) is stopped now, even when there is no work.
    stop_orphaned_server(Path(os.environ["PREFECT_HOME"]))
    if not staged and not pending_files(settings.inbox):
        # Nothing to do needs no Prefect server: answer at once.
        if fmt == "json":
            sys.stdout.write(json.dumps({"files_seen": 0, "by_status": {}}) + "\n")
        else:
            console.print(f"the inbox {settings.inbox} is empty: nothing to ingest")
        return
    log_to_file(settings.home)
    with err.status("starting the temporary Prefect server…") as status:
        ensure_prefect_api(
            settings.prefect_start_timeout_s,
            lambda s: status.update(f"starting the temporary Prefect server… {s:.0f} s"),
        )
    summary, state_name = run_ingest(settings, [str(p) for p in staged] if staged else None, fmt == "table")
    if fmt == "json":
        sys.stdout.write(
            json.dumps({**summary, "state": state_name}, ensure_ascii=False, indent=2, default=str) + "\n"
        )
    else:
        print_summary(summary, state_name)
    if state_name.startswith("Failed"):
        raise typer.Exit(1)


# The read commands (reports, files, runs, dq, export, browse) live in their own modules.
app.command("reports")(reads.reports)
app.command("files")(reads.files)
app.command("runs")(reads.runs)
app.command("export")(export.export)
app.command("browse")(browse.browse)
dq_app.callback(invoke_without_command=True)(reads.dq)
PUBLIC_KEYS = reads.PUBLIC_KEYS


@app.command()
def repair(home: HomeOpt = None, database_url: DbOpt = None) -> None:
    """Settle (unit, year) groups with more than one current report, and record a finding for each report
    loaded without its data-quality checks. Every run does this at start; safe to run any time."""
    from jixiao.db import repository as repo

    fixed = repo.repair(_engine(_settings(home, database_url)))
    console.print(
        f"{fixed.groups_fixed} (unit, year) group(s) had more than one current report: "
        f"{fixed.demoted} report(s) no longer current · {fixed.unchecked} report(s) without checks flagged"
    )


# ---------------------------------------------------------------------------------------------- units, review


@units_app.command("search")
def units_search(
    name: Annotated[str, typer.Argument(help="A unit name, full or abbreviated, typos allowed.")],
    limit: int = 10,
    fmt: FormatOpt = "table",
) -> None:
    """Search the registry by name."""
    from jixiao.units.match import search_units
    from jixiao.units.registry import load_registry

    prepare_environment(None)
    rows = [
        {
            "adcode": u.adcode,
            "name": u.name,
            "type": dtype,
            "level": u.level,
            "province": u.province,
            "city": u.city or "",
            "score": round(score, 1),
        }
        for u, score, dtype in search_units(load_registry(), name, limit)
    ]
    if not rows:
        err.print(f"no unit resembles {escape(repr(name))}")
        raise typer.Exit(1)
    _print_rows(
        rows,
        fmt,
        ["adcode", "name", "type", "level", "province", "city", "score"],
        title=f"units like {name}",
    )


@units_app.command("show")
def units_show(
    adcode: str, home: HomeOpt = None, database_url: DbOpt = None, fmt: FormatOpt = "table"
) -> None:
    """Show one unit by its adcode, with the number of reports loaded for it."""
    from jixiao.db import repository as repo

    unit = repo.unit_by_adcode(read_engine(home, database_url), adcode)
    if unit is None:
        err.print(f"[red]error:[/red] no unit with adcode {escape(adcode)}; try `jixiao units search NAME`")
        raise typer.Exit(1)
    _print_rows([unit], fmt, list(unit), title=unit["name"])


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context, home: HomeOpt = None, database_url: DbOpt = None, fmt: FormatOpt = "table"
) -> None:
    """List pending decisions with their evidence and top candidates."""
    ctx.obj = (home, database_url)
    if ctx.invoked_subcommand is not None:
        return
    from jixiao.db import repository as repo

    rows = repo.pending_reviews(read_engine(home, database_url))
    if fmt == "table":
        for r in rows:
            r["candidates"] = "; ".join(
                f"{c['adcode']} {c['name']} [{c.get('department_type') or '?'}] "
                f"{'/'.join(x for x in (c.get('province'), c.get('city'), c.get('county')) if x)} ({c['score']})"
                for c in r["candidates"][:4]
            )
    if not rows and fmt == "table":
        console.print("the review queue is empty")
        return
    _print_rows(
        rows,
        fmt,
        [
            "id",
            "report_id",
            "unit_name",
            "department_type",
            "fiscal_year",
            "read_from",
            "reason",
            "candidates",
            "evidence",
        ],
        title="review queue",
    )


def _decide(
    ctx: typer.Context, item_id: int, accept: bool, adcode: str | None, dtype: str | None = None
) -> None:
    from jixiao.db import repository as repo

    home, db = ctx.obj or (None, None)
    try:
        result = repo.decide_review(_engine(_settings(home, db)), item_id, accept, adcode, dtype)
    except repo.ReviewError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    spelling = f"; {result['spelling']!r} is now an alias" if repo.learnable(result["spelling"]) else ""
    console.print(
        f"review #{item_id} {result['status']}{' → ' + result['adcode'] if result['adcode'] else ''}{spelling}"
    )


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    item_id: int,
    adcode: Annotated[str | None, typer.Argument()] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--type", help="The unit's department type (妇联, 档案馆 …) when the report names none."
        ),
    ] = None,
) -> None:
    """Accept a match (the top candidate, or ADCODE); the spelling matches automatically from now on."""
    _decide(ctx, item_id, True, adcode, dtype)


@review_app.command("reject")
def review_reject(ctx: typer.Context, item_id: int) -> None:
    """Reject: the report names no registry unit; the spelling is remembered as such."""
    _decide(ctx, item_id, False, None)


# ---------------------------------------------------------------------------------------------- dq


@dq_app.command("docs")
def dq_docs(ctx: typer.Context) -> None:
    """Print the path of the Great Expectations Data Docs."""
    home, db = ctx.obj or (None, None)
    settings = _settings(home, db)
    index = next(iter(sorted(settings.gx_dir.rglob("data_docs/local_site/index.html"))), None)
    if index is None:
        err.print(f"no Data Docs yet under {escape(str(settings.gx_dir))}; run `jixiao ingest` first")
        raise typer.Exit(1)
    console.print(str(index.resolve()))


# ---------------------------------------------------------------------------------------------- synth, accuracy


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the corpus into.")] = Path(
        "synth-corpus"
    ),
    n: Annotated[int, typer.Option("--n", help="Number of reports.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same corpus).")] = 0,
    violation_rate: Annotated[float, typer.Option(help="Share of reports breaking one identity.")] = 0.1,
    formats: Annotated[
        str,
        typer.Option(
            "--formats",
            help="Format shares, e.g. txt=0.5,docx=0.1,pdf=0.1,xlsx=0.1,doc=0.05,ofd=0.1,scan=0.05 "
            "(scan: a stamped, scanned PDF; doc needs LibreOffice to write).",
        ),
    ] = "txt=0.80,docx=0.15,pdf=0.05",
) -> None:
    """Write a synthetic corpus of reports with ground truth (.truth.json beside each)."""
    from jixiao.synth import SynthConfig, generate_corpus, parse_formats

    try:
        shares = parse_formats(formats)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc

    prepare_environment(None)
    with progress_bar("generating") as progress:
        bar = progress.add_task("synth", total=n)
        paths = generate_corpus(
            out,
            SynthConfig(n=n, seed=seed, violation_rate=violation_rate, formats=shares),
            progress=lambda k: progress.advance(bar, k),
        )
    console.print(f"wrote {len(paths)} reports with ground truth to {out}")


@app.command()
def accuracy(
    corpus: Annotated[Path, typer.Argument(help="A folder of reports with .truth.json beside them.")],
    workers: Annotated[int, typer.Option(help="Parse processes (0 = one per core).")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    texts: Annotated[
        Path | None,
        typer.Option(help="Read the reports from this folder; CORPUS then holds only the .truth.json files."),
    ] = None,
    examples: Annotated[int, typer.Option(help="How many wrong or missing values to list (json).")] = 20,
    by_format: Annotated[
        bool, typer.Option("--by-format", help="Also per file format: accuracy, time, wrong values flagged.")
    ] = False,
) -> None:
    """Parse a corpus with ground truth (`jixiao synth`, tests/parse/handwritten) and report field accuracy."""
    from jixiao import pipeline
    from jixiao.synth.accuracy import format_table, measure, measure_by_format

    prepare_environment(None)
    if texts is None:
        reports = sorted(
            p
            for p in corpus.iterdir()
            if p.suffix in pipeline.SUPPORTED_SUFFIXES and p.with_name(p.name + ".truth.json").is_file()
        )
    else:
        reports = [texts / t.name.removesuffix(".truth.json") for t in sorted(corpus.glob("*.truth.json"))]
        absent = [r for r in reports if not r.is_file()]
        if absent:
            err.print(
                f"[red]error:[/red] {len(absent)} of {len(reports)} texts are not in {texts} "
                f"(first: {absent[0].name}); the real-report texts are third-party and kept out of git: "
                "see README, 'Accuracy on real reports'"
            )
            raise typer.Exit(2)
    if not reports:
        err.print(
            f"[red]error:[/red] no reports with truth in {escape(str(corpus))}; "
            f"write some with `jixiao synth --out {escape(str(corpus))}`"
        )
        raise typer.Exit(2)
    report = measure(
        reports, workers, truth_dir=corpus if texts is not None else None, keep_examples=examples
    )
    if fmt == "json":
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        console.print(report.format_table())
        console.print(
            f"overall field accuracy: {report.overall:.2%}, precision {report.precision:.2%} over {len(reports)} reports"
        )
        if by_format:
            console.print(
                format_table(measure_by_format(reports, workers, corpus if texts is not None else None))
            )


# ---------------------------------------------------------------------------------------------- services


@app.command()
def watch(home: HomeOpt = None, database_url: DbOpt = None) -> None:
    """Watch the inbox and ingest files as they arrive (Ctrl-C to stop)."""
    settings = _settings(home, database_url)
    settings.ensure_dirs()
    from deployments.watcher import run_watcher

    log_to_file(settings.home)
    console.print(f"watching {settings.inbox} (Ctrl-C to stop)")
    with err.status("starting the temporary Prefect server…") as status:
        ensure_prefect_api(
            settings.prefect_start_timeout_s,
            lambda s: status.update(f"starting the temporary Prefect server… {s:.0f} s"),
        )
    run_watcher(home=str(settings.home), database_url=settings.database_url)


@app.command()
def serve(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    cron: Annotated[str | None, typer.Option(help="Nightly schedule (default 0 2 * * *).")] = None,
    timezone: Annotated[str | None, typer.Option(help="Schedule time zone (default Asia/Shanghai).")] = None,
) -> None:
    """Serve the ingest deployments (nightly schedule + watcher-triggered runs) to the Prefect API."""
    settings = _settings(home, database_url)
    settings.ensure_dirs()
    from deployments.serve import serve_all
    from jixiao.watch import AlreadyWatched, watcher_pid

    pid = watcher_pid(settings.home)
    if pid is not None:
        raise AlreadyWatched(settings.home, pid)
    log_to_file(settings.home)
    console.print(
        f"serving ingest/nightly ({cron or settings.nightly_cron}, {timezone or settings.timezone}) and "
        f"ingest/on-demand; watching {settings.inbox}"
    )
    serve_all(home=str(settings.home), cron=cron, timezone=timezone, database_url=settings.database_url)


def main() -> None:
    """The console entry point: errors are one line naming the cause (exit 1); --debug shows the trace."""
    exit_on_sigterm()
    debug = "--debug" in sys.argv[1:]
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:
        if debug:
            raise
        trace = write_trace(None, exc)
        # soft_wrap: one line stays one line in a log, whatever the terminal width.
        err.print(f"[red]error:[/red] {escape(describe_error(exc))}", highlight=False, soft_wrap=True)
        if trace is not None:
            err.print(
                f"(full trace in {escape(str(trace))}; --debug shows it here)",
                highlight=False,
                soft_wrap=True,
            )
        sys.exit(1)
    finally:
        if "prefect.server.api.server" in sys.modules:
            stop_prefect_server()
        stop_children()


if __name__ == "__main__":
    main()
