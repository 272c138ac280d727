"""Match the unit a report names to exactly one registry unit — or to none, with the reason.

Candidates are blocked by administrative division first: a name is attached only to units whose division
(or one of its short forms) it contains, so 香河县科学技术协会 can never become 大厂县科学技术协会 because most
characters agree. Only then is the organisation part scored with rapidfuzz (character-level: Chinese has
no spaces, so token scorers do not apply). A match below the review cutoff returns no unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from jixiao.units.aliases import ORG_FULL, ORG_SHORT, PlaceIndex, _by_code, place_index, places_in
from jixiao.units.registry import Registry, Unit

Status = Literal["matched", "needs_review", "unmatched"]
LEVEL_OF_ABBREVIATION = {
    "县": ("county",),
    "区": ("county",),
    "市": ("prefecture", "county"),
    "省": ("province",),
}
# Words that name the place's government in running text: strong evidence of whose report it is.
_AUTHORITIES = ("财政局", "人民政府", "县委", "市委", "财政厅", "政府网站", "融媒体")


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


def org_part_score(org: str) -> float:
    """How much the organisation part after the place reads as 科学技术协会 (100 = it is)."""
    org = org.strip()
    if org in (ORG_FULL, ORG_SHORT):
        return 100.0
    return float(fuzz.ratio(org, ORG_FULL))


class Matcher:
    def __init__(
        self,
        registry: Registry,
        learned: Mapping[str, str | None] | None = None,
        auto: float = 90.0,
        review: float = 75.0,
    ) -> None:
        self.registry = registry
        self.index: PlaceIndex = place_index(registry)
        self.by_code = _by_code(registry)
        self.learned = dict(learned or {})
        self.auto = auto
        self.review = review

    # ---------------------------------------------------------------------------------------------- helpers

    def is_science_association(self, name: str) -> bool:
        """县科协 yes; 南县政协 or 临泽县财政局 no: judged on the words after the place."""
        mentions = places_in(name, self.index)
        tail = name[mentions[-1][1] :] if mentions else name.lstrip("省市县区")
        return bool(tail) and org_part_score(tail) >= 60

    def _status(self, score: float) -> Status:
        if score >= self.auto:
            return "matched"
        if score >= self.review:
            return "needs_review"
        return "unmatched"

    def _result(
        self, cands: list[MatchCandidate], method: str, evidence: str, spelling: str | None
    ) -> MatchResult:
        cands.sort(key=lambda c: -c.score)
        if not cands:
            return MatchResult("unmatched", None, 0.0, method, evidence, spelling, ())
        best = cands[0]
        status = self._status(best.score)
        # Two different units scoring alike is ambiguity, never a pick.
        if status == "matched" and len(cands) > 1 and cands[1].score >= best.score - 0.01:
            status = "needs_review"
            method += "+ambiguous"
        return MatchResult(
            status,
            best.adcode if status == "matched" else None,
            best.score,
            method,
            evidence,
            spelling,
            tuple(cands[:5]),
        )

    def _context(self, text: str) -> Counter[str]:
        """Province and prefecture names the text mentions, to tell apart repeated place names."""
        seen: Counter[str] = Counter()
        for _, _, place in places_in(text, self.index):
            for code in self.index.by_place[place]:
                unit = self.by_code[code]
                if unit.level != "county":
                    seen[unit.division] += 1
        return seen

    def _disambiguate(self, units: list[Unit], text: str) -> list[Unit]:
        if len(units) <= 1:
            return units
        ctx = self._context(text)
        scored = [(sum(ctx.get(x, 0) for x in (u.province, u.city) if x), u) for u in units]
        top = max(s for s, _ in scored)
        return [u for s, u in scored if s == top] if top > 0 else units

    # ---------------------------------------------------------------------------------------------- matching

    def _by_place(self, spelling: str, text: str) -> MatchResult | None:
        mentions = places_in(spelling, self.index)
        if not mentions:
            return None
        # The place nearest the organisation words names the unit (河北省石家庄市科协 → 石家庄市).
        _, end, place = mentions[-1]
        org = spelling[end:]
        org_score = org_part_score(org)
        units = self._disambiguate([self.by_code[c] for c in self.index.by_place[place]], text)
        exact = place in self.index.full_names
        place_score = 100.0 if exact else 97.0
        score = round(0.5 * place_score + 0.5 * org_score, 2)
        cands = [MatchCandidate(u.adcode, u.name, score) for u in units]
        method = (
            ("exact" if spelling == units[0].name else "alias" if org_score == 100 else "fuzzy")
            if units
            else "none"
        )
        return self._result(cands, method, spelling, spelling)

    def _by_context(self, spelling: str | None, text: str) -> MatchResult:
        """No place in the name (县科协): the divisions whose authorities the text mentions."""
        levels: tuple[str, ...] = ("county", "prefecture", "province")
        if spelling:
            levels = LEVEL_OF_ABBREVIATION.get(spelling[0], levels)
        strong: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        evidence: dict[str, str] = {}
        for start, end, place in places_in(text, self.index):
            if place not in self.index.full_names:
                continue
            following = text[end : end + 6]
            for code in self.index.by_place[place]:
                if self.by_code[code].level not in levels:
                    continue
                if following.startswith(_AUTHORITIES):
                    strong[code] += 1
                    evidence.setdefault(code, text[start : end + 6])
                else:
                    weak[code] += 1
                    evidence.setdefault(code, text[start:end])
        pool = strong or weak
        if not pool:
            return MatchResult("unmatched", None, 0.0, "none", "no place named in the report", spelling, ())
        units = self._disambiguate([self.by_code[c] for c in pool], text)
        top = max(pool[u.adcode] for u in units)
        units = [u for u in units if pool[u.adcode] == top]
        score = 92.0 if strong else 80.0
        cands = [MatchCandidate(u.adcode, u.name, score) for u in units]
        return self._result(cands, "context", evidence[units[0].adcode], spelling)

    def match(self, unit_names: Sequence[str], text: str) -> MatchResult:
        for spelling in unit_names:
            if spelling in self.learned:
                code = self.learned[spelling]
                if code is None:
                    return MatchResult("unmatched", None, 0.0, "learned_reject", spelling, spelling, ())
                unit = self.by_code.get(code)
                if unit is not None:
                    return MatchResult(
                        "matched",
                        code,
                        100.0,
                        "learned_alias",
                        spelling,
                        spelling,
                        (MatchCandidate(code, unit.name, 100.0),),
                    )
        first: MatchResult | None = None
        for spelling in unit_names:
            result = self._by_place(spelling, text)
            if result is None:
                continue
            if result.status == "matched":
                return result
            first = first or result
        if first is not None:
            return first
        generic = next((n for n in unit_names if self.is_science_association(n)), None)
        if unit_names and generic is None:
            return MatchResult(
                "unmatched", None, 0.0, "not_a_science_association", unit_names[0], unit_names[0], ()
            )
        return self._by_context(generic, text)

    def match_many(self, items: Sequence[tuple[Sequence[str], str]]) -> list[MatchResult]:
        return [self.match(names, text) for names, text in items]


def search_units(registry: Registry, query: str, limit: int = 10) -> list[tuple[Unit, float]]:
    """Registry units resembling ``query``: place-blocked candidates first, then fuzzy name matches."""
    matcher = Matcher(registry)
    result = matcher.match([query], "")
    found: dict[str, tuple[Unit, float]] = {}
    for c in result.candidates:
        found[c.adcode] = (matcher.by_code[c.adcode], c.score)
    expanded = query.replace(ORG_SHORT, ORG_FULL) if not query.endswith(ORG_FULL) else query
    names = [u.name for u in registry.units]
    for _name, score, i in process.extract(expanded, names, scorer=fuzz.ratio, limit=limit):
        unit = registry.units[i]
        found.setdefault(unit.adcode, (unit, float(score)))
    return sorted(found.values(), key=lambda x: -x[1])[:limit]
