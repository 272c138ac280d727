"""A synthetic report as laid out: blocks of text and tables, the layout of its plain-text form, and its
ground truth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.units.registry import Unit


@dataclass(frozen=True)
class Block:
    """One unit of layout: title / h1 / h2 / p / sig (signature line) / table (rows of cells; a cell may
    hold ``\\n`` where a long project name wraps)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Layout:
    """How the plain-text form is laid out (the same report differs only in these between files)."""

    blank_lines: bool  # an empty line between paragraphs
    indent: str  # before body paragraphs: "", four spaces or two ideographic spaces
    wrap_rows: str  # a wrapped project name: "space" (seed 001) or "line" (continues on its own line)


@dataclass(frozen=True)
class SyntheticReport:
    unit: Unit
    unit_written: str
    blocks: tuple[Block, ...]
    fields: dict[str, Any]
    project_lines: tuple[dict[str, Any], ...]
    violations: tuple[str, ...]
    layout: Layout

    def text(self, markdown: bool = False) -> str:
        out: list[str] = []
        for b in self.blocks:
            if b.kind == "table":
                out.extend(_table_lines(b.rows, self.layout.wrap_rows))
            elif b.kind in ("h1", "h2") and markdown:
                out.append(("## " if b.kind == "h1" else "### ") + b.text)
            elif b.kind == "title" and markdown:
                out.append("# " + b.text)
            elif b.kind == "p":
                out.append(self.layout.indent + b.text)
            elif b.kind == "sig":
                out.append(" " * 20 + b.text)
            else:
                out.append(b.text)
            if self.layout.blank_lines or markdown or b.kind == "table":
                out.append("")
        return "\n".join(out) + "\n"

    def truth(self) -> dict[str, Any]:
        return {
            "adcode": self.unit.adcode,
            "unit_name_canonical": self.unit.name,
            "unit_name_written": self.unit_written,
            "fields": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.fields.items()},
            "project_lines": list(self.project_lines),
            "violations": list(self.violations),
        }


def _table_lines(rows: Sequence[Sequence[str]], wrap: str) -> list[str]:
    lines: list[str] = []
    for row in rows:
        if wrap == "space" or not any("\n" in c for c in row):
            lines.append("\t".join(c.replace("\n", " ") for c in row))
            continue
        # The wrapped name's first piece stays in the row; the rest follow alone, as a PDF-to-text tool leaves them.
        pieces = [c.split("\n") for c in row]
        lines.append("\t".join(p[0] for p in pieces))
        lines.extend(extra for p in pieces for extra in p[1:])
    return lines
