"""Who wrote the report: the unit's names as the report gives them itself, each with where it was read.

A report names itself in four places — its title (or the line above it), a header field (单位名称,
项目主管部门, 预算单位), its signature above the closing date, and a ``(以下简称…)`` definition. Those are its
own names (``NameSource``) and only they decide the unit. Mentions in the body (the superior 市科协, a
town's 科协) are listed after them for corroboration only. Lines a web page puts around a report (文档简介,
返回 下载 相关, a bare 2025年) are never a name: a position-read name must look like a body's name.

Vocabulary: ``identity.toml`` (where names are read, page debris) and ``jixiao/units/departments.toml``
(department types).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property, lru_cache
from operator import itemgetter

from jixiao.model import NameSource
from jixiao.parse.dates import AR_DATE, CN_DATE
from jixiao.parse.identity_vocab import (
    DEFINITION_MARK,
    PLACE_PREFIX,
    identity_vocab,
    mention_prefix,
    mentions,
    not_a_name,
    org_suffix,
    readings,
    signature_line,
    without_seal,
)
from jixiao.parse.kind import title_prefix
from jixiao.parse.page import content_head, strip_ruby, without_title_label
from jixiao.units.departments import has_type_word, load_departments

Line = tuple[int, str]  # (offset, line) as the parser splits the text

_NAME_WIDTH = 30
_NAME_LINE = re.compile(rf"[\u4e00-\u9fff]{{2,{_NAME_WIDTH}}}")
# "井陉县科学技术协会2025年度整体支出绩效自评报告": the name is what precedes the year.
_TITLE_LEAD = re.compile(r"^\s*(?:关于)?(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,30}?)\s*20\d{2}\s*年")
_CJK_SPACE = re.compile(r"\s+")
_YEAR_OPENING = re.compile(r"^(?:关于)?20\d{2}\s*年度?\s*")
_CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]+$")
_CODED_NAME = re.compile(r"\d{3,12}\s*-\s*(?P<name>[\u4e00-\u9fff]{2,30})")
_TITLE_WIDTH = 60
_INTRODUCTION_REACH = 2000  # characters: the opening sentence of the report, past the page around it


def _opening_title(line: str) -> str:
    """A viewer's line running the title into the body stands for its opening title (see ``kind``)."""
    return title_prefix(line) if len(line.strip()) > _TITLE_WIDTH else line


def clean_name(name: str) -> str:
    return _CJK_SPACE.sub("", name)


@lru_cache(maxsize=8192)  # pure (the vocabularies are loaded once); a report reads its name in several places
def plausible_name(name: str | None) -> bool:
    """Could ``name`` be a body's name? Not page debris, not a date, not a sentence: a department-type
    word, or a name ending as bodies' names end (…协会, …局, …馆)."""
    if not name:
        return False
    v = identity_vocab()
    cleaned = clean_name(name)
    if cleaned in v.debris or not _NAME_LINE.fullmatch(cleaned):
        return False
    return has_type_word(cleaned) or cleaned[-1] in v.org_endings


def is_signature_name(line: str) -> bool:
    """A line that is a unit's name alone (it closes the last section of the body)."""
    stripped = without_seal(line).strip()
    signature, width = signature_line()
    if len(stripped) > max(width, _NAME_WIDTH):  # longer than either pattern matches: prose, not tried
        return False
    return bool(signature.fullmatch(stripped)) or (
        bool(_NAME_LINE.fullmatch(stripped)) and not not_a_name(stripped) and _ends_with_type(stripped)
    )


def _ends_with_type(name: str) -> bool:
    words = load_departments().words_in(name)
    return bool(words) and words[-1][1] == len(name)


def is_title(line: str) -> bool:
    return any(map(line.__contains__, identity_vocab().title_words))  # as ``any(w in line …)``, no generator


def _placed_name(name: str) -> bool:
    """A title's name must say whose it is: a bare type (林业局 in "2020年度林业局(本级)…报告") names no
    place and would be matched to any place's 林业局."""
    if not plausible_name(name):
        return False
    words = load_departments().words_in(name)
    return not (words and words[0][0] == 0 and words[-1][1] == len(name))


def _bare_type(name: str) -> bool:
    """A title's name that is a department type alone (林业局), no project's name, no other word."""
    return plausible_name(name) and not not_a_name(name) and not _names_a_project(name)


def _without_department_word(name: str) -> str:
    """ "某某县司法局部门": a template's cell that appends 部门 to the unit's name; the name is what precedes it."""
    for word in identity_vocab().appended_words:
        if name.endswith(word) and _placed_name(name[: -len(word)]):
            return name[: -len(word)]
    return name


