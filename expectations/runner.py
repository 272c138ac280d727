"""Run a step's suite with Great Expectations: one validation over the whole batch frame.

Each ``Expectation`` (of a check in ``jixiao.checks``) becomes one GX expectation whose ``meta`` carries the check id and severity; results come
back with ``result_format`` COMPLETE and ``unexpected_index_column_names`` set to the row key (``file_id``,
the source file's integer id, in every step frame), so every failure is tied to its file. An expectation that raised (``exception_info``) is a broken check and is
reported as ``check_error``, never as a data failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # the analytics switch must be set before the import
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier

from expectations import consistency, loaded, matched, parsed, read
from jixiao.checks import Expectation
from jixiao.frames import BATCH_KEY
from jixiao.quality import CheckOutcome
from jixiao.status import CheckStatus, Severity

SUITES: dict[str, ModuleType] = {m.SUITE: m for m in (read, parsed, consistency, matched)}
_lock = threading.Lock()

# The SQL data source has one stable name, and its connection string on disk is only a reference to this
# environment variable, which GX substitutes at run time (set for the duration of one validation, under the
# lock). So gx/great_expectations.yml never holds a password and every process finds the same data source.
DB_DATASOURCE = "jixiao_db"
DB_URL_VARIABLE = "JIXIAO_GX_DATABASE_URL"
# Data sources written by older versions: a per-process name (hash of the URL) with the URL in plain text.
_LEGACY_DATASOURCE = re.compile(r"^jixiao_db_\d+$")
logging.getLogger("great_expectations").setLevel(logging.ERROR)
# The generic SQL data source is on purpose: one code path for SQLite and PostgreSQL.
warnings.filterwarnings("ignore", message="You are using a generic SQLDatasource")


@contextlib.contextmanager
def _shared_context(context_dir: str | None) -> Iterator[Any]:
    """The GX context, used by one thread of one process at a time: concurrent runs share the project's
    files, so a file lock serialises them, and a context whose config file another process changed is
    loaded again (a cached one would write back its stale copy)."""
    with _lock:
        if not context_dir:
            yield _context(None, 0)
            return
        Path(context_dir).mkdir(parents=True, exist_ok=True)
        with (Path(context_dir) / ".jixiao-gx.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                config = Path(context_dir) / "gx" / "great_expectations.yml"
                yield _context(context_dir, config.stat().st_mtime_ns if config.exists() else 0)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@lru_cache(maxsize=8)
def _context(context_dir: str | None, config_stamp: int) -> Any:
    if context_dir:
        Path(context_dir).mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(mode="file", project_root_dir=context_dir)
    else:
        ctx = gx.get_context(mode="ephemeral")
    # Progress bars are cosmetic and would clutter the CLI; not every config has the setting.
    with contextlib.suppress(Exception):
        ctx.variables.progress_bars = {"globally": False}
    _drop_legacy_datasources(ctx)
    return ctx


def _drop_legacy_datasources(ctx: Any) -> None:
    """Remove data sources that older versions wrote with the connection string (password) in plain text."""
    for name in list(ctx.data_sources.all()):
        if _LEGACY_DATASOURCE.match(str(name)):
            with contextlib.suppress(Exception):
                ctx.data_sources.delete(name)


# Runs validated in this process whose Data Docs pages are not built yet: build_data_docs renders their pages
# and the index, not every page of every earlier run again (that grew with the history: 9.4 s against 4.6 s
# after six runs on the loaded test machine).
_undocumented: set[str] = set()


def _gx_run_id(run_id: str) -> RunIdentifier | None:
    """jixiao's run id as GX's run name, so a validation result (and its Data Docs page) names its run."""
    if run_id:
        _undocumented.add(run_id)
    return RunIdentifier(run_name=run_id) if run_id else None


def _expectation(spec: Expectation) -> Any:
    meta = {"check_id": spec.check_id, "severity": str(spec.severity), "expected": spec.expected}
    if spec.kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(
            column=spec.column, min_value=spec.min_value, max_value=spec.max_value, meta=meta
        )
    if spec.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=spec.column, value_set=list(spec.value_set), meta=meta)
    if spec.kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=spec.column, meta=meta)
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=spec.query, meta=meta, description=spec.expected
    )


# Validation definitions this process registered: (context, specs, definition) by name. A run validates each
# step once per chunk; registering the suite again each time cost a third of a validation (the store wrote
# the suite to disk once per expectation), so a definition is registered again only for another context or
# other specs (the loaded suite's queries name their run).
_registered: dict[str, tuple[Any, tuple[Expectation, ...], Any]] = {}


def _definition(ctx: Any, name: str, specs: tuple[Expectation, ...], data: Callable[[], Any]) -> Any:
    """The validation definition ``jixiao_{name}`` of ``specs`` over the batch definition ``data()``."""
    known = _registered.get(name)
    if known is not None and known[0] is ctx and known[1] == specs:
        return known[2]
    suite = ctx.suites.add_or_update(
        gx.ExpectationSuite(name=f"jixiao_{name}", expectations=[_expectation(s) for s in specs])
    )
    vd = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"jixiao_{name}", data=data(), suite=suite)
    )
    _registered[name] = (ctx, specs, vd)
    return vd


def _get_or_add(getter: Any, adder: Any, name: str, **kwargs: Any) -> Any:
    try:
        return getter(name)
    except Exception:
        return adder(name, **kwargs)


def _fmt(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _row_failures(
    step: str, r: Any, spec: Expectation | None, meta: _Meta, column: str, key: str
) -> list[CheckOutcome]:
    """One outcome per failing row of a column expectation, keyed by the row's batch key (an integer id)."""
    out = []
    for row in (r.result or {}).get("unexpected_index_list") or []:
        rid = row.get(key) if isinstance(row, dict) else None
        observed = _fmt(row.get(column)) if isinstance(row, dict) else None
        unit = f" {spec.explain}" if spec and spec.explain else ""
        out.append(
            meta.outcome(
                step,
                CheckStatus.FAIL,
                f"{column} = {observed}{unit}",
                None if rid is None else int(rid),
                observed,
            )
        )
    return out


