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
from collections.abc import Iterable, Sequence

from jixiao.parse.arithmetic import amount as _amount
from jixiao.parse.arithmetic import disambiguate as _disambiguate
from jixiao.parse.cells import (
    HEADER_STARTS,
    NUMBER,
    ROW_WINDOW,
    TRAILING,
    Cell,
    Table,
    is_empty,
    is_value,
    per_vocab,
    reader_cells,
    text_cells,
    wanted_lines,
)
from jixiao.parse.numbers import to_decimal, to_wan
from jixiao.parse.table_labels import CellReader, TableValue, starts_with
from jixiao.parse.vocab import TableVocab, load_vocabulary

_MAX_RATE = 200  # percent: a larger execution rate in the table is a misread column
_YEAR_COLUMN = re.compile(r"(20\d{2})年")  # a column of one year: "2022年决算数"
_YEAR_CELL = re.compile(r"20\d{2}")


class _Reader(CellReader):
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
        words = _column_words(self.v)
        out: list[Cell] = []
        k = 0
        cells = self.cells
        while k < len(cells):
            c = cells[k]
            if k + 1 < len(cells) and len(c.text) <= 4:
                joined = c.text + cells[k + 1].text
                # "2022 年决算数": a PDF's spaced row splits a year's column (or label) after its number.
                of_year = cells[k + 1].text.startswith("年") and _YEAR_CELL.fullmatch(c.text) is not None
                if of_year or (joined in words and c.text not in words and not is_value(c.text)):
                    out.append(Cell(joined, c.start, cells[k + 1].end, c.line))
                    k += 2
                    continue
            out.append(c)
            k += 1
        return out

    def money_block(self) -> None:
        """Every 资金情况 block of the table: a 基础数据表 may stand before the 自评表, each with its header. A
        block after the first under a 项目名称 is a project's table, not the department's."""
        cells = self.cells = self.joined_header()
        at, first, since = 0, True, 0
        while (i := self.header_at(at)) is not None:
            if not first and any(w in self.text[since : cells[i].start] for w in self.project_header):
                break
            since = cells[i].end
            at, read = self.block(i)
            first = first and not read

    def header_at(self, start: int) -> int | None:
        return next(
            (k for k in range(start, len(self.cells)) if self.column_of(self.cells[k].text) in HEADER_STARTS),
            None,
        )

    def header(self, i: int) -> tuple[int, int, list[str]]:
        """The header holding cell ``i``: its first and end cells and its columns. It starts with the first of
        its column cells (全年预算数 may stand before 执行数) and runs on while its cells name columns. Columns
        of two years ("2021年决算数 | 2022年预算数 | 2022年决算数") are last year's and this year's: the earlier
        year's are no column of ours."""
        cells = self.cells
        while i > 0 and self.column_of(cells[i - 1].text) is not None:
            i -= 1
        columns: list[str] = []
        k = i
        while k < len(cells) and (key := self.column_of(cells[k].text)) is not None:
            columns.append(key)
            k += 1
        years = [int(m.group(1)) if (m := _YEAR_COLUMN.match(c.text)) else None for c in cells[i:k]]
        latest = max((y for y in years if y is not None), default=None)
        columns = [
            "prior" if y is not None and y != latest else c for c, y in zip(columns, years, strict=True)
        ]
        return i, k, columns

    def block(self, at: int) -> tuple[int, bool]:
        """Read the block whose header holds cell ``at``; where the next block may start, and whether this one
        gave any value."""
        i, k, columns = self.header(at)
        if len(columns) < 2:
            return at + 1, False
        stated = self.in_yuan(i, k)
        rows, k = self.rows_under(k)
        # Unstated, amounts of 100,000 and more are 元: no unit's spending reaches 10 亿元.
        amounts = [to_decimal(m.group(0)) for _, _, vs in rows for v in vs if (m := NUMBER.match(v.text))]
        yuan = (
            stated if stated is not None else max((a for a in amounts if a is not None), default=0) >= 100000
        )
        plans = [(kind, label, self.assign(columns, values)) for kind, label, values in rows]
        chosen = _disambiguate([(kind, options) for kind, _, options in plans])
        before = len(self.out)
        for (kind, label, _), by_col in zip(plans, chosen, strict=True):
            if by_col is not None:
                self.money_row(kind, label, by_col, yuan)
        self.rate_of_the_only_source(
            [(kind, label, by_col) for (kind, label, _), by_col in zip(plans, chosen, strict=True)]
        )
        return k, len(self.out) > before

    def rows_under(self, k: int) -> tuple[list[tuple[str, Cell, list[Cell]]], int]:
        """The known rows under a header ending at cell ``k``, with their value cells; where they end."""
        rows: list[tuple[str, Cell, list[Cell]]] = []
        current: tuple[str, Cell, list[Cell]] | None = None
        end = min(len(self.cells), k + ROW_WINDOW)
        while k < end:
            c = self.cells[k]
            if starts_with(c.text, self.v.block_end) or self.column_of(c.text) is not None:
                break
            k += 1
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
            elif len(c.text) > 20 and self.cells[k - 2].line != c.line:
                break  # prose on a line of its own: the table is over (a long cell within a row is a note)
            else:
                current = None  # a lead or unknown row label: its values are not ours
        return rows, k

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
            if starts_with(text, words):
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
            "sangong": {"actual": "sangong_actual"},
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


@per_vocab
def _column_words(vocab: TableVocab) -> frozenset[str]:
    return frozenset(w for _, ws in vocab.columns for w in ws)


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
    reader.header_row_counts()
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
