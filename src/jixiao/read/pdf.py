"""PDF reports with a text layer: PDFium for the text (pdfplumber where PDFium cannot open the file, for
its error messages), ruled tables by pdfplumber, borderless ones rebuilt from character positions."""

from __future__ import annotations

import io
import re
from typing import Any

from jixiao.errors import OcrDeferred, ReadError
from jixiao.read.containers import Deadline, Extracted, Table
from jixiao.read.document import ReadLimits
from jixiao.read.pdf_tables import is_page_number, rows_by_position

_CID = re.compile(r"\(cid:\d+\)")


def _pdf_error(exc: Exception, where: str = "") -> ReadError:
    # pdfplumber wraps pdfminer's errors: the wrapped one (in args) names the actual problem.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return ReadError("refused .pdf: it is encrypted (password-protected)")
    detail = str(inner) or "damaged or truncated"
    return ReadError(f"corrupt .pdf{where}: {name}: {detail}")


def _declared_page_count(pdf: Any) -> int | None:
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return count if isinstance(count, int) else None
    except Exception:  # a broken page tree is reported by the page walk that follows
        return None


def _pdf_text(texts: list[str]) -> str:
    """Pages joined into one text, refusing PDFs whose text layer is missing or unreadable."""
    if not any(t.strip() for t in texts):
        raise ReadError("scanned PDF: no text layer")
    raw = "\n".join(texts)
    cids = len(_CID.findall(raw, 0, 20000))
    if cids > 20 and cids * 8 > len(raw[:20000]):
        raise ReadError("PDF text cannot be extracted: its fonts have no character map (shows as cid codes)")
    return raw


def _without_page_numbers(text: str) -> str:
    """A page's text without the page number in its bottom or top margin (and the blank lines around it)."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if filled and is_page_number(lines[filled[-1]]):
        lines = lines[: filled[-1]]
        while lines and not lines[-1].strip():
            lines.pop()
    if filled and filled[0] < len(lines) and is_page_number(lines[filled[0]]):
        lines = lines[filled[0] + 1 :]
        while lines and not lines[0].strip():
            lines.pop(0)
    return "\n".join(lines)


def _page_starts(texts: list[str]) -> tuple[int, ...]:
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return tuple(starts)


_TABLE_HINT = re.compile(r"序号|项目名称|明细表|得分表|资金情况|自评表")


_TABLE_PAGES = 3  # a borderless table is followed this many pages at most


def _ruled_tables(page: Any) -> list[Table]:
    """pdfplumber's tables found by their ruling lines, cells' own line breaks removed."""
    return [
        tuple(tuple((c or "").replace("\n", "") for c in row) for row in t) for t in page.extract_tables()
    ]


def _pdfium_chars(textpage: Any, height: float) -> list[dict[str, Any]]:
    """The page's characters in pdfplumber's shape (x0, x1, top from the page's top edge), from PDFium."""
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # characters outside the BMP: index by index
        text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(n))
    out: list[dict[str, Any]] = []
    for i, ch in enumerate(text):
        if ch.strip():
            left, _, right, top = textpage.get_charbox(i, loose=True)
            out.append({"text": ch, "x0": left, "x1": right, "top": height - top})
    return out


def _has_paths(page: Any) -> bool:
    """Whether the page draws any line or box: without one there is no ruled table for pdfplumber to find."""
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)), None) is not None


class _Pages:
    """One pass over the pages: each text, and the character boxes of the pages a table may span (a page
    that hints at a table and the ``_TABLE_PAGES - 1`` after it), read from the same loaded page and text
    page: loading a page and its text page again for the boxes cost a tenth of a PDF's read."""

    def __init__(self, doc: Any, limits: ReadLimits, budget: Deadline) -> None:
        n = len(doc)
        if n > limits.max_pdf_pages:
            raise ReadError(f"refused .pdf: {n} pages, over the {limits.max_pdf_pages}-page limit")
        self.n = n
        self.texts: list[str] = []
        self.hinted: list[int] = []
        self.ruled: list[int] = []  # hinted pages that draw lines (where pdfplumber may find a ruled table)
        self.chars: dict[int, list[dict[str, Any]]] = {}
        for i in range(n):
            budget.check(f"reading page {i + 1} of {n} of the .pdf")
            page = doc[i]
            textpage = page.get_textpage()
            try:
                self._read(i, page, textpage, budget)
            finally:
                textpage.close()
                page.close()

    def _read(self, i: int, page: Any, textpage: Any, budget: Deadline) -> None:
        text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
        self.texts.append(_without_page_numbers(text))
        if _TABLE_HINT.search(self.texts[-1]):
            budget.check(f"reading tables on page {i + 1} of the .pdf")
            self.hinted.append(i)
            if _has_paths(page):
                self.ruled.append(i)
        if self.hinted and i - self.hinted[-1] < _TABLE_PAGES:
            self.chars[i] = _pdfium_chars(textpage, page.get_height())

    def borderless(self) -> dict[int, Table]:
        """Borderless tables rebuilt from the character boxes, by the page that hints at each."""
        out: dict[int, Table] = {}
        for i in self.hinted:
            rows = rows_by_position([self.chars[k] for k in range(i, min(i + _TABLE_PAGES, self.n))])
            if rows:
                out[i] = rows
        return out


