"""The ingest flow: inbox → claim → read+parse → match → validate → load → file away → alert.

Entry point for deployments: ``flows/ingest.py:ingest``.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
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
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.proclife import end_with_launcher
from jixiao.quality import CheckOutcome, hold_for_review, with_evidence
from jixiao.read import ReadLimits
from jixiao.status import RunState
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


def final_state(summary: dict[str, Any], fail_on_dq_errors: bool) -> State[Any] | None:
    """The run's end state: plain Completed only when nothing needs a person.

    Error-level data-quality failures end in ``Completed`` named "Completed with DQ errors" (or ``Failed``
    named "Failed with DQ errors" with JIXIAO_FAIL_ON_DQ_ERRORS=true); a run whose every file was quarantined
    in "Completed, all quarantined". The summary stays the run's result.
    """
    errors = int(summary.get("dq_errors") or 0) + int(summary.get("dq_check_errors") or 0)
    by_status = summary.get("by_status") or {}
    claimed = sum(by_status.values())
    quarantined = int(by_status.get("quarantined", 0))
    if errors:
        message = (
            f"{errors} error-level data-quality failure(s): jixiao dq --failed --run {summary['run_id']}"
        )
        if fail_on_dq_errors:
            return Failed(name=DQ_FAILED, message=message, data=summary)
        return Completed(name=RunState.COMPLETED_WITH_DQ_ERRORS, message=message, data=summary)
    if claimed and quarantined == claimed:
        return Completed(
            name=RunState.ALL_QUARANTINED,
            message=f"all {claimed} file(s) quarantined: jixiao files --status quarantined",
            data=summary,
        )
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


def _take_inbox(settings: Settings, paths: list[str] | None, run_id: str) -> tuple[list[Any], dict[str, Any]]:
    """inbox → describe (hash, once complete) → claim; files processed earlier are filed away again."""
    inbox_paths = _select_paths(paths, settings.inbox)
    _rename_run(run_name(len(inbox_paths)))
    progress.start("read", len(inbox_paths))
    files = stages.describe_files(q(inbox_paths), settings.inbox, settings.quiet_s)
    claimed, done = stages.claim(settings.db_url, q(files), run_id)
    progress.done("read")
    stages.file_away_done(settings.db_url, q(done), settings.archive, settings.quarantine)
    summary: dict[str, Any] = {
        "run_id": run_id,
        "flow_run_id": flow_run.get_id(),
        "files_seen": len(files),
        "already_processed": len(done),
        "claimed": len(claimed),
    }
    return claimed, summary


def _nothing_new(summary: dict[str, Any]) -> dict[str, Any]:
    get_run_logger().info(
        "nothing new in the inbox (%d file(s) were already processed)", summary["already_processed"]
    )
    summary.update(by_status={}, reports_loaded=0, superseded=0, dq_errors=0, dq_warnings=0, outcomes=[])
    _rename_run(run_name(summary["files_seen"]))
    _RUN_IDS.pop(str(flow_run.get_id()), None)
    return summary


def _read_parse_match(
    settings: Settings, claimed: list[Any]
) -> tuple[list[pipeline.ReadParseResult], dict[int, Any]]:
    """read + parse in worker processes (progress per file), then match each unit to the registry."""
    progress.start("parse", len(claimed))
    results = stages.read_parse(q(claimed), _limits(settings), settings.workers)
    progress.done("parse")
    progress.start("match", len(results))
    matches = stages.match(settings.db_url, q(results), settings.match_auto, settings.match_review)
    progress.done("match")
    return results, matches


def _validate(
    settings: Settings, run_id: str, claimed: list[Any], results: list[Any], matches: dict[int, Any]
) -> list[CheckOutcome]:
    """One Great Expectations suite per step over the whole batch, before anything is loaded."""
    progress.start("validate", progress.SUITES)
    names = {c.file_id: c.file.name for c in claimed}
    outcomes: list[CheckOutcome] = []
    for step, frame in (
        ("read", frames.read_frame(results, names)),
        ("parsed", frames.parsed_frame(results)),
        ("consistency", frames.parsed_frame(results)),
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
    """Load the batch with its check outcomes in one transaction; then check the loaded tables."""
    # An error on the unit's identity keeps the report in the review queue instead of loading it as matched.
    matches = hold_for_review(matches, outcomes)
    outcomes = with_evidence(outcomes, {str(r.file_id): r.parsed for r in results if r.parsed is not None})
    progress.start("load", len(claimed))
    pairs = list(zip(claimed, results, strict=True))
    loaded = stages.load(settings.db_url, run_id, q(pairs), q(matches), q(outcomes))
    progress.done("load")
    duplicates = {str(o.file_id) for o in loaded.outcomes if o.status == "duplicate"}
    # A duplicate's checks repeat its original's: keep them out of the alert (the load did not store them).
    outcomes = [o for o in outcomes if o.report_id not in duplicates]
    table_checks = quality.validate_loaded(settings.db_url, settings.gx_dir, run_id)
    quality.record(settings.db_url, run_id, q(table_checks), q({}), q({}))
    progress.done("validate")
    return loaded, outcomes + table_checks


def _tell(settings: Settings, run_id: str, loaded: Any, outcomes: list[CheckOutcome]) -> bool | None:
    """Alert the maintainers (digest) and publish the run's artifacts in the Prefect UI."""
    infos = {
        str(o.file_id): ReportInfo(
            unit_name=o.unit_name or "(未识别单位)",
            fiscal_year=o.fiscal_year,
            file_name=o.name,
            status=o.status,
        )
        for o in loaded.outcomes
    }
    ui_url = flow_run.get_flow_run_ui_url()
    delivered = quality.alert(
        settings.alert_url_list(), q(outcomes), q(infos), run_id, ui_url, settings.alert_on_warnings
    )
    artifacts.publish(loaded.outcomes, outcomes, infos, run_id)
    return delivered


