"""Spreadsheets (.xlsx, .xls, .et): every sheet as table rows, each cell with its address as evidence.

A 自评表 sheet comes out in the row shape the .docx and PDF readers give (a tuple of cell strings per
row), so the parser's table reader takes it unchanged; the text holds each non-empty row as one
tab-separated line, the way a .docx table row reads. ``Extracted.cells`` maps text offsets back to cell
addresses (``自评表!B7``) and each sheet starts a "page".

python-calamine (Rust) reads all three formats. It builds each sheet as a dense grid spanning its first to
last used cell, so a sheet holding A1 and XFD1048576 would ask for 17 billion cells: the sheet's extent is
measured from the file itself before calamine sees it (the worksheet XML of an .xlsx, the BIFF cell records
of an .xls/.et) and refused over ``MAX_CELLS``. Fully empty rows (a sheet "used" down to row 1,048,576)
cost nothing in the text or the tables.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

from jixiao.errors import ReadError
from jixiao.read.containers import Budget, Extracted, guard_zip

MAX_CELLS = 2_000_000  # the grid one sheet may span (rows x columns between its first and last used cell)
MAX_ROWS = 100_000  # rows between a sheet's first and last used cell (a 自评表 has a few hundred)
MAX_SHEETS = 256
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 16383 → XFD."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


@dataclass
class _Extent:
    top: int = -1
    bottom: int = -1
    left: int = -1
    right: int = -1

    def add(self, row: int, col: int) -> None:
        if self.top < 0:
            self.top = self.bottom = row
            self.left = self.right = col
            return
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, col), max(self.right, col)

    @property
    def cells(self) -> int:
        return 0 if self.top < 0 else (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def too_big(self) -> bool:
        return self.cells > MAX_CELLS or self.bottom - self.top >= MAX_ROWS

    def describe(self) -> str:
        return (
            f"{column_letters(self.left)}{self.top + 1}:{column_letters(self.right)}{self.bottom + 1}, "
            f"{self.bottom - self.top + 1:,} rows x {self.right - self.left + 1:,} columns"
        )


def _refuse_extent(fmt: str, sheet: str, extent: _Extent) -> ReadError:
    return ReadError(
        f"refused .{fmt}: sheet {sheet!r} spans {extent.describe()} = {extent.cells:,} cells, over the "
        f"limit of {MAX_ROWS:,} rows and {MAX_CELLS:,} cells (a sheet filled down to its last row?)"
    )


def _scan_refs(buf: bytes, extent: _Extent) -> None:
    """Widen ``extent`` by the cells of an XML piece that hold something (``<c r="B7"/>`` holds nothing)."""
    refs = [(col, row) for col, row, closed in _REF.findall(buf) if not closed]
    if not refs:
        return
    rows = [int(row) - 1 for _, row in refs]
    cols = [_column_index(col) for col in {col for col, _ in refs}]
    extent.add(min(rows), min(cols))
    extent.add(max(rows), max(cols))


def _check_xlsx_extent(data: bytes, budget: Budget) -> None:
    """Measure each worksheet's span from its cell references, streaming the XML in 1 MiB pieces."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            sheet = name.rsplit("/", 1)[-1].removesuffix(".xml")
            extent = _Extent()
            tail = b""
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    buf = tail + chunk
                    cut = buf.rfind(b"<")  # a tag split across pieces is scanned with the next piece
                    cut = len(buf) if cut < 0 else cut
                    _scan_refs(buf[:cut], extent)
                    tail = buf[cut:]
                    if extent.too_big():
                        raise _refuse_extent("xlsx", sheet, extent)
                    budget.check("measuring the sheets of the .xlsx")
            _scan_refs(tail, extent)
            if extent.too_big():
                raise _refuse_extent("xlsx", sheet, extent)


# BIFF8 records that hold one cell (row, column at the start of the record) or a run of them (MULRK,
# MULBLANK: row, first column, ..., last column in the final two bytes).
_BIFF_CELL = {0x0006, 0x0203, 0x0204, 0x0205, 0x00FD, 0x027E, 0x0201, 0x00D6}
_BIFF_RUN = {0x00BD, 0x00BE}
_BIFF_BOF, _BIFF_EOF = 0x0809, 0x000A


