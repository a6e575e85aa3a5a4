"""The README's table of worksheet functions, written from the catalogue.

``python -m xlcomp.docs`` rewrites the part of ``README.md`` between
``<!-- functions:start -->`` and ``<!-- functions:end -->``; ``python -m xlcomp.docs
--check`` only says whether it is current (``tests/test_docs.py`` does the same). Each
row gives a function with its arguments (optional ones in brackets), its Function
Wizard description and an example whose result is computed here, by calling the
function on the guide's Bands and Levels tables: change a function and the README fails
its test until it is regenerated. Everything comes from the one declaration of each
function, :mod:`xlcomp.worksheet.catalogue` (its summary, its parameters' Wizard texts,
its example).

For example, the row of TOTALCOMP reads::

    | `TOTALCOMP(base, equity, bonus_pct, [signon], [signon_years])` | Annual total comp: … |
    `=TOTALCOMP(240000, 80000, 15%)` → 356,000 |
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows, level_rows
from xlcomp.errors import XlcompError
from xlcomp.worksheet.catalogue import CATALOGUE
from xlcomp.worksheet.functions import FUNCTIONS

START = "<!-- functions:start -->"
END = "<!-- functions:end -->"

EXAMPLES = {f.name: f.example for f in CATALOGUE}
"""One formula per function, as a person types it in the template (Bands, Levels are its
tables): the catalogue's examples."""


class DocsError(XlcompError):
    """The function table cannot be written: a bad example."""


@dataclass(frozen=True)
class Argument:
    """One argument: its name, whether it may be left out, its Function Wizard text."""

    name: str
    optional: bool
    doc: str


@dataclass(frozen=True)
class FunctionDoc:
    """One worksheet function as the Function Wizard shows it."""

    name: str
    description: str
    arguments: tuple[Argument, ...]

    @property
    def signature(self) -> str:
        """``TOTALCOMP(base, equity, bonus_pct, [signon], [signon_years])``."""
        args = ", ".join(f"[{a.name}]" if a.optional else a.name for a in self.arguments)
        return f"{self.name}({args})"


def function_docs() -> list[FunctionDoc]:
    """Every function of the catalogue, in its order."""
    return [
        FunctionDoc(
            f.name,
            f.summary,
            tuple(Argument(p.name, not p.required, p.wizard) for p in f.params),
        )
        for f in CATALOGUE
    ]


_ARG = re.compile(r'\s*("(?:[^"]|"")*"|[^,]*?)\s*(?:,|$)')


def _tables() -> dict[str, Any]:
    guide = load_guide()
    return {"bands": band_rows(guide.bands), "levels": level_rows(guide.levels)}


def example_args(formula: str) -> tuple[str, list[Any]]:
    """The function name and the arguments Excel would hand it for ``formula``.

    Literals only: numbers (``15%`` is 0.15), text in double quotes, empty (left out),
    and the template's tables by name (``Bands``, ``Levels``).
    """
    m = re.fullmatch(r"=([A-Z]+)\((.*)\)", formula)
    if not m:
        raise DocsError(f"example {formula!r} is not =NAME(...)")
    tables = _tables()
    args: list[Any] = []
    inner = m.group(2)
    pos = 0
    while pos < len(inner):
        part = _ARG.match(inner, pos)
        assert part is not None  # the pattern matches any remaining text
        token, pos = part.group(1), part.end()
        if token.startswith('"'):
            args.append(token[1:-1].replace('""', '"'))
        elif not token:
            args.append(None)
        elif token.casefold() in tables:
            args.append(tables[token.casefold()])
        elif token.endswith("%"):
            args.append(float(token[:-1]) / 100)
        else:
            args.append(float(token))
    return m.group(1), args


def _number(x: float) -> str:
    text = f"{x:,.2f}" if abs(x) >= 10 else f"{x:.4f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def show_result(result: Any) -> str:
    """A result as the example column shows it: 356,000 · "accept" · spills 1; 2; 3."""
    if isinstance(result, list):
        cells = [v for row in result for v in row]
        if all(isinstance(v, str) for v in cells):
            return f"spills {len(cells)} rows: “{_short(cells[0], 50)}” …"
        return "spills " + "; ".join(_number(v) if isinstance(v, float) else str(v) for v in cells)
    if isinstance(result, float):
        return _number(result)
    return f"“{_short(str(result))}”"


def run_example(name: str) -> str:
    """The example of ``name`` and its result, computed now: ``=F(...)`` → result."""
    formula = EXAMPLES.get(name)
    if formula is None:
        raise DocsError(f"{name} has no example in xlcomp.docs.EXAMPLES")
    called, args = example_args(formula)
    if called != name:
        raise DocsError(f"the example of {name} calls {called}")
    result = FUNCTIONS[name](*args)
    if isinstance(result, str) and result.startswith("#"):
        raise DocsError(f"the example of {name} gives an error: {result}")
    return f"`{formula}` → {show_result(result)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def function_table() -> str:
    """The markdown that goes between the README's markers."""
    functions = function_docs()
    lines = [
        "<!-- generated by `python -m xlcomp.docs` from xlcomp/worksheet/catalogue.py; "
        "do not edit -->",
        "",
        "| function | returns | example |",
        "|---|---|---|",
    ]
    for f in functions:
        lines.append(f"| `{f.signature}` | {_cell(f.description)} | {_cell(run_example(f.name))} |")
    lines += [
        "",
        "<details><summary>Every argument, as the Function Wizard describes it</summary>",
        "",
    ]
    for f in functions:
        lines.append(f"**{f.name}**")
        lines.append("")
        lines.extend(f"- `{a.name}`: {a.doc}" for a in f.arguments)
        lines.append("")
    lines.append("</details>")
    return "\n".join(lines)


def replace_section(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise DocsError(f"README.md has no {START} … {END} section")
    return readme[: start + len(START)] + "\n" + table + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the README's function table."""
    parser = argparse.ArgumentParser(prog="python -m xlcomp.docs", description=__doc__)
    parser.add_argument("readme", nargs="?", default="README.md", type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 if it is not current")
    ns = parser.parse_args(argv)
    try:
        current = ns.readme.read_text(encoding="utf-8")
        updated = replace_section(current, function_table())
    except (OSError, XlcompError) as exc:
        print(f"xlcomp.docs: {exc}", file=sys.stderr)
        return 1
    if ns.check:
        if updated != current:
            print(f"{ns.readme}: the function table is out of date: python -m xlcomp.docs")
            return 1
        return 0
    if updated != current:
        ns.readme.write_text(updated, encoding="utf-8")
        print(f"{ns.readme}: function table written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
