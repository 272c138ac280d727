"""The core (src/jixiao) imports neither the development tools (jixiao_dev) nor the CLI (jixiao_cli).

Prefect and Great Expectations are kept out of the core by ruff (TID251); these two are packages of this
repository, so the rule is checked here on the import statements themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "src" / "jixiao"
FORBIDDEN = ("jixiao_dev", "jixiao_cli")


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("from jixiao_dev.synth import compose\n", ["jixiao_dev.synth"], id="from-import-found"),
        pytest.param("def f():\n    import jixiao_cli.main\n", ["jixiao_cli.main"], id="local-import-found"),
        pytest.param("from jixiao.synthesis import x\nimport jixiao_devtools\n", [], id="similar-names-pass"),
    ],
)
def test_forbidden_imports_are_found(source: str, expected: list[str]) -> None:
    assert forbidden_imports(source) == expected


def test_the_core_imports_no_development_tool_and_no_cli() -> None:
    offenders = {
        str(p.relative_to(CORE)): found
        for p in sorted(CORE.rglob("*.py"))
        if (found := forbidden_imports(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}
