"""Issue 15 point 8: no function of feedback, steering, the catalog's record format or the demo generator is longer
than 80 lines (a function of one screen is read whole before it is changed)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
LIMIT = 80
FILES = sorted([*(SRC / "feedback").rglob("*.py"), *(SRC / "steering").rglob("*.py"), SRC / "catalog" / "records.py",
                SRC / "demo" / "generate.py"])


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > LIMIT]


@pytest.mark.parametrize("path", [p for p in FILES if "migrations" not in p.parts and "tests" not in p.parts],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_function_is_longer_than_a_screen(path):
    assert _long_functions(path) == []
