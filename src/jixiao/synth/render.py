"""Synthetic reports as Word and PDF files (the .txt form is the report's text itself)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jixiao.synth.text import SyntheticReport

PDF_FONT = "STSong-Light"
PDF_WRAP = 38  # characters a line: long paragraphs wrap, giving the hard line breaks real PDFs have


def render_docx(report: SyntheticReport, path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, value in report.blocks:
        if kind == "h":
            document.add_heading(value, level=2)
        elif kind == "p":
            document.add_paragraph(value)
        else:
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for i, row in enumerate(value):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
    document.save(str(path))


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def render_pdf(report: SyntheticReport, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    y = 800.0

    def line(text: str) -> None:
        nonlocal y
        if y < 60:
            c.showPage()
            y = 800.0
        c.setFont(font, 10.5)
        c.drawString(50, y, text)
        y -= 15

    for kind, value in report.blocks:
        if kind == "table":
            for row in value:
                # Cells far apart so the text layer keeps them as separate words; tabs are not drawn.
                line("\t".join(row).replace("\t", "    "))
        else:
            # CJK text wraps at a fixed width, wherever that falls (inside words and numbers too).
            for start in range(0, max(1, len(value)), PDF_WRAP):
                line(value[start : start + PDF_WRAP])
        y -= 4
    c.showPage()
    c.save()
