"""The cells of a 自评表 read as labels and their values: the state a table reader shares (its cells, the
values read, the column words), and the label cells followed by their value — 自评总分 | 99.68, 人员编制 / 21,
预算单位 | … — or a row of labels over a row of values (编制数 | 实际在职人数 over 52 | 50). The 资金情况 block's
columns and rows are read on top of this in ``jixiao.parse.tables``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.parse.automaton import alternation
from jixiao.parse.cells import NUMBER, Cell, is_value, per_vocab
from jixiao.parse.dates import CN_DATE
from jixiao.parse.numbers import to_decimal
from jixiao.parse.vocab import TableVocab, load_vocabulary


@dataclass(frozen=True)
class TableValue:
    """One value read from the table, with the label cell and the value cell it came from."""

    field: str
    value: Decimal | int | str
    start: int
    end: int


MAX_LABEL_TAIL = 8  # characters a label cell may add to its word: "年度总金额(万元)", "自评总分(100分)"
_YEAR_PREFIX = re.compile(r"^20\d{2}年度?")  # "2022年实际在职人数": a year's count


def starts_with(cell: str, words: Sequence[str]) -> str | None:
    """The word ``cell`` is labelled with: it starts with the word and adds at most a short tail."""
    for w in words:
        if cell.startswith(w) and len(cell) - len(w) <= MAX_LABEL_TAIL:
            return w
    return None


class CellReader:
    """A table's cells and the values read from them (the first value of a field stands)."""

    def __init__(self, cells: list[Cell], text: str, vocab: TableVocab) -> None:
        self.cells = cells
        self.text = text
        self.v = vocab
        self.out: dict[str, TableValue] = {}
        self.column_words, self.label_words = _patterns(vocab)
        self.project_header = load_vocabulary().kind["project_header"]

    def put(self, field: str, value: Decimal | int | str, start: int, end: int) -> None:
        self.out.setdefault(field, TableValue(field, value, start, end))

    def column_of(self, cell: str) -> str | None:
        if len(cell) > 20:
            return None
        m = self.column_words.search(cell)
        if m is None or any(w in cell for w in self.v.not_columns):
            return None
        # The column whose word ends the cell ("执行率权重" is a weight, "执行率得分" points), else the first
        # column whose words the cell holds, in vocab order.
        ending = next((key for key, words in self.v.columns if any(cell.endswith(w) for w in words)), None)
        if ending is not None:
            return ending
        for key, words in self.v.columns:
            if any(w in cell for w in words):
                return key
        return None

    def labelled(self) -> None:
        cells = self.cells
        per_line = Counter(c.line for c in cells)
        for n, c in enumerate(cells[:-1]):
            if len(c.text) > 20 or not self.label_words.match(c.text):
                continue
            if is_value(c.text) or not _beside(c, cells[n + 1], per_line, self.text):
                continue
            for key, words in self.v.labels:
                if key in self.out or starts_with(c.text, words) is None:
                    continue
                nxt = cells[n + 1]
                if key == "score":
                    self.score(c, cells[n + 1 : n + 3])
                elif key == "grade":
                    grade = next((g for g in _grade_words() if nxt.text.startswith(g)), None)
                    if grade is not None:
                        self.put("grade", load_vocabulary().grades[grade], c.start, nxt.end)
                elif key in ("staff_quota", "staff_actual"):
                    m = re.fullmatch(r"(\d{1,5})(?:人|名)?", nxt.text)
                    if m:
                        self.put(key, int(m.group(1)), c.start, nxt.end)
                elif key in ("unit", "parent") and self.is_name(nxt.text):
                    self.put(key, nxt.text, nxt.start, nxt.end)
                break

    def header_row_counts(self) -> None:
        """A row of labels over a row of values ("编制数 | 2022年实际在职人数 | 控制率" then "52 | 52 | 100%"): the
        values belong to the last labels, one each, in order. Staff counts only."""
        cells, k, n = self.cells, 0, len(self.cells)
        value = [is_value(c.text) for c in cells]
        label = [not v and len(c.text) <= 20 for c, v in zip(cells, value, strict=True)]
        while k < n:
            j = k
            while j < n and label[j]:
                j += 1
            m = j
            while m < n and value[m]:
                m += 1
            count = m - j  # the values under the last ``count`` labels, when there are as many labels
            if 2 <= count <= j - k and cells[j].line > cells[j - 1].line and self.whole_row(m):
                for lab, val in zip(cells[j - count : j], cells[j:m], strict=True):
                    self.count_cell(_YEAR_PREFIX.sub("", lab.text), lab, val)
            k = max(m, k + 1)

    def whole_row(self, end: int) -> bool:
        """Whether the values' row ending before cell ``end`` is whole: nothing but blanks (no cell left out
        of the cells read) between its last value and the next cell or the end of the text."""
        last = self.cells[end - 1]
        upto = self.cells[end].start if end < len(self.cells) else len(self.text)
        return not self.text[last.end : upto].strip(" \t\n|")

    def count_cell(self, text: str, label: Cell, value: Cell) -> None:
        for key in ("staff_quota", "staff_actual"):
            words = dict(self.v.labels)[key]
            m = re.fullmatch(r"(\d{1,5})(?:人|名)?", value.text)
            if key not in self.out and starts_with(text, words) and m:
                self.put(key, int(m.group(1)), label.start, value.end)

    def is_name(self, cell: str) -> bool:
        return (
            2 <= len(cell) <= 40
            and not any(ch.isdigit() for ch in cell)
            and "、" not in cell
            and CN_DATE.search(cell) is None
            and self.column_of(cell) is None
            and not any(starts_with(cell, words) for _, words in self.v.labels)
        )

    def score(self, label: Cell, after: list[Cell]) -> None:
        """自评总分 | 99.68, or 总分 | 100 | 99.68 (the weight, then the points): the points."""
        values = [c for c in after if c.line == after[0].line and is_value(c.text)] if after else []
        numbers = [(c, to_decimal(NUMBER.match(c.text).group(0))) for c in values if NUMBER.match(c.text)]  # type: ignore[union-attr]  # matched in the same comprehension
        numbers = [(c, v) for c, v in numbers if v is not None and 0 <= v <= 100]
        if not numbers or not is_value(after[0].text):
            return
        if len(numbers) == 2 and numbers[0][1] == 100:
            cell, value = numbers[1]
        else:
            cell, value = numbers[0]
        assert value is not None
        self.put("score", value, label.start, cell.end)


@per_vocab
def _patterns(vocab: TableVocab) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One regex for every column word (found anywhere in a cell) and one for every label (at its start):
    most cells are ruled out by a single search."""
    return (
        re.compile(alternation(w for _, words in vocab.columns for w in words)),
        re.compile(alternation(w for _, words in vocab.labels for w in words)),
    )


@lru_cache(maxsize=1)
def _grade_words() -> tuple[str, ...]:
    """The grades' words, longest first (优秀 before 优)."""
    return tuple(sorted(load_vocabulary().grades, key=len, reverse=True))


def _beside(label: Cell, value: Cell, per_line: Counter[int], text: str) -> bool:
    """Whether ``value`` is the cell right of ``label`` in one row, or the next line after a label that stands
    alone on its line (one cell per line; blank lines between, as a web page's table copied). A header cell
    is not beside the first cell of the row below it."""
    if value.line == label.line:
        return True
    alone = per_line[label.line] == 1 and per_line[value.line] == 1
    return alone and (value.line == label.line + 1 or not text[label.end : value.start].strip())


__all__ = ["MAX_LABEL_TAIL", "CellReader", "TableValue", "starts_with"]
