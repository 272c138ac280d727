"""The synthetic corpus: reproducible, every format readable, identities hold unless a violation is recorded,
and the parser's field accuracy on it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import docx
import pdfplumber
import pytest

from jixiao import pipeline
from jixiao.read import ReadLimits, read_path
from jixiao.synth import SynthConfig, generate_corpus, load_truth
from jixiao.synth.accuracy import evaluate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_corpus(tmp_path_factory.mktemp("synth"), SynthConfig(n=200, seed=11, violation_rate=0.3))


def test_same_seed_same_bytes(tmp_path: Path, corpus: list[Path]) -> None:
    again = generate_corpus(tmp_path, SynthConfig(n=20, seed=11, violation_rate=0.3))
    for a, b in zip(corpus[:20], again, strict=True):
        if a.suffix in (".txt", ".md"):
            assert a.read_bytes() == b.read_bytes()
        assert load_truth(a) == load_truth(b)
    other = generate_corpus(tmp_path / "other", SynthConfig(n=5, seed=12))
    assert [load_truth(p)["adcode"] for p in other] != [load_truth(p)["adcode"] for p in corpus[:5]]


def test_formats_and_encodings(corpus: list[Path]) -> None:
    suffixes = [p.suffix for p in corpus]
    assert suffixes.count(".docx") == 30 and suffixes.count(".pdf") == 10
    encodings = {load_truth(p)["encoding"] for p in corpus if p.suffix in (".txt", ".md")}
    assert {"utf-8", "gb18030", "utf-16"} <= encodings
    for p in corpus:
        truth = load_truth(p)
        if p.suffix in (".txt", ".md"):
            assert truth["unit_name_written"] in p.read_bytes().decode(truth["encoding"])
        elif p.suffix == ".docx":
            assert docx.Document(str(p)).paragraphs
        else:
            with pdfplumber.open(p) as pdf:
                text = "".join(page.extract_text() or "" for page in pdf.pages)
            assert truth["unit_name_written"][:3] in text


def test_identities_hold_unless_a_violation_is_recorded(corpus: list[Path]) -> None:
    seen_violations = set()
    for p in corpus:
        truth = load_truth(p)
        f = {
            k: Decimal(str(v))
            for k, v in truth["fields"].items()
            if k.endswith(("_expense", "_expenditure", "_total", "_share"))
        }
        violations = set(truth["violations"])
        seen_violations |= violations
        if "personnel_plus_public_equals_basic" not in violations:
            assert f["personnel_expense"] + f["public_expense"] == f["basic_expenditure"]
        if "basic_plus_project_equals_total" not in violations:
            assert f["basic_expenditure"] + f["project_expenditure"] == f["expenditure_total"]
        if "shares_sum_to_100" not in violations and "personnel_share" in f:
            assert f["personnel_share"] + f["public_share"] == 100
    assert len(seen_violations) == 6


def test_parser_field_accuracy_on_the_corpus(corpus: list[Path]) -> None:
    results = pipeline.read_and_parse_many(list(enumerate(map(str, corpus))), ReadLimits(), 2)
    pairs = [
        (load_truth(p), {k: f.value for k, f in (r.parsed.facts if r.parsed else {}).items()})
        for p, r in zip(corpus, results, strict=True)
    ]
    report = evaluate(pairs)
    assert report.total > 4000
    assert report.overall >= 0.99, report.format_table()


@pytest.mark.parametrize(
    ("truth", "got", "correct", "wrong", "missing"),
    [
        pytest.param({"score": "97.5"}, {"score": Decimal("97.50")}, 1, 0, 0, id="decimal-equality"),
        pytest.param({"score": "97.5"}, {"score": Decimal("95")}, 0, 1, 0, id="wrong-value"),
        pytest.param({"grade": "优"}, {}, 0, 0, 1, id="missing-value"),
    ],
)
def test_evaluate(
    truth: dict[str, str], got: dict[str, object], correct: int, wrong: int, missing: int
) -> None:
    report = evaluate([({"fields": truth}, got)])
    (field,) = report.fields
    assert (field.correct, field.wrong, field.missing) == (correct, wrong, missing)


def test_read_of_every_synthetic_pdf_and_docx(corpus: list[Path]) -> None:
    for p in corpus:
        if p.suffix in (".pdf", ".docx"):
            assert "科学技术协会" in read_path(p).text or "科协" in read_path(p).text
    assert json.loads(p.with_name(p.name + ".truth.json").read_text("utf-8"))["format"] == p.suffix[1:]
