"""A seeded generator of synthetic reports with known ground truth, for tests and the benchmark.

Phrasings, section orders, header styles, units of measure and distractor numbers follow the variety of
the seed reports. Each file gets a ``<name>.truth.json`` beside it with exactly the fields its text states
(names from ``jixiao.model.ALL_FIELDS``; money in 万元 as decimal strings, whatever unit the text used).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jixiao.units.registry import Unit, load_registry
from jixiao_dev.synth.render import (
    render_doc,
    render_docx,
    render_ofd,
    render_pdf,
    render_scanned_pdf,
)
from jixiao_dev.synth.text import CHECK_IDS, SyntheticReport, compose
from jixiao_dev.synth.xlsx import render_xlsx

# utf-16 is written with its BOM (Python's "utf-16" codec), as Windows Notepad saves "Unicode".
TXT_ENCODINGS: tuple[tuple[str, float], ...] = (
    ("utf-8", 0.5),
    ("gb18030", 0.25),
    ("utf-8-sig", 0.15),
    ("utf-16", 0.10),
)
MARKDOWN_SHARE = 0.1  # of the text files, written as .md with markdown headings (seed 001)
CRLF_SHARE = 0.3
LEVEL_SHARES: tuple[tuple[str, float], ...] = (("county", 0.8), ("prefecture", 0.15), ("province", 0.05))


# The formats beyond txt/docx/pdf: "scan" is a PDF of page images (printed, stamped, scanned).
_RENDERERS: dict[str, tuple[str, Callable[[SyntheticReport, Path, random.Random], None]]] = {
    "xlsx": (".xlsx", render_xlsx),
    "doc": (".doc", render_doc),
    "ofd": (".ofd", render_ofd),
    "scan": (".pdf", render_scanned_pdf),
}
FORMATS = ("txt", "docx", "pdf", *_RENDERERS)


def parse_formats(spec: str) -> dict[str, float]:
    """``"txt=0.5,docx=0.2,scan=0.3"`` → shares; the shares are scaled to sum to 1."""
    shares: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, share = part.partition("=")
        if name not in FORMATS:
            raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}")
        shares[name] = float(share or 1)
    total = sum(shares.values())
    if not shares or total <= 0:
        raise ValueError(f"no format shares in {spec!r} (e.g. txt=0.8,docx=0.15,pdf=0.05)")
    return {k: v / total for k, v in shares.items()}


@dataclass(frozen=True)
class SynthConfig:
    n: int = 1000
    seed: int = 0
    formats: Mapping[str, float] = field(default_factory=lambda: {"txt": 0.80, "docx": 0.15, "pdf": 0.05})
    violation_rate: float = 0.1  # fraction of reports that deliberately break one accounting identity


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    r = rng.random()
    acc = 0.0
    for value, weight in weighted:
        acc += weight
        if r < acc:
            return value
    return weighted[-1][0]


def _format_of(i: int, formats: Mapping[str, float]) -> str:
    # A golden-ratio sequence rather than a draw: every stretch of the corpus, however short, holds the
    # formats in close to their shares (a corpus of 20 still gets its .docx and .pdf).
    slot = ((i + 1) * 0.6180339887498949) % 1.0
    acc = 0.0
    for fmt, share in formats.items():
        acc += share
        if slot < acc:
            return fmt
    return list(formats)[-1]


@lru_cache(maxsize=1)
def _units_by_level() -> dict[str, tuple[Unit, ...]]:
    units = load_registry().units
    return {level: tuple(u for u in units if u.level == level) for level, _ in LEVEL_SHARES}


def _rng(config: SynthConfig, i: int, stream: int) -> random.Random:
    # One independent stream per report and purpose: changing the format mix leaves the words alone.
    return random.Random(f"jixiao-synth/{config.seed}/{i}/{stream}")


def generate_one(i: int, config: SynthConfig) -> SyntheticReport:
    """Report ``i`` of the corpus ``config`` describes (the same every time)."""
    rng = _rng(config, i, 0)
    unit = rng.choice(_units_by_level()[_pick(rng, LEVEL_SHARES)])
    violation = rng.choice(CHECK_IDS) if rng.random() < config.violation_rate else None
    return compose(rng, unit, violation)


def generate_corpus(
    out_dir: Path, config: SynthConfig, *, progress: Callable[[int], None] | None = None
) -> list[Path]:
    """Write ``config.n`` reports and a ``<file name>.truth.json`` beside each; return the report paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(config.n):
        report = generate_one(i, config)
        rng = _rng(config, i, 1)
        fmt = _format_of(i, config.formats)
        encoding: str | None = None
        stem = f"synth-{config.seed}-{i:06d}"
        if fmt == "txt":
            encoding = _pick(rng, TXT_ENCODINGS)
            markdown = rng.random() < MARKDOWN_SHARE
            body = report.text(markdown=markdown)
            if rng.random() < CRLF_SHARE:
                body = body.replace("\n", "\r\n")
            path = out_dir / f"{stem}.{'md' if markdown else 'txt'}"
            path.write_bytes(body.encode(encoding))
        elif fmt == "docx":
            path = out_dir / f"{stem}.docx"
            render_docx(report, path, rng)
        elif fmt == "pdf":
            path = out_dir / f"{stem}.pdf"
            render_pdf(report, path, rng)
        elif fmt in _RENDERERS:
            suffix, render = _RENDERERS[fmt]
            path = out_dir / f"{stem}{suffix}"
            render(report, path, rng)
        else:
            raise ValueError(f"unknown format {fmt!r} in SynthConfig.formats ({', '.join(FORMATS)})")
        truth = report.truth()
        # The file's suffix, except a scanned PDF: "scan", so accuracy is reported for it apart.
        truth.update(format="scan" if fmt == "scan" else path.suffix.lstrip("."), encoding=encoding)
        (out_dir / f"{path.name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        paths.append(path)
        if progress:
            progress(1)
    return paths


def load_truth(report_path: Path) -> dict[str, Any]:
    """The ground truth written beside ``report_path``."""
    data: dict[str, Any] = json.loads(
        report_path.with_name(report_path.name + ".truth.json").read_text("utf-8")
    )
    return data


__all__ = [
    "CHECK_IDS",
    "FORMATS",
    "SynthConfig",
    "generate_corpus",
    "generate_one",
    "load_truth",
    "parse_formats",
]
