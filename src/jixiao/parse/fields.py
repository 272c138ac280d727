"""Figure rules kept out of ``parser.py``: the self-evaluation table's values, the document's kind and the
fiscal year of a title that writes no 年.

Each function takes the parser's ``put`` (first value of a field wins) so the order of the calls in
``parse_report`` decides precedence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import islice

from jixiao.parse.cells import Table
from jixiao.parse.dates import AR_DATE, CN_DATE, iso_date, parse_date
from jixiao.parse.kind import document_kind, title_prefix
from jixiao.parse.page import content_head, file_title, is_furniture
from jixiao.parse.tables import TableValue, read_table
from jixiao.parse.vocab import Label, Vocabulary, load_vocabulary

Put = Callable[[str, Decimal | int | str, int, int], None]
Lines = list[tuple[int, str]]

_MONEY_ROWS = frozenset(("expenditure_total", "basic_expenditure", "project_expenditure", "budget_initial"))
# "2018绩效评价报告", "2024年度部门整体绩效自评表", "2023 年度": a year that opens a title or ends in 年/年度.
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*(?:年度|年(?!\s*\d{1,2}\s*月)|度|(?=[\u4e00-\u9fff]))")
_DATE = re.compile(r"20\d{2}\s*年\s*\d{1,2}\s*月|日期|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_YEAR_LINE = re.compile(r"\(?\s*20\d{2}\s*年度?\s*\)?")
_EVALUATED_YEAR = re.compile(r"\(\s*(20\d{2})\s*年度\s*\)\s*$")  # ends its line
_TITLE_WIDTH = 60
_HEAD_LINES = 10
_CAPTION_LINES = 40  # lines in which a viewer's file-name caption stands
# A list item's marker, then a name right before the label: "(1)免费开放项目支出", "2.图书购置项目支出".
_NAMED_ITEM = re.compile(
    r"(?:^|[。；;\n])\s*(?:\(\s*[\d一二三四五六七八九十]{1,2}\s*\)|\d{1,2}\s*[、.])\s*[\u4e00-\u9fff]{2,16}$"
)
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年")
_BODY_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# The day the table was filled in (or the self-evaluation done) is its date: 报告日期, 填报日期, 自评日期, each
# the two characters before 日期 (found by ``str.find``: a regex alternation tried at every character is slower).
_REPORT_DATE_WORDS = ("报告", "填报", "自评")
_LABEL_GAP = re.compile(r"\s*[:：]?\s*")
# After a date label, a date written with dots or dashes: "填报日期:2023.6.28".
_NUMERIC_DATE = re.compile(r"(20\d{2})\s*[.．\-/]\s*(\d{1,2})\s*[.．\-/]\s*(\d{1,2})(?!\d)")


def table_and_kind(
    text: str, lines: Lines, tables: Sequence[Table], put: Put
) -> tuple[list[tuple[str, int]], Callable[[], None]]:
    """Read the self-evaluation table and the document's kind, and put the kind.

    A 自评表's values are put now, before the prose's; a report's table only fills what its prose leaves
    out, through the returned function, to be called after the prose is read. Also returns the unit name
    the table's 预算单位 cell gives, with its offset (the 主管部门 is another unit: read, not returned)."""
    values = read_table(text, tables, lines)
    kind = document_kind(lines, has_money_table=bool(_MONEY_ROWS & values.keys()))
    put("doc_kind", kind.kind, kind.start, kind.end)
    names = [(str(values[k].value), values[k].start) for k in ("unit",) if k in values]
    if kind.kind == "dept_table":
        put_table(values, put)
        return names, lambda: None
    return names, lambda: put_table(values, put)


def put_table(values: dict[str, TableValue], put: Put) -> None:
    for field, v in values.items():
        if field not in ("unit", "parent"):
            put(field, v.value, v.start, v.end)


def not_a_level(label: Label, field: str, prefix: str, rest: str, vocab: Vocabulary) -> bool:
    """Whether the money label ``label`` (for ``field``), read after ``prefix`` in its sentence and before
    ``rest``, states something other than the field's level: a change (较上年增加基本支出 84.16 万元), an
    allocation read as an actual (已安排项目经费 380 万元), a part of a whole (其中财政拨款收入), or a label that
    needs a word its sentence lacks (收入预算为 … is the initial budget only after 年初)."""
    before = prefix[-3:]
    if before.endswith(vocab.change_before):
        return True
    if label.side == "actual" and before.endswith(vocab.budget_before):
        return True
    if field in vocab.whole_fields:
        tail = prefix[-4:]
        if any(w in tail for w in vocab.scope_words):
            return True
    if label.needs and not any(w in prefix for w in label.needs):
        return True
    if field == "project_expenditure" and _NAMED_ITEM.search(prefix):
        return True  # "(1)免费开放项目支出 25.14 万元": one listed project's spending, not all projects'
    return bool(label.siblings) and any(
        _named(w, prefix) or _named(w, rest) for w in label.siblings if w != label.text
    )


