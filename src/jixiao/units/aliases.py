"""Names a report may use for a place or a 科协, generated from the divisions' official names."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from jixiao.units.registry import Registry, Unit

ORG_FULL = "科学技术协会"
ORG_SHORT = "科协"
# The organisation part of a unit name as reports write it, typos included, expanded to the full form.
ORG_EXPANSIONS = {"科协": ORG_FULL, "县科协": ORG_FULL, "科技协会": ORG_FULL}
_ETHNIC_GROUPS = [
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各",
]
# Longest names first so 土家 is not read as 土 + 家.
_ETHNIC = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True)) + ")族?)+(?=自治(?:县|旗|州|区))"
)
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "新区",
    "地区",
    "矿区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
    "州",
)


def short_forms(division: str) -> set[str]:
    """香河县 → {香河}; 江华瑶族自治县 → {江华, 江华县}; 广西壮族自治区 → {广西}; 石家庄市 → {石家庄}."""
    out: set[str] = set()
    base = _ETHNIC.sub("", division)
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            stem = base[: -len(suffix)]
            out.add(stem)
            if "自治" in suffix:
                out.add(stem + suffix[-1])  # 江华县, 延边州
            break
    out.discard(division)
    return out


@dataclass(frozen=True)
class PlaceIndex:
    """Every way of writing a division, mapped to the units it may mean."""

    by_place: dict[str, tuple[str, ...]]  # place string -> adcodes
    full_names: frozenset[str]  # official division names (unambiguous unless repeated)
    automaton: Any  # ahocorasick.Automaton over the keys of by_place


@lru_cache(maxsize=4)
def place_index(registry: Registry) -> PlaceIndex:
    places: dict[str, list[str]] = defaultdict(list)
    for u in registry.units:
        places[u.division].append(u.adcode)
        for s in short_forms(u.division):
            places[s].append(u.adcode)
    automaton = ahocorasick.Automaton()
    for place in places:
        automaton.add_word(place, place)
    automaton.make_automaton()
    return PlaceIndex(
        by_place={k: tuple(v) for k, v in places.items()},
        full_names=frozenset(u.division for u in registry.units),
        automaton=automaton,
    )


def places_in(text: str, index: PlaceIndex) -> list[tuple[int, int, str]]:
    """Place mentions in ``text``, leftmost-longest, as (start, end, place)."""
    hits = sorted(
        ((end - len(place) + 1, end + 1, place) for end, place in index.automaton.iter(text)),
        key=lambda h: (h[0], -(h[1] - h[0])),
    )
    out: list[tuple[int, int, str]] = []
    reach = -1
    for start, end, place in hits:
        if start < reach:
            continue
        out.append((start, end, place))
        reach = end
    return out


def units_named(index: PlaceIndex, registry: Registry, place: str) -> list[Unit]:
    by_code = _by_code(registry)
    return [by_code[c] for c in index.by_place.get(place, ())]


@lru_cache(maxsize=4)
def _by_code(registry: Registry) -> dict[str, Unit]:
    return registry.by_adcode
