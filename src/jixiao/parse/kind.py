"""What a document is: a 部门整体 report, a 部门整体 自评表, a 项目 report, or something else.

Only a department's own report or self-evaluation table states its whole expenditure. A 项目支出绩效自评报告
holds one project's money, and a notice or a summary of many units holds nobody's in particular: loading
their figures as a department's totals would be wrong without any check noticing. The kind is read from the
title block — the first lines, with words quoted inside 《》 taken out, since a report usually opens by citing
the notice it answers — with the words of ``[kind]`` in ``vocab.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.parse.automaton import alternation
from jixiao.parse.disclosure import disclosure, disclosure_label
from jixiao.parse.page import content_head, file_title, strip_ruby
from jixiao.parse.vocab import load_vocabulary

_QUOTED = re.compile(r"《[^》\n]*》")
_PROSE = re.compile(r"[，。；;]")
_HEAD_LINES = 6
_TITLE_WIDTH = 60  # characters: a longer line is prose, not a title
_LATER_LINES = 60
_KINDS = ("collection", "project_report", "other", "dept_table", "dept_report")  # in the order they are tried
_READ_AHEAD = 10  # head lines read at once: the most any reader of the title block asks for
_TRAILING_YEAR = re.compile(r"\(\s*20\d{2}\s*年度?\s*\)$")
_PAGE_NUMBER = re.compile(r"[—\-–]+\s*(\d{1,4})\s*[—\-–]+")


@dataclass(frozen=True)
class Kind:
    kind: str  # one of jixiao.model.DOC_KINDS
    start: int  # where the words that decided it are in the text (0, 0 when nothing decided it)
    end: int
    why: str  # the deciding words, or what was missing


def _head(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The title block: the first lines that are not page furniture, pinyin glosses taken out, each line also
    joined with the next (a title wrapped over two lines: "科普活动项目支出" / "绩效自评报告"), and the document
    name of a viewer's file-name caption first (《….docx》由会员分享: its words are the document's title); a
    line that is only a table of contents' heading is left out."""
    out: list[tuple[int, str]] = []
    for pos, line in lines[:40]:
        # A line whose file_title is found is furniture by definition (is_furniture asks file_title too):
        # file_title alone, without squeezing each of the 40 lines for the furniture words.
        name = file_title(line)
        if name is not None:
            out.append((pos, strip_ruby(name)))
            break  # the first caption only
    # The head read once for every later reader of it (``content_head`` keeps the last reading, and a shorter
    # head is the start of a longer one): _other_line reads 8 lines, the fiscal year's title 10.
    content_head(lines, _READ_AHEAD)
    content = [(pos, title_prefix(strip_ruby(line))) for pos, line in content_head(lines, _HEAD_LINES)]
    # The title block ends where a report's table of contents begins ("目录" alone on a line): its heading
    # names no kind, and what follows are the contents' entries; a kind's word alone ("通知") may still end a
    # title wrapped over two lines.
    contents = load_vocabulary().kind["other_headings"]
    cut = next(
        (k for k, (_, line) in enumerate(content) if "".join(line.split()).strip(":：") in contents),
        len(content),
    )
    content = content[:cut]
    out += content
    for k, (pos, line) in enumerate(content[:-1]):  # single lines first: their offsets are exact
        joined = line.strip() + content[k + 1][1].strip()
        if len(joined) <= _TITLE_WIDTH:
            out.append((pos, joined))
    return out


@lru_cache(maxsize=1)
def _title_end() -> re.Pattern[str]:
    ends = alternation(load_vocabulary().kind["title_endings"])
    return re.compile(rf"^(?:\d+\s*、\s*)?(?P<title>[^，。；;,]{{6,58}}?(?:{ends}))")


def title_prefix(line: str) -> str:
    """A viewer's page line runs the title into the body ("1、某某馆图书购置项目绩效自评报告一、项目概况…"):
    such a long line stands for its opening words up to the first 报告/自评表."""
    if len(line.strip()) <= _TITLE_WIDTH and not _PROSE.search(line):
        return line
    m = _title_end().match(line.strip())
    return m.group("title") if m else line


