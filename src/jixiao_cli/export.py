"""``jixiao export``: files an analyst opens in Excel/WPS — .xlsx with four sheets, CSV with a BOM, or JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jixiao_cli.filters import Filters, with_filters
from jixiao_cli.output import (
    DbOpt,
    HomeOpt,
    fail,
    note,
    read_engine,
    stdout_console,
)
from jixiao_cli.reads import build_filter, query_reports, write_csv

if TYPE_CHECKING:
    from jixiao.db.public import ReportPublic

FORMATS = ("xlsx", "csv", "json")
NUMBER_FORMATS = {
    "money": "#,##0.00####",
    "percent": "0.00",
    "score": "0.00",
    "count": "0",
    "year": "0",
    "date": "@",
    "text": "@",
    "list": "@",
}
WIDTHS = {"money": 14, "percent": 12, "score": 10, "count": 10, "year": 8, "date": 12, "list": 30, "text": 16}
EVIDENCE_HEADERS = [
    ("report_id", "报告编号", "count"),
    ("unit_name", "单位名称", "text"),
    ("fiscal_year", "年度", "year"),
    ("field_title", "字段", "text"),
    ("field", "字段代码", "text"),
    ("value", "值", "text"),
    ("unit", "计量单位", "text"),
    ("snippet", "原文", "text"),
    ("file", "文件", "text"),
    ("page", "页码", "count"),
]
DQ_HEADERS = [
    ("report_id", "报告编号", "count"),
    ("unit_name", "单位名称", "text"),
    ("fiscal_year", "年度", "year"),
    ("check", "检查项", "text"),
    ("severity", "级别", "text"),
    ("status", "结果", "text"),
    ("observed", "观测值", "text"),
    ("message", "说明", "text"),
]
VERSION_KEYS = [
    "report_id",
    "unit_name",
    "fiscal_year",
    "report_date",
    "is_current",
    "superseded_by",
    "version_reason",
    "expenditure_total",
    "execution_rate",
    "score",
    "source_files",
]


def _sheet(
    wb: Any, title: str, headers: Sequence[tuple[str, str, str]], rows: Sequence[dict[str, Any]]
) -> None:
    """A sheet with a bold frozen header, an autofilter, and a number format per column."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append([h for _, h, _ in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        ws.append([_cell(r.get(k), kind) for k, _, kind in headers])
    for i, (_, header, kind) in enumerate(headers, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(WIDTHS.get(kind, 16), len(header) * 2 + 2)
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.number_format = NUMBER_FORMATS.get(kind, "General")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 1)}"


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("text", "date", "list"):
        return str(value)
    return value


def _flat(r: ReportPublic, keys: Sequence[str] | None = None) -> dict[str, Any]:
    from jixiao.db.public import FLAT_COLUMNS, flat_value

    return {c.key: flat_value(r, c.key) for c in FLAT_COLUMNS if keys is None or c.key in keys}


def write_xlsx(
    path: Path,
    current: Sequence[ReportPublic],
    versions: Sequence[ReportPublic],
    evidence: Sequence[dict[str, Any]],
) -> None:
    from openpyxl import Workbook

    from jixiao.db.public import FLAT_COLUMNS

    wb = Workbook()
    wb.remove(wb.active)
    by_key = {c.key: c for c in FLAT_COLUMNS}
    _sheet(wb, "报告", [(c.key, c.header, c.kind) for c in FLAT_COLUMNS], [_flat(r) for r in current])
    _sheet(wb, "证据", EVIDENCE_HEADERS, evidence)
    version_headers = [(k, by_key[k].header, by_key[k].kind) for k in VERSION_KEYS]
    _sheet(wb, "版本", version_headers, [_flat(r, VERSION_KEYS) for r in versions])
    findings = [
        {"report_id": r.report_id, "unit_name": r.unit_name, "fiscal_year": r.fiscal_year, **d.model_dump()}
        for r in current
        for d in r.dq
    ]
    _sheet(wb, "数据质量", DQ_HEADERS, findings)
    wb.properties.title = "jixiao 绩效自评报告导出"
    wb.save(path)


def _write_workbook(engine: Any, flt: Any, current: list[ReportPublic], out: Path | None) -> None:
    """The .xlsx: current reports, their evidence, every version of their units and years, their findings."""
    from jixiao.db import queries

    target = out or Path(f"jixiao-reports-{date.today():%Y%m%d}.xlsx")
    if target.suffix.lower() != ".xlsx":
        fail(f"{target} does not end in .xlsx; Excel/WPS open a workbook by its extension")
    if not target.parent.is_dir():
        fail(f"no folder {target.parent} to write {target.name} into")
    groups = {(r.adcode or r.unit_name, r.fiscal_year) for r in current}
    everything = query_reports(engine, queries.ReportFilter(unit=flt.unit, year=flt.year, current_only=False))
    versions = [r for r in everything if (r.adcode or r.unit_name, r.fiscal_year) in groups]
    evidence = queries.evidence_rows(engine, current)
    write_xlsx(target, current, versions, evidence)
    stdout_console().print(
        f"wrote {target}: {len(current)} report(s), {len(evidence)} evidence row(s), "
        f"{len(versions)} version(s), {sum(len(r.dq) for r in current)} data-quality finding(s)"
    )


@with_filters
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx, csv or json.")] = "xlsx",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (xlsx default: jixiao-reports-DATE.xlsx; csv/json: stdout)."
        ),
    ] = None,
    home: HomeOpt = None,
    database_url: DbOpt = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="CSV for programs: no BOM, dates as bare YYYY-MM(-DD).")
    ] = False,
    *,
    filters: Filters,
) -> None:
    """Export current reports for Excel/WPS: .xlsx (reports, evidence, versions, data quality), CSV or JSON."""
    from jixiao.db import queries

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; use xlsx, csv or json")
    flt = build_filter(filters)
    engine = read_engine(home, database_url)
    current = query_reports(engine, flt)
    if flt.unit and flt.unit.names:
        note(f"--unit {flt.unit.text} → {flt.unit.names[0]} ({flt.unit.adcodes[0]})")
    if not current:
        fail(queries.why_empty(engine, flt), code=1)
    if fmt == "xlsx":
        _write_workbook(engine, flt, current, out)
        return
    if fmt == "json":
        rows = [r.model_dump(mode="json") for r in current]
        _emit(out, json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "utf-8")
    else:
        buf = io.StringIO()
        write_csv(current, buf, excel=not plain)
        _emit(out, buf.getvalue(), "utf-8" if plain else "utf-8-sig")
    if out is not None:
        stdout_console().print(f"wrote {len(current)} report(s) to {out}")


def _emit(out: Path | None, text: str, encoding: str) -> None:
    import sys

    data = text.encode(encoding)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if not out.parent.is_dir():
        fail(f"no folder {out.parent} to write {out.name} into")
    out.write_bytes(data)
