"""Synthetic reports as Word and PDF files (the .txt and .md forms are ``SyntheticReport.text``)."""

from __future__ import annotations

import io
import math
import os
import random
import zipfile
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from jixiao_dev.synth.ofd import pdf_to_ofd
from jixiao_dev.synth.text import SyntheticReport

# A CID font needs no font file and pdfplumber maps its glyphs back to Unicode (checked by the tests).
PDF_FONT = "STSong-Light"
PDF_SIZE = 10.5
PDF_LEFT, PDF_RIGHT, PDF_TOP, PDF_BOTTOM = 56.0, 539.0, 790.0, 64.0
PDF_LEADING = 16.0


def render_docx(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    # Most real reports style headings by hand (bold body text), some use Word's heading styles.
    word_headings = rng.random() < 0.4
    for b in report.blocks:
        if b.kind == "table":
            table = document.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            table.style = "Table Grid"
            for i, row in enumerate(b.rows):
                for j, cell in enumerate(row):
                    # A "\n" in a cell becomes a line break inside the cell, as a wrapped name in Word.
                    table.cell(i, j).text = cell
        elif b.kind in ("h1", "h2") and word_headings:
            document.add_heading(b.text, level=1 if b.kind == "h1" else 2)
        elif b.kind in ("h1", "h2"):
            document.add_paragraph().add_run(b.text).bold = True
        elif b.kind == "title":
            para = document.add_paragraph(b.text)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "sig":
            para = document.add_paragraph(b.text)
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            document.add_paragraph(b.text)
    props = document.core_properties
    props.author = "jixiao synth"
    props.created = props.modified = props.last_printed = datetime(2000, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    # Zip members carry the time of writing; pin it so the same seed gives the same bytes.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


# Word and WPS exports embed their CJK font, and so do these PDFs when WenQuanYi is installed (Debian
# fonts-wqy-microhei, scripts/bootstrap.sh): PDFium then reads the embedded subset instead of loading a system
# CJK font per page. JIXIAO_SYNTH_PDF_FONT=cid keeps the CID font without a font file (the benchmark's
# non-embedded stage); it is also the fallback when no WenQuanYi font is installed.
EMBED_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)


@lru_cache(maxsize=2)
def _register_font(kind: str = "embed") -> str:
    from reportlab.pdfbase import pdfmetrics

    found = next((f for f in EMBED_FONT_FILES if f.is_file()), None) if kind != "cid" else None
    if found is not None:
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("WenQuanYi", str(found), subfontIndex=0))
        return "WenQuanYi"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _wrap(text: str, width: float, font: str) -> list[str]:
    """Greedy wrap at the page width, wherever that falls (inside words and numbers too, as CJK PDFs do)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    used = 0.0
    for ch in text:
        w = stringWidth(ch, font, PDF_SIZE)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    lines.append(line)
    return lines


_COLS = (PDF_LEFT, PDF_LEFT + 30, PDF_LEFT + 200, PDF_LEFT + 290, PDF_LEFT + 360, PDF_LEFT + 430)


def _table_lines(rows: Sequence[Sequence[str]], font: str) -> list[list[tuple[float, str]]]:
    """A table's rows as printed lines: (x, text) per column, each cell wrapped inside its column."""
    widths = [hi - lo - 6 for lo, hi in zip(_COLS, (*_COLS[1:], PDF_RIGHT), strict=True)]
    printed: list[list[tuple[float, str]]] = []
    for row in rows:
        # Word wraps a cell inside its column; text drawn over the next column would be unreadable.
        pieces = [
            [w for part in cell.split("\n") for w in _wrap(part, width_, font)]
            for cell, width_ in zip(row, widths, strict=False)
        ]
        for k in range(max(len(p) for p in pieces)):
            printed.append([(x, p[k]) for x, p in zip(_COLS, pieces, strict=False) if k < len(p) and p[k]])
    return printed


