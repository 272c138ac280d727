"""What a web page or a document viewer puts around a report: metadata fields (索引号, 发布机构), breadcrumbs
(您现在的位置), navigation, a viewer's file-name caption (《….docx》由会员分享) and pinyin glosses a mirror site
writes after characters (项(xiàng)目). None of it is the report's own title; readers of the title block skip
it. Vocabulary: ``page_furniture``, ``file_extensions`` and ``title_labels`` in ``identity.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

Line = tuple[int, str]

# A pinyin gloss carries a tone mark: "(xiàng)", "(biāo)"; "(a)" or "(本级)" are no gloss.
_RUBY = re.compile(r"\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}\)")
_PART = re.compile(r"第[一二三四五六七八九十\d]{1,3}部分")
_TOOLBAR_WORD = 4  # characters of a toolbar's word
_TOOLBAR_RUN = 6  # lines of such words in a row make a toolbar
# The parser's readers of the title block ask for 6, 8 and 10 lines: the first reading takes 10 at once.
_HEAD_READ = 10
_QUOTED_FILE = re.compile(r"《(?P<name>[^》\n]{2,80}?)\.(?:docx?|pdf|wps|xlsx?)》")


@dataclass(frozen=True)
class _Words:
    furniture: tuple[str, ...]
    extensions: tuple[str, ...]
    title_labels: tuple[str, ...]


@lru_cache(maxsize=1)
def _words() -> _Words:
    raw = tomllib.loads(resources.files("jixiao.parse").joinpath("identity.toml").read_text("utf-8"))
    return _Words(
        tuple(raw["page_furniture"]),
        tuple(raw["file_extensions"]),
        tuple(sorted(raw["title_labels"], key=len, reverse=True)),
    )


def strip_ruby(line: str) -> str:
    """``line`` without pinyin glosses: 项(xiàng)目支出 → 项目支出."""
    return _RUBY.sub("", line)


def file_title(line: str) -> str | None:
    """The document name a viewer's caption or a file-name line gives (extension taken off), else None."""
    m = _QUOTED_FILE.search(line)
    if m:
        return m.group("name").strip()
    stripped = line.strip()
    lowered = stripped.lower()
    extensions = _words().extensions
    if not lowered.endswith(extensions):
        return None  # the common case: no extension at all, without the loop below
    for ext in extensions:
        if lowered.endswith(ext) and len(stripped) > len(ext) + 2:
            return stripped[: -len(ext)].strip()
    return None


@lru_cache(maxsize=1)
def _furniture_words() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, _words().furniture)))


@lru_cache(maxsize=8192)
def is_furniture(line: str) -> bool:
    """Whether ``line`` is page furniture rather than a line of the report."""
    squeezed = "".join(line.split()).replace("：", ":")
    return _furniture_words().search(squeezed) is not None or file_title(line) is not None


def _toolbar_word(stripped: str) -> bool:
    return len(stripped) <= _TOOLBAR_WORD and not any(ch.isdigit() for ch in stripped)


# The last text's head: (its lines, n, the head) — the parser asks for the head of one text's lines six
# times. The lines object is held, so ``is`` cannot match another list at the same address.
_last_head: tuple[Sequence[Line], int, list[Line]] | None = None


def content_head(lines: Sequence[Line], n: int) -> list[Line]:
    """The first ``n`` non-empty lines that are not page furniture, nor the words of a toolbar: a run of at
    least ``_TOOLBAR_RUN`` lines of a few characters each and no digit (拼音 / 辅助浏览 / 放大 / 缩小 …, a
    site's accessibility bar).

    The head for a smaller ``n`` is the start of the head for a larger one (the lines are read in order and
    the reading stops only once ``n`` are out), so one reading serves every ``n`` up to its own."""
    global _last_head
    last = _last_head
    if last is not None and last[0] is lines and n <= last[1]:
        return last[2][:n]
    at_least = max(n, _HEAD_READ)
    head = _content_head(lines, at_least)
    _last_head = (lines, at_least, head)
    return head[:n]


def _content_head(lines: Sequence[Line], n: int) -> list[Line]:
    out: list[Line] = []
    run: list[Line] = []  # short lines not yet known to be a toolbar's or the report's
    for pos, line in lines:
        stripped = line.strip()
        if not stripped or is_furniture(line):
            continue
        if _toolbar_word(stripped):
            run.append((pos, line))
            continue
        if len(run) < _TOOLBAR_RUN:
            out.extend(run)
        run = []
        out.append((pos, line))
        if len(out) >= n:
            break
    if len(run) < _TOOLBAR_RUN:
        out.extend(run)
    return out[:n]


@lru_cache(maxsize=4096)  # the title block's lines are read by the title and by the unit's name
def without_title_label(line: str) -> str:
    """``line`` without a label a page puts before a title on its line ("名 称:", "标 题")."""
    squeezed = "".join(line.split())
    part = _PART.match(squeezed)  # "第五部分 附件 某某局2021年度…报告": the attachment's own title follows
    if part and len(squeezed) > part.end() + 4:
        squeezed, line = squeezed[part.end() :], squeezed[part.end() :]
    labels = _words().title_labels
    if not squeezed.startswith(labels):
        return line.strip()  # the common case, without trying each label
    for label in labels:
        if squeezed.startswith(label) and len(squeezed) > len(label) + 4:
            return squeezed[len(label) :]
    return line.strip()


__all__ = ["content_head", "file_title", "is_furniture", "strip_ruby", "without_title_label"]
