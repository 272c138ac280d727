"""The ingest flow: inbox → claim → read+parse → match → validate → load → file away → alert.

Entry point for deployments: ``flows/ingest.py:ingest``.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote as q

from flows import progress

# Batch data goes to tasks quoted: Prefect otherwise walks every element of every argument looking for
# futures (measured: 13 s of a 24 s run over 1,000 reports). The cost is the data-flow arrows in the UI graph.
from jixiao import alerts, frames, pipeline
from jixiao.alerts import ReportInfo
from jixiao.config import Settings, get_settings
from jixiao.proclife import end_with_launcher
from jixiao.quality import CheckOutcome, hold_for_review, with_evidence
from jixiao.read import ReadLimits
from jixiao.runsummary import RunSummary, summarise_run
from jixiao.status import FileStatus, RunState
from jixiao.stream import n_chunks, read_parse_stream
from tasks import artifacts, quality, stages


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def run_name(n_files: int, dq_errors: int = 0, quarantined: int = 0, when: datetime | None = None) -> str:
    """ingest-2026-11-23T02:00 · 37 files · 2 DQ errors · 1 quarantined: what the run did, at a glance."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%dT%H:%M")
    name = f"ingest-{stamp} · {n_files} file{'s' if n_files != 1 else ''}"
    if dq_errors:
        name += f" · {dq_errors} DQ error{'s' if dq_errors != 1 else ''}"
    if quarantined:
        name += f" · {quarantined} quarantined"
    return name


def _rename_run(name: str) -> None:
    """Name the run after what it does, so operators find it in the UI."""
    run_id = flow_run.get_id()
    if not run_id:
        return
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run_id=uuid.UUID(run_id), name=name)
    except Exception as exc:  # a cosmetic rename must never fail the ingest
        get_run_logger().debug("could not rename the flow run: %s", exc)


def final_state(summary: RunSummary) -> State[Any] | None:
    """The Prefect state of the run's end state (decided by ``runsummary.end_state``); None for plain Completed.

    Error-level data-quality failures end in ``Completed`` named "Completed with DQ errors" (or ``Failed``
    named "Failed with DQ errors" with JIXIAO_FAIL_ON_DQ_ERRORS=true); a run whose every file was quarantined
    in "Completed, all quarantined". The summary stays the run's result.
    """
    if summary.state in (RunState.COMPLETED_WITH_DQ_ERRORS, RunState.FAILED_WITH_DQ_ERRORS):
        message = (
            f"{summary.errors} error-level data-quality failure(s): jixiao dq --failed --run {summary.run_id}"
        )
        make = Failed if summary.state == RunState.FAILED_WITH_DQ_ERRORS else Completed
        return make(name=summary.state, message=message, data=summary)
    if summary.state == RunState.ALL_QUARANTINED:
        message = f"all {summary.claimed} file(s) quarantined: jixiao files --status quarantined"
        return Completed(name=summary.state, message=message, data=summary)
    return None


DQ_FAILED = RunState.FAILED_WITH_DQ_ERRORS
# jixiao's run id of each flow run in this process, for the failure hook (which sees only the flow run).
_RUN_IDS: dict[str, str] = {}


def _on_failure(flow: Any, run: Any, state: Any) -> None:
    """A run that failed or crashed tells the maintainers: which run, the error, the files still waiting."""
    if state.name == DQ_FAILED:
        return  # the data-quality digest already went out
    try:
        params = dict(run.parameters or {})
        settings = get_settings(home=params.get("home"), database_url=params.get("database_url"))
        run_id = _RUN_IDS.pop(str(run.id), None)
        error = state.message or ""
        try:
            exc = state.result(raise_on_failure=False)
            if isinstance(exc, BaseException):
                error = f"{type(exc).__name__}: {exc}"
        except Exception as result_error:  # the result may not be retrievable; the message still is
            error = error or str(result_error)
        waiting = [str(p.relative_to(settings.inbox)) for p in pipeline.scan_inbox(settings.inbox)]
        from prefect.utilities.urls import url_for

        message = alerts.render_failure(
            run_name=str(run.name),
            run_id=run_id,
            error=error,
            inbox_files=waiting,
            flow_run_url=url_for(run),
            state_name=str(state.name),
        )
        urls = settings.alert_url_list()
        if urls:
            alerts.send_digest(urls, *message, attempts=2)
        if run_id:
            # Plain function, no retries: the database may be the reason the run failed.
            stages.close_run.fn(settings.db_url, run_id, str(state.name), error)
    except Exception:  # the hook must never hide the run's own error
        logging.getLogger("jixiao.flow").exception("could not report the failed run")


