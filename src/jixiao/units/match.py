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
from jixiao.units.departments import (
    KEXIE,
    TRAILING_ORGAN,
    TypeReading,
    blank_publisher_lines,
    load_departments,
    resolve_type,
    unit_of,
)
from jixiao.units.registry import Registry, Unit

Status = Literal["matched", "needs_review", "unmatched"]
Mention = tuple[int, int, str]
Learned = str | tuple[str, str | None] | None  # adcode (a 科协), (adcode, type), or None: not a registry unit
_LEVELS = "省市县区旗州盟"

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
    department_type: str | None = KEXIE


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
    department_type: str | None = None  # the matched (or proposed) unit's type, e.g. 妇联
    # Why the match was not accepted automatically, in words for the reviewer ("" when matched).
    reason: str = ""


@dataclass(frozen=True)
class _Name:
    """One spelling read apart: its kind, its places, the level a generic name states, and its type."""

    kind: str  # generic | place | sub_county | unknown | other
    mentions: list[Mention]
    level: str | None
    dtype: TypeReading | None


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
    _scan: str | None = None
    _mentions: list[Mention] | None = None
    _regions: Counter[str] | None = None
    _own: list[tuple[Mention, str]] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Every place name, leftmost-longest."""
        if self._mentions is None:
            self._mentions = places_in(self.scan, self.index)
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
            by_place, text, longest = self.index.by_place, self.scan, self.index.longest
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

    @property
    def scan(self) -> str:
        """The text with a web page's publisher, author and source lines blanked (same offsets): who put
        a report online says nothing about whose report it is."""
        if self._scan is None:
            self._scan = blank_publisher_lines(self.text)
        return self._scan

    def cited(self, pos: int) -> bool:
        """Is ``pos`` inside a cited document's title (《…》)?"""
        return self.scan.rfind("《", 0, pos) > self.scan.rfind("》", 0, pos)

    def _after_place(self, pos: int) -> bool:
        """Does a place name end at ``pos`` (益阳市南县)?"""
        return any(
            self.scan[pos - n : pos] in self.index.by_place
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
        learned: Mapping[str, Learned] | None = None,
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
        self.departments = load_departments()
        # 团县委, 县委办: a template or alias with a level word for its place.
        self._generic_templates = {
            t.format(level): key for t, key in self.departments.by_template.items() for level in _LEVELS
        }

    # ------------------------------------------------------------------------------------------ helpers

    def _status(self, score: float) -> Status:
        if score >= self.auto:
            return "matched"
        if score >= self.review:
            return "needs_review"
        return "unmatched"

    def _cands(self, units: Sequence[Unit], score: float, key: str | None) -> list[MatchCandidate]:
        if key is None:
            # No type read: the division alone, never some type's unit (a 妇联 offered as the place's 科协).
            return [MatchCandidate(u.adcode, u.division, score, None) for u in units]
        return [MatchCandidate(u.adcode, unit_of(u, key).name, score, key) for u in units]

    def _result(
        self,
        units: Sequence[Unit],
        score: float,
        method: str,
        evidence: str,
        spelling: str | None,
        key: str | None = KEXIE,
        reason: str = "",
    ) -> MatchResult:
        cands = tuple(self._cands(units, score, key))
        if not cands:
            return MatchResult("unmatched", None, 0.0, "none", evidence, spelling, (), reason=reason)
        status = self._status(score)
        if status != "matched" and not reason:
            reason = f"score {score:g} below the automatic threshold {self.auto:g}"
        # Several units fitting equally well is ambiguity: it goes to a person, never to the first.
        if status == "matched" and len(cands) > 1:
            status, method = "needs_review", method + "+ambiguous"
            reason = f"{len(cands)} units of that name; nothing in the report tells them apart"
        adcode = cands[0].adcode if status == "matched" else None
        return MatchResult(
            status, adcode, score, method, evidence, spelling, cands[:5], department_type=key, reason=reason
        )

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

    def _by_place(self, spelling: str, name: _Name, level: str | None, text: _Text) -> MatchResult | None:
        """A name with a place in it. None when no unit of that place fits the report's level."""
        assert name.dtype is not None and name.dtype.key is not None  # a place name has a type
        mentions, dtype = name.mentions, name.dtype
        start, _, place = mentions[-1]  # the place nearest the organisation words names the unit
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
        score = round(0.5 * place_score + 0.5 * dtype.score, 2)
        key = dtype.key
        assert key is not None
        if spelling in {unit_of(u, key).name for u in units}:
            method = "exact"
        elif dtype.score >= 100:
            method = "alias"
        else:
            method = "fuzzy"
        evidence = spelling[start:] if not spelling[:start].strip() or prefix else spelling
        result = self._result(units, score, method + method_suffix, evidence, spelling, key)
        if method_suffix and result.status != "unmatched":
            reason = "the name's province or prefecture contradicts its place"
            return replace(result, status="needs_review", adcode=None, reason=reason)
        if dtype.how in ("subordinate", "ambiguous", "part_of") and result.status != "unmatched":
            # 县科协科技馆: the body and its parent; 档案馆 or 档案局 by a typo: both, for a person.
            extra = [c for other in dtype.others for c in self._cands(units, score, other)]
            why = (
                f"a body under another: {key} of {'/'.join(dtype.others)}"
                if dtype.how == "subordinate"
                else f"the type reads as {key} or {'/'.join(dtype.others)}"
            )
            if dtype.how == "part_of":
                why = f"a body of the {key} named with more words ({spelling}): the {key} itself or one under it"
            cands = (*result.candidates, *extra)[:6]
            return replace(
                result,
                status="needs_review",
                adcode=None,
                method=result.method + ("+type_ambiguous" if dtype.how == "ambiguous" else "+subordinate"),
                candidates=cands,
                reason=why,
            )
        return result

    def _by_context(
        self, level: str | None, spelling: str | None, text: _Text, key: str | None
    ) -> MatchResult:
        """No place in the name (县科协, or no name at all): the division the text names as its own.

        Only a type read from the report's own name (``key``) can make this automatic; a place inferred
        with no department goes to review with the division alone.
        """
        strong: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        evidence: dict[str, str] = {}
        # The place's own authority in a cited document (根据《江华瑶族自治县财政局关于…的通知》) or the place
        # with the report's own type (江华科协): what lets a generic own name (县科协) be placed automatically.
        vouched: set[str] = set()
        aliases = self.departments.by_key[key].aliases if key in self.departments.by_key else ()
        for (start, _, place), span in text.own:
            for unit in self.index.units(place):
                if _fits_level(unit, level):
                    strong[unit.adcode] += 1
                    evidence.setdefault(unit.adcode, span)
                    if text.cited(start) or span.endswith(aliases):
                        vouched.add(unit.adcode)
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
            return MatchResult(
                "unmatched",
                None,
                0.0,
                "none",
                "no division named in the text",
                spelling,
                (),
                department_type=key,
                reason="the report names no place of its own",
            )
        ranked = pool.most_common()
        top = ranked[0][1]
        # A clear majority only: a report citing its own 财政局 twice and a neighbour's once is still ours,
        # one mention each is not.
        leaders = [c for c, n in ranked if 2 * n > top]
        units = self._disambiguate([self.by_code[c] for c in leaders], text)
        result = self._result(units, score, "context", evidence[units[0].adcode], spelling, key)
        if result.status != "matched":
            return result
        if key is None:
            reason = "no department named by the report itself; the place was inferred from the text"
            return replace(result, status="needs_review", adcode=None, reason=reason)
        if level is None or result.adcode not in vouched:
            reason = (
                "the report's own name has no place; the place was inferred from the text "
                f"({evidence[units[0].adcode]}), not from a cited document of its own authorities"
            )
            return replace(result, status="needs_review", adcode=None, reason=reason)
        return result

    def _learned(self, unit_names: Sequence[str]) -> MatchResult | None:
        for spelling in unit_names:
            if spelling not in self.learned:
                continue
            value = self.learned[spelling]
            if value is None:
                return MatchResult(
                    "unmatched", None, 0.0, "learned_reject", spelling, spelling, (), reason="rejected before"
                )
            code, key = (value, KEXIE) if isinstance(value, str) else value
            unit = self.by_code.get(code)
            if unit is not None:  # an adcode no longer in the registry is forgotten, not trusted
                cand = tuple(self._cands([unit], 100.0, key))
                return MatchResult(
                    "matched", code, 100.0, "learned_alias", spelling, spelling, cand, department_type=key
                )
        return None

    def _kexie(self, org: str, mentions: list[Mention]) -> _Name | None:
        """The 科协 reading of the words after a place, as it always was (typos scored by ``org_score``)."""
        bare = org[1:] if org[:1] in _LEVELS else org
        head = org[: org.find("科")] if "科" in org else org
        tail = org[len(head) :]
        if any(w in head for w in _SUB_COUNTY):
            return _Name("sub_county", mentions, None, None) if org_score(tail) >= ORG_FLOOR else None
        if head.startswith(_OTHER_ORG):
            # 香河县老科协: another body of that place, not its 科学技术协会.
            return _Name("other", mentions, None, None)
        if mentions and head not in ("", *_LEVELS):
            return None
        if mentions and org_score(bare) >= ORG_FLOOR:
            core = TRAILING_ORGAN.sub("", bare)
            words = self.departments.words_in(core)
            rest = core[words[-1][1] :] if words else ""
            # 科协技术协会 is the 科协's name with a typo; 科学技术协会科普中心 is a body of it.
            if words and words[-1][2] == KEXIE and len(rest) >= 2 and "协" not in rest:
                # 香河县科协科普服务中心: a body of the 科协 with its own accounts, not the 科协 itself.
                return _Name("place", mentions, None, TypeReading(KEXIE, org_score(bare), "part_of"))
            return _Name("place", mentions, None, TypeReading(KEXIE, org_score(bare), "kexie"))
        if not mentions and org_score(tail) >= ORG_FLOOR:
            # No registry place before the 科协 words (中国科协): a 科协, but not one this name identifies.
            return _Name("unknown", mentions, None, TypeReading(KEXIE, org_score(tail), "kexie"))
        return None

    def _classify(self, spelling: str) -> _Name:
        """generic (县科协, 县妇联) | place (井陉县科协, 南县政协) | sub_county (蒋辛屯镇科协) |
        unknown (中国科协) | other (香河县老科协, 香河县人民医院)."""
        deps = self.departments
        g = _GENERIC.match(spelling)
        if g:
            return _Name("generic", [], g.group("level"), TypeReading(KEXIE, 100.0, "alias"))
        body = spelling[2:] if spelling.startswith("本级") else spelling
        level = body[:1] if body[:1] in _LEVELS else None
        rest = body[1:] if level else body
        if body in deps.by_alias:
            return _Name("generic", [], None, TypeReading(deps.by_alias[body], 100.0, "alias"))
        if level and rest in deps.by_alias:
            return _Name("generic", [], level, TypeReading(deps.by_alias[rest], 100.0, "alias"))
        if body in self._generic_templates:
            return _Name("generic", [], None, TypeReading(self._generic_templates[body], 100.0, "template"))
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
        # 香河 + 县科协: a level word the short form left out is not part of the organisation's name.
        bare = org[1:] if org[:1] in _LEVELS else org
        if mentions and not before:
            reading = resolve_type("", org)
            if reading.key is None or reading.how == "fuzzy":
                alt = resolve_type("", bare)
                if alt.key is not None and alt.score > reading.score:
                    reading = alt
            if reading.how in ("alias", "subordinate"):
                return _Name("place", mentions, None, reading)
        kexie = self._kexie(org, mentions) if not before else None
        if kexie is not None:
            return kexie
        if mentions:
            reading = resolve_type(before, org)
            if reading.key is None and not before:
                reading = resolve_type("", bare)
            if reading.key is not None:
                return _Name("place", mentions, None, reading)
        words = deps.words_in(org)
        if words and any(w in org[: words[-1][0]] for w in _SUB_COUNTY):
            return _Name("sub_county", mentions, None, None)
        if mentions and not before and words and words[0][0] == 0 and not any(w in org for w in _SUB_COUNTY):
            # 香河县财政局国库支付中心: a body under the 财政局 — the 财政局 is the candidate, for a person.
            return _Name("place", mentions, None, TypeReading(words[0][2], 100.0, "part_of"))
        return _Name("other", mentions, None, None)

    def _match(self, unit_names: Sequence[str], text: _Text, own: frozenset[str] | None) -> MatchResult:
        # A decision learned in review applies to the report's own names only, like every other reading.
        learned = self._learned([n for n in unit_names if own is None or n in own])
        if learned is not None:
            return learned
        # The parser lists the title, header field and signature first, then mentions in the body (which
        # may be the superior 市科协 or a 镇科协): the first name that yields units decides. A mention in the
        # body can place a unit only when the report's own name stated its type (县科协 … 江华科协).
        level: str | None = None
        key: str | None = None  # the type a generic own name states
        # The spelling a context result is filed under (the key a reviewer's decision is learned for): a
        # name like 渔阳科协 (an old or unofficial place name), never 县科协, which every county writes.
        unknown: str | None = None
        first: MatchResult | None = None
        kinds: list[str] = []
        for spelling in unit_names:
            is_own = own is None or spelling in own
            name = self._classify(spelling)
            kinds.append(name.kind if is_own else "mention")
            dkey = name.dtype.key if name.dtype else None
            if name.kind == "generic":
                if is_own and key is None:
                    level, key = level or name.level, dkey
                continue
            if name.kind == "unknown":
                if is_own or dkey == key:
                    unknown = unknown or spelling
                    # 渔阳科协 (no registry place): its type is still the report's own.
                    key = key or (dkey if is_own else None)
                continue
            if name.kind == "sub_county" and first is None and level is None and is_own:
                # The report's own name is a town's or a company's body: not a registry unit.
                return MatchResult(
                    "unmatched",
                    None,
                    0.0,
                    "not_in_registry",
                    spelling,
                    spelling,
                    (),
                    reason="a body below the county (town, company, school): not a registry unit",
                )
            if name.kind != "place":
                continue
            if not is_own and (key is None or dkey != key):
                continue  # a body mention of another body, or with no own name to agree with
            result = self._by_place(spelling, name, level, text)
            if result is None:
                continue
            if first is None:
                first = result
                if result.status != "needs_review" or len(result.candidates) < 2:
                    return result
            elif (
                result.status == "matched"
                and result.department_type == first.department_type
                and result.adcode in {c.adcode for c in first.candidates}
                and "+subordinate" not in first.method
                and "+type_ambiguous" not in first.method
            ):
                # A later name settles the first name's ambiguity — only ever within its candidates.
                return MatchResult(
                    "matched",
                    result.adcode,
                    result.score,
                    first.method + "+corroborated",
                    result.evidence,
                    first.spelling,
                    result.candidates,
                    department_type=result.department_type,
                )
        if first is not None:
            return first
        own_kinds = [k for k in kinds if k != "mention"]
        if own_kinds and all(k == "other" for k in own_kinds):
            name0 = next(n for n in unit_names if own is None or n in own)
            return MatchResult(
                "unmatched",
                None,
                0.0,
                "unknown_department",
                name0,
                name0,
                (),
                reason="the name's department type is not in the vocabulary (departments.toml)",
            )
        return self._by_context(level, unknown, text, key)

    def _conflict(self, result: MatchResult, own_names: Sequence[str], text: _Text) -> MatchResult:
        """``result`` checked against the report's other own names.

        An own name of another department type stops an automatic match (a type mismatch is never
        accepted); one that, read alone, names a different unit of the same type is noted as ``conflict``.
        """
        for spelling in own_names:
            if spelling == result.spelling:
                continue
            name = self._classify(spelling)
            other_key = name.dtype.key if name.dtype else None
            if (
                result.department_type is not None
                and other_key is not None
                and other_key != result.department_type
                and name.kind in ("place", "generic")
                and name.dtype is not None
                and name.dtype.how != "subordinate"
            ):
                if result.status == "matched":
                    extra: list[MatchCandidate] = []
                    if result.adcode is not None:
                        extra = self._cands([self.by_code[result.adcode]], result.score, other_key)
                    return replace(
                        result,
                        status="needs_review",
                        adcode=None,
                        method=result.method + "+type_conflict",
                        candidates=(*result.candidates, *extra)[:6],
                        reason=f"the report's own names disagree on the type: "
                        f"{result.department_type} ({result.spelling}) and {other_key} ({spelling})",
                    )
                continue
        if result.adcode is None:
            return result
        for spelling in own_names:
            name = self._classify(spelling)
            if name.kind != "place" or spelling == result.spelling:
                continue
            other = self._by_place(spelling, name, None, text)
            if other is not None and other.status == "matched" and other.adcode != result.adcode:
                assert other.adcode is not None  # a matched result names its unit
                unit = unit_of(self.by_code[other.adcode], other.department_type or KEXIE)
                return replace(result, conflict=f"{spelling} → {unit.name}")
        return result

    def match(
        self, unit_names: Sequence[str], text: str, own_names: Sequence[str] | None = None
    ) -> MatchResult:
        """The registry unit of a report, from its names (own names first, then mentions) and its text.

        ``own_names`` (title, header field, signature, definition) are the names the report gives itself:
        only they decide; when given, the other names are body mentions. When None, every name counts as
        the report's own. Own names are also checked against each other: see ``conflict``.
        """
        t = _Text(text, self.index)
        own = frozenset(own_names) if own_names is not None else None
        return self._conflict(self._match(unit_names, t, own), own_names or (), t)

    def match_many(
        self,
        items: Sequence[tuple[Sequence[str], str]],
        own_names: Sequence[Sequence[str]] | None = None,
    ) -> list[MatchResult]:
        """Match a batch; a text shared by several items is scanned for places once."""
        texts: dict[int, _Text] = {}
        out: list[MatchResult] = []
        for i, (names, text) in enumerate(items):
            t = texts.get(id(text))
            if t is None or t.text is not text:
                t = texts[id(text)] = _Text(text, self.index)
            own = own_names[i] if own_names is not None else None
            out.append(
                self._conflict(
                    self._match(names, t, frozenset(own) if own is not None else None), own or (), t
                )
            )
        return out


def search_units(registry: Registry, query: str, limit: int = 10) -> list[tuple[Unit, float, str | None]]:
    """Registry units resembling ``query``, best first, with their department type: place-blocked
    candidates of the type the query names, then fuzzy matches on the 科协 names."""
    matcher = Matcher(registry)
    result = matcher.match([query], "")
    found: dict[tuple[str, str | None], tuple[Unit, float, str | None]] = {}
    for c in result.candidates:
        unit = matcher.by_code[c.adcode]
        named = unit_of(unit, c.department_type) if c.department_type else unit
        found[(c.adcode, c.department_type)] = (named, c.score, c.department_type)
    names = [u.name for u in registry.units]
    for _name, score, i in process.extract(expand_org(query), names, scorer=fuzz.ratio, limit=limit):
        unit = registry.units[i]
        found.setdefault((unit.adcode, KEXIE), (unit, float(score), KEXIE))
    return sorted(found.values(), key=lambda x: -x[1])[:limit]
