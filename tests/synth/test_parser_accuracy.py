"""Parser field accuracy on the synthetic corpus (all formats), project-table lines included.

The issue's goal is 99 %. ``jixiao accuracy`` measured 100.00 % on 1,000 reports of seeds 3, 7 and 11 when
this floor was set; the generator and the parser come from the same team, so the floor guards against
regressions in what the generator knows and says nothing about phrasings it does not write.
"""

from __future__ import annotations

from pathlib import Path

from jixiao_dev.synth import SynthConfig, generate_corpus
from jixiao_dev.synth.accuracy import measure


def test_field_accuracy_meets_the_goal(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path, SynthConfig(n=300, seed=5))
    assert {".txt", ".md", ".docx", ".pdf"} <= {p.suffix for p in corpus}
    report = measure(corpus, workers=2)
    assert report.total > 6000
    assert report.by_field["project_lines"].total > 300
    assert report.overall >= 0.99, report.format_table()
    assert report.spurious <= report.total * 0.001, report.format_table()
