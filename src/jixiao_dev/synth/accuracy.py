"""Field accuracy of extracted values against synthetic ground truth.

Numbers compare as Decimals (``"97.5"`` equals ``Decimal("97.50")``). Text compares exactly after the same
light normalisation on both sides (Unicode NFKC and no whitespace), because the truth keeps the words as
written (``部门（单位）``, a name wrapped across PDF lines) while the parser sees the reader's normalised text
(``部门(单位)``); anything more lenient would hide real extraction errors.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from jixiao.model import ALL_FIELDS, COUNT_FIELDS, MONEY_FIELDS, PERCENT_FIELDS, ParsedReport

NUMERIC = frozenset((*MONEY_FIELDS, *PERCENT_FIELDS, *COUNT_FIELDS, "score", "fiscal_year"))
PROJECT_LINES = "project_lines"  # one row of the table: each truth line counts once
_ORDER = {name: i for i, name in enumerate(("doc_kind", *ALL_FIELDS, PROJECT_LINES))}


def _plain(value: Any) -> Any:
    # A parser's Fact carries its value; accept either.
    return getattr(value, "value", value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None


@lru_cache(maxsize=1)
def _simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _text(value: Any) -> str:
    # Traditional and Simplified spellings of one name are one name: real reports arrive in both, and the
    # truth keeps them as written while the reader may convert.
    return str(_simplified().convert("".join(unicodedata.normalize("NFKC", str(value)).split())))


def same(field: str, truth: Any, got: Any) -> bool:
    """Whether an extracted value equals the truth for ``field``."""
    if got is None:
        return False
    if field in NUMERIC:
        a, b = _decimal(truth), _decimal(got)
        return a is not None and b is not None and a == b
    return _text(truth) == _text(got)


def extracted(parsed: ParsedReport | None) -> dict[str, Any]:
    """What the parser found, in the shape ``evaluate`` compares: field values and the project table."""
    if parsed is None:
        return {}
    out: dict[str, Any] = {name: fact.value for name, fact in parsed.facts.items()}
    out[PROJECT_LINES] = [
        {"seq": p.seq, "name": p.name, "amount": p.amount, "score": p.score} for p in parsed.project_lines
    ]
    return out


# The truth's words for a document's kind, as the parser names them.
DOC_KIND = "doc_kind"
KIND_CODES = {
    "部门整体报告": "dept_report",
    "部门整体自评表": "dept_table",
    "项目报告": "project_report",
    "其他": "other",
}
# What a refused document (a project report, a notice) still tells about itself; its figures are never loaded.
IDENTITY_FIELDS = frozenset(("unit_name", "title", "fiscal_year", "report_date", DOC_KIND))


def parse_for_accuracy(path: str) -> ParsedReport | None:
    """What the parser reads from one file, or None when the reader refuses it. Unlike the pipeline, a
    document of another kind keeps what it says about itself, so its identity is scored; its figures are
    dropped exactly as the pipeline refuses them."""
    from jixiao.errors import ReadError
    from jixiao.parse import parse_report
    from jixiao.parse.kind import refusal
    from jixiao.read import ReadLimits, read_path

    try:
        doc = read_path(Path(path), ReadLimits())
    except ReadError:
        return None
    parsed = parse_report(doc.text, page_of=doc.page_of if doc.page_starts else None, tables=doc.tables)
    kind = parsed.facts.get(DOC_KIND)
    if kind is not None and refusal(str(kind.value), "") is not None:
        facts = {k: v for k, v in parsed.facts.items() if k in IDENTITY_FIELDS}
        return ParsedReport(facts=facts, unit_names=parsed.unit_names, own_names=parsed.own_names)
    return parsed


def measure(
    reports: Sequence[Path], workers: int = 0, truth_dir: Path | None = None, keep_examples: int = 20
) -> AccuracyReport:
    """Read and parse ``reports`` and score them against their truth: ``NAME.truth.json`` beside each report,
    or in ``truth_dir`` when the truth is kept apart from the texts (the real-report corpus: truth committed,
    third-party texts not)."""
    from concurrent.futures import ProcessPoolExecutor

    from jixiao.pipeline import default_workers
    from jixiao_dev.synth import load_truth

    def truth(p: Path) -> dict[str, Any]:
        return load_truth(p if truth_dir is None else truth_dir / p.name)

    paths = list(map(str, reports))
    workers = workers or default_workers()
    if workers == 1 or len(paths) < 8:
        parsed = list(map(parse_for_accuracy, paths))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parsed = list(pool.map(parse_for_accuracy, paths, chunksize=16))
    return evaluate(
        (({**truth(p), "file": p.name}, extracted(r)) for p, r in zip(reports, parsed, strict=True)),
        keep_examples,
    )


def _same_line(truth: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    """A project line is right when its name, amount and score all are (a field the truth leaves out is not compared)."""
    return _text(truth["name"]) == _text(got.get("name", "")) and all(
        truth.get(k) is None or (got.get(k) is not None and _decimal(truth[k]) == _decimal(got[k]))
        for k in ("amount", "score")
    )


def _score_lines(
    truth: list[Mapping[str, Any]], got: list[Mapping[str, Any]], c: Counter[str], note: Any
) -> None:
    by_seq = {int(g["seq"]): g for g in got}
    for line in truth:
        found = by_seq.pop(int(line["seq"]), None)
        if found is None:
            c["missing"] += 1
        elif _same_line(line, found):
            c["correct"] += 1
            continue
        else:
            c["wrong"] += 1
        note(f"{PROJECT_LINES}[{line['seq']}]", line, found)
    c["spurious"] += len(by_seq)


@dataclass(frozen=True)
class FieldScore:
    field: str
    correct: int
    wrong: int
    missing: int
    spurious: int  # extracted where the truth states nothing (numeric fields only)

    @property
    def total(self) -> int:
        """Reports whose truth states this field."""
        return self.correct + self.wrong + self.missing

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass(frozen=True)
class AccuracyReport:
    fields: tuple[FieldScore, ...]  # one row per field seen, in ``ALL_FIELDS`` order
    examples: tuple[tuple[str, str, str, str], ...]  # (report, field, truth, got) of the first errors
    reports: int = 0

    @property
    def correct(self) -> int:
        return sum(f.correct for f in self.fields)

    @property
    def wrong(self) -> int:
        return sum(f.wrong for f in self.fields)

    @property
    def missing(self) -> int:
        return sum(f.missing for f in self.fields)

    @property
    def spurious(self) -> int:
        return sum(f.spurious for f in self.fields)

    @property
    def total(self) -> int:
        """Truth fields over all reports."""
        return sum(f.total for f in self.fields)

    @property
    def overall(self) -> float:
        """Correct extractions over truth fields (spurious values do not enter it; they have their column)."""
        return self.correct / self.total if self.total else 0.0

    @property
    def precision(self) -> float:
        """Correct extractions over everything extracted where the truth could judge it (wrong and spurious
        values count against it): how far a loaded value can be trusted."""
        judged = self.correct + self.wrong + self.spurious
        return self.correct / judged if judged else 1.0

    @property
    def by_field(self) -> dict[str, FieldScore]:
        return {f.field: f for f in self.fields}

    def format_table(self) -> str:
        head = f"{'field':<22}{'truth':>7}{'correct':>9}{'wrong':>7}{'missing':>9}{'spurious':>10}{'acc':>9}"
        lines = [head, "-" * len(head)]
        for f in self.fields:
            lines.append(
                f"{f.field:<22}{f.total:>7}{f.correct:>9}{f.wrong:>7}{f.missing:>9}{f.spurious:>10}"
                f"{f.accuracy:>9.2%}"
            )
        lines.append("-" * len(head))
        lines.append(
            f"{'overall':<22}{self.total:>7}{self.correct:>9}{self.wrong:>7}{self.missing:>9}"
            f"{self.spurious:>10}{self.overall:>9.2%}"
        )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "precision": self.precision,
            "reports": self.reports,
            "correct": self.correct,
            "total": self.total,
            "wrong": self.wrong,
            "missing": self.missing,
            "spurious": self.spurious,
            "fields": {
                f.field: {
                    "correct": f.correct,
                    "wrong": f.wrong,
                    "missing": f.missing,
                    "spurious": f.spurious,
                    "accuracy": f.accuracy,
                }
                for f in self.fields
            },
            "examples": [list(e) for e in self.examples],
        }


def evaluate(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]], keep_examples: int = 20
) -> AccuracyReport:
    """Score each (truth JSON, extracted ``{field: value}``) pair field by field.

    A truth field is correct, wrong (a different value) or missing (none extracted); an extracted numeric
    field the truth does not state is spurious. ``unit_name`` is the name as written in the title/header.
    When the truth lists ``project_lines``, each line is scored as one more truth value (matched by seq).
    """
    counts: dict[str, Counter[str]] = {}
    examples: list[tuple[str, str, str, str]] = []
    n = 0
    for n, (truth, got) in enumerate(pairs, 1):
        fields: dict[str, Any] = dict(truth.get("fields", {}))
        if "unit_name" not in fields and truth.get("unit_name_written"):
            fields["unit_name"] = truth["unit_name_written"]
        if truth.get(DOC_KIND) in KIND_CODES:
            fields[DOC_KIND] = KIND_CODES[truth[DOC_KIND]]
        name = str(truth.get("file", n - 1))

        def note(field: str, value: Any, got_value: Any, name: str = name) -> None:
            if len(examples) < keep_examples:
                examples.append((name, field, str(value), "" if got_value is None else str(got_value)))

        for field, value in fields.items():
            c = counts.setdefault(field, Counter())
            extracted = _plain(got.get(field))
            if extracted is None:
                c["missing"] += 1
            elif same(field, value, extracted):
                c["correct"] += 1
                continue
            else:
                c["wrong"] += 1
            note(field, value, extracted)
        truth_lines = truth.get(PROJECT_LINES)
        if truth_lines is not None:
            _score_lines(
                truth_lines, got.get(PROJECT_LINES) or [], counts.setdefault(PROJECT_LINES, Counter()), note
            )
        for field, extracted in got.items():
            if field in NUMERIC and field not in fields and _plain(extracted) is not None:
                counts.setdefault(field, Counter())["spurious"] += 1
    rows = sorted(counts.items(), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv[0]))
    return AccuracyReport(
        fields=tuple(FieldScore(f, c["correct"], c["wrong"], c["missing"], c["spurious"]) for f, c in rows),
        examples=tuple(examples),
        reports=n,
    )


__all__ = [
    "NUMERIC",
    "PROJECT_LINES",
    "AccuracyReport",
    "FieldScore",
    "evaluate",
    "extracted",
    "measure",
    "same",
]