@dataclass(frozen=True)
class _Meta:
    """What an expectation's ``meta`` carries back: its check id, severity and expected value."""

    check_id: str
    severity: Severity
    expected: str | None

    @classmethod
    def of(cls, r: Any) -> _Meta:
        meta = r.expectation_config.meta or {}
        return cls(
            meta.get("check_id", r.expectation_config.type),
            Severity(meta.get("severity", Severity.ERROR)),
            meta.get("expected"),
        )

    def outcome(
        self,
        step: str,
        status: CheckStatus,
        message: str,
        file_id: int | None = None,
        observed: str | None = None,
    ) -> CheckOutcome:
        return CheckOutcome(
            step, self.check_id, self.severity, status, file_id, observed, self.expected, message
        )


def _outcome_of(step: str, r: Any, spec: Expectation | None, key: str) -> list[CheckOutcome]:
    meta = _Meta.of(r)
    column = r.expectation_config.kwargs.get("column")
    if r.exception_info and r.exception_info.get("raised_exception"):
        msg = str(r.exception_info.get("exception_message") or "the check raised")
        return [
            meta.outcome(step, CheckStatus.CHECK_ERROR, f"broken check ({column or meta.check_id}): {msg}")
        ]
    if r.success:
        return [meta.outcome(step, CheckStatus.PASS, f"{column or meta.check_id}: all rows pass")]
    res = r.result or {}
    if column and res.get("unexpected_index_list"):
        return _row_failures(step, r, spec, meta, column, key)
    rows = res.get("details", {}).get("unexpected_rows") or res.get("unexpected_list") or []
    observed = _fmt(res.get("observed_value")) or (str(rows[:5]) if rows else None)
    return [meta.outcome(step, CheckStatus.FAIL, f"{meta.check_id}: {observed}", None, observed)]


def _outcomes(step: str, result: Any, specs: tuple[Expectation, ...], key: str) -> list[CheckOutcome]:
    """The validation result as check outcomes: a pass or a broken check once per expectation, a failure
    once per failing row (or once for a whole-table check)."""
    by_id = {spec.column or spec.check_id: spec for spec in specs}
    outcomes: list[CheckOutcome] = []
    for r in result.results:
        meta = r.expectation_config.meta or {}
        column = r.expectation_config.kwargs.get("column")
        spec = by_id.get(column or meta.get("check_id", r.expectation_config.type))
        outcomes += _outcome_of(step, r, spec, key)
    return outcomes


def _frame_batch(ctx: Any, step: str) -> Any:
    ds = _get_or_add(ctx.data_sources.get, lambda n: ctx.data_sources.add_pandas(n), "jixiao_frames")
    asset = _get_or_add(ds.get_asset, lambda n: ds.add_dataframe_asset(n), step)
    return _get_or_add(
        asset.get_batch_definition, lambda n: asset.add_batch_definition_whole_dataframe(n), "batch"
    )


def _table_batch(ds: Any, table: str) -> Any:
    asset = _get_or_add(ds.get_asset, lambda n: ds.add_table_asset(n, table_name=table), table)
    return _get_or_add(asset.get_batch_definition, lambda n: asset.add_batch_definition_whole_table(n), "all")


