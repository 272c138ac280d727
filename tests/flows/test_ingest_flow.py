"""End-to-end: the ingest flow on a real Prefect API, real GX, a real SQLite file or PostgreSQL database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from sqlalchemy import text

from tests.support import exported, seed_paths

EXPECTED_UNITS = {
    "000": ("130121", 2025),
    "001": ("130100", 2022),
    "002": ("131024", 2019),
    "003": ("431129", 2024),
    "004": ("620723", 2022),
}


def run(home: Path, db_url: str, paths: list[str] | None = None) -> dict[str, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(paths=paths, home=str(home), database_url=db_url, workers=2)


def put_seeds(inbox: Path) -> None:
    for p in seed_paths():
        shutil.copy2(p, inbox / p.name)


def make_pdf(path: Path, body: str, width: int = 38) -> None:
    """The report as a text-layer PDF, hard-wrapped at a fixed width like real conversions."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800.0
    for paragraph in body.split("\n"):
        for start in range(0, max(1, len(paragraph)), width):
            if y < 60:
                c.showPage()
                y = 800.0
            c.setFont("STSong-Light", 10.5)
            c.drawString(40, y, paragraph[start : start + width])
            y -= 15
    c.showPage()
    c.save()


def snapshot(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    from jixiao.db.engine import get_engine

    engine = get_engine(db_url)
    out = {}
    with engine.connect() as conn:
        for table, cols in (
            ("source_file", "id, name, sha256, status, reason, report_id"),
            ("report", "id, text_hash, unit_adcode, fiscal_year, is_current, superseded_by, score"),
            ("report_field", 'report_id, name, value, start, "end"'),
            ("project_line", "report_id, seq, name, amount"),
            ("dq_result", "check_id, status, report_id"),
        ):
            out[table] = [tuple(r) for r in conn.execute(text(f"select {cols} from {table} order by 1, 2"))]
    return out


@pytest.mark.usefixtures("prefect_api")
def test_seeds_load_and_rerun_changes_nothing(home: Path, db_url: str) -> None:
    from jixiao.db.engine import get_engine

    inbox = home / "inbox"
    put_seeds(inbox)
    summary = run(home, db_url)
    assert summary["by_status"] == {"loaded": 5}
    assert summary["dq_check_errors"] == 0
    assert list(inbox.iterdir()) == []

    reports = exported(get_engine(db_url))
    got = {r["adcode"]: r["fiscal_year"] for r in reports}
    assert got == dict(EXPECTED_UNITS.values())
    by_code = {r["adcode"]: r for r in reports}
    assert by_code["130100"]["execution_rate"] == pytest.approx(98.32)
    assert by_code["130100"]["report_date"] == "2023-04-17"
    assert by_code["131024"]["report_date"] == "2020-11"
    assert by_code["620723"]["score"] == pytest.approx(97.5)
    assert len(by_code["130100"]["project_lines"]) == 17
    assert by_code["130121"]["evidence"]["expenditure_total"]["snippet"].endswith("327.38万元")
    # seed 004 is dated inside its own fiscal year.
    checks_004 = {d["check"]: d for d in by_code["620723"]["dq"]}
    assert "2022年1月9日" in checks_004["report_date_consistent_with_year"]["message"]
    for code in ("130121", "130100", "131024", "431129"):
        assert not [d for d in by_code[code]["dq"] if d["severity"] == "error"], by_code[code]["dq"]

    before = snapshot(db_url)
    put_seeds(inbox)
    again = run(home, db_url)
    assert again["already_processed"] == 5 and again["claimed"] == 0
    assert list(inbox.iterdir()) == []
    assert snapshot(db_url) == before


@pytest.mark.usefixtures("prefect_api")
def test_every_bad_file_is_quarantined_with_a_reason(home: Path, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'q.db'}"
    inbox = home / "inbox"
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "noise.docx").write_bytes(os.urandom(4096))
    (inbox / "table.xyz").write_text("not a report", encoding="utf-8")
    (inbox / "菜单 说明.txt").write_text(
        "今天食堂的午饭是牛肉面条和番茄炒蛋，晚饭是米饭配青菜豆腐汤。" * 3, encoding="utf-8"
    )
    (inbox / "partial.tmp").write_text("still being written", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    shutil.copy2(seed_paths()[0], outside)
    (inbox / "link.txt").symlink_to(outside)

    summary = run(home, db_url)
    assert summary["by_status"] == {"quarantined": 5}
    reasons = {o["file"]: o["reason"] for o in summary["outcomes"]}
    assert "empty" in reasons["empty.txt"]
    assert reasons["table.xyz"].startswith("unsupported file type")
    assert "not recognised" in reasons["菜单 说明.txt"]
    assert "symlink" in reasons["link.txt"]
    assert reasons["noise.docx"]
    # The temporary file is not taken; every other file sits in quarantine with its reason beside it.
    assert [p.name for p in inbox.iterdir()] == ["partial.tmp"]
    quarantine = home / "quarantine"
    for name, reason in reasons.items():
        note = quarantine / f"{name}.reason.txt"
        assert note.read_text(encoding="utf-8").strip().endswith(reason), name
    assert outside.exists()


@pytest.mark.usefixtures("prefect_api")
def test_copies_are_duplicates_and_a_correction_supersedes(home: Path, tmp_path: Path) -> None:
    from jixiao.db.engine import get_engine

    db_url = f"sqlite:///{tmp_path / 'd.db'}"
    inbox = home / "inbox"
    put_seeds(inbox)
    original = seed_paths()[0]
    body = original.read_text(encoding="utf-8")
    (inbox / "copy-gb18030.txt").write_bytes(body.encode("gb18030"))
    (inbox / "copy-crlf.txt").write_bytes(body.replace("\n", "\r\n").encode("utf-8"))
    (inbox / "copy-same-bytes.txt").write_bytes(original.read_bytes())
    as_word = docx.Document()
    for line in body.split("\n"):
        as_word.add_paragraph(line)
    as_word.save(str(inbox / "copy-as-word.docx"))
    make_pdf(inbox / "copy-as-pdf.pdf", body)
    summary = run(home, db_url)
    assert summary["by_status"] == {"loaded": 5, "duplicate": 5}
    dup_reasons = [o["reason"] for o in summary["outcomes"] if o["status"] == "duplicate"]
    assert all(r for r in dup_reasons)

    corrected = body.replace("综合得分98分", "综合得分95分").replace("成效明显。", "成效明显，已更正。")
    (inbox / "井陉县-更正版.txt").write_text(corrected, encoding="utf-8")
    second = run(home, db_url)
    assert second["by_status"] == {"loaded": 1} and second["superseded"] == 1
    engine = get_engine(db_url)
    current = [r for r in exported(engine) if r["adcode"] == "130121"]
    assert len(current) == 1 and current[0]["score"] == 95
    history = [r for r in exported(engine, current_only=False) if r["adcode"] == "130121"]
    assert len(history) == 2
    assert {r["is_current"] for r in history} == {True, False}
    assert len(exported(engine)) == 5
