"""Text of a 部门整体支出绩效自评报告 → ``ParsedReport``.

One pass of an Aho-Corasick index over the text finds every label of the vocabulary (``vocab.toml``); each
value is then read locally, right after its label and inside its sentence. Patterns never start with a
generic number class scanned over the whole text, which is what makes naive regex parsers slow.

The text is expected NFKC-normalised (``jixiao.read.normalise``): ASCII digits, parentheses and colons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from jixiao.model import UNIT_OF, Fact, ParsedReport, ShareFact
from jixiao.parse.automaton import alternation
from jixiao.parse.context import Context, PageOf, label_hits, sentence_ends, split_lines
from jixiao.parse.fields import (
    fiscal_year_in_body,
    fiscal_year_in_title,
    not_a_level,
    report_date,
    table_and_kind,
)
from jixiao.parse.identity import NameReader
from jixiao.parse.numbers import MONEY_UNITS, to_decimal, to_wan
from jixiao.parse.projects import project_table
from jixiao.parse.rate_run import run_together_rate
from jixiao.parse.sections import indicators, read_sections
from jixiao.parse.shares import read_shares
from jixiao.parse.staff import StaffCounts
from jixiao.parse.title import put_title
from jixiao.parse.vocab import load_vocabulary

Table = tuple[tuple[str, ...], ...]  # rows of cells, as the reader gives them

_NUM = r"\d[\d,]*(?:\.\d+)?"
# The gap between a label and its number holds no digit and no sentence end: the first number wins.
_MONEY_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,24}}?)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)")
# A minus sign right before a percent is kept: a negative share is what the report states, for checks to flag.
_PERCENT_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,12}}?)(?P<num>-?{_NUM})\s*%")
_SCORE_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,12}}?)(?P<num>{_NUM})\s*分")
_SCORE_UNIT_FIRST = re.compile(rf"(?P<gap>\s*\((?:100\s*)?分\)\s*[:：]?\s*)(?P<num>{_NUM})(?!\s*[%万元人])")
_NEXT_FIGURE = re.compile(rf"(?P<gap>\s*[、,，和及]\s*)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)")
_SENTENCE_BREAK = re.compile(r"[。；;]")
_WHOLE_REACH = 40  # characters before a scope word in which the whole it breaks down is stated
_CLOSED = re.compile(r"\([^()]*\)")  # a closed bracket
_CUT_AT_END = re.compile(rf"[^\d。；;\n]{{0,24}}?{_NUM}(?=\s*$)")
_UNIT = re.compile(r"亿元|万元|元")
_UNIT_REACH = 300  # characters before a cut-off figure in which its unit is looked for
_SPLIT_WINDOW = 120  # characters: how far back a 自评表's budget split head reaches


@lru_cache(maxsize=2)
def _follow_up(side: str) -> re.Pattern[str]:
    """The figure a sentence goes on to state for the other side: "预算 5.00 万元，实际支出 3.06 万元"."""
    words = alternation(load_vocabulary().follow_up[side])
    gap = 6 if side == "actual" else 4
    return re.compile(
        rf"(?:{words})(?P<gap>[^\d。；;\n]{{0,{gap}}}?)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)"
    )


@lru_cache(maxsize=1)
def _grade_after() -> re.Pattern[str]:
    words = alternation(load_vocabulary().grades)
    return re.compile(rf"(?P<gap>[^。；;\n]{{0,4}}?)[“\"'‘「]?(?P<grade>{words})")


# The reader of each label kind (a method of ``_Extractor``), looked up per label.
_READERS = {
    "money": "_money",
    "by_sentence": "_money",
    "sangong": "_sangong",
    "percent": "_percent",
    "score": "_score",
    "grade": "_grade",
    "count": "_count",
}

# Kinds whose reader does nothing but put the label's own field (put keeps a field's first value).
_OWN_FIELD_KINDS = frozenset(("money", "percent", "score", "grade", "count"))


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(map(text.__contains__, words))  # as ``any(w in text for w in words)``, without a generator


class _Extractor(StaffCounts):
    def __init__(self, text: str, page_of: PageOf | None) -> None:
        vocab = load_vocabulary()
        self.ctx = Context(text, vocab, sentence_ends(text), page_of)
        self.text = text
        self.vocab = vocab
        self.facts: dict[str, Fact] = {}
        self.shares: list[ShareFact] = []
        self.hits = label_hits(text, vocab)
        self.has_subunits: bool | None = None  # whether the report names units under the department
        self.lines = split_lines(text)  # (offset, line) of every line, shared by the readers of layout below
        # 分别: a list's figures follow in turn (see ``_respective``).
        self.says_respective = _has_any(text, vocab.words["respective"])

    def put(self, name: str, value: Decimal | int | str, start: int, end: int) -> None:
        if name not in self.facts:
            self.facts[name] = Fact(name, value, UNIT_OF.get(name), self.ctx.evidence(start, end))

    def run(self) -> None:
        # A value is read up to the next label; an ignored phrase (含上年结转) hides a label but is no limit.
        limit = len(self.text)
        limits = [0] * len(self.hits)
        for i in range(len(self.hits) - 1, -1, -1):
            limits[i] = limit
            if self.hits[i].label.kind != "ignore":
                limit = self.hits[i].start
        # Each kind's reader bound once, not looked up per label.
        readers = {kind: getattr(self, name) for kind, name in _READERS.items()}
        sentence = self.ctx.sentence
        for i, hit in enumerate(self.hits):
            if hit.label.kind in _OWN_FIELD_KINDS and hit.label.field in self.facts:
                continue  # its reader could only put a field the report already has
            read = readers.get(hit.label.kind)
            if read is not None:
                s_start, s_end = sentence(hit.start)
                read(i, s_start, min(s_end, limits[i]), s_end)
        hits = [(h.start, h.label.field) for h in self.hits]
        self.shares = read_shares(self.text, hits, self.ctx.sentence, self.ctx.evidence, self.put)

    def _money(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        label = hit.label
        prefix = self.text[s_start : hit.start]
        field = _income_or_expenditure(prefix) if label.kind == "by_sentence" else label.field
        if field is None or field in self.facts:
            return
        # The figure first: every test below is a pure reading of the text, and a label with no figure after
        # it (a third of them) is then passed over without them.
        listed = self._respective(i, s_end)
        if listed is False:
            return  # a list of labels whose figures follow "分别" in turn, not all of them there
        m = listed or _MONEY_AFTER.match(self.text, hit.end, end) or self._cut_off(hit.end)
        if not m or _has_any(m.group("gap"), self.vocab.gap_stop_words):
            return
        if field in self.vocab.whole_fields and _has_any(
            _CLOSED.sub("", prefix) if "(" in prefix else prefix, self.vocab.part_words
        ):
            # "基本支出预算 149.83 万元，实际支出 149.83 万元": a part's figure, not the whole's (a bracket that
            # lists the parts of an earlier figure, "(基本支出 9896 万元、…)", is closed: not this one's)
            return
        if not_a_level(label, field, prefix, self.text[hit.end : s_end], self.vocab):
            return  # a change (增加基本支出), an allocation (已安排项目经费) or a part (其中财政拨款收入)
        if label.side == "actual" and self._in_a_budget_split(hit.start):
            return
        # "批复支出预算 1824.15 万元,实际执行支出预算 1711.15 万元": a label that says 实际 is the actual.
        # 决算数为 is itself the actual marker, whatever budget words precede it.
        if (
            label.side == "actual"
            and label.kind == "money"
            and (self._budget_talk(prefix, label.text) or self._under_a_budget(prefix, hit.start))
        ):
            return
        if field in self.vocab.words["budget_sources"] and self._under_a_budget(prefix, hit.start):
            return  # "调整预算64163.86万元,其中…、年初结转和结余11840.56万元": one source of the budget
        if label.tight and m.group("gap").strip():
            return  # ",支出 4426.19 万元" after the income: the figure follows the word at once
        if field in self.vocab.whole_fields and _has_any(m.group("gap"), self.vocab.words["fund_sources"]):
            return  # "部门预算财政安排公共财政拨款资金共157.71万元": one source's money, not the whole's
        if label.side == "actual" and _has_any(m.group("gap"), self.vocab.budget_gap_words):
            # "基本支出预算安排 149.83 万元，实际支出 149.83 万元": the actual figure follows.
            m = _follow_up("actual").search(self.text, m.end(), s_end)
            if not m:
                return
        self._put_money(field, hit.start, m)

    def _budget_talk(self, prefix: str, label: str) -> bool:
        """Whether the sentence speaks of the budget before the label: 预算, no actual marker, and a label that
        names no actual (总支出 does not: "预算批复的总支出为" is a budget)."""
        return (
            "预算" in prefix
            and not _has_any(prefix, self.vocab.actual_markers)
            and not _has_any(label, self.vocab.words["actual_in_label"])
        )

    def _cut_off(self, at: int) -> re.Match[str] | None:
        """An excerpt cut right after a figure ("…。项目支出3531.81" and the text ends): the figure is whole and
        its unit is the one the figures just before it are in."""
        m = _CUT_AT_END.match(self.text, at)
        if m is None:
            return None
        units = list(_UNIT.finditer(self.text, max(0, at - _UNIT_REACH), at))
        if not units:
            return None
        return _MONEY_AFTER.match(self.text[: m.end()] + units[-1].group(0), at)

    def _in_a_budget_split(self, at: int) -> bool:
        """Whether a label of a 自评表 stands in the 年度预算申请 block's split of the budget ("按支出性质分: 其中:
        基本支出:1768.16万元 / 项目支出:2985.5万元" sum to the budget, not to what was spent)."""
        kind = self.facts.get("doc_kind")
        if kind is None or kind.value != "dept_table":
            return False
        window = self.text[max(0, at - _SPLIT_WINDOW) : at]
        head = max(map(window.rfind, self.vocab.budget_split_heads))
        return head >= 0 and "。" not in window[head:]

    def _sangong(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        prefix = self.text[s_start : hit.start]
        m = _MONEY_AFTER.match(self.text, hit.end, s_end)
        if not m and len(self.text[hit.end : s_end].strip()) <= 4 and s_end < len(self.text):
            # A heading "(四)“三公”经费。" states its figures in the sentence after it.
            next_start, s_end = self.ctx.sentence(s_end + 1)
            m = _MONEY_AFTER.match(self.text, next_start, s_end)
            prefix = ""
        if not m:
            return
        gap = m.group("gap")
        # An amount named by no budget word is what was spent: "2024年三公经费 0.86 万元，比预算 1.20 万元少".
        spent = "支出" in gap or "实际" in gap or "决算" in gap or not ("预算" in gap or "预算" in prefix)
        first, second, follow_up = (
            (
                "sangong_actual",
                "sangong_budget",
                _follow_up("budget"),
            )  # "实际支出 2.47 万元，年初预算 3.20 万元"
            if spent
            else (
                "sangong_budget",
                "sangong_actual",
                _follow_up("actual"),
            )  # "预算 5.00 万元，实际支出 3.06 万元"
        )
        self._put_money(first, hit.start, m)
        follow = follow_up.search(self.text, m.end(), s_end)
        if follow:
            self._put_money(second, hit.start, follow)

    def _percent(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        label = hit.label
        prefix = self.text[s_start : hit.start]
        if (
            label.field in self.facts
            or _has_any(self.text[max(0, hit.start - 4) : hit.start], self.vocab.part_prefixes)
            or self._about_a_part(i, s_start)
            # A bare 执行率 after 其中 …项目: "其中茶产业专项资金 20.00 万元，执行率 100%" is the project's.
            or (label.text in self.vocab.bare_rate_labels and _has_any(prefix, self.vocab.rate_part_words))
        ):
            return
        m = _PERCENT_AFTER.match(self.text, hit.end, end)
        value = to_decimal(m.group("num")) if m else None
        if (
            m
            and value is not None
            and value <= 1000
            and not _has_any(m.group("gap"), self.vocab.gap_stop_words)
        ):
            self.put(label.field, value, hit.start, m.end())

    def _score(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        if _has_any(self.text[max(0, hit.start - 4) : hit.start], self.vocab.part_prefixes):
            return  # 各项目平均自评得分 92.4 分: the projects' score, not the department's
        # "自评总分(分)97.93": the unit stated before the number, as a table's label cell writes it.
        m = _SCORE_AFTER.match(self.text, hit.end, end)
        if m is None:
            m = _SCORE_UNIT_FIRST.match(self.text, hit.end, end)
            if m is not None and (to_decimal(m.group("num")) or 0) > 100:
                return  # out of 100: a number run into the label cell is something else
        value = to_decimal(m.group("num")) if m else None
        if m and value is not None and not _has_any(m.group("gap"), self.vocab.gap_stop_words):
            self.put(hit.label.field, value, hit.start, m.end())

    def _grade(self, i: int, s_start: int, end: int, s_end: int) -> None:
        hit = self.hits[i]
        m = _grade_after().match(self.text, hit.end, s_end)
        if m:
            self.put(hit.label.field, self.vocab.grades[m.group("grade")], hit.start, m.end())

    def _about_a_part(self, i: int, s_start: int) -> bool:
        """Whether the sentence's nearest subject before hit ``i`` is a part of the spending, not the whole.

        "基本支出预算安排 149.83 万元，实际支出 149.83 万元，完成预算安排的 100%" is the basic spending's rate.
        """
        for k in range(i - 1, -1, -1):
            prev = self.hits[k]
            if prev.start < s_start:
                return False
            if prev.label.field in self.vocab.part_fields:
                return True
            if prev.label.field in self.vocab.whole_fields:
                return _has_any(self.text[s_start : prev.start], self.vocab.part_words)
        return False

    def _under_a_budget(self, prefix: str, at: int) -> bool:
        """Whether the label at ``at`` is listed (其中…) under a budget stated before its sentence, across a line
        break ("预算支出910.4" / "2、7万元,其中人员经费580.72万元"): the parts of a budget are the budget's."""
        scope = max(map(prefix.rfind, self.vocab.scope_words))
        if scope < 0:
            return False
        start = at - len(prefix) + scope
        whole = _SENTENCE_BREAK.split(self.text[max(0, start - _WHOLE_REACH) : start])[-1]
        return "预算" in whole and not _has_any(whole, self.vocab.actual_markers)

    def _respective(self, i: int, s_end: int) -> re.Match[str] | Literal[False] | None:
        """ "基本支出、项目支出分别实现支出 10914.9 万元、6226.47 万元": labels listed before 分别 take the figures
        after it in turn. The figure of hit ``i``; None when it is no such list; False when the figures are
        fewer than the labels."""
        if not self.says_respective:
            return None  # no 分别 anywhere: no gap holds it
        hits, joiners = self.hits, self.vocab.words["list_joiners"]
        first = last = i
        while first > 0 and self.text[hits[first - 1].end : hits[first].start] in joiners:
            first -= 1
        while last + 1 < len(hits) and self.text[hits[last].end : hits[last + 1].start] in joiners:
            last += 1
        m = _MONEY_AFTER.match(self.text, hits[last].end, s_end)
        if m is None or not _has_any(m.group("gap"), self.vocab.words["respective"]):
            return None
        figures = [m]
        while len(figures) <= last - first and (m := _NEXT_FIGURE.match(self.text, m.end(), s_end)):
            figures.append(m)
        return figures[i - first] if len(figures) == last - first + 1 else False

    def _put_money(self, field: str, label_start: int, m: re.Match[str]) -> None:
        number = to_decimal(m.group("num"))
        if number is not None and not (number == 0 and field in self.vocab.whole_fields):
            self.put(field, to_wan(number, m.group("unit")), label_start, m.end())


def _income_or_expenditure(prefix: str) -> str | None:
    income, spend = prefix.rfind("收入"), prefix.rfind("支出")
    if income < 0 and spend < 0:
        return None
    return "income_total" if income > spend else "expenditure_total"


def parse_report(text: str, page_of: PageOf | None = None, tables: Sequence[Table] = ()) -> ParsedReport:
    """Extract every field the report states, each with the evidence it was read from.

    ``tables`` are the reader's tables (rows of cells); they are used where the text holds no tab-separated
    project table, as in PDFs.
    """
    ex = _Extractor(text, page_of)
    table_names, fill_from_table = table_and_kind(text, ex.lines, tables, ex.put)  # a 自评表's first
    ex.run()
    fill_from_table()
    kind = ex.facts.get("doc_kind")
    if kind is not None and kind.value == "dept_table" and "execution_rate" not in ex.facts:
        run = run_together_rate(text)  # "79.27107.93": rate, weight and points run together
        if run is not None:
            ex.put("execution_rate", *run)
    reader = NameReader(text, ex.lines)
    # The table's 预算单位 cell is a header field of the report's own.
    own = [reader.placed(n, "header", pos) for n, pos in table_names] + reader.own_names()
    names = reader.unit_names(own)
    if names:
        name, pos = names[0]
        ex.put("unit_name", name, pos, pos + len(name))
    unit = ex.facts.get("unit_name")
    put_title(ex.lines, ex.put, str(unit.value) if unit else None)
    if not fiscal_year_in_title(ex.lines, ex.put):
        fiscal_year_in_body(text, ex.lines, ex.ctx.sentence, ex.put)
    report_date(text, ex.lines, ex.put)
    for fact in read_sections(text, ex.lines, frozenset(n for n, _ in names)).values():
        ex.facts.setdefault(fact.name, fact)
    return ParsedReport(
        facts=dict(ex.facts),
        unit_names=tuple(n for n, _ in names),
        own_names=tuple(dict.fromkeys(n.name for n in own)),
        name_sources=tuple(own),
        project_lines=project_table(text, ex.lines, ex.ctx.evidence, tables),
        indicators=indicators(text, ex.ctx.sentence, ex.ctx.evidence),
        shares=tuple(ex.shares),
    )


__all__ = ["MONEY_UNITS", "parse_report"]
