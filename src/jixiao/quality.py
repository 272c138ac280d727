"""Data-quality checks as plain data, and the derived columns they are evaluated on.

The checks themselves are registered in ``jixiao.checks``; the Great Expectations suites (``expectations/``)
turn each into expectations over one DataFrame per step per batch. The accounting identities are computed here as deviation columns — NaN
where an input is missing, meaning "not applicable" — because GX's multicolumn-sum expectation compares
floats exactly and would fail 92.87 + 56.95 against 149.83 on binary rounding alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from jixiao.checks import CHECKS
from jixiao.model import MONEY_FIELDS, PERCENT_FIELDS, ParsedReport
from jixiao.parse.identity import plausible_name
from jixiao.status import CheckStatus, MatchStatus, Severity
from jixiao.units.match import MatchResult

GRADES = ("优", "良", "中", "差")
GRADE_BANDS = {"优": (90.0, 100.0), "良": (80.0, 89.99), "中": (60.0, 79.99), "差": (0.0, 59.99)}


@dataclass(frozen=True)
class CheckOutcome:
    suite: str
    check_id: str
    severity: Severity
    status: CheckStatus
    file_id: int | None  # the source file the row was read from (None: a check on the whole batch or table)
    observed: str | None
    expected: str | None
    message: str


# ---------------------------------------------------------------------------------------------- derived columns


def _nan(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]  # pandas hands numbers, None or NA
    except (TypeError, ValueError):
        return math.nan
    return v


def _date_offset_days(report_date: object, year: object) -> float:
    """0 inside [Dec 1 of the fiscal year, Dec 31 of the next]; otherwise days outside (negative = too early)."""
    if not isinstance(report_date, str) or not report_date or pd.isna(year):
        return math.nan
    y = int(year)  # type: ignore[call-overload]  # a nullable Int64 scalar
    parts = report_date.split("-")
    try:
        if len(parts) == 2:
            # A month-only date counts as its whole month.
            first = date(int(parts[0]), int(parts[1]), 1)
            last = date(int(parts[0]) + (parts[1] == "12"), int(parts[1]) % 12 + 1, 1)
            lo, hi = date(y, 12, 1), date(y + 1, 12, 31)
            if last <= lo:
                return float((last - lo).days - 1)
            return 0.0 if first <= hi else float((first - hi).days)
        d = date.fromisoformat(report_date)
    except ValueError:
        return math.nan
    lo, hi = date(y, 12, 1), date(y + 1, 12, 31)
    if d < lo:
        return float((d - lo).days)
    if d > hi:
        return float((d - hi).days)
    return 0.0


def _grade_gap(grade: object, score: object) -> float:
    s = _nan(score)
    if not isinstance(grade, str) or grade not in GRADE_BANDS or math.isnan(s):
        return math.nan
    lo, hi = GRADE_BANDS[grade]
    return 0.0 if lo <= s <= hi + 0.009 else round(min(abs(s - lo), abs(s - hi)), 2)


def _plausible(name: object) -> float:
    """1 for a name that could be a body's, 0 for page debris or a date; NaN when there is no name."""
    if not isinstance(name, str) or not name:
        return math.nan
    return 1.0 if plausible_name(name) else 0.0


def parsed_checks_frame(parsed: pd.DataFrame) -> pd.DataFrame:
    out = parsed.copy()
    out["unit_name_plausible"] = [_plausible(n) for n in parsed["unit_name"]]
    out["grade_score_gap"] = [_grade_gap(g, s) for g, s in zip(parsed["grade"], parsed["score"], strict=True)]
    money = parsed[list(MONEY_FIELDS)]
    out["min_amount"] = money.min(axis=1, skipna=True)
    out["max_amount"] = money.max(axis=1, skipna=True)
    pct = parsed[list(PERCENT_FIELDS)]
    out["min_percent"] = pct.min(axis=1, skipna=True)
    out["max_percent"] = pct.max(axis=1, skipna=True)
    return out


