"""Synthetic reports as OFD (GB/T 33190): the generator's PDF re-laid glyph by glyph as OFD pages."""

from __future__ import annotations

import io
import itertools
import zipfile
from typing import Any

from jixiao_dev.synth.xlsx import _XLSX_TIME, _xml_text

OFD_NS = "http://www.ofdspec.org/2016"
_PT_TO_MM = 25.4 / 72


Glyph = tuple[str, float, float, float]  # character, x, baseline y, height (mm)


def _glyphs(page: Any) -> list[Glyph]:
    height = page.get_height()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    glyphs = []
    for k, ch in enumerate(text[:count]):
        if ch.strip():
            left, bottom, _right, top = textpage.get_charbox(k, loose=True)
            glyphs.append((ch, left * _PT_TO_MM, (height - bottom) * _PT_TO_MM, (top - bottom) * _PT_TO_MM))
    textpage.close()
    return glyphs


def pdf_to_ofd(pdf: bytes) -> bytes:
    """An OFD (GB/T 33190) with the same glyphs at the same places as ``pdf``'s text layer: one TextObject
    per run of characters on a line, each glyph's advance in DeltaX (the way OFD writers lay out text)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    pages_xml: list[str] = []
    n = 10
    try:
        for i in range(len(doc)):
            glyphs = _glyphs(doc[i])
            runs: list[list[Glyph]] = []
            for g in glyphs:
                last = runs[-1][-1] if runs else None
                if last and abs(g[2] - last[2]) < 0.5 and 0 <= g[1] - last[1] < 3 * last[3]:
                    runs[-1].append(g)
                else:
                    runs.append([g])
            objects = []
            for run in runs:
                n += 1
                size = max(g[3] for g in run) * 0.8
                x0, base = run[0][1], run[0][2]
                deltas = " ".join(f"{b[1] - a[1]:.2f}" for a, b in itertools.pairwise(run))
                dx = f' DeltaX="{deltas}"' if deltas else ""
                chars = _xml_text("".join(g[0] for g in run))
                objects.append(
                    f'<ofd:TextObject ID="{n}" Boundary="{x0:.2f} {base - size:.2f} {run[-1][1] - x0 + size:.2f} '
                    f'{size * 1.2:.2f}" Font="1" Size="{size:.2f}"><ofd:TextCode X="0" Y="{size:.2f}"{dx}>'
                    f"{chars}</ofd:TextCode></ofd:TextObject>"
                )
            pages_xml.append(
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                f'<ofd:Layer ID="{i + 2}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
            )
    finally:
        doc.close()
    parts = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" '
        'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>jixiao-synth</ofd:DocID></ofd:DocInfo>'
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
        "<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "</ofd:CommonData><ofd:Pages>"
        + "".join(
            f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages_xml))
        )
        + "</ofd:Pages></ofd:Document>",
    }
    for i, xml in enumerate(pages_xml):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(
                zipfile.ZipInfo(name, date_time=_XLSX_TIME), body.encode("utf-8"), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()
