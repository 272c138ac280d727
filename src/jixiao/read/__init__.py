"""Reading: a report file → normalised text with a map back to the source, or a ``ReadError``."""

from __future__ import annotations

import codecs
import io
import time
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import ReadError
from jixiao.read.normalise import NormalisedText, looks_traditional, normalise

SUPPORTED = (".txt", ".md", ".docx", ".pdf")
_CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t", "\f"}


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 50 * 1024**2
    max_inflated_bytes: int = 200 * 1024**2
    max_pdf_pages: int = 300
    timeout_s: float = 30.0


@dataclass(frozen=True)
class Document:
    format: str
    encoding: str | None
    raw_text: str
    text: str
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    page_starts: tuple[int, ...] = ()
    norm: NormalisedText | None = field(default=None, repr=False, compare=False)

    def to_raw(self, offset: int) -> int:
        return self.norm.to_raw(offset) if self.norm is not None else offset

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset)


# ---------------------------------------------------------------------------------------------- text


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOM, then strict UTF-8, then GB18030, then charset-normalizer as a last resort.

    charset-normalizer alone labels short GBK text as big5 or cp949, so it is never asked first.
    """
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                name = (
                    enc if enc != "utf-16" else ("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be")
                )
                return data.decode(enc), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"corrupt {enc} text: {exc.reason} at byte {exc.start}") from exc
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("not text: no known encoding decodes it (tried UTF-8, GB18030 and detection)")
    return str(best), str(best.encoding)


def _check_text(text: str, what: str) -> None:
    if not text.strip():
        raise ReadError(f"empty {what}: no text")
    sample = text[:20000]
    bad = sum(1 for ch in sample if ch in _CONTROL or ch == "\ufffd")
    if bad / len(sample) > 0.05:
        raise ReadError(f"not text: {bad / len(sample):.0%} control or replacement characters ({what})")
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if cjk < 20:
        raise ReadError(f"not a Chinese report: only {cjk} Chinese characters ({what})")


def _read_text(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("not text: binary data (NUL bytes) in a text file")
    text, enc = decode(data)
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


# ---------------------------------------------------------------------------------------------- docx


class _Budget:
    def __init__(self, limits: ReadLimits) -> None:
        self.deadline = time.monotonic() + limits.timeout_s
        self.timeout = limits.timeout_s

    def check(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(f"took longer than the {self.timeout:.0f} s budget reading {what}")


def _guard_zip(data: bytes, limits: ReadLimits) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError("corrupt .docx: not a zip archive (damaged, truncated or not a Word file)") from exc
    with zf:
        if "word/document.xml" not in zf.namelist():
            raise ReadError("corrupt .docx: word/document.xml is missing")
        declared = sum(i.file_size for i in zf.infolist())
        if declared > limits.max_inflated_bytes:
            raise ReadError(
                f"refused .docx: it inflates to {declared / 1024**2:.0f} MB, over the "
                f"{limits.max_inflated_bytes / 1024**2:.0f} MB limit (zip bomb?)"
            )
        # The directory can lie about sizes: inflate in chunks and stop at the limit.
        total = 0
        for info in zf.infolist():
            try:
                with zf.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > limits.max_inflated_bytes:
                            raise ReadError(
                                f"refused .docx: it inflates past the {limits.max_inflated_bytes / 1024**2:.0f} MB limit "
                                "(zip bomb?)"
                            )
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise ReadError(f"corrupt .docx: {info.filename} cannot be inflated ({exc})") from exc


def _read_docx(data: bytes, limits: ReadLimits) -> tuple[str, tuple[tuple[tuple[str, ...], ...], ...]]:
    _guard_zip(data, limits)
    budget = _Budget(limits)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    tables: list[tuple[tuple[str, ...], ...]] = []
    body = document.element.body
    for child in body.iterchildren():
        budget.check(".docx")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            rows: list[tuple[str, ...]] = []
            for row in Table(child, document).rows:
                cells: list[str] = []
                prev: Any = None
                for cell in row.cells:
                    # Merged cells come back once per grid column; keep one.
                    if cell._tc is prev:
                        continue
                    prev = cell._tc
                    cells.append(cell.text.replace("\n", " ").strip())
                rows.append(tuple(cells))
                lines.append("\t".join(cells))
            tables.append(tuple(rows))
    return "\n".join(lines), tuple(tables)


# ---------------------------------------------------------------------------------------------- pdf


def _read_pdf(
    data: bytes, limits: ReadLimits
) -> tuple[str, tuple[tuple[tuple[str, ...], ...], ...], tuple[int, ...]]:
    budget = _Budget(limits)
    try:
        import pdfplumber

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(f"corrupt .pdf: {type(exc).__name__}: {exc}") from exc
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise ReadError(f"corrupt .pdf: {type(exc).__name__}: {exc}") from exc
        if len(pages) > limits.max_pdf_pages:
            raise ReadError(f"refused .pdf: {len(pages)} pages, over the {limits.max_pdf_pages}-page limit")
        texts: list[str] = []
        tables: list[tuple[tuple[str, ...], ...]] = []
        for i, page in enumerate(pages, 1):
            budget.check(f"page {i} of the .pdf")
            try:
                texts.append(page.extract_text() or "")
                for found in page.extract_tables():
                    tables.append(tuple(tuple((c or "").replace("\n", "") for c in row) for row in found))
            except Exception as exc:
                raise ReadError(f"corrupt .pdf: page {i}: {type(exc).__name__}: {exc}") from exc
    if not any(t.strip() for t in texts):
        raise ReadError("scanned PDF: no text layer")
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return "\n".join(texts), tuple(tables), tuple(starts)


# ---------------------------------------------------------------------------------------------- entry points


def read_bytes(data: bytes, filename: str, limits: ReadLimits = ReadLimits()) -> Document:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: {' '.join(SUPPORTED)}")
    if not data:
        raise ReadError("empty file (0 bytes)")
    if len(data) > limits.max_bytes:
        raise ReadError(
            f"file too large: {len(data) / 1024**2:.1f} MB, over the {limits.max_bytes / 1024**2:.0f} MB limit"
        )
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    page_starts: tuple[int, ...] = ()
    encoding: str | None = None
    if suffix in (".txt", ".md"):
        raw, encoding = _read_text(data)
    elif suffix == ".docx":
        raw, tables = _read_docx(data, limits)
    else:
        raw, tables, page_starts = _read_pdf(data, limits)
    _check_text(raw, suffix.lstrip("."))
    norm = normalise(raw)
    if page_starts:
        # Page starts are raw offsets; express them in the normalised text.
        page_starts = tuple(_norm_offset(norm, p) for p in page_starts)
    return Document(
        format=suffix.lstrip("."),
        encoding=encoding,
        raw_text=raw,
        text=norm.text,
        tables=tables,
        page_starts=page_starts,
        norm=norm,
    )


def _norm_offset(norm: NormalisedText, raw_offset: int) -> int:
    lo, hi = 0, len(norm.text)
    while lo < hi:
        mid = (lo + hi) // 2
        if norm.to_raw(mid) < raw_offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def read_path(path: Path, limits: ReadLimits = ReadLimits()) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: {' '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror}") from exc
    if size > limits.max_bytes:
        raise ReadError(
            f"file too large: {size / 1024**2:.1f} MB, over the {limits.max_bytes / 1024**2:.0f} MB limit"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror}") from exc
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
