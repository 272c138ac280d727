"""Accuracy per format of a corpus (txt, docx, pdf, scan…): each format measured and timed on its own, and
how its wrong values were caught (flagged by OCR confidence, or silent), and its false alarms (right values
flagged)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao_dev.synth.accuracy import AccuracyReport, evaluate, extracted


@dataclass(frozen=True)
class FormatAccuracy:
    """Accuracy of one format of a corpus, its read+parse time, and how its wrong values were caught."""

    format: str  # the truth's format: txt, docx, pdf, xlsx, doc, ofd, scan (a scanned PDF)
    files: int
    report: AccuracyReport
    ms_per_file: float
    pages: int
    wrong_flagged: int  # wrong values whose figure OCR read below its confidence threshold
    wrong_silent: int  # wrong values nothing flagged
    right_flagged: int = 0  # false alarms: right values flagged all the same

    @property
    def ms_per_page(self) -> float:
        return self.ms_per_file * self.files / max(1, self.pages)


def measure_by_format(
    reports: Sequence[Path], workers: int = 0, truth_dir: Path | None = None
) -> list[FormatAccuracy]:
    """``measure`` for each format of the corpus on its own (the truth's ``format``), timed separately."""
    import time

    from jixiao import pipeline
    from jixiao.read import ReadLimits
    from jixiao_dev.synth import load_truth

    groups: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for p in reports:
        truth = {**load_truth(p if truth_dir is None else truth_dir / p.name), "file": p.name}
        groups.setdefault(str(truth.get("format") or p.suffix.lstrip(".")), []).append((p, truth))
    out: list[FormatAccuracy] = []
    for fmt in sorted(groups):
        items = groups[fmt]
        t0 = time.perf_counter()
        results = pipeline.read_and_parse_many(
            [(i, str(p)) for i, (p, _) in enumerate(items)], ReadLimits(), workers
        )
        seconds = time.perf_counter() - t0
        flagged = silent = alarms = 0
        for (_, truth), r in zip(items, results, strict=True):
            one = evaluate([(truth, extracted(r.parsed))], keep_examples=10_000)
            alarms += len(set(r.ocr_low_confidence) - {field for _, field, _, _ in one.examples})
            for _, field, _, got in one.examples:
                if not got:
                    continue  # missing, not a wrong value
                if field in r.ocr_low_confidence:
                    flagged += 1
                else:
                    silent += 1
        report = evaluate((truth, extracted(r.parsed)) for (_, truth), r in zip(items, results, strict=True))
        pages = sum(_pages(p) for p, _ in items) if fmt in ("scan", "pdf", "ofd") else len(items)
        out.append(
            FormatAccuracy(
                fmt, len(items), report, seconds * 1000 / len(items), pages, flagged, silent, alarms
            )
        )
    return out


def _pages(path: Path) -> int:
    if path.suffix != ".pdf":
        return 1
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def format_table(rows: Sequence[FormatAccuracy]) -> str:
    head = f"{'format':<8}{'files':>7}{'fields':>8}{'accuracy':>10}{'wrong':>7}{'flagged':>9}{'silent':>8}{'alarms':>8}{'ms/file':>9}{'ms/page':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.format:<8}{r.files:>7}{r.report.total:>8}{r.report.overall:>10.2%}{r.report.wrong:>7}"
            f"{r.wrong_flagged:>9}{r.wrong_silent:>8}{r.right_flagged:>8}{r.ms_per_file:>9.0f}{r.ms_per_page:>9.0f}"
        )
    return "\n".join(lines)
