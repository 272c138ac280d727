"""One progress display across the ingest stages (read, parse, match, validate, load), with counts.

On a terminal: a live Rich display on stderr. On a pipe: nothing unless asked (`--progress`), then one line
per finished stage. Never on stdout, and not by default with --format json.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows import progress as flow_progress
from jixiao_cli.main import app
from jixiao_cli.progress import StageProgress, wanted
from tests.support import ROOT

STAGE_LINE = re.compile(r"^(read|parse|match|validate|load)\s+(\d+)/(\d+) · [\d.]+ s$", re.M)


def console(terminal: bool) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, width=100)


@pytest.mark.parametrize(
    ("asked", "fmt", "terminal", "shown"),
    [
        pytest.param(None, "table", True, True, id="terminal-table-shows-it"),
        pytest.param(None, "table", False, False, id="pipe-is-quiet-by-default"),
        pytest.param(None, "json", True, False, id="json-is-quiet-by-default-even-on-a-terminal"),
        pytest.param(True, "table", False, True, id="asked-on-a-pipe-shows-it"),
        pytest.param(False, "table", True, False, id="no-progress-on-a-terminal-is-quiet"),
    ],
)
def test_when_the_display_is_shown(asked: bool | None, fmt: str, terminal: bool, shown: bool) -> None:
    assert wanted(asked, fmt, console(terminal)) is shown


def drive() -> None:
    """The events a run of 5 files sends, one of them refused before parsing (parse advances 4 times)."""
    flow_progress.start("read", 5)
    flow_progress.done("read")
    flow_progress.start("parse", 5)
    from jixiao import pipeline

    for _ in range(4):
        pipeline._progress_hook(1)  # type: ignore[misc]  # set by StageProgress, as the parse pool calls it
    flow_progress.done("parse")
    flow_progress.start("match", 5)
    flow_progress.done("match")
    flow_progress.start("validate", flow_progress.SUITES)
    for _ in range(4):
        flow_progress.advance("validate")
    flow_progress.start("load", 5)
    flow_progress.done("load")
    flow_progress.done("validate")


@pytest.mark.parametrize(
    "terminal",
    [pytest.param(False, id="pipe-one-line-per-stage"), pytest.param(True, id="terminal-live-display")],
)
def test_every_stage_is_counted(terminal: bool) -> None:
    out = console(terminal)
    with StageProgress(out) as display:
        drive()
        assert display.snapshot() == dict.fromkeys(("read", "parse", "match", "load"), (5, 5)) | {
            "validate": (5, 5)
        }
    text = out.file.getvalue()  # type: ignore[attr-defined]  # the StringIO given above
    lines = {m[1]: (int(m[2]), int(m[3])) for m in STAGE_LINE.finditer(text)}
    if terminal:
        assert "parse" in text and "5/5" in text  # the live display drew the stages with their counts
        assert not lines  # and wrote no log lines
    else:
        assert lines == dict.fromkeys(flow_progress.STAGES, (5, 5))


def test_events_after_the_display_are_not_heard() -> None:
    """The failing case beside: once the display is gone, nothing listens (no stale hook into a closed console)."""
    out = console(False)
    with StageProgress(out):
        pass
    drive_after = out.file.getvalue()  # type: ignore[attr-defined]
    flow_progress.start("read", 3)
    flow_progress.done("read")
    assert out.file.getvalue() == drive_after == ""  # type: ignore[attr-defined]


runner = CliRunner()


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("flags", "expect_lines"),
    [
        pytest.param(["--progress"], True, id="asked-shows-each-stage-with-counts-on-stderr"),
        pytest.param([], False, id="not-a-terminal-stays-quiet"),
        pytest.param(["--format", "json"], False, id="json-stays-quiet-and-parseable"),
    ],
)
def test_ingest_shows_stages(tmp_path: Path, flags: list[str], expect_lines: bool) -> None:
    home = tmp_path / "h"
    seeds = ROOT / "seeds" / "reports"
    result = runner.invoke(app, ["ingest", str(seeds), "--home", str(home), "--workers", "1", *flags])
    assert result.exit_code == 0, result.output
    lines = {m[1]: (int(m[2]), int(m[3])) for m in STAGE_LINE.finditer(result.stderr)}
    n = len(list(seeds.glob("*.txt")))
    if expect_lines:
        assert lines == dict.fromkeys(("read", "parse", "match", "load"), (n, n)) | {
            "validate": (flow_progress.SUITES, flow_progress.SUITES)
        }
    else:
        assert lines == {}
    assert not STAGE_LINE.search(result.stdout)
    if "json" in flags:
        assert json.loads(result.stdout)["by_status"] == {"loaded": n}
