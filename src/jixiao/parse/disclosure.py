"""Budget and final-accounts disclosures: 部门决算公开, 部门预算公开, 关于…部门决算的说明, the 决算 tables.

They state a department's income and expenditure, and often a short section on 预算绩效 ("组织对12个项目开展
绩效自评…"), yet they are no performance self-evaluation: loading their figures as a report's would be wrong
without any check noticing. One is known by a title line of the head (``disclosure_title`` in ``vocab.toml``
``[kind]``, unless the line names a performance report: ``disclosure_unless``), or, when no title line of the
head names a performance kind at all, by holding several of the standard disclosure's section headings and
table titles (``disclosure_sections``). A report that quotes 决算数 or cites 部门决算 has its own title first
and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from jixiao.parse.automaton import alternation
from jixiao.parse.vocab import load_vocabulary

Span = tuple[int, int, str]  # where the deciding words are in the text, and what they were

_MIN_SECTIONS = 3  # different disclosure headings or table titles that make a document one
# A numbered line ("一、收入决算情况说明", "(二)", "第三部分") is a heading inside a document, not its title.
_NUMBERED = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}\s*[)）、.．]|第[一二三四五六七八九十\d]{1,3}部分)"
)
_NOT_WORD = re.compile(r"[^\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _title_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_vocabulary().kind["disclosure_title"])


@lru_cache(maxsize=1)
def _sections() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in load_vocabulary().kind["disclosure_sections"]))


@lru_cache(maxsize=1)
def _performance() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The words of a performance report's or table's title (any of the other kinds but ``other``) and the
    project patterns, as one regex; and the words that name no performance report (绩效目标表)."""
    words = load_vocabulary().kind
    plain = (
        *words["disclosure_unless"],
        *words["project_report"],
        *words["dept_table"],
        *words["dept_report"],
    )
    either = [alternation(plain)] if plain else []
    either += [f"(?:{p})" for p in words["project_pattern"]]
    return re.compile("|".join(either) or "(?!)"), words["disclosure_not_performance"]


def names_performance(title: str) -> bool:
    pattern, not_performance = _performance()
    for words in not_performance:
        if words in title:
            title = title.replace(words, "")
    return pattern.search(title) is not None


def _performance_titled(titles: Sequence[tuple[int, str]]) -> bool:
    """Whether a title line of the head, not a numbered heading, names a performance report or table: a
    self-evaluation published under its 部门决算's name ("名称: 2022年度某局部门决算" / "整体支出绩效自评报告")
    is the self-evaluation; a disclosure's "十、预算绩效情况说明" is a section of it."""
    return any(names_performance(t) and not _NUMBERED.match(t.strip()) for _, t in titles)


def _located(lines: Sequence[tuple[int, str]], pos: int, at: int, hit: str) -> tuple[int, int]:
    """The offsets of ``hit``: in the first line from ``pos`` on that holds it (a title's words may have been
    read from a cleaned or joined line), else ``pos + at``."""
    for lpos, line in lines:
        if lpos >= pos and hit in line:
            start = lpos + line.index(hit)
            return start, start + len(hit)
        if lpos > pos + 200:
            break
    return pos + at, pos + at + len(hit)


def disclosure(lines: Sequence[tuple[int, str]], titles: Sequence[tuple[int, str]]) -> Span | None:
    """``disclosure_title``, else ``disclosure_sections``: the title lines read for a performance kind once."""
    if _performance_titled(titles):
        return None
    return _disclosure_title(lines, titles) or _disclosure_sections(lines)


def disclosure_title(lines: Sequence[tuple[int, str]], titles: Sequence[tuple[int, str]]) -> Span | None:
    """The words of the first title line naming a disclosure, unless a title line names a performance kind."""
    return None if _performance_titled(titles) else _disclosure_title(lines, titles)


def _disclosure_title(lines: Sequence[tuple[int, str]], titles: Sequence[tuple[int, str]]) -> Span | None:
    for pos, title in titles:
        t = title.strip()
        if _NUMBERED.match(t):
            continue
        for pattern in _title_patterns():
            m = pattern.search(t)
            if m is not None:
                start, end = _located(lines, pos, title.find(m.group(0)), m.group(0))
                return start, end, m.group(0)
    return None


def disclosure_sections(lines: Sequence[tuple[int, str]], titles: Sequence[tuple[int, str]]) -> Span | None:
    """The first of at least ``_MIN_SECTIONS`` different disclosure headings or table titles in the text, when
    no title line of the head names a performance kind."""
    return None if _performance_titled(titles) else _disclosure_sections(lines)


def _disclosure_sections(lines: Sequence[tuple[int, str]]) -> Span | None:
    seen: dict[str, tuple[int, int, str]] = {}
    for pos, line in lines:
        for m in _sections().finditer(line):
            seen.setdefault(_NOT_WORD.sub("", m.group(0)), (pos + m.start(), pos + m.end(), m.group(0)))
    if len(seen) < _MIN_SECTIONS:
        return None
    first = min(seen.values())
    return first[0], first[1], "、".join(hit for _, _, hit in sorted(seen.values())[:_MIN_SECTIONS])


def disclosure_label(words: str) -> str | None:
    """What a disclosure whose deciding words are ``words`` is ("部门决算公开" or "部门预算公开"); None when the
    words name no disclosure."""
    if not any(p.search(words) for p in _title_patterns()) and not _sections().search(words):
        return None
    return "部门决算公开" if "决算" in words else "部门预算公开"


__all__ = ["disclosure", "disclosure_label", "disclosure_sections", "disclosure_title", "names_performance"]
