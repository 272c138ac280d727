"""The `jixiao` command line, through Typer's runner, on a real database and a real Prefect API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from jixiao_cli.main import PUBLIC_KEYS, app
from tests.support import ROOT, seed

runner = CliRunner()


def all_commands() -> list[str]:
    root = get_command(app)
    names: list[str] = []

    def walk(cmd, prefix: str) -> None:  # type: ignore[no-untyped-def]
        sub = getattr(cmd, "commands", None)
        if sub:
            if getattr(cmd, "invoke_without_command", False) and prefix:
                names.append(prefix)
            for name, child in sub.items():
                walk(child, f"{prefix} {name}".strip())
        else:
            names.append(prefix)

    walk(root, "")
    return names


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`jixiao ([a-z ]+?)(?: \[| [A-Z]|`)", readme))
    missing = [c for c in all_commands() if c not in documented]
    assert not missing, f"commands missing from README: {missing}"
    assert len(all_commands()) >= 12


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["files", "--home", str(tmp_path), "--format", "xml"])
    assert result.exit_code == 2
    assert "unknown format" in result.output


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_units_search_and_show(tmp_path: Path) -> None:
    result = runner.invoke(app, ["units", "search", "香河县科协技术协会", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["adcode"] == "131024"
    # `units show` reads the database: on a home without one it says so and creates nothing.
    result = runner.invoke(app, ["units", "show", "131024", "--home", str(tmp_path / "h")])
    assert result.exit_code == 2 and "no jixiao database at" in result.output
    assert not (tmp_path / "h").exists()


@pytest.mark.usefixtures("prefect_api")
def test_ingest_then_reports_json_has_the_public_schema(tmp_path: Path) -> None:
    home = tmp_path / "h"
    result = runner.invoke(
        app, ["ingest", str(ROOT / "seeds" / "reports"), "--home", str(home), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "5 loaded" in result.output
    result = runner.invoke(app, ["reports", "--home", str(home), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 5
    assert all(list(r) == PUBLIC_KEYS for r in rows)
    by_code = {r["adcode"]: r for r in rows}
    assert by_code["431129"]["unit_name"] == "江华瑶族自治县科学技术协会"
    assert by_code["431129"]["personnel_share"] == pytest.approx(61.99)
    assert by_code["130121"]["source_files"] == [seed("000").name]

    files = runner.invoke(app, ["files", "--home", str(home), "--format", "json"])
    assert {f["status"] for f in json.loads(files.output)} == {"loaded"}
    csv_out = runner.invoke(app, ["reports", "--home", str(home), "--format", "csv", "--year", "2022"])
    assert csv_out.exit_code == 0 and csv_out.output.count("\n") == 3  # header + 2 reports of 2022
    dq = runner.invoke(app, ["dq", "--home", str(home), "--failed", "--format", "json"])
    assert dq.exit_code == 0, dq.output
    assert any(d["check"] == "report_date_consistent_with_year" for d in json.loads(dq.output))
    shown = runner.invoke(app, ["units", "show", "131024", "--home", str(home), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)[0]["name"] == "香河县科学技术协会"
    assert json.loads(shown.output)[0]["reports"] == 1
    bad = runner.invoke(app, ["units", "show", "999999", "--home", str(home)])
    assert bad.exit_code == 1 and "no unit with adcode" in bad.output
    docs = runner.invoke(app, ["dq", "--home", str(home), "docs"])
    assert docs.exit_code == 0 and docs.output.strip().endswith("index.html")


@pytest.mark.usefixtures("prefect_api")
def test_review_round_trip_learns_an_alias(tmp_path: Path) -> None:
    home = tmp_path / "h"
    body = seed("004").read_text(encoding="utf-8")
    # A spelling without any division name: nothing to match it to automatically.
    unknown = body.replace("临泽县科学技术协会", "渔阳科协").replace("临泽县", "本县").replace("临泽", "本地")
    first = tmp_path / "first.txt"
    first.write_text(unknown, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(first), "--home", str(home), "--workers", "1"])
    assert result.exit_code == 0, result.output

    queue = runner.invoke(app, ["review", "--home", str(home), "--format", "json"])
    items = json.loads(queue.output)
    assert len(items) == 1 and items[0]["spelling"] == "渔阳科协"
    accepted = runner.invoke(app, ["review", "--home", str(home), "accept", str(items[0]["id"]), "120119"])
    assert accepted.exit_code == 0, accepted.output
    assert "alias" in accepted.output
    again = runner.invoke(app, ["review", "--home", str(home), "accept", str(items[0]["id"]), "120119"])
    assert again.exit_code == 1 and "already accepted" in again.output

    second = tmp_path / "second.txt"
    second.write_text(unknown.replace("2022年", "2023年"), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(second), "--home", str(home), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(app, ["reports", "--home", str(home), "--format", "json"]).output)
    assert sorted((r["adcode"], r["fiscal_year"]) for r in rows) == [("120119", 2022), ("120119", 2023)]
    assert json.loads(runner.invoke(app, ["review", "--home", str(home), "--format", "json"]).output) == []
