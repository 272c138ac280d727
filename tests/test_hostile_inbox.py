"""The inbox never blocks: every entry is accounted, refused with a reason where it cannot be read, and
filed away whatever its name; a re-delivered file is not stored twice. Real FIFOs, real permissions (a
non-root process), real symlinks, real long names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jixiao import filing, pipeline
from jixiao.read import ReadLimits, read_path
from tests.support import ROOT, seed

LONG_NAME = "某" * 69 + "县科学技术协会绩效自评报告.txt"  # 69×3 + 39 + 4 = 250 bytes in UTF-8


def hostile_inbox(inbox: Path, outside: Path) -> dict[str, str | None]:
    """An inbox holding one entry of each kind; returns name -> the start of its refusal (None: readable)."""
    inbox.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    shutil.copy2(seed("000"), inbox / "good.txt")
    shutil.copy2(seed("004"), inbox / LONG_NAME)
    os.mkfifo(inbox / "pipe.txt")
    (inbox / ".hidden.txt").write_text("一份隐藏的文件", encoding="utf-8")
    (inbox / ".folder").mkdir()
    (inbox / ".folder" / "inside.txt").write_text("x", encoding="utf-8")
    (inbox / "sub").mkdir()
    (inbox / "linked-folder").symlink_to(inbox / "sub", target_is_directory=True)
    (inbox / "escape.txt").symlink_to(outside / "secret.txt")
    (outside / "secret.txt").write_text("不在收件箱里", encoding="utf-8")
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    (inbox / "report.part").write_text("still being written", encoding="utf-8")
    assert len(LONG_NAME.encode()) == 250
    return {
        "good.txt": None,
        LONG_NAME: None,
        "pipe.txt": "not a regular file (a FIFO)",
        ".hidden.txt": "hidden file name",
        ".folder": "hidden file name",
        "linked-folder": "symlink to a folder",
        "escape.txt": "symlink pointing outside the inbox",
        "dangling.txt": "broken symlink",
    }


@pytest.mark.timeout(60)  # a blocking open() on the FIFO would hang here
def test_every_entry_is_described_and_none_blocks(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    expected = hostile_inbox(inbox, tmp_path / "outside")
    found = pipeline.scan_inbox(inbox)
    # Every entry but the file still being written (*.part) is taken; nothing inside .folder is walked.
    assert sorted(p.name for p in found) == sorted(expected)
    described = {p.name: pipeline.describe(p, inbox) for p in found}
    for name, refusal in expected.items():
        got = described[name].refused
        if refusal is None:
            assert got is None, name
        else:
            assert got is not None and got.startswith(refusal), (name, got)
    assert len({(d.sha256, str(d.path)) for d in described.values()}) == len(described)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("make", "refused"),
    [
        pytest.param(lambda p: os.mkfifo(p), True, id="fifo-refused-without-blocking"),
        pytest.param(lambda p: shutil.copy2(seed("000"), p), False, id="regular-file-read"),
    ],
)
def test_the_reader_never_opens_a_non_regular_file(tmp_path: Path, make: Any, refused: bool) -> None:
    path = tmp_path / "r.txt"
    make(path)
    if refused:
        from jixiao.errors import ReadError

        with pytest.raises(ReadError, match="FIFO"):
            read_path(path, ReadLimits())
    else:
        assert "井陉县" in read_path(path, ReadLimits()).text


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder a non-root process can enter (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="jixiao-nobody-", dir="/tmp"))
    d.chmod(0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


# Python lives under /root here, which a non-root user cannot enter: the process starts as root, imports,
# then drops to nobody (as a service manager would start it) before it looks at the inbox.
DESCRIBE_AS_SERVICE = """
import json, os, sys
from pathlib import Path
from jixiao import pipeline
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
assert os.geteuid() != 0
inbox = Path(sys.argv[1])
out = {}
for p in pipeline.scan_inbox(inbox):
    d = pipeline.describe(p, inbox)
    out[p.name] = d.refused
