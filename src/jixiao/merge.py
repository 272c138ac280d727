"""Two documents of one report: a unit-year's 自评报告 (prose) and its 自评表 (the table).

They are merged field by field: what one states and the other leaves out is taken; where both state a
value and they differ, the report's value is kept and the disagreement is returned as a data-quality finding
(never a silent overwrite). Pure: plain values in, plain values out; the load step applies the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.model import MONEY_FIELDS, FactValue

# Two amounts agree within rounding to the cent of a 万元 figure; rates and scores within 0.01 point.
_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Disagreement:
    field: str
    report: FactValue
    table: FactValue

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "report": _plain(self.report), "table": _plain(self.table)}


def _plain(value: FactValue) -> str:
    """799.120000 (as the database gives it back) → "799.12"."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Merged:
    values: dict[str, FactValue | None]  # the report's values, with its gaps filled from the table
    filled: tuple[str, ...]  # fields taken from the table
    disagreements: tuple[Disagreement, ...]

    def findings_json(self) -> str | None:
        """The disagreements as JSON for the report row (None when the documents agree)."""
        if not self.disagreements:
            return None
        return json.dumps([d.as_dict() for d in self.disagreements], ensure_ascii=False)


def _number(value: FactValue | None) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None


def _agree(a: FactValue, b: FactValue) -> bool:
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return abs(x - y) <= _TOLERANCE
    return str(a) == str(b)


def merge_documents(
    report: Mapping[str, FactValue | None], table: Mapping[str, FactValue | None], fields: Iterable[str]
) -> Merged:
    """Merge ``table``'s values into ``report``'s over ``fields``; see the module docstring."""
    values: dict[str, FactValue | None] = {}
    filled: list[str] = []
    disagreements: list[Disagreement] = []
    for name in fields:
        mine, theirs = report.get(name), table.get(name)
        if mine is None and theirs is not None:
            values[name] = theirs
            filled.append(name)
            continue
        values[name] = mine
        if mine is not None and theirs is not None and not _agree(mine, theirs):
            disagreements.append(Disagreement(name, mine, theirs))
    return Merged(values, tuple(filled), tuple(disagreements))


# The fields compared and filled: a unit-year's figures, score and grade. Identity (unit, year) is what
# made the two documents one report; text sections are the report's own.
MERGED_FIELDS: tuple[str, ...] = (
    *MONEY_FIELDS,
    "execution_rate",
    "personnel_share",
    "public_share",
    "score",
    "grade",
    "staff_quota",
    "staff_actual",
    "staff_retired",
)

__all__ = ["MERGED_FIELDS", "Disagreement", "Merged", "merge_documents"]
