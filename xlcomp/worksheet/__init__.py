"""The worksheet functions as Excel calls them, without xlwings.

This is the edge between Excel's shapes and the pure core, split by job:

* :mod:`~xlcomp.worksheet.catalogue` — every function declared once: name, summary,
  parameters with their kinds and defaults, result shape, the core formula;
* :mod:`~xlcomp.worksheet.cells` — argument kinds: one cell read as money, a rate, a
  date…, and one element's result (an error is ``#XLCOMP! <argument>: <problem>``);
* :mod:`~xlcomp.worksheet.broadcast` — Excel's broadcasting over ranges;
* :mod:`~xlcomp.worksheet.vector` — whole ranges of plain numbers as numpy arrays;
* :mod:`~xlcomp.worksheet.tables` — the bounded cache of parsed ``bands``/``levels``;
* :mod:`~xlcomp.worksheet.elements` — one element of the functions that read a table;
* :mod:`~xlcomp.worksheet.functions` — the functions, built from the catalogue;
* :mod:`~xlcomp.worksheet.face` — the source of the xlwings face (:mod:`xlcomp.udfs`).

``xlcomp.worksheet.TOTALCOMP(240000, 80000, 0.15)`` is 356000.0: each function of the
catalogue is an attribute of this package. ``bench/udf_bench.py`` measures the paths;
``tests/test_broadcast.py`` checks every path against one call per cell, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xlcomp.worksheet.broadcast import as_grid, broadcast
from xlcomp.worksheet.catalogue import BY_NAME, CATALOGUE, NAMES
from xlcomp.worksheet.cells import ERROR_PREFIX, Param, error_text
from xlcomp.worksheet.functions import FUNCTIONS
from xlcomp.worksheet.tables import bands_table, levels_table, read_bands

__all__ = [
    "BY_NAME",
    "CATALOGUE",
    "ERROR_PREFIX",
    "FUNCTIONS",
    "NAMES",
    "Param",
    "as_grid",
    "bands_table",
    "broadcast",
    "error_text",
    "levels_table",
    "read_bands",
]


def __getattr__(name: str) -> Callable[..., Any]:
    """A worksheet function by its Excel name: ``worksheet.TOTALCOMP``."""
    try:
        return FUNCTIONS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
