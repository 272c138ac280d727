"""One Aho-Corasick index of words, the way every part of the parser finds its labels: one C pass over the
text finds them all, and a regex alternation of the same words for searches inside one short cell."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

import ahocorasick

T = TypeVar("T")


class WordIndex(Generic[T]):
    """Words, each carrying a value; a word listed twice keeps its first value."""

    def __init__(self, pairs: Iterable[tuple[str, T]]) -> None:
        automaton: Any = ahocorasick.Automaton()  # C extension without type information
        for word, value in pairs:
            if word and automaton.get(word, None) is None:
                automaton.add_word(word, (len(word) - 1, word, value))  # how far back each hit starts
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton

    def iter(self, text: str) -> Iterator[tuple[int, int, str, T]]:
        """Every occurrence as (start, end, word, value), in the order their ends are reached."""
        if not len(self._automaton):
            return iter(())
        # Built at once in one comprehension: a generator's resumption per hit cost more than the C pass.
        return iter(
            [(end - back, end + 1, word, value) for end, (back, word, value) in self._automaton.iter(text)]
        )


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (so 部门单位名称 wins over 单位名称)."""
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


__all__ = ["WordIndex", "alternation"]
