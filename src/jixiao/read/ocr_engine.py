"""The OCR engine: RapidOCR (PaddleOCR's PP-OCR models carried inside the ``rapidocr`` wheel, run by
onnxruntime on one thread; nothing is downloaded at run time) by default, Tesseract ``chi_sim`` when
RapidOCR cannot be imported or loaded, or when ``JIXIAO_OCR_ENGINE=tesseract``.

RapidOCR is loaded once per process (the OCR worker) and its output becomes the same ``Word`` list as
Tesseract's: one word per character, each with its own score, lines grouped by the vertical overlap of the
detected boxes, so the page text, anchors and the table rebuild are shared. Its scores are on another scale
than Tesseract's (a clear character scores 0.99 or more), so each engine has its own thresholds
(``thresholds``), those of the engine that read the page in this process.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from jixiao.errors import ReadError
from jixiao.read.ocr import LOW_CONFIDENCE, LOW_TEXT_CONFIDENCE, Word, parse_tsv, tesseract_tsv

__all__ = ["LOW_CONFIDENCE", "LOW_TEXT_CONFIDENCE", "recognise", "thresholds"]

ENGINE_ENV = "JIXIAO_OCR_ENGINE"  # "rapidocr" (default) or "tesseract"
RAPID_LOW_CONFIDENCE = 0.95  # a figure with a character scored below this is flagged
RAPID_LOW_TEXT_CONFIDENCE = 0.90  # a text with a character scored below this is flagged
_log = logging.getLogger(__name__)
_in_use = "tesseract"  # the engine that read the last page in this process
T = TypeVar("T")


@functools.cache
def _rapid() -> Any:
    """The RapidOCR engine of this process, or None when it cannot be imported or loaded (logged once)."""
    try:
        from rapidocr import RapidOCR

        return RapidOCR(
            params={
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "Global.log_level": "error",
                "Global.use_cls": False,  # pages are deskewed, never upside down
                "Det.limit_type": "max",
                "Det.limit_side_len": 960,
                "Global.return_word_box": True,
            }
        )
    except Exception as exc:  # ImportError, a missing model file, an onnxruntime that will not load
        _log.warning("RapidOCR unavailable (%s: %s); scanned pages go to Tesseract", type(exc).__name__, exc)
        return None


def in_use() -> str:
    """The engine that read the last page in this process: "rapidocr" or "tesseract"."""
    return _in_use


def thresholds() -> tuple[float, float]:
    """(figure, text) confidences below which the engine that read in this process is not to be trusted."""
    if _in_use == "rapidocr":
        return RAPID_LOW_CONFIDENCE, RAPID_LOW_TEXT_CONFIDENCE
    return LOW_CONFIDENCE, LOW_TEXT_CONFIDENCE


class _PageTimeout(Exception):
    pass


def _within(timeout: float, run: Callable[[], T]) -> T:
    """``run()``, interrupted by SIGALRM after ``timeout`` s where a signal can be used (the main thread),
    and refused after the fact anywhere else; the alarm set before, if any, is restored."""
    over = ReadError(
        f"scanned PDF: OCR of one page took longer than its {timeout:g} s budget (ReadLimits.ocr_page_s)"
    )
    t0 = time.monotonic()
    if threading.current_thread() is not threading.main_thread():
        out = run()
    else:

        def expire(signum: int, frame: object) -> None:
            raise _PageTimeout

        old_handler = signal.signal(signal.SIGALRM, expire)
        old_delay, _ = signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            out = run()
        except _PageTimeout:
            raise over from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_delay:
                signal.setitimer(signal.ITIMER_REAL, max(0.001, old_delay - (time.monotonic() - t0)))
    if time.monotonic() - t0 > timeout:
        raise over
    return out


def _line_numbers(boxes: list[Any]) -> dict[int, int]:
    """Line of each detected box: boxes whose vertical centres lie within half a line height of each other."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0][1] + boxes[i][2][1]) / 2)
    line_of: dict[int, int] = {}
    line_no, last_mid = -1, -1e9
    for i in order:
        top, bottom = boxes[i][0][1], boxes[i][2][1]
        mid = (top + bottom) / 2
        if mid - last_mid > (bottom - top) / 2:
            line_no += 1
            last_mid = mid
        line_of[i] = line_no
    return line_of


def rapid_words(engine: Any, png: bytes) -> list[Word]:
    """RapidOCR's characters on the page as words, each with its own score."""
    result = engine(png)
    boxes = [] if result.boxes is None else [b.tolist() for b in result.boxes]
    line_of = _line_numbers(boxes)
    words: list[Word] = []
    for i, line in enumerate(result.word_results or ()):
        if i not in line_of:
            continue
        for text, score, box in line:
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            left, top = int(min(xs)), int(min(ys))
            width, height = max(1, int(max(xs)) - left), max(1, int(max(ys)) - top)
            words.append(Word(str(text), left, top, width, height, float(score), (0, 0, line_of[i])))
    return words


def recognise(png: bytes, timeout: float) -> list[Word]:
    """The words on one prepared page, by RapidOCR or, failing that or when asked, Tesseract."""
    global _in_use
    engine = None if os.environ.get(ENGINE_ENV, "").lower() == "tesseract" else _rapid()
    if engine is not None:
        _in_use = "rapidocr"
        try:
            return _within(timeout, lambda: rapid_words(engine, png))
        except ReadError:
            raise
        except Exception as exc:  # a page onnxruntime or OpenCV cannot take: a reason, not a crash
            raise ReadError(f"scanned PDF: OCR failed ({type(exc).__name__}: {exc})") from exc
    from jixiao.read.ocr_verify import verify_figures

    _in_use = "tesseract"
    return verify_figures(png, parse_tsv(tesseract_tsv(png, timeout)), timeout)
