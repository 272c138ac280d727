"""The benchmark's verdicts: each target is judged in the direction it is stated (at least / at most)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.bench import TARGETS, judge


def _rows(read_s: float, parse_rps: float, full_rps: float, rss: float) -> dict[str, dict[str, Any]]:
    return {
        "floor": {"wall_s": 2.0, "n": 100, "peak_rss_mib": 100.0},
        "read": {"wall_s": read_s, "n": 100, "peak_rss_mib": 100.0},
        "parse": {"wall_s": 1.0, "inner_s": 1.0, "inner_n": parse_rps, "n": 100, "peak_rss_mib": 100.0},
        "full_sqlite": {"wall_s": 1.0, "inner_s": 1.0, "inner_n": full_rps, "n": 100, "peak_rss_mib": rss},
    }


@pytest.mark.parametrize(
    ("rows", "key", "met"),
    [
        pytest.param(_rows(10.0, 1000, 200, 1024), "read_over_floor", True, id="read-at-5x-floor-met"),
        pytest.param(_rows(10.4, 1000, 200, 1024), "read_over_floor", False, id="read-over-5x-floor-missed"),
        pytest.param(_rows(9.0, 1000, 200, 1024), "parse_txt_rps_per_core", True, id="parse-1000-met"),
        pytest.param(_rows(9.0, 999, 200, 1024), "parse_txt_rps_per_core", False, id="parse-999-missed"),
        pytest.param(_rows(9.0, 1000, 200, 1024), "full_sqlite_rps", True, id="full-200-met"),
        pytest.param(_rows(9.0, 1000, 199, 1024), "full_sqlite_rps", False, id="full-199-missed"),
        pytest.param(_rows(9.0, 1000, 200, 1024), "peak_rss_mib", True, id="rss-1gib-met"),
        pytest.param(_rows(9.0, 1000, 200, 1025), "peak_rss_mib", False, id="rss-over-1gib-missed"),
    ],
)
def test_each_target_is_judged_in_its_direction(rows: dict[str, dict[str, Any]], key: str, met: bool) -> None:
    verdicts = judge(rows, scaling=None, latencies=[1.0], startup={})
    assert key in TARGETS
    assert verdicts[key][1] is met


def test_rows_left_out_are_not_judged() -> None:
    verdicts = judge(_rows(9.0, 1000, 200, 1024), scaling=None, latencies=[1.0], startup={})
    assert "scaling_ratio" not in verdicts
    assert "five_seeds_warm_s" not in verdicts
