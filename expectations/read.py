"""Suite `read`: the text was decoded and is plausibly a report."""

from __future__ import annotations

import pandas as pd

from jixiao.quality import CheckSpec

SUITE = "read"
KEY = "file_id"
SPECS = (
    CheckSpec(SUITE, "text_non_empty", "error", "between", "n_chars", 1, None, expected=">= 1 character"),
    CheckSpec(
        SUITE,
        "text_plausible_length",
        "warning",
        "between",
        "n_chars",
        500,
        2_000_000,
        expected="500 .. 2,000,000 characters",
        explain="very short or very long for a report",
    ),
    CheckSpec(
        SUITE,
        "text_decoded_cleanly",
        "error",
        "between",
        "replacement_ratio",
        0,
        0.01,
        expected="<= 1 % replacement characters",
        explain="wrong encoding?",
    ),
    CheckSpec(
        SUITE,
        "ocr_figures_confident",
        "warning",
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
