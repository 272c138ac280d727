"""Department types (``departments.toml``): what kind of body a unit name names, apart from its place.

A unit is a (division, department type) pair. The registry keeps the 3,211 divisions once; a unit of any
type is made on demand (``unit_of``) instead of materialising 3,211 × types rows, and a name is matched
by finding its place and its type separately (``resolve_type`` looks only at the words around the place).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import ahocorasick
from rapidfuzz import fuzz

from jixiao.units.registry import Unit

KEXIE = "科协"
# One character's difference in an alias of at least this many characters still reads as that alias.
FUZZY_MIN_LEN = 4
FUZZY_FLOOR = 80.0
# The best type must beat the best other type by this many points, or the name names neither for sure.
FUZZY_MARGIN = 10.0


@dataclass(frozen=True)
class DepartmentType:
    key: str  # 妇联
    full: str  # 妇女联合会
    province_full: str | None
    template: str | None  # 政协: 中国人民政治协商会议{}委员会
    aliases: tuple[str, ...]
    templates: tuple[str, ...]
    prefecture_full: str | None = None  # 人民法院: 中级人民法院 at prefecture level

    def name_at(self, division: str, level: str) -> str:
        """The canonical name of this type's body in ``division`` (香河县 → 香河县妇女联合会)."""
        if self.template:
            return self.template.format(division)
        by_level = {"province": self.province_full, "prefecture": self.prefecture_full}
        return division + (by_level.get(level) or self.full)


@dataclass(frozen=True)
class Departments:
    types: tuple[DepartmentType, ...]
    by_key: dict[str, DepartmentType]
    by_alias: dict[str, str]  # alias written after a place -> key
    by_template: dict[str, str]  # "政协{}委员会" -> key
    # Aliases longest first, for finding every type word inside a longer string.
    aliases_longest: tuple[tuple[str, str], ...]
    # Aliases long enough to be read with a typo, by length (a typo reading compares equal lengths ± 1).
    fuzzy_by_length: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    automaton: Any = None  # ahocorasick.Automaton over the aliases (the library ships no types)

    def resolve_key(self, word: str) -> str | None:
        """A type key from what a user types: 妇联, 妇女联合会, 县妇联 → 妇联; unknown words give None."""
        word = word.strip()
        if word in self.by_key:
            return word
        if word in self.by_alias:
            return self.by_alias[word]
        if word[:1] in "省市县区旗州盟" and word[1:] in self.by_alias:
            return self.by_alias[word[1:]]
        return None

    def words_in(self, text: str) -> list[tuple[int, int, str]]:
        """Every type word in ``text`` as (start, end, key), leftmost-longest, not overlapping."""
        hits: list[tuple[int, int, str]] = []
        if self.automaton is not None:
            for end, (alias, key) in self.automaton.iter(text):
                hits.append((end + 1 - len(alias), end + 1, key))
        else:
            for alias, key in self.aliases_longest:
                start = text.find(alias)
                while start >= 0:
                    hits.append((start, start + len(alias), key))
                    start = text.find(alias, start + 1)
        hits.sort(key=lambda h: (h[0], -h[1]))
        out: list[tuple[int, int, str]] = []
        reach = -1
        for h in hits:
            if h[0] >= reach:
                out.append(h)
                reach = h[1]
        return out


@lru_cache(maxsize=1)
def load_departments() -> Departments:
    raw = tomllib.loads(resources.files("jixiao.units").joinpath("departments.toml").read_text("utf-8"))
    types: list[DepartmentType] = []
    by_alias: dict[str, str] = {}
    by_template: dict[str, str] = {}
    for entry in raw["type"]:
        t = DepartmentType(
            key=entry["key"],
            full=entry["full"],
            province_full=entry.get("province_full"),
            template=entry.get("template"),
            aliases=tuple(entry["aliases"]),
            templates=tuple(entry.get("templates", ())),
            prefecture_full=entry.get("prefecture_full"),
        )
        for alias in t.aliases:
            if by_alias.setdefault(alias, t.key) != t.key:
                raise ValueError(f"departments.toml: alias {alias} is listed under two types")
        for template in t.templates:
            by_template.setdefault(template, t.key)
        types.append(t)
    by_length: dict[int, list[tuple[str, str]]] = {}
    automaton = ahocorasick.Automaton()
    for alias, key in by_alias.items():
        automaton.add_word(alias, (alias, key))
        if len(alias) >= FUZZY_MIN_LEN:
            by_length.setdefault(len(alias), []).append((alias, key))
    automaton.make_automaton()
    return Departments(
        types=tuple(types),
        by_key={t.key: t for t in types},
        by_alias=by_alias,
        by_template=by_template,
        aliases_longest=tuple(sorted(by_alias.items(), key=lambda kv: -len(kv[0]))),
        fuzzy_by_length={n: tuple(v) for n, v in by_length.items()},
        automaton=automaton,
    )


