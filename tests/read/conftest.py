"""Builders of real report files (PDF via reportlab, .docx via python-docx) for the reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
PdfMaker = Callable[..., Path]


def wrap(text: str, width_pt: float, size: float = 11) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt``, the way a PDF writer hard-wraps."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if pdfmetrics.stringWidth(current + ch, FONT, size) > width_pt:
            lines.append(current)
            current = ch
        else:
            current += ch
    lines.append(current)
    return lines


@pytest.fixture
def make_pdf(tmp_path: Path) -> PdfMaker:
    """``make_pdf(pages, name=..., grid=None, encrypt=None)``: one list of lines per page, Chinese CID font.

    ``grid`` draws a ruled table (rows of cells) under the text of the first page, for pdfplumber to find.
    """
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

    def build(
        pages: list[list[str]],
        name: str = "r.pdf",
        grid: list[list[str]] | None = None,
        encrypt: str | None = None,
    ) -> Path:
        path = tmp_path / name
        c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
        for n, lines in enumerate(pages):
            c.setFont(FONT, 11)
            y = 800.0
            for line in lines:
                c.drawString(50, y, line)
                y -= 16
            if grid and n == 0:
                top, row_h, col_w = y - 10, 20.0, 120.0
                for r, row in enumerate(grid):
                    for k, cell in enumerate(row):
                        x0, y0 = 50 + k * col_w, top - (r + 1) * row_h
                        c.rect(x0, y0, col_w, row_h)
                        c.drawString(x0 + 4, y0 + 6, cell)
            c.showPage()
        c.save()
        return path

    return build


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    """``make_docx(blocks)``: a str is a paragraph, a list of rows is a table."""

    def build(blocks: list[str | list[list[str]]], name: str = "r.docx") -> Path:
        d = docx.Document()
        for block in blocks:
            if isinstance(block, str):
                d.add_paragraph(block)
                continue
            table = d.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        path = tmp_path / name
        d.save(str(path))
        return path

    return build
