"""What one spelling of a unit's name says: generic (县科协), a place's body (井陉县科协), a body below the
county, a body with no registry place (中国科协), or something else — and the department type it reads as.

``generic_reading`` is also the review queue's rule: a generic spelling names no one unit, so a decision
on it is never learned as an alias.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from jixiao.units.aliases import ORG_ALIASES, ORG_FULL, PlaceIndex, expand_org, places_in
from jixiao.units.departments import (
    KEXIE,
    TRAILING_ORGAN,
    Departments,
    TypeReading,
    load_departments,
    resolve_type,
)
from jixiao.units.report_text import Mention

LEVELS = "省市县区旗州盟"
# A generic name (县科协, 市科学技术协会) says which kind of division wrote the report.
_GENERIC = re.compile(
    r"^(?:本级)?(?P<level>省|市|县|区|旗|州|盟)?(?:科学技术协会|科协|科技协会|科协技术协会)$"
)
# A 科协 below the county (乡镇、街道、企业、学校) is not a registry unit, whatever place precedes it.
SUB_COUNTY = ("镇", "乡", "街道", "村", "社区", "企业", "学校", "高校", "公司", "医院", "园区")
# 老科协 is the 老科学技术工作者协会, a different organisation with its own accounts.
_OTHER_ORG = ("老",)
# Above this the organisation part reads as 科学技术协会 with a typo; below it, as some other body.
ORG_FLOOR = 50.0
CACHE_SIZE = 4096  # spellings kept read per reader


@dataclass(frozen=True)
class Name:
    """One spelling read apart: its kind, its places, the level a generic name states, and its type."""

    kind: str  # generic | place | sub_county | unknown | other
    mentions: list[Mention]
    level: str | None
    dtype: TypeReading | None
    # The spelling as read, when it differs from the one given (spaces, pinyin, Traditional characters
    # taken out): ``mentions`` are offsets into it.
    text: str = ""


# 聯(lián)合社: a web page's pinyin ruby after a character, and the spaces of a spaced-out title (上 海 市).
_RUBY = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zàáǎèéěìíǐòóǒùúǔüǘǚǜāēīōūǖ]+\)")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def plain_spelling(spelling: str) -> str:
    """The spelling without spaces and pinyin ruby: 上 海 市 → 上海市, 联(lián)合社 → 联合社."""
    if "(" in spelling:
        spelling = _RUBY.sub("", spelling)
    return "".join(spelling.split())


def org_score(org: str) -> float:
    """How much the words after the place read as 科学技术协会: 100 for 科协, ~83 for 科协技术协会, 0 for 政协."""
    org = org.strip()
    if org in ORG_ALIASES:
        return 100.0
    # 政协, 财政局, 科技局: without 科 and 协 (or 科学技术学会, a typo the parser accepts) it is another body,
    # however close the characters.
    if "科" not in org or not ("协" in org or org.endswith("学会")) or org.startswith(_OTHER_ORG):
        return 0.0
    return max(
        fuzz.ratio(org, ORG_FULL),
        fuzz.ratio(expand_org(org), ORG_FULL),
        # 科学技术协会机关: the full name with a trailing word; discounted so a bare match outranks it.
        0.9 * fuzz.partial_ratio(org, ORG_FULL),
    )


def generic_templates(departments: Departments) -> dict[str, str]:
    """团县委, 县委办: each type's templates with a level word for their place."""
    return {t.format(level): key for t, key in departments.by_template.items() for level in LEVELS}


def generic_reading(
    spelling: str, departments: Departments, templates: Mapping[str, str] | None = None
) -> Name | None:
    """The reading of a name with no place (县科协, 县妇联, 团县委), or None when it is not generic."""
    g = _GENERIC.match(spelling)
    if g:
        return Name("generic", [], g.group("level"), TypeReading(KEXIE, 100.0, "alias"))
    body = spelling[2:] if spelling.startswith("本级") else spelling
    level = body[:1] if body[:1] in LEVELS else None
    rest = body[1:] if level else body
    if body in departments.by_alias:
        return Name("generic", [], None, TypeReading(departments.by_alias[body], 100.0, "alias"))
    if level and rest in departments.by_alias:
        return Name("generic", [], level, TypeReading(departments.by_alias[rest], 100.0, "alias"))
    templates = generic_templates(departments) if templates is None else templates
    if body in templates:
        return Name("generic", [], None, TypeReading(templates[body], 100.0, "template"))
    return None


def is_generic(spelling: str) -> bool:
    """县科协, 市妇联, 团县委: a name every division of its level writes, naming no one unit."""
    return generic_reading(spelling, load_departments()) is not None


def _chain_head(spelling: str, mentions: list[Mention]) -> str:
    """The words before the run of adjoining places that ends the name's places (政协 in 政协河北省香河县)."""
    first = len(mentions) - 1
    while first and mentions[first - 1][1] == mentions[first][0]:
        first -= 1
    return spelling[mentions[first - 1][1] if first else 0 : mentions[first][0]]


