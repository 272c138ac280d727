"""Report dates: Arabic (2023年4月17日), month-only (2020年11月) and Chinese numerals (二〇二三年四月十七日)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import cn2an

_CN_DIGITS = "〇零一二三四五六七八九十"
CN_DATE = re.compile(rf"[{_CN_DIGITS}]{{4}}年[{_CN_DIGITS}]{{1,2}}月(?:[{_CN_DIGITS}]{{1,3}}日)?")
AR_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


@lru_cache(maxsize=1024)
def chinese_date_to_arabic(text: str) -> str:
    converted: str = cn2an.transform(text, "cn2an")
    return converted


def iso_date(year: int, month: int, day: int | None) -> str | None:
    """ISO ``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is written; None if impossible."""
    try:
        if day is None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """Parse the first date in ``text`` (either script) to ISO; None when there is none."""
    if CN_DATE.search(text):
        text = CN_DATE.sub(lambda m: chinese_date_to_arabic(m.group(0)), text)
    m = AR_DATE.search(text)
    if not m:
        return None
    return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
