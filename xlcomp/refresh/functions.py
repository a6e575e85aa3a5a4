"""Which Python function computes each function name found in a formula.

Native Excel functions come from :mod:`xlcomp.refresh.excel` where ``formulas`` gives
answers Excel does not (criteria, numbers stored as text, 15-digit rounding, TEXT,
dates), and from the ``formulas`` package for the rest. Its modules are imported only
when a workbook uses a name they hold: the statistics module alone pulls in scipy and
costs most of a second.

Our worksheet functions (the catalogue's, as ``xlcomp.udfs`` calls them) are matched
case-insensitively, with or without the ``_xludf.`` prefix Excel writes for functions
it does not know.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# Cheap modules first; the rest (scipy, dateutil-heavy) only when a name is missing.
_CHEAP = (".math", ".logic", ".info", ".text", ".look", ".date")
_COSTLY = (".stat", ".financial", ".eng", ".comp", ".google")
_PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "_XLUDF.")

_loaded: dict[str, Any] = {}
_loaded_modules: set[str] = set()


def _load(modules: tuple[str, ...]) -> None:
    for name in modules:
        if name in _loaded_modules:
            continue
        mod = importlib.import_module(name, "formulas.functions")
        _loaded.update(mod.FUNCTIONS)
        _loaded_modules.add(name)


def bare_name(name: str) -> str:
    """``_xlfn.XLOOKUP`` -> ``XLOOKUP``; upper case."""
    up = name.upper()
    for p in _PREFIXES:
        if up.startswith(p):
            return up[len(p) :]
    return up


def native(name: str) -> Callable[..., Any] | None:
    """formulas' implementation of Excel function ``name``, or None if it has none."""
    from formulas.functions import not_implemented

    from xlcomp.refresh.excel import FUNCTIONS

    up = name.upper()
    own = FUNCTIONS.get(bare_name(up))
    if own is not None:
        return own
    candidates = (up, bare_name(up), "_XLFN." + bare_name(up))
    for modules in (_CHEAP, _COSTLY):
        _load(modules)
        for cand in candidates:
            f = _loaded.get(cand)
            if isinstance(f, dict):
                extra = f.get("extra_inputs") or {}
                f = f.get("function")
                if extra and f is not None:
                    # Impure functions (INDEX, NOW, RAND) take formulas' "compiling" flag
                    # and other extra inputs first; at evaluation time they are False.
                    f = functools.partial(f, *extra.values())
            if f is not None and f is not not_implemented:
                return f
    return None


def default_udfs() -> dict[str, Callable[..., Any]]:
    """Our worksheet functions by upper-case name, from the catalogue.

    These are the functions the xlwings face (``xlcomp.udfs``) calls, so Excel and the
    engine compute the same numbers; they need no xlwings.
    """
    from xlcomp.worksheet.functions import FUNCTIONS

    return dict(FUNCTIONS)


_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


def calls_other_functions(formulas: Iterable[str]) -> bool:
    """Whether any formula calls a function that neither :mod:`xlcomp.refresh.excel` nor
    formulas' cheap modules hold.

    Such a name is one of our worksheet functions (or one Excel has and formulas keeps in
    a costly module, or an unknown one): only then need our functions (and pydantic and
    the core behind them) be imported. Names inside string literals may say yes
    needlessly, never no wrongly.
    """
    from formulas.functions import not_implemented

    from xlcomp.refresh.excel import FUNCTIONS as EXCEL

    _load(_CHEAP)
    seen: set[str] = set()
    for text in formulas:
        if "(" not in text:
            continue
        for name in _CALL.findall(text):
            up = bare_name(name)
            if up in seen:
                continue
            seen.add(up)
            if up in _ENGINE_FORMS or up in EXCEL:
                continue
            if not any(_loaded.get(c) not in (None, not_implemented) for c in (up, "_XLFN." + up)):
                return True
    return False


# Calls the engine compiles itself (no function object behind them).
_ENGINE_FORMS = frozenset(
    {"ROW", "COLUMN", "SINGLE", "SUBTOTAL", "IF", "INDIRECT", "OFFSET", "LET", "LAMBDA"}
)


def udf_lookup(udfs: Mapping[str, Callable[..., Any]], name: str) -> Callable[..., Any] | None:
    """Our function called ``name`` as written in a formula, if it is one of ours."""
    up = name.upper()
    if up in udfs:
        return udfs[up]
    bare = bare_name(up)
    if bare in udfs:
        return udfs[bare]
    return None
