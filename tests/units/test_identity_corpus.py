"""End to end on a generated corpus of ≥ 200 reports of ≥ 20 department types in ≥ 10 provinces: the parser
reads each report's own names, the matcher resolves them. Zero wrong automatic matches, and ≥ 95 % matched
automatically where the report names itself fully (place and department)."""

from __future__ import annotations

from collections import Counter

import pytest

from jixiao.parse import parse_report
from jixiao.units.match import Matcher, MatchResult
from jixiao.units.registry import Registry, load_registry
from tests.units.identity_corpus import CorpusReport, generate

CORPUS = generate(load_registry())


def _run(matcher: Matcher, corpus: list[CorpusReport]) -> list[MatchResult]:
    parsed = [parse_report(r.text) for r in corpus]
    return matcher.match_many(
        [(p.unit_names, r.text) for p, r in zip(parsed, corpus, strict=True)], [p.own_names for p in parsed]
    )


def measure(matcher: Matcher, corpus: list[CorpusReport]) -> dict[str, float]:
    results = _run(matcher, corpus)
    wrong = [
        (r.kind, r.text.splitlines()[:3], m)
        for r, m in zip(corpus, results, strict=True)
        if m.status == "matched" and (m.adcode, m.department_type) != (r.adcode, r.department_type)
    ]
    full = [(r, m) for r, m in zip(corpus, results, strict=True) if r.names_itself_fully]
    auto_full = sum(m.status == "matched" and m.adcode == r.adcode for r, m in full)
    return {
        "reports": len(corpus),
        "types": len({r.department_type for r in corpus}),
        "wrong_auto": len(wrong),
        "full": len(full),
        "auto_full_pct": round(100 * auto_full / len(full), 2),
        "auto_all": sum(m.status == "matched" for m in results),
        "_wrong": wrong,  # type: ignore[dict-item]  # the cases, for the assertion message
    }


def test_corpus_is_wide_enough(registry: Registry) -> None:
    provinces = {registry.by_adcode[r.adcode].province for r in CORPUS}
    assert len(CORPUS) >= 200 and len({r.department_type for r in CORPUS}) >= 20 and len(provinces) >= 10
    kinds = Counter(r.kind for r in CORPUS)
    assert {"typo", "abbreviation", "after_year", "definition", "no_name_publisher"} <= set(kinds)


def test_zero_wrong_automatic_matches_and_95_percent_of_full_names(matcher: Matcher) -> None:
    figures = measure(matcher, CORPUS)
    print({k: v for k, v in figures.items() if not k.startswith("_")})
    assert figures["wrong_auto"] == 0, figures["_wrong"]
    assert figures["auto_full_pct"] >= 95.0, figures


@pytest.mark.parametrize(
    ("kind", "auto"),
    [
        pytest.param("no_name_publisher", False, id="a-publisher-line-alone-never-matches-automatically"),
        pytest.param("debris_then_name", False, id="page-debris-is-never-a-name"),
        pytest.param("title_lead", True, id="a-full-title-name-matches-automatically"),
    ],
)
def test_kind(matcher: Matcher, kind: str, auto: bool) -> None:
    cases = [r for r in CORPUS if r.kind == kind]
    results = _run(matcher, cases)
    matched = [m.status == "matched" for m in results]
    assert all(matched) if auto else not any(matched), [m for m in results if (m.status == "matched") != auto]
