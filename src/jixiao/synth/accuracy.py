"""Field accuracy of extracted values against synthetic ground truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.model import COUNT_FIELDS, MONEY_FIELDS, PERCENT_FIELDS

NUMERIC = frozenset((*MONEY_FIELDS, *PERCENT_FIELDS, *COUNT_FIELDS, "score", "fiscal_year"))


def _same(field: str, truth: Any, got: Any) -> bool:
    if got is None:
        return False
    if field in NUMERIC:
        try:
            return Decimal(str(truth)) == Decimal(str(got))
        except InvalidOperation:
            return False
    return str(truth).strip() == str(got).strip()


@dataclass(frozen=True)
class FieldScore:
    field: str
    correct: int
    wrong: int
    missing: int
    spurious: int

    @property
    def total(self) -> int:
        return self.correct + self.wrong + self.missing


@dataclass(frozen=True)
class AccuracyReport:
    fields: tuple[FieldScore, ...]
    examples: tuple[tuple[str, str, str, str], ...]  # (report, field, truth, got) of some errors

    @property
    def correct(self) -> int:
        return sum(f.correct for f in self.fields)

    @property
    def total(self) -> int:
        return sum(f.total for f in self.fields)

    @property
    def overall(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def format_table(self) -> str:
        lines = [
            f"{'field':<22}{'truth':>7}{'correct':>9}{'wrong':>7}{'missing':>9}{'spurious':>10}{'acc':>8}"
        ]
        for f in sorted(self.fields, key=lambda f: f.field):
            acc = f.correct / f.total if f.total else 1.0
            lines.append(
                f"{f.field:<22}{f.total:>7}{f.correct:>9}{f.wrong:>7}{f.missing:>9}{f.spurious:>10}{acc:>8.2%}"
            )
        lines.append(
            f"{'overall':<22}{self.total:>7}{self.correct:>9}{'':>7}{'':>9}{'':>10}{self.overall:>8.2%}"
        )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "correct": self.correct,
            "total": self.total,
            "fields": {
                f.field: {
                    "correct": f.correct,
                    "wrong": f.wrong,
                    "missing": f.missing,
                    "spurious": f.spurious,
                }
                for f in self.fields
            },
            "examples": [list(e) for e in self.examples],
        }


def evaluate(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]], keep_examples: int = 20
) -> AccuracyReport:
    """Compare each truth field with the extracted value; count spurious numeric values too."""
    counts: dict[str, Counter[str]] = {}
    examples: list[tuple[str, str, str, str]] = []
    for n, (truth, got) in enumerate(pairs):
        fields: Mapping[str, Any] = truth.get("fields", {})
        name = str(truth.get("file", n))
        for field, value in fields.items():
            c = counts.setdefault(field, Counter())
            extracted = got.get(field)
            if extracted is None:
                c["missing"] += 1
            elif _same(field, value, extracted):
                c["correct"] += 1
                continue
            else:
                c["wrong"] += 1
            if len(examples) < keep_examples:
                examples.append((name, field, str(value), str(extracted)))
        for field, extracted in got.items():
            if field in NUMERIC and field not in fields and extracted is not None:
                counts.setdefault(field, Counter())["spurious"] += 1
    return AccuracyReport(
        fields=tuple(
            FieldScore(f, c["correct"], c["wrong"], c["missing"], c["spurious"]) for f, c in counts.items()
        ),
        examples=tuple(examples),
    )
