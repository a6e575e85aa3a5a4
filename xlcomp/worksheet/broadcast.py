"""Broadcasting: one worksheet-function call over the ranges Excel hands it.

Every argument but a table broadcasts with Excel's rules: a single value pairs with
every element, a column with a column of equal length; the result spills as a 2-D list
(``TOTALCOMP(B2:B2001, C2:C2001, D2:D2001)`` returns 2,000 rows). A bad element is an
error in its own position only. Functions with several results (COUNTERTARGET,
COUNTERSPLIT, VESTSCHEDULE) spill them as a column (a row for VESTSCHEDULE) for one
input; over a column of inputs each input's values fill one row; over a row, one column.

A call whose arguments are all single values, or 1×1 ranges (xlwings hands one cell as
``[[value]]``), skips the grids entirely; a range of floats that all read as themselves
is not read cell by cell; ranges of plain numbers may go through
:mod:`xlcomp.worksheet.vector`, which gives the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from operator import countOf
from typing import Any

from xlcomp.worksheet.cells import (
    ERROR_PREFIX,
    SCALAR_TYPES,
    CellError,
    Grid,
    Param,
    element,
    gc_paused,
    is_range,
    read_cell,
)
from xlcomp.worksheet.vector import vector_enabled, vectorized


def as_grid(value: object) -> Grid:
    """Any argument as a 2-D list of rows; a scalar is 1×1; a 1-D list is a column.

    A list of non-empty row lists is returned as it is (callers only read it).
    """
    if isinstance(value, list | tuple):
        if not value:
            return [[None]]
        if type(value) is list and countOf(map(type, value), list) == len(value) and all(value):
            return value  # already rows (read, never changed)
        if all(isinstance(r, list | tuple) for r in value):
            rows = [list(r) if r else [None] for r in value]
            return rows
        return [[v] for v in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays from a formula engine
    if callable(tolist):
        return as_grid(tolist())
    return [[value]]


def _plain_cells(param: Param, cells: list[Any]) -> bool:
    """Whether every cell is a float that ``param`` reads as itself."""
    if param.kind == "other" or set(map(type, cells)) != {float}:
        return False
    if not all(map(math.isfinite, cells)):
        return False
    return param.kind == "money" or (min(cells) >= 0.0 and max(cells) <= 1.0)


def _read_grid(param: Param, grid: Grid) -> tuple[Grid, bool]:
    """Every cell of ``grid`` read for ``param``; whether any of them is an error."""
    if param.kind != "other" and _plain_cells(param, list(chain.from_iterable(grid))):
        return grid, False
    # Each distinct value is read once: a column of 50,000 regions holds a handful of
    # texts. Keyed by type as well (1, True are equal keys); floats are read one by one
    # (0.0 and -0.0 are equal keys, and read apart). A reader depends on the value alone,
    # and a CellError read once is shared by its positions (read only).
    width = len(grid[0])
    if set(map(len, grid)) == {width}:
        cells = list(chain.from_iterable(grid))
        if set(map(type, cells)) <= _READ_ONCE:
            keys = list(zip(map(type, cells), cells, strict=True))
            read = {key: read_cell(param, key[1]) for key in set(keys)}
            flat = list(map(read.__getitem__, keys))
            bad = CellError in set(map(type, read.values()))
            if width == 1:
                return [[v] for v in flat], bad
            return [flat[i : i + width] for i in range(0, len(flat), width)], bad
    out: Grid = []
    bad = False
    for row in grid:
        out_row = [read_cell(param, v) for v in row]
        bad = bad or any(type(v) is CellError for v in out_row)
        out.append(out_row)
    return out, bad


_READ_ONCE = frozenset({str, bool, int, type(None)})
"""Types of cells whose equal values (of one type) read the same."""


def _spread(grid: Grid, n_rows: int, n_cols: int, name: str) -> tuple[list[Any], bool]:
    """The values of one argument at each position of the result, row by row.

    A single row or column repeats across the other direction; a position beyond a
    smaller range is an error naming the argument.
    """
    rows, cols = len(grid), len(grid[0])
    if rows == 1 and cols == 1:
        return [grid[0][0]] * (n_rows * n_cols), False
    if cols == 1 and n_cols == 1 and rows == n_rows:
        return [r[0] for r in grid], False
    missing = CellError(f"{ERROR_PREFIX}{name}: no value at this position (its range is smaller)")
    flat: list[Any] = []
    short = False
    for i in range(n_rows):
        if rows != 1 and i >= rows:
            flat.extend([missing] * n_cols)
            short = True
            continue
        row = grid[0 if rows == 1 else i]
        if cols == 1:
            flat.extend([row[0]] * n_cols)
        elif len(row) >= n_cols:
            flat.extend(row[:n_cols])
        else:
            flat.extend(row)
            flat.extend([missing] * (n_cols - len(row)))
            short = True
    return flat, short


def broadcast(
    fn: Callable[..., Any],
    params: Sequence[Param],
    args: Sequence[object],
    *,
    multi: str | None = None,
    vector: Callable[..., tuple[Any, Any]] | None = None,
) -> Any:
    """Call ``fn`` element by element over the broadcast of ``args``.

    ``multi`` is None for one value per element, ``"column"`` or ``"row"`` for functions
    whose one result spills as a column or a row. ``vector``, given numpy arrays of the
    arguments (all numbers), returns ``(ok, result)``: where the scalar ``fn`` would
    compute ``result`` without an error; only those elements are taken from it.
    """
    singles: list[object] = []
    for a in args:
        if type(a) not in SCALAR_TYPES:
            a = _unwrap(a)
            if a is _MANY:
                break
        singles.append(a)
    else:  # single values (or 1×1 ranges, as xlwings hands one cell): no grids at all
        values = []
        for p, a in zip(params, singles, strict=True):
            v = read_cell(p, a)
            if type(v) is CellError:
                return v.text
            values.append(v)
        return _single(element(fn, params, values), multi)
    if vector is not None and vector_enabled() and multi is None:
        done = vectorized(vector, fn, params, args)
        if done is not None:
            return done
    return _elementwise(fn, params, args, multi)


_MANY = object()
"""What :func:`_unwrap` gives for a range of more than one cell."""


def _unwrap(value: object) -> object:
    """The one cell of a 1×1 range (as :func:`as_grid` would read it), else ``_MANY``."""
    if isinstance(value, list | tuple):
        if len(value) > 1:
            return _MANY
        if not value:
            return None
        inner = value[0]
        if isinstance(inner, list | tuple):
            if len(inner) > 1:
                return _MANY
            return inner[0] if inner else None
        return inner
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return _unwrap(tolist())
    return value


def _single(result: Any, multi: str | None) -> Any:
    if multi is None or not isinstance(result, list):
        return result
    return [result] if multi == "row" else [[v] for v in result]


def _elementwise(
    fn: Callable[..., Any], params: Sequence[Param], args: Sequence[object], multi: str | None
) -> Any:
    grids: list[Grid] = []
    bad: list[bool] = []
    for p, a in zip(params, args, strict=True):
        if is_range(a):
            grid, has_error = _read_grid(p, as_grid(a))
        else:
            v = read_cell(p, a)
            grid, has_error = [[v]], type(v) is CellError
        grids.append(grid)
        bad.append(has_error)
    n_rows = max(map(len, grids))
    n_cols = max(max(map(len, g)) for g in grids)
    if multi is not None and n_rows > 1 and n_cols > 1:
        names = [p.name for p, g in zip(params, grids, strict=True) if len(g) > 1 or len(g[0]) > 1]
        return (
            f"{ERROR_PREFIX}{', '.join(names)}: a function with several results takes "
            "a single row or a single column here"
        )
    columns: list[list[Any]] = []
    checked: list[list[Any]] = []
    for g, p, has_error in zip(grids, params, bad, strict=True):
        column, short = _spread(g, n_rows, n_cols, p.name)
        columns.append(column)
        if has_error or short:
            checked.append(column)
    flat: list[Any] = []
    with gc_paused():
        if checked:
            for k, values in enumerate(zip(*columns, strict=True)):
                error = next((c[k] for c in checked if type(c[k]) is CellError), None)
                flat.append(error.text if error is not None else element(fn, params, values))
        else:
            flat = [element(fn, params, values) for values in zip(*columns, strict=True)]
        if n_cols == 1:
            results = [[v] for v in flat]
        else:
            results = [flat[i * n_cols : (i + 1) * n_cols] for i in range(n_rows)]
    return _assemble(results, multi)


def _assemble(results: list[list[Any]], multi: str | None) -> Any:
    n_rows, n_cols = len(results), len(results[0])
    if multi is None:
        return results[0][0] if n_rows == n_cols == 1 else results
    width = (
        max(len(v) for row in results for v in row if isinstance(v, list))
        if any(isinstance(v, list) for row in results for v in row)
        else 1
    )

    def values(v: Any) -> list[Any]:
        if isinstance(v, list):
            return v + [""] * (width - len(v))
        return [v] + [""] * (width - 1)  # an error in the first position

    if n_rows == n_cols == 1:
        only = results[0][0]
        if not isinstance(only, list):
            return only
        vals = values(only)
        return [vals] if multi == "row" else [[v] for v in vals]
    if n_cols == 1:  # a column of inputs: one row each
        return [values(row[0]) for row in results]
    # a row of inputs: one column each (a grid of inputs was refused before)
    cols = [values(v) for v in results[0]]
    return [[c[k] for c in cols] for k in range(width)]
