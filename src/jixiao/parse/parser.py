"""Text of a 部门整体支出绩效自评报告 → ``ParsedReport``.

One pass of an Aho-Corasick index over the text finds every label of the vocabulary (``vocab.toml``); each
value is then read locally, right after its label and inside its sentence. Patterns never start with a
generic number class scanned over the whole text, which is what makes naive regex parsers slow.

The text is expected NFKC-normalised (``jixiao.read.normalise``): ASCII digits, parentheses and colons.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.model import UNIT_OF, Evidence, Fact, Indicator, ParsedReport, ShareFact
from jixiao.parse.dates import AR_DATE, CN_DATE, parse_date
from jixiao.parse.fields import fiscal_year_in_title, not_a_level, table_and_kind
from jixiao.parse.identity import NameReader, is_signature_name, is_title
from jixiao.parse.kind import title_prefix
from jixiao.parse.numbers import MONEY_UNITS, to_decimal, to_wan
from jixiao.parse.page import content_head, strip_ruby, without_title_label
from jixiao.parse.projects import project_table
from jixiao.parse.vocab import Label, Vocabulary, load_vocabulary

PageOf = Callable[[int], int | None]
Table = tuple[tuple[str, ...], ...]  # rows of cells, as the reader gives them

_SENTENCE_END = re.compile(r"[。；;\n]")
_NUM = r"\d[\d,]*(?:\.\d+)?"
# The gap between a label and its number holds no digit and no sentence end: the first number wins.
_MONEY_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,24}}?)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)")
# A minus sign right before a percent is kept: a negative share is what the report states, for checks to flag.
_PERCENT_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,12}}?)(?P<num>-?{_NUM})\s*%")
_SCORE_AFTER = re.compile(rf"(?P<gap>[^\d。；;\n]{{0,12}}?)(?P<num>{_NUM})\s*分")
# "离退休人员62(其中:离休人员8人…)": a count whose breakdown follows at once names its unit there.
_SCORE_UNIT_FIRST = re.compile(rf"(?P<gap>\s*\((?:100\s*)?分\)\s*[:：]?\s*)(?P<num>{_NUM})(?!\s*[%万元人])")
_COUNT_AFTER = re.compile(r"(?P<gap>[^\d。；;\n]{0,6}?)(?P<num>\d{1,5})\s*(?:人|名|个|(?=\(\s*其中))")
_GRADE_AFTER = re.compile(
    r"(?P<gap>[^。；;\n]{0,4}?)[“\"'‘「]?(?P<grade>优秀|良好|中等|不合格|合格|较差|优|良|中|差)"
)
_ACTUAL_FOLLOW_UP = re.compile(
    rf"(?:实际支出|实际完成|实际执行|决算数为|决算数|决算为|决算|实际)(?P<gap>[^\d。；;\n]{{0,6}}?)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)"
)
_BUDGET_FOLLOW_UP = re.compile(
    rf"(?:年初预算数|年初预算|预算数|预算)(?P<gap>[^\d。；;\n]{{0,4}}?)(?P<num>{_NUM})\s*(?P<unit>亿元|万元|元)"
)
_SHARE = re.compile(
    rf"(?:占(?P<den>[^\d%。；;\n,，]{{0,12}}?)|(?<![占所])比重)(?:的|比例|比重|为|达|是)*\s*(?P<num>-?{_NUM})\s*%"
)
_SECOND_SHARE = re.compile(rf"\s*(?:和|、|及|与)\s*(?P<num>-?{_NUM})\s*%")
_INDICATOR = re.compile(r"(?P<kind>数量|质量|时效|成本|效益|社会效益|经济效益|生态效益|满意度)指标\s*[:：]")
_PERCENT_ANY = re.compile(rf"({_NUM})\s*%")
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年")
_HEADING_TOP = re.compile(r"^\s*[一二三四五六七八九十]+\s*、")
_HEADING_SUB = re.compile(r"^\s*(?:\(\s*[一二三四五六七八九十]+\s*\)|\d+\s*、)")
_PROBLEM = re.compile(r"存在的?(?:主要)?问题|主要问题|问题及原因|存在的?不足|问题与不足|不足之处")
_MEASURE = re.compile(
    r"改进措施|整改措施|改进的方向|改进建议|措施或建议|具体措施|改进方向|整改方向|下一步|工作打算"
)
_REPORT_DATE_LABEL = re.compile(
    r"(?:报告日期|填报日期)\s*[:：]?\s*"
)  # the day the table was filled in is its date
_CJK_SPACE = re.compile(r"\s+")
_TITLE_WIDTH = 60
_MIN_TITLE = 6
_BRACKETED = re.compile(r"\([^()]*\)")
_PROSE = re.compile(r"[，。；;!！]")  # a site's banner (欢迎来到…!) is no title either
_PAGE_MARK = re.compile(r"^\d+\s*/\s*\d+\s*")


@dataclass
class _Context:
    text: str
    vocab: Vocabulary
    ends: list[int]
    page_of: PageOf | None

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.ends, pos)
        start = self.ends[i - 1] + 1 if i > 0 else 0
        end = self.ends[i] if i < len(self.ends) else len(self.text)
        return start, end

    def evidence(self, start: int, end: int) -> Evidence:
        if end - start > 80:
            start = max(start, end - 80)
        snippet = self.text[start:end].strip()
        return Evidence(
            start=start, end=end, snippet=snippet, page=self.page_of(start) if self.page_of else None
        )


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    label: Label


def _label_hits(text: str, vocab: Vocabulary) -> list[_Hit]:
    hits = [
        _Hit(end_index - len(label.text) + 1, end_index + 1, label)
        for end_index, label in vocab.automaton.iter(text)
    ]
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    reach = -1
    for hit in hits:
        # A shorter label inside a longer one (总支出 inside 部门总支出) is the same mention.
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


class _Extractor:
    def __init__(self, text: str, page_of: PageOf | None) -> None:
        vocab = load_vocabulary()
        self.ctx = _Context(text, vocab, [m.start() for m in _SENTENCE_END.finditer(text)], page_of)
        self.text = text
        self.vocab = vocab
        self.facts: dict[str, Fact] = {}
        self.shares: list[ShareFact] = []
        self.hits = _label_hits(text, vocab)
        self.lines = _lines(text)  # (offset, line) of every line, shared by the readers of layout below

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
        for i in range(len(self.hits)):
            self._extract(i, limits[i])
        self._shares()

    def _extract(self, i: int, limit: int) -> None:
        hit = self.hits[i]
        label = hit.label
        s_start, s_end = self.ctx.sentence(hit.start)
        end = min(s_end, limit)
        prefix = self.text[s_start : hit.start]
        kind = label.kind
        if kind in ("money", "by_sentence"):
            field = _income_or_expenditure(prefix) if kind == "by_sentence" else label.field
            if field is None or field in self.facts:
                return
            if field in self.vocab.whole_fields and _has_any(prefix, self.vocab.part_words):
                return  # "基本支出预算 149.83 万元，实际支出 149.83 万元": a part's figure, not the whole's
            if not_a_level(label, field, prefix, self.text[hit.end : s_end], self.vocab):
                return  # a change (增加基本支出), an allocation (已安排项目经费) or a part (其中财政拨款收入)
            # "批复支出预算 1824.15 万元,实际执行支出预算 1711.15 万元": a label that says 实际 is the actual.
            budget_talk = (
                "预算" in prefix
                and not _has_any(prefix, self.vocab.actual_markers)
                and not _has_any(label.text, ("实际", "决算"))  # not 总支出: "预算批复的总支出为" is a budget
            )
            # 决算数为 is itself the actual marker, whatever budget words precede it.
            if label.side == "actual" and kind == "money" and budget_talk:
                return
            m = _MONEY_AFTER.match(self.text, hit.end, end)
            if not m or _has_any(m.group("gap"), self.vocab.gap_stop_words):
                return
            if label.side == "actual" and _has_any(m.group("gap"), self.vocab.budget_gap_words):
                # "基本支出预算安排 149.83 万元，实际支出 149.83 万元": the actual figure follows.
                m = _ACTUAL_FOLLOW_UP.search(self.text, m.end(), s_end)
                if not m:
                    return
            self._put_money(field, hit.start, m)
        elif kind == "sangong":
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
            if "支出" in gap or "实际" in gap or "决算" in gap or not ("预算" in gap or "预算" in prefix):
                self._put_money("sangong_actual", hit.start, m)
                # "实际支出 2.47 万元，年初预算 3.20 万元": the budget follows in the same sentence.
                follow = _BUDGET_FOLLOW_UP.search(self.text, m.end(), s_end)
                if follow:
                    self._put_money("sangong_budget", hit.start, follow)
            elif "预算" in gap or "预算" in prefix:
                self._put_money("sangong_budget", hit.start, m)
                # "“三公”经费预算 5.00 万元，实际支出 3.06 万元": the actual figure follows in the same sentence.
                follow = _ACTUAL_FOLLOW_UP.search(self.text, m.end(), s_end)
                if follow:
                    self._put_money("sangong_actual", hit.start, follow)
        elif kind == "percent":
            if (
                label.field in self.facts
                or _has_any(self.text[max(0, hit.start - 4) : hit.start], self.vocab.part_prefixes)
                or self._about_a_part(i, s_start)
                # A bare 执行率 after 其中 …项目: "其中茶产业专项资金 20.00 万元，执行率 100%" is the project's.
                or (
                    label.text in self.vocab.bare_rate_labels and _has_any(prefix, self.vocab.rate_part_words)
                )
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
        elif kind == "score":
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
                self.put(label.field, value, hit.start, m.end())
        elif kind == "grade":
            m = _GRADE_AFTER.match(self.text, hit.end, s_end)
            if m:
                self.put(label.field, self.vocab.grades[m.group("grade")], hit.start, m.end())
        elif kind == "count":
            m = _COUNT_AFTER.match(self.text, hit.end, end)
            if not_a_level(label, label.field, prefix, self.text[hit.end : s_end], self.vocab):
                return
            if _in_a_breakdown(prefix, self.vocab.scope_words) or (
                label.siblings and _has_any(prefix[-6:], self.vocab.scope_words)
            ):
                return  # "离退休人员62(其中:离休人员8人,退休人员13人": "其中林业行政编制13人": parts
            if (
                m
                and not _has_any(m.group("gap"), self.vocab.gap_stop_words)
                and not self._one_kind_of_staff(m.group("gap"), self.text[m.end() : s_end])
            ):
                self.put(label.field, int(m.group("num")), hit.start, m.end())

    def _one_kind_of_staff(self, gap: str, rest: str) -> bool:
        """ "实有参公人员 9 名,工勤人员 1 名": a count naming one kind of staff when the sentence goes on to
        another kind is a part ("实有行政人员 12 人(含工勤人员 1 人)" is not: the bracket is inside it)."""
        kinds = self.vocab.count_part_gap
        if not _has_any(gap, kinds):
            return False
        return _has_any(_BRACKETED.sub("", rest), tuple(k for k in kinds if k not in gap))

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

    def _put_money(self, field: str, label_start: int, m: re.Match[str]) -> None:
        number = to_decimal(m.group("num"))
        if number is not None and not (number == 0 and field in self.vocab.whole_fields):
            self.put(field, to_wan(number, m.group("unit")), label_start, m.end())

    def _shares(self) -> None:
        money_hits = [h for h in self.hits if h.label.field in ("personnel_expense", "public_expense")]
        starts = [h.start for h in money_hits]
        share_of = {"personnel_expense": "personnel_share", "public_expense": "public_share"}
        for m in _SHARE.finditer(self.text):
            value = to_decimal(m.group("num"))
            if value is None:
                continue
            s_start, _ = self.ctx.sentence(m.start())
            i = bisect_right(starts, m.start()) - 1
            owner = money_hits[i].label.field if i >= 0 and money_hits[i].start >= s_start else None
            den = (m.group("den") or "").strip()
            # 人员经费 X 万元，占比 86.34% / 所占比重 / 占 90.33%: with no denominator written, the share of
            # a part of basic spending is the share of basic spending.
            of_basic = "基本支出" in den or den in ("", "比")
            if owner and of_basic:
                second = _SECOND_SHARE.match(self.text, m.end())
                if self.text[max(0, m.start() - 2) : m.start()] == "分别" and second and i >= 1:
                    # "人员经费 178.92 万元、公用经费 22.45 万元，分别占基本支出的 88.85% 和 11.15%"
                    first_owner = money_hits[i - 1]
                    second_value = to_decimal(second.group("num"))
                    self.put(share_of[first_owner.label.field], value, first_owner.start, m.end())
                    if second_value is not None:
                        self.put(share_of[owner], second_value, money_hits[i].start, second.end())
                    continue
                self.put(share_of[owner], value, money_hits[i].start, m.end())
            else:
                self.shares.append(ShareFact(den, value, self.ctx.evidence(m.start(), m.end())))


def _in_a_breakdown(prefix: str, scope_words: tuple[str, ...]) -> bool:
    """Whether the label after ``prefix`` stands inside an open bracket that lists parts ("(其中:…")."""
    prefix = strip_ruby(prefix)  # a pinyin gloss "(yǎng)" closes no breakdown
    opened = prefix.rfind("(")
    return opened > prefix.rfind(")") and prefix[opened + 1 :].lstrip().startswith(scope_words)


def _income_or_expenditure(prefix: str) -> str | None:
    income, spend = prefix.rfind("收入"), prefix.rfind("支出")
    if income < 0 and spend < 0:
        return None
    return "income_total" if income > spend else "expenditure_total"


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _clean_name(name: str) -> str:
    return _CJK_SPACE.sub("", name)


class _Identity:
    """Fiscal year and report date (the unit's names are read by ``identity.NameReader``)."""

    def __init__(self, ex: _Extractor) -> None:
        self.ex = ex
        self.text = ex.text
        self.lines = ex.lines
        self.nonempty = [(p, s) for p, s in self.lines if s.strip()]

    def fiscal_year(self) -> None:
        for pos, line in self.nonempty[:10]:
            if ("报告" in line or "评价" in line) and "日期" not in line:  # 报告日期 is no title
                m = _YEAR_IN_TITLE.search(line)
                if m:
                    self.ex.put("fiscal_year", int(m.group(1)), pos + m.start(), pos + m.end())
                    return
        counts: Counter[int] = Counter()
        first: dict[int, tuple[int, int]] = {}
        for m in re.finditer(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)", self.text):
            s, e = self.ex.ctx.sentence(m.start())
            if _has_any(self.text[s:e], ("预算", "支出", "收入", "决算")):
                year = int(m.group(1))
                counts[year] += 1
                first.setdefault(year, (m.start(), m.end()))
        if counts:
            year = counts.most_common(1)[0][0]
            self.ex.put("fiscal_year", year, *first[year])

    def report_date(self) -> None:
        m = _REPORT_DATE_LABEL.search(self.text)
        if m:
            value = parse_date(self.text[m.end() : m.end() + 20])
            if value:
                self.ex.put("report_date", value, m.start(), m.end() + 12)
                return
        for pos, line in reversed(self.nonempty):
            stripped = line.strip()
            d = AR_DATE.fullmatch(stripped) or CN_DATE.fullmatch(stripped)
            if d:
                value = parse_date(stripped)
                if value:
                    start = pos + line.index(stripped)
                    self.ex.put("report_date", value, start, start + len(stripped))
                    return


def _sections(ex: _Extractor, names: frozenset[str]) -> None:
    headings: list[tuple[int, int, int, str]] = []  # (start, end, level, text)
    for pos, line in ex.lines:
        if _HEADING_TOP.match(line):
            headings.append((pos, pos + len(line), 1, line))
        elif _HEADING_SUB.match(line) and len(line.strip()) <= 40:
            headings.append((pos, pos + len(line), 2, line))
    problem = [h for h in headings if _PROBLEM.search(h[3])]
    measure = [h for h in headings if _MEASURE.search(h[3]) and not _PROBLEM.search(h[3])]
    # A heading naming both (存在的问题及改进措施) opens the problems only when no sub-heading does.
    problem_only = [h for h in problem if not _MEASURE.search(h[3])]
    for name, chosen, stop_at_measure in (
        ("problems", (problem_only or problem)[-1:] if problem else [], True),
        ("measures", measure[:1] or [h for h in problem if _MEASURE.search(h[3])][:0], False),
    ):
        if not chosen:
            continue
        start, end, level, _ = chosen[0]
        stop = len(ex.text)
        for h in headings:
            if h[0] > start and (h[2] <= level or (stop_at_measure and _MEASURE.search(h[3]))):
                stop = h[0]
                break
        # The signature block (unit name, date) closes the last section.
        for pos, line in _lines(ex.text[end:stop]):
            stripped = line.strip()
            if stripped and (
                AR_DATE.fullmatch(stripped)
                or CN_DATE.fullmatch(stripped)
                or stripped in names
                or is_signature_name(stripped)
            ):
                stop = end + pos
                break
        body = ex.text[end:stop].strip()
        if body:
            body_start = ex.text.index(body, end)
            fact = Fact(name, body, None, Evidence(body_start, body_start + len(body), body[:80]))
            ex.facts.setdefault(name, fact)


def _indicators(ex: _Extractor) -> tuple[Indicator, ...]:
    out: list[Indicator] = []
    for m in _INDICATOR.finditer(ex.text):
        _, s_end = ex.ctx.sentence(m.end())
        rates = list(_PERCENT_ANY.finditer(ex.text, m.end(), s_end))
        if rates:
            rate = to_decimal(rates[-1].group(1))
            if rate is not None:
                out.append(
                    Indicator(m.group("kind") + "指标", rate, ex.ctx.evidence(m.start(), rates[-1].end()))
                )
    return tuple(out)


def parse_report(text: str, page_of: PageOf | None = None, tables: Sequence[Table] = ()) -> ParsedReport:
    """Extract every field the report states, each with the evidence it was read from.

    ``tables`` are the reader's tables (rows of cells); they are used where the text holds no tab-separated
    project table, as in PDFs.
    """
    ex = _Extractor(text, page_of)
    table_names, fill_from_table = table_and_kind(text, ex.lines, tables, ex.put)  # a 自评表's first
    ex.run()
    fill_from_table()
    ident = _Identity(ex)
    reader = NameReader(text, ex.lines)
    # The table's 预算单位 cell is a header field of the report's own.
    own = [reader.placed(n, "header", pos) for n, pos in table_names] + reader.own_names()
    names = reader.unit_names(own)
    if names:
        name, pos = names[0]
        ex.put("unit_name", name, pos, pos + len(name))
    # The title: the first line of the title block (page furniture skipped) that reads as one, a label a page
    # puts before it (名 称:) taken off; a prose line is no title.
    for pos, line in content_head(ex.lines, 10):
        # A viewer's page line running the title into the body ("1、…自评报告一、基本情况…") gives its opening.
        title = without_title_label(title_prefix(line).replace("|", " ")).strip()
        title = _PAGE_MARK.sub("", title)  # "1/1" of a viewer's page counter
        # A site's name (报告吧) holds a title word too: a title also names what it reports.
        if is_title(title) and _MIN_TITLE <= len(title) <= _TITLE_WIDTH and not _PROSE.search(title):
            at = line.find(title[:2])
            ex.put("title", title, pos + max(at, 0), pos + max(at, 0) + len(title))
            break
    fiscal_year_in_title(ex.lines, ex.put)
    ident.fiscal_year()
    ident.report_date()
    _sections(ex, frozenset(n for n, _ in names))
    return ParsedReport(
        facts=dict(ex.facts),
        unit_names=tuple(n for n, _ in names),
        own_names=tuple(dict.fromkeys(n.name for n in own)),
        name_sources=tuple(own),
        project_lines=project_table(text, ex.lines, ex.ctx.evidence, tables),
        indicators=_indicators(ex),
        shares=tuple(ex.shares),
    )


__all__ = ["MONEY_UNITS", "parse_report"]
