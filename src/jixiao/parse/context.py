"""Where the parser reads: the text's sentences and lines, the evidence of a value, and the labels of the
vocabulary found in one pass of its index."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add
from typing import NamedTuple

from jixiao.model import Evidence
from jixiao.parse.automaton import WordIndex
from jixiao.parse.vocab import Label, Vocabulary

PageOf = Callable[[int], int | None]

_SENTENCE_ENDS = ("。", "；", ";", "\n")  # the line break last
_EVIDENCE_WIDTH = 80


@dataclass
class Context:
    text: str
    vocab: Vocabulary
    ends: list[int]
    page_of: PageOf | None

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.ends, pos)
        start = self.ends[i - 1] + 1 if i > 0 else 0
        end = self.ends[i] if i < len(self.ends) else len(self.text)
        return start, end

    def evidence(self, start: int, end: int) -> Evidence:
        if end - start > _EVIDENCE_WIDTH:
            start = max(start, end - _EVIDENCE_WIDTH)
        snippet = self.text[start:end].strip()
        return Evidence(
            start=start, end=end, snippet=snippet, page=self.page_of(start) if self.page_of else None
        )


class Hit(NamedTuple):
    """A label found in the text (immutable; a named tuple is made in a quarter of a frozen dataclass's time,
    and a report has dozens)."""

    start: int
    end: int
    label: Label


# The vocabulary's labels spelt backwards, indexed, with the vocabulary they were read from (held, so ``is``
# cannot match another object at the same address).
_backwards: tuple[Vocabulary, WordIndex[Label]] | None = None


def _backwards_index(vocab: Vocabulary) -> WordIndex[Label]:
    global _backwards
    if _backwards is None or _backwards[0] is not vocab:
        _backwards = (vocab, WordIndex((label.text[::-1], label) for label in vocab.labels))
    return _backwards[1]


def label_hits(text: str, vocab: Vocabulary) -> list[Hit]:
    """The labels found, by start: a shorter label inside a longer one (总支出 inside 部门总支出) is the same
    mention, so only the labels no other one contains are kept.

    The index runs over the text reversed, with the labels spelt backwards: its C scan tries every child of
    its root at each character that starts no word, and the labels end in fewer characters (30) than they
    start with (50). A label listed twice keeps its first field either way."""
    n = len(text)
    kept: list[tuple[int, int, Label]] = []  # (start, end) in the reversed text
    # The index gives the words by end: those kept so far that start at or after a word's start are inside
    # it; a word ending where the last one kept ends, and starting after it, is inside that one.
    for start, end, _, label in _backwards_index(vocab).iter(text[::-1]):
        while kept and kept[-1][0] >= start:
            kept.pop()
        if not kept or kept[-1][1] < end:
            kept.append((start, end, label))
    return [Hit(n - end, n - start, label) for start, end, label in reversed(kept)]


def sentence_ends(text: str) -> list[int]:
    """The offsets of every sentence end (。；; or a line break), in order: every end made a line break (one
    C pass each), the text split there, each end's offset summed from the lengths of the pieces before it."""
    for mark in _SENTENCE_ENDS[:-1]:
        text = text.replace(mark, "\n")  # one character for one: the offsets stay
    pieces = text.split("\n")
    pieces.pop()
    # The k-th end stands after k earlier ends and the first k + 1 pieces.
    return list(map(add, accumulate(map(len, pieces)), count()))


def split_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def search_from(pattern: re.Pattern[str], firsts: str, text: str, pos: int = 0) -> re.Match[str] | None:
    """``pattern.search(text, pos)`` for a pattern every match of which starts with one of the characters
    ``firsts`` (a few, rare ones): ``str.find`` jumps to each of them, a scan several times faster than the
    regex engine's, and the pattern is tried there only."""
    nexts = [text.find(c, pos) for c in firsts]
    while True:
        at = min((n for n in nexts if n >= 0), default=-1)
        if at < 0:
            return None
        m = pattern.match(text, at)
        if m is not None:
            return m
        nexts = [text.find(firsts[k], at + 1) if n == at else n for k, n in enumerate(nexts)]


def finditer_from(pattern: re.Pattern[str], firsts: str, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that matches no empty string, found as ``search_from`` does."""
    pos = 0
    while (m := search_from(pattern, firsts, text, pos)) is not None:
        yield m
        pos = m.end()


__all__ = [
    "Context",
    "Hit",
    "PageOf",
    "finditer_from",
    "label_hits",
    "search_from",
    "sentence_ends",
    "split_lines",
]
