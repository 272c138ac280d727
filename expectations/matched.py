"""Suite `matched`: every report has a unit or waits in the review queue; auto matches clear the bar."""

from __future__ import annotations

import pandas as pd

from jixiao.quality import CheckSpec, matched_checks_frame

SUITE = "matched"
KEY = "report_id"
SPECS = (
    CheckSpec(
        SUITE,
        "match_status_valid",
        "error",
        "in_set",
        "match_status",
        value_set=("matched", "needs_review", "unmatched"),
        expected="matched, or queued for review",
    ),
    CheckSpec(
        SUITE,
        "matched_report_has_unit",
        "error",
        "between",
        "matched_without_unit",
        0,
        0,
        expected="a matched report names its unit",
    ),
    CheckSpec(
        SUITE,
        "match_score_above_auto_threshold",
        "error",
        "between",
        "auto_score_shortfall",
        0,
        0,
        expected="score >= the auto threshold, or status needs_review",
        explain="points below the threshold",
    ),
    CheckSpec(
        SUITE,
        "own_names_agree",
        "warning",
        "in_set",
        "own_names_conflict",
        value_set=("",),
        expected="title, header field and signature name one unit",
        explain="an own name read alone, and the unit it names",
    ),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return matched_checks_frame(frame, auto_threshold)
