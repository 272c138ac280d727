"""Read commands: ``reports``, ``files``, ``runs``, ``dq``. They never create a database or a folder, name
what they show, and say why a result is empty and what to run next."""

from __future__ import annotations

import csv
import io
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jixiao_cli.filters import Filters, with_filters
from jixiao_cli.output import (
    Col,
    DbOpt,
    FormatOpt,
    HomeOpt,
    check_format,
    fail,
    note,
    print_json,
    print_table,
    read_engine,
    stdout_console,
)

if TYPE_CHECKING:
    from jixiao.db.public import ReportPublic

__all__ = ["build_filter", "dq", "files", "reports", "runs"]


def __getattr__(name: str) -> Any:
    """PUBLIC_KEYS, imported when asked for: the export schema's module is not needed to do nothing."""
    if name == "PUBLIC_KEYS":
        from jixiao.db.public import PUBLIC_KEYS

        return PUBLIC_KEYS
    raise AttributeError(name)


def build_filter(filters: Filters, current_only: bool = True) -> Any:
    """A ReportFilter from the filter options; an unknown value is an error listing the valid ones."""
    from jixiao.db.queries import DQ_STATES, MATCH_STATUSES, ReportFilter, resolve_unit

    unit, year, province, dq_state = filters.unit, filters.year, filters.province, filters.dq
    status, department_type = filters.status, filters.department_type
    if dq_state is not None and dq_state not in DQ_STATES:
        fail(f"unknown --dq {dq_state!r}; use one of: {', '.join(DQ_STATES)}")
    if status is not None and status not in MATCH_STATUSES:
        fail(f"unknown --status {status!r}; use one of: {', '.join(MATCH_STATUSES)}")
    if department_type is not None:
        from jixiao.db.repository import UnknownDepartmentType, resolve_department_type

        try:  # 妇女联合会, 县妇联 and 妇联 are one type
            department_type = resolve_department_type(department_type)
        except UnknownDepartmentType as exc:
            fail(exc)
    return ReportFilter(
        unit=resolve_unit(unit) if unit else None,
        year=year,
        province=province,
        dq=dq_state,
        status=status,
        department_type=department_type,
        current_only=current_only,
    )


def query_reports(engine: Any, flt: Any) -> list[ReportPublic]:
    from jixiao.db import queries
    from jixiao.errors import JixiaoError

    try:
        rows = queries.reports(engine, flt)
    except JixiaoError as exc:
        fail(exc)
    return rows


REPORT_TABLE = [
    Col("report_id", "编号", numeric=True),
    Col("unit_name", "单位名称"),
    Col("fiscal_year", "年度", numeric=True),
    Col("report_date", "报告日期", nowrap=True),
    Col("budget_initial", "年初预算\n(万元)", numeric=True),
    Col("expenditure_total", "支出合计\n(万元)", numeric=True),
    Col("execution_rate", "执行率\n(%)", numeric=True),
    Col("score", "得分", numeric=True),
    Col("grade", "等级"),
    Col("dq_label", "数据质量"),
]
DQ_LABELS = {"failed": "未通过", "warning": "警告", "passed": "通过"}


def table_row(r: ReportPublic) -> dict[str, Any]:
    """A flat row for the terminal: the data-quality state and its count (`jixiao dq --failed` has the detail)."""
    from jixiao.db.queries import dq_state

    row = flat(r)
    bad = [d for d in r.dq if d.status != "pass"]
    row["dq_label"] = DQ_LABELS[dq_state(r)] + (f" {len(bad)}" if bad else "")
    return row


HISTORY_TABLE = [
    Col("is_current", "版本"),
    Col("report_id", "编号", numeric=True),
    Col("unit_name", "单位名称"),
    Col("fiscal_year", "年度", numeric=True),
    Col("report_date", "报告日期", nowrap=True),
    Col("expenditure_total", "支出合计\n(万元)", numeric=True),
    Col("score", "得分", numeric=True),
    Col("version_reason", "替代原因"),
    Col("source_files", "来源文件"),
]


def flat(r: ReportPublic) -> dict[str, Any]:
    from jixiao.db.public import FLAT_COLUMNS, flat_value

    return {c.key: flat_value(r, c.key) for c in FLAT_COLUMNS}


def write_csv(rows: list[ReportPublic], out: Any, excel: bool = True) -> None:
    """The flat schema with Chinese headers; for Excel, dates are written as text formulas (="2020-11")."""
    from jixiao.db.public import FLAT_COLUMNS, flat_value

    writer = csv.writer(out)
    writer.writerow([c.header for c in FLAT_COLUMNS])
    for r in rows:
        cells = []
        for c in FLAT_COLUMNS:
            value = flat_value(r, c.key)
            if excel and c.kind == "date" and value:
                value = f'="{value}"'
            cells.append("" if value is None else value)
        writer.writerow(cells)


