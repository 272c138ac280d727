"""Shares a report states: 人员经费 / 公用经费 as a share of basic spending become fields; every other share
(占总支出的 12.3%) is kept with its denominator as written, for the checks."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal

from jixiao.model import Evidence, ShareFact
from jixiao.parse.context import finditer_from
from jixiao.parse.numbers import to_decimal

Put = Callable[[str, Decimal | int | str, int, int], None]
Sentence = Callable[[int], tuple[int, int]]
EvidenceAt = Callable[[int, int], Evidence]

_NUM = r"\d[\d,]*(?:\.\d+)?"
# Both alternatives start with a character (比重 not after 占 or 所 is written 比(?<![占所]比)重): the search
# jumps to those characters (``finditer_from``) instead of trying every position.
_SHARE = re.compile(
    rf"(?:占(?P<den>[^\d%。；;\n,，]{{0,12}}?)|比(?<![占所]比)重)(?:的|比例|比重|为|达|是)*\s*(?P<num>-?{_NUM})\s*%"
)
_SECOND_SHARE = re.compile(rf"\s*(?:和|、|及|与)\s*(?P<num>-?{_NUM})\s*%")
_SHARE_OF = {"personnel_expense": "personnel_share", "public_expense": "public_share"}


def read_shares(
    text: str, hits: Sequence[tuple[int, str]], sentence: Sentence, evidence: EvidenceAt, put: Put
) -> list[ShareFact]:
    """``hits``: (offset, field) of every label the parser found; a share whose sentence names 人员经费 or
    公用经费 before it is that part's share."""
    money_hits = [(start, field) for start, field in hits if field in _SHARE_OF]
    starts = [start for start, _ in money_hits]
    shares: list[ShareFact] = []
    for m in finditer_from(_SHARE, "占比", text):
        value = to_decimal(m.group("num"))
        if value is None:
            continue
        s_start, _ = sentence(m.start())
        i = bisect_right(starts, m.start()) - 1
        owner = money_hits[i][1] if i >= 0 and money_hits[i][0] >= s_start else None
        den = (m.group("den") or "").strip()
        # 人员经费 X 万元，占比 86.34% / 所占比重 / 占 90.33%: with no denominator written, the share of a part
        # of basic spending is the share of basic spending.
        if owner is None or not ("基本支出" in den or den in ("", "比")):
            shares.append(ShareFact(den, value, evidence(m.start(), m.end())))
            continue
        second = _SECOND_SHARE.match(text, m.end())
        if text[max(0, m.start() - 2) : m.start()] == "分别" and second and i >= 1:
            # "人员经费 178.92 万元、公用经费 22.45 万元，分别占基本支出的 88.85% 和 11.15%"
            first_start, first_field = money_hits[i - 1]
            second_value = to_decimal(second.group("num"))
            put(_SHARE_OF[first_field], value, first_start, m.end())
            if second_value is not None:
                put(_SHARE_OF[owner], second_value, money_hits[i][0], second.end())
            continue
        put(_SHARE_OF[owner], value, money_hits[i][0], m.end())
    return shares


__all__ = ["read_shares"]
