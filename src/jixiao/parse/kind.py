"""What a document is: a 部门整体 report, a 部门整体 自评表, a 项目 report, or something else.

Only a department's own report or self-evaluation table states its whole expenditure. A 项目支出绩效自评报告
holds one project's money, and a notice or a summary of many units holds nobody's in particular: loading
their figures as a department's totals would be wrong without any check noticing. The kind is read from the
title block — the first lines, with words quoted inside 《》 taken out, since a report usually opens by citing
the notice it answers — with the words of ``[kind]`` in ``vocab.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.parse.vocab import load_vocabulary

_QUOTED = re.compile(r"《[^》\n]*》")
_PROSE = re.compile(r"[，。；;]")
_HEAD_LINES = 6
_TITLE_WIDTH = 60  # characters: a longer line is prose, not a title


@dataclass(frozen=True)
class Kind:
    kind: str  # one of jixiao.model.DOC_KINDS
    start: int  # where the words that decided it are in the text (0, 0 when nothing decided it)
    end: int
    why: str  # the deciding words, or what was missing


def _head(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for pos, line in lines:
        if not line.strip():
            continue
        out.append((pos, line))
        if len(out) == _HEAD_LINES:
            break
    return out


def document_kind(lines: list[tuple[int, str]], has_money_table: bool) -> Kind:
    """The kind of the document whose (offset, line) pairs are ``lines``.

    ``has_money_table``: whether the 资金情况 block of a self-evaluation table was read; a document with one
    and no title of any kind is a 自评表.
    """
    words = load_vocabulary().kind
    head = _head(lines)
    titles = [(pos, _QUOTED.sub(lambda m: " " * len(m.group(0)), line)) for pos, line in head]
    titles = [(pos, t) for pos, t in titles if len(t.strip()) <= _TITLE_WIDTH and not _PROSE.search(t)]
    for kind in ("project_report", "other", "dept_table", "dept_report"):
        for pos, title in titles:
            if kind == "project_report" and any(w in title for w in words["project_unless"]):
                continue
            hit = next((w for w in words[kind] if w in title), None)
            if hit is not None:
                at = title.index(hit)
                return Kind(kind, pos + at, pos + at + len(hit), hit)
    for pos, line in head:
        hit = next((w for w in words["project_header"] if w in line), None)
        if hit is not None:
            at = line.index(hit)
            return Kind("project_report", pos + at, pos + at + len(hit), hit)
    if has_money_table:
        return Kind("dept_table", 0, 0, "a 资金情况 table and no title")
    return Kind("dept_report", 0, 0, "no title naming another kind")


_REFUSALS = {
    "project_report": "a 项目 report (one project's money, not the department's whole expenditure)",
    "other": "not a department's own report (a notice, summary or list)",
}


def refusal(kind: str, words: str) -> str | None:
    """Why a document of ``kind`` is not loaded as a department's report (None when it is)."""
    if kind not in _REFUSALS:
        return None
    said = f" — its title says {words!r}" if words else ""
    return (
        f"{_REFUSALS[kind]}{said}: not loaded as a 部门整体 report. Ingest the department's own "
        "部门整体支出绩效自评报告 or 自评表 instead"
    )


__all__ = ["Kind", "document_kind", "refusal"]
