"""Snapshot of the whole parse of each seed (every fact with its evidence), to catch any regression.

The hand-checked values live in test_golden_seeds.py; this file pins everything else. Refresh after an
intended change with:  JIXIAO_UPDATE_GOLDEN=1 scripts/test.sh tests/parse
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from jixiao.parse import parse_report
from jixiao.read import read_path
from tests.support import seed_paths

GOLDEN = Path(__file__).parent / "golden"


def snapshot(path: Path) -> dict[str, Any]:
    report = parse_report(read_path(path).text)
    return json.loads(json.dumps(asdict(report), ensure_ascii=False, default=str))


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_parse_matches_golden(path: Path) -> None:
    golden = GOLDEN / f"{path.stem[:3]}.json"
    got = snapshot(path)
    if os.environ.get("JIXIAO_UPDATE_GOLDEN") == "1":
        golden.write_text(
            json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got == expected