@with_filters
def reports(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    fmt: FormatOpt = "table",
    history: Annotated[
        bool, typer.Option("--history", help="Every version, marked 当前/已替代 with the reason.")
    ] = False,
    *,
    filters: Filters,
) -> None:
    """List current reports (json/csv: the export schema); --history shows every version and why it was replaced."""
    from jixiao.db import queries

    check_format(fmt)
    flt = build_filter(filters, current_only=not history)
    engine = read_engine(home, database_url)
    rows = query_reports(engine, flt)
    if flt.unit and flt.unit.names and fmt == "table":
        note(f"--unit {flt.unit.text} → {flt.unit.names[0]} ({flt.unit.adcodes[0]})")
    if not rows:
        fail(queries.why_empty(engine, flt), code=1)
    if fmt == "json":
        print_json([r.model_dump(mode="json") for r in rows])
    elif fmt == "csv":
        buf = io.StringIO()
        write_csv(rows, buf)
        sys.stdout.buffer.write(buf.getvalue().encode("utf-8-sig"))  # the BOM lets Excel/WPS read UTF-8
        sys.stdout.flush()
    elif history:
        rows.sort(key=lambda r: (r.unit_name or "", r.fiscal_year or 0, not r.is_current, -r.report_id))
        print_table(
            [flat(r) for r in rows],
            HISTORY_TABLE,
            title="report versions (当前 = current, 已替代 = superseded)",
        )
    else:
        print_table(
            [table_row(r) for r in rows], REPORT_TABLE, title=f"current reports ({len(rows)}) — 万元, %"
        )


FILE_COLUMNS = ["id", "name", "status", "reason", "format", "encoding", "report_id"]


def files(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    status: Annotated[str | None, typer.Option(help="loaded, duplicate, quarantined or claimed.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Account for every file that entered the inbox: its status and reason."""
    from jixiao.db import queries
    from jixiao.db import repository as repo
    from jixiao.errors import JixiaoError

    check_format(fmt)
    try:
        queries.check_file_status(status)
    except JixiaoError as exc:
        fail(exc)
    engine = read_engine(home, database_url)
    rows = repo.list_files(engine, status)
    if not rows and fmt == "table":
        counts = repo.file_counts(engine)
        if not counts:
            fail("no file has entered the inbox yet: run `jixiao ingest PATH`", code=1)
        have = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        fail(f"no {status} file ({have}); try `jixiao files` without --status", code=1)
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FILE_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        cols = [Col(k, k, numeric=k in ("id", "report_id")) for k in FILE_COLUMNS]
        print_table(rows, cols, title=f"files ({len(rows)})")


RUN_COLUMNS = [
    Col("run_id", "run"),
    Col("started_at", "started (UTC)", nowrap=True),
    Col("files", "files", numeric=True),
    Col("loaded", "loaded", numeric=True),
    Col("duplicate", "dup", numeric=True),
    Col("quarantined", "quar.", numeric=True),
    Col("reports_loaded", "reports", numeric=True),
    Col("outcome", "outcome"),
]


def runs(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    fmt: FormatOpt = "table",
    limit: Annotated[int, typer.Option("--limit", help="Newest N runs (0 = all).")] = 20,
) -> None:
    """List ingest runs, newest first, with their outcome (files, reports, DQ)."""
    from jixiao.db import queries

    check_format(fmt, ("table", "json"))
    rows = queries.list_runs(read_engine(home, database_url), limit or None)
    if not rows:
        fail("no ingest run recorded yet: run `jixiao ingest PATH`", code=1)
    if fmt == "json":
        print_json(rows)
        return
    print_table(rows, RUN_COLUMNS, title="ingest runs (newest first)")
    failing = next((r for r in rows if r["dq_errors"] or r["dq_warnings"]), None)
    if failing:
        stdout_console().print(f"see: jixiao dq --failed --run {failing['run_id']}")


DQ_COLUMNS = [
    Col("check", "check"),
    Col("severity", "severity"),
    Col("status", "status"),
    Col("unit", "unit"),
    Col("year", "year", numeric=True),
    Col("file", "file"),
    Col("observed", "observed"),
    Col("message", "message"),
]


def dq(
    ctx: typer.Context,
    home: HomeOpt = None,
    database_url: DbOpt = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only outcomes that did not pass.")] = False,
    run: Annotated[
        str | None, typer.Option("--run", help="Run id (default: the latest run with checks).")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List data-quality outcomes of a run (default: the latest run that recorded checks; it says which)."""
    ctx.obj = (home, database_url)
    if ctx.invoked_subcommand is not None:
        return
    from jixiao.db import queries
    from jixiao.errors import JixiaoError

    check_format(fmt)
    engine = read_engine(home, database_url)
    try:
        shown, rows = queries.dq_for_run(engine, run, failed)
    except JixiaoError as exc:
        fail(exc)
    if shown is None:
        fail("no data-quality outcome recorded yet: run `jixiao ingest PATH`", code=1)
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["run_id"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
        return
    which = (
        ""
        if run
        else (
            " (the latest run)"
            if shown.get("latest")
            else " (the latest run with checks; newer runs recorded none)"
        )
    )
    stdout_console().print(
        f"run {shown['run_id']}{which}, started {shown.get('started_at') or '?'}: "
        f"{shown['checks']} outcome(s), {shown['not_passed']} not passed"
    )
    if not rows:
        stdout_console().print("every check passed in this run" if failed else "this run recorded no check")
        return
    print_table(rows, DQ_COLUMNS, title="data quality")