def _limits(s: Settings) -> ReadLimits:
    return ReadLimits(
        max_bytes=s.max_file_mb * 1024 * 1024,
        max_inflated_bytes=s.max_inflated_mb * 1024 * 1024,
        max_pdf_pages=s.max_pdf_pages,
        timeout_s=s.read_timeout_s,
    )


def _select_paths(paths: list[str] | None, inbox: Path) -> list[Path]:
    if not paths:
        return pipeline.scan_inbox(inbox)
    chosen: list[Path] = []
    for p in (Path(os.path.abspath(x)) for x in paths):
        # One file, one name: paths are made absolute (not resolved through symlinks, which describe checks).
        if p in chosen:
            continue
        if not p.is_relative_to(inbox):
            get_run_logger().warning("ignoring %s: not a file inside the inbox %s", p, inbox)
        elif os.path.lexists(p):
            chosen.append(p)
        else:
            get_run_logger().info("%s is gone from the inbox (another run took it)", p.name)
    return chosen


def _take_inbox(settings: Settings, paths: list[str] | None, run_id: str) -> tuple[list[Any], RunSummary]:
    """inbox → describe (hash, once complete) → claim; files processed earlier are filed away again."""
    inbox_paths = _select_paths(paths, settings.inbox)
    _rename_run(run_name(len(inbox_paths)))
    progress.start("read", len(inbox_paths))
    files = stages.describe_files(q(inbox_paths), settings.inbox, settings.quiet_s)
    claimed, done = stages.claim(settings.db_url, q(files), run_id)
    progress.done("read")
    stages.file_away_done(settings.db_url, q(done), settings.archive, settings.quarantine)
    taken = RunSummary(run_id, flow_run.get_id(), len(files), len(done), len(claimed))
    return claimed, taken


def _nothing_new(taken: RunSummary) -> RunSummary:
    get_run_logger().info(
        "nothing new in the inbox (%d file(s) were already processed)", taken.already_processed
    )
    _rename_run(run_name(taken.files_seen))
    _RUN_IDS.pop(str(flow_run.get_id()), None)
    return taken


def _validate(
    settings: Settings, run_id: str, names: dict[int, str], results: list[Any], matches: dict[int, Any]
) -> list[CheckOutcome]:
    """One Great Expectations suite per step over the chunk, before anything of it is loaded."""
    outcomes: list[CheckOutcome] = []
    parsed = frames.parsed_frame(results)  # both suites derive their own frames from it, neither changes it
    for step, frame in (
        ("read", frames.read_frame(results, names)),
        ("parsed", parsed),
        ("consistency", parsed),
        ("matched", frames.matched_frame(results, matches)),
    ):
        outcomes += quality.validate_step(step, q(frame), settings.gx_dir, run_id, settings.match_auto)
        progress.advance("validate")
    return outcomes


def _load(
    settings: Settings,
    run_id: str,
    claimed: list[Any],
    results: list[Any],
    matches: dict[int, Any],
    outcomes: list[CheckOutcome],
) -> tuple[Any, list[CheckOutcome]]:
    """Load the chunk with its check outcomes in one transaction."""
    # An error on the unit's identity keeps the report in the review queue instead of loading it as matched.
    matches = hold_for_review(matches, outcomes)
    outcomes = with_evidence(outcomes, {r.file_id: r.parsed for r in results if r.parsed is not None})
    pairs = list(zip(claimed, results, strict=True))
    loaded = stages.load(settings.db_url, run_id, q(pairs), q(matches), q(outcomes))
    progress.advance("load", len(claimed))
    duplicates = {o.file_id for o in loaded.outcomes if o.status == FileStatus.DUPLICATE}
    # A duplicate's checks repeat its original's: keep them out of the alert (the load did not store them).
    return loaded, [o for o in outcomes if o.file_id not in duplicates]


class _Run:
    """What the run keeps across its chunks: each file's outcome and the check outcomes (small rows)."""

    def __init__(self) -> None:
        self.files: list[Any] = []
        self.checks: list[CheckOutcome] = []
        self.review_items = 0

    def add(self, loaded: Any, checks: list[CheckOutcome]) -> None:
        self.files += loaded.outcomes
        self.checks += checks
        self.review_items += loaded.review_items


def _chunk(settings: Settings, run_id: str, by_id: dict[int, Any], results: Any, matcher: Any) -> Any:
    """One chunk of the stream: read+parse → match → validate → load → file away; its rows are let go."""
    chunk = stages.read_parse(q(results), settings.chunk_files)
    matches = stages.match(q(matcher), q(chunk))
    progress.advance("match", len(chunk))
    claimed = [by_id[r.file_id] for r in chunk]
    names = {c.file_id: c.file.name for c in claimed}
    outcomes = _validate(settings, run_id, names, chunk, matches)
    loaded, outcomes = _load(settings, run_id, claimed, chunk, matches, outcomes)
    stages.file_away(settings.db_url, q(claimed), q(loaded.outcomes), settings.archive, settings.quarantine)
    return loaded, outcomes


