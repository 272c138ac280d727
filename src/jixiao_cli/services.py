"""``jixiao watch`` and ``jixiao serve``: the long-running edges."""

from __future__ import annotations

from typing import Annotated

import typer

from jixiao_cli import common
from jixiao_cli.common import DbOpt, HomeOpt, console, err
from jixiao_cli.env import ensure_prefect_api, log_to_file


def watch(home: HomeOpt = None, database_url: DbOpt = None) -> None:
    """Watch the inbox and ingest files as they arrive (Ctrl-C to stop)."""
    settings = common.settings(home, database_url)
    settings.ensure_dirs()
    from deployments.watcher import run_watcher

    log_to_file(settings.home)
    console.print(f"watching {settings.inbox} (Ctrl-C to stop)")
    with err.status("starting the temporary Prefect server…") as status:
        ensure_prefect_api(
            settings.prefect_start_timeout_s,
            lambda s: status.update(f"starting the temporary Prefect server… {s:.0f} s"),
        )
    run_watcher(home=str(settings.home), database_url=settings.database_url)


def serve(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    cron: Annotated[str | None, typer.Option(help="Nightly schedule (default 0 2 * * *).")] = None,
    timezone: Annotated[str | None, typer.Option(help="Schedule time zone (default Asia/Shanghai).")] = None,
) -> None:
    """Serve the ingest deployments (nightly schedule + watcher-triggered runs) to the Prefect API."""
    settings = common.settings(home, database_url)
    settings.ensure_dirs()
    from deployments.serve import serve_all
    from jixiao.watch import AlreadyWatched, watcher_pid

    pid = watcher_pid(settings.home)
    if pid is not None:
        raise AlreadyWatched(settings.home, pid)
    log_to_file(settings.home)
    console.print(
        f"serving ingest/nightly ({cron or settings.nightly_cron}, {timezone or settings.timezone}) and "
        f"ingest/on-demand; watching {settings.inbox}"
    )
    serve_all(home=str(settings.home), cron=cron, timezone=timezone, database_url=settings.database_url)