def _plumber_ruled(data: bytes, pages: list[int], budget: Deadline) -> dict[int, list[Table]]:
    ruled: dict[int, list[Table]] = {}
    if not pages:
        return ruled
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in pages:
                budget.check(f"reading ruled tables on page {i + 1} of the .pdf")
                ruled[i] = _ruled_tables(pdf.pages[i])
    except ReadError:
        raise
    except Exception:  # tables are a bonus to the text; a table that will not parse loses only itself
        pass
    return ruled


def _read_pdf_pdfium(
    data: bytes, limits: ReadLimits, budget: Deadline
) -> tuple[str, tuple[Table, ...], tuple[int, ...]] | None:
    """Text through PDFium (about twice as fast as pdfminer); tables where a page hints at one.

    A borderless table is rebuilt from PDFium's character boxes; pdfplumber (pdfminer, much slower) is
    opened only for pages that draw lines, where a ruled table can be. Returns None when PDFium cannot open
    the file, so pdfplumber's reading (and its error messages) decide.
    """
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
    except Exception:  # damaged or encrypted: the pdfplumber path gives the readable reason
        return None
    try:
        pages = _Pages(doc, limits, budget)
        texts, ruled_pages, borderless = pages.texts, pages.ruled, pages.borderless()
    except ReadError:
        raise
    except Exception:
        return None
    finally:
        doc.close()
    raw = _pdf_text(texts)
    ruled = _plumber_ruled(data, ruled_pages, budget)
    tables: list[Table] = []
    for i in sorted({*ruled, *borderless}):
        tables.extend(ruled.get(i) or ([borderless[i]] if i in borderless else []))
    return raw, tuple(tables), _page_starts(texts)


def read_pdf(data: bytes, limits: ReadLimits) -> tuple[str, tuple[Table, ...], tuple[int, ...]]:
    budget = Deadline(limits.timeout_s)
    fast = _read_pdf_pdfium(data, limits, budget)
    if fast is not None:
        return fast
    try:
        import pdfplumber

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise _pdf_error(exc) from exc
    too_many = f"refused .pdf: {{}} pages, over the {limits.max_pdf_pages}-page limit"
    with pdf:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > limits.max_pdf_pages:
            raise ReadError(too_many.format(declared))
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _pdf_error(exc) from exc
        if len(pages) > limits.max_pdf_pages:
            raise ReadError(too_many.format(len(pages)))
        texts: list[str] = []
        tables: list[Table] = []
        for i, page in enumerate(pages, 1):
            budget.check(f"reading page {i} of {len(pages)} of the .pdf")
            try:
                texts.append(_without_page_numbers(page.extract_text() or ""))
                found = _ruled_tables(page)
                if not found and _TABLE_HINT.search(texts[-1]):
                    rows = rows_by_position([page.chars])
                    found = [rows] if rows else []
                tables.extend(found)
                page.close()  # frees the page's parsed objects: memory stays per page
            except Exception as exc:
                raise _pdf_error(exc, f": page {i}") from exc
    raw = _pdf_text(texts)
    return raw, tuple(tables), _page_starts(texts)


def read_pdf_or_scan(data: bytes, limits: ReadLimits) -> Extracted:
    """A PDF's text layer; pages without one are recognised by OCR (``jixiao.read.ocr``): every page of a
    scanned PDF, only the blank pages of a mixed one."""
    from jixiao.read.ocr import blank_pages, read_scanned_pdf

    try:
        raw, tables, page_starts = read_pdf(data, limits)
    except ReadError as exc:
        if not exc.reason.startswith("scanned PDF"):
            raise
        if not limits.ocr:
            raise OcrDeferred("scanned PDF: no text layer; left for the OCR pool") from exc
        return read_scanned_pdf(data, limits, None)
    if blank := blank_pages(raw, page_starts):  # a mixed PDF: OCR only the pages without text
        if not limits.ocr:
            raise OcrDeferred(f"mixed PDF: {len(blank)} page(s) without a text layer; left for the OCR pool")
        scanned = read_scanned_pdf(data, limits, (raw, page_starts, blank))
        return Extracted(scanned.raw, tables, scanned.page_starts, (), scanned.anchors)
    return Extracted(raw, tables, page_starts)
