"""Reading: a report file → normalised text with a map back to the source, or a ``ReadError``.

Formats are chosen by extension (.txt .md .docx .pdf, and through ``jixiao.read.formats`` .xlsx .xls .et
.doc .wps .ofd and scanned PDF pages by OCR). Every refusal is a ``ReadError`` whose ``reason``
a person can act on; hostile input (zip bombs, huge or endless PDFs, binary noise) is refused within the
limits of ``ReadLimits`` rather than crashing or hanging. The normalisation rules are documented in
``jixiao.read.normalise``.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.errors import ReadError
from jixiao.fsutil import NotRegularFile, open_regular
from jixiao.read.containers import Anchor, Extracted, Table, mib
from jixiao.read.document import Document, ReadLimits
from jixiao.read.normalise import NormalisedText, looks_traditional, normalise
from jixiao.read.text import check_text, decode, read_text

DEFAULT_LIMITS = ReadLimits()
SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls", ".et", ".doc", ".wps", ".ofd")

_OTHER = (".xlsx", ".xls", ".et", ".doc", ".wps", ".ofd")  # read by jixiao.read.formats


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: {' '.join(SUPPORTED)}")
    return suffix


def _too_large(size: int, limits: ReadLimits) -> ReadError:
    return ReadError(f"file too large: {mib(size)}, over the {mib(limits.max_bytes)} limit")


def _extract(data: bytes, suffix: str, limits: ReadLimits) -> tuple[Extracted, str | None]:
    """The raw reading of one format, and the text encoding where there is one."""
    if suffix in _OTHER:
        from jixiao.read.formats import read_other

        return read_other(data, suffix, limits), None
    if suffix in (".txt", ".md"):
        raw, encoding = read_text(data)
        return Extracted(raw), encoding
    if suffix == ".docx":
        from jixiao.read.docx import read_docx

        raw, tables = read_docx(data, limits)
        return Extracted(raw, tables), None
    from jixiao.read.pdf import read_pdf_or_scan

    return read_pdf_or_scan(data, limits), None


def read_bytes(data: bytes, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Read a report held in memory; the format comes from the extension of ``filename``."""
    suffix = _suffix(filename)
    if not data:
        raise ReadError("empty file (0 bytes)")
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits)
    extracted, encoding = _extract(data, suffix, limits)
    raw = extracted.raw
    check_text(raw, suffix.lstrip("."))
    norm = normalise(raw)
    return Document(
        format=suffix.lstrip("."),
        encoding=encoding,
        raw_text=raw,
        text=norm.text,
        tables=extracted.tables,
        page_starts=tuple(norm.from_raw(p) for p in extracted.page_starts),
        norm=norm,
        cells=tuple((norm.from_raw(p), where) for p, where in extracted.cells),
        anchors=tuple(
            Anchor(norm.from_raw(a.start), norm.from_raw(a.end), a.where, a.confidence)
            for a in extracted.anchors
        ),
    )


def read_path(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
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
    "SUPPORTED",
    "Document",
    "NormalisedText",
    "ReadLimits",
    "Table",
    "decode",
    "looks_traditional",
    "normalise",
    "read_bytes",
    "read_path",
]
