"""Reading: a report file → normalised text with a map back to the source, or a ``ReadError``.

Formats are chosen by extension (.txt .md .docx .pdf, and through ``jixiao.read.formats`` .xlsx .xls .et
.doc .wps .ofd and scanned PDF pages by OCR). Every refusal is a ``ReadError`` whose ``reason``
a person can act on; hostile input (zip bombs, huge or endless PDFs, binary noise) is refused within the
limits of ``ReadLimits`` rather than crashing or hanging. The normalisation rules are documented in
``jixiao.read.normalise``.
"""

from __future__ import annotations

import codecs
import io
import re
import time
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import ReadError
from jixiao.fsutil import NotRegularFile, open_regular
from jixiao.read.containers import Anchor
from jixiao.read.normalise import NormalisedText, _opencc, looks_traditional, normalise
from jixiao.read.pdf_tables import is_page_number, rows_by_position

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls", ".et", ".doc", ".wps", ".ofd")
Table = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 50 * 1024**2
    max_inflated_bytes: int = 200 * 1024**2  # docx zip-bomb guard
    max_pdf_pages: int = 300
    timeout_s: float = 30.0  # per-file budget, checked between pages, body elements and zip chunks


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


class _Budget:
    def __init__(self, limits: ReadLimits) -> None:
        self.deadline = time.monotonic() + limits.timeout_s
        self.timeout = limits.timeout_s

    def check(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(f"took longer than the {self.timeout:g} s budget ({what})")


def _mib(n: float) -> str:
    return f"{n / 1024**2:.1f} MB"


# ---------------------------------------------------------------------------------------------- text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOM, then strict UTF-8, then GB18030, then charset-normalizer as a last resort.

    charset-normalizer labels short GBK text as big5 or cp949, so it is never asked first. Three refinements:
    UTF-16 without a BOM is recognised by its NUL bytes all falling in one byte lane, and UTF-8 with a few
    bad bytes (a file cut mid-character) stays UTF-8 with U+FFFD in their place, because GB18030 would
    decode it without error into nonsense; and bytes that GB18030 decodes only into rare characters (Big5
    text, binary noise) go on to charset-normalizer.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _nearly(data[len(bom) :], enc.removesuffix("-sig"))
            if text is None:
                raise ReadError(
                    f"not text: the {enc} byte-order mark is followed by bytes that are not {enc}"
                )
            return text, enc
    if b"\x00" in data[:4096]:
        return _decode_utf16_without_bom(data)
    text = _nearly(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates: list[tuple[str, str]] = []
    try:
        text = data.decode("gb18030")
        if not _mostly_rare(text):
            return text, "gb18030"
        candidates.append((text, "gb18030"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        candidates.append((str(best), str(best.encoding)))
    if not candidates:
        raise ReadError("not text: no known encoding decodes it (tried UTF-8, GB18030 and detection)")
    # Traditional Chinese is rare in GB2312 too: judge each reading after t2s.
    for text, enc in candidates:
        if not _mostly_rare(str(_opencc().convert(text[:4000]))):
            return text, enc
    raise ReadError(
        f"not text: decodes ({', '.join(enc for _, enc in candidates)}) only into rare characters "
        "(binary data or an unknown encoding)"
    )


def _mostly_rare(text: str) -> bool:
    """True when GB18030 "decoded" bytes that are not GB text (Big5, binary): real reports use the common
    characters of GB2312 almost exclusively, while misread bytes land all over the larger code space."""
    sample = text[:4000]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    rare = sample.encode("gb2312", "replace").count(b"?") - sample.count("?")
    return rare > 0.1 * non_ascii


def _nearly(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly, or with a few bad bytes replaced (one per 2000 characters); else None."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, "replace")
    bad = text.count("\ufffd")
    truncated = bad == 1 and text.endswith("\ufffd")
    return text if truncated or bad <= len(text) // 2000 else None


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    if len(data) % 2 == 0:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        # ASCII in UTF-16 puts its NUL in the high byte; Chinese rarely has a NUL byte at all. Binary data
        # has NULs in both lanes alike.
        for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if high >= 10 * max(1, low) and (text := _nearly(data, enc)) is not None:
                return text, enc
    raise ReadError("not text: binary data (NUL bytes) in a text file")


_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")
_CID = re.compile(r"\(cid:\d+\)")


def _check_text(text: str, what: str) -> None:
    if not text or text.isspace():
        raise ReadError(f"empty {what}: no text")
    sample = text[:20000]
    bad = len(_BAD_CHARS.findall(sample))
    if bad > 0.05 * len(sample):
        raise ReadError(
            f"not text: {bad / len(sample):.0%} of the characters are control or replacement characters "
            f"({what}, wrong encoding or binary data)"
        )
    cjk = 0
    for run in _CJK_RUN.finditer(sample):
        cjk += run.end() - run.start()
        if cjk >= 20:
            return
    raise ReadError(f"not a Chinese report: only {cjk} Chinese characters ({what})")


def _read_text(data: bytes) -> tuple[str, str]:
    text, enc = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, enc


# ---------------------------------------------------------------------------------------------- docx

_MAX_ZIP_MEMBERS = 10_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_MAX_XML_ELEMENTS = (
    500_000  # a long real report has a few hundred thousand; python-docx reads ~10,000 a second
)


class _BodyScan:
    """Measures the body's XML while it is inflated, so that a body too large or too dense for the full
    parse is refused before that parse starts (the full parse of 190 MB of XML took 30 s and 3 GB): at
    most ``max_bytes`` of XML and ``_MAX_XML_ELEMENTS`` start tags. Counting tags in the raw bytes costs
    about a millisecond per MB and keeps nothing, so memory stays bounded by the chunk size."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limit = limits.max_bytes
        self.size = 0
        self.elements = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise ReadError(
                f"refused .docx: its text body is over {_mib(self.limit)} of XML (the file-size limit); "
                "a real report's is well under 10 MB"
            )
        # Start tags: every '<' that does not begin an end tag (a "</" split between two chunks counts one too many).
        self.elements += chunk.count(b"<") - chunk.count(b"</")
        if self.elements > _MAX_XML_ELEMENTS:
            raise ReadError(
                f"refused .docx: its text body has over {_MAX_XML_ELEMENTS:,} XML elements "
                "(a long real report has a few hundred thousand)"
            )


def _guard_zip(data: bytes, limits: ReadLimits, budget: _Budget) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError("corrupt .docx: not a zip archive (damaged, truncated or not a Word file)") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > _MAX_ZIP_MEMBERS:
            raise ReadError(f"refused .docx: {len(infos)} parts in the archive, over {_MAX_ZIP_MEMBERS}")
        if "word/document.xml" not in {i.filename for i in infos}:
            raise ReadError("corrupt .docx: word/document.xml is missing (not a Word document?)")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_inflated_bytes:
            raise ReadError(
                f"refused .docx: it inflates to {_mib(declared)}, over the {_mib(limits.max_inflated_bytes)} "
                "limit (zip bomb?)"
            )
        # The directory can lie about sizes: inflate in chunks, count, and stop at the limit.
        total = 0
        for info in infos:
            body = _BodyScan(limits) if info.filename == "word/document.xml" else None
            try:
                with zf.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > limits.max_inflated_bytes:
                            raise ReadError(
                                f"refused .docx: it inflates past the {_mib(limits.max_inflated_bytes)} limit "
                                "(zip bomb?)"
                            )
                        if body is not None:
                            body.feed(chunk)
                        budget.check("inflating the .docx")
            except ReadError:
                raise
            except Exception as exc:  # zipfile raises many kinds on damaged data
                raise ReadError(
                    f"corrupt .docx: {info.filename} cannot be inflated ({type(exc).__name__}: {exc})"
                ) from exc


def _block_items(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in document order, looking inside content controls."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag in (_W + "p", _W + "tbl"):
            yield child
        elif tag == _W + "sdt":
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _block_items(content)
        elif tag == _W + "customXml":
            yield from _block_items(child)


def _cell_text(cell: Any) -> str:
    # A cell's own line breaks and tabs would split the row line the parser reads.
    return " ".join(str(cell.text).split())


def _read_docx(data: bytes, limits: ReadLimits) -> tuple[str, tuple[Table, ...]]:
    budget = _Budget(limits)
    _guard_zip(data, limits, budget)
    try:
        from docx.oxml import parse_xml
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph

        # Only the body is needed: parsing word/document.xml alone skips styles, numbering and the rest of
        # the package, 1.6 ms instead of 6.7 ms for a typical report.
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            root = parse_xml(package.read("word/document.xml"))
        document: Any = None  # text and cells need no document part
        lines: list[str] = []
        tables: list[Table] = []
        for element in _block_items(root.body):
            budget.check("reading the .docx body")
            if element.tag == _W + "p":
                lines.append(Paragraph(element, document).text)
                continue
            rows: list[tuple[str, ...]] = []
            for row in DocxTable(element, document).rows:
                budget.check("reading a .docx table")
                cells: list[str] = []
                previous: Any = None
                for cell in row.cells:
                    # python-docx repeats a horizontally merged cell once per grid column; keep one.
                    if cell._tc is previous:
                        continue
                    previous = cell._tc
                    cells.append(_cell_text(cell))
                rows.append(tuple(cells))
                if any(cells):
                    lines.append("\t".join(cells))
            tables.append(tuple(rows))
    except ReadError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged documents
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    return "\n".join(lines), tuple(tables)


# ---------------------------------------------------------------------------------------------- pdf


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


def _pdfium_chars(page: Any) -> list[dict[str, Any]]:
    """The page's characters in pdfplumber's shape (x0, x1, top from the page's top edge), from PDFium."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
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
    finally:
        textpage.close()


def _has_paths(page: Any) -> bool:
    """Whether the page draws any line or box: without one there is no ruled table for pdfplumber to find."""
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)), None) is not None


def _read_pdf_pdfium(
    data: bytes, limits: ReadLimits, budget: _Budget
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
    borderless: dict[int, Table] = {}
    ruled_pages: list[int] = []
    try:
        n = len(doc)
        if n > limits.max_pdf_pages:
            raise ReadError(f"refused .pdf: {n} pages, over the {limits.max_pdf_pages}-page limit")
        texts: list[str] = []
        for i in range(n):
            budget.check(f"reading page {i + 1} of {n} of the .pdf")
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(
                _without_page_numbers(textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n"))
            )
            textpage.close()
            page.close()
        chars: dict[int, list[dict[str, Any]]] = {}
        for i in (i for i, t in enumerate(texts) if _TABLE_HINT.search(t)):
            budget.check(f"reading tables on page {i + 1} of the .pdf")
            if _has_paths(doc[i]):
                ruled_pages.append(i)
            for k in range(i, min(i + _TABLE_PAGES, n)):
                if k not in chars:
                    chars[k] = _pdfium_chars(doc[k])
            rows = rows_by_position([chars[k] for k in range(i, min(i + _TABLE_PAGES, n))])
            if rows:
                borderless[i] = rows
    except ReadError:
        raise
    except Exception:
        return None
    finally:
        doc.close()
    raw = _pdf_text(texts)
    ruled: dict[int, list[Table]] = {}
    if ruled_pages:
        try:
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for i in ruled_pages:
                    budget.check(f"reading ruled tables on page {i + 1} of the .pdf")
                    ruled[i] = _ruled_tables(pdf.pages[i])
        except ReadError:
            raise
        except Exception:  # tables are a bonus to the text; a table that will not parse loses only itself
            pass
    tables: list[Table] = []
    for i in sorted({*ruled, *borderless}):
        tables.extend(ruled.get(i) or ([borderless[i]] if i in borderless else []))
    return raw, tuple(tables), _page_starts(texts)


def _read_pdf(data: bytes, limits: ReadLimits) -> tuple[str, tuple[Table, ...], tuple[int, ...]]:
    budget = _Budget(limits)
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


# ---------------------------------------------------------------------------------------------- entry points


_OTHER = (".xlsx", ".xls", ".et", ".doc", ".wps", ".ofd")  # read by jixiao.read.formats


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: {' '.join(SUPPORTED)}")
    return suffix


def _too_large(size: int, limits: ReadLimits) -> ReadError:
    return ReadError(f"file too large: {_mib(size)}, over the {_mib(limits.max_bytes)} limit")


def read_bytes(data: bytes, filename: str, limits: ReadLimits = ReadLimits()) -> Document:
    """Read a report held in memory; the format comes from the extension of ``filename``."""
    suffix = _suffix(filename)
    if not data:
        raise ReadError("empty file (0 bytes)")
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits)
    tables: tuple[Table, ...] = ()
    page_starts: tuple[int, ...] = ()
    encoding: str | None = None
    extracted = None
    if suffix in _OTHER:
        from jixiao.read.formats import read_other

        extracted = read_other(data, suffix, limits)
        raw, tables, page_starts = extracted.raw, extracted.tables, extracted.page_starts
    elif suffix in (".txt", ".md"):
        raw, encoding = _read_text(data)
    elif suffix == ".docx":
        raw, tables = _read_docx(data, limits)
    else:
        try:
            raw, tables, page_starts = _read_pdf(data, limits)
        except ReadError as exc:
            if not exc.reason.startswith("scanned PDF"):
                raise
            from jixiao.read.ocr import read_scanned_pdf

            extracted = read_scanned_pdf(data, limits, None)
            raw, tables, page_starts = extracted.raw, extracted.tables, extracted.page_starts
        else:
            from jixiao.read.ocr import blank_pages, read_scanned_pdf

            if blank := blank_pages(raw, page_starts):  # a mixed PDF: OCR only the pages without text
                extracted = read_scanned_pdf(data, limits, (raw, page_starts, blank))
                raw, page_starts = extracted.raw, extracted.page_starts
    _check_text(raw, suffix.lstrip("."))
    norm = normalise(raw)
    if page_starts:
        page_starts = tuple(norm.from_raw(p) for p in page_starts)
    cells: tuple[tuple[int, str], ...] = ()
    anchors: tuple[Anchor, ...] = ()
    if extracted is not None:
        cells = tuple((norm.from_raw(p), where) for p, where in extracted.cells)
        anchors = tuple(
            Anchor(norm.from_raw(a.start), norm.from_raw(a.end), a.where, a.confidence)
            for a in extracted.anchors
        )
    return Document(
        format=suffix.lstrip("."),
        encoding=encoding,
        raw_text=raw,
        text=norm.text,
        tables=tables,
        page_starts=page_starts,
        norm=norm,
        cells=cells,
        anchors=anchors,
    )


def read_path(path: Path, limits: ReadLimits = ReadLimits()) -> Document:
    """Read a report file; the size is checked before a byte is read."""
    _suffix(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    if size > limits.max_bytes:
        raise _too_large(size, limits)
    try:
        # Only a regular file is opened, and never in a way that blocks (a FIFO is refused).
        with open_regular(path) as f:
            # Read at most one byte past the limit: the file may have grown since stat().
            data = f.read(limits.max_bytes + 1)
    except NotRegularFile as exc:
        raise ReadError(f"cannot read: {exc}") from exc
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    return read_bytes(data, path.name, limits)


__all__ = [
    "Document",
    "NormalisedText",
    "ReadLimits",
    "decode",
    "looks_traditional",
    "normalise",
    "read_bytes",
    "read_path",
]
