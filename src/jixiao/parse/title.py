"""The report's own title: the first line of its title block that reads as one — page furniture (metadata,
breadcrumbs, a viewer's caption, a toolbar) skipped, a label a page puts before it (名 称:) taken off; a
prose line or a site's banner is no title."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from jixiao.parse.identity import is_title
from jixiao.parse.kind import title_prefix
from jixiao.parse.page import content_head, without_title_label

Put = Callable[[str, str, int, int], None]

_TITLE_WIDTH = 60
_MIN_TITLE = 6
_HEAD_LINES = 10
_PROSE = re.compile(r"[，。；;!！]")  # a site's banner (欢迎来到…!) is no title either
_PAGE_MARK = re.compile(r"^\d+\s*/\s*\d+\s*")


def put_title(lines: Sequence[tuple[int, str]], put: Put) -> None:
    for pos, line in content_head(lines, _HEAD_LINES):
        # A viewer's page line running the title into the body ("1、…自评报告一、基本情况…") gives its opening.
        title = without_title_label(title_prefix(line).replace("|", " ")).strip()
        title = _PAGE_MARK.sub("", title)  # "1/1" of a viewer's page counter
        # A site's name (报告吧) holds a title word too: a title also names what it reports.
        if is_title(title) and _MIN_TITLE <= len(title) <= _TITLE_WIDTH and not _PROSE.search(title):
            at = max(line.find(title[:2]), 0)
            put("title", title, pos + at, pos + at + len(title))
            return


__all__ = ["put_title"]
