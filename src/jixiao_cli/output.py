"""Shared output of the read commands: a read-only engine, one-line errors, tables that never wrap numbers."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jixiao_cli.env import prepare_environment

err = Console(stderr=True, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    """stdout as it is now: COLUMNS or the terminal's width; piped output gets 180 columns, not 80."""
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 180
    # Report text (unit names, reasons, evidence) is printed as written, never read as Rich markup.
    return Console(width=width, markup=False, highlight=False)


def fail(message: object, code: int = 2) -> NoReturn:
    """Print a one-line error (no traceback) and leave with ``code``."""
    line = " ".join(str(message).split())
    err.print(f"[red]error:[/red] {escape(line)}", markup=True)
    raise typer.Exit(code)


def settings_for(home: Path | None, db: str | None) -> Any:
    prepare_environment(home)
    from jixiao.config import get_settings

    return get_settings(home=home, database_url=db)


def read_engine(home: Path | None, db: str | None) -> Any:
    """An engine on an existing jixiao database; a missing one is an error naming the path and --home."""
    from jixiao.db.engine import open_existing
    from jixiao.errors import JixiaoError

    settings = settings_for(home, db)
    try:
        return open_existing(settings.db_url, home=settings.home.resolve())
    except JixiaoError as exc:
        fail(exc)


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    numeric: bool = False
    nowrap: bool = False  # dates and codes: left-aligned, never split


def fmt_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Every stored digit, at least two decimals, thousands grouped: 3672.5 → 3,672.50.
        whole, _, frac = f"{value:,.6f}".partition(".")
        return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    return str(value)


def print_table(rows: Sequence[dict[str, Any]], cols: Sequence[Col], title: str | None = None) -> None:
    """A Rich table: numbers right-aligned and never wrapped; text folds."""
    table = Table(title=title)
    for c in cols:
        if c.numeric:
            table.add_column(c.header, justify="right", no_wrap=True)
        elif c.nowrap:
            table.add_column(c.header, no_wrap=True)
        else:
            table.add_column(c.header, overflow="fold")
    for r in rows:
        table.add_row(*[fmt_cell(r.get(c.key)) for c in cols])
    stdout_console().print(table)


def print_json(rows: Any) -> None:
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")


def check_format(fmt: str, allowed: Sequence[str] = ("table", "json", "csv")) -> None:
    if fmt not in allowed:
        fail(f"unknown format {fmt!r}; use {', '.join(allowed[:-1])} or {allowed[-1]}")


def note(message: str) -> None:
    """A line for people (on stderr, so piped output stays data)."""
    err.print(message, markup=False)


HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="Data folder (env JIXIAO_HOME, default ./jixiao-data).")
]
DbOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL (env JIXIAO_DATABASE_URL; default SQLite in home)."),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