def _named(word: str, text: str) -> bool:
    """Whether ``text`` names ``word`` other than to deny it (无其他收入)."""
    at = text.find(word)
    while at >= 0:
        if not text[max(0, at - 2) : at].endswith(load_vocabulary().words["denials"]):
            return True
        at = text.find(word, at + 1)
    return False


def _title_year(lines: Lines) -> tuple[int, int, int] | None:
    """(year, start, end) of the title block's fiscal year."""
    # Page furniture (a viewer's file-name caption, 发布日期) is not the title block.
    head = content_head(lines, _HEAD_LINES)
    for pos, full in head:
        # "(2024年度)" under (or after) a title naming a fund of another year (…2023年异地造林补助资金项目…):
        # the year evaluated, stated as such, wins.
        m = _EVALUATED_YEAR.search(full)
        if m:
            return int(m.group(1)), pos + m.start(1), pos + m.end(1)
    for pos, full in head:
        line = title_prefix(full)  # a viewer's line running the title into the body stands for its title
        if line is full and len(full.strip()) > _TITLE_WIDTH:
            continue  # prose, not a title
        # "(2022年度)" on its own line below the title, or a title line that is no date.
        own_line = _YEAR_LINE.fullmatch(line.strip()) is not None
        if not own_line and (
            not any(map(line.__contains__, load_vocabulary().words["year_title"])) or _DATE.search(line)
        ):
            continue
        m = _TITLE_YEAR.search(line)
        if m:
            return int(m.group(1)), pos + m.start(), pos + m.end()
    return None


def _caption_years(lines: Lines) -> set[int]:
    """The years of a viewer's file-name captions (《某某局2022年度…自评表.docx》由会员分享)."""
    years: set[int] = set()
    for _, line in lines[:_CAPTION_LINES]:
        name = file_title(line) if is_furniture(line) else None
        m = _TITLE_YEAR.search(name) if name else None
        if m:
            years.add(int(m.group(1)))
    return years


def fiscal_year_in_title(lines: Lines, put: Put) -> bool:
    """Put the fiscal year from a title line, also when it writes no 年 ("2018绩效评价报告"); never from a
    date (报告日期:2019年06月18日 is when it was written, not the year evaluated). When the document's title
    and the file name it was shared under name different years, no year is put: which one is wrong is not
    for the parser to guess. True when the year is settled (put, or refused for that conflict)."""
    found = _title_year(lines)
    if found is None:
        return False
    captions = _caption_years(lines)
    if captions and found[0] not in captions:
        return True
    put("fiscal_year", *found)
    return True


def fiscal_year_in_body(
    text: str, lines: Lines, sentence: Callable[[int], tuple[int, int]], put: Put
) -> None:
    """The fiscal year of a report line in the head (报告 / 评价, not its date), else the year the budget
    sentences name most often."""
    # The head's first non-empty lines, without a list of every line made first.
    for pos, line in islice(((p, s) for p, s in lines if s.strip()), _HEAD_LINES):
        if ("报告" in line or "评价" in line) and "日期" not in line:  # 报告日期 is no title
            m = _YEAR_IN_TITLE.search(line)
            if m:
                put("fiscal_year", int(m.group(1)), pos + m.start(), pos + m.end())
                return
    counts: Counter[int] = Counter()
    first: dict[int, tuple[int, int]] = {}
    for m in _BODY_YEAR.finditer(text):
        s, e = sentence(m.start())
        if any(map(text[s:e].__contains__, load_vocabulary().words["budget_sentence"])):
            year = int(m.group(1))
            counts[year] += 1
            first.setdefault(year, (m.start(), m.end()))
    if counts:
        year = counts.most_common(1)[0][0]
        put("fiscal_year", year, *first[year])


def _report_date_label(text: str) -> tuple[int, int] | None:
    """(start, end) of the first date label with the colon and spaces after it."""
    at = text.find("日期", 2)
    while at >= 0:
        if text[at - 2 : at] in _REPORT_DATE_WORDS:
            gap = _LABEL_GAP.match(text, at + 2)
            return at - 2, gap.end() if gap else at + 2
        at = text.find("日期", at + 1)
    return None


def report_date(text: str, lines: Lines, put: Put) -> None:
    """The date after 报告日期 / 填报日期, else the last line that is a date alone (the signature's)."""
    at = _report_date_label(text)
    if at is not None:
        start, end = at
        value = parse_date(text[end : end + 20])
        numeric = _NUMERIC_DATE.match(text, end)
        if value is None and numeric is not None:
            value = iso_date(*(int(g) for g in numeric.groups()))
        if value:
            put("report_date", value, start, end + 12)
            return
    for pos, line in reversed(lines):
        if "月" not in line:
            continue  # both patterns need a month: most lines are passed over without a strip or a regex
        stripped = line.strip()
        if stripped and (AR_DATE.fullmatch(stripped) or CN_DATE.fullmatch(stripped)):
            value = parse_date(stripped)
            if value:
                start = pos + line.index(stripped)
                put("report_date", value, start, start + len(stripped))
                return


__all__ = [
    "fiscal_year_in_body",
    "fiscal_year_in_title",
    "not_a_level",
    "put_table",
    "report_date",
    "table_and_kind",
]
