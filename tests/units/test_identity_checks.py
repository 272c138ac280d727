"""The identity checks through real Great Expectations: unit_name_plausible fires on page debris and dates,
and an error on identity holds the report in the review queue instead of loading it as matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.runner import validate
from jixiao.quality import hold_for_review
from jixiao.units.match import MatchCandidate, MatchResult
from tests.expectations.test_suites import failing, frame


@pytest.mark.parametrize(
    ("name", "fails"),
    [
        pytest.param("永州市零陵区档案馆", False, id="a-body-passes"),
        pytest.param("文档简介", True, id="page-debris-fails"),
        pytest.param("2025年", True, id="a-date-fails"),
    ],
)
def test_unit_name_plausible_fires(tmp_path: Path, name: str, fails: bool) -> None:
    outcomes = validate("parsed", frame({"unit_name": name}), context_dir=tmp_path)
    assert failing(outcomes, "unit_name_plausible") == ({1} if fails else set())


def _matched(adcode: str) -> MatchResult:
    cand = (MatchCandidate(adcode, "香河县妇女联合会", 100.0, "妇联"),)
    return MatchResult(
        "matched", adcode, 100.0, "alias", "香河县妇联", "香河县妇联", cand, department_type="妇联"
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        pytest.param("香河县妇联", "matched", id="plausible-name-stays-matched"),
        pytest.param("文档简介", "needs_review", id="identity-error-holds-it-for-review"),
    ],
)
def test_identity_error_holds_the_match(tmp_path: Path, name: str, status: str) -> None:
    outcomes = validate("parsed", frame({"unit_name": name}), context_dir=tmp_path)
    held = hold_for_review({1: _matched("131024")}, outcomes)
    assert held[1].status == status
    if status == "needs_review":
        assert held[1].adcode is None and "unit_name_plausible" in held[1].reason
        assert held[1].candidates, "the reviewer still sees the candidate"
