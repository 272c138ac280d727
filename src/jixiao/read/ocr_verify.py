"""A second reading of the figures Tesseract read unsure: each such word's box is cut out of the page and
read again by Tesseract's English model restricted to digits and separators (not percentages: "%" is
misread as "9%" by both) (all of a page's boxes in one
call, stacked). A word whose second reading is confident and agrees with the first (or with its separator
repair, ``repair_figures``) keeps the second reading's confidence; any disagreement keeps it flagged."""

from __future__ import annotations

import dataclasses
import io
import re

from jixiao.errors import ReadError
from jixiao.read.ocr import LOW_CONFIDENCE, Word, parse_tsv, repair_figures, tesseract_tsv

_MARGIN = 4
_GAP = 24
_FIGURE_CHARS = re.compile(r"[^0-9.,]")
_WHITELIST = "0123456789.,"


def _ascii(text: str) -> str:
    return _FIGURE_CHARS.sub("", text)


def _readings(word: Word) -> set[str]:
    """What the first reading may stand for: as read, or with its separators repaired."""
    return {_ascii(word.text), _ascii(repair_figures(word.text)), _ascii(repair_figures(word.text + "元"))}


def verify_figures(png: bytes, words: list[Word], timeout: float) -> list[Word]:
    """``words`` with the confidence of each unsure figure replaced by its confirmed second reading's."""
    from PIL import Image

    unsure = [
        i
        for i, w in enumerate(words)
        if w.confidence < LOW_CONFIDENCE and re.fullmatch(r"[0-9.,]*\d[0-9.,]*", w.text)
    ]
    if not unsure:
        return words
    page = Image.open(io.BytesIO(png))
    crops = [
        page.crop((w.left - _MARGIN, w.top - _MARGIN, w.left + w.width + _MARGIN, w.top + w.height + _MARGIN))
        for w in (words[i] for i in unsure)
    ]
    sheet = Image.new(
        "L", (max(c.width for c in crops) + 2 * _GAP, sum(c.height + _GAP for c in crops) + _GAP), 255
    )
    bands: list[tuple[int, int]] = []
    y = _GAP
    for crop in crops:
        sheet.paste(crop, (_GAP, y))
        bands.append((y - _GAP // 2, y + crop.height + _GAP // 2))
        y += crop.height + _GAP
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    try:
        tsv = tesseract_tsv(
            buffer.getvalue(), timeout, "eng", ("-c", f"tessedit_char_whitelist={_WHITELIST}")
        )
    except ReadError:  # no second reading (English model missing, budget spent): the figures stay flagged
        return words
    second = parse_tsv(tsv)
    out = list(words)
    for i, (top, bottom) in zip(unsure, bands, strict=True):
        found = sorted((w for w in second if top <= w.top + w.height / 2 < bottom), key=lambda w: w.left)
        if not found:
            continue
        text = "".join(w.text for w in found)
        conf = min(w.confidence for w in found)
        if conf >= LOW_CONFIDENCE and _ascii(text) in _readings(words[i]):
            out[i] = dataclasses.replace(words[i], confidence=conf)
    return out