def _outcome_rows(loaded: Any) -> list[dict[str, Any]]:
    return [
        {
            "file": o.name,
            "status": o.status,
            "unit": o.unit_name,
            "adcode": o.adcode,
            "year": o.fiscal_year,
            "reason": o.reason,
            "report_id": o.report_id,
        }
        for o in loaded.outcomes
    ]


def _finish(
    settings: Settings, summary: dict[str, Any], loaded: Any, outcomes: list[CheckOutcome], **extra: Any
) -> Any:
    """Summarise, record the run as finished, name it after its counts; the state says who must look."""
    by_status = Counter(o.status for o in loaded.outcomes)
    failing = [o for o in outcomes if o.status != "pass"]
    summary.update(
        by_status=dict(by_status),
        reports_loaded=by_status.get("loaded", 0),
        superseded=sum(len(o.superseded) for o in loaded.outcomes),
        review_items=loaded.review_items,
        dq_errors=sum(1 for o in failing if o.severity == "error"),
        dq_warnings=sum(1 for o in failing if o.severity == "warning"),
        dq_check_errors=sum(1 for o in failing if o.status == "check_error"),
        **extra,
        outcomes=_outcome_rows(loaded),
    )
    state = final_state(summary, settings.fail_on_dq_errors)
    summary["state"] = state.name if state is not None else "Completed"
    repo.finish_run(
        get_engine(settings.db_url), summary["run_id"], {k: v for k, v in summary.items() if k != "outcomes"}
    )
    errors = summary["dq_errors"] + summary["dq_check_errors"]
    _rename_run(run_name(summary["claimed"], errors, by_status["quarantined"]))
    _RUN_IDS.pop(str(flow_run.get_id()), None)
    get_run_logger().info("run %s: %s", summary["run_id"], dict(by_status))
    return state if state is not None else summary


@flow(name="ingest", log_prints=False, on_failure=[_on_failure], on_crashed=[_on_failure])
def ingest(
    paths: list[str] | None = None,
    home: str | None = None,
    database_url: str | None = None,
    workers: int | None = None,
) -> Any:
    """inbox → claim → read+parse → match → validate → load → validate loaded → file away → alert.

    Every file is accounted for. Returns the run summary (a dict); the flow run's state says whether
    anything needs a person.
    """
    end_with_launcher()  # a served run ends with `jixiao serve`, even after a kill -9 (issue 17 K)
    settings = get_settings(home=home, database_url=database_url, workers=workers)
    settings.ensure_dirs()
    run_id = new_run_id()
    if flow_run.get_id():
        _RUN_IDS[str(flow_run.get_id())] = run_id  # for the failure hook; a finished run takes it back
    stages.prepare_database(settings.db_url)
    stages.close_stale_runs(settings.db_url, run_id)
    claimed, summary = _take_inbox(settings, paths, run_id)
    if not claimed:
        return _nothing_new(summary)
    stages.open_run(settings.db_url, run_id, flow_run.get_id(), len(claimed))
    results, matches = _read_parse_match(settings, claimed)
    outcomes = _validate(settings, run_id, claimed, results, matches)
    loaded, outcomes = _load(settings, run_id, claimed, results, matches, outcomes)
    stages.file_away(settings.db_url, q(claimed), q(loaded.outcomes), settings.archive, settings.quarantine)
    docs = quality.data_docs(settings.gx_dir)
    delivered = _tell(settings, run_id, loaded, outcomes)
    return _finish(settings, summary, loaded, outcomes, data_docs=docs, alert_delivered=delivered)
