"""Match the unit a report names to exactly one registry unit — or to none, with the reason.

Candidates are blocked by administrative division first: a name is attached only to units whose division
(or one of its short forms) it contains as a substring, so 香河县科学技术协会 can never become
大厂县科学技术协会 because most characters agree. Only the organisation part is scored fuzzily, with
rapidfuzz's character-level scorers (Chinese has no spaces, so token scorers do not apply). A place that
names several units is resolved by the province and prefecture names the text mentions; when that does
not single one out the result is ``needs_review`` with the candidates — never a pick. A score below the
review cutoff returns no unit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz, process

from jixiao.units.aliases import ORG_ALIASES, ORG_FULL, PlaceIndex, expand_org, place_index, places_in
from jixiao.units.registry import Registry, Unit

Status = Literal["matched", "needs_review", "unmatched"]
Mention = tuple[int, int, str]

# A generic name (县科协, 市科学技术协会) says which kind of division wrote the report.
_GENERIC = re.compile(
    r"^(?:本级)?(?P<level>省|市|县|区|旗|州|盟)?(?:科学技术协会|科协|科技协会|科协技术协会)$"
)
# A 科协 below the county (乡镇、街道、企业、学校) is not a registry unit, whatever place precedes it.
_SUB_COUNTY = ("镇", "乡", "街道", "村", "社区", "企业", "学校", "高校", "公司", "医院", "园区")
# 老科协 is the 老科学技术工作者协会, a different organisation with its own accounts.
_OTHER_ORG = ("老",)
# Words after a place in running text that name that place's own authorities or its 科协: the strongest
# evidence of whose report it is (《江华瑶族自治县财政局关于……》, “江华科协”公众号).
_OWN_WORDS = re.compile("人民政府|财政局|财政厅|政府|县委|市委|区委|旗委|融媒体|科学技术协会|科技协会|科协")
_CJK = re.compile(r"[\u4e00-\u9fff]")

PLACE_EXACT = 100.0  # the official division name
PLACE_ALIAS = 97.0  # a generated short form: unique in the registry, but one step from the official name
CONTEXT_STRONG = 92.0  # no place in the name; the text's own authorities or 科协 name one division
CONTEXT_WEAK = 80.0  # no place in the name; the text merely mentions one division most
# Above this the organisation part reads as 科学技术协会 with a typo; below it, as some other body.
ORG_FLOOR = 50.0


@dataclass(frozen=True)
class MatchCandidate:
    adcode: str
    name: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    status: Status
    adcode: str | None
    score: float
    method: str
    evidence: str
    spelling: str | None
    candidates: tuple[MatchCandidate, ...] = ()
    # Another of the report's own names (title, header field, signature) that names a different unit, as
    # "name → unit": a report copied from another unit's template, or a typo in a place name.
    conflict: str | None = None


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


@dataclass
class _Text:
    """What a report's text says about places, computed lazily and once per text.

    A full scan for place names costs ~2 ms per 8,000 characters (the automaton's root has ~1,500
    children), so the common path avoids it: own-authority mentions are found from the few places where
    财政局/人民政府/科协 occur, looking back for the longest place name that ends there.
    """

    text: str
    index: PlaceIndex
    _mentions: list[Mention] | None = None
    _regions: Counter[str] | None = None
    _own: list[tuple[Mention, str]] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Every place name, leftmost-longest."""
        if self._mentions is None:
            self._mentions = places_in(self.text, self.index)
        return self._mentions

    @property
    def regions(self) -> Counter[str]:
        """How often each province or prefecture is named (officially or by a short form)."""
        if self._regions is None:
            seen: Counter[str] = Counter()
            for _, _, place in self.mentions:
                for unit in self.index.units(place):
                    if unit.level != "county":
                        seen[unit.division] += 1
            self._regions = seen
        return self._regions

    @property
    def own(self) -> list[tuple[Mention, str]]:
        """Places followed by their own authorities or 科协 (江华瑶族自治县财政局, “江华科协”), with the span."""
        if self._own is None:
            found: list[tuple[Mention, str]] = []
            by_place, text, longest = self.index.by_place, self.text, self.index.longest
            for m in _OWN_WORDS.finditer(text):
                end = m.start()
                for n in range(min(longest, end), 1, -1):
                    place = text[end - n : end]
                    if place not in by_place:
                        continue
                    # 市委和县政府: a one-character name (和县, 南县) right after another word is that
                    # word's last character more often than a place.
                    before = text[end - n - 1 : end - n]
                    if n == 2 and before and _CJK.match(before) and not self._after_place(end - n):
                        break
                    found.append(((end - n, end, place), text[end - n : m.end()]))
                    break
            self._own = found
        return self._own

    def _after_place(self, pos: int) -> bool:
        """Does a place name end at ``pos`` (益阳市南县)?"""
        return any(
            self.text[pos - n : pos] in self.index.by_place
            for n in range(2, min(self.index.longest, pos) + 1)
        )


