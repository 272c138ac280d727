"""Document deduplication: a content fingerprint and a near-duplicate test in which figures matter.

A re-encoded, re-formatted or re-typed copy of a report reduces to the same text once whitespace,
punctuation and full-width forms are dropped. A corrected re-submission differs in a figure: one changed
number in a 15 KB report still has a character ratio of ~99.9, so ratio alone cannot tell the two apart.
Near-duplicates therefore also need the same sequence of numbers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

from rapidfuzz import fuzz

K = TypeVar("K")

NEAR_DUPLICATE_THRESHOLD = 97.0
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def reduce_text(text: str) -> str:
    """NFKC, lower-case, no whitespace or punctuation: what two copies of one report share."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def content_fingerprint(text: str) -> str:
    return hashlib.sha256(reduce_text(text).encode("utf-8")).hexdigest()


def numbers_of(text: str) -> tuple[str, ...]:
    """The figures in the text, as normalised strings (trailing zeros of decimals dropped)."""
    out = []
    for m in _NUMBERS.finditer(unicodedata.normalize("NFKC", text).replace(",", "")):
        value = m.group(0)
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        out.append(value.lstrip("0") or "0")
    return tuple(out)


def similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(reduce_text(a), reduce_text(b)))


def find_near_duplicate(text: str, candidates: Sequence[tuple[K, str]]) -> K | None:
    """The best candidate with the same figures and a reduced-text ratio at or above the threshold."""
    if not candidates:
        return None
    reduced, nums = reduce_text(text), numbers_of(text)
    best: tuple[float, K] | None = None
    for key, other in candidates:
        if numbers_of(other) != nums:
            continue
        score = fuzz.ratio(reduced, reduce_text(other), score_cutoff=NEAR_DUPLICATE_THRESHOLD)
        if score and (best is None or score > best[0]):
            best = (score, key)
    return best[1] if best else None