def _names_a_project(name: str) -> bool:
    """ "某某区文化馆非遗展演项目": a title's opening that names a project (its unit comes first)."""
    return any(w in name for w in identity_vocab().project_words)


def _leading_unit(title: str) -> str | None:
    """A project's title opens with its unit, then the project's name: "某某市司法局专项事业费(项目)2017年度
    绩效自评报告", "某某区图书馆图书购置项目绩效自评报告". The unit is the title's opening up to its first
    department-type word, when that names a place too."""
    stripped = _YEAR_OPENING.sub("", title.strip())  # "2023年度某某市图书馆数字资源购置项目…"
    words = load_departments().words_in(stripped)
    if not words or strip_ruby(stripped) != stripped:
        return None  # a pinyin gloss may cut a name in two: 某某供销合作社联(lián)合社
    name = stripped[: words[0][1]]
    ok = _NAME_LINE.fullmatch(name) and _placed_name(name) and not not_a_name(name)
    return name if ok and len(stripped) > len(name) else None


def _names_itself(title: str) -> bool:
    """Whether a title line carries the unit's name before its year: then the line above it (a site's name,
    施甸县人民政府 over 施甸县文化和旅游局2024年…报告) is not the unit's."""
    t = _TITLE_LEAD.match(title)
    return t is not None and plausible_name(clean_name(t.group("name")))


def _definition_name(run: str) -> str | None:
    """The unit's name in the words before (以下简称…): they must end in a department-type word, and what
    precedes that word loses any lead verb or self-reference (根据要求我单位 + 香河县妇女联合会)."""
    deps = load_departments()
    for template in deps.by_template:
        pre, post = template.split("{}")
        if pre and post and run.endswith(post) and pre in run[: -len(post)]:
            return run[run.rfind(pre, 0, len(run) - len(post)) :]  # 共青团彝良县委员会
    words = deps.words_in(run)
    if not words or words[-1][1] != len(run):
        return None
    start = words[-1][0]
    # A type word inside a longer one (委员会 of 发展和改革委员会) is found by the longest alias first.
    prefix = identity_vocab().self_reference.sub("", identity_vocab().lead.sub("", run[:start]))
    name = prefix + run[start:]
    return name if len(name) >= 2 else None


