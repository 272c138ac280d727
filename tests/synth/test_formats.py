"""The generator writes the new formats with their truth; accuracy is reported per format; OCR figures read
below the confidence threshold, and texts with a word below the text threshold, are named for the data-quality
check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.parse import parse_report
from jixiao.pipeline import _low_confidence_figures, read_and_parse
from jixiao.read import Document, ReadLimits
from jixiao.read.containers import Anchor
from jixiao_dev.synth import SynthConfig, generate_corpus, parse_formats
from jixiao_dev.synth.by_format import format_table, measure_by_format


def test_xlsx_and_ofd_reports_read_back_to_their_truth(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, SynthConfig(n=6, seed=11, formats=parse_formats("xlsx=1,ofd=1")))
    assert sorted({p.suffix for p in paths}) == [".ofd", ".xlsx"]
    truths = [json.loads(p.with_name(p.name + ".truth.json").read_text("utf-8")) for p in paths]
    assert {t["format"] for t in truths} == {"xlsx", "ofd"}
    rows = measure_by_format(paths, workers=1)
    assert [r.format for r in rows] == ["ofd", "xlsx"]
    for r in rows:
        assert r.report.overall >= 0.99, format_table(rows)
        assert r.wrong_silent == 0
        assert r.right_flagged == 0  # no OCR: nothing to flag
        assert r.ms_per_file > 0
    assert "xlsx" in format_table(rows)


def test_format_shares_are_parsed_and_unknown_ones_refused() -> None:
    assert parse_formats("txt=3,scan=1") == {"txt": 0.75, "scan": 0.25}
    with pytest.raises(ValueError, match="unknown format 'rtf'"):
        parse_formats("txt=1,rtf=1")


def test_writing_doc_without_libreoffice_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RuntimeError, match=r"writing \.doc needs LibreOffice \(apt-get install libreoffice"):
        generate_corpus(tmp_path / "c", SynthConfig(n=1, formats={"doc": 1.0}))


TEXT = (
    "香河县科学技术协会2024年度部门整体支出绩效自评报告\n"
    "2024年度部门总收入为462.74万元，其中财政拨款453.10万元。年末实有在职人员13人。"
)


def _ocr_document(low_word: str | None) -> Document:
    """A document as OCR gives it: every word anchored with a confidence, ``low_word`` read poorly."""
    anchors = []
    for word in ("462.74", "453.10", "13", "香河县科学技术协会"):
        start = TEXT.index(word)
        anchors.append(Anchor(start, start + len(word), "page 1 (OCR)", 0.41 if word == low_word else 0.95))
    return Document(format="pdf", encoding=None, raw_text=TEXT, text=TEXT, anchors=tuple(anchors))


@pytest.mark.parametrize(
    ("low_word", "flagged"),
    [
        pytest.param("462.74", ("income_total",), id="a-low-confidence-figure-is-named"),
        pytest.param(
            "香河县科学技术协会", ("unit_name", "title"), id="a-name-read-below-the-text-threshold-is-named"
        ),
        pytest.param(None, (), id="confident-figures-pass"),
    ],
)
def test_low_confidence_figures_are_named_for_the_check(
    low_word: str | None, flagged: tuple[str, ...]
) -> None:
    doc = _ocr_document(low_word)
    parsed = parse_report(doc.text)
    assert str(parsed.value("income_total")) == "462.74"
    assert _low_confidence_figures(doc, parsed) == flagged


def test_text_layer_files_carry_no_ocr_flags(tmp_path: Path) -> None:
    (path,) = generate_corpus(tmp_path, SynthConfig(n=1, seed=2, formats={"xlsx": 1.0}))
    result = read_and_parse(1, str(path), ReadLimits())
    assert result.ok
    assert result.format == "xlsx"
    assert result.ocr_low_confidence == ()
