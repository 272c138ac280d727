"""What a report's text says about places: its place mentions, the regions it names, and the places
followed by their own authorities — and the two rules that read a place against a unit (level, region).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from jixiao.units.aliases import PlaceIndex, places_in
from jixiao.units.departments import blank_publisher_lines
from jixiao.units.registry import Unit

Mention = tuple[int, int, str]
# Words after a place in running text that name that place's own authorities or its 科协: the strongest
# evidence of whose report it is (《江华瑶族自治县财政局关于……》, “江华科协”公众号).
_OWN_WORDS = re.compile("人民政府|财政局|财政厅|政府|县委|市委|区委|旗委|融媒体|科学技术协会|科技协会|科协")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class ReportText:
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

    def typed(
        self, words: tuple[str, ...], templates: tuple[tuple[str, str], ...] = ()
    ) -> list[tuple[Mention, str]]:
        """Places followed by one of ``words`` (南县 + 政协), or wrapped by a template's (head, tail) (政协 +
        南县 + 委员会): the report's own type said of a place, as its own authorities are in ``own``."""
        found: list[tuple[Mention, str]] = []
        text, by_place, longest = self.scan, self.index.by_place, self.index.longest
        for word in words:
            end = text.find(word)
            while end >= 0:
                mention = self._place_ending(end)
                if mention is not None:
                    found.append((mention, text[mention[0] : end + len(word)]))
                end = text.find(word, end + 1)
        for head, tail in templates:
            start = text.find(head)
            while start >= 0:
                at = start + len(head)
                for n in range(min(longest, len(text) - at), 1, -1):
                    if text[at : at + n] in by_place and text.startswith(tail, at + n):
                        found.append(((at, at + n, text[at : at + n]), text[start : at + n + len(tail)]))
                        break
                start = text.find(head, at)
        return found

    def _place_ending(self, end: int) -> Mention | None:
        """The longest place name ending at ``end`` (a one-character name after a word is that word's)."""
        text, by_place = self.scan, self.index.by_place
        for n in range(min(self.index.longest, end), 1, -1):
            place = text[end - n : end]
            if place not in by_place:
                continue
            before = text[end - n - 1 : end - n]
            if n == 2 and before and _CJK.match(before) and not self._after_place(end - n):
                return None
            return (end - n, end, place)
        return None

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


def fits_level(unit: Unit, level: str | None) -> bool:
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


def named_apart(units: list[Unit], counts: Counter[str]) -> list[Unit]:
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