class NameReader:
    """Reads spellings against the registry's places and the department vocabulary."""

    def __init__(self, index: PlaceIndex, departments: Departments) -> None:
        self.index = index
        self.departments = departments
        self._generic_templates = generic_templates(departments)
        self._read: dict[str, Name] = {}  # spellings recur across a batch's reports

    def classify(self, spelling: str) -> Name:
        """generic (县科协, 县妇联) | place (井陉县科协, 南县政协) | sub_county (蒋辛屯镇科协) |
        unknown (中国科协) | other (香河县老科协, 香河县人民医院).

        Spaces and pinyin ruby are not part of a name; a name in Traditional characters (香河縣婦聯) is read
        in Simplified ones when it reads as nothing as written (a Simplified 乾县 is left alone).
        """
        known = self._read.get(spelling)
        if known is not None:
            return known
        if len(self._read) >= CACHE_SIZE:
            self._read.clear()
        self._read[spelling] = name = self._read_plain(spelling)
        return name

    def _read_plain(self, spelling: str) -> Name:
        plain = plain_spelling(spelling)
        name = self._classify(plain)
        if name.kind in ("other", "unknown") or name.dtype is None:
            simple = str(_t2s().convert(plain))
            if simple != plain:
                again = self._classify(simple)
                if again.dtype is not None and again.kind != "unknown":
                    name, plain = again, simple
        return name if plain == spelling else replace(name, text=plain)

    def _classify(self, spelling: str) -> Name:
        deps = self.departments
        generic = generic_reading(spelling, deps, self._generic_templates)
        if generic is not None:
            return generic
        mentions = places_in(spelling, self.index)
        # 兰溪市公安局: 公安 is also a county's short form; the place is the last one after which the rest
        # reads as a department.
        for k in range(len(mentions) - 1, 0, -1):
            if resolve_type("", spelling[mentions[k][1] :]).how in ("alias", "subordinate"):
                break
            if resolve_type("", spelling[mentions[k - 1][1] :]).how in ("alias", "subordinate"):
                mentions = mentions[:k]
                break
        org = spelling[mentions[-1][1] :] if mentions else spelling
        before = ""
        if mentions:
            prev_end = mentions[-2][1] if len(mentions) > 1 else 0
            before = spelling[prev_end : mentions[-1][0]]
        if mentions and not before and len(mentions) > 1:
            # 政协 + 河北省香河县 + 委员会: a template wraps the place with its province or prefecture.
            reading = resolve_type(_chain_head(spelling, mentions), org)
            if reading.how == "template":
                return Name("place", mentions, None, reading)
        # 香河 + 县科协: a level word the short form left out is not part of the organisation's name.
        bare = org[1:] if org[:1] in LEVELS else org
        if mentions and not before:
            reading = resolve_type("", org)
            if reading.key is None or reading.how == "fuzzy":
                alt = resolve_type("", bare)
                if alt.key is not None and alt.score > reading.score:
                    reading = alt
            if reading.how in ("alias", "subordinate"):
                return Name("place", mentions, None, reading)
        kexie = self._kexie(org, mentions) if not before else None
        if kexie is not None:
            return kexie
        if mentions:
            reading = resolve_type(before, org)
            if reading.key is None and not before:
                reading = resolve_type("", bare)
            if reading.key is not None:
                return Name("place", mentions, None, reading)
        words = deps.words_in(org)
        if words and any(w in org[: words[-1][0]] for w in SUB_COUNTY):
            return Name("sub_county", mentions, None, None)
        if mentions and not before and words and words[0][0] == 0 and not any(w in org for w in SUB_COUNTY):
            # 香河县财政局国库支付中心: a body under the 财政局 — the 财政局 is the candidate, for a person.
            return Name("place", mentions, None, TypeReading(words[0][2], 100.0, "part_of"))
        return Name("other", mentions, None, None)

    def _kexie(self, org: str, mentions: list[Mention]) -> Name | None:
        """The 科协 reading of the words after a place, as it always was (typos scored by ``org_score``)."""
        bare = org[1:] if org[:1] in LEVELS else org
        head = org[: org.find("科")] if "科" in org else org
        tail = org[len(head) :]
        if any(w in head for w in SUB_COUNTY):
            return Name("sub_county", mentions, None, None) if org_score(tail) >= ORG_FLOOR else None
        if head.startswith(_OTHER_ORG):
            # 香河县老科协: another body of that place, not its 科学技术协会.
            return Name("other", mentions, None, None)
        if mentions and head not in ("", *LEVELS):
            return None
        if mentions and org_score(bare) >= ORG_FLOOR:
            core = TRAILING_ORGAN.sub("", bare)
            words = self.departments.words_in(core)
            rest = core[words[-1][1] :] if words else ""
            # 科协技术协会 is the 科协's name with a typo; 科学技术协会科普中心 is a body of it.
            if words and words[-1][2] == KEXIE and len(rest) >= 2 and "协" not in rest:
                # 香河县科协科普服务中心: a body of the 科协 with its own accounts, not the 科协 itself.
                return Name("place", mentions, None, TypeReading(KEXIE, org_score(bare), "part_of"))
            return Name("place", mentions, None, TypeReading(KEXIE, org_score(bare), "kexie"))
        if not mentions and org_score(tail) >= ORG_FLOOR:
            # No registry place before the 科协 words (中国科协): a 科协, but not one this name identifies.
            return Name("unknown", mentions, None, TypeReading(KEXIE, org_score(tail), "kexie"))
        return None
