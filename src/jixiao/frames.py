"""One pandas DataFrame per pipeline step per batch: what the data-quality suites validate.

Rows are keyed by ``file_id`` (``BATCH_KEY``), the source file's integer id: a report gets its database id
only when it is loaded, and every check outcome, evidence lookup and alert row keeps the file's id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from jixiao.model import ALL_FIELDS, COUNT_FIELDS, MONEY_FIELDS, PERCENT_FIELDS
from jixiao.pipeline import ReadParseResult
from jixiao.units.match import MatchResult

BATCH_KEY = "file_id"
_FLOAT_FIELDS = (*MONEY_FIELDS, *PERCENT_FIELDS, "score")
_INT_FIELDS = ("fiscal_year", *COUNT_FIELDS)


def _float(value: Any) -> float | None:
    if isinstance(value, Decimal | int | float):
        return float(value)
    return None


def read_frame(results: Sequence[ReadParseResult], names: Mapping[int, str]) -> pd.DataFrame:
    rows = [
        {
            BATCH_KEY: r.file_id,
            "file_name": names.get(r.file_id, ""),
            "format": r.format,
            "encoding": r.encoding,
            "n_chars": r.n_chars,
            "replacement_ratio": r.replacement_ratio,
            "ocr_low_figures": len(r.ocr_low_confidence),
        }
        for r in results
        if r.format is not None
    ]
    return pd.DataFrame(
        rows,
        columns=[
            BATCH_KEY,
            "file_name",
            "format",
            "encoding",
            "n_chars",
            "replacement_ratio",
            "ocr_low_figures",
        ],
    )


def parsed_frame(results: Sequence[ReadParseResult]) -> pd.DataFrame:
    rows = []
    for r in results:
        if r.parsed is None:
            continue
        row: dict[str, Any] = {BATCH_KEY: r.file_id}
        for name in ALL_FIELDS:
            value = r.parsed.value(name)
            if name in _FLOAT_FIELDS:
                row[name] = _float(value)
            elif name in _INT_FIELDS:
                row[name] = int(value) if value is not None else None
            else:
                row[name] = None if value is None else str(value)
        amounts = [p.amount for p in r.parsed.project_lines if p.amount is not None]
        row["project_lines_sum"] = float(sum(amounts, Decimal(0))) if amounts else None
        row["project_lines_count"] = len(r.parsed.project_lines)
        row["shares"] = [(s.label, float(s.percent)) for s in r.parsed.shares]
        rows.append(row)
    frame = pd.DataFrame(
        rows, columns=[BATCH_KEY, *ALL_FIELDS, "project_lines_sum", "project_lines_count", "shares"]
    )
    for name in (*_FLOAT_FIELDS, "project_lines_sum"):
        frame[name] = frame[name].astype("float64")
    for name in _INT_FIELDS:
        frame[name] = frame[name].astype("Int64")
    return frame


def matched_frame(results: Sequence[ReadParseResult], matches: Mapping[int, MatchResult]) -> pd.DataFrame:
    rows = [
        {
            BATCH_KEY: r.file_id,
            "match_status": matches[r.file_id].status,
            "match_score": float(matches[r.file_id].score),
            "unit_adcode": matches[r.file_id].adcode,
            "own_names_conflict": matches[r.file_id].conflict or "",
            "own_names_count": len(r.parsed.own_names) if r.parsed is not None else 0,
        }
        for r in results
        if r.file_id in matches
    ]
    return pd.DataFrame(
        rows,
        columns=[
            BATCH_KEY,
            "match_status",
            "match_score",
            "unit_adcode",
            "own_names_conflict",
            "own_names_count",
        ],
    )