print(json.dumps(out))
"""


def test_an_unreadable_file_is_refused_for_a_non_root_service(shared_dir: Path) -> None:
    inbox = shared_dir / "inbox"
    inbox.mkdir()
    inbox.chmod(0o777)
    shutil.copy2(seed("000"), inbox / "readable.txt")
    shutil.copy2(seed("001"), inbox / "locked.txt")
    (inbox / "readable.txt").chmod(0o644)
    (inbox / "locked.txt").chmod(0o000)
    done = subprocess.run(
        [sys.executable, "-c", DESCRIBE_AS_SERVICE, str(inbox)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(shared_dir)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout)
    assert got["readable.txt"] is None
    assert got["locked.txt"] is not None and got["locked.txt"].startswith("cannot read: Permission denied")


@pytest.mark.parametrize(
    "status", [pytest.param("quarantined", id="quarantined"), pytest.param("loaded", id="archived")]
)
def test_a_250_byte_name_is_filed_with_a_short_enough_reason_file(tmp_path: Path, status: str) -> None:
    inbox, archive, quarantine = tmp_path / "inbox", tmp_path / "archive", tmp_path / "quarantine"
    inbox.mkdir()
    # Two different files of the same long name: the second needs a -HASH8 name, still within 255 bytes.
    filed = []
    for body in ("第一份", "第二份"):
        src = inbox / LONG_NAME
        src.write_text(body, encoding="utf-8")
        sha = pipeline.sha256_file(src)
        filed.append(filing.file_away(src, status, "not recognised", sha, archive, quarantine))
    assert not any(inbox.iterdir())
    assert len({p.name for p in filed}) == 2
    for p in filed:
        assert p.exists() and len(p.name.encode()) <= 255
        assert p.read_text(encoding="utf-8") in ("第一份", "第二份")
    notes = sorted(quarantine.glob("*.reason.txt"))
    if status == "quarantined":
        assert len(notes) == 2
        for n in notes:
            assert len(n.name.encode()) <= 255
            assert n.read_text(encoding="utf-8").startswith(LONG_NAME + ": not recognised")
    else:
        assert notes == []


@pytest.mark.parametrize(
    ("name", "fits"),
    [
        pytest.param("short.txt", "short.txt", id="short-name-unchanged"),
        pytest.param("某" * 84 + ".txt", "某" * 84 + ".txt", id="exactly-256-needs-no-tag"),
    ],
)
def test_fit_name(name: str, fits: str) -> None:
    assert filing.fit_name(name) == fits or len(name.encode()) > 255
    long = filing.fit_name(name, extra=filing.REASON_SUFFIX)
    assert len(long.encode()) <= 255 and long.endswith(".txt.reason.txt")


def test_redelivery_is_not_stored_twice(tmp_path: Path) -> None:
    inbox, archive, quarantine = tmp_path / "inbox", tmp_path / "archive", tmp_path / "quarantine"
    inbox.mkdir()
    src = inbox / "a.txt"
    shutil.copy2(seed("000"), src)
    sha = pipeline.sha256_file(src)
    first = filing.file_away(src, "loaded", None, sha, archive, quarantine)
    # Delivered again, the same day and (by its known stored path) any later day: no second copy.
    shutil.copy2(seed("000"), src)
    assert filing.file_away(src, "loaded", None, sha, archive, quarantine) == first
    shutil.copy2(seed("000"), src)
    assert (
        filing.file_away(src, "loaded", None, sha, tmp_path / "other-archive", quarantine, known=str(first))
        == first
    )
    assert sorted(p.name for p in archive.rglob("*") if p.is_file()) == ["a.txt"]
    # Other bytes under the same name are a different file: stored beside it, not over it.
    src.write_text("另一份", encoding="utf-8")
    other = filing.file_away(src, "loaded", None, pipeline.sha256_file(src), archive, quarantine)
    assert other != first and other.name.startswith("a-")


def run_flow(home: Path, db_url: str) -> dict[str, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(home=str(home), database_url=db_url, workers=1)


@pytest.mark.timeout(600)
@pytest.mark.usefixtures("prefect_api")
def test_a_hostile_inbox_is_fully_accounted_and_redelivery_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    expected = hostile_inbox(home / "inbox", tmp_path / "outside")
    db_url = f"sqlite:///{tmp_path / 'j.db'}"
    run_flow(home, db_url)
    from jixiao.db.engine import get_engine

    with get_engine(db_url).connect() as conn:
        rows = {
            name: (status, reason, stored)
            for name, status, reason, stored in conn.execute(
                text("select name, status, reason, stored_path from source_file")
            )
        }
    assert set(rows) == set(expected)
    for name, refusal in expected.items():
        status, reason, stored = rows[name]
        assert stored, name  # every row says where the entry went
        if refusal is None:
            assert status == "loaded", (name, reason)
        else:
            assert status == "quarantined" and reason.startswith(refusal), (name, reason)
    # Only the file still being written is left in the inbox; everything else was moved aside.
    assert sorted(p.name for p in (home / "inbox").iterdir()) == ["report.part", "sub"]
    assert (tmp_path / "outside" / "secret.txt").exists()  # a symlink is moved, never its target

    archived = sorted(p.name for p in (home / "archive").rglob("*") if p.is_file())
    shutil.copy2(seed("000"), home / "inbox" / "good.txt")  # re-delivered
    again = run_flow(home, db_url)
    assert again["already_processed"] == 1
    assert sorted(p.name for p in (home / "archive").rglob("*") if p.is_file()) == archived
    with get_engine(db_url).connect() as conn:
        assert (
            conn.execute(text("select count(*) from source_file where stored_path is null")).scalar_one() == 0
        )