def _check_biff_extent(data: bytes, fmt: str, budget: Budget) -> None:
    """Measure each sheet's span from the cell records of the Workbook stream of an .xls/.et."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and others on damaged files
        raise ReadError(f"corrupt .{fmt}: not a readable spreadsheet ({type(exc).__name__}: {exc})") from exc
    with ole:
        stream_name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if stream_name is None:
            raise ReadError(f"corrupt .{fmt}: no Workbook stream (not an Excel or WPS spreadsheet?)")
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)")
        stream = ole.openstream(stream_name).read()
    extent: _Extent | None = None
    sheet_no = 0
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        rtype, size = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if rtype == 0x002F and sheet_no <= 1:  # FILEPASS in the workbook globals (the first BOF)
            raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)")
        if rtype == _BIFF_BOF:
            extent = _Extent()
            sheet_no += 1
        elif rtype == _BIFF_EOF and extent is not None:
            extent = None
        elif extent is not None and size >= 4 and (rtype in _BIFF_CELL or rtype in _BIFF_RUN):
            row, col = struct.unpack_from("<HH", stream, body)
            extent.add(row, col)
            if rtype in _BIFF_RUN and size >= 6:
                extent.add(row, struct.unpack_from("<H", stream, body + size - 2)[0])
            if extent.too_big():
                raise _refuse_extent(fmt, f"#{sheet_no - 1}", extent)
        pos = body + size
        if pos & 0xFFFF == 0:
            budget.check(f"measuring the sheets of the .{fmt}")


def _cell(value: Any) -> str:
    """A cell as text, numbers as Excel shows them in General format (12.5, 300, not 300.0)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.12g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00").removesuffix("T00:00:00")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return " ".join(str(value).split())  # a cell's own line breaks would split the row line


def _open_workbook(data: bytes, fmt: str, max_inflated: int, budget: Budget) -> Any:
    if data.startswith(b"PK"):
        guard_zip(data, fmt, max_inflated, budget, required="xl/workbook.xml", kind="an Excel workbook")
        _check_xlsx_extent(data, budget)
    elif data.startswith(OLE_MAGIC):
        _check_biff_extent(data, fmt, budget)
    else:
        raise ReadError(f"corrupt .{fmt}: not an Excel or WPS spreadsheet (neither a zip nor an OLE file)")
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors: PasswordError, XmlError, ZipError, CalamineError
        name = type(exc).__name__
        if "Password" in name or "ncrypt" in str(exc):
            raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)") from exc
        raise ReadError(f"corrupt .{fmt}: {name}: {exc}") from exc


def _filled_rows(grid: Any, what: str, budget: Budget) -> tuple[list[tuple[int, list[str]]], int]:
    """The rows holding a value (with their 0-based row numbers) and the width of the widest."""
    rows: list[tuple[int, list[str]]] = []
    width = 0
    for r, values in enumerate(grid):
        if r & 0x3FFF == 0:
            budget.check(what)
        texts = [_cell(v) for v in values]
        last = max((i for i, t in enumerate(texts) if t), default=-1)
        if last >= 0:
            rows.append((r, texts))
            width = max(width, last + 1)
    return rows, width


def read_sheets(data: bytes, fmt: str, max_inflated: int, budget: Budget) -> Extracted:
    """Every sheet of an .xlsx, .xls or .et as table rows; ``fmt`` is the extension without the dot."""
    workbook = _open_workbook(data, fmt, max_inflated, budget)
    names = list(workbook.sheet_names)
    if len(names) > MAX_SHEETS:
        raise ReadError(f"refused .{fmt}: {len(names)} sheets, over {MAX_SHEETS}")
    lines: list[str] = []
    tables: list[tuple[tuple[str, ...], ...]] = []
    cells: list[tuple[int, str]] = []
    page_starts: list[int] = []
    pos = 0
    for name in names:
        what = f"reading sheet {name!r} of the .{fmt}"
        budget.check(what)
        try:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ReadError(f"corrupt .{fmt}: sheet {name!r}: {type(exc).__name__}: {exc}") from exc
        page_starts.append(pos)
        rows, width = _filled_rows(grid, what, budget)
        table: list[tuple[str, ...]] = []
        for r, texts in rows:
            row = tuple((texts + [""] * width)[:width])
            table.append(row)
            col_pos = pos
            for c, text in enumerate(row):
                if text:
                    cells.append((col_pos, f"{name}!{column_letters(c)}{r + 1}"))
                col_pos += len(text) + 1
            line = "\t".join(row).rstrip("\t")
            lines.append(line)
            pos += len(line) + 1
        if table:
            tables.append(tuple(table))
    raw = "\n".join(lines)
    if not raw.strip():
        raise ReadError(f"empty .{fmt}: no sheet holds a value")
    return Extracted(raw, tuple(tables), tuple(page_starts), tuple(cells))
