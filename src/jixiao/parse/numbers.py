"""Numbers as written in reports → Decimal in the unit jixiao stores (万元 for money)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}
MONEY_UNITS = frozenset(_TO_WAN)


def to_decimal(number: str) -> Decimal | None:
    """``"1,498,300.00"`` → ``Decimal("1498300.00")``; None for anything that is not a number."""
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def to_wan(number: Decimal, unit: str) -> Decimal:
    """Convert an amount in 元/万元/亿元 to 万元, dropping trailing zeros that conversion adds."""
    value = number * _TO_WAN[unit]
    if unit == "万元":
        return value
    return value.quantize(Decimal("0.000001")).normalize()
