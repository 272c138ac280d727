"""The report's prose sections (its problems and its measures) and the indicator rates its body states.

Headings are found by their numbering (一、 / (一) / 1、) and named by the words in ``vocab.toml``
(``[sections]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from jixiao.model import Evidence, Fact, Indicator
from jixiao.parse.automaton import alternation
from jixiao.parse.dates import AR_DATE, CN_DATE
from jixiao.parse.identity import is_signature_name
from jixiao.parse.numbers import to_decimal
from jixiao.parse.vocab import load_vocabulary

Lines = Sequence[tuple[int, str]]
Heading = tuple[int, int, int, str]  # (start, end, level, text)

# A line opening 一、 (top) or (一) / 1、 (sub), spaces allowed around the numbering but no line break.
_NUMBERING = (
    r"[^\S\n]*(?:(?P<top>[一二三四五六七八九十]+[^\S\n]*、)"
    r"|\([^\S\n]*[一二三四五六七八九十]+[^\S\n]*\)|\d+[^\S\n]*、)"
)
_HEADING_FIRST = re.compile(_NUMBERING)  # the text's first line
# Every other line, after its line break: a literal the regex engine skips to, one scan of the whole text.
_HEADING_AFTER_BREAK = re.compile(r"\n" + _NUMBERING)
_SUB_HEADING_WIDTH = 40
_PERCENT_ANY = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*%")
_INDICATOR_TAIL = re.compile(r"指标\s*[:：]")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = load_vocabulary().sections
    return (
        re.compile(alternation(words["problem"])),
        re.compile(alternation(words["measure"])),
        re.compile(rf"(?P<kind>{alternation(words['indicator_kinds'])})指标\s*[:：]"),
    )


def _headings(text: str) -> list[Heading]:
    out: list[Heading] = []
    first = _HEADING_FIRST.match(text)
    found = ([(0, first)] if first else []) + [
        (m.start() + 1, m) for m in _HEADING_AFTER_BREAK.finditer(text)
    ]
    for pos, m in found:
        end = text.find("\n", pos)
        line = text[pos : end if end >= 0 else len(text)]
        if m.group("top") is not None:
            out.append((pos, pos + len(line), 1, line))
        elif len(line.strip()) <= _SUB_HEADING_WIDTH:
            out.append((pos, pos + len(line), 2, line))
    return out


def _closes(stripped: str, names: frozenset[str]) -> bool:
    """The signature block (unit name, date) closes the last section."""
    return bool(
        AR_DATE.fullmatch(stripped)
        or CN_DATE.fullmatch(stripped)
        or stripped in names
        or is_signature_name(stripped)
    )


def _body(
    text: str, chosen: Heading, headings: list[Heading], stop_at_measure: bool, names: frozenset[str]
) -> Fact | None:
    start, end, level, _ = chosen
    measure = _patterns()[1]
    stop = len(text)
    for h in headings:
        if h[0] > start and (h[2] <= level or (stop_at_measure and measure.search(h[3]))):
            stop = h[0]
            break
    pos = end
    for line in text[end:stop].split("\n"):
        if line.strip() and _closes(line.strip(), names):
            stop = pos
            break
        pos += len(line) + 1
    body = text[end:stop].strip()
    if not body:
        return None
    body_start = text.index(body, end)
    return Fact("", body, None, Evidence(body_start, body_start + len(body), body[:80]))


def read_sections(text: str, lines: Lines, names: frozenset[str]) -> dict[str, Fact]:
    """``problems`` and ``measures``: the body under the last heading naming problems (stopping at a measures
    heading) and under the first heading naming measures. A heading naming both (存在的问题及改进措施) opens
    the problems only when no heading names problems alone."""
    problem_words, measure_words, _ = _patterns()
    headings = _headings(text)
    # Each heading searched once for each kind of words.
    named = [
        (h, problem_words.search(h[3]) is not None, measure_words.search(h[3]) is not None) for h in headings
    ]
    problem = [h for h, p, _ in named if p]
    measure = [h for h, p, m in named if m and not p]
    problem_only = [h for h, p, m in named if p and not m]
    out: dict[str, Fact] = {}
    for name, chosen, stop_at_measure in (
        ("problems", (problem_only or problem)[-1:], True),
        ("measures", measure[:1], False),
    ):
        fact = _body(text, chosen[0], headings, stop_at_measure, names) if chosen else None
        if fact is not None:
            out[name] = Fact(name, fact.value, None, fact.evidence)
    return out


@lru_cache(maxsize=1)
def _kind_before() -> tuple[re.Pattern[str], int] | None:
    """A kind word ending where the search ends, and the longest kind's length; None when a kind word holds
    指, 标, a colon or a space (then a kind could run into 指标 or past a colon, and the plain pattern is used)."""
    kinds = load_vocabulary().sections["indicator_kinds"]
    if any(c in "指标:：" or c.isspace() for k in kinds for c in k):
        return None
    return re.compile(rf"(?:{alternation(kinds)})\Z"), max(map(len, kinds))


def _indicator_heads(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every "数量指标:" in the text, as ``_patterns()[2].finditer`` finds them: found
    from each 指标 and its colon (a literal the regex engine skips to), then the kind word right before it —
    the longest one, as the leftmost start wins. No kind word holds 指标 or a colon, so no two overlap."""
    before = _kind_before()
    if before is None:
        return [(m.start(), m.end(), m.group("kind")) for m in _patterns()[2].finditer(text)]
    kind_at_end, reach = before
    out: list[tuple[int, int, str]] = []
    for m in _INDICATOR_TAIL.finditer(text):
        at = m.start()
        k = kind_at_end.search(text, max(0, at - reach), at)
        if k is not None:
            out.append((k.start(), m.end(), k.group(0)))
    return out


def indicators(
    text: str, sentence: Callable[[int], tuple[int, int]], evidence: Callable[[int, int], Evidence]
) -> tuple[Indicator, ...]:
    """The rate each 数量/质量/…指标 sentence states last."""
    out: list[Indicator] = []
    for start, end, kind in _indicator_heads(text):
        _, s_end = sentence(end)
        rates = list(_PERCENT_ANY.finditer(text, end, s_end))
        rate = to_decimal(rates[-1].group(1)) if rates else None
        if rate is not None:
            out.append(Indicator(kind + "指标", rate, evidence(start, rates[-1].end())))
    return tuple(out)


__all__ = ["indicators", "read_sections"]
