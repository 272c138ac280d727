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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from jixiao.status import MatchStatus
from jixiao.units.aliases import expand_org
from jixiao.units.departments import KEXIE, unit_of
from jixiao.units.heads import head_names
from jixiao.units.placing import MatchCandidate, MatchResult, Placer
from jixiao.units.registry import Registry, Unit
from jixiao.units.report_text import ReportText

__all__ = ["Learned", "MatchCandidate", "MatchResult", "Matcher", "search_units"]
Learned = str | tuple[str, str | None] | None  # adcode (a 科协), (adcode, type), or None: not a registry unit


@dataclass
class _Walk:
    """What the names read so far say, in the order the parser lists them."""

    level: str | None = None  # the level a generic own name states (县科协: a county)
    key: str | None = None  # the type a generic own name states
    # The spelling a context result is filed under (the key a reviewer's decision is learned for): a
    # name like 渔阳科协 (an old or unofficial place name), never 县科协, which every county writes.
    unknown: str | None = None
    first: MatchResult | None = None
    kinds: list[str] = field(default_factory=list)


def _corroborated(first: MatchResult, result: MatchResult) -> MatchResult | None:
    """A later name settles the first name's ambiguity — only ever within its candidates."""
    if (
        result.status == MatchStatus.MATCHED
        and result.department_type == first.department_type
        and result.adcode in {c.adcode for c in first.candidates}
        and "+subordinate" not in first.method
        and "+type_ambiguous" not in first.method
    ):
        return MatchResult(
            MatchStatus.MATCHED,
            result.adcode,
            result.score,
            first.method + "+corroborated",
            result.evidence,
            first.spelling,
            result.candidates,
            department_type=result.department_type,
        )
    return None