def consistency_frame(parsed: pd.DataFrame) -> pd.DataFrame:
    """Per report, one deviation column per accounting identity (NaN = not applicable)."""
    p = parsed
    g = {c: p[c].astype("float64") for c in (*MONEY_FIELDS, *PERCENT_FIELDS, "project_lines_sum")}
    out = pd.DataFrame({"file_id": p["file_id"]})
    out["execution_rate"] = g["execution_rate"]
    derived = g["expenditure_total"] / g["budget_adjusted"] * 100
    out["derived_rate_vs_adjusted_budget"] = derived.where(g["execution_rate"].isna()).round(2)
    out["shares_sum_deviation"] = (g["personnel_share"] + g["public_share"] - 100).abs().round(4)
    out["personnel_public_basic_deviation"] = (
        (g["personnel_expense"] + g["public_expense"] - g["basic_expenditure"]).abs().round(4)
    )
    out["basic_project_total_deviation"] = (
        (g["basic_expenditure"] + g["project_expenditure"] - g["expenditure_total"]).abs().round(4)
    )
    base = g["personnel_expense"] + g["public_expense"]
    dev_personnel = (g["personnel_share"] - g["personnel_expense"] / base * 100).abs()
    dev_public = (g["public_share"] - g["public_expense"] / base * 100).abs()
    funds = g["income_total"] + g["carryover_start"]
    dev_rate = (g["execution_rate"] - g["expenditure_total"] / funds * 100).abs()
    out["stated_rate_deviation"] = (
        pd.concat([dev_personnel, dev_public, dev_rate], axis=1).max(axis=1, skipna=True).round(4)
    )
    out["report_date_offset_days"] = [
        _date_offset_days(d, y) for d, y in zip(p["report_date"], p["fiscal_year"], strict=True)
    ]
    counts = p["project_lines_count"].astype("float64")
    excess = (g["project_lines_sum"] - g["project_expenditure"]).abs() - 0.02 * counts
    out["project_lines_excess"] = excess.clip(lower=0).where(counts > 0).round(4)
    return out


def matched_checks_frame(matched: pd.DataFrame, auto_threshold: float) -> pd.DataFrame:
    out = matched.copy()
    is_matched = out["match_status"] == MatchStatus.MATCHED
    # A unit matched although the report names itself nowhere (title, header, signature, definition).
    out["matched_without_own_name"] = (is_matched & (out["own_names_count"] == 0)).astype("int64")
    return out


# Error checks on the unit's identity: a report failing one is held in the review queue, not loaded as
# matched (``hold_for_review``).
IDENTITY_CHECKS = frozenset(c.id for c in CHECKS.values() if c.holds_for_review)


def hold_for_review(
    matches: Mapping[int, MatchResult], outcomes: Sequence[CheckOutcome]
) -> dict[int, MatchResult]:
    """``matches`` with every automatic match of a report failing an identity check turned into a review.

    Outcomes and matches are both keyed by the source file's id.
    """
    failed: dict[int, list[str]] = {}
    for o in outcomes:
        if (
            o.status == CheckStatus.FAIL
            and o.severity == Severity.ERROR
            and o.check_id in IDENTITY_CHECKS
            and o.file_id is not None
        ):
            failed.setdefault(o.file_id, []).append(o.check_id)
    out = dict(matches)
    for file_id, m in matches.items():
        checks = failed.get(file_id)
        if checks and m.status == MatchStatus.MATCHED:
            out[file_id] = replace(
                m,
                status=MatchStatus.NEEDS_REVIEW,
                adcode=None,
                method=m.method + "+held",
                reason=f"held for review: the check(s) {', '.join(sorted(set(checks)))} failed",
            )
    return out


def current_year() -> int:
    return date.today().year


# The fields whose source text explains a failing check: shown to people as evidence.
EVIDENCE_FIELDS: dict[str, tuple[str, ...]] = {c.id: c.evidence for c in CHECKS.values() if c.evidence}


def with_evidence(
    outcomes: Sequence[CheckOutcome], reports: Mapping[int, ParsedReport]
) -> list[CheckOutcome]:
    """Append the source text of the fields behind each failure, e.g. 原文「2022年1月9日」 (``reports`` by file id)."""
    out = []
    for o in outcomes:
        report = reports.get(o.file_id) if o.file_id is not None else None
        if o.status != CheckStatus.FAIL or report is None:
            out.append(o)
            continue
        snippets = [
            f"「{report.facts[name].evidence.snippet}」"
            for name in EVIDENCE_FIELDS.get(o.check_id, ())
            if name in report.facts
        ]
        if snippets:
            o = replace(o, message=f"{o.message} · 原文 {' '.join(snippets)}")
        out.append(o)
    return out
