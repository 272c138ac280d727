"""Text from reports is shown as text: never as Rich markup in the terminal, never as markdown or HTML in
the Prefect UI's artifacts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from rich.errors import MarkupError
from sqlalchemy import text
from typer.testing import CliRunner

from jixiao.alerts import ReportInfo
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.quality import CheckOutcome
from jixiao.runsummary import FileRow, RunSummary
from jixiao_cli.main import app, print_summary
from tasks.artifacts import dq_markdown
from tests.support import seed

HOSTILE_UNIT = "某某县科协[/]"
HOSTILE_FILE = "<img src=x onerror=alert(1)>|报告[bold].txt"


@pytest.mark.parametrize(
    ("markup", "crashes"),
    [
        pytest.param(True, True, id="markup-on-crashes-as-before"),
        pytest.param(False, False, id="markup-off-prints-the-name"),
    ],
)
def test_a_unit_name_with_markup_in_a_console(markup: bool, crashes: bool) -> None:
    console = Console(markup=markup, file=open("/dev/null", "w"))  # noqa: SIM115  # closed with the console
    if crashes:
        with pytest.raises(MarkupError):
            console.print(f"unit {HOSTILE_UNIT}")
    else:
        console.print(f"unit {HOSTILE_UNIT}")


def test_the_ingest_summary_prints_hostile_names(capsys: pytest.CaptureFixture[str]) -> None:
    row = FileRow(HOSTILE_FILE, "loaded", HOSTILE_UNIT, None, 2024, "[red]x", None)
    summary = RunSummary("r1", None, 1, 0, 1, by_status={"loaded": 1}, outcomes=(row,))
    print_summary(summary)
    out = capsys.readouterr().out
    assert HOSTILE_UNIT in out and "[red]x" in out


@pytest.fixture
def hostile_db(tmp_path: Path) -> str:
    """A database holding one report whose unit name (as written) is Rich markup, waiting for review."""
    from jixiao import pipeline
    from jixiao.read import ReadLimits
    from jixiao.units.match import Matcher
    from jixiao.units.registry import load_registry

    db_url = f"sqlite:///{tmp_path / 'h.db'}"
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(seed("000"), inbox / "a.txt")
    claimed, _ = repo.claim_files(engine, [pipeline.describe(inbox / "a.txt", inbox)], "r")
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), {}))
    repo.load_batch(engine, "r", list(zip(claimed, results, strict=True)), matches, checks=[])
    with engine.begin() as conn:
        conn.execute(
            text("update report set unit_name = :u, unit_adcode = null, match_status = 'needs_review'"),
            {"u": HOSTILE_UNIT},
        )
        conn.execute(text("update source_file set name = :n"), {"n": HOSTILE_FILE})
        conn.execute(
            text(
                "insert into review_item (report_id, spelling, status, created_at) select id, :u, 'pending', created_at from report"
            ),
            {"u": HOSTILE_UNIT},
        )
    return db_url


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["reports"], id="reports"),
        pytest.param(["reports", "--history"], id="reports-history"),
        pytest.param(["review"], id="review"),
        pytest.param(["files"], id="files"),
    ],
)
def test_commands_show_hostile_names(hostile_db: str, tmp_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(
        app, [*command, "--home", str(tmp_path / "home"), "--database-url", hostile_db]
    )
    assert result.exit_code == 0, result.output
    shown = HOSTILE_FILE if command == ["files"] else HOSTILE_UNIT
    assert shown[:8] in result.output


def test_the_dq_artifact_escapes_names() -> None:
    outcomes = [
        CheckOutcome(
            "parsed", "score_range", "error", "fail", 7, "<b>120</b>|", "0-100", "score | <i>120</i>"
        )
    ]
    infos = {7: ReportInfo(unit_name=HOSTILE_UNIT, fiscal_year=2024, file_name=HOSTILE_FILE)}
    md = dq_markdown(outcomes, infos, "r1")
    assert "<img" not in md and "<b>" not in md and "<i>" not in md
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in md
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    # The table keeps its five columns: only the six unescaped pipes that delimit them.
    assert len(re.findall(r"(?<!\\)\|", row)) == 6
