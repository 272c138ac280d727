"""Run a step's suite with Great Expectations: one validation over the whole batch frame.

Each ``CheckSpec`` becomes one expectation whose ``meta`` carries the check id and severity; results come
back with ``result_format`` COMPLETE and ``unexpected_index_column_names`` set to the row key, so every
failure is tied to its report. An expectation that raised (``exception_info``) is a broken check and is
reported as ``check_error``, never as a data failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import math
import os
import threading
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # the analytics switch must be set before the import
import great_expectations.expectations as gxe
import pandas as pd

from expectations import consistency, loaded, matched, parsed, read
from jixiao.quality import CheckOutcome, CheckSpec

SUITES: dict[str, ModuleType] = {m.SUITE: m for m in (read, parsed, consistency, matched)}
_lock = threading.Lock()
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
    return ctx


def _expectation(spec: CheckSpec) -> Any:
    meta = {"check_id": spec.check_id, "severity": spec.severity, "expected": spec.expected}
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


def _suite(ctx: Any, name: str, specs: tuple[CheckSpec, ...]) -> Any:
    suite = gx.ExpectationSuite(name=f"jixiao_{name}")
    for spec in specs:
        suite.add_expectation(_expectation(spec))
    return ctx.suites.add_or_update(suite)


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


def _outcomes(
    step: str,
    result: Any,
    specs: tuple[CheckSpec, ...],
    key: str,
    frame: pd.DataFrame | None,
    explain_cols: bool = True,
) -> list[CheckOutcome]:
    by_id = {spec.column or spec.check_id: spec for spec in specs}
    outcomes: list[CheckOutcome] = []
    for r in result.results:
        meta = r.expectation_config.meta or {}
        check_id = meta.get("check_id", r.expectation_config.type)
        severity = meta.get("severity", "error")
        expected = meta.get("expected")
        column = r.expectation_config.kwargs.get("column")
        spec = by_id.get(column or check_id)
        if r.exception_info and r.exception_info.get("raised_exception"):
            msg = str(r.exception_info.get("exception_message") or "the check raised")
            outcomes.append(
                CheckOutcome(
                    step,
                    check_id,
                    severity,
                    "check_error",
                    None,
                    None,
                    expected,
                    f"broken check ({column or check_id}): {msg}",
                )
            )
            continue
        if r.success:
            outcomes.append(
                CheckOutcome(
                    step,
                    check_id,
                    severity,
                    "pass",
                    None,
                    None,
                    expected,
                    f"{column or check_id}: all rows pass",
                )
            )
            continue
        res = r.result or {}
        index_rows = res.get("unexpected_index_list") or []
        if column and index_rows:
            for row in index_rows:
                rid = row.get(key) if isinstance(row, dict) else None
                observed = _fmt(row.get(column)) if isinstance(row, dict) else None
                unit = f" {spec.explain}" if spec and spec.explain else ""
                outcomes.append(
                    CheckOutcome(
                        step,
                        check_id,
                        severity,
                        "fail",
                        None if rid is None else str(rid),
                        observed,
                        expected,
                        f"{column} = {observed}{unit}",
                    )
                )
        else:
            rows = res.get("details", {}).get("unexpected_rows") or res.get("unexpected_list") or []
            observed = _fmt(res.get("observed_value")) or (str(rows[:5]) if rows else None)
            outcomes.append(
                CheckOutcome(
                    step, check_id, severity, "fail", None, observed, expected, f"{check_id}: {observed}"
                )
            )
    return outcomes


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
        ds = _get_or_add(ctx.data_sources.get, lambda n: ctx.data_sources.add_pandas(n), "jixiao_frames")
        asset = _get_or_add(ds.get_asset, lambda n: ds.add_dataframe_asset(n), step)
        bd = _get_or_add(
            asset.get_batch_definition, lambda n: asset.add_batch_definition_whole_dataframe(n), "batch"
        )
        suite = _suite(ctx, step, module.SPECS)
        vd = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"jixiao_{step}", data=bd, suite=suite)
        )
        result = vd.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [module.KEY],
                "return_unexpected_index_query": False,
            },
            run_id=None,
        )
    return _outcomes(step, result, module.SPECS, module.KEY, frame)


def validate_loaded(db_url: str, *, context_dir: Path | None = None, run_id: str = "") -> list[CheckOutcome]:
    """The `loaded` suite against the database tables (GX SQL data source), one validation per table."""
    out: list[CheckOutcome] = []
    with _shared_context(str(context_dir) if context_dir else None) as ctx:
        # A stable name: str hashes differ between processes, and each run would add a data source.
        name = "jixiao_db_" + hashlib.sha256(db_url.encode()).hexdigest()[:8]
        ds = _get_or_add(
            ctx.data_sources.get, lambda n: ctx.data_sources.add_sql(n, connection_string=db_url), name
        )
        for table in sorted({s.table for s in loaded.SPECS if s.table}):
            specs = tuple(s for s in loaded.SPECS if s.table == table)
            asset = _get_or_add(ds.get_asset, lambda n, t=table: ds.add_table_asset(n, table_name=t), table)
            bd = _get_or_add(
                asset.get_batch_definition, lambda n, a=asset: a.add_batch_definition_whole_table(n), "all"
            )
            suite = _suite(ctx, f"loaded_{table}", specs)
            vd = ctx.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"jixiao_loaded_{table}", data=bd, suite=suite)
            )
            result = vd.run(
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": ["id"],
                    "return_unexpected_index_query": False,
                }
            )
            out += _outcomes("loaded", result, specs, "id", None)
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
            o.message if o.report_id is None else f"row {o.report_id}: {o.message}",
        )
        for o in out
    ]


def build_data_docs(context_dir: Path) -> Path:
    with _shared_context(str(context_dir)) as ctx:
        ctx.build_data_docs()
    found = sorted(Path(context_dir).rglob("data_docs/local_site/index.html"))
    if not found:
        raise FileNotFoundError(f"GX built no Data Docs under {context_dir}")
    return found[0]
