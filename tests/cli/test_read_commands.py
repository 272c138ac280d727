"""The read commands never mislead: no database or folder created, one-line errors, empty results that say
why, the run `dq` shows named, versions with their reason, numbers that never wrap."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao_cli.main import app
from jixiao_cli.output import fmt_cell
from tests.cli.corpus import LINZE, Corpus, loaded_corpus
from tests.support import ROOT

runner = CliRunner()

READ_COMMANDS = [
    pytest.param(["reports"], id="reports"),
    pytest.param(["reports", "--history"], id="reports-history"),
    pytest.param(["reports", "--format", "json"], id="reports-json"),
    pytest.param(["files"], id="files"),
    pytest.param(["dq"], id="dq"),
    pytest.param(["dq", "--failed", "--run", "r1"], id="dq-run"),
    pytest.param(["runs"], id="runs"),
    pytest.param(["units", "show", "131024"], id="units-show"),
    pytest.param(["review"], id="review-listing"),
    pytest.param(["export", "--format", "csv"], id="export-csv"),
    pytest.param(["export", "--format", "xlsx"], id="export-xlsx"),
]


def _jixiao(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: what a user sees on stdout and stderr."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    full.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "jixiao_cli.main", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    """The CLI sets JIXIAO_HOME/PREFECT_HOME in-process; a mistyped home must not leak into the next test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*"))


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_command_against_a_missing_home_creates_nothing(command: list[str], tmp_path: Path) -> None:
    home = tmp_path / "mistyped-home"
    result = runner.invoke(app, [*command, "--home", str(home)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(home / "jixiao.db") in lines[0] and f"--home {home}" in lines[0]
    assert "Traceback" not in result.output
    assert not home.exists()
    assert _files_under(tmp_path) == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        pytest.param("not-a-url", "is not a URL", id="not-a-url"),
        pytest.param("mysql://someone@db.example/jixiao", "SQLite or PostgreSQL, not 'mysql'", id="mysql"),
        pytest.param(
            "postgresql+psycopg://postgres@127.0.0.1:1/jixiao",
            "cannot reach the database",
            id="pg-unreachable",
        ),
        pytest.param("sqlite:///{tmp}/no/such/dir/x.db", "no jixiao database at", id="sqlite-missing-folder"),
    ],
)
def test_a_bad_database_url_is_one_line_without_traceback(url: str, says: str, tmp_path: Path) -> None:
    run = _jixiao(["reports"], tmp_path, JIXIAO_DATABASE_URL=url.format(tmp=tmp_path))
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and says in lines[0], run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert _files_under(tmp_path) == []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[Corpus]:
    with loaded_corpus("sqlite", tmp_path_factory.mktemp("reads"), None) as c:
        yield c


def _run(corpus: Corpus, *args: str, columns: int | None = None) -> object:
    env = {"COLUMNS": str(columns)} if columns else {}
    return runner.invoke(app, [*args, *corpus.args()], env=env)


def test_an_existing_database_answers_and_is_not_touched(corpus: Corpus) -> None:
    db = corpus.home / "jixiao.db"
    before = db.stat().st_size
    result = _run(corpus, "reports", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 6
    assert db.stat().st_size == before


@pytest.mark.parametrize(
    ("unit", "found"),
    [
        pytest.param("临泽县科协", True, id="abbreviation-resolves-through-the-registry"),
        pytest.param("渔阳科协", False, id="unknown-name-says-why-and-what-next"),
    ],
)
def test_unit_filter_resolves_like_units_search(corpus: Corpus, unit: str, found: bool) -> None:
    result = _run(corpus, "reports", "--unit", unit, "--format", "json")
    if found:
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert {r["adcode"] for r in rows} == {LINZE} and {r["fiscal_year"] for r in rows} == {2021, 2022}
    else:
        assert result.exit_code == 1
        assert "no report matches --unit 渔阳科协" in result.output
        assert "jixiao units search 渔阳科协" in result.output


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        pytest.param(["dq", "--run", "nonexistent"], 2, "no run 'nonexistent'", id="dq-unknown-run"),
        pytest.param(
            ["files", "--status", "bogus"], 2, "unknown file status 'bogus'", id="files-bogus-status"
        ),
        pytest.param(
            ["files", "--status", "quarantined"], 1, "no quarantined file (", id="files-none-quarantined"
        ),
        pytest.param(
            ["reports", "--year", "1999"], 1, "no report matches --year 1999", id="reports-empty-year"
        ),
        pytest.param(["reports", "--dq", "broken"], 2, "unknown --dq 'broken'", id="reports-bogus-dq"),
        pytest.param(["files", "--status", "loaded"], 0, "files (7)", id="files-loaded-answers"),
    ],
)
def test_empty_or_unknown_filters_say_so(corpus: Corpus, args: list[str], code: int, says: str) -> None:
    result = _run(corpus, *args)
    assert result.exit_code == code, result.output
    assert says in result.output
    if code:
        assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1


def test_plain_dq_names_the_run_it_shows(corpus: Corpus) -> None:
    runs = json.loads(_run(corpus, "runs", "--format", "json").stdout)
    latest = runs[0]["run_id"]
    shown = _run(corpus, "dq", "--failed")
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"run {latest} (the latest run)")
    assert "report_date_consistent_with_year" in shown.output


def test_runs_lists_outcomes(corpus: Corpus) -> None:
    result = _run(corpus, "runs", "--format", "json")
    assert result.exit_code == 0, result.output
    (run,) = json.loads(result.stdout)
    assert run["files"] == 7 and run["loaded"] == 7 and run["reports_loaded"] == 7
    assert run["outcome"].startswith("finished · DQ failed") and run["dq_errors"] >= 2
    table = _run(corpus, "runs")
    assert "DQ failed" in table.output and f"jixiao dq --failed --run {run['run_id']}" in table.output


def test_history_marks_versions_with_the_reason(corpus: Corpus) -> None:
    result = _run(corpus, "reports", "--history", "--unit", "临泽县科协", "--year", "2022")
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "临泽" in ln]
    current = next(ln for ln in lines if "当前" in ln)
    old = next(ln for ln in lines if "已替代" in ln)
    assert "2022-03-15" in current and "2022-01-09" in old
    assert "报告日期较新" in result.output
    rows = json.loads(
        _run(
            corpus, "reports", "--history", "--unit", "临泽县科协", "--year", "2022", "--format", "json"
        ).stdout
    )
    by_current = {r["is_current"]: r for r in rows}
    assert by_current[False]["superseded_by"] == by_current[True]["report_id"]
    assert by_current[False]["version_reason"].startswith(f"#{by_current[True]['report_id']} 报告日期较新")
    assert by_current[True]["version_reason"] is None


def test_numbers_are_right_aligned_and_never_wrapped_at_100_columns(corpus: Corpus) -> None:
    rows = json.loads(_run(corpus, "reports", "--format", "json").stdout)
    table = _run(corpus, "reports", columns=100)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert max(len(ln) for ln in lines) <= 100
    checked = 0
    for r in rows:
        for key in ("budget_initial", "expenditure_total", "execution_rate", "score"):
            if r[key] is None:
                continue
            text = fmt_cell(r[key])
            line = next((ln for ln in lines if re.search(rf"[ │]{re.escape(text)} │", ln)), None)
            assert line is not None, f"{text} is wrapped or not right-aligned:\n{table.output}"
            checked += 1
        assert r["report_date"] is None or r["report_date"] in table.output
    assert checked >= 8
