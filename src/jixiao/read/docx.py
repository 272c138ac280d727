"""Word .docx reports: the zip guarded against bombs, then the body's paragraphs and tables in order."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from jixiao.errors import ReadError
from jixiao.read.containers import Deadline, Table, mib
from jixiao.read.document import ReadLimits
from jixiao.read.docx_body import P, block_items, read_body

_MAX_ZIP_MEMBERS = 10_000
_BODY_PART = "word/document.xml"
_CHUNK = 1 << 20
_PIECE = 64 << 10
_DIRECT_MAX = 8 << 20  # members up to this are inflated directly (and the body kept whole); larger by zipfile
# The local file header up to the name: signature, version (2 bytes), flags, method, time, date, CRC,
# sizes, name and extra-field lengths (zipfile.structFileHeader).
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
_MASK_UTF8_NAME = 0x800
_MASK_NOT_PLAIN = 0x1 | 0x20 | 0x40  # encrypted, compressed patch, strong encryption: zipfile decides


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


def _local_data_start(data: bytes, info: zipfile.ZipInfo) -> int | None:
    """Where the member's compressed bytes start, after its local header checked as zipfile.open() checks it
    (signature, the same name as the directory's, no encryption or patch data); None if anything is off."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & _MASK_NOT_PLAIN:
        return None
    offset = info.header_offset
    try:
        magic, flags, name_size, extra_size = _LOCAL_HEADER.unpack_from(data, offset)
        name = data[offset + _LOCAL_HEADER.size : offset + _LOCAL_HEADER.size + name_size]
        name_str = name.decode("utf-8" if flags & _MASK_UTF8_NAME else "cp437")
    except (struct.error, UnicodeDecodeError):
        return None
    start: int = offset + _LOCAL_HEADER.size + name_size + extra_size
    end_offset = getattr(info, "_end_offset", None)  # newer zipfile refuses overlapped members
    if magic != b"PK\x03\x04" or len(name) != name_size or name_str != info.orig_filename:
        return None
    if end_offset is not None and start + info.compress_size > end_offset:
        return None
    return start


def _inflated_direct(data: bytes, info: zipfile.ZipInfo, keep: bool) -> bytes | None:
    """A deflated member inflated straight from the archive's bytes, in 64 KiB pieces checksummed and (unless
    ``keep``) dropped while still in the CPU cache: the guard takes 0.8 ms a report this way, 1.4 through
    zipfile. Only when it is provably what zipfile would read without error (its local header, the stream
    ending exactly at the declared size, the declared CRC); None otherwise, and zipfile reads it and names
    the damage."""
    start = _local_data_start(data, info) if info.file_size <= _DIRECT_MAX else None
    if start is None:
        return None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending: bytes | memoryview = memoryview(data)[start : start + info.compress_size]
    size, crc, kept = 0, 0, []
    try:
        while not inflater.eof and size <= info.file_size:
            piece = inflater.decompress(pending, _PIECE)
            if not piece:
                break
            size += len(piece)
            crc = zlib.crc32(piece, crc)
            if keep:
                kept.append(piece)
            pending = inflater.unconsumed_tail
    except zlib.error:
        return None
    if not inflater.eof or size != info.file_size or crc != info.CRC:
        return None
    return b"".join(kept)


def _member_chunks(
    zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, keep: bool
) -> Iterator[tuple[int, bytes]]:
    """(bytes inflated, the bytes if ``keep``) in the 1 MiB chunks zipfile's reads give: the body scan counts
    per chunk."""
    direct = _inflated_direct(data, info, keep)
    if direct is not None and not keep:
        yield info.file_size, b""
    elif direct is not None:
        for at in range(0, len(direct), _CHUNK):
            yield min(_CHUNK, len(direct) - at), direct[at : at + _CHUNK]
    else:
        with zf.open(info) as f:
            while chunk := f.read(_CHUNK):
                yield len(chunk), chunk


def _guard_zip(data: bytes, limits: ReadLimits, budget: Deadline) -> bytes:
    """Refuses a damaged or bomb-like archive, and returns word/document.xml as inflated on the way (the only
    part read), so the archive is opened and inflated once."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError("corrupt .docx: not a zip archive (damaged, truncated or not a Word file)") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > _MAX_ZIP_MEMBERS:
            raise ReadError(f"refused .docx: {len(infos)} parts in the archive, over {_MAX_ZIP_MEMBERS}")
        if _BODY_PART not in {i.filename for i in infos}:
            raise ReadError("corrupt .docx: word/document.xml is missing (not a Word document?)")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_inflated_bytes:
            raise ReadError(
                f"refused .docx: it inflates to {mib(declared)}, over the {mib(limits.max_inflated_bytes)} "
                "limit (zip bomb?)"
            )
        # The directory can lie about sizes: inflate in chunks, count, and stop at the limit.
        total = 0
        body_xml = b""
        for info in infos:
            body = _BodyScan(limits) if info.filename == _BODY_PART else None
            chunks: list[bytes] = []
            try:
                for size, chunk in _member_chunks(zf, data, info, keep=body is not None):
                    total += size
                    if total > limits.max_inflated_bytes:
                        raise ReadError(
                            f"refused .docx: it inflates past the {mib(limits.max_inflated_bytes)} limit "
                            "(zip bomb?)"
                        )
                    if body is not None:
                        body.feed(chunk)
                        chunks.append(chunk)
                    budget.check("inflating the .docx")
            except ReadError:
                raise
            except Exception as exc:  # zipfile raises many kinds on damaged data
                raise ReadError(
                    f"corrupt .docx: {info.filename} cannot be inflated ({type(exc).__name__}: {exc})"
                ) from exc
            if body is not None:  # a name listed twice: the last entry is the one zipfile reads by name
                body_xml = b"".join(chunks)
    return body_xml


def _read_body_python_docx(body_xml: bytes, budget: Deadline) -> tuple[str, tuple[Table, ...]]:
    """The body read through python-docx's own objects, as the reader always did: what docx_body's walk
    matches, and what reads a body that walk leaves (damaged or odd XML), so such a file gets python-docx's
    answer or error word for word. Costs about 3 ms a report more than the walk."""
    try:
        from docx.oxml import parse_xml
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph

        root = parse_xml(body_xml)
        document: Any = None  # text and cells need no document part
        lines: list[str] = []
        tables: list[Table] = []
        for element in block_items(root.body):
            budget.check("reading the .docx body")
            if element.tag == P:
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
                    cells.append(" ".join(str(cell.text).split()))
                rows.append(tuple(cells))
                if any(cells):
                    lines.append("\t".join(cells))
            tables.append(tuple(rows))
    except ReadError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged documents
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    return "\n".join(lines), tuple(tables)


def read_docx(data: bytes, limits: ReadLimits) -> tuple[str, tuple[Table, ...]]:
    budget = Deadline(limits.timeout_s)
    body_xml = _guard_zip(data, limits, budget)
    try:
        return read_body(body_xml, budget)
    except ReadError:
        raise
    except Exception:  # damaged or odd XML: python-docx gives its own answer or error below
        pass
    return _read_body_python_docx(body_xml, budget)
