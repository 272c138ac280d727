"""Field accuracy on 44 reports written by hand, with truth typed by hand, for phrasings the generator lacks.

Two helpers wrote them without reading the parser or the generator (other provinces, other departments,
元 amounts, full-width digits, tables with budget and executed columns), each measured with
``jixiao accuracy`` the first time it was seen: ``heldout-*`` (24) at 77.64 % before any parser change made
for them, ``h2-*`` (20) at 90.49 % after the changes made for the first set only. Being tuned on now, they are
a regression floor, no longer a held-out measure.
"""

from __future__ import annotations

from pathlib import Path

from jixiao_dev.synth.accuracy import measure

CORPUS = Path(__file__).parent / "handwritten"


def test_handwritten_reports_accuracy() -> None:
    reports = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")
    assert len(reports) == 44
    report = measure(reports, workers=1)
    assert report.total > 1200
    assert report.overall >= 0.95, report.format_table()
    assert report.spurious == 0, report.format_table()