class NameReader:
    """Reads the report's own names and the mentions of units in its body."""

    def __init__(self, text: str, lines: Sequence[Line]) -> None:
        self.text = text
        self.lines = lines

    @cached_property
    def nonempty(self) -> list[Line]:
        """Every line that is not blank (made only when a signature is looked for above attachments)."""
        return [(p, s) for p, s in self.lines if s.strip()]

    def _last_nonempty(self, n: int) -> list[Line]:
        """The last ``n`` lines that are not blank, read from the end."""
        out: list[Line] = []
        for k in range(len(self.lines) - 1, -1, -1):
            if self.lines[k][1].strip():
                out.append(self.lines[k])
                if len(out) == n:
                    break
        return out[::-1]

    def placed(self, name: str, source: str, start: int) -> NameSource:
        """``name`` as read at ``start`` from ``source`` (header, title, signature or definition)."""
        i = bisect_right(self.lines, start, key=itemgetter(0)) - 1  # no list of the starts made
        line = self.lines[i][1].strip() if i >= 0 else ""
        return NameSource(name=name, source=source, start=start, line_no=i + 1, line=line[:80])

    def own_names(self) -> list[NameSource]:
        """Names from the header field, the title block, the signature above the closing date and a
        (以下简称…) definition, in that order."""
        return [
            *self._header_names(),
            *self._title_names(),
            *self._coded_names(),
            *self._signature_names(),
            *self._definition_names(),
            *self._introduced_names(),
        ]

    def _header_names(self) -> list[NameSource]:
        v = identity_vocab()
        found: list[tuple[int, str, str]] = []  # (offset, label, name)
        for text, offset_of in readings(self.text):
            # Both patterns open with a label: one scan for the first label tells where they can start.
            first = v.header_label.search(text)
            # Squeezed, a name has no space to end at: only the next field's label ends it.
            patterns = (v.header, v.header_run) if text is self.text else (v.header_run,)
            for pattern in patterns if first is not None else ():
                m = pattern.search(text, first.start() if first is not None else 0)
                # Overlapping: "主管部门 实施单位 某某局" (an empty cell) holds two labels.
                while m is not None:
                    name = _without_department_word(m.group("name"))
                    if plausible_name(name) and not not_a_name(name):
                        found.append((offset_of(m.start("name")), m.group("label"), name))
                    m = pattern.search(text, m.end("label"))
            if found:
                break
        found.sort()
        preferred = [f for f in found if "".join(f[1].split()).endswith(v.preferred_labels)]
        return [self.placed(name, "header", at) for at, _, name in (preferred or found)[:1]]

    def _title_names(self) -> list[NameSource]:
        v = identity_vocab()
        found: list[NameSource] = []
        # Page furniture (索引号, 发布机构, breadcrumbs) is not the title block.
        head = content_head(self.lines, 8)
        for i, (pos, raw_line) in enumerate(head):
            line = without_title_label(_opening_title(raw_line))  # "标 题 某某局2020年度…报告"
            pos += max(raw_line.find(line[:2]), 0) if line else 0
            if ":" in line or "：" in line or len(line.strip()) > _TITLE_WIDTH:
                continue  # a field, or prose (a sentence naming a 工作报告 is no title)
            titled = is_title(line)
            t = (_TITLE_LEAD.match(line) or v.title_no_year.match(line)) if titled else None
            a = v.title_after_year.match(line) if titled else None
            if t and not not_a_name(t.group("name")) and not _names_a_project(t.group("name")):
                name = clean_name(t.group("name"))
                if _placed_name(name):
                    found.append(self.placed(name, "title", pos + t.start("name")))
            elif (
                a
                and not not_a_name(a.group("name"))
                and not _names_a_project(a.group("name"))
                and _placed_name(a.group("name"))
            ):
                found.append(self.placed(a.group("name"), "title", pos + a.start("name")))
            elif a and _bare_type(a.group("name")):
                found += self._placed_in_body(a.group("name"))  # "2020年度林业局(本级)…报告"
            elif titled and (lead := _leading_unit(line)) is not None:
                found.append(self.placed(lead, "title", pos + line.find(lead)))
            elif (
                not titled and (wrapped := self._wrapped_title_name(line, head[i + 1 :])) is not None
            ):  # "富民县红十字会2023年度部门整体支出" / "绩效评价报告": a title wrapped over two lines
                found.append(self.placed(wrapped[0], "title", pos + wrapped[1]))
            elif (
                i + 1 < len(head)
                and is_title(head[i + 1][1])
                and not titled
                and not _names_itself(head[i + 1][1])
            ):
                # A line of its own right above the title is the unit's name.
                name = clean_name(line)
                if _NAME_LINE.fullmatch(name) and not not_a_name(name) and plausible_name(name):
                    found.append(self.placed(name, "title", pos + line.index(line.strip()[0])))
        return found

    @staticmethod
    def _wrapped_title_name(line: str, below: Sequence[tuple[int, str]]) -> tuple[str, int] | None:
        """The name opening a title whose kind words wrapped to the next line, and where it starts in ``line``."""
        if not below or not is_title(below[0][1]) or _names_itself(below[0][1]):
            return None
        m = _TITLE_LEAD.match(line)
        if m is None or len(line.strip() + below[0][1].strip()) > _TITLE_WIDTH:
            return None
        name = clean_name(m.group("name"))
        return (name, m.start("name")) if _placed_name(name) and not not_a_name(name) else None

    def _placed_in_body(self, bare: str) -> list[NameSource]:
        """A title naming a bare type (林业局) names the unit with its place in the body (大足区林业局): the
        placed spelling the body uses most, when it is used at least twice and more than any other."""
        counts: dict[str, list[int]] = {}
        at = self.text.find(bare)
        while at >= 0:
            before = _CJK_RUN_END.search(self.text, max(0, at - 10), at)
            place = identity_vocab().lead.sub("", before.group(0)) if before else ""
            if PLACE_PREFIX.match(place) and place not in identity_vocab().not_places:
                counts.setdefault(place + bare, []).append(at - len(place))
            at = self.text.find(bare, at + len(bare))
        ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
        if (
            not ranked
            or len(ranked[0][1]) < 2
            or (len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]))
        ):
            return []
        name, starts = ranked[0]
        return [self.placed(name, "title", starts[0])] if _placed_name(name) else []

    def _coded_names(self) -> list[NameSource]:
        for pos, line in content_head(self.lines, 8):
            # "215001-某某市民族宗教事务局": a budget unit's code and its name, as a cover page gives them.
            c = _CODED_NAME.fullmatch(line.strip())
            if c and _placed_name(c.group("name")) and not not_a_name(c.group("name")):
                return [self.placed(c.group("name"), "header", pos + line.index(c.group("name")))]
        return []

    def _signature_names(self) -> list[NameSource]:
        found: list[NameSource] = []
        tail = self._last_nonempty(3)
        for i, (pos, line) in enumerate(tail):
            stripped = without_seal(line).strip()
            below = tail[i + 1][1].strip() if i + 1 < len(tail) else ""
            signed = bool(AR_DATE.fullmatch(below) or CN_DATE.fullmatch(below)) or (
                i == len(tail) - 1
                and (org_suffix().search(stripped) is not None or _ends_with_type(stripped))
            )
            if (
                signed
                and _NAME_LINE.fullmatch(stripped)
                and not not_a_name(stripped)
                and plausible_name(stripped)
            ):
                found.append(self.placed(stripped, "signature", pos + line.index(stripped)))
        return found or self._signature_before_attachments()

    def _signature_before_attachments(self) -> list[NameSource]:
        """A letter or report signed above its attachments: a name alone on its line, the date under it, then
        a line opening the attachments (附件1: …)."""
        marks = identity_vocab().attachment_marks
        if not any(map(self.text.__contains__, marks)):
            return []  # most texts hold no mark, so no line can open with one: the lines are not listed
        ne = self.nonempty
        for k in range(len(ne) - 2):
            if not ne[k + 2][1].lstrip().startswith(marks):  # the marks hold no space: as strip()'s
                continue
            name, date = ne[k][1].strip(), ne[k + 1][1].strip()
            stripped = without_seal(name).strip()
            if (
                (AR_DATE.fullmatch(date) or CN_DATE.fullmatch(date))
                and _NAME_LINE.fullmatch(stripped)
                and not not_a_name(stripped)
                and plausible_name(stripped)
            ):
                return [self.placed(stripped, "signature", ne[k][0] + ne[k][1].index(stripped))]
        return []

    def _introduced_names(self) -> list[NameSource]:
        """ "现将某某市红十字会2023年度部门整体…情况报告如下": the opening sentence introducing the report names
        its unit before the year."""
        for m in identity_vocab().introduction.finditer(self.text, 0, _INTRODUCTION_REACH):
            name = m.group("name")
            if _placed_name(name) and not not_a_name(name):
                return [self.placed(name, "definition", m.start("name"))]
        return []

    def _definition_names(self) -> list[NameSource]:
        if DEFINITION_MARK not in self.text:
            return []  # the pattern's lookahead needs it: scanning every character would find nothing
        for m in identity_vocab().definition.finditer(self.text):
            name = _definition_name(m.group("name"))
            if name and not not_a_name(name):
                return [self.placed(name, "definition", m.end("name") - len(name))]
        return []

    def unit_names(self, own: Sequence[NameSource]) -> list[tuple[str, int]]:
        """``own`` first, then the other spellings of a 科协 the body mentions."""
        found = [(n.name, n.start) for n in own]
        known = tuple(n for n, _ in found)
        for m in mentions(self.text):
            name = m.group(0)
            # The first own name it ends with (one C test first: most mentions end with none).
            trimmed = next((k for k in known if name.endswith(k)), None) if name.endswith(known) else None
            if trimmed is None:
                prefix, place = mention_prefix(m.group("prefix"))
                before, after = self.text[max(0, m.start() - 1) : m.start()], self.text[m.end() : m.end() + 1]
                quoted = before in ("“", '"') and after in ("”", '"')
                full_form = not name.endswith("科协") and 2 <= len(prefix) <= 8
                if not (quoted or full_form or place):
                    continue
                trimmed = (m.group("prefix") if quoted else prefix) + name[len(m.group("prefix")) :]
            found.append((trimmed, m.end() - len(trimmed)))
        seen: set[str] = set()
        unique: list[tuple[str, int]] = []
        for name, pos in found:
            if name not in seen:
                seen.add(name)
                unique.append((name, pos))
        return unique


def describe_source(sources: Sequence[NameSource], spelling: str | None) -> str | None:
    """Where ``spelling`` was read, for a reviewer: 'title, line 1: 县科协2024年度部门整体支出绩效评价报告'."""
    for s in sources:
        if s.name == spelling:
            return f"{s.source}, line {s.line_no}: {s.line}"
    if spelling:
        return f"body mention: {spelling}"
    if sources:
        return "; ".join(f"{s.source}, line {s.line_no}: {s.line}" for s in sources)
    return None
