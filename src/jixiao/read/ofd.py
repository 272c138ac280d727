"""OFD (GB/T 33190-2016), the national fixed-layout format: a zip of XML pages, read directly.

``OFD.xml`` names each document's ``Document.xml``; that lists the pages (``BaseLoc``), and each page's
``Content.xml`` holds ``TextObject`` elements: a ``Boundary`` ("x y w h", millimetres from the page's top
left) and ``TextCode`` runs whose ``X``/``Y`` are the first glyph's baseline inside the boundary and whose
``DeltaX`` gives the advance to each next glyph ("g 3 4.2" repeats 4.2 three times). Each glyph is placed
on the page, glyphs are gathered into lines by their baseline and read left to right, top to bottom, with
a space where glyphs stand apart (as a PDF's text layer reads; a wrapped table cell spans lines, so rows
as tab-separated lines would be wrong). Tables come from the same glyph positions through
the PDF reader's borderless-table rebuild (``rows_by_position``), so their rows have the PDF shape.

The zip is inflated under the inflated-size limit before any XML is parsed (an OFD zip bomb is refused
as a .docx one is), the XML parser expands no entities and loads nothing from outside, and the page count
is held to the PDF page limit.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from typing import Any

from jixiao.errors import ReadError
from jixiao.read.containers import Deadline, Extracted, Table, guard_zip
from jixiao.read.pdf_tables import is_page_number, rows_by_position

NS = "{http://www.ofdspec.org/2016}"
MM_TO_PT = 72 / 25.4  # rows_by_position's tolerances are in points
_TABLE_HINT = re.compile(r"序号|项目名称|明细表|得分表")


def _xml(zf: zipfile.ZipFile, name: str, fmt: str = "ofd") -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(zf.read(name), parser)
    except KeyError as exc:
        raise ReadError(
            f"corrupt .{fmt}: {name} is missing (named in the document but not in the file)"
        ) from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt .{fmt}: {name} is not well-formed XML ({exc})") from exc


def _floats(value: str | None) -> list[float]:
    try:
        return [float(v) for v in (value or "").split()]
    except ValueError:
        return []


def delta_x(value: str | None) -> list[float]:
    """Expand an OFD ``DeltaX``: "g 3 4.2 1.5" is [4.2, 4.2, 4.2, 1.5]."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * min(int(tokens[i + 1]), 10_000))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip()
    path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
    return posixpath.normpath(path)


def _glyphs(page: Any) -> list[dict[str, Any]]:
    """Every glyph of a page as pdfplumber-shaped chars (x0, x1, top in points)."""
    chars: list[dict[str, Any]] = []
    for obj in page.iter(NS + "TextObject"):
        box = _floats(obj.get("Boundary"))
        if len(box) < 2:
            continue
        size = (_floats(obj.get("Size")) or [3.5])[0]
        for code in obj.iter(NS + "TextCode"):
            text = code.text or ""
            x = box[0] + (_floats(code.get("X")) or [0.0])[0]
            baseline = box[1] + (_floats(code.get("Y")) or [size])[0]
            deltas = delta_x(code.get("DeltaX"))
            for k, ch in enumerate(text):
                advance = deltas[k] if k < len(deltas) else size
                if ch.strip():
                    chars.append(
                        {
                            "text": ch,
                            "x0": x * MM_TO_PT,
                            "x1": (x + min(advance, size)) * MM_TO_PT,
                            "top": (baseline - size) * MM_TO_PT,
                            "size": size * MM_TO_PT,
                        }
                    )
                x += advance
    return chars


def page_text(chars: list[dict[str, Any]]) -> str:
    """Glyphs in reading order: lines by baseline, top to bottom; a space where glyphs are apart."""
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for c in ordered:
        if lines and abs(c["top"] - lines[-1][0]["top"]) < 0.5 * c["size"]:
            lines[-1].append(c)
        else:
            lines.append([c])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = ""
        prev: dict[str, Any] | None = None
        for c in line:
            if prev is not None:
                gap = c["x0"] - prev["x1"]
                if gap > 0.5 * c["size"]:
                    text += " "  # as a PDF's text layer reads: tables come from positions, not tabs
            text += c["text"]
            prev = c
        out.append(text)
    while out and is_page_number(out[-1]):
        out.pop()
    return "\n".join(out)


def read_ofd(data: bytes, max_inflated: int, max_pages: int, budget: Deadline) -> Extracted:
    guard_zip(data, "ofd", max_inflated, budget, required="OFD.xml", kind="an OFD document")
    texts: list[str] = []
    page_chars: list[list[dict[str, Any]]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = _xml(zf, "OFD.xml")
        doc_roots = [e.text for e in root.iter(NS + "DocRoot") if e.text]
        if not doc_roots:
            raise ReadError("corrupt .ofd: OFD.xml names no DocRoot (no document inside)")
        for doc_root in doc_roots:
            doc_path = _resolve("", doc_root)
            document = _xml(zf, doc_path)
            base = posixpath.dirname(doc_path)
            pages = [p.get("BaseLoc") for p in document.iter(NS + "Page") if p.get("BaseLoc")]
            if len(texts) + len(pages) > max_pages:
                raise ReadError(
                    f"refused .ofd: {len(texts) + len(pages)} pages, over the {max_pages}-page limit"
                )
            for i, loc in enumerate(pages, len(texts) + 1):
                budget.check(f"reading page {i} of the .ofd")
                page = _xml(zf, _resolve(base, str(loc)))
                chars = _glyphs(page)
                page_chars.append(chars)
                texts.append(page_text(chars))
    if not any(t.strip() for t in texts):
        raise ReadError("OFD without text: its pages hold only images (a scanned OFD is not read yet)")
    tables: list[Table] = []
    for i, text in enumerate(texts):
        if _TABLE_HINT.search(text):
            rows = rows_by_position(page_chars[i : i + 3])
            if rows:
                tables.append(rows)
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return Extracted("\n".join(texts), tuple(tables), tuple(starts))
