"""Aliases generated from official division names, and the index that maps them back to units."""

from __future__ import annotations

import time

import pytest

from jixiao.units import aliases
from jixiao.units.aliases import expand_org, place_index, places_in, short_forms
from jixiao.units.registry import Registry


@pytest.mark.parametrize(
    ("division", "expected"),
    [
        pytest.param("香河县", {"香河"}, id="county-suffix-dropped"),
        pytest.param("石家庄市", {"石家庄"}, id="city-suffix-dropped"),
        pytest.param(
            "江华瑶族自治县", {"江华", "江华县", "江华自治县"}, id="ethnic-name-and-autonomy-stripped"
        ),
        pytest.param("双江拉祜族佤族布朗族傣族自治县", {"双江", "双江县", "双江自治县"}, id="four-peoples"),
        pytest.param("伊犁哈萨克自治州", {"伊犁", "伊犁州", "伊犁自治州"}, id="official-name-without-zu"),
        pytest.param("新疆维吾尔自治区", {"新疆"}, id="region-without-zu"),
        pytest.param("内蒙古自治区", {"内蒙古"}, id="named-after-its-people-keeps-the-people"),
        pytest.param(
            "白沙黎族自治县", {"白沙", "白沙县", "白沙自治县"}, id="stem-ending-in-an-ethnic-character-kept"
        ),
        pytest.param("南县", set(), id="one-character-stem-is-too-ambiguous"),
        pytest.param("井陉矿区", set(), id="mining-district-is-not-called-by-the-county-name"),
    ],
)
def test_short_forms(division: str, expected: set[str]) -> None:
    assert short_forms(division) == expected


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        pytest.param("井陉县科协", "井陉县科学技术协会", id="abbreviation-expanded"),
        pytest.param("井陉县科技协会", "井陉县科学技术协会", id="variant-expanded"),
        pytest.param("南县政协", "南县政协", id="other-body-left-alone"),
    ],
)
def test_expand_org(written: str, expanded: str) -> None:
    assert expand_org(written) == expanded


def test_ambiguous_aliases_map_to_every_unit(registry: Registry) -> None:
    index = place_index(registry)
    assert {u.division for u in index.units("朝阳")} == {"朝阳市", "朝阳县", "朝阳区"}
    assert len(index.units("朝阳区")) == 2  # Beijing and Changchun
    assert not index.is_ambiguous("香河")
    repeated = [k for k in index.full_names if index.is_ambiguous(k)]
    assert len(repeated) == 28


@pytest.mark.parametrize(
    ("text", "places"),
    [
        pytest.param("江华瑶族自治县财政局", ["江华瑶族自治县"], id="longest-name-wins"),
        pytest.param("河北省廊坊市香河县科协", ["河北省", "廊坊市", "香河县"], id="nested-names-in-order"),
        pytest.param("我们开展了很多工作", [], id="no-place"),
    ],
)
def test_places_in(registry: Registry, text: str, places: list[str]) -> None:
    assert [p for _, _, p in places_in(text, place_index(registry))] == places


def test_index_builds_fast_and_is_cached(registry: Registry) -> None:
    aliases._INDEXES.clear()
    t0 = time.perf_counter()
    first = place_index(registry)
    built = time.perf_counter() - t0
    assert built < 0.5, built
    assert place_index(registry) is first
