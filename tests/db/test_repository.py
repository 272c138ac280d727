"""Repository code on real databases: SQLite files and the local PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao import pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine, table_names
from jixiao.db.models import SourceFile
from jixiao.read import ReadLimits
from jixiao.units.match import Matcher
from jixiao.units.registry import load_registry
from tests.support import exported, seed, seed_paths


def inbox_with(tmp_path: Path, files: dict[str, bytes]) -> list[pipeline.InboxFile]:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    return [pipeline.describe(inbox / name, inbox) for name in files]


def process(db_url: str, files: list[pipeline.InboxFile], run_id: str = "r1") -> repo.LoadResult:
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    claimed, _ = repo.claim_files(engine, files, run_id)
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), repo.learned_aliases(engine)))
    return repo.load_batch(engine, run_id, list(zip(claimed, results, strict=True)), matches)


def test_schema_is_migrated_on_first_use(db_url: str) -> None:
    engine = get_engine(db_url)
    names = table_names(engine)
    for table in (
        "source_file",
        "report",
        "unit",
        "report_field",
        "project_line",
        "dq_result",
        "alembic_version",
    ):
        assert table in names
    assert repo.sync_registry(engine, load_registry()) == len(load_registry().units)
    # Idempotent: a second sync adds nothing.
    assert repo.sync_registry(engine, load_registry()) == len(load_registry().units)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from unit")).scalar_one() == len(load_registry().units)
        assert conn.execute(text("select as_of from registry_source")).scalar_one() == "2025-12-31"


def test_a_file_is_claimed_once(db_url: str, tmp_path: Path) -> None:
    engine = get_engine(db_url)
    files = inbox_with(tmp_path, {p.name: p.read_bytes() for p in seed_paths()[:2]})
    first, _ = repo.claim_files(engine, files, "run-a")
    second, done = repo.claim_files(engine, files, "run-b")
    assert len(first) == 2
    assert second == [] and done == []  # claimed by a live process, not finished: left alone


def test_a_dead_claimers_files_are_taken_over(db_url: str, tmp_path: Path) -> None:
    engine = get_engine(db_url)
    files = inbox_with(tmp_path, {"a.txt": seed("000").read_bytes()})
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    with engine.begin() as conn:
        conn.execute(
            SourceFile.__table__.insert().values(  # type: ignore[attr-defined]
                path=str(files[0].path),
                name="a.txt",
                size=files[0].size,
                sha256=files[0].sha256,
                status="claimed",
                claimed_by=f"{socket.gethostname()}:{dead_pid}:old",
                received_at=repo.utcnow(),
            )
        )
    claimed, _ = repo.claim_files(engine, files, "new")
    assert [c.file.name for c in claimed] == ["a.txt"]
    assert os.getpid() != dead_pid


def test_load_dedupes_and_supersedes(db_url: str, tmp_path: Path) -> None:
    body = seed("000").read_text(encoding="utf-8")
    corrected = body.replace("综合得分98分", "综合得分96分").replace("成效明显。", "成效明显（更正）。")
    files = inbox_with(
        tmp_path,
        {
            "a.txt": body.encode("utf-8"),
            "a-gbk.txt": body.encode("gb18030"),
            "b.txt": seed("001").read_bytes(),
            "empty.txt": b"",
        },
    )
    out = process(db_url, files)
    status = {o.name: o.status for o in out.outcomes}
    assert status == {
        "a.txt": "loaded",
        "a-gbk.txt": "duplicate",
        "b.txt": "loaded",
        "empty.txt": "quarantined",
    }

    later = inbox_with(
        tmp_path, {"a-v2.txt": corrected.encode("utf-8"), "b-copy.txt": seed("001").read_bytes()}
    )
    out2 = process(db_url, later, "r2")
    by_name = {o.name: o for o in out2.outcomes}
    assert by_name["b-copy.txt"].status == "duplicate"
    assert "same bytes" in (by_name["b-copy.txt"].reason or "")
    assert by_name["a-v2.txt"].status == "loaded" and len(by_name["a-v2.txt"].superseded) == 1

    engine = get_engine(db_url)
    current = [r for r in exported(engine) if r["adcode"] == "130121"]
    assert len(current) == 1 and current[0]["score"] == 96
    with engine.connect() as conn:
        rows = conn.execute(
            text("select is_current, superseded_by, score from report where unit_adcode='130121' order by id")
        ).all()
    assert [bool(r[0]) for r in rows] == [False, True]
    assert rows[0][1] is not None and Decimal(rows[0][2]) == Decimal(98)
    files_by_status = repo.file_counts(engine)
    assert files_by_status == {"loaded": 3, "duplicate": 2, "quarantined": 1}


def test_amounts_are_stored_exactly(db_url: str, tmp_path: Path) -> None:
    process(db_url, inbox_with(tmp_path, {"b.txt": seed("001").read_bytes()}))
    with get_engine(db_url).connect() as conn:
        value = conn.execute(text("select expenditure_total from report")).scalar_one()
        line = conn.execute(text("select amount from project_line where seq = 13")).scalar_one()
    assert Decimal(str(value)) == Decimal("1972.83")
    assert Decimal(str(line)) == Decimal("1.027")


@pytest.mark.parametrize(
    ("spelling", "learnable"),
    [
        pytest.param("渔阳科协", True, id="place-name-spelling-is-learned"),
        pytest.param("县科协", False, id="generic-county-abbreviation-is-not"),
        pytest.param("科协", False, id="bare-suffix-is-not"),
        pytest.param(None, False, id="no-spelling"),
    ],
)
def test_learnable_spellings(spelling: str | None, learnable: bool) -> None:
    assert repo.learnable(spelling) is learnable


@pytest.mark.parametrize(
    ("date", "age_s", "accepted_is_current"),
    [
        pytest.param("2022年3月9日", 0, True, id="a-later-dated-accepted-report-becomes-current"),
        pytest.param("2021年12月20日", 0, False, id="an-earlier-dated-one-is-superseded-by-the-current"),
        # Not "the later decision wins": with the same date the older file is the older version.
        pytest.param("2022年1月9日", 86400, False, id="same-date-an-older-file-is-superseded"),
    ],
)
def test_an_accepted_review_joins_its_unit_year_by_the_currency_rule(
    db_url: str, tmp_path: Path, date: str, age_s: int, accepted_is_current: bool
) -> None:
    engine = get_engine(db_url)
    body = seed("004").read_text(encoding="utf-8")
    process(db_url, inbox_with(tmp_path, {"a.txt": body.encode()}))
    with engine.connect() as conn:
        first, adcode = conn.execute(text("select id, unit_adcode from report")).one()
    # The same unit's report under a name with no place: it waits for a person, dated 2022年1月9日 no more.
    renamed = body.replace("临泽县科学技术协会", "渔阳科协").replace("临泽县", "本县").replace("临泽", "本地")
    assert "2022年1月9日" in renamed
    [late] = inbox_with(tmp_path, {"b.txt": renamed.replace("2022年1月9日", date).encode()})
    old = late.path.stat().st_mtime - age_s
    os.utime(late.path, (old, old))
    process(db_url, [pipeline.describe(late.path, late.path.parent)], "r2")
    [item] = repo.pending_reviews(engine)
    repo.decide_review(engine, item["id"], accept=True, adcode=adcode)
    with engine.connect() as conn:
        rows = {
            r: (c, s) for r, c, s in conn.execute(text("select id, is_current, superseded_by from report"))
        }
    second = item["report_id"]
    if accepted_is_current:
        assert rows == {first: (False, second), second: (True, None)}
    else:
        assert rows == {first: (True, None), second: (False, first)}
