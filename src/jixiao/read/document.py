"""What every reader returns and the limits it reads under: ``Document`` and ``ReadLimits``."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from jixiao.read.containers import Anchor, Table
from jixiao.read.normalise import NormalisedText


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 50 * 1024**2
    max_inflated_bytes: int = 200 * 1024**2  # docx zip-bomb guard
    max_pdf_pages: int = 300
    timeout_s: float = 30.0  # per-file budget, checked between pages, body elements and zip chunks
    ocr: bool = True  # False: a page that needs OCR raises ``OcrDeferred`` (the pipeline's OCR pool reads it)
    ocr_page_s: float = 60.0  # OCR's own budget per scanned page, on top of the file's


@dataclass(frozen=True)
class Document:
    format: str  # "txt" | "md" | "docx" | "pdf"
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "gb18030", …; None for docx/pdf
    raw_text: str  # as decoded/extracted (line ends already LF), before normalisation
    text: str  # normalised: what the parser reads
    tables: tuple[Table, ...] = ()  # docx/pdf tables as rows of cells
    page_starts: tuple[int, ...] = ()  # offsets in ``text`` where each PDF page starts
    norm: NormalisedText | None = field(default=None, repr=False, compare=False)
    cells: tuple[tuple[int, str], ...] = ()  # spreadsheets: (offset in ``text``, "Sheet!B7"), sorted
    anchors: tuple[Anchor, ...] = ()  # OCR lines: offsets in ``text`` with the engine's confidence

    def to_raw(self, offset: int) -> int:
        """Offset in ``raw_text`` of the character that became ``text[offset]``."""
        return self.norm.to_raw(offset) if self.norm is not None else offset

    def page_of(self, offset: int) -> int | None:
        """1-based PDF page holding ``text[offset]``; None for formats without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))

    def cell_of(self, offset: int) -> str | None:
        """Spreadsheets: the address ("Sheet!B7") of the cell holding ``text[offset]``; else None."""
        i = bisect_right(self.cells, (offset, "\uffff")) - 1
        return self.cells[i][1] if i >= 0 else None

    def confidence(self, start: int, end: int) -> float | None:
        """Lowest OCR confidence over ``text[start:end]``; None where the text was not recognised by OCR."""
        scores = [
            a.confidence for a in self.anchors if a.confidence is not None and a.start < end and start < a.end
        ]
        return min(scores) if scores else None
