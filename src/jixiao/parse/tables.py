"""The 部门整体支出绩效自评表 read cell by cell, whatever shape the table arrives in.

A self-evaluation table comes as tab-separated lines (.docx, and text saved from Word), pipes (markdown,
pasted text), cells separated by spaces (a PDF's text layer), one cell per line (a PDF's text layer of a
ruled table, or text copied from a web page) and, from PDFs, as the reader's rows of cells. All of them are
turned into one stream of cells, each with its offsets in the normalised text, and read the same way:

- the 资金情况 block: a header of columns (年初预算数 / 全年预算数 / 全年执行数 / 执行率 / 分值 / 得分, in the
  order the table puts them), then rows (年度总金额, 其中:基本支出, 项目支出 …) whose values are assigned to
  those columns; funding-source rows (财政拨款, 其他资金) are parts of another kind and give no field;
- label cells followed by their value in the next cell: 自评总分 | 99.68, 人员编制 / 21, 预算单位 | …;
- amounts in 元 (``单位:元``, ``(元)``) are converted exactly to 万元.

Only texts holding one of the table's anchor words are looked at, with plain substring tests, so prose
reports pay almost nothing for this pass. The words are in ``vocab.toml`` (``[table]``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.parse.arithmetic import amount as _amount
from jixiao.parse.arithmetic import disambiguate as _disambiguate
from jixiao.parse.automaton import alternation
from jixiao.parse.cells import (
    HEADER_STARTS,
    NUMBER,
    ROW_WINDOW,
    TRAILING,
    Cell,
    Table,
    is_empty,
    is_value,
    reader_cells,
    text_cells,
    wanted_lines,
)
from jixiao.parse.dates import CN_DATE
from jixiao.parse.numbers import to_decimal, to_wan
from jixiao.parse.vocab import TableVocab, load_vocabulary


@dataclass(frozen=True)
class TableValue:
    """One value read from the table, with the label cell and the value cell it came from."""

    field: str
    value: Decimal | int | str
    start: int
    end: int


_MAX_LABEL_TAIL = 8  # characters a label cell may add to its word: "年度总金额(万元)", "自评总分(100分)"
_MAX_RATE = 200  # percent: a larger execution rate in the table is a misread column


def _starts_with(cell: str, words: Sequence[str]) -> str | None:
    """The word ``cell`` is labelled with: it starts with the word and adds at most a short tail."""
    for w in words:
        if cell.startswith(w) and len(cell) - len(w) <= _MAX_LABEL_TAIL:
            return w
    return None


class _Reader:
    def __init__(self, cells: list[Cell], text: str, vocab: TableVocab) -> None:
        self.cells = cells
        self.text = text
        self.v = vocab
        self.out: dict[str, TableValue] = {}
        self.column_words, self.label_words = _patterns(vocab)

    def put(self, field: str, value: Decimal | int | str, start: int, end: int) -> None:
        self.out.setdefault(field, TableValue(field, value, start, end))

    def column_of(self, cell: str) -> str | None:
        if len(cell) > 20:
            return None
        m = self.column_words.search(cell)
        if m is None:
            return None
        # The column whose word ends the cell ("执行率权重" is a weight, "执行率得分" points), else the first
        # column whose words the cell holds, in vocab order.
        ending = next((key for key, words in self.v.columns if any(cell.endswith(w) for w in words)), None)
        if ending is not None:
            return ending
        for key, words in self.v.columns:
            if any(w in cell for w in words):
                return key
        return None

    def in_yuan(self, header_at: int, header_end: int) -> bool | None:
        """Whether the amounts are in 元: as the header cells say, else the nearest statement above the table;
        None when neither says."""
        first = self.cells[header_at]
        header = " ".join(c.text for c in self.cells[max(0, header_at - 1) : header_end])
        above = self.text[max(0, first.start - 200) : first.start]
        for scan in (header, above):
            yuan = max(scan.rfind(w) for w in self.v.yuan_marks)
            wan = max(scan.rfind(w) for w in self.v.wan_marks)
            if yuan >= 0 or wan >= 0:
                return yuan > wan
        return None

    def joined_header(self) -> list[Cell]:
        """The cells with a column word split over two cells joined back ("年初" / "预算数", "全年" / "执行数":
        a web page's table copied one cell per line breaks long headers)."""
        words = {w for _, ws in self.v.columns for w in ws}
        out: list[Cell] = []
        k = 0
        cells = self.cells
        while k < len(cells):
            c = cells[k]
            if k + 1 < len(cells) and len(c.text) <= 4 and not is_value(c.text):
                joined = c.text + cells[k + 1].text
                if joined in words and c.text not in words:
                    out.append(Cell(joined, c.start, cells[k + 1].end, c.line))
                    k += 2
                    continue
            out.append(c)
            k += 1
        return out

    def money_block(self) -> None:
        cells = self.cells = self.joined_header()
        i = next((k for k, c in enumerate(cells) if self.column_of(c.text) in HEADER_STARTS), None)
        if i is None:
            return
        # The header starts with the first of its column cells (全年预算数 may stand before 执行数).
        while i > 0 and self.column_of(cells[i - 1].text) is not None:
            i -= 1
        # The header runs on while its cells name columns; a lead cell ("资金情况(万元)") may precede it.
        columns: list[str] = []
        k = i
        while k < len(cells) and (key := self.column_of(cells[k].text)) is not None:
            columns.append(key)
            k += 1
        if len(columns) < 2:
            return
        stated = self.in_yuan(i, k)
        rows: list[tuple[str, Cell, list[Cell]]] = []
        current: tuple[str, Cell, list[Cell]] | None = None
        for c in cells[k : k + ROW_WINDOW]:
            if _starts_with(c.text, self.v.block_end) or self.column_of(c.text) is not None:
                break
            if is_value(c.text) or (current is not None and is_empty(c.text) and c.line == current[1].line):
                if current is not None:
                    current[2].append(c)
                continue
            if is_empty(c.text):
                continue
            kind = self.row_kind(c.text)
            if kind is not None:
                current = (kind, c, [])
                rows.append(current)
            elif len(c.text) > 20:
                break  # prose: the table is over
            else:
                current = None  # a lead or unknown row label: its values are not ours
        # Unstated, amounts of 100,000 and more are 元: no unit's spending reaches 10 亿元.
        amounts = [to_decimal(m.group(0)) for _, _, vs in rows for v in vs if (m := NUMBER.match(v.text))]
        yuan = (
            stated if stated is not None else max((a for a in amounts if a is not None), default=0) >= 100000
        )
        plans = [(kind, label, self.assign(columns, values)) for kind, label, values in rows]
        chosen = _disambiguate([(kind, options) for kind, _, options in plans])
        for (kind, label, _), by_col in zip(plans, chosen, strict=True):
            if by_col is not None:
                self.money_row(kind, label, by_col, yuan)
        self.rate_of_the_only_source(
            [(kind, label, by_col) for (kind, label, _), by_col in zip(plans, chosen, strict=True)]
        )

    def rate_of_the_only_source(self, rows: list[tuple[str, Cell, dict[str, Cell] | None]]) -> None:
        """A total row without its rate, and a funding-source row (其中:财政拨款) stating the same amounts with a
        rate: the whole budget is that source, so the rate is the total's."""
        if "execution_rate" in self.out:
            return
        total = next((by_col for kind, _, by_col in rows if kind == "total" and by_col is not None), None)
        if total is None:
            return
        amounts = ("budget_initial", "budget_adjusted", "actual")
        whole = {c: _amount(total, c) for c in amounts}
        for kind, label, by_col in rows:
            if kind != "source" or by_col is None or _amount(by_col, "rate") is None:
                continue
            part = {c: _amount(by_col, c) for c in amounts}
            same = [c for c in amounts if whole[c] is not None and whole[c] == part[c]]
            if len(same) >= 2 and all(whole[c] == part[c] for c in amounts):
                rate = _amount(by_col, "rate")
                if rate is not None and 0 <= rate <= _MAX_RATE:
                    self.put("execution_rate", rate, label.start, by_col["rate"].end)
                return

    def row_kind(self, cell: str) -> str | None:
        text = cell
        for w in self.v.scope_words:
            if text.startswith(w):
                text = text[len(w) :].lstrip(TRAILING)
                break
        for key, words in self.v.rows:
            if _starts_with(text, words):
                return key
        return None

    @staticmethod
    def assign(columns: list[str], values: list[Cell]) -> list[dict[str, Cell]]:
        """The ways the row's values can sit in the columns: one when every cell is there (empty cells of a
        tab or pipe row included); when cells were dropped (one cell per line), a rate (%) pins the rate
        column and the amounts before it are either the first or the last of the amount columns."""

        def kept(pairs: Iterable[tuple[str, Cell]]) -> dict[str, Cell]:
            return {col: v for col, v in pairs if not is_empty(v.text)}

        if len(values) >= len(columns):
            return [kept(zip(columns, values, strict=False))]
        r = columns.index("rate") if "rate" in columns else len(columns)
        pct = next((n for n, v in enumerate(values) if v.text.endswith("%")), None)
        before, after = (values, []) if pct is None else (values[:pct], values[pct + 1 :])
        money = columns[:r]
        tail = dict(zip(columns[r + 1 :], after, strict=False))
        if pct is not None:
            tail["rate"] = values[pct]
        if len(before) >= len(money):
            return [kept([*zip(money, before, strict=False), *tail.items()])]
        left = kept([*zip(money, before, strict=False), *tail.items()])
        right = kept([*zip(money[len(money) - len(before) :], before, strict=True), *tail.items()])
        return [left, right] if left != right else [left]

    def money_row(self, kind: str, label: Cell, by_col: dict[str, Cell], yuan: bool) -> None:
        targets: dict[str, str] = {
            "total": {"budget_initial": "budget_initial", "budget_adjusted": "budget_adjusted",
                      "actual": "expenditure_total", "rate": "execution_rate"},
            "basic": {"actual": "basic_expenditure"},
            "project": {"actual": "project_expenditure"},
            "personnel": {"actual": "personnel_expense"},
            "public": {"actual": "public_expense"},
        }.get(kind, {})  # fmt: skip
        for col, field in targets.items():
            cell = by_col.get(col)
            if cell is None:
                continue
            m = NUMBER.match(cell.text)
            number = to_decimal(m.group(0).replace("−", "-")) if m else None
            if number is None:
                continue
            if field == "execution_rate" and not 0 <= number <= _MAX_RATE:
                continue  # an amount in the rate column: the columns were misread, the rate is not stated
            if field != "execution_rate":
                unit = "元" if cell.text.endswith("元") and not cell.text.endswith("万元") else None
                if unit == "元" or (yuan and unit is None and not cell.text.endswith("万元")):
                    number = to_wan(number, "元")
            self.put(field, number, label.start, cell.end)

    def labelled(self) -> None:
        cells = self.cells
        per_line = Counter(c.line for c in cells)
        for n, c in enumerate(cells[:-1]):
            if len(c.text) > 20 or not self.label_words.match(c.text):
                continue
            if is_value(c.text) or not _beside(c, cells[n + 1], per_line):
                continue
            for key, words in self.v.labels:
                if key in self.out or _starts_with(c.text, words) is None:
                    continue
                nxt = cells[n + 1]
                if key == "score":
                    self.score(c, cells[n + 1 : n + 3])
                elif key == "grade":
                    grade = next((g for g in _grade_words() if nxt.text.startswith(g)), None)
                    if grade is not None:
                        self.put("grade", load_vocabulary().grades[grade], c.start, nxt.end)
                elif key in ("staff_quota", "staff_actual"):
                    m = re.fullmatch(r"(\d{1,5})(?:人|名)?", nxt.text)
                    if m:
                        self.put(key, int(m.group(1)), c.start, nxt.end)
                elif key in ("unit", "parent") and self.is_name(nxt.text):
                    self.put(key, nxt.text, nxt.start, nxt.end)
                break

    def is_name(self, cell: str) -> bool:
        return (
            2 <= len(cell) <= 40
            and not any(ch.isdigit() for ch in cell)
            and "、" not in cell
            and CN_DATE.search(cell) is None
            and self.column_of(cell) is None
            and not any(_starts_with(cell, words) for _, words in self.v.labels)
        )

    def score(self, label: Cell, after: list[Cell]) -> None:
        """自评总分 | 99.68, or 总分 | 100 | 99.68 (the weight, then the points): the points."""
        values = [c for c in after if c.line == after[0].line and is_value(c.text)] if after else []
        numbers = [(c, to_decimal(NUMBER.match(c.text).group(0))) for c in values if NUMBER.match(c.text)]  # type: ignore[union-attr]  # matched in the same comprehension
        numbers = [(c, v) for c, v in numbers if v is not None and 0 <= v <= 100]
        if not numbers or not is_value(after[0].text):
            return
        if len(numbers) == 2 and numbers[0][1] == 100:
            cell, value = numbers[1]
        else:
            cell, value = numbers[0]
        assert value is not None
        self.put("score", value, label.start, cell.end)


@lru_cache(maxsize=4)
def _patterns(vocab: TableVocab) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One regex for every column word (found anywhere in a cell) and one for every label (at its start):
    most cells are ruled out by a single search."""
    return (
        re.compile(alternation(w for _, words in vocab.columns for w in words)),
        re.compile(alternation(w for _, words in vocab.labels for w in words)),
    )


@lru_cache(maxsize=1)
def _grade_words() -> tuple[str, ...]:
    """The grades' words, longest first (优秀 before 优)."""
    return tuple(sorted(load_vocabulary().grades, key=len, reverse=True))


def _beside(label: Cell, value: Cell, per_line: Counter[int]) -> bool:
    """Whether ``value`` is the cell right of ``label`` in one row, or the line under a label that stands
    alone on its line (one cell per line). A header cell is not beside the first cell of the row below it."""
    if value.line == label.line:
        return True
    return value.line == label.line + 1 and per_line[label.line] == 1 and per_line[value.line] == 1


def read_table(
    text: str, tables: Sequence[Table] = (), lines: Sequence[tuple[int, str]] | None = None
) -> dict[str, TableValue]:
    """Every value the self-evaluation table in ``text`` (or among the reader's ``tables``) states.

    Fields: budget_initial, budget_adjusted, expenditure_total, execution_rate, basic_expenditure,
    project_expenditure, personnel_expense, public_expense (万元 and percent), score, grade, staff_quota,
    staff_actual, and ``unit`` / ``parent`` (the 预算单位 and the 项目主管部门 as written).
    """
    vocab = load_vocabulary().table
    wanted = wanted_lines(text, vocab)
    if not wanted and not tables:
        return {}  # no line or cell starts with a column word or a label: no table to read
    reader = _Reader(text_cells(text, wanted, lines), text, vocab)
    reader.money_block()
    reader.labelled()
    for table in tables:
        if reader.out.keys() >= {"expenditure_total", "score"}:
            break
        if not any(reader_cells_hint(row, vocab) for row in table[:3]):
            continue
        other = _Reader(reader_cells(text, table), text, vocab)
        other.money_block()
        other.labelled()
        for key, value in other.out.items():
            reader.out.setdefault(key, value)
    return reader.out


def reader_cells_hint(row: tuple[str, ...], vocab: TableVocab) -> bool:
    return any(w in (c or "") for c in row for _, words in vocab.columns[:3] for w in words)


__all__ = ["TableValue", "read_table"]
