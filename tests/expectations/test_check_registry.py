"""One registry of checks (``jixiao.checks``): the suites, the evidence and the generator all use it."""

from __future__ import annotations

from types import ModuleType

import pytest

from expectations import consistency, loaded, matched, parsed, read
from jixiao import checks
from jixiao.checks import CHECKS, CheckSpec, Expectation
from jixiao.model import ALL_FIELDS
from jixiao.quality import EVIDENCE_FIELDS, IDENTITY_CHECKS
from jixiao.status import Severity
from jixiao_dev.synth import CHECK_IDS

SUITES = (read, parsed, consistency, matched, loaded)


@pytest.mark.parametrize("suite", [pytest.param(m, id=m.SUITE) for m in SUITES])
def test_every_expectation_runs_in_its_checks_step(suite: ModuleType) -> None:
    assert suite.SPECS
    assert {e.check.step for e in suite.SPECS} == {suite.SUITE}
    assert all(e.check is CHECKS[e.check_id] for e in suite.SPECS)


def test_every_registered_check_has_an_expectation() -> None:
    used = {e.check_id for m in SUITES for e in m.SPECS}
    assert used == set(CHECKS)


@pytest.mark.parametrize(
    ("expectation", "severity"),
    [
        pytest.param(Expectation(checks.SHARES_SUM_TO_100, "between"), Severity.ERROR, id="check-severity"),
        pytest.param(
            Expectation(checks.SHARES_SUM_TO_100, "between", milder=Severity.WARNING),
            Severity.WARNING,
            id="a-milder-expectation-overrides-it",
        ),
    ],
)
def test_an_expectation_takes_its_checks_severity_unless_milder(
    expectation: Expectation, severity: Severity
) -> None:
    assert expectation.severity == severity


def test_evidence_and_identity_checks_come_from_the_registry() -> None:
    assert EVIDENCE_FIELDS["shares_sum_to_100"] == ("personnel_share", "public_share")
    assert "text_non_empty" not in EVIDENCE_FIELDS  # no field explains an empty text
    assert all(set(fields) <= set(ALL_FIELDS) for fields in EVIDENCE_FIELDS.values())
    assert {"unit_name_present", "unit_name_plausible", "matched_by_own_name"} == IDENTITY_CHECKS


def test_the_generator_breaks_only_registered_consistency_checks() -> None:
    assert set(CHECK_IDS) <= set(CHECKS)
    assert {CHECKS[c].step for c in CHECK_IDS} == {"consistency"}


def test_a_check_id_is_defined_once() -> None:
    specs = [v for v in vars(checks).values() if isinstance(v, CheckSpec)]
    assert len(specs) == len(CHECKS) == len({s.id for s in specs})
