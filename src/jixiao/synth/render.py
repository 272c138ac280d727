"""Synthetic reports as Word and PDF files (the .txt and .md forms are ``SyntheticReport.text``)."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jixiao.synth.text import SyntheticReport

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


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
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


def render_pdf(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=True)
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
            cols = (PDF_LEFT, PDF_LEFT + 30, PDF_LEFT + 200, PDF_LEFT + 290, PDF_LEFT + 360, PDF_LEFT + 430)
            widths = [hi - lo - 6 for lo, hi in zip(cols, (*cols[1:], PDF_RIGHT), strict=True)]
            for row in b.rows:
                # Word wraps a cell inside its column; text drawn over the next column would be unreadable.
                pieces = [
                    [w for part in cell.split("\n") for w in _wrap(part, width_, font)]
                    for cell, width_ in zip(row, widths, strict=False)
                ]
                for k in range(max(len(p) for p in pieces)):
                    if y < PDF_BOTTOM:
                        new_page()
                    c.setFont(font, PDF_SIZE)
                    for x, p in zip(cols, pieces, strict=False):
                        if k < len(p) and p[k]:
                            c.drawString(x, y, p[k])
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