def _process(settings: Settings, run_id: str, claimed: list[Any]) -> _Run:
    """The claimed files in chunks of ``JIXIAO_CHUNK_FILES``: memory is bounded by a chunk, not the run.

    A chunk is the batch of its Great Expectations validations (one per step) and of its load transaction;
    the alert, the artifacts, the loaded tables' suite and the summary are the whole run's, once.
    """
    chunks = n_chunks(len(claimed), settings.chunk_files)
    for stage in ("parse", "match", "load"):
        progress.start(stage, len(claimed))
    progress.start("validate", progress.STEP_SUITES * chunks + 1)
    by_id = {c.file_id: c for c in claimed}
    ahead = settings.chunk_files
    results = read_parse_stream(claimed, _limits(settings), settings.workers, ahead)
    matcher = stages.matcher(settings.db_url, settings.match_auto, settings.match_review)
    run = _Run()
    try:
        for _ in range(chunks):
            run.add(*_chunk(settings, run_id, by_id, results, matcher))
    finally:
        results.close()  # the pool ends with the stream
    for stage in ("parse", "match", "load"):
        progress.done(stage)
    table_checks = quality.validate_loaded(settings.db_url, settings.gx_dir, run_id)
    quality.record(settings.db_url, run_id, q(table_checks))
    progress.done("validate")
    run.checks += table_checks
    return run


def _tell(settings: Settings, run_id: str, files: list[Any], outcomes: list[CheckOutcome]) -> bool | None:
    """Alert the maintainers (digest) and publish the run's artifacts in the Prefect UI."""
    infos = {
        o.file_id: ReportInfo(
            unit_name=o.unit_name or "(未识别单位)",
            fiscal_year=o.fiscal_year,
            file_name=o.name,
            status=o.status,
        )
        for o in files
    }
    ui_url = flow_run.get_flow_run_ui_url()
    delivered = quality.alert(
        settings.alert_url_list(), q(outcomes), q(infos), run_id, ui_url, settings.alert_on_warnings
    )
    artifacts.publish(files, outcomes, infos, run_id)
    return delivered


def _finish(
    settings: Settings, taken: RunSummary, run: _Run, docs: str | None, delivered: bool | None
) -> Any:
    """Summarise, record the run as finished, name it after its counts; the state says who must look."""
    summary = summarise_run(
        taken,
        run.files,
        run.checks,
        review_items=run.review_items,
        fail_on_dq_errors=settings.fail_on_dq_errors,
        data_docs=docs,
        alert_delivered=delivered,
    )
    stages.finish_run(settings.db_url, q(summary))
    _rename_run(run_name(summary.claimed, summary.errors, summary.by_status.get(FileStatus.QUARANTINED, 0)))
    _RUN_IDS.pop(str(flow_run.get_id()), None)
    get_run_logger().info("run %s: %s", summary.run_id, dict(summary.by_status))
    state = final_state(summary)
    return state if state is not None else summary


@flow(name="ingest", log_prints=False, on_failure=[_on_failure], on_crashed=[_on_failure])
def ingest(
    paths: list[str] | None = None,
    home: str | None = None,
    database_url: str | None = None,
    workers: int | None = None,
) -> Any:
    """inbox → claim → read+parse → match → validate → load → validate loaded → file away → alert.

    Every file is accounted for. Returns the run's ``RunSummary`` (plain data; read as a mapping it is the
    JSON ``jixiao ingest --format json`` prints); the flow run's state says whether anything needs a person.
    """
    end_with_launcher()  # a served run ends with `jixiao serve`, even after a kill -9 (issue 17 K)
    settings = get_settings(home=home, database_url=database_url, workers=workers)
    settings.ensure_dirs()
    run_id = new_run_id()
    if flow_run.get_id():
        _RUN_IDS[str(flow_run.get_id())] = run_id  # for the failure hook; a finished run takes it back
    stages.prepare_database(settings.db_url)
    stages.close_stale_runs(settings.db_url, run_id)
    claimed, taken = _take_inbox(settings, paths, run_id)
    if not claimed:
        return _nothing_new(taken)
    stages.open_run(settings.db_url, run_id, flow_run.get_id(), len(claimed))
    run = _process(settings, run_id, claimed)
    docs = quality.data_docs(settings.gx_dir)
    delivered = _tell(settings, run_id, run.files, run.checks)
    return _finish(settings, taken, run, docs, delivered)
