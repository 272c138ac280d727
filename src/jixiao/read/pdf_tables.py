"""Tables drawn without ruling lines, rebuilt from the positions of a PDF's characters.

pdfplumber finds tables by their lines; many report PDFs (and every Word export with borders switched off)
have none, and their text layer comes out as ``1 2024年科技工作者之 开展科普宣传活动 29.27 87`` with the
rest of a wrapped name on the next line. Here the columns are where the cells of the header and the rows
start, each character goes to the column it starts in, and a line whose first column is empty continues the
row above it. The table ends at the first line that writes prose or a heading into the first column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Char = Mapping[str, Any]  # pdfplumber's char dict: x0, x1, top, text
Row = tuple[str, ...]

_LINE_TOLERANCE = 3.0  # points: characters whose tops differ by less sit on one line
_GAP = 2.5  # points of empty space that separate two cells on a line
_COLUMN_TOLERANCE = 4.0  # points: cell starts closer than this are one column
_SEQ = re.compile(r"\d{1,3}")
_OCR_SPECKS = re.compile(r"[。.,，、'\"“”‘’`:：;；_-]+")  # what OCR reads into a scan's blank margin
# Page numbers printed in a margin ("- 4 -", "第 4 页 共 9 页", "4/9"): the first or last line of a page only.
PAGE_NUMBER = re.compile(
    r"[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
)


def is_page_number(line: str) -> bool:
    return PAGE_NUMBER.fullmatch(line.strip()) is not None


@dataclass(frozen=True)
class _Line:
    chars: tuple[Char, ...]  # sorted by x0

    @property
    def text(self) -> str:
        return "".join(str(c["text"]) for c in self.chars)

    def runs(self, gap: float = _GAP) -> list[tuple[float, str]]:
        """(start x, text) of each run of characters separated by more than ``gap`` of empty space."""
        out: list[tuple[float, str]] = []
        prev_x1: float | None = None
        for c in self.chars:
            if prev_x1 is None or float(c["x0"]) - prev_x1 > gap:
                out.append((float(c["x0"]), ""))
            out[-1] = (out[-1][0], out[-1][1] + str(c["text"]))
            prev_x1 = float(c["x1"])
        return out


def _lines(chars: Iterable[Char]) -> list[_Line]:
    visible = sorted(
        (c for c in chars if str(c["text"]).strip()), key=lambda c: (float(c["top"]), float(c["x0"]))
    )
    groups: list[list[Char]] = []
    for c in visible:
        if groups and float(c["top"]) - float(groups[-1][0]["top"]) < _LINE_TOLERANCE:
            groups[-1].append(c)
        else:
            groups.append([c])
    return [_Line(tuple(sorted(g, key=lambda c: float(c["x0"])))) for g in groups]


def _columns(lines: Sequence[_Line]) -> list[float]:
    """Column starts: cell starts that recur down the table (a header cell alone also counts)."""
    starts = Counter[float]()
    for line in lines:
        for x, _ in line.runs():
            starts[round(x)] += 1
    columns: list[float] = []
    for x in sorted(starts):
        if columns and x - columns[-1] < _COLUMN_TOLERANCE:
            continue
        columns.append(float(x))
    return columns


def _cells(line: _Line, columns: Sequence[float]) -> list[str]:
    cells = [""] * len(columns)
    for c in line.chars:
        x = float(c["x0"])
        i = max((k for k, start in enumerate(columns) if start <= x + _COLUMN_TOLERANCE), default=0)
        cells[i] += str(c["text"])
    return cells


def _table_lines(pages: Sequence[Iterable[Char]], header_word: str) -> tuple[list[_Line], int | None]:
    """The lines of the header's page and the pages after it (page numbers left out), and the header's index."""
    lines: list[_Line] = []
    header_at: int | None = None
    for n, chars in enumerate(pages):
        page_lines = _lines(chars)
        for margin in (-1, 0):
            if page_lines and is_page_number(page_lines[margin].text):
                del page_lines[margin]
        if n == 0:
            # The header is looked for on the first page only: a table that starts on a later page is that
            # page's own.
            header_at = next((i for i, ln in enumerate(page_lines) if header_word in ln.text), None)
            if header_at is None:
                return [], None
        lines.extend(page_lines)
    return lines, header_at


def rows_by_position(
    pages: Sequence[Iterable[Char]], header_word: str = "项目名称", *, header_gap: float | None = None
) -> tuple[Row, ...]:
    """The borderless table whose header names ``header_word``: header row, then one row per numbered line.

    ``pages`` are the characters of the page holding the header and of the pages after it, where the table
    may continue; ``top`` grows down the page. Returns () when no such header is found or no numbered row follows it.
    With ``header_gap`` (OCR, whose character boxes are too ragged for recurring cell starts) the columns are
    the header's cells, split where more than ``header_gap`` points of space separate them.
    """
    lines, header_at = _table_lines(pages, header_word)
    if header_at is None:
        return ()
    header = lines[header_at]
    first_cell_end = header.runs()[1][0] if len(header.runs()) > 1 else None
    if first_cell_end is None:
        return ()
    header_lines = [header]
    body: list[_Line] = []
    for line in lines[header_at + 1 :]:
        lead = "".join(
            str(c["text"]) for c in line.chars if float(c["x0"]) < first_cell_end - _COLUMN_TOLERANCE
        )
        if header_gap is not None:
            lead = _OCR_SPECKS.sub("", lead)
        if lead and not _SEQ.fullmatch(lead):
            break  # prose or a heading starts in the first column: the table is over
        if not lead and not body:
            if len(header_lines) == 3:
                break  # no numbered row under the header: not a table of rows
            header_lines.append(line)  # a header cell wrapped onto the next line
            continue
        body.append(line)
    if not body:
        return ()
    if header_gap is not None:
        columns = _header_columns(header.runs(header_gap))
    else:
        columns = _columns([*header_lines, *body])
    head = [""] * len(columns)
    for line in header_lines:
        head = [a + text for a, (_, text) in zip(head, _header_cells(line, columns), strict=True)]
    rows: list[list[str]] = [head]
    for line in body:
        cells = _cells(line, columns)
        if header_gap is not None:
            cells[0] = _OCR_SPECKS.sub("", cells[0])
        if _SEQ.fullmatch(cells[0]):
            rows.append(cells)
        else:
            # A wrapped cell: its next line joins the row above, column by column.
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
    return tuple(tuple(r) for r in rows)


def _header_columns(runs: list[tuple[float, str]]) -> list[float]:
    """Column starts from a header's cells; a bracket's short content is not a cell of its own (OCR reads
    "支出金额(万" with a gap after the bracket, the "元)" wrapped onto the next line)."""
    columns: list[float] = []
    unclosed = False
    for x, text in runs:
        if not (unclosed and len(text.strip()) <= 2):
            columns.append(x)
        unclosed = text.count("(") + text.count("（") > text.count(")") + text.count("）")
    return columns


def _header_cells(header: _Line, columns: Sequence[float]) -> list[tuple[float, str]]:
    # Header words keep together even where one overruns the next column ("分配资金(万元)绩效目标").
    cells = [(x, "") for x in columns]
    for x, text in header.runs():
        i = max((k for k, start in enumerate(columns) if start <= x + _COLUMN_TOLERANCE), default=0)
        cells[i] = (cells[i][0], cells[i][1] + text)
    return cells


__all__ = ["PAGE_NUMBER", "is_page_number", "rows_by_position"]
