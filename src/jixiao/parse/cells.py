"""A table's text cut into cells, whatever shape it arrives in: tab-separated lines (.docx, text saved from
Word), pipes (markdown, pasted text), cells separated by spaces (a PDF's text layer), one cell per line (a
ruled PDF table, text copied from a web page) and the reader's rows of cells (PDFs). Every cell keeps its
offsets in the normalised text, so a value's evidence points at the cell it came from."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import NamedTuple, TypeVar

from jixiao.parse.automaton import WordIndex
from jixiao.parse.vocab import TableVocab

Table = tuple[tuple[str, ...], ...]
_T = TypeVar("_T")

HEADER_STARTS = ("budget_initial", "actual")  # a 资金情况 header is found by one of these columns
TRAILING = ":：;；,，"
ROW_WINDOW = 60  # cells read after the header at most, before the block is given up
# Lines read after a label: its value, or the row of values under a row of labels, blank lines between.
_LABEL_AFTER = 14


class Cell(NamedTuple):
    """One cell. Immutable like a frozen dataclass, and built four times faster (a frozen dataclass sets each
    field through ``object.__setattr__``): a table's text is cut into some fifty cells per report."""

    text: str  # spaces and a trailing colon taken off
    start: int  # offsets of the cell in the normalised text (the reader's cells: where they were found)
    end: int
    line: int  # index of the line (or of the reader's row) the cell is on


_VALUE = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?\s*(?:%|万元|元|分|人|名)?")
_EMPTY = re.compile(r"-+|—+|/|无|\*")
NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")
_LOST_AFTERNUMBER = re.compile(r"(?<=\d)[?\ufffd]+$")
_SEPARATOR_ROW = re.compile(r"[\s|:\-]+")
_SPACE = re.compile(r"\S+")
_PROSE = re.compile(r"[，。；;]")
_PROSE_LINE = 60  # characters: a longer line without tabs or pipes is prose, never split into cells


def per_vocab(build: Callable[[TableVocab], _T]) -> Callable[[TableVocab], _T]:
    """``build`` remembering its value for the vocabulary last asked about, known by identity: the vocabulary
    is one object for the process, and hashing it (every word of it) for each text cost more than the look-up
    saved."""
    last: list[tuple[TableVocab, _T]] = []

    def cached(vocab: TableVocab) -> _T:
        if not last or last[0][0] is not vocab:
            last[:] = [(vocab, build(vocab))]
        return last[0][1]

    return cached


def is_value(text: str) -> bool:
    # A value opens with a sign or a decimal digit (\d is category Nd, as str.isdecimal): most cells are
    # labels, ruled out without the regex.
    first = text[:1]
    return (first.isdecimal() or first in "-−") and _VALUE.fullmatch(text) is not None


def is_empty(text: str) -> bool:
    return text == "" or _EMPTY.fullmatch(text) is not None


def clean(text: str) -> str:
    # "3,724,055.00?": a character the page's encoding lost after a number is no part of the cell's value.
    cleaned = "".join(text.split()).rstrip(TRAILING)
    if "?" in cleaned or "\ufffd" in cleaned:  # the regex only for a cell that may hold such a character
        return _LOST_AFTERNUMBER.sub("", cleaned)
    return cleaned


def _line_cells(line: str, pos: int, index: int) -> list[Cell]:
    """The cells of one line of text. Tabs and pipes always separate; spaces only in a line of short labels
    and values (a PDF's table row), never in prose."""
    tabular = "\t" in line or "|" in line
    if not tabular and len(line) > _PROSE_LINE:
        # Prose: one cell, too long to be a label or a value; it ends a table's rows.
        return [Cell(line, pos, pos + len(line), index)]
    if tabular:
        return _tabular_cells(line, pos, index)
    parts = line.split()  # the words \S+ finds, without their places: most lines have one or none
    if len(parts) > 1 and not _PROSE.search(line) and all(is_value(w) or len(w) <= 14 for w in parts):
        words = [(m.group(0), m.start()) for m in _SPACE.finditer(line)]
        # Adjacent label words ("其中: 基本支出") stay one cell; each value is a cell of its own.
        merged: list[tuple[str, int, int]] = []
        for w, at in words:
            if merged and merged[-1][0][-1] in ":：" and not is_value(w) and not is_empty(w):
                text, s, _ = merged[-1]
                merged[-1] = (text + w, s, at + len(w))
            else:
                merged.append((w, at, at + len(w)))
        return [Cell(clean(t), pos + s, pos + e, index) for t, s, e in merged]
    if not parts:
        return []
    stripped = line.strip()
    at = line.index(stripped)
    return [Cell(clean(stripped), pos + at, pos + at + len(stripped), index)]


