"""Place one name, or a report's text, on registry units: the rules that score a place against units.

A name with a place in it (井陉县科协) is blocked by that place and checked against the places before it;
a name with none (县科协) is placed by the divisions the text names as its own. Several units fitting
equally well is ambiguity, for a person — never a pick. ``Matcher`` (``match``) combines a report's names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jixiao.status import MatchStatus
from jixiao.units.aliases import place_index
from jixiao.units.departments import KEXIE, load_departments, unit_of
from jixiao.units.names import Name, NameReader
from jixiao.units.registry import Registry, Unit
from jixiao.units.report_text import Mention, ReportText, fits_level, named_apart

PLACE_EXACT = 100.0  # the official division name
PLACE_ALIAS = 97.0  # a generated short form: unique in the registry, but one step from the official name
CONTEXT_STRONG = 92.0  # no place in the name; the text's own authorities or 科协 name one division
CONTEXT_WEAK = 80.0  # no place in the name; the text merely mentions one division most


@dataclass(frozen=True)
class MatchCandidate:
    adcode: str
    name: str
    score: float
    department_type: str | None = KEXIE


@dataclass(frozen=True)
class MatchResult:
    status: MatchStatus
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


@dataclass
class _Votes:
    """Divisions the text names as its own, with the words that named them."""

    pool: Counter[str]
    score: float
    evidence: dict[str, str]
    vouched: set[str]


class Placer:
    """The registry's places, the department vocabulary and the thresholds, with the placing rules."""

    def __init__(self, registry: Registry, auto: float = 90.0, review: float = 75.0) -> None:
        if not 0 <= review <= auto <= 100:
            raise ValueError(f"need 0 <= review <= auto <= 100, got review={review}, auto={auto}")
        self.registry = registry
        self.index = place_index(registry)
        self.by_code = self.index.by_code
        self.auto = auto
        self.review = review
        self.departments = load_departments()
        self.names = NameReader(self.index, self.departments)

    # ------------------------------------------------------------------------------------------ helpers

    def _status(self, score: float) -> MatchStatus:
        if score >= self.auto:
            return MatchStatus.MATCHED
        if score >= self.review:
            return MatchStatus.NEEDS_REVIEW
        return MatchStatus.UNMATCHED

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
            return MatchResult(
                MatchStatus.UNMATCHED, None, 0.0, "none", evidence, spelling, (), reason=reason
            )
        status = self._status(score)
        if status != MatchStatus.MATCHED and not reason:
            reason = f"score {score:g} below the automatic threshold {self.auto:g}"
        # Several units fitting equally well is ambiguity: it goes to a person, never to the first.
        if status == MatchStatus.MATCHED and len(cands) > 1:
            status, method = MatchStatus.NEEDS_REVIEW, method + "+ambiguous"
            reason = f"{len(cands)} units of that name; nothing in the report tells them apart"
        adcode = cands[0].adcode if status == MatchStatus.MATCHED else None
        return MatchResult(
            status, adcode, score, method, evidence, spelling, cands[:5], department_type=key, reason=reason
        )

    def _disambiguate(
        self, units: list[Unit], text: ReportText, named: Counter[str] | None = None
    ) -> list[Unit]:
        """The one unit whose own province or prefecture is named while no other candidate's is.

        Only regions that tell the candidates apart count (河北省 does not separate the three 桥西区 of
        Hebei; 张家口市 does). A text naming regions of two candidates is a conflict, not a majority vote:
        both stay, for review. Regions in the unit name itself (``named``) are consulted first.
        """
        if len(units) <= 1:
            return units
        if named:
            hits = named_apart(units, named)
            if hits:
                return hits
        return named_apart(units, text.regions) or units

    def _consistent(self, unit: Unit, prefix: list[Mention]) -> bool:
        """河北省廊坊市香河县科协: every place before the unit's own must be its province or prefecture."""
        for _, _, place in prefix:
            if not any(p.division in (unit.province, unit.city) for p in self.index.units(place)):
                return False
        return True

    # ------------------------------------------------------------------------------------------ matching

    def _by_place(self, spelling: str, name: Name, level: str | None, text: ReportText) -> MatchResult | None:
        """A name with a place in it. None when no unit of that place fits the report's level."""
        assert name.dtype is not None and name.dtype.key is not None  # a place name has a type
        mentions, dtype = name.mentions, name.dtype
        written = name.text or spelling  # the offsets are into the spelling as read
        start, _, place = mentions[-1]  # the place nearest the organisation words names the unit
        units = [u for u in self.index.units(place) if fits_level(u, level)]
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
        if written in {unit_of(u, key).name for u in units}:
            method = "exact"
        elif dtype.score >= 100:
            method = "alias"
        else:
            method = "fuzzy"
        evidence = written[start:] if not written[:start].strip() or prefix else written
        result = self._result(units, score, method + method_suffix, evidence, spelling, key)
        if method_suffix and result.status != MatchStatus.UNMATCHED:
            reason = "the name's province or prefecture contradicts its place"
            return replace(result, status=MatchStatus.NEEDS_REVIEW, adcode=None, reason=reason)
        if dtype.how in ("subordinate", "ambiguous", "part_of") and result.status != MatchStatus.UNMATCHED:
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
                status=MatchStatus.NEEDS_REVIEW,
                adcode=None,
                method=result.method + ("+type_ambiguous" if dtype.how == "ambiguous" else "+subordinate"),
                candidates=cands,
                reason=why,
            )
        return result

    def _type_words(self, key: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """What follows a place to name it with type ``key`` (its aliases), and the (head, tail) of its
        templates (政协 … 委员会)."""
        words = tuple(a for a, k in self.departments.by_alias.items() if k == key and len(a) >= 2)
        pairs = (t.split("{}") for t, k in self.departments.by_template.items() if k == key)
        return words, tuple((p[0], p[1]) for p in pairs if len(p) == 2 and p[0] and p[1])

    def _votes(self, level: str | None, text: ReportText, key: str | None) -> _Votes:
        """The divisions of ``level`` the text names: by their own authorities (strong), else by name."""
        strong: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        evidence: dict[str, str] = {}
        # The place's own authority in a cited document (根据《江华瑶族自治县财政局关于…的通知》) or the place
        # with the report's own type (江华科协): what lets a generic own name (县科协) be placed automatically.
        vouched: set[str] = set()
        aliases = self.departments.by_key[key].aliases if key in self.departments.by_key else ()
        for (start, _, place), span in text.own:
            for unit in self.index.units(place):
                if fits_level(unit, level):
                    strong[unit.adcode] += 1
                    evidence.setdefault(unit.adcode, span)
                    if text.cited(start) or span.endswith(aliases):
                        vouched.add(unit.adcode)
        if key in self.departments.by_key and level is not None:
            # 县政协 … 南县政协: the place the text names with the report's own type vouches for itself.
            words, heads = self._type_words(key)
            for (_, _, place), span in text.typed(words, heads):
                for unit in self.index.units(place):
                    if fits_level(unit, level):
                        strong[unit.adcode] += 1
                        evidence.setdefault(unit.adcode, span)
                        vouched.add(unit.adcode)
        if strong:
            return _Votes(strong, CONTEXT_STRONG, evidence, vouched)
        # Bare mentions only of official names: 2-character short forms are too often ordinary words
        # (资源, 惠民, 公安 are counties).
        for _, _, place in text.mentions:
            if place in self.index.full_names:
                for unit in self.index.units(place):
                    if fits_level(unit, level):
                        weak[unit.adcode] += 1
                        evidence.setdefault(unit.adcode, place)
        return _Votes(weak, CONTEXT_WEAK, evidence, vouched)

    def _by_context(
        self, level: str | None, spelling: str | None, text: ReportText, key: str | None
    ) -> MatchResult:
        """No place in the name (县科协, or no name at all): the division the text names as its own.

        Only a type read from the report's own name (``key``) can make this automatic; a place inferred
        with no department goes to review with the division alone.
        """
        votes = self._votes(level, text, key)
        if not votes.pool:
            return MatchResult(
                MatchStatus.UNMATCHED,
                None,
                0.0,
                "none",
                "no division named in the text",
                spelling,
                (),
                department_type=key,
                reason="the report names no place of its own",
            )
        ranked = votes.pool.most_common()
        top = ranked[0][1]
        # A clear majority only: a report citing its own 财政局 twice and a neighbour's once is still ours,
        # one mention each is not.
        leaders = [c for c, n in ranked if 2 * n > top]
        units = self._disambiguate([self.by_code[c] for c in leaders], text)
        found = votes.evidence[units[0].adcode]
        result = self._result(units, votes.score, "context", found, spelling, key)
        if result.status != MatchStatus.MATCHED:
            return result
        if key is None:
            reason = "no department named by the report itself; the place was inferred from the text"
            return replace(result, status=MatchStatus.NEEDS_REVIEW, adcode=None, reason=reason)
        if level is None or result.adcode not in votes.vouched:
            reason = (
                "the report's own name has no place; the place was inferred from the text "
                f"({found}), not from a cited document of its own authorities"
            )
            return replace(result, status=MatchStatus.NEEDS_REVIEW, adcode=None, reason=reason)
        return result