def _fits_level(unit: Unit, level: str | None) -> bool:
    """县科协 is a county whose name ends in 县; 市科协 a prefecture or county-level city; and so on."""
    if level is None:
        return True
    if level == "省":
        return unit.level == "province"
    if level in ("州", "盟"):
        return unit.level == "prefecture" and unit.division.endswith(level)
    if level == "市":
        return unit.division.endswith("市")
    return unit.level == "county" and unit.division.endswith(level)


def _named_apart(units: list[Unit], counts: Counter[str]) -> list[Unit]:
    """The units whose prefecture — failing that, province — is named and sets them apart from the rest.

    The prefecture is the finer test (three 桥西区 in Hebei), the province the coarser one.
    """
    for attr in ("city", "province"):
        values: list[str | None] = [getattr(u, attr) for u in units]
        hits = [
            u
            for u, v in zip(units, values, strict=True)
            if v and values.count(v) < len(units) and counts.get(v, 0)
        ]
        if hits:
            return hits
    return []


class Matcher:
    def __init__(
        self,
        registry: Registry,
        learned: Mapping[str, str | None] | None = None,
        auto: float = 90.0,
        review: float = 75.0,
    ) -> None:
        if not 0 <= review <= auto <= 100:
            raise ValueError(f"need 0 <= review <= auto <= 100, got review={review}, auto={auto}")
        self.registry = registry
        self.index = place_index(registry)
        self.by_code = self.index.by_code
        self.learned = dict(learned or {})
        self.auto = auto
        self.review = review

    # ------------------------------------------------------------------------------------------ helpers

    def _status(self, score: float) -> Status:
        if score >= self.auto:
            return "matched"
        if score >= self.review:
            return "needs_review"
        return "unmatched"

    def _result(
        self, units: Sequence[Unit], score: float, method: str, evidence: str, spelling: str | None
    ) -> MatchResult:
        cands = tuple(MatchCandidate(u.adcode, u.name, score) for u in units)
        if not cands:
            return MatchResult("unmatched", None, 0.0, "none", evidence, spelling, ())
        status = self._status(score)
        # Several units fitting equally well is ambiguity: it goes to a person, never to the first.
        if status == "matched" and len(cands) > 1:
            status, method = "needs_review", method + "+ambiguous"
        adcode = cands[0].adcode if status == "matched" else None
        return MatchResult(status, adcode, score, method, evidence, spelling, cands[:5])

    def _disambiguate(self, units: list[Unit], text: _Text, named: Counter[str] | None = None) -> list[Unit]:
        """The one unit whose own province or prefecture is named while no other candidate's is.

        Only regions that tell the candidates apart count (河北省 does not separate the three 桥西区 of
        Hebei; 张家口市 does). A text naming regions of two candidates is a conflict, not a majority vote:
        both stay, for review. Regions in the unit name itself (``named``) are consulted first.
        """
        if len(units) <= 1:
            return units
        if named:
            hits = _named_apart(units, named)
            if hits:
                return hits
        return _named_apart(units, text.regions) or units

    def _consistent(self, unit: Unit, prefix: list[Mention]) -> bool:
        """河北省廊坊市香河县科协: every place before the unit's own must be its province or prefecture."""
        for _, _, place in prefix:
            if not any(p.division in (unit.province, unit.city) for p in self.index.units(place)):
                return False
        return True

    # ------------------------------------------------------------------------------------------ matching

    def _by_place(
        self, spelling: str, mentions: list[Mention], level: str | None, text: _Text
    ) -> MatchResult | None:
        """A name with a place in it. None when no unit of that place fits the report's level."""
        start, end, place = mentions[-1]  # the place nearest the organisation words names the unit
        org = spelling[end:]
        if org[:1] in "县市区旗州盟" and org_score(org[1:]) > org_score(org):
            org = org[1:]  # 香河 + 县科协
        units = [u for u in self.index.units(place) if _fits_level(u, level)]
        if not units:
            return None
        prefix = mentions[:-1]
        fitting = [u for u in units if self._consistent(u, prefix)]
        method_suffix = ""
        if not fitting:
            # The name's own province or prefecture contradicts every unit of that place: a person decides.
            method_suffix, fitting = "+inconsistent", units
        named: Counter[str] = Counter()
        for _, _, p in prefix:
            for u in self.index.units(p):
                if u.level != "county":
                    named[u.division] += 1
        units = self._disambiguate(fitting, text, named)
        place_score = PLACE_EXACT if place in self.index.full_names else PLACE_ALIAS
        score = round(0.5 * place_score + 0.5 * org_score(org), 2)
        if spelling in {u.name for u in units}:
            method = "exact"
        elif org.strip() in ORG_ALIASES:
            method = "alias"
        else:
            method = "fuzzy"
        result = self._result(units, score, method + method_suffix, spelling[start:], spelling)
        if method_suffix and result.status == "matched":
            return MatchResult(
                "needs_review", None, score, result.method, result.evidence, spelling, result.candidates
            )
        return result

    def _by_context(self, level: str | None, spelling: str | None, text: _Text) -> MatchResult:
        """No place in the name (县科协, or no name at all): the division the text names as its own."""
        strong: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        evidence: dict[str, str] = {}
        for (_, _, place), span in text.own:
            for unit in self.index.units(place):
                if _fits_level(unit, level):
                    strong[unit.adcode] += 1
                    evidence.setdefault(unit.adcode, span)
        if not strong:
            # Bare mentions only of official names: 2-character short forms are too often ordinary words
            # (资源, 惠民, 公安 are counties).
            for _, _, place in text.mentions:
                if place in self.index.full_names:
                    for unit in self.index.units(place):
                        if _fits_level(unit, level):
                            weak[unit.adcode] += 1
                            evidence.setdefault(unit.adcode, place)
        pool, score = (strong, CONTEXT_STRONG) if strong else (weak, CONTEXT_WEAK)
        if not pool:
            return MatchResult("unmatched", None, 0.0, "none", "no division named in the text", spelling, ())
        ranked = pool.most_common()
        top = ranked[0][1]
        # A clear majority only: a report citing its own 财政局 twice and a neighbour's once is still ours,
        # one mention each is not.
        leaders = [c for c, n in ranked if 2 * n > top]
        units = self._disambiguate([self.by_code[c] for c in leaders], text)
        return self._result(units, score, "context", evidence[units[0].adcode], spelling)

    def _learned(self, unit_names: Sequence[str]) -> MatchResult | None:
        for spelling in unit_names:
            if spelling not in self.learned:
                continue
            code = self.learned[spelling]
            if code is None:
                return MatchResult("unmatched", None, 0.0, "learned_reject", spelling, spelling, ())
            unit = self.by_code.get(code)
            if unit is not None:  # an adcode no longer in the registry is forgotten, not trusted
                cand = (MatchCandidate(code, unit.name, 100.0),)
                return MatchResult("matched", code, 100.0, "learned_alias", spelling, spelling, cand)
        return None

    def _classify(self, spelling: str) -> tuple[str, list[Mention], str | None]:
        """generic (县科协) | place (井陉县科协) | sub_county (蒋辛屯镇科协) | unknown (中国科协) | other (南县政协)."""
        g = _GENERIC.match(spelling)
        if g:
            return "generic", [], g.group("level")
        mentions = places_in(spelling, self.index)
        org = spelling[mentions[-1][1] :] if mentions else spelling
        # 香河 + 县科协: a level word the short form left out is not part of the organisation's name.
        bare = org[1:] if org[:1] in "县市区旗州盟" else org
        head = org[: org.find("科")] if "科" in org else org
        tail = org[len(head) :]
        if any(w in head for w in _SUB_COUNTY):
            return ("sub_county" if org_score(tail) >= ORG_FLOOR else "other"), mentions, None
        if head.startswith(_OTHER_ORG) or (mentions and head not in ("", *"县市区旗州盟")):
            # 香河县老科协, 香河县青少年科协: another body of that place, not its 科学技术协会.
            return "other", mentions, None
        if mentions and org_score(bare) >= ORG_FLOOR:
            return "place", mentions, None
        # No registry place before the 科协 words (中国科协): a 科协, but not one this name identifies.
        return ("unknown" if org_score(tail) >= ORG_FLOOR else "other"), mentions, None

    def _match(self, unit_names: Sequence[str], text: _Text) -> MatchResult:
        learned = self._learned(unit_names)
        if learned is not None:
            return learned
        # The parser lists the title, header field and signature first, then mentions in the body (which
        # may be the superior 市科协 or a 镇科协): the first name that yields units decides.
        level: str | None = None
        # The spelling a context result is filed under (the key a reviewer's decision is learned for): a
        # name like 渔阳科协 (an old or unofficial place name), never 县科协, which every county writes.
        unknown: str | None = None
        first: MatchResult | None = None
        kinds: list[str] = []
        for spelling in unit_names:
            kind, mentions, lvl = self._classify(spelling)
            kinds.append(kind)
            if kind == "generic":
                level = level or lvl
                continue
            if kind == "unknown":
                unknown = unknown or spelling
                continue
            if kind == "sub_county" and first is None and level is None:
                # The report's own name is a town's or a company's 科协: not a registry unit.
                return MatchResult("unmatched", None, 0.0, "not_in_registry", spelling, spelling, ())
            if kind != "place":
                continue
            result = self._by_place(spelling, mentions, level, text)
            if result is None:
                continue
            if first is None:
                first = result
                if result.status != "needs_review" or len(result.candidates) < 2:
                    return result
            elif result.status == "matched" and result.adcode in {c.adcode for c in first.candidates}:
                # A later name settles the first name's ambiguity — only ever within its candidates.
                return MatchResult(
                    "matched",
                    result.adcode,
                    result.score,
                    first.method + "+corroborated",
                    result.evidence,
                    first.spelling,
                    result.candidates,
                )
        if first is not None:
            return first
        if unit_names and all(k == "other" for k in kinds):
            name = unit_names[0]
            return MatchResult("unmatched", None, 0.0, "not_science_association", name, name, ())
        return self._by_context(level, unknown, text)

    def _conflict(self, result: MatchResult, own_names: Sequence[str], text: _Text) -> MatchResult:
        """``result`` noting the first own name that, read alone, is matched to a different unit."""
        if result.adcode is None:
            return result
        for spelling in own_names:
            kind, mentions, _ = self._classify(spelling)
            if kind != "place" or spelling == result.spelling:
                continue
            other = self._by_place(spelling, mentions, None, text)
            if other is not None and other.status == "matched" and other.adcode != result.adcode:
                assert other.adcode is not None  # a matched result names its unit
                return replace(result, conflict=f"{spelling} → {self.by_code[other.adcode].name}")
        return result

    def match(self, unit_names: Sequence[str], text: str, own_names: Sequence[str] = ()) -> MatchResult:
        """The registry unit of a report, from its names (own names first, then mentions) and its text.

        ``own_names`` (title, header field, signature) are also checked against each other: see ``conflict``.
        """
        t = _Text(text, self.index)
        return self._conflict(self._match(unit_names, t), own_names, t)

    def match_many(
        self, items: Sequence[tuple[Sequence[str], str]], own_names: Sequence[Sequence[str]] = ()
    ) -> list[MatchResult]:
        """Match a batch; a text shared by several items is scanned for places once."""
        texts: dict[int, _Text] = {}
        out: list[MatchResult] = []
        for i, (names, text) in enumerate(items):
            t = texts.get(id(text))
            if t is None or t.text is not text:
                t = texts[id(text)] = _Text(text, self.index)
            out.append(self._conflict(self._match(names, t), own_names[i] if own_names else (), t))
        return out


def search_units(registry: Registry, query: str, limit: int = 10) -> list[tuple[Unit, float]]:
    """Registry units resembling ``query``, best first: place-blocked candidates, then fuzzy name matches."""
    matcher = Matcher(registry)
    result = matcher.match([query], "")
    found: dict[str, tuple[Unit, float]] = {}
    for c in result.candidates:
        found[c.adcode] = (matcher.by_code[c.adcode], c.score)
    names = [u.name for u in registry.units]
    for _name, score, i in process.extract(expand_org(query), names, scorer=fuzz.ratio, limit=limit):
        unit = registry.units[i]
        found.setdefault(unit.adcode, (unit, float(score)))
    return sorted(found.values(), key=lambda x: -x[1])[:limit]