def render_pdf(report: SyntheticReport, path: Path | IO[bytes], rng: random.Random) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font(os.environ.get("JIXIAO_SYNTH_PDF_FONT", "embed"))
    c = canvas.Canvas(str(path) if isinstance(path, Path) else path, pagesize=A4, invariant=True)
    page_numbers = rng.random() < 0.5
    page = 1
    y = PDF_TOP

    def new_page() -> None:
        nonlocal y, page
        if page_numbers:
            c.setFont(font, 9)
            c.drawCentredString(A4[0] / 2, 36, f"- {page} -")
        c.showPage()
        page += 1
        y = PDF_TOP

    def line(text: str, x: float = PDF_LEFT, align: str = "left") -> None:
        nonlocal y
        if y < PDF_BOTTOM:
            new_page()
        c.setFont(font, PDF_SIZE)
        if align == "center":
            c.drawCentredString(A4[0] / 2, y, text)
        elif align == "right":
            c.drawRightString(PDF_RIGHT, y, text)
        else:
            c.drawString(x, y, text)
        y -= PDF_LEADING

    width = PDF_RIGHT - PDF_LEFT
    for b in report.blocks:
        if b.kind == "table":
            for printed in _table_lines(b.rows, font):
                if y < PDF_BOTTOM:
                    new_page()
                c.setFont(font, PDF_SIZE)
                for x, text in printed:
                    c.drawString(x, y, text)
                y -= PDF_LEADING
        elif b.kind == "title":
            line(b.text, align="center")
        elif b.kind == "sig":
            line(b.text, align="right")
        elif b.kind in ("h1", "h2"):
            for piece in _wrap(b.text, width, font):
                line(piece)
        else:
            wrapped = _wrap("\u3000\u3000" + b.text, width, font)
            for piece in wrapped:
                line(piece)
        y -= 4
    new_page()
    c.save()


# ---------------------------------------------------------------------------------------------- scanned pdf

SCAN_DPI = 150


def _seal(image: Any, rng: random.Random) -> Any:
    """A red round seal (ring, inner ring, star) stamped over the page: seal ink darkens what is under it,
    so it is drawn on a white layer and multiplied in (black text under the seal stays black)."""
    from PIL import Image, ImageChops, ImageDraw

    layer = Image.new("RGB", image.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    w, h = image.size
    cx, cy = int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.2, 0.8))
    r = int(w * 0.09)
    red = (rng.randint(200, 235), rng.randint(20, 60), rng.randint(20, 60))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 14))
    draw.ellipse((cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8), outline=red, width=2)
    star = [
        (
            cx + (r * 0.3 if k % 2 == 0 else r * 0.12) * math.sin(k * math.pi / 5),
            cy - (r * 0.3 if k % 2 == 0 else r * 0.12) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    for _ in range(r * 3):  # uneven ink across the seal
        draw.point((cx + rng.randint(-r, r), cy + rng.randint(-r, r)), fill=red)
    return ImageChops.multiply(image, layer)


def scan_pages(pdf: bytes, rng: random.Random, *, seal: bool = True, noise: float = 0.002) -> list[Any]:
    """Each page of ``pdf`` as a scanner would give it: greyish paper, speckle, a slight skew, a red seal."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    pages: list[Any] = []
    try:
        for i in range(len(doc)):
            image = doc[i].render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
            if seal and i == len(doc) - 1:
                image = _seal(image, rng)
            image = image.rotate(
                rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=(250, 250, 248)
            )
            pixels = image.load()
            w, h = image.size
            for _ in range(int(w * h * noise)):
                x, y = rng.randrange(w), rng.randrange(h)
                v = rng.choice((0, 90, 200))
                pixels[x, y] = (v, v, v)
            pages.append(image)
    finally:
        doc.close()
    return pages


def render_scanned_pdf(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    """The report's PDF printed, stamped and scanned: image-only pages, no text layer."""
    buffer = io.BytesIO()
    render_pdf(report, buffer, rng)
    pages = scan_pages(buffer.getvalue(), rng)
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI)


def render_doc(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    """The report as Word 97-2003 (.doc): written as .docx, then saved as .doc by headless LibreOffice."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError(
            "writing .doc needs LibreOffice (apt-get install libreoffice-writer-nogui); "
            "reading .doc does not (antiword)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{path.stem}.docx"
        render_docx(report, source, rng)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "doc",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.move(str(Path(tmp) / f"{path.stem}.doc"), path)


def render_ofd(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    buffer = io.BytesIO()
    render_pdf(report, buffer, rng)
    path.write_bytes(pdf_to_ofd(buffer.getvalue()))
