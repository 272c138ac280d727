"""Unit registry and matching: seeds, typos, abbreviations, context, not-a-科协, and a property test."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.parse import parse_report
from jixiao.read import read_path
from jixiao.units.aliases import short_forms
from jixiao.units.match import Matcher, search_units
from jixiao.units.registry import load_registry
from tests.support import seed

REGISTRY = load_registry()
MATCHER = Matcher(REGISTRY)


def test_registry_covers_every_division_once() -> None:
    levels = [u.level for u in REGISTRY.units]
    assert (
        levels.count("province") == 33
        and levels.count("prefecture") == 333
        and levels.count("county") == 2845
    )
    assert len({u.adcode for u in REGISTRY.units}) == len(REGISTRY.units)
    assert REGISTRY.as_of == "2025-12-31"
    assert REGISTRY.by_adcode["131024"].city == "廊坊市"


@pytest.mark.parametrize(
    ("prefix", "adcode"),
    [
        pytest.param("000", "130121", id="jingxing-title"),
        pytest.param("001", "130100", id="shijiazhuang-signature"),
        pytest.param("002", "131024", id="xianghe-header-field"),
        pytest.param("003", "431129", id="jianghua-abbreviated"),
        pytest.param("004", "620723", id="linze-title"),
    ],
)
def test_seeds_resolve(prefix: str, adcode: str) -> None:
    doc = read_path(seed(prefix))
    result = MATCHER.match(parse_report(doc.text).unit_names, doc.text)
    assert (result.status, result.adcode) == ("matched", adcode)


@pytest.mark.parametrize(
    ("names", "text", "status", "adcode"),
    [
        pytest.param(["香河县科协技术协会"], "", "matched", "131024", id="typo-in-org-part"),
        pytest.param(["香河县科学技术协会"], "", "matched", "131024", id="exact"),
        pytest.param(["井陉县科协"], "", "matched", "130121", id="abbreviation"),
        pytest.param(["江华科协"], "", "matched", "431129", id="autonomous-county-short-form"),
        pytest.param(
            ["县科协"],
            "根据《临泽县财政局关于开展2022年绩效评价工作的通知》",
            "matched",
            "620723",
            id="context-only-via-finance-bureau",
        ),
        pytest.param(["县科协"], "我们开展了很多工作。", "unmatched", None, id="no-context-no-guess"),
        pytest.param(["南县政协"], "", "unmatched", None, id="not-a-science-association"),
        pytest.param(["临泽县财政局"], "", "unmatched", None, id="finance-bureau-is-not-a-unit"),
        pytest.param(["朝阳区科学技术协会"], "", "needs_review", None, id="repeated-name-without-context"),
        pytest.param(
            ["朝阳区科学技术协会"], "北京市朝阳区", "matched", "110105", id="repeated-name-with-province"
        ),
        pytest.param(
            ["朝阳区科学技术协会"], "吉林省长春市", "matched", "220104", id="repeated-name-with-city"
        ),
    ],
)
def test_match_cases(names: list[str], text: str, status: str, adcode: str | None) -> None:
    result = MATCHER.match(names, text)
    assert (result.status, result.adcode) == (status, adcode)
    if status != "matched":
        assert result.adcode is None


def test_learned_alias_and_rejection() -> None:
    learned = Matcher(REGISTRY, {"渔阳科协": "120119", "南湖政协": None})
    assert learned.match(["渔阳科协"], "").adcode == "120119"
    assert learned.match(["渔阳科协"], "").method == "learned_alias"
    assert learned.match(["南湖政协"], "").status == "unmatched"
    assert MATCHER.match(["渔阳科协"], "").adcode is None


def test_short_forms() -> None:
    assert short_forms("江华瑶族自治县") == {"江华", "江华县"}
    assert short_forms("香河县") == {"香河"}
    assert short_forms("石家庄市") == {"石家庄"}


def test_search_units_ranks_the_right_unit_first() -> None:
    assert search_units(REGISTRY, "香河县科协技术协会", 3)[0][0].adcode == "131024"
    assert search_units(REGISTRY, "临泽县科协", 3)[0][0].adcode == "620723"


PROVINCIAL = list(REGISTRY.units)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PROVINCIAL), st.booleans(), st.booleans())
def test_no_unit_is_ever_matched_to_another(unit, abbreviate: bool, with_context: bool) -> None:  # type: ignore[no-untyped-def]
    name = unit.division + ("科协" if abbreviate else "科学技术协会")
    context = f"{unit.province}{unit.city or ''}" if with_context else ""
    result = MATCHER.match([name], context)
    assert result.adcode in (None, unit.adcode)
    if with_context:
        assert result.adcode == unit.adcode, (name, context, result)


def test_matching_10000_reports_takes_seconds() -> None:
    doc = read_path(seed("003"))
    names = parse_report(doc.text).unit_names
    units = REGISTRY.units[::3]
    items = [([units[i % len(units)].division + "科协", *names[:1]], doc.text) for i in range(10_000)]
    t0 = time.perf_counter()
    results = MATCHER.match_many(items)
    assert time.perf_counter() - t0 < 10
    assert len(results) == 10_000
