"""Suite `matched`: every report has a unit or waits in the review queue, and a unit is matched only from
the report's own name. What the matcher guarantees by construction (a matched report carries its adcode,
its score clears the automatic threshold) is proved by unit tests (tests/units/test_match.py), not here."""

from __future__ import annotations

import pandas as pd

from jixiao import checks
from jixiao.checks import Expectation
from jixiao.quality import matched_checks_frame

SUITE = "matched"
SPECS = (
    Expectation(
        checks.MATCH_STATUS_VALID,
        "in_set",
        "match_status",
        value_set=("matched", "needs_review", "unmatched"),
        expected="matched, or queued for review",
    ),
    Expectation(
        checks.MATCHED_BY_OWN_NAME,
        "between",
        "matched_without_own_name",
        0,
        0,
        expected="a matched report names itself (title, header field, signature or definition)",
    ),
    Expectation(
        checks.OWN_NAMES_AGREE,
        "in_set",
        "own_names_conflict",
        value_set=("",),
        expected="title, header field and signature name one unit",
        explain="an own name read alone, and the unit it names",
    ),
)


def prepare(frame: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    return matched_checks_frame(frame, auto_threshold)
