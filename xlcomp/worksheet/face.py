"""The source of the xlwings face: one decorated function per catalogue entry.

xlwings registers a worksheet function from a real function object: its name, its
signature (``inspect.signature``: the Excel arguments, optional where there is a
default), its docstring (the Wizard's description) and the options its ``@xw.func`` and
``@xw.arg`` decorators record. :func:`face_source` writes that module as Python text
from the catalogue, e.g.::

    @xw.func(category="xlcomp")
    @xw.arg("base", ndim=2, doc="Annual base salary, e.g. 240000")
    ...
    def TOTALCOMP(base: Any, equity: Any, bonus_pct: Any, signon: Any = None,
                  signon_years: Any = None) -> Any:
        \"\"\"Annual total comp: base + equity + base x bonus + sign-on / sign-on years.\"\"\"
        return _FUNCTIONS["TOTALCOMP"](base, equity, bonus_pct, signon, signon_years)

:mod:`xlcomp.udfs` runs this text (so classic xlwings, its VBA generator and the
Wizard see ordinary functions), and :mod:`xlcomp.lite_codegen` embeds the same text in
a Lite workbook's main.py with Lite's decorators. No xlwings is imported here.
"""

from __future__ import annotations

from collections.abc import Iterable

from xlcomp.worksheet.catalogue import CATALOGUE, CATEGORY, Function

FUNCTIONS_MODULE = "xlcomp.worksheet.functions"
"""Where the face's functions find the plain-Python ones (``FUNCTIONS``)."""


def _function_source(spec: Function) -> str:
    decorators = [f"@xw.func(category={CATEGORY!r})"]
    decorators += [f"@xw.arg({p.name!r}, ndim=2, doc={p.wizard!r})" for p in spec.params]
    args = ", ".join(p.name + ": Any" + ("" if p.required else " = None") for p in spec.params)
    call = ", ".join(p.name for p in spec.params)
    return "\n".join(
        [
            *decorators,
            f"def {spec.name}({args}) -> Any:",
            f"    {_docstring(spec.summary)}",
            f"    return _FUNCTIONS[{spec.name!r}]({call})",
        ]
    )


def _docstring(text: str) -> str:
    if '"""' in text or text.endswith('"') or "\\" in text:
        raise ValueError(f"summary cannot be a docstring as written: {text!r}")
    return f'"""{text}"""'


def face_source(functions: Iterable[Function] = CATALOGUE) -> str:
    """The xlwings face module of ``functions`` as Python source."""
    specs = list(functions)
    names = ", ".join(repr(f.name) for f in sorted(specs, key=lambda f: f.name))
    parts = [
        '"""The worksheet functions for xlwings, written from the catalogue '
        '(xlcomp.worksheet.catalogue)."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "import xlwings as xw",
        "",
        f"from {FUNCTIONS_MODULE} import FUNCTIONS as _FUNCTIONS",
        "",
        f"__all__ = [{names}]",
    ]
    for spec in specs:
        parts += ["", "", _function_source(spec)]
    return "\n".join(parts) + "\n"