class Matcher(Placer):
    def __init__(
        self,
        registry: Registry,
        learned: Mapping[str, Learned] | None = None,
        auto: float = 90.0,
        review: float = 75.0,
    ) -> None:
        super().__init__(registry, auto, review)
        self.learned = dict(learned or {})

    def _learned(self, unit_names: Sequence[str]) -> MatchResult | None:
        for spelling in unit_names:
            if spelling not in self.learned:
                continue
            value = self.learned[spelling]
            if value is None:
                return MatchResult(
                    MatchStatus.UNMATCHED,
                    None,
                    0.0,
                    "learned_reject",
                    spelling,
                    spelling,
                    (),
                    reason="rejected before",
                )
            code, key = (value, KEXIE) if isinstance(value, str) else value
            unit = self.by_code.get(code)
            if unit is not None:  # an adcode no longer in the registry is forgotten, not trusted
                cand = tuple(self._cands([unit], 100.0, key))
                return MatchResult(
                    MatchStatus.MATCHED,
                    code,
                    100.0,
                    "learned_alias",
                    spelling,
                    spelling,
                    cand,
                    department_type=key,
                )
        return None

    def _match(self, unit_names: Sequence[str], text: ReportText, own: frozenset[str] | None) -> MatchResult:
        heads = self._heads(text) if own is not None and not own else []
        if not heads:
            return self._match_names(unit_names, text, own)
        # The parser found no own name; the report's first lines give one (said in the method, for review).
        result = self._match_names([*heads, *unit_names], text, frozenset(heads))
        if result.spelling not in heads:
            return result
        return replace(result, method=result.method + "+first_lines")

    def _match_names(
        self, unit_names: Sequence[str], text: ReportText, own: frozenset[str] | None
    ) -> MatchResult:
        # A decision learned in review applies to the report's own names only, like every other reading.
        learned = self._learned([n for n in unit_names if own is None or n in own])
        if learned is not None:
            return learned
        # The parser lists the title, header field and signature first, then mentions in the body (which
        # may be the superior 市科协 or a 镇科协): the first name that yields units decides. A mention in the
        # body can place a unit only when the report's own name stated its type (县科协 … 江华科协).
        walk = _Walk()
        for spelling in unit_names:
            decided = self._read_name(walk, spelling, own is None or spelling in own, text)
            if decided is not None:
                return decided
        if walk.first is not None:
            return walk.first
        own_kinds = [k for k in walk.kinds if k != "mention"]
        if own_kinds and all(k == "other" for k in own_kinds):
            name0 = next(n for n in unit_names if own is None or n in own)
            return MatchResult(
                MatchStatus.UNMATCHED,
                None,
                0.0,
                "unknown_department",
                name0,
                name0,
                (),
                reason="the name's department type is not in the vocabulary (departments.toml)",
            )
        return self._by_context(walk.level, walk.unknown, text, walk.key)

    def _heads(self, text: ReportText) -> list[str]:
        """The own names of the report's first lines, when they all name one unit (``head_names``)."""
        heads = list(dict.fromkeys(head_names(text.scan, self.names)))
        units = set()
        for spelling in heads:
            name = self.names.classify(spelling)
            assert name.dtype is not None  # head_names keeps typed place names only
            units.add((tuple(u.adcode for u in self.index.units(name.mentions[-1][2])), name.dtype.key))
        return heads if len(units) == 1 else []

    def _read_name(self, walk: _Walk, spelling: str, is_own: bool, text: ReportText) -> MatchResult | None:
        """Take one name into ``walk``; a result when it decides the match."""
        name = self.names.classify(spelling)
        walk.kinds.append(name.kind if is_own else "mention")
        dkey = name.dtype.key if name.dtype else None
        if name.kind == "generic":
            if is_own and walk.key is None:
                walk.level, walk.key = walk.level or name.level, dkey
            return None
        if name.kind == "unknown":
            if is_own or dkey == walk.key:
                walk.unknown = walk.unknown or spelling
                # 渔阳科协 (no registry place): its type is still the report's own.
                walk.key = walk.key or (dkey if is_own else None)
            return None
        if name.kind == "sub_county" and walk.first is None and walk.level is None and is_own:
            # The report's own name is a town's or a company's body: not a registry unit.
            return MatchResult(
                MatchStatus.UNMATCHED,
                None,
                0.0,
                "not_in_registry",
                spelling,
                spelling,
                (),
                reason="a body below the county (town, company, school): not a registry unit",
            )
        if name.kind != "place" or (not is_own and (walk.key is None or dkey != walk.key)):
            return None  # a body mention of another body, or with no own name to agree with
        result = self._by_place(spelling, name, walk.level, text)
        if result is None:
            return None
        if walk.first is None:
            walk.first = result
            if result.status != MatchStatus.NEEDS_REVIEW or len(result.candidates) < 2:
                return result
            return None
        return _corroborated(walk.first, result)

    def _conflict(self, result: MatchResult, own_names: Sequence[str], text: ReportText) -> MatchResult:
        """``result`` checked against the report's other own names.

        An own name of another department type stops an automatic match (a type mismatch is never
        accepted); one that, read alone, names a different unit of the same type is noted as ``conflict``.
        """
        for spelling in own_names:
            if spelling == result.spelling:
                continue
            name = self.names.classify(spelling)
            other_key = name.dtype.key if name.dtype else None
            if (
                result.department_type is not None
                and other_key is not None
                and other_key != result.department_type
                and name.kind in ("place", "generic")
                and name.dtype is not None
                and name.dtype.how != "subordinate"
            ):
                if result.status == MatchStatus.MATCHED:
                    extra: list[MatchCandidate] = []
                    if result.adcode is not None:
                        extra = self._cands([self.by_code[result.adcode]], result.score, other_key)
                    return replace(
                        result,
                        status=MatchStatus.NEEDS_REVIEW,
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
            name = self.names.classify(spelling)
            if name.kind != "place" or spelling == result.spelling:
                continue
            other = self._by_place(spelling, name, None, text)
            if other is not None and other.status == MatchStatus.MATCHED and other.adcode != result.adcode:
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
        t = ReportText(text, self.index)
        own = frozenset(own_names) if own_names is not None else None
        return self._conflict(self._match(unit_names, t, own), own_names or (), t)

    def match_many(
        self,
        items: Sequence[tuple[Sequence[str], str]],
        own_names: Sequence[Sequence[str]] | None = None,
    ) -> list[MatchResult]:
        """Match a batch; a text shared by several items is scanned for places once."""
        texts: dict[int, ReportText] = {}
        out: list[MatchResult] = []
        for i, (names, text) in enumerate(items):
            t = texts.get(id(text))
            if t is None or t.text is not text:
                t = texts[id(text)] = ReportText(text, self.index)
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
