"""Scanned PDF pages: OCR by RapidOCR (PP-OCR models in its wheel) or, as the fallback, Debian's Tesseract
and its Simplified Chinese model (``ocr_engine``; nothing is downloaded at run time).

A page without a text layer is rendered by PDFium, its red seal suppressed (strongly red pixels turn
white, so the stamp does not overprint the figures under it), despeckled (3x3 median), deskewed (the angle whose rows
of dark pixels are sharpest, within ±5°), and recognised with its own time budget per page (RapidOCR in the
OCR worker's process; ``tesseract -l chi_sim`` as a child process). A PDF whose every page has text never reaches this module; a mixed
PDF keeps its text layer and has only its blank pages recognised.

Every recognised word carries the engine's confidence (``Anchor.confidence``, 0-1); ``Document.confidence``
gives the lowest over a stretch of text: figures read below the engine's figure threshold, and texts (names,
sentences) with a word read below its text threshold (``ocr_engine.thresholds``; Tesseract's are
``LOW_CONFIDENCE`` and ``LOW_TEXT_CONFIDENCE``), are for a data-quality check to flag rather than to load
silently. A figure Tesseract read unsure is read a second time, digits only (``ocr_verify``); a confident
second reading that agrees lifts the flag. Words are joined into lines as Tesseract found them, without
the spaces it puts between Chinese characters, with a space where a gap wider than two characters
separates table cells (as a PDF's text layer reads). Tables are rebuilt by the PDF reader's borderless-table
rule with the header's cells as columns (``rows_by_position(header_gap=...)``), each word's characters placed
inside its box, so their rows have the PDF shape. Separators misread in figures are restored where only one
reading is possible (``repair_figures``), and a figure its own table contradicts (``implausible_figures``)
gets confidence ``IMPLAUSIBLE`` so the check flags it. The pipeline runs OCR in a pool of its own
(``jixiao.pipeline.iter_read_and_parse``); ``ReadLimits.ocr_page_s`` is the budget of one page.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jixiao.errors import ReadError
from jixiao.proclife import die_with_parent
from jixiao.read.containers import Anchor, Deadline, Extracted, Table
from jixiao.read.pdf_tables import is_page_number, rows_by_position

if TYPE_CHECKING:
    from jixiao.read import ReadLimits

TESSERACT = "tesseract"
LANG = "chi_sim"
DPI = 150  # 10.5 pt text is 22 px high: enough for chi_sim, and twice as fast as 200 dpi
UPSCALE = 1
MEDIAN = 3
MAX_PAGE_PIXELS = 40e6  # an A4 page at 150 dpi is 2.2 megapixels; A0 is 35
MAX_IMAGE_PIXELS = 80e6  # an embedded scan decoded whole (3 bytes a pixel)
LOW_CONFIDENCE = 0.80  # OCR words below this are not to be trusted without a person's look
LOW_TEXT_CONFIDENCE = 0.85  # a text (name, sentence) with a word read below this is flagged
MAX_SKEW_DEG = 5.0
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim (scripts/bootstrap.sh does so as root)"
_TABLE_HINT = re.compile(r"序号|项目名称|明细表|得分表")
_HEADER_GAP = 7.0  # points between two header cells of a table read by OCR (a character is 10.5)
_ASCII_WORD = re.compile(r"[0-9A-Za-z.%]")


def blank_pages(raw: str, page_starts: Sequence[int]) -> tuple[int, ...]:
    """0-based pages of a text-layer PDF reading whose text is empty (candidates for OCR)."""
    ends = [*page_starts[1:], len(raw) + 1]
    return tuple(
        i for i, (s, e) in enumerate(zip(page_starts, ends, strict=True)) if not raw[s : e - 1].strip()
    )


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0-1
    line: tuple[int, int, int]  # block, paragraph, line


def _red_suppressed_gray(image: Any) -> Any:
    """The page in grey with the red seal turned white (a seal's ink is red; report text is black)."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r > 110) & (r - g > 50) & (r - b > 50)
    gray = (0.299 * r + 0.587 * g + 0.114 * b).astype(np.uint8)
    gray[red] = 255
    return gray


def skew_angle(gray: Any) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal, within ±5°."""
    import numpy as np
    from PIL import Image

    small = Image.fromarray(gray)
    scale = 800 / max(1, small.width)
    small = small.resize((800, max(1, int(small.height * scale))))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for tenth in range(int(-MAX_SKEW_DEG * 4), int(MAX_SKEW_DEG * 4) + 1):
        angle = tenth / 4
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.float64)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = angle, score
    return best


def _prepare(image: Any) -> Any:
    from PIL import Image, ImageFilter

    gray = _red_suppressed_gray(image)
    angle = skew_angle(gray)
    page = Image.fromarray(gray)
    if abs(angle) >= 0.25:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if UPSCALE != 1:
        page = page.resize((page.width * UPSCALE, page.height * UPSCALE), Image.Resampling.BICUBIC)
    return page.filter(ImageFilter.MedianFilter(MEDIAN)) if MEDIAN else page


def tesseract_tsv(png: bytes, timeout: float, lang: str = LANG, extra: tuple[str, ...] = ()) -> str:
    exe = shutil.which(TESSERACT)
    if exe is None:
        raise ReadError(
            f"scanned PDF: no text layer, and OCR is not installed (tesseract is missing; {INSTALL_HINT})"
        )
    with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
        tmp.write(png)
        tmp.flush()
        try:
            done = subprocess.run(
                [exe, tmp.name, "-", "-l", lang, "--psm", "6", "--dpi", str(DPI * UPSCALE), *extra, "tsv"],
                capture_output=True,
                timeout=timeout,
                preexec_fn=die_with_parent,  # a killed parse worker leaves no tesseract behind
                env={
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "OMP_THREAD_LIMIT": "1",
                    "LANG": "C.UTF-8",
                },
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReadError(
                f"scanned PDF: OCR of one page took longer than its {timeout:g} s budget (ReadLimits.ocr_page_s)"
            ) from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace")
        if "chi_sim" in err:
            raise ReadError(f"scanned PDF: OCR's Chinese model is not installed ({INSTALL_HINT})")
        raise ReadError(
            f"scanned PDF: OCR failed ({err.strip().splitlines()[-1] if err.strip() else 'no reason'})"
        )
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> list[Word]:
    words: list[Word] = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            block, par, ln, left, top, width, height = (int(cols[i]) for i in (2, 3, 4, 6, 7, 8, 9))
            conf = float(cols[10])
        except ValueError:
            continue
        words.append(Word(cols[11].strip(), left, top, width, height, max(0.0, conf) / 100, (block, par, ln)))
    return words


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws)))
    return [sorted(ws, key=lambda w: w.left) for ws in ordered]


_FIGURE_TOKEN = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d+)+(?![\d.,])")


def _repaired(m: re.Match[str]) -> str:
    token = m[0]
    groups = re.split(r"[.,]", token)
    middle_ok = all(len(g) == 3 for g in groups[1:-1])
    if len(groups) >= 3 and middle_ok and len(groups[-1]) == 3:  # "4.295,700" → "4,295,700"
        return ",".join(groups)
    if len(groups) >= 3 and middle_ok and len(groups[-1]) <= 2:  # "7.387.200.00" → "7,387,200.00"
        return ",".join(groups[:-1]) + "." + groups[-1]
    after = m.string[m.end() : m.end() + 1]
    if len(groups) == 2 and len(groups[1]) == 3 and after == "元":  # yuan have two decimals (fen) at most
        return f"{groups[0]},{groups[1]}"
    return token


def repair_figures(text: str) -> str:
    """Separators OCR misread in figures, restored where only one reading is possible (lengths kept, so
    offsets hold): a figure has one decimal point at most, its other separators group thousands; and an
    amount in 元 has two decimals at most, so "394.800元" is 394,800 元."""
    return _FIGURE_TOKEN.sub(_repaired, text)


def page_from_words(words: list[Word], offset: int, page_no: int) -> tuple[str, list[Anchor]]:
    """The page's text (lines top to bottom) and one anchor per word, offsets counted from ``offset``."""
    out: list[str] = []
    anchors: list[Anchor] = []
    pos = offset
    for line in _lines(words):
        height = max(1, sorted(w.height for w in line)[len(line) // 2])
        text = ""
        prev: Word | None = None
        for w in line:
            if prev is not None:
                gap = w.left - (prev.left + prev.width)
                if gap > 2 * height or (
                    gap > 0.3 * height and _ASCII_WORD.match(w.text[0]) and _ASCII_WORD.match(prev.text[-1])
                ):
                    text += " "
            start = pos + len(text)
            text += w.text
            anchors.append(
                Anchor(start, start + len(w.text), f"page {page_no} (OCR)", round(w.confidence, 3))
            )
            prev = w
        out.append(repair_figures(text))
        pos += len(text) + 1
    while out and is_page_number(out[-1]):
        out.pop()
    return "\n".join(out), anchors


def _word_chars(words: list[Word]) -> list[dict[str, Any]]:
    """Words as pdfplumber's chars (points), for the borderless-table rebuild: a word's characters share its
    box (a CJK character twice as wide as a digit), and every character of a line sits at the line's top,
    so punctuation that Tesseract boxes low stays on its line."""
    k = 72 / (DPI * UPSCALE)
    out: list[dict[str, Any]] = []
    for line in _lines(words):
        top = sorted(w.top for w in line)[len(line) // 2] * k
        end = 0.0
        for w in line:
            # Boxes of neighbouring words can overlap; their characters must not interleave.
            x = max(float(w.left), end)
            weights = [1 if ord(ch) < 128 else 2 for ch in w.text]
            unit = max(1.0, w.left + w.width - x) / max(1, sum(weights))
            for ch, weight in zip(w.text, weights, strict=True):
                out.append({"text": ch, "x0": x * k, "x1": (x + unit * weight) * k, "top": top})
                x += unit * weight
            end = x
    return out


_SPILLED = re.compile(r"(?<=[\u4e00-\u9fff])\d{1,2}$")


def mend_spilled_digits(row: tuple[str, ...]) -> tuple[str, ...]:
    """A figure's first digits placed in the text cell before it ("完成年度目标9" | "1"): OCR boxes a word
    across the column gap. Digits glued to the end of Chinese text go back to a figure that follows."""
    cells = list(row)
    for i in range(len(cells) - 1):
        spill = _SPILLED.search(cells[i])
        if spill and cells[i + 1][:1].isdigit():
            cells[i], cells[i + 1] = cells[i][: spill.start()], spill[0] + cells[i + 1]
    return tuple(cells)


_TWO_DECIMALS = re.compile(r"\d+\.\d{2}")
_BARE = re.compile(r"\d{3,}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SCORE_HEADER = re.compile(r"得分|评分|分值")
IMPLAUSIBLE = 0.5  # the confidence given to a figure its own table contradicts


def implausible_figures(table: Table) -> set[str]:
    """Figures of an OCR table that its own columns contradict: a bare number of three or more digits in a
    column whose other figures have two decimals (a decimal point lost: "1451" for 14.51), and a score
    over 100 in a score column ("895" for 89.5)."""
    out: set[str] = set()
    if len(table) < 3:
        return out
    for c, head in enumerate(table[0]):
        cells = [row[c].strip() for row in table[1:] if c < len(row) and row[c].strip()]
        lost_point = sum(1 for v in cells if _TWO_DECIMALS.fullmatch(v)) >= max(2, len(cells) // 2)
        score_column = _SCORE_HEADER.search(head) is not None
        out.update(
            v
            for v in cells
            if (lost_point and _BARE.fullmatch(v))
            or (score_column and _NUMBER.fullmatch(v) and float(v) > 100)
        )
    return out


def _distrust(anchors: list[Anchor], texts: list[str], suspects: set[str]) -> tuple[Anchor, ...]:
    """Anchors whose word holds a suspect figure, with their confidence lowered to ``IMPLAUSIBLE``."""
    if not suspects:
        return tuple(anchors)
    raw = "\n".join(texts)
    pattern = re.compile("|".join(rf"(?<![\d.]){re.escape(f)}(?![\d.])" for f in sorted(suspects)))
    return tuple(
        Anchor(a.start, a.end, a.where, min(a.confidence or 1.0, IMPLAUSIBLE))
        if pattern.search(raw[a.start : a.end])
        else a
        for a in anchors
    )


def _page_png(page: Any, page_no: int) -> bytes:
    """The page rendered and prepared for recognition, as PNG; a page or image too large to hold in memory
    is refused before anything is decoded (PDFium decodes an embedded image whole)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    pixels = width * height * (DPI * UPSCALE / 72) ** 2
    if pixels > MAX_PAGE_PIXELS:
        raise ReadError(
            f"scanned PDF: page {page_no} is {width * 25.4 / 72:.0f} × {height * 25.4 / 72:.0f} mm, "
            f"too large to recognise (over {MAX_PAGE_PIXELS / 1e6:g} megapixels at {DPI} dpi)"
        )
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        w, h = image.get_px_size()
        if w * h > MAX_IMAGE_PIXELS:
            raise ReadError(
                f"scanned PDF: page {page_no} holds a {w} × {h} pixel image, over the "
                f"{MAX_IMAGE_PIXELS / 1e6:g}-megapixel limit (a 600 dpi A4 scan is 35)"
            )
    buffer = io.BytesIO()
    _prepare(page.render(scale=DPI / 72).to_pil()).save(buffer, format="PNG")
    return buffer.getvalue()


def read_scanned_pdf(
    data: bytes, limits: ReadLimits, partial: tuple[str, tuple[int, ...], tuple[int, ...]] | None
) -> Extracted:
    """Recognise every page (``partial`` None) or only the blank pages of a text-layer reading
    (``partial`` = its raw text, page starts and blank page indices), and splice the pages together."""
    import pypdfium2 as pdfium

    from jixiao.read.ocr_engine import recognise

    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # the text-layer reader has already opened it; this is a late failure
        raise ReadError(f"corrupt .pdf: {type(exc).__name__}: {exc}") from exc
    try:
        n = len(doc)
        if n > limits.max_pdf_pages:
            raise ReadError(f"refused .pdf: {n} pages, over the {limits.max_pdf_pages}-page limit")
        if partial is None:
            texts = [""] * n
            todo: tuple[int, ...] = tuple(range(n))
        else:
            raw, starts, todo = partial
            ends = [*starts[1:], len(raw) + 1]
            texts = [raw[s : e - 1] for s, e in zip(starts, ends, strict=True)]
        # OCR has its own budget, per page recognised, on top of the file's (which the text layer used).
        ocr_budget = Deadline(limits.timeout_s + limits.ocr_page_s * len(todo))
        page_words: dict[int, list[Word]] = {}
        for i in todo:
            ocr_budget.check(f"recognising page {i + 1} of {n} of the scanned .pdf")
            png = _page_png(doc[i], i + 1)
            timeout = min(limits.ocr_page_s, max(0.1, ocr_budget.left()))
            page_words[i] = recognise(png, timeout)
    finally:
        doc.close()
    anchors: list[Anchor] = []
    starts_out: list[int] = []
    pos = 0
    for i in range(n):
        starts_out.append(pos)
        if i in page_words:
            texts[i], page_anchors = page_from_words(page_words[i], pos, i + 1)
            anchors.extend(page_anchors)
        pos += len(texts[i]) + 1
    if not any(t.strip() for t in texts):
        raise ReadError(
            "scanned PDF: no text layer, and OCR found no text on any page (blank or unreadable scans)"
        )
    tables: list[Table] = []
    for i in sorted(page_words):
        if _TABLE_HINT.search(texts[i]):
            rows = rows_by_position(
                [_word_chars(page_words[k]) for k in range(i, min(i + 3, n)) if k in page_words],
                header_gap=_HEADER_GAP,
            )
            if rows:
                tables.append(tuple(mend_spilled_digits(row) for row in rows))
    suspects = {f for table in tables for f in implausible_figures(table)}
    return Extracted(
        "\n".join(texts), tuple(tables), tuple(starts_out), (), _distrust(anchors, texts, suspects)
    )
