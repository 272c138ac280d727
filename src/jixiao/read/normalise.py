"""Normalisation of report text, with a sparse map back to the raw text.

Rules, in order:
- Unicode NFKC: full-width digits, letters, ``%``, ``:``, ``(``, ``)``, ``,`` and spaces become ASCII
  (９７．５ → 97.5, （ → (, ： → :, ， → ,). Chinese punctuation without a compatibility form stays:
  。、；“”‘’《》 and ideographs are unchanged.
- Traditional → Simplified Chinese (opencc t2s) when the text looks Traditional.
- Stray markup removed: ``[bookmark: _GoBack]``, markdown ``#`` headings at line start, ``**`` emphasis.
- Runs of spaces inside a line collapse to one space; tabs (table cells) are kept; trailing spaces go.
- Hard-wrapped lines are re-joined: always when the break splits a number (``20\\n24年``), and when the
  line is a PDF-style wrap (long, near the document's widest line, not ending a sentence).

The map is stored as anchors (normalised offset, raw offset) at edit points, looked up with bisect: the
text between two anchors is a 1:1 copy, so memory stays proportional to the number of edits.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_MARKUP = re.compile(r"\[bookmark: [^\]]*\]|^[ \t]*#{1,6}[ \t]*|\*\*", re.MULTILINE)
_INNER_SPACES = re.compile(r"(?<=\S)[ \u3000]{2,}(?=\S)")
_EDGE_SPACES = re.compile(r"[ \u3000]+$|^[ \u3000]+", re.MULTILINE)
# A break inside a number: the second part ends in a unit, so "91\n2\t党组织" (table rows) is not one.
_NUMBER_BREAK = re.compile(r"(?<=\d)[ ]*\n[ ]*(?=\.?\d+(?:\.\d+)?\s*(?:年|月|日|万元|元|亿元|%|分|人|名))")
_SENTENCE_END = tuple("。；：！？;:!?)）」』”")


@dataclass(frozen=True)
class _Step:
    """One substitution pass: after ``new[i]`` the text is a copy of the previous text from ``old[i]``."""

    new: tuple[int, ...]
    old: tuple[int, ...]

    def back(self, offset: int) -> int:
        i = bisect_right(self.new, offset) - 1
        if i < 0:
            return offset
        delta = offset - self.new[i]
        if i % 2 == 1:
            # Inside a replacement: stay within the text it replaced.
            return self.old[i] + min(delta, max(0, self.old[i + 1] - self.old[i] - 1))
        return self.old[i] + delta


@dataclass(frozen=True)
class NormalisedText:
    text: str
    steps: tuple[_Step, ...]

    def to_raw(self, offset: int) -> int:
        for step in reversed(self.steps):
            offset = step.back(offset)
        return offset


class _Builder:
    def __init__(self, raw: str) -> None:
        self.text = raw
        self.steps: list[_Step] = []

    def sub(self, pattern: re.Pattern[str], repl: Any) -> None:
        """Replace every match (``repl``: a string or a function of the match), recording the offset map."""
        pieces: list[str] = []
        new: list[int] = [0]
        old: list[int] = [0]
        pos = 0
        out_len = 0
        for m in pattern.finditer(self.text):
            replacement = repl(m) if callable(repl) else repl
            if replacement == m.group(0):
                continue
            pieces.append(self.text[pos : m.start()])
            out_len += m.start() - pos
            # Anchors come in pairs: the replacement starts here, and the copy resumes after it.
            new.append(out_len)
            old.append(m.start())
            pieces.append(replacement)
            out_len += len(replacement)
            new.append(out_len)
            old.append(m.end())
            pos = m.end()
        if len(new) == 1:
            return
        pieces.append(self.text[pos:])
        self.text = "".join(pieces)
        self.steps.append(_Step(tuple(new), tuple(old)))


_OPENCC: list[Any] = []


def _opencc() -> Any:
    if not _OPENCC:
        import opencc

        _OPENCC.append(opencc.OpenCC("t2s"))
    return _OPENCC[0]


@lru_cache(maxsize=1)
def _traditional_probe() -> frozenset[str]:
    # Characters common in reports that differ between scripts; a handful is enough to tell.
    sample = "協會縣學術與會財政預算執行報告單位經費項目績效評價資產設備機關國際實際時間經濟發展覽總體數據據"
    simple = _opencc().convert(sample)
    return frozenset(t for t, s in zip(sample, simple, strict=True) if t != s)


def looks_traditional(text: str, sample: int = 4000) -> bool:
    head = text[:sample]
    probe = _traditional_probe()
    hits = sum(1 for ch in head if ch in probe)
    return hits >= 3


def _join_wraps(text: str) -> re.Pattern[str] | None:
    lines = text.split("\n")
    widths = sorted(len(s) for s in lines if s.strip())
    if len(widths) < 5:
        return None
    wide = widths[int(len(widths) * 0.9)]
    if wide < 25:
        return None
    # Only when many lines sit at the same width is the document hard-wrapped (PDF text).
    at_width = sum(1 for w in widths if w >= wide - 3)
    if at_width < max(3, len(widths) // 5):
        return None
    return re.compile(rf"(?m)^(?=[^\n]{{{wide - 3},}}\n)([^\n]*[^\n{''.join(_SENTENCE_END)}\s])\n(?=\S)")


def _in_table_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos + 1)
    end = text.find("\n", end + 1) if end >= 0 else -1
    return "\t" in text[start : end if end >= 0 else len(text)]


def normalise(raw: str) -> NormalisedText:
    b = _Builder(raw)
    if not unicodedata.is_normalized("NFKC", raw):
        b.sub(
            re.compile(r"[^\x00-\x7f\u4e00-\u9fff\u3002\u3001\uff1b\u201c\u201d]+"),
            lambda m: unicodedata.normalize("NFKC", m.group(0)),
        )
    if looks_traditional(b.text):
        converted = _opencc().convert(b.text)
        if len(converted) == len(b.text):
            b.text = converted  # t2s is character-for-character here, so offsets are unchanged
    b.sub(_MARKUP, "")
    b.sub(_INNER_SPACES, " ")
    b.sub(_EDGE_SPACES, "")
    # Widths are measured before any join: joined lines would raise the "typical width" above the wraps.
    wraps = _join_wraps(b.text)
    if wraps is not None:
        b.sub(wraps, lambda m: m.group(1))
    b.sub(_NUMBER_BREAK, lambda m: m.group(0) if _in_table_line(b.text, m.start()) else "")
    return NormalisedText(b.text, tuple(b.steps))