def validate(
    step: str,
    df: pd.DataFrame,
    *,
    context_dir: Path | None = None,
    run_id: str = "",
    auto_threshold: float = 90.0,
) -> list[CheckOutcome]:
    """Validate one step's frame with its suite (one GX validation for the whole batch)."""
    module = SUITES[step]
    frame = module.prepare(df, auto_threshold)
    with _shared_context(str(context_dir) if context_dir else None) as ctx:
        vd = _definition(ctx, step, module.SPECS, lambda: _frame_batch(ctx, step))
        result = vd.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [BATCH_KEY],
                "return_unexpected_index_query": False,
            },
            run_id=_gx_run_id(run_id),
        )
    return _outcomes(step, result, module.SPECS, BATCH_KEY)


def validate_loaded(
    db_url: str, *, context_dir: Path | None = None, run_id: str = "", rows_of: str | None = None
) -> list[CheckOutcome]:
    """The `loaded` suite against the database tables (GX SQL data source), one validation per table: over
    the rows the run ``rows_of`` wrote (what the flow checks after its load), or the whole tables."""
    run_specs = tuple(
        replace(s, query=loaded.scoped(s.query, rows_of)) if s.query else s for s in loaded.SPECS
    )
    out: list[CheckOutcome] = []
    with _shared_context(str(context_dir) if context_dir else None) as ctx:
        os.environ[DB_URL_VARIABLE] = db_url
        try:
            ds = _get_or_add(
                ctx.data_sources.get,
                lambda n: ctx.data_sources.add_sql(n, connection_string="${" + DB_URL_VARIABLE + "}"),
                DB_DATASOURCE,
            )
            for table in sorted({s.table for s in run_specs if s.table}):
                specs = tuple(s for s in run_specs if s.table == table)
                vd = _definition(ctx, f"loaded_{table}", specs, lambda t=table: _table_batch(ds, t))
                result = vd.run(
                    result_format={
                        "result_format": "COMPLETE",
                        "unexpected_index_column_names": ["id"],
                        "return_unexpected_index_query": False,
                    },
                    run_id=_gx_run_id(run_id),
                )
                out += _outcomes("loaded", result, specs, "id")
        finally:
            # The URL (and any password in it) lives in this process only while the validation runs: parse
            # workers and subprocesses started later do not inherit it.
            os.environ.pop(DB_URL_VARIABLE, None)
    # Row ids of the loaded suite are database ids, not batch keys: keep them in the message only.
    return [
        CheckOutcome(
            o.suite,
            o.check_id,
            o.severity,
            o.status,
            None,
            o.observed,
            o.expected,
            o.message if o.file_id is None else f"row {o.file_id}: {o.message}",
        )
        for o in out
    ]


# Data Docs pages load Bootstrap, jQuery, Font Awesome and Vega from CDNs; on an offline machine (the usual
# place for this service) they render as unstyled noise or not at all. After each build the remote tags are
# removed and a small inline stylesheet takes their place: the pages are server-rendered HTML, so every table
# and result stays readable without JavaScript.
_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref=[\"']https?://[^>]*>|<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>",
    re.IGNORECASE,
)
_OFFLINE_STYLE = """<style data-jixiao="offline">
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1rem 2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3}.collapse:not(.show){display:block}.d-none{display:none}a{color:#0645ad}
.alert-danger,.text-danger{color:#b00020}.alert-success,.text-success{color:#137333}
nav,.ge-cloud-footer,.sticky{position:static}img{max-width:4rem}
</style>"""


def make_offline(html: str) -> str:
    """The page without remote assets, with an inline stylesheet (idempotent)."""
    html = _REMOTE_TAG.sub("", html)
    if 'data-jixiao="offline"' not in html:
        html = html.replace("</head>", _OFFLINE_STYLE + "</head>", 1)
    return html


def build_data_docs(context_dir: Path) -> Path:
    started = time.time() - 1
    runs = set(_undocumented)
    built = any(Path(context_dir).rglob("data_docs/local_site/index.html"))
    with _shared_context(str(context_dir)) as ctx:
        keys = [k for k in ctx.validation_results_store.list_keys() if k.run_id.run_name in runs]
        # A site not built yet (or deleted) is built whole; otherwise only this process's new runs.
        ctx.build_data_docs(resource_identifiers=keys if built and keys else None)
    _undocumented.difference_update(runs)
    found = sorted(Path(context_dir).rglob("data_docs/local_site/index.html"))
    if not found:
        raise FileNotFoundError(f"GX built no Data Docs under {context_dir}")
    for page in found[0].parent.rglob("*.html"):
        if page.stat().st_mtime >= started:
            text = page.read_text(encoding="utf-8")
            offline = make_offline(text)
            if offline != text:
                page.write_text(offline, encoding="utf-8")
    return found[0]
