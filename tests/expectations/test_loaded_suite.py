"""The `loaded` suite runs against the database tables through GX's SQL data source."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from expectations.runner import validate_loaded
from jixiao.db.engine import get_engine

UNIT = text(
    "insert into unit (adcode, name, division, level, province) values "
    "('130121', '井陉县科学技术协会', '井陉县', 'county', '河北省')"
)


def _insert(db_url: str, rows: list[tuple[str, int, bool]], file_statuses: list[str]) -> None:
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(UNIT)
        for i, (adcode, year, current) in enumerate(rows, 1):
            conn.execute(
                text(
                    "insert into report (id, text_hash, unit_adcode, fiscal_year, is_current, match_status, created_at) "
                    "values (:i, :h, :a, :y, :c, 'matched', CURRENT_TIMESTAMP)"
                ),
                {"i": i, "h": f"h{i}", "a": adcode, "y": year, "c": current},
            )
        for i, status in enumerate(file_statuses, 1):
            conn.execute(
                text(
                    "insert into source_file (id, path, name, size, sha256, status, received_at) "
                    "values (:i, :p, :p, 1, :s, :st, CURRENT_TIMESTAMP)"
                ),
                {"i": i, "p": f"f{i}", "s": f"s{i}", "st": status},
            )


def _failed(outcomes: list) -> set[str]:  # type: ignore[type-arg]
    return {o.check_id for o in outcomes if o.status != "pass"}


def test_consistent_tables_pass(db_url: str, tmp_path: Path) -> None:
    _insert(db_url, [("130121", 2022, True), ("130121", 2021, True)], ["loaded", "loaded", "duplicate"])
    outcomes = validate_loaded(db_url, context_dir=tmp_path)
    assert outcomes and _failed(outcomes) == set()


def test_two_current_reports_and_a_stuck_file_fail(db_url: str, tmp_path: Path) -> None:
    _insert(db_url, [("130121", 2022, True), ("130121", 2022, True)], ["loaded", "claimed"])
    outcomes = validate_loaded(db_url, context_dir=tmp_path)
    assert _failed(outcomes) == {
        "one_current_report_per_unit_year",
        "source_files_terminal",
        "report_count_matches_loaded_files",
    }
    assert not [o for o in outcomes if o.status == "check_error"]


def _insert_runs(db_url: str) -> None:
    """Run "old" left two current reports of one unit-year and a stuck file; run "new" loaded cleanly."""
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(UNIT)
        for i, (adcode, year, run) in enumerate([("130121", 2022, "old"), ("130121", 2022, "old")], 1):
            conn.execute(
                text(
                    "insert into report (id, text_hash, unit_adcode, fiscal_year, is_current, match_status, "
                    "created_at, run_id) values (:i, :h, :a, :y, true, 'matched', CURRENT_TIMESTAMP, :r)"
                ),
                {"i": i, "h": f"h{i}", "a": adcode, "y": year, "r": run},
            )
        conn.execute(
            text(
                "insert into report (id, text_hash, unit_adcode, fiscal_year, is_current, match_status, "
                "created_at, run_id) values (3, 'h3', '130121', 2023, true, 'matched', CURRENT_TIMESTAMP, 'new')"
            )
        )
        for i, (status, run) in enumerate([("loaded", "old"), ("claimed", "old"), ("loaded", "new")], 1):
            conn.execute(
                text(
                    "insert into source_file (id, path, name, size, sha256, status, received_at, run_id) "
                    "values (:i, :p, :p, 1, :s, :st, CURRENT_TIMESTAMP, :r)"
                ),
                {"i": i, "p": f"f{i}", "s": f"s{i}", "st": status, "r": run},
            )


@pytest.mark.parametrize(
    ("rows_of", "failed"),
    [
        pytest.param("new", set(), id="a-run-is-judged-on-the-rows-it-wrote"),
        pytest.param(
            "old",
            {
                "one_current_report_per_unit_year",
                "source_files_terminal",
                "report_count_matches_loaded_files",
            },
            id="the-run-that-wrote-the-bad-rows-fails",
        ),
        pytest.param(
            None,
            {
                "one_current_report_per_unit_year",
                "source_files_terminal",
                "report_count_matches_loaded_files",
            },
            id="the-whole-tables-fail",
        ),
    ],
)
def test_the_loaded_suite_checks_one_runs_rows(
    db_url: str, tmp_path: Path, rows_of: str | None, failed: set[str]
) -> None:
    _insert_runs(db_url)
    outcomes = validate_loaded(db_url, context_dir=tmp_path, rows_of=rows_of)
    assert outcomes and _failed(outcomes) == failed
    assert not [o for o in outcomes if o.status == "check_error"]
