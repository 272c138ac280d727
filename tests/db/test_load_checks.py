"""Check outcomes are part of the load: written in its transaction; a report without them is a finding."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao import pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.quality import CheckOutcome
from jixiao.read import ReadLimits
from jixiao.units.match import Matcher
from jixiao.units.registry import load_registry
from tests.support import seed


def load(db_url: str, tmp_path: Path, checks: list[CheckOutcome] | None, copies: int = 1) -> repo.LoadResult:
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    names = ["a.txt", "b.txt"]
    shutil.copy2(seed("000"), inbox / names[0])
    shutil.copy2(seed("001"), inbox / names[1])
    if copies > 1:
        (inbox / "a-copy.txt").write_bytes(seed("000").read_text(encoding="utf-8").encode("gb18030"))
        names.append("a-copy.txt")
    claimed, _ = repo.claim_files(engine, [pipeline.describe(inbox / n, inbox) for n in names], "r")
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), {}))
    if checks is not None:  # keyed by the batch key, the file id, as the GX runner returns them
        checks = [
            CheckOutcome(
                o.suite, o.check_id, o.severity, o.status, c.file_id, o.observed, o.expected, o.message
            )
            for c in claimed
            for o in checks
        ] + [CheckOutcome("parsed", "score_range", "error", "pass", None, None, "0-100", "all rows pass")]
    return repo.load_batch(engine, "r", list(zip(claimed, results, strict=True)), matches, checks)


def failing(db_url: str) -> list[tuple[str, str | None]]:
    with get_engine(db_url).connect() as conn:
        return [
            (check, name)
            for check, name in conn.execute(
                text(
                    "select d.check_id, f.name from dq_result d left join source_file f on f.id = d.source_file_id "
                    "where d.status != 'pass' order by f.name"
                )
            )
        ]


@pytest.mark.parametrize(
    ("checks", "stored", "flagged"),
    [
        pytest.param(
            [CheckOutcome("consistency", "expenditure_sum", "error", "fail", None, "1", "2", "sum differs")],
            [("expenditure_sum", "a.txt"), ("expenditure_sum", "b.txt")],
            0,
            id="checks-written-with-the-reports",
        ),
        pytest.param(None, [], 2, id="loaded-without-checks-is-a-finding"),
    ],
)
def test_checks_are_part_of_the_load(
    db_url: str,
    tmp_path: Path,
    checks: list[CheckOutcome] | None,
    stored: list[tuple[str, str]],
    flagged: int,
) -> None:
    out = load(db_url, tmp_path, checks, copies=2)
    assert sorted(o.status for o in out.outcomes) == ["duplicate", "loaded", "loaded"]
    # The duplicate's outcomes repeat its original's: not stored.
    assert failing(db_url) == stored
    fixed = repo.repair(get_engine(db_url), "next-run")
    assert fixed.unchecked == flagged
    with get_engine(db_url).connect() as conn:
        findings = conn.execute(
            text(
                "select count(*) from dq_result where check_id = 'report_has_checks' and report_id is not null"
            )
        ).scalar_one()
    assert findings == flagged
    assert repo.repair(get_engine(db_url), "again").unchecked == 0  # one finding per report, not one per run
