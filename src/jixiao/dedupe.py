"""Document deduplication: a content fingerprint and a near-duplicate test in which figures matter.

A re-encoded, re-formatted or re-typed copy of a report reduces to the same text once whitespace,
punctuation and full-width forms are dropped. A corrected re-submission differs in a figure: one changed
number in a 15 KB report still has a character ratio of ~99.9, so ratio alone cannot tell the two apart.
A near-duplicate therefore needs three things: the same sequence of figures, a reduced-text ratio at or
above ``NEAR_DUPLICATE_THRESHOLD``, and no stretch of changed text longer than ``MAX_CHANGED_RUN``
(conversion noise is scattered characters; an added or rewritten sentence is a run).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from jixiao.read.pdf_tables import PAGE_NUMBER

K = TypeVar("K")

# 97: after the figures are known to agree, ≤3 % of characters may differ — room for a docx and a pdf
# extraction of one report (dropped headers, stray characters, a bookmark tag) while a report that was
# partly rewritten (a new paragraph of a 5,000-character report is already ~2-5 %) falls out. The figures
# and the run-length test below carry the "was it corrected?" decision; the ratio only bounds the noise.
NEAR_DUPLICATE_THRESHOLD: float = 97.0
# Longest stretch of reduced characters that may differ: a bookmark tag such as [bookmark: _GoBack] is 14,
# a page footer 第2页共5页 is 6; a sentence of new content is 20 or more.
MAX_CHANGED_RUN = 16

# Whitespace, punctuation and symbols go; a decimal point between digits stays, so 24.36 and 243.6 differ.
_DROP = re.compile(r"(?:[^\w.]|_|(?<!\d)\.|\.(?!\d))+")
# ``_DROP.sub("", t)`` in steps the regex engine scans fast (each pattern starts with a character or a set):
# first the points not between digits (decided on the text as it is), then the other non-word characters.
_DROP_POINT = re.compile(r"\.(?:(?<!\d\.)|(?!\d))")
_DROP_NON_WORD = re.compile(r"[^\w.]+")
_CN = "〇零一二三四五六七八九两"
# A Chinese numeral run needs a digit character: 万 in 万元 alone is a unit, not a figure.
_NUMBER = re.compile(rf"\d+(?:\.\d+)?|[{_CN}十百千万亿]*[{_CN}][{_CN}十百千万亿]*")
# A thousands separator: the comma first, so the scan skips ahead to commas (as (?<=\d),(?=…) would match).
# Runs of the characters a figure is made of, from its first character: ``_NUMBER``'s matches lie inside them.
_NUMBER_RUN = re.compile(rf"[\d{_CN}十百千万亿][\d.{_CN}十百千万亿]*")
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")
# Page furniture a pdf extraction adds and a docx one does not: not figures of the report.
_PAGE_LINE = re.compile(rf"^\s*(?:{PAGE_NUMBER.pattern})\s*$", re.M)


# Characters that are their own NFKC (ASCII, CJK ideographs, the common Chinese punctuation; every one checked
# by tests/test_dedupe_nfkc.py): only the others are normalised one by one.
_NOT_SURELY_STABLE = re.compile(
    "[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u3007-\u3011\u3014-\u3017"
    "\u2014\u2018\u2019\u201c\u201d\u00b7]"
)


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


@lru_cache(maxsize=4)
def _nfkc(text: str) -> str:
    """NFKC of a report's text: the fingerprint and the figures of one text are worked out one after the
    other, and share it.

    A reader's text is NFKC but for a few characters (its kept ``；``), so each distinct character is
    normalised on its own and replaced (~0.1 ms instead of ~0.6 ms for a whole report). That is NFKC exactly
    when the result is normalised: each character's NFKC has that character's compatibility decomposition,
    so the result decomposes as the text does and composes to the same; otherwise (composition across
    characters) the whole text is normalised."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    out = text
    for ch in set(_NOT_SURELY_STABLE.findall(text)):  # the others are their own NFKC
        n = _nfkc_char(ch)
        if n != ch:
            out = out.replace(ch, n)
    return out if unicodedata.is_normalized("NFKC", out) else unicodedata.normalize("NFKC", text)


def reduce_text(text: str) -> str:
    """NFKC, lower-case, no whitespace or punctuation: what two copies of one report share."""
    return _drop(_nfkc(text).lower())


def _drop(text: str) -> str:
    """``_DROP.sub("", text)``: every character it drops is dropped by one of the steps, decided as it
    decides (a point's neighbours are looked at before anything else goes)."""
    if "." in text:
        text = _DROP_POINT.sub("", text)
    text = _DROP_NON_WORD.sub("", text)
    return text.replace("_", "") if "_" in text else text


def content_fingerprint(text: str) -> str:
    """sha256 hex of the reduced text: equal for copies that differ only in encoding, layout or width."""
    return hashlib.sha256(reduce_text(text).encode("utf-8")).hexdigest()


def numbers_of(text: str) -> tuple[str, ...]:
    """The figures in the text, in order: Arabic (thousands separators and trailing decimal zeros dropped)
    and runs of Chinese numerals (综合得分九十八分), page numbers left out."""
    text = _PAGE_LINE.sub("", _nfkc(text))
    text = _THOUSANDS.sub("", text)
    out = []
    # ``_NUMBER.findall(text)``, read run by run: no match starts outside a run or crosses its end.
    for value in (v for run in _NUMBER_RUN.findall(text) for v in _NUMBER.findall(run)):
        if value[0].isdigit():
            if "." in value:
                value = value.rstrip("0").rstrip(".")
            value = value.lstrip("0") or "0"
        out.append(value)
    return tuple(out)


def similarity(a: str, b: str) -> float:
    """0-100: rapidfuzz ratio of the reduced texts (about 10 ms for two 15 KB reports)."""
    return float(fuzz.ratio(reduce_text(a), reduce_text(b)))


def longest_changed_run(a: str, b: str) -> int:
    """The longest stretch of characters that differs between two (reduced) texts."""
    longest = run_a = run_b = 0
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            run_a = run_b = 0
            continue
        run_a += op.src_end - op.src_start
        run_b += op.dest_end - op.dest_start
        longest = max(longest, run_a, run_b)
    return longest


@dataclass(frozen=True)
class Doc:
    """A text with its figures, worked out once: unequal figures settle most comparisons without the text."""

    text: str
    figures: str  # ``figures_key``: one string keeps 10,000 of them in a batch small

    @classmethod
    def of(cls, text: str) -> Doc:
        return cls(text, figures_key(text))


def figures_key(text: str) -> str:
    """The text's figures (``numbers_of``) as one space-separated string, compared for equality."""
    return " ".join(numbers_of(text))


def find_near_duplicate(text: str | Doc, candidates: Sequence[tuple[K, str | Doc]]) -> K | None:
    """The most similar candidate that is a near-duplicate of ``text`` (see the module docstring), or None."""
    if not candidates:
        return None
    doc = text if isinstance(text, Doc) else Doc.of(text)
    reduced: str | None = None
    best: tuple[float, K] | None = None
    for key, candidate in candidates:
        other = candidate if isinstance(candidate, Doc) else Doc.of(candidate)
        if other.figures != doc.figures:
            continue
        reduced = reduced if reduced is not None else reduce_text(doc.text)
        other_reduced = reduce_text(other.text)
        score = fuzz.ratio(reduced, other_reduced, score_cutoff=NEAR_DUPLICATE_THRESHOLD)
        if not score or (best is not None and score <= best[0]):
            continue
        if longest_changed_run(reduced, other_reduced) <= MAX_CHANGED_RUN:
            best = (score, key)
    return best[1] if best else None
