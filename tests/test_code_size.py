"""Issue 14's size limits: no function in src/ over 60 lines, no module over 400 (generated migrations aside).

``ALLOWED`` lists the offenders that remained when the limit was set, each at its size then. It only shrinks:
a new offender fails, an allowed one that grows fails, and one that was mended fails until its line here is
deleted, so the list always says what is left to do.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_FUNCTION = 60
MAX_MODULE = 400

# (path under src/, function qualname or "<module>") -> lines when the limit was set (2026-12-01).
ALLOWED: dict[tuple[str, str], int] = {}  # every offender of 2026-12-01 was mended the same day


def sizes(source: str) -> dict[str, int]:
    """Lines of the module (``<module>``) and of every function, by qualified name."""
    tree = ast.parse(source)
    out = {"<module>": len(source.splitlines())}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    out[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def offenders(root: Path) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # alembic-generated
        for name, n in sizes(path.read_text(encoding="utf-8")).items():
            if n > (MAX_MODULE if name == "<module>" else MAX_FUNCTION):
                found[(path.relative_to(root).as_posix(), name)] = n
    return found


@pytest.mark.parametrize(
    ("body_lines", "over"),
    [
        pytest.param(60, True, id="a-61-line-function-is-over"),
        pytest.param(59, False, id="a-60-line-function-is-within"),
    ],
)
def test_a_function_is_measured_from_def_to_its_last_line(body_lines: int, over: bool) -> None:
    n = sizes("def f():\n" + "    x = 1\n" * body_lines)["f"]
    assert n == body_lines + 1
    assert (n > MAX_FUNCTION) is over


def test_sizes_names_nested_functions_and_methods() -> None:
    src = "class A:\n    def m(self):\n        def inner():\n            pass\n"
    assert set(sizes(src)) == {"<module>", "A.m", "A.m.inner"}


def test_no_new_offender_and_none_grew() -> None:
    found = offenders(SRC)
    new = {k: n for k, n in found.items() if k not in ALLOWED}
    grew = {k: (ALLOWED[k], n) for k, n in found.items() if k in ALLOWED and n > ALLOWED[k]}
    assert not new, f"over the limit (functions {MAX_FUNCTION}, modules {MAX_MODULE} lines): {new}"
    assert not grew, f"allowed offenders that grew (allowed, now): {grew}"


def test_the_allow_list_only_shrinks() -> None:
    found = offenders(SRC)
    mended = sorted(k for k in ALLOWED if k not in found)
    assert not mended, f"within the limit now: delete these lines from ALLOWED: {mended}"
