"""Word .docx reports: the zip guarded against bombs, then the body's paragraphs and tables in order."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from jixiao.errors import ReadError
from jixiao.read.containers import Deadline, Table, mib
from jixiao.read.document import ReadLimits

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
                f"refused .docx: its text body is over {mib(self.limit)} of XML (the file-size limit); "
                "a real report's is well under 10 MB"
            )
        # Start tags: every '<' that does not begin an end tag (a "</" split between two chunks counts one too many).
        self.elements += chunk.count(b"<") - chunk.count(b"</")
        if self.elements > _MAX_XML_ELEMENTS:
            raise ReadError(
                f"refused .docx: its text body has over {_MAX_XML_ELEMENTS:,} XML elements "
                "(a long real report has a few hundred thousand)"
            )


def _guard_zip(data: bytes, limits: ReadLimits, budget: Deadline) -> None:
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
                f"refused .docx: it inflates to {mib(declared)}, over the {mib(limits.max_inflated_bytes)} "
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
                                f"refused .docx: it inflates past the {mib(limits.max_inflated_bytes)} limit "
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


def read_docx(data: bytes, limits: ReadLimits) -> tuple[str, tuple[Table, ...]]:
    budget = Deadline(limits.timeout_s)
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
