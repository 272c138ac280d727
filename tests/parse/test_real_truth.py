"""The real-report development corpus: its committed truth is well-formed and says where each text came from.

The texts themselves are third-party and stay out of git (README, 'Accuracy on real reports'); what is
committed is the truth typed by hand, the address and the query that found each one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.model import ALL_FIELDS, COUNT_FIELDS, MONEY_FIELDS, PERCENT_FIELDS

REAL = Path(__file__).parent / "real"
KINDS = {"部门整体报告", "部门整体自评表", "项目报告", "其他"}
DEPARTMENT_LEVEL = set(MONEY_FIELDS) | set(PERCENT_FIELDS) | {"score", "grade"}


def _truths() -> list[tuple[str, dict[str, Any]]]:
    return [(p.name, json.loads(p.read_text("utf-8"))) for p in sorted(REAL.rglob("*.truth.json"))]


def test_the_corpus_has_at_least_100_documents_of_every_kind() -> None:
    truths = _truths()
    assert len(truths) >= 100
    assert {t["doc_kind"] for _, t in truths} == KINDS


@pytest.mark.parametrize(("name", "truth"), _truths(), ids=[n for n, _ in _truths()])
def test_each_truth_is_well_formed(name: str, truth: dict[str, Any]) -> None:
    assert truth["doc_kind"] in KINDS
    assert truth["source"]["query"], "the query that found the text"
    assert set(truth["fields"]) <= set(ALL_FIELDS)
    for field, value in truth["fields"].items():
        if field in COUNT_FIELDS or field == "fiscal_year":
            assert isinstance(value, int)
        elif field in MONEY_FIELDS or field in PERCENT_FIELDS or field == "score":
            Decimal(value)
    if truth["doc_kind"] in {"项目报告", "其他"}:
        # A project's or a notice's figures are never the department's: the truth keeps them out.
        assert not DEPARTMENT_LEVEL & set(truth["fields"])


def test_the_held_out_half_has_every_kind_and_about_half_the_documents() -> None:
    # Rules are tuned on dev/ only; holdout/ is measured, never read, so it stays an unseen-report estimate.
    dev = {p.name for p in (REAL / "dev").glob("*.truth.json")}
    held = {p.name for p in (REAL / "holdout").glob("*.truth.json")}
    assert not dev & held
    assert abs(len(dev) - len(held)) <= 5
    kinds = {json.loads((REAL / "holdout" / n).read_text("utf-8"))["doc_kind"] for n in held}
    assert kinds == KINDS
