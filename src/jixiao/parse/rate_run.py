"""A 自评表 whose cells an OCR or a copy ran together: "执行率 | 执行率权重 | 执行率得分" over "79.27107.93" is
79.27 % with a weight of 10 and 7.93 points. The standard form's own arithmetic (points = rate × weight / 100)
says where one cell ends and the next begins; a run that splits two ways, or none, gives no rate."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_HEADER = re.compile(r"执行率\s*(?:\(%\))?\s*(?:执行率)?权重\s*(?:\(分\))?\s*(?:执行率)?得分")
_REACH = 200  # characters after the header in which the row's run stands
_RATE = re.compile(r"\d{1,3}(?:\.\d{1,2})?")
_POINTS = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
_WEIGHTS = ("10", "20", "15", "5")
_TOLERANCE = Decimal("0.006")
_MAX_RATE = Decimal(100)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _splits(run: str, i: int) -> set[Decimal]:
    """The rates that start at ``run[i]`` and are followed by a weight and the points they earn."""
    out: set[Decimal] = set()
    for m in (_RATE.match(run, i, end) for end in range(i + 1, min(len(run), i + 6) + 1)):
        if m is None or m.end() != m.endpos:
            continue
        rate = _decimal(m.group(0))
        j = m.end() + (1 if run[m.end() : m.end() + 1] == "%" else 0)
        for w in _WEIGHTS:
            if rate is None or rate > _MAX_RATE or not run.startswith(w, j):
                continue
            for end in range(j + len(w) + 1, min(len(run), j + len(w) + 5) + 1):
                p = _POINTS.fullmatch(run, j + len(w), end)
                points = _decimal(p.group(0)) if p else None
                if points is not None and abs(rate * Decimal(w) / 100 - points) <= _TOLERANCE:
                    out.add(rate)
    return out


def run_together_rate(text: str) -> tuple[Decimal, int, int] | None:
    """(rate, start, end) of the execution rate read from a run-together row under the rate header."""
    header = _HEADER.search(text)
    if header is None:
        return None
    window = text[header.end() : header.end() + _REACH]
    found: dict[Decimal, int] = {}
    for i, ch in enumerate(window):
        if ch.isdigit() and (i == 0 or window[i - 1] != "."):
            for rate in _splits(window, i):
                found.setdefault(rate, header.end() + i)
    if len(found) != 1:
        return None
    rate, at = next(iter(found.items()))
    return rate, at, at + len(str(rate))


__all__ = ["run_together_rate"]
