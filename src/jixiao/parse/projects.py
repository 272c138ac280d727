"""The project table of a report (序号 / 项目名称 / amount / score): one ``ProjectLine`` per row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from jixiao.model import Evidence, ProjectLine
from jixiao.parse.numbers import to_decimal, to_wan
from jixiao.parse.vocab import load_vocabulary

Table = tuple[tuple[str, ...], ...]
Evidence_of = Callable[[int, int], Evidence]
_HEADING_TOP = re.compile(r"^\s*[一二三四五六七八九十]+\s*、")
_HEADING_SUB = re.compile(r"^\s*(?:\(\s*[一二三四五六七八九十]+\s*\)|\d+\s*、)")
_CJK_SPACE = re.compile(r"\s+")


def _clean_name(name: str) -> str:
    return _CJK_SPACE.sub("", name)


_TOTAL_ROW = re.compile(r"\s*(?:合\s*计|总\s*计|小\s*计)")
_TableRows = list[tuple[list[str], int, int]]  # cells of each row, with its span in the text


def _text_table(lines: list[tuple[int, str]]) -> tuple[list[str], _TableRows] | None:
    """The project table as tab-separated lines in the text (.docx, and .txt saved from Word)."""
    idx = next((i for i, (_, line) in enumerate(lines) if "\t" in line and "项目名称" in line), None)
    if idx is None:
        return None
    header = [c.strip() for c in lines[idx][1].split("\t")]
    if "序号" not in header[0]:
        return None
    c_name = next((i for i, c in enumerate(header) if "项目名称" in c), 0)
    rows: _TableRows = []
    for pos, line in lines[idx + 1 :]:
        cells = [c.strip() for c in line.split("\t")]
        if _TOTAL_ROW.match(line):
            break  # 合计 closes the table; its sum is not a project
        if "\t" in line and cells[0].isdigit():
            rows.append((cells, pos, pos + len(line)))
        elif (
            rows
            and line.strip()
            and len(line.strip()) <= 30
            and not _HEADING_TOP.match(line)
            and not _HEADING_SUB.match(line)
        ):
            # A project name wrapped onto its own line continues the previous row's name.
            prev_cells, prev_start, _ = rows[-1]
            addition = cells[c_name] if "\t" in line and c_name < len(cells) else line.strip()
            prev_cells[c_name] = prev_cells[c_name] + addition
            rows[-1] = (prev_cells, prev_start, pos + len(line))
        else:
            break
    return (header, rows) if rows else None


def _reader_table(text: str, tables: Sequence[Table]) -> tuple[list[str], _TableRows] | None:
    """The project table as the reader found it (PDF tables), each row located in the text for its evidence."""
    table = next((t for t in tables if t and any("项目名称" in c for c in t[0])), None)
    if table is None:
        return None
    # The reader's tables skip the text's normalisation: "分配资金（元）" must read as "(元)" here too.
    header = [unicodedata.normalize("NFKC", c).strip() for c in table[0]]
    anchor = max(text.find("项目名称"), 0)
    rows: _TableRows = []
    for row in table[1:]:
        cells = [_clean_name(unicodedata.normalize("NFKC", c)) for c in row]
        if not cells or not cells[0].isdigit():
            continue
        key = next((c[:4] for c in cells[1:] if c), cells[0])
        at = text.find(key, anchor)
        start = at if at >= 0 else anchor
        end = start + len(key)
        # The evidence runs on to the row's last cell found in order after it (its amount, its score).
        for cell in cells[2:]:
            hit = text.find(cell, end, end + 300) if cell else -1
            if hit >= 0:
                end = hit + len(cell)
        rows.append((cells, start, end))
        anchor = max(anchor, start)
    return header, rows


def project_table(
    text: str, lines: list[tuple[int, str]], evidence: Evidence_of, tables: Sequence[Table]
) -> tuple[ProjectLine, ...]:
    """The project table (序号 / 项目名称 / amount / score), from tab-separated lines or the reader's tables."""
    # No line can hold 项目名称 when the text does not: one C search spares a look at every line.
    found = (_text_table(lines) if "项目名称" in text else None) or _reader_table(text, tables)
    if found is None:
        return ()
    header, rows = found

    def col(*words: str) -> int | None:
        return next((i for i, c in enumerate(header) if any(w in c for w in words)), None)

    def amount_col() -> int | None:
        # The money actually spent comes first when a table shows budget and execution side by side; a
        # column of funding sources (资金来源, 资金性质) or of rates holds no amount.
        words = load_vocabulary().words
        for word in words["project_amount_columns"]:
            for i, c in enumerate(header):
                if word in c and not any(x in c for x in words["project_not_amount"]):
                    return i
        return None

    c_seq, c_name = col("序号"), col("项目名称")
    c_amount, c_score = amount_col(), col(*load_vocabulary().words["project_score_columns"])
    if c_name is None:
        return ()
    in_yuan = c_amount is not None and "(元)" in header[c_amount]
    out: list[ProjectLine] = []
    for cells, start, end in rows:
        seq, name, amount_text, score_text = (
            cells[i] if i is not None and i < len(cells) else "" for i in (c_seq, c_name, c_amount, c_score)
        )
        amount = to_decimal(amount_text) if amount_text else None
        if amount is not None and in_yuan:
            amount = to_wan(amount, "元")
        score = to_decimal(score_text) if score_text else None
        out.append(
            ProjectLine(
                seq=int(seq) if seq.isdigit() else len(out) + 1,
                name=_clean_name(name),
                amount=amount,
                score=score,
                evidence=evidence(start, end),
            )
        )
    return tuple(out)


__all__ = ["project_table"]
