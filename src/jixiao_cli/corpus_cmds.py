"""``jixiao synth`` and ``jixiao accuracy``: corpora with ground truth, and the parser's score on them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao_cli.common import console, err, progress_bar
from jixiao_cli.env import prepare_environment


def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the corpus into.")] = Path(
        "synth-corpus"
    ),
    n: Annotated[int, typer.Option("--n", help="Number of reports.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same corpus).")] = 0,
    violation_rate: Annotated[float, typer.Option(help="Share of reports breaking one identity.")] = 0.1,
    formats: Annotated[
        str,
        typer.Option(
            "--formats",
            help="Format shares, e.g. txt=0.5,docx=0.1,pdf=0.1,xlsx=0.1,doc=0.05,ofd=0.1,scan=0.05 "
            "(scan: a stamped, scanned PDF; doc needs LibreOffice to write).",
        ),
    ] = "txt=0.80,docx=0.15,pdf=0.05",
) -> None:
    """Write a synthetic corpus of reports with ground truth (.truth.json beside each)."""
    from jixiao_dev.synth import SynthConfig, generate_corpus, parse_formats

    try:
        shares = parse_formats(formats)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc

    prepare_environment(None)
    with progress_bar("generating") as progress:
        bar = progress.add_task("synth", total=n)
        paths = generate_corpus(
            out,
            SynthConfig(n=n, seed=seed, violation_rate=violation_rate, formats=shares),
            progress=lambda k: progress.advance(bar, k),
        )
    console.print(f"wrote {len(paths)} reports with ground truth to {out}")


def _corpus_files(corpus: Path, texts: Path | None) -> list[Path]:
    """The reports to score: those with a .truth.json beside them, or (--texts) the texts of the truths."""
    from jixiao import pipeline

    if texts is None:
        return sorted(
            p
            for p in corpus.iterdir()
            if p.suffix in pipeline.SUPPORTED_SUFFIXES and p.with_name(p.name + ".truth.json").is_file()
        )
    reports = [texts / t.name.removesuffix(".truth.json") for t in sorted(corpus.glob("*.truth.json"))]
    absent = [r for r in reports if not r.is_file()]
    if absent:
        err.print(
            f"[red]error:[/red] {len(absent)} of {len(reports)} texts are not in {texts} "
            f"(first: {absent[0].name}); the real-report texts are third-party and kept out of git: "
            "see README, 'Accuracy on real reports'"
        )
        raise typer.Exit(2)
    return reports


def accuracy(
    corpus: Annotated[Path, typer.Argument(help="A folder of reports with .truth.json beside them.")],
    workers: Annotated[int, typer.Option(help="Parse processes (0 = one per core).")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    texts: Annotated[
        Path | None,
        typer.Option(help="Read the reports from this folder; CORPUS then holds only the .truth.json files."),
    ] = None,
    examples: Annotated[int, typer.Option(help="How many wrong or missing values to list (json).")] = 20,
    by_format: Annotated[
        bool, typer.Option("--by-format", help="Also per file format: accuracy, time, wrong values flagged.")
    ] = False,
    units: Annotated[
        bool,
        typer.Option(
            "--units",
            help="Score unit identity instead of fields: each report matched to the registry as the ingest "
            "does, against the truth's unit (right / wrong / review / not in registry), per file.",
        ),
    ] = False,
) -> None:
    """Parse a corpus with ground truth (`jixiao synth`, tests/parse/handwritten) and report field accuracy."""
    from jixiao_dev.synth.accuracy import measure
    from jixiao_dev.synth.by_format import format_table, measure_by_format

    prepare_environment(None)
    reports = _corpus_files(corpus, texts)
    if not reports:
        err.print(
            f"[red]error:[/red] no reports with truth in {escape(str(corpus))}; "
            f"write some with `jixiao synth --out {escape(str(corpus))}`"
        )
        raise typer.Exit(2)
    truth_dir = corpus if texts is not None else None
    if units:
        _units(reports, truth_dir or corpus, fmt)
        return
    report = measure(reports, workers, truth_dir=truth_dir, keep_examples=examples)
    if fmt == "json":
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    console.print(report.format_table())
    console.print(
        f"overall field accuracy: {report.overall:.2%}, precision {report.precision:.2%} over {len(reports)} reports"
    )
    if by_format:
        console.print(format_table(measure_by_format(reports, workers, truth_dir)))


def _units(reports: list[Path], truth_dir: Path, fmt: str) -> None:
    from dataclasses import asdict

    from jixiao_dev.identity import format_rows, measure_units

    rows = measure_units(reports, truth_dir)
    if fmt == "json":
        sys.stdout.write(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    sys.stdout.write(format_rows(rows) + "\n")
