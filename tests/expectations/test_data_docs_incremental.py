"""Data Docs: a run renders its own validation pages and the index, not the pages of earlier runs again; a
site that is missing is built whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from expectations.runner import build_data_docs, validate
from tests.expectations.test_suites import frame


def pages(site: Path) -> dict[str, int]:
    """Validation pages of the site → mtime in ns."""
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in (site / "validations").rglob("*.html")}


@pytest.mark.parametrize(
    ("delete_site", "first_run_rendered_again"),
    [
        pytest.param(False, False, id="second-run-renders-only-its-own-pages"),
        pytest.param(True, True, id="missing-site-is-built-whole"),
    ],
)
def test_second_build_renders_only_the_new_run(
    tmp_path: Path, delete_site: bool, first_run_rendered_again: bool
) -> None:
    df = frame({"execution_rate": 98.32, "report_date": "2023-04-17", "score": 97.5, "grade": "优"})
    validate("parsed", df, context_dir=tmp_path, run_id="run-one")
    site = build_data_docs(tmp_path).parent
    first = pages(site)
    assert len(first) == 1 and "run-one" in next(iter(first))
    if delete_site:
        shutil.rmtree(site)
    validate("parsed", df, context_dir=tmp_path, run_id="run-two")
    index = build_data_docs(tmp_path)
    second = pages(site)
    assert len(second) == 2 and any("run-two" in p for p in second)
    (old,) = first
    assert (second[old] != first[old]) is first_run_rendered_again
    # The index lists both runs either way.
    text = index.read_text(encoding="utf-8")
    assert "run-one" in text and "run-two" in text