def unit_of(division_unit: Unit, key: str) -> Unit:
    """The registry unit of type ``key`` in the division of ``division_unit`` (made on demand)."""
    if key == KEXIE:
        return division_unit
    t = load_departments().by_key[key]
    return replace(division_unit, name=t.name_at(division_unit.division, division_unit.level))


@dataclass(frozen=True)
class TypeReading:
    """What the words around a place say the body is."""

    key: str | None  # the type, when one is read
    score: float  # 100 for an exact alias; lower for a typo
    how: str  # alias | template | fuzzy | subordinate | ambiguous | none
    others: tuple[str, ...] = ()  # the other type(s): the parent of a subordinate body, or a near tie


TRAILING_ORGAN = re.compile(r"(?:机关|本级)$")


@lru_cache(maxsize=8192)  # a pure function of the vocabulary, which is loaded once; names recur
def resolve_type(before: str, after: str) -> TypeReading:
    """The department type named by ``before`` + place + ``after`` (政协 + 香河县 + 委员会, or 香河县 + 妇联).

    The 科协 keeps its own typo-tolerant scorer (``org_score`` in ``match``); this reads the other types.
    """
    deps = load_departments()
    after = TRAILING_ORGAN.sub("", after) or after
    if not before and after in deps.by_alias:
        return TypeReading(deps.by_alias[after], 100.0, "alias")
    template = f"{before}{{}}{after}"
    if template in deps.by_template:
        return TypeReading(deps.by_template[template], 100.0, "template")
    if before:
        return TypeReading(None, 0.0, "none")
    words = deps.words_in(after)
    keys = list(dict.fromkeys(k for _, _, k in words))
    if len(keys) >= 2 and words[-1][1] == len(after):
        # 科协科技馆 / 科学技术协会所属科技馆: the last body is the unit, the first its parent.
        own = words[-1][2]
        return TypeReading(own, 100.0, "subordinate", tuple(k for k in keys if k != own))
    if len(after) < FUZZY_MIN_LEN - 1:
        return TypeReading(None, 0.0, "none")
    best: dict[str, float] = {}
    for n in (len(after) - 1, len(after), len(after) + 1):
        for alias, key in deps.fuzzy_by_length.get(n, ()):
            best[key] = max(best.get(key, 0.0), fuzz.ratio(after, alias))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < FUZZY_FLOOR:
        return TypeReading(None, 0.0, "none")
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        return TypeReading(ranked[0][0], ranked[0][1], "ambiguous", (ranked[1][0],))
    return TypeReading(ranked[0][0], ranked[0][1], "fuzzy")


@lru_cache(maxsize=1)
def _publisher_line() -> tuple[re.Pattern[str], tuple[str, ...]]:
    raw = tomllib.loads(resources.files("jixiao.units").joinpath("departments.toml").read_text("utf-8"))
    labels = tuple(raw["publisher_labels"])
    pattern = "|".join(map(re.escape, labels))
    return re.compile(rf"^[ \t]*(?:{pattern})[ \t]*[:：][^\n]*", re.MULTILINE), labels


def blank_publisher_lines(text: str) -> str:
    """``text`` with every 作者: / 来源: / 发布机构: line blanked to spaces, keeping offsets."""
    pattern, labels = _publisher_line()
    if not any(label in text for label in labels):
        return text  # the common case, without a regex pass over the whole text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


@lru_cache(maxsize=1)
def _template_parts() -> tuple[tuple[str, ...], ...]:
    """Each template's fixed words (政协{}委员会 → 政协, 委员会), split once."""
    return tuple(tuple(template.split("{}")) for template in load_departments().by_template)


def has_type_word(name: str) -> bool:
    """Does ``name`` contain a department-type word (an alias, or a template's fixed words)?"""
    if load_departments().words_in(name):
        return True
    return any(all(part and part in name for part in parts) for parts in _template_parts())


class _Placed(Protocol):
    division: str
    level: str
    name: str


def unit_name_of(unit: _Placed | None, department_type: str | None, written: str | None) -> str | None:
    """The canonical name of a stored unit of ``department_type`` (香河县 + 妇联 → 香河县妇女联合会)."""
    if unit is None:
        return written
    dtype = load_departments().by_key.get(department_type or KEXIE)
    return dtype.name_at(unit.division, unit.level) if dtype is not None else unit.name


class UnknownDepartmentType(ValueError):
    """A department type that is not in the vocabulary; the message lists the known ones."""


def resolve_department_type(word: str) -> str:
    """妇联, 妇女联合会 or 县妇联 → 妇联; an unknown word raises ``UnknownDepartmentType``."""
    deps = load_departments()
    key = deps.resolve_key(word)
    if key is None:
        raise UnknownDepartmentType(
            f"unknown department type {word!r}; known types: {', '.join(t.key for t in deps.types)}"
        )
    return key
