"""A seeded generator of synthetic reports with known ground truth, for tests and the benchmark.

Phrasings, section orders, header styles, units of measure and distractor numbers follow the variety of
the seed reports. Each file gets a ``<name>.truth.json`` beside it with the fields its text states.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jixiao.synth.render import render_docx, render_pdf
from jixiao.synth.text import SyntheticReport, compose
from jixiao.units.registry import load_registry

TXT_ENCODINGS = (("utf-8", 0.5), ("gb18030", 0.25), ("utf-8-sig", 0.15), ("utf-16", 0.10))
CHECK_IDS = (
    "execution_rate_at_most_100",
    "shares_sum_to_100",
    "personnel_plus_public_equals_basic",
    "basic_plus_project_equals_total",
    "report_date_consistent_with_year",
    "project_lines_sum_to_project_expenditure",
)


@dataclass(frozen=True)
class SynthConfig:
    n: int = 1000
    seed: int = 0
    formats: Mapping[str, float] = field(default_factory=lambda: {"txt": 0.80, "docx": 0.15, "pdf": 0.05})
    violation_rate: float = 0.1


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    r = rng.random()
    acc = 0.0
    for value, weight in weighted:
        acc += weight
        if r < acc:
            return value
    return weighted[-1][0]


def _d(x: float) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _format_of(i: int, n: int, formats: Mapping[str, float]) -> str:
    # Deterministic proportions: the first 80 % of every 100 are .txt, and so on.
    slot = (i % 100) / 100
    acc = 0.0
    for fmt, share in formats.items():
        acc += share
        if slot < acc - 1e-9:
            return fmt
    return next(iter(formats))


def generate_one(i: int, config: SynthConfig) -> SyntheticReport:
    rng = random.Random(config.seed * 1_000_003 + i)
    units = load_registry().units
    level_r = rng.random()
    pool = [
        u
        for u in units
        if u.level == ("county" if level_r < 0.8 else "prefecture" if level_r < 0.95 else "province")
    ]
    unit = rng.choice(pool)
    violation = rng.choice(CHECK_IDS) if rng.random() < config.violation_rate else None
    return compose(rng, unit, violation)


def generate_corpus(
    out_dir: Path, config: SynthConfig, *, progress: Callable[[int], None] | None = None
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(config.n):
        report = generate_one(i, config)
        rng = random.Random(config.seed * 7_919 + i)
        fmt = _format_of(i, config.n, config.formats)
        encoding: str | None = None
        stem = f"synth-{config.seed}-{i:06d}"
        if fmt == "txt":
            encoding = _pick(rng, TXT_ENCODINGS)
            markdown = rng.random() < 0.1
            body = report.text(markdown=markdown)
            if rng.random() < 0.3:
                body = body.replace("\n", "\r\n")
            path = out_dir / f"{stem}.{'md' if markdown else 'txt'}"
            path.write_bytes(body.encode(encoding))
        elif fmt == "docx":
            path = out_dir / f"{stem}.docx"
            render_docx(report, path)
        else:
            path = out_dir / f"{stem}.pdf"
            render_pdf(report, path)
        truth = report.truth()
        truth.update(format=path.suffix.lstrip("."), encoding=encoding)
        (out_dir / f"{path.name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        paths.append(path)
        if progress:
            progress(1)
    return paths


def load_truth(report_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        report_path.with_name(report_path.name + ".truth.json").read_text("utf-8")
    )
    return data


__all__ = ["SynthConfig", "generate_corpus", "generate_one", "load_truth"]
