"""Staff counts read from a report's sentences: the quota (编制), the serving staff (在职/实有) and the retired
(退休), each a whole of the department's and never one kind's part — a count inside a breakdown (其中…), of
the organ alone (机关), of each unit (各), or one kind among others is a part; a count whose breakdown splits it
into serving and retired people is everyone, and its serving part is the staff."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from jixiao.parse.automaton import alternation
from jixiao.parse.context import Hit
from jixiao.parse.fields import not_a_level
from jixiao.parse.page import strip_ruby
from jixiao.parse.vocab import Vocabulary, load_vocabulary

# "离退休人员62(其中:离休人员8人…)": a count whose breakdown follows at once names its unit there.
_COUNT_AFTER = re.compile(r"(?P<gap>[^\d。；;\n]{0,6}?)(?P<num>\d{1,5})\s*(?:人|名|个|(?=\(\s*其中))")
_BRACKETED = re.compile(r"\([^()]*\)")
_SCOPE_REACH = 8  # characters before a label in which a scope word (其中:公务员编制) makes its count a part
_CLAUSE_BREAK = re.compile(r"[，,：:]")


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(map(text.__contains__, words))  # as ``any(w in text for w in words)``, no generator


@lru_cache(maxsize=1)
def _scoped() -> re.Pattern[str]:
    """A scope word with nothing but the part's own words after it: "其中:公务员", not "其中…,核定"."""
    return re.compile(rf"(?:{alternation(load_vocabulary().scope_words)})[^，,、；;。()]*$")


def _in_a_breakdown(prefix: str, scope_words: tuple[str, ...]) -> bool:
    """Whether the label after ``prefix`` stands inside an open bracket that lists parts ("(其中:…")."""
    prefix = strip_ruby(prefix)  # a pinyin gloss "(yǎng)" closes no breakdown
    opened = prefix.rfind("(")
    return opened > prefix.rfind(")") and prefix[opened + 1 :].lstrip().startswith(scope_words)


class StaffCounts:
    """The staff-count reading of the sentence extractor (``jixiao.parse.parser``), which holds this state."""

    text: str
    vocab: Vocabulary
    hits: list[Hit]
    has_subunits: bool | None

    def put(self, name: str, value: Decimal | int | str, start: int, end: int) -> None:
        raise NotImplementedError

    def _count(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        label = hit.label
        prefix = self.text[s_start : hit.start]
        m = _COUNT_AFTER.match(self.text, hit.end, end)
        if m is None:
            return  # no count after the label: the tests below only ever refuse one
        if not_a_level(label, label.field, prefix, self.text[hit.end : s_end], self.vocab):
            return
        if label.tight and m and m.group("gap").strip():
            return  # "在职党员12人": a bare 在职 counts the staff only when the number follows at once
        if (
            _in_a_breakdown(prefix, self.vocab.scope_words)
            and not self._serving_or_retired(label.field, self.text[prefix.rfind("(") + s_start : s_end])
        ) or (label.siblings and _has_any(prefix[-6:], self.vocab.scope_words)):
            return  # "离退休人员62(其中:离休人员8人,退休人员13人": "其中林业行政编制13人": parts
        if m and label.field == "staff_actual" and self._with_retirees(self.text[m.end() : s_end]):
            return  # "实有人员1273人,其中在职人员841人、离退休人员432人": everyone, retirees too
        if label.field == "staff_actual" and self._label_repeats(i, s_start, s_end):
            return  # "公务员编制6人,实有在职人数6人,…事业编制6人,实有在职人数6人": each kind's count, parts
        if label.field == "staff_quota" and _scoped().search(prefix[-_SCOPE_REACH:]) is not None:
            return  # "行政编制7人,其中:公务员编制6人": one kind of 编制 under 其中 is a part
        if m and _has_any(m.group("gap"), self.vocab.organ["each"]):
            return  # "两个中心,编制各12人": each unit's count, not the department's
        if self._organ_only(prefix + label.text):
            return  # "机关行政编制35名" in a department with units under it: the organ's staff, a part
        if (
            m
            and not _has_any(m.group("gap"), self.vocab.gap_stop_words)
            and not self._one_kind_of_staff(m.group("gap"), self.text[m.end() : s_end])
        ):
            self.put(label.field, int(m.group("num")), hit.start, m.end())

    def _label_repeats(self, i: int, s_start: int, s_end: int) -> bool:
        """Whether the label of hit ``i`` is said again in its sentence: then each says one kind's count."""
        text = self.hits[i].label.text
        k = i - 1
        while k >= 0 and self.hits[k].start >= s_start:
            if self.hits[k].label.text == text:
                return True
            k -= 1
        k = i + 1
        while k < len(self.hits) and self.hits[k].start < s_end:
            if self.hits[k].label.text == text:
                return True
            k += 1
        return False

    def _with_retirees(self, after: str) -> bool:
        """Whether the breakdown right after a count ("，其中在职…、退休…") splits it into serving and retired."""
        return after.lstrip(" ,，(:：").startswith(self.vocab.scope_words) and self._serving_or_retired(
            "staff_actual", after
        )

    def _serving_or_retired(self, field: str, breakdown: str) -> bool:
        """Whether a staff count inside ``breakdown`` is its serving or its retired part, a breakdown of all
        staff into both ("(其中:在职26人,退休4人)"); a breakdown of the retirees alone gives only parts."""
        words = self.vocab.words
        return (
            field in ("staff_actual", "staff_retired")
            and _has_any(breakdown, words["serving"])
            and _has_any(breakdown, words["retired"])
        )

    def _organ_only(self, before: str) -> bool:
        """Whether a staff count is said of the department's organ (机关) alone while the report names units
        under it (下设, 所属, 直属…): one kind of the organ's staff ("机关行政编制35名") or the organ's line of a
        breakdown ("其中,局机关在职113人、退休75人") is then a part of the department's staff; "机关人员编制
        总数29人" and "…是行政机关,编制5人" (the organ is the unit) are not."""
        words = self.vocab.organ
        clause = _CLAUSE_BREAK.split(before)[-1]
        of_organ = (_has_any(clause, words["organ"]) and _has_any(clause, self.vocab.count_part_gap)) or (
            before.lstrip().startswith(self.vocab.scope_words) and _has_any(before, words["organ"])
        )
        if not of_organ:
            return False
        if self.has_subunits is None:
            self.has_subunits = _has_any(self.text, words["subunits"])
        return self.has_subunits

    def _one_kind_of_staff(self, gap: str, rest: str) -> bool:
        """ "实有参公人员 9 名,工勤人员 1 名": a count naming one kind of staff when the sentence goes on to
        another kind is a part ("实有行政人员 12 人(含工勤人员 1 人)" is not: the bracket is inside it)."""
        kinds = self.vocab.count_part_gap
        if not _has_any(gap, kinds):
            return False
        return _has_any(_BRACKETED.sub("", rest), tuple(k for k in kinds if k not in gap))


__all__ = ["StaffCounts"]
