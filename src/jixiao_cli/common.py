"""What the non-read commands share: the consoles, settings and a registry-synced engine, row printing."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jixiao_cli.env import prepare_environment

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


def settings(home: Path | None, db: str | None, **extra: Any) -> Any:
    prepare_environment(home)
    from jixiao.config import get_settings

    return get_settings(home=home, database_url=db, **extra)


def engine(s: Any) -> Any:
    """An engine on the settings' database, created if needed, with the unit registry synced."""
    from jixiao.db.engine import get_engine
    from jixiao.db.repository import sync_registry
    from jixiao.errors import DatabaseUnavailable
    from jixiao.units.registry import load_registry

    try:
        e = get_engine(s.db_url)
        sync_registry(e, load_registry())
        return e
    except DatabaseUnavailable as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def progress_bar(label: str) -> Progress:
    """A transient bar on stderr, so piped stdout stays clean."""
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
    )


def print_rows(
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
