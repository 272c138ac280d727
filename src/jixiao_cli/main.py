"""The ``jixiao`` command line: a thin edge over the flows and the core.

The commands live in their own modules; this one assembles them and turns errors into one line.
Every module imported here keeps Prefect, Great Expectations and pandas imports inside the functions
that need them, so a command with nothing to do (``jixiao ingest`` of an empty inbox) answers at once.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from jixiao_cli import browse, corpus_cmds, export, ingest_cmd, reads, review, server, services
from jixiao_cli.common import err
from jixiao_cli.env import describe_error, exit_on_sigterm, stop_children, stop_prefect_server, write_trace
from jixiao_cli.ingest_cmd import print_summary, run_ingest

__all__ = ["app", "main", "print_summary", "run_ingest"]  # and PUBLIC_KEYS, through __getattr__

app = typer.Typer(
    help="jixiao (绩效): turn 部门整体支出绩效自评报告 into clean, checked data.",
    no_args_is_help=True,
    add_completion=False,
    # Errors are one line for the operator (main() below); --debug shows the trace. Never locals: they
    # can hold a database URL with its password.
    pretty_exceptions_enable=False,
)
dq_app = typer.Typer(help="Data-quality outcomes of ingest runs.")
app.add_typer(review.units_app, name="units")
app.add_typer(review.review_app, name="review")
app.add_typer(dq_app, name="dq")
app.add_typer(server.app, name="server")


@app.callback()
def _global_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error (default: one line).")
    ] = False,
) -> None:
    """jixiao (绩效): turn 部门整体支出绩效自评报告 into clean, checked data."""


app.command("ingest")(ingest_cmd.ingest)
app.command("reports")(reads.reports)
app.command("files")(reads.files)
app.command("runs")(reads.runs)
app.command("export")(export.export)
app.command("browse")(browse.browse)
app.command("repair")(review.repair)
app.command("synth")(corpus_cmds.synth)
app.command("accuracy")(corpus_cmds.accuracy)
app.command("watch")(services.watch)
app.command("serve")(services.serve)
dq_app.callback(invoke_without_command=True)(reads.dq)
dq_app.command("docs")(review.dq_docs)


def __getattr__(name: str) -> Any:
    """PUBLIC_KEYS (the export schema's keys), loaded when asked for, not on every command."""
    if name == "PUBLIC_KEYS":
        return reads.PUBLIC_KEYS
    raise AttributeError(name)


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
