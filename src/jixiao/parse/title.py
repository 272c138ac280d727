"""The report's own title: the first line of its title block that reads as one — page furniture (metadata,
breadcrumbs, a viewer's caption, a toolbar) skipped, a label a page puts before it (名 称:) taken off; a
prose line or a site's banner is no title."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from jixiao.parse.identity import is_title
from jixiao.parse.kind import title_prefix
from jixiao.parse.page import content_head, file_title, is_furniture, without_title_label

Put = Callable[[str, str, int, int], None]

_TITLE_WIDTH = 60
_MIN_TITLE = 6
_MIN_REPEAT = 3  # characters of the unit's name repeated at the title's start
_HEAD_LINES = 10
_PROSE = re.compile(r"[，。；;!！]")  # a site's banner (欢迎来到…!) is no title either
_CAPTION_LINES = 40  # lines in which a viewer's file-name caption stands
_LATER_LINES = 60
_TABLE_TITLE_END = re.compile(r"(?:报告|自评表|评价表)(?:\(\s*20\d{2}\s*年度?\s*\))?$")  # "…自评表(2023年度)"
_HEADING = re.compile(r"^\s*(?:[\d一二三四五六七八九十]+\s*[、.．]|\()")
_TITLE_OPENING = re.compile(r"[\u4e00-\u9fff\d()\s]{4,}")  # no label, no bullet, no colon
_PAGE_MARK = re.compile(r"^\d+\s*/\s*\d+\s*")


def _without_cover_name(title: str, unit: str | None) -> str:
    """A cover's unit line run into the title ("某某市某某区图书馆某某区图书馆图书购置项目绩效自评报告"): the title
    is what follows the unit's name, when it opens with the name again (a shorter form of it)."""
    if not unit or not title.startswith(unit):
        return title
    rest = title[len(unit) :]
    tails = (unit[k:] for k in range(len(unit) - _MIN_REPEAT + 1))
    return rest if len(rest) >= _MIN_TITLE and any(rest.startswith(t) for t in tails) else title


def _candidates(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """The head's lines that read as a title: (offset, line, title)."""
    out: list[tuple[int, str, str]] = []
    for pos, line in content_head(lines, _HEAD_LINES):
        # A viewer's page line running the title into the body ("1、…自评报告一、基本情况…") gives its opening.
        title = without_title_label(title_prefix(line).replace("|", " ")).strip()
        title = _PAGE_MARK.sub("", title)  # "1/1" of a viewer's page counter
        # A site's name (报告吧) holds a title word too: a title also names what it reports.
        if title.startswith("《") and title.endswith("》"):
            continue  # "附件: 《…评价报告》": a document it cites, not its own title
        if is_title(title) and _MIN_TITLE <= len(title) <= _TITLE_WIDTH and not _PROSE.search(title):
            out.append((pos, line, title))
    return out


def _page_headline(lines: Sequence[tuple[int, str]], first: int, second: int) -> bool:
    """Whether a page's metadata (发布时间, 来源, 字体…) stands between two title lines: the first is then the
    page's headline, the second the document's own title."""
    return any(first < pos < second and is_furniture(line) for pos, line in lines)


def _joined_with_line_above(
    lines: Sequence[tuple[int, str]], pos: int, line: str, title: str
) -> tuple[int, str, str]:
    """A document title wrapped over two lines ("2024年度某某县供销合作联社整体支出" / "绩效自评报告"): the line
    right above, when it is no title, no furniture and no prose, opens it."""
    above = [(p, s) for p, s in lines if p < pos and s.strip()][-1:]
    if (
        above
        and _TITLE_OPENING.fullmatch(above[0][1].strip())
        and not is_title(above[0][1])
        and not is_furniture(above[0][1])  # "发文单位 某某局 发布机构 某某网": the page's metadata
    ):
        joined = above[0][1].strip() + title
        if len(joined) <= _TITLE_WIDTH and not _PROSE.search(joined) and not _HEADING.match(joined):
            return above[0][0], above[0][1], joined
    return pos, line, title


def _later_or_file_title(lines: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """With no title in the head: a viewer's file-name caption, else a table's title row further down
    ("| 部门预算项目支出绩效自评表(2023年度) | ||||", below the tail of the table before it)."""
    for pos, line in lines[:_CAPTION_LINES]:
        name = file_title(line) if is_furniture(line) else None
        if name and is_title(name) and _MIN_TITLE <= len(name) <= _TITLE_WIDTH:
            return pos + max(line.find(name[:2]), 0), name
    for pos, line in content_head(lines, _LATER_LINES)[_HEAD_LINES:]:
        t = line.strip(" |\t")
        if (
            _MIN_TITLE <= len(t) <= _TITLE_WIDTH
            and not _PROSE.search(t)
            and not _HEADING.match(t)  # "3、撰写绩效评价报告" is a step of the body
            and _TABLE_TITLE_END.search(t)
        ):
            return pos + line.find(t), t
    return None


def put_title(lines: Sequence[tuple[int, str]], put: Put, unit: str | None = None) -> None:
    """The title, put with its offsets; ``unit``: the unit's name as read, taken off a title it was run into."""
    found = _candidates(lines)
    if len(found) >= 2 and _page_headline(lines, found[0][0], found[1][0]):
        found = [_joined_with_line_above(lines, *found[1])]
    if len(found) >= 2 and len(found[1][2]) > len(found[0][2]) and found[1][2].endswith(found[0][2]):
        found = found[
            1:
        ]  # "县档案馆2024年…报告" over "某某自治县档案馆2024年…报告": the same title, named in full
    if found:
        pos, line, title = found[0]
        title = _without_cover_name(title, unit)
        at = max(line.find(title[:2]), 0)
        put("title", title, pos + at, pos + at + len(title))
        return
    later = _later_or_file_title(lines)
    if later is not None:
        put("title", later[1], later[0], later[0] + len(later[1]))


__all__ = ["put_title"]
