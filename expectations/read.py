"""Suite `read`: the text was decoded and is plausibly a report."""

from __future__ import annotations

import pandas as pd

from jixiao import checks
from jixiao.checks import Expectation

SUITE = "read"
SPECS = (
    Expectation(checks.TEXT_NON_EMPTY, "between", "n_chars", 1, None, expected=">= 1 character"),
    Expectation(
        checks.TEXT_PLAUSIBLE_LENGTH,
        "between",
        "n_chars",
        500,
        2_000_000,
        expected="500 .. 2,000,000 characters",
        explain="very short or very long for a report",
    ),
    Expectation(
        checks.TEXT_DECODED_CLEANLY,
        "between",
        "replacement_ratio",
        0,
        0.01,
        expected="<= 1 % replacement characters",
        explain="wrong encoding?",
    ),
    Expectation(
        checks.OCR_FIGURES_CONFIDENT,
        "between",
        "ocr_low_figures",
        0,
        0,
        expected="no figure read by OCR below the confidence threshold (jixiao.read.ocr.LOW_CONFIDENCE)",
        explain="a scanned page's figure may be misread: compare it with the scan",
    ),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return frame
