"""Rule 6 of the normalisation (``jixiao.read.normalise``): numbers split by a line break and PDF-style hard
wraps are re-joined, conservatively."""

from __future__ import annotations

import re
from bisect import bisect_right

Edit = tuple[int, int, str]  # (start, end, replacement) in the text being normalised

_SENTENCE_FINAL = frozenset("。；;:!?)]}）】》」』”’〕>")
_HEADING_START = re.compile(
    r"(?:[一二三四五六七八九十百]+\s*[、.]|\(\s*[一二三四五六七八九十百\d]+\s*\)|\d+\s*、|\d+\.(?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部篇项]|附件|附表|表\s*\d|图\s*\d)"
)
_LABEL_NUMBER_END = re.compile(r"(?:表|附件|附表|图|第|页)\s*\d+\.?$")
_NEXT_NUMBER = re.compile(
    r"(\d+)(?:\.\d+)?(亿元|万元|千元|元|万|亿|%|‰|年|月|日|分|人|名|个|项|次|家|场|期|户|份|册|篇|所|天|小时|批|台|套|件|处|条|余)"
)
_DECIMAL_NEXT = re.compile(r"\d+(?![\d]*\s*[.、])")
_TRAILING_DIGITS = re.compile(r"\d+$")
_ASCII_WORD = re.compile(r"[A-Za-z]")
_NUMBER_BREAK_HINT = re.compile(r"\d\.?\n(?:\.?\d|亿元|万元|千元|元|%|‰)")
# A line that starts with the unit of the number that ended the line before (and is not itself a number).
_UNIT_START = re.compile(r"(?:亿元|万元|千元|元|%|‰)(?![\d.])")
_ONLY_NUMBER = re.compile(r"[-\d.,%]+")  # a cell of its own: "1050.00", "3,724,055.00", "95.45%"


def _wrap_width(widths: list[int]) -> int | None:
    """The width a hard-wrapped (PDF) document wraps at, or None when its lines are not hard-wrapped."""
    ws = sorted(w for w in widths if w)
    if len(ws) < 5:
        return None
    wide = ws[int(len(ws) * 0.9)]
    if wide < 40:  # twenty Chinese characters
        return None
    tolerance = max(4, wide // 8)
    at_width = len(ws) - bisect_right(ws, wide - tolerance - 1)
    if at_width < max(3, len(ws) // 5):
        return None
    return wide - tolerance


def _heading_like(line: str) -> bool:
    return len(line) < 30 and (_HEADING_START.match(line) is not None or bool(_LABEL_NUMBER_END.search(line)))


def _plausible(digits: str, unit: str) -> bool:
    if unit == "年":
        return len(digits) == 4
    if unit == "月":
        return 1 <= int(digits) <= 12
    if unit == "日":
        return 1 <= int(digits) <= 31
    return True


def _splits_number(prev: str, nxt: str) -> bool:
    last = prev[-1]
    if last == ".":
        # "1476.\n24": a decimal point never ends a line of Chinese prose; "1." alone is a list marker.
        return (
            len(prev) >= 2
            and prev[-2].isdigit()
            and not _heading_like(prev)
            and bool(_DECIMAL_NEXT.match(nxt))
        )
    if not last.isdigit() or _ONLY_NUMBER.fullmatch(prev) or _heading_like(prev):
        return False
    if nxt[0] == ".":
        return len(nxt) > 1 and nxt[1].isdigit()
    if _UNIT_START.match(nxt):
        return True  # "…实际支出 149.83" / "万元，完成预算安排的 100%": the unit wrapped away from its number
    m = _NEXT_NUMBER.match(nxt)
    if m is None:
        return False
    head = _TRAILING_DIGITS.search(prev)
    joined = (head[0] if head else "") + m[1]
    return _plausible(joined, m[2])


def _wraps(prev: str, nxt: str, prev_width: int, wrap_at: int | None) -> bool:
    return (
        wrap_at is not None
        and prev_width >= wrap_at
        and prev[-1] not in _SENTENCE_FINAL
        and _HEADING_START.match(nxt) is None
    )


def line_join_edits(text: str) -> list[Edit]:
    """Rule 6 of ``jixiao.read.normalise``: the line breaks to remove (or turn into a space)."""
    if "\n" not in text:
        return []
    lines = text.split("\n")
    # Display columns: Chinese characters take two, ASCII one, and (UTF-8 bytes + characters) / 2 is
    # exactly that. Table rows (tabs) and blank lines get 0: they never wrap.
    widths = [0 if "\t" in s else (len(s.encode("utf-8", "surrogatepass")) + len(s)) // 2 for s in lines]
    wrap_at = _wrap_width(widths)
    if wrap_at is None and not _NUMBER_BREAK_HINT.search(text):
        return []
    edits: list[Edit] = []
    pos = 0
    for i in range(len(lines) - 1):
        prev, nxt = lines[i], lines[i + 1]
        pos += len(prev)  # offset of the "\n" after prev
        if (
            widths[i]
            and nxt
            and "\t" not in nxt
            and (_splits_number(prev, nxt) or _wraps(prev, nxt, widths[i], wrap_at))
        ):
            glue = " " if _ASCII_WORD.match(prev[-1]) and _ASCII_WORD.match(nxt[0]) else ""
            edits.append((pos, pos + 1, glue))
        pos += 1
    return edits
