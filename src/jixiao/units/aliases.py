"""Names a report may use for a place or a 科协, generated from the divisions' official names.

The index maps every way of writing a division (official name, short forms) to the adcodes it may mean;
a string that maps to several adcodes is ambiguous and must be resolved by context, never by a pick.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from jixiao.units.registry import Registry, Unit

ORG_FULL = "科学技术协会"
ORG_SHORT = "科协"
# What reports write for the organisation itself; each means exactly 科学技术协会.
ORG_ALIASES = frozenset({ORG_FULL, ORG_SHORT, "科技协会"})

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

# Official names always carry 族 after each people (江华瑶族自治县, 双江拉祜族佤族布朗族傣族自治县); requiring it
# keeps place names that merely end in such a character (白沙, 木里) intact. Longest names first so 土家
# is not read as 土 + 家.
_ETHNIC = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True)) + ")族)+(?=自治(?:县|旗|州|区))"
)
# A few official names carry no 族 at all (新疆维吾尔自治区, 伊犁哈萨克自治州): the fallback when the strict
# pattern finds nothing.
_ETHNIC_LOOSE = re.compile(
    "(?:(?:" + "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True)) + ")族?)+(?=自治(?:县|旗|州|区))"
)
# Longest first: the first suffix that fits decides, so 自治县 is never read as plain 县.
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
# 井陉矿区 is called 矿区, never 井陉 (which is 井陉县); 市中区 would turn 市中心 into a place.
_NO_STEM_SUFFIXES = frozenset({"矿区"})
_NO_STEMS = frozenset({"市中", "城中", "城关"})


def short_forms(division: str) -> set[str]:
    """香河县 → {香河}; 江华瑶族自治县 → {江华, 江华县, 江华自治县}; 广西壮族自治区 → {广西}; 石家庄市 → {石家庄}."""
    out: set[str] = set()
    # 内蒙古自治区 and 西藏自治区 are named after their people: stripping would leave a stump (内, 西),
    # so the unstripped name is the last resort.
    strict = _ETHNIC.sub("", division)
    for base in (strict if strict != division else _ETHNIC_LOOSE.sub("", division), division):
        suffix = next((s for s in _SUFFIXES if base.endswith(s)), None)
        if suffix is None or len(base) - len(suffix) < 2:
            continue
        stem = base[: -len(suffix)]
        if suffix not in _NO_STEM_SUFFIXES and stem not in _NO_STEMS:
            out.add(stem)
        if suffix in ("自治县", "自治州", "自治旗"):
            out.update((base, stem + suffix[-1]))  # 江华自治县, 江华县, 延边州
        break
    out.discard(division)
    return out


def expand_org(name: str) -> str:
    """井陉县科协 → 井陉县科学技术协会: the abbreviation written out, for character-level scoring."""
    for alias in ORG_ALIASES - {ORG_FULL}:
        if name.endswith(alias):
            return name[: -len(alias)] + ORG_FULL
    return name


@dataclass(frozen=True)
class PlaceIndex:
    """Every way of writing a division, mapped to the units it may mean."""

    by_place: dict[str, tuple[str, ...]]  # place string -> adcodes, registry order, no repeats
    full_names: frozenset[str]  # official division names
    by_code: dict[str, Unit]
    automaton: Any  # ahocorasick.Automaton over the keys of by_place (the library ships no types)
    longest: int  # characters in the longest key

    def units(self, place: str) -> list[Unit]:
        return [self.by_code[c] for c in self.by_place.get(place, ())]

    def is_ambiguous(self, place: str) -> bool:
        return len(self.by_place.get(place, ())) > 1


def _build(units: Iterable[Unit]) -> PlaceIndex:
    places: dict[str, dict[str, None]] = defaultdict(dict)  # dict as an ordered set
    by_code: dict[str, Unit] = {}
    for u in units:
        by_code[u.adcode] = u
        places[u.division][u.adcode] = None
        for s in short_forms(u.division):
            places[s][u.adcode] = None
    automaton = ahocorasick.Automaton()
    for place in places:
        automaton.add_word(place, place)
    automaton.make_automaton()
    return PlaceIndex(
        by_place={k: tuple(v) for k, v in places.items()},
        full_names=frozenset(u.division for u in by_code.values()),
        by_code=by_code,
        automaton=automaton,
        longest=max(map(len, places)),
    )


# Keyed on identity: hashing a Registry hashes all 3,211 units on every look-up. The registry is kept in
# the value so its id cannot be reused while the entry lives.
_INDEXES: dict[int, tuple[Registry, PlaceIndex]] = {}


def place_index(registry: Registry) -> PlaceIndex:
    """The alias index of ``registry``, built once per process (about 15 ms)."""
    hit = _INDEXES.get(id(registry))
    if hit is not None and hit[0] is registry:
        return hit[1]
    index = _build(registry.units)
    if len(_INDEXES) >= 4:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(registry)] = (registry, index)
    return index


def places_in(text: str, index: PlaceIndex) -> list[tuple[int, int, str]]:
    """Place mentions in ``text``, leftmost-longest and non-overlapping, as (start, end, place)."""
    hits = sorted(
        ((end - len(place) + 1, end + 1, place) for end, place in index.automaton.iter(text)),
        key=lambda h: (h[0], -h[1]),
    )
    out: list[tuple[int, int, str]] = []
    reach = -1
    for start, end, place in hits:
        if start < reach:
            continue
        out.append((start, end, place))
        reach = end
    return out
