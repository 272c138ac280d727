"""``jixiao units``, ``jixiao review``, ``jixiao repair`` and ``jixiao dq docs``: the registry and decisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from jixiao_cli import common
from jixiao_cli.common import DbOpt, FormatOpt, HomeOpt, console, err
from jixiao_cli.env import prepare_environment
from jixiao_cli.output import read_engine

units_app = typer.Typer(help="The canonical registry of 科学技术协会 units.", no_args_is_help=True)
review_app = typer.Typer(help="The review queue of unit matches that need a person.")

REVIEW_COLUMNS = [
    "id",
    "report_id",
    "unit_name",
    "department_type",
    "fiscal_year",
    "read_from",
    "reason",
    "candidates",
    "evidence",
]


def repair(home: HomeOpt = None, database_url: DbOpt = None) -> None:
    """Settle (unit, year) groups with more than one current report, and record a finding for each report
    loaded without its data-quality checks. Every run does this at start; safe to run any time."""
    from jixiao.db import repository as repo

    fixed = repo.repair(common.engine(common.settings(home, database_url)))
    console.print(
        f"{fixed.groups_fixed} (unit, year) group(s) had more than one current report: "
        f"{fixed.demoted} report(s) no longer current · {fixed.unchecked} report(s) without checks flagged"
    )


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
    common.print_rows(
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
    common.print_rows([unit], fmt, list(unit), title=unit["name"])


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
    common.print_rows(rows, fmt, REVIEW_COLUMNS, title="review queue")


def _decide(
    ctx: typer.Context, item_id: int, accept: bool, adcode: str | None, dtype: str | None = None
) -> None:
    from jixiao.db import repository as repo

    home, db = ctx.obj or (None, None)
    try:
        result = repo.decide_review(common.engine(common.settings(home, db)), item_id, accept, adcode, dtype)
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


def dq_docs(ctx: typer.Context) -> None:
    """Print the path of the Great Expectations Data Docs."""
    home, db = ctx.obj or (None, None)
    s = common.settings(home, db)
    index = next(iter(sorted(s.gx_dir.rglob("data_docs/local_site/index.html"))), None)
    if index is None:
        err.print(f"no Data Docs yet under {escape(str(s.gx_dir))}; run `jixiao ingest` first")
        raise typer.Exit(1)
    console.print(str(index.resolve()))