def _later_title(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """When the head names no kind (a page whose navigation fills the first lines), the first line further
    down that is a title on its own."""
    out: list[tuple[int, str]] = []
    for pos, line in content_head(lines, _LATER_LINES)[_HEAD_LINES:]:
        # "| 部门预算项目支出绩效自评表(2023年度) | ||||": a table's title row, its edges and year taken off.
        t = _TRAILING_YEAR.sub("", strip_ruby(line).strip(" |\t")).strip()
        if (
            len(t) <= _TITLE_WIDTH
            and not _PROSE.search(t)
            and t.endswith(load_vocabulary().kind["title_endings"])
        ):
            out.append((pos, t))
            break
    return out


def _other_line(lines: list[tuple[int, str]]) -> tuple[int, str] | None:
    """A line of the head that opens a notice or a news article (an addressee line, a reporter's byline)."""
    pattern = _other_lines()
    for pos, line in content_head(lines, _HEAD_LINES + 2):
        stripped = line.strip()
        if pattern.search(stripped):
            return pos, stripped
    return None


@lru_cache(maxsize=1)
def _other_lines() -> re.Pattern[str]:
    """The ``other_lines`` regexes as one: a line matches it when it matches any of them."""
    return re.compile("|".join(f"(?:{p})" for p in load_vocabulary().kind["other_lines"]))


@lru_cache(maxsize=1)
def _kind_words() -> dict[str, tuple[tuple[str, ...], re.Pattern[str], tuple[re.Pattern[str], ...]]]:
    """Each kind's words, one regex of them all (most titles hold none: one search rules them out), and its
    patterns (a project report's only)."""
    words = load_vocabulary().kind
    project = tuple(re.compile(p) for p in words["project_pattern"])
    return {
        kind: (words[kind], re.compile(alternation(words[kind])), project if kind == "project_report" else ())
        for kind in _KINDS
    }


@lru_cache(maxsize=1)
def _any_kind() -> re.Pattern[str]:
    """Every kind's words and patterns as one regex: a title it does not match names no kind."""
    words = load_vocabulary().kind
    plain = [w for kind in _KINDS for w in words[kind]]
    either = ([alternation(plain)] if plain else []) + [f"(?:{p})" for p in words["project_pattern"]]
    return re.compile("|".join(either) or "(?!)")


def _kind_word(kind: str, title: str) -> str | None:
    """The first of ``kind``'s words, in vocabulary order, that ``title`` holds; else what the first of its
    patterns to match finds."""
    words, any_word, patterns = _kind_words()[kind]
    hit = next((w for w in words if w in title), None) if any_word.search(title) else None
    if hit is None:
        m = next((m for p in patterns if (m := p.search(title))), None)
        hit = m.group(0) if m else None
    return hit


def _own_title_end(titles: list[tuple[int, str]]) -> int | None:
    """Where the first title line that is a department report's or table's whole title ends (it names one and
    ends as a title: "…部门整体支出绩效自评报告"). A notice cited on a line after it is the report's body quoting
    the notice it answers, not the document's title; a title that runs on ("…绩效自评工作的" / "通知") is none."""
    words = load_vocabulary().kind
    own = [
        (pos, len(t.strip()))
        for pos, t in titles
        if t.strip().endswith(words["title_endings"])
        and any(w in t for w in (*words["dept_table"], *words["dept_report"]))
    ]
    return sum(min(own)) if own else None


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def document_kind(lines: list[tuple[int, str]], has_money_table: bool) -> Kind:
    """The kind of the document whose (offset, line) pairs are ``lines``.

    ``has_money_table``: whether the 资金情况 block of a self-evaluation table was read; a document with one
    and no title of any kind is a 自评表.
    """
    words = load_vocabulary().kind
    head = _head(lines)
    titles = [(pos, _QUOTED.sub(_blank, line) if "《" in line else line) for pos, line in head]
    titles = [(pos, t) for pos, t in titles if len(t.strip()) <= _TITLE_WIDTH and not _PROSE.search(t)]
    found = disclosure(lines, titles)
    if found is not None:  # a 决算/预算 disclosure, whatever its 预算绩效 section says
        return Kind("other", *found)
    own_end = _own_title_end(titles)
    # A title further down only says what the document is when it names another kind than the default.
    later = [] if any(w in t for _, t in titles for w in words["title_endings"]) else _later_title(lines)
    # Only a title holding some kind's word (or pattern) can name a kind: the others are left out at once.
    named = [(pos, t) for pos, t in titles if _any_kind().search(t)]
    named_later = [(pos, t) for pos, t in later if _any_kind().search(t)]
    # A title offering sample texts ("…自评报告范文(精选12篇)") is nobody's report, whatever kind it names.
    for kind in _KINDS:
        for pos, title in named + (named_later if kind != "dept_report" else []):
            if kind == "project_report" and any(w in title for w in words["project_unless"]):
                continue
            hit = _kind_word(kind, title)
            if hit is not None:
                at = max(title.find(hit), 0)
                if kind == "other" and own_end is not None and pos + at >= own_end:
                    continue  # a notice the report cites below its own title
                return Kind("other" if kind == "collection" else kind, pos + at, pos + at + len(hit), hit)
        if kind == "project_report":
            other = _other_line(lines)
            if other is not None:
                return Kind("other", other[0], other[0] + len(other[1]), other[1][:20])
    for pos, line in head:
        hit = next((w for w in words["project_header"] if w in line), None)
        if hit is not None:
            at = line.index(hit)
            return Kind("project_report", pos + at, pos + at + len(hit), hit)
    if has_money_table:
        return Kind("dept_table", 0, 0, "a 资金情况 table and no title")
    first = content_head(lines, 1)
    page = _PAGE_NUMBER.fullmatch(first[0][1].strip()) if first else None
    if page is not None and int(page.group(1)) > 1:
        # "—23—" and no title: a fragment from inside a longer document, whose owner and kind it never says.
        return Kind(
            "other", first[0][0], first[0][0] + len(first[0][1]), "a fragment starting at a later page"
        )
    return Kind("dept_report", 0, 0, "no title naming another kind")


_REFUSALS = {
    "project_report": "a 项目 report (one project's money, not the department's whole expenditure)",
    "other": "not a department's own report (a notice, summary or list)",
}


def refusal(kind: str, words: str) -> str | None:
    """Why a document of ``kind`` is not loaded as a department's report (None when it is)."""
    if kind not in _REFUSALS:
        return None
    label = disclosure_label(words) if kind == "other" and words else None
    if label is not None:
        what = f"{label}, not a performance self-evaluation report: it reads {words!r}"
    else:
        what = _REFUSALS[kind] + (f" — its title says {words!r}" if words else "")
    return (
        f"{what}: not loaded as a 部门整体 report. Ingest the department's own "
        "部门整体支出绩效自评报告 or 自评表 instead"
    )


__all__ = ["Kind", "document_kind", "refusal", "title_prefix"]
