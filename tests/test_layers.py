"""The import direction: the core imports only pydantic and the standard library.

Adapters (worksheet functions, template, refresh, share, Lite, CLI) may import the
core; the core may import none of them, nor xlwings, openpyxl or formulas.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xlcomp"
CORE_MAY_IMPORT = {"pydantic", "xlcomp.core", "xlcomp.errors"}
WORKSHEET_MAY_IMPORT = CORE_MAY_IMPORT | {"xlcomp.worksheet", "numpy"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _allowed(name: str, allowed: set[str]) -> bool:
    top = name.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(name == a or name.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "core").glob("*.py")),
    ids=lambda p: p.name,
)
def test_core_imports_only_core(path: Path) -> None:
    """A core module imports the standard library, pydantic and the core only."""
    bad = sorted(n for n in _imports(path) if not _allowed(n, CORE_MAY_IMPORT))
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "worksheet").glob("*.py")),
    ids=lambda p: p.name,
)
def test_worksheet_adapter_has_no_excel_imports(path: Path) -> None:
    """The worksheet package (the catalogue included) runs without xlwings: it is
    embedded in xlwings Lite code too."""
    bad = sorted(n for n in _imports(path) if not _allowed(n, WORKSHEET_MAY_IMPORT))
    assert bad == [], f"worksheet/{path.name} imports {bad}"


def test_layer_rule_catches_a_violation(tmp_path: Path) -> None:
    """The rule itself fails on a core module that imports openpyxl."""
    bad = tmp_path / "bad.py"
    bad.write_text("import openpyxl\nfrom xlcomp.cli import main\n")
    assert sorted(n for n in _imports(bad) if not _allowed(n, CORE_MAY_IMPORT)) == [
        "openpyxl",
        "xlcomp.cli",
    ]
