"""Where the parser reads: the text's sentences and lines, the evidence of a value, and the labels of the
vocabulary found in one pass of its index."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from jixiao.model import Evidence
from jixiao.parse.vocab import Label, Vocabulary

PageOf = Callable[[int], int | None]

_SENTENCE_END = re.compile(r"[。；;\n]")
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


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    label: Label


def label_hits(text: str, vocab: Vocabulary) -> list[Hit]:
    found = list(vocab.automaton.iter(text))
    found.sort(key=lambda f: (f[0], f[0] - f[1]))  # by start, the longest first
    kept: list[Hit] = []
    reach = -1
    for start, end, _, label in found:
        # A shorter label inside a longer one (总支出 inside 部门总支出) is the same mention.
        if end <= reach:
            continue
        kept.append(Hit(start, end, label))  # made only for the kept: most labels are inside longer ones
        reach = max(reach, end)
    return kept


def sentence_ends(text: str) -> list[int]:
    return [m.start() for m in _SENTENCE_END.finditer(text)]


def split_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


__all__ = ["Context", "Hit", "PageOf", "label_hits", "sentence_ends", "split_lines"]