def _tabular_cells(line: str, pos: int, index: int) -> list[Cell]:
    """The cells of a line cut by tabs or pipes (one character each, so every part starts one after the
    previous part's end)."""
    if _SEPARATOR_ROW.fullmatch(line):
        return []  # a markdown rule |---|---|
    piped = "|" in line
    raws = (line.replace("|", "\t") if piped else line).split("\t")
    first, last = 0, len(raws)
    if piped:
        # "| a | b |": the edges are not cells.
        while first < last and not raws[first].strip():
            first += 1
        while last > first and not raws[last - 1].strip():
            last -= 1
    at = pos + sum(len(raw) for raw in raws[:first]) + first
    cells: list[Cell] = []
    for raw in raws[first:last]:
        stripped = raw.strip()
        offset = at + len(raw) - len(raw.lstrip()) if stripped else at
        cells.append(Cell(clean(stripped), offset, offset + len(stripped), index))
        at += len(raw) + 1
    return cells


def text_cells(
    text: str, wanted: Iterable[int] | None = None, lines: Sequence[tuple[int, str]] | None = None
) -> list[Cell]:
    """The cells of the text's lines (of the lines numbered in ``wanted`` only, when given), in order.
    ``lines``: the text's (offset, line) pairs when the caller has them already."""
    if lines is None:
        lines = _split(text)
    cells: list[Cell] = []
    for i in sorted(set(wanted)) if wanted is not None else range(len(lines)):
        if 0 <= i < len(lines):
            pos, line = lines[i]
            if line:  # an empty line has no cell
                cells.extend(_line_cells(line, pos, i))
    return cells


def wanted_lines(text: str, vocab: TableVocab) -> list[int]:
    """Lines worth cutting into cells: around each short or tabular line holding a column word (a header and
    the rows under it) or a label at the start of a cell (and the cells after it). Prose lines are skipped:
    they are one cell and can be neither. Empty when the text has no such line."""
    # Only the short and tabular lines are searched, joined by line breaks: a fifth of a report's text. No
    # word holds a line break, so the words found in each line are the ones found in it within the text.
    parts = text.split("\n")
    short = [k for k, line in enumerate(parts) if len(line) <= _PROSE_LINE or "\t" in line or "|" in line]
    kept = [parts[k] for k in short]
    starts = list(accumulate([len(line) + 1 for line in kept], initial=0))  # each kept line's in the join
    wanted: set[int] = set()
    seen = -1
    for start, _, _, is_column in _index(vocab).iter("\n".join(kept)):
        i = bisect_right(starts, start) - 1
        if i == seen:
            continue
        line, col = kept[i], start - starts[i]
        if not is_column and line[:col].strip(" ") and line[col - 1] not in "\t| ":
            continue  # a label inside a cell's words, not at its start
        seen = i
        k = short[i]
        # Before a column word: the header's first cells, split over lines with blank lines between.
        wanted.update(
            range(max(0, k - (6 if is_column else 2)), k + (ROW_WINDOW + 8 if is_column else _LABEL_AFTER))
        )
    return sorted(wanted)


def _split(text: str) -> list[tuple[int, str]]:
    """The text's (offset, line) pairs."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    return lines


@per_vocab
def _index(vocab: TableVocab) -> WordIndex[bool]:
    """The labels and the amount columns' words (a 资金情况 header holds one of them), each marked whether it
    is a column word; a word that is both is a column word."""
    columns = [
        (w, True)
        for key, words in vocab.columns
        if key in HEADER_STARTS or key == "budget_adjusted"
        for w in words
    ]
    pairs = [*columns, *((w, False) for _, words in vocab.labels for w in words)]
    if any("\n" in w for w, _ in pairs):
        raise ValueError("a table word holds a line break: wanted_lines searches one line at a time")
    return WordIndex(pairs)


def reader_cells(text: str, table: Table) -> list[Cell]:
    """The reader's table (PDF) as cells, each located in the text at or after the previous one."""
    cells: list[Cell] = []
    anchor = 0
    for index, row in enumerate(table):
        for raw in row:
            cleaned = clean(raw or "")
            at = text.find(cleaned, anchor) if cleaned else -1
            start = at if at >= 0 else anchor
            end = start + len(cleaned) if at >= 0 else start
            cells.append(Cell(cleaned, start, end, index))
            if at >= 0:
                anchor = end
    return cells


__all__ = [
    "HEADER_STARTS",
    "NUMBER",
    "ROW_WINDOW",
    "TRAILING",
    "Cell",
    "Table",
    "clean",
    "is_empty",
    "is_value",
    "per_vocab",
    "reader_cells",
    "text_cells",
    "wanted_lines",
]
