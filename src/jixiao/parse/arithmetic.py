"""The self-evaluation table's own arithmetic: when cells were dropped (one cell per line), 基本支出 + 项目支出
= 年度总金额 and 执行数 / 全年预算数 = 执行率 decide where a row's values sit; otherwise the row is not read."""

from __future__ import annotations

from decimal import Decimal

from jixiao.parse.cells import NUMBER, Cell
from jixiao.parse.numbers import to_decimal


def amount(by_col: dict[str, Cell] | None, col: str) -> Decimal | None:
    cell = by_col.get(col) if by_col else None
    m = NUMBER.match(cell.text) if cell else None
    return to_decimal(m.group(0).replace("−", "-")) if m else None


def disambiguate(rows: list[tuple[str, list[dict[str, Cell]]]]) -> list[dict[str, Cell] | None]:
    """One placement per row; a row whose cells could sit two ways is settled by the table's arithmetic
    (基本支出 + 项目支出 = 年度总金额; 执行数 / 全年预算数 = 执行率), or not read at all."""
    chosen: list[dict[str, Cell] | None] = [opts[0] if len(opts) == 1 else None for _, opts in rows]
    total = next((n for n, (kind, _) in enumerate(rows) if kind == "total"), None)
    if total is not None and chosen[total] is None:
        for option in rows[total][1]:
            actual, budget, rate = (amount(option, c) for c in ("actual", "budget_adjusted", "rate"))
            if (
                actual is not None
                and budget
                and rate is not None
                and abs(actual / budget * 100 - rate) <= 0.05
            ):
                chosen[total] = option
                break
    target = amount(chosen[total], "actual") if total is not None else None
    parts = [n for n, (kind, _) in enumerate(rows) if kind in ("basic", "project")]
    if target is None or len(parts) != 2 or all(chosen[n] is not None for n in parts):
        return chosen
    a, b = parts
    fits = [
        (x, y)
        for x in (rows[a][1] if chosen[a] is None else [chosen[a]])
        for y in (rows[b][1] if chosen[b] is None else [chosen[b]])
        if (ax := amount(x, "actual")) is not None
        and (by := amount(y, "actual")) is not None
        and abs(ax + by - target) <= Decimal("0.01")
    ]
    if len(fits) == 1:
        chosen[a], chosen[b] = fits[0]
    return chosen


__all__ = ["amount", "disambiguate"]
