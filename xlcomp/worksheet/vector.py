"""The vector path: a whole range of plain numbers computed as numpy arrays.

With numpy, TOTALCOMP, EQUITYVALUE, BANDPERCENTILE (linear) and COMPARATIO compute a
whole range as arrays (the last two look each distinct band up once): every element
whose inputs are plain numbers inside the formula's domain gets the same IEEE
operations, in the same order, as the scalar core (so the same bits); every other
element goes through the scalar core one by one, which gives its error. Without numpy
(a bare xlwings Lite), or below :data:`VECTOR_MIN` elements, the loop of
:mod:`xlcomp.worksheet.broadcast` does it all. ``tests/test_broadcast.py`` checks the
two paths agree bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from operator import countOf
from typing import Any

from xlcomp.core import bands as _bands
from xlcomp.worksheet.cells import (
    ROW_TYPES,
    SCALAR_TYPES,
    CellError,
    Param,
    element,
    gc_paused,
    is_range,
    read_cell,
)

try:  # a whole range in one array operation; optional (xlwings does not need numpy)
    import numpy as _numpy
except ImportError:  # pragma: no cover - exercised by turning VECTOR off in the tests
    _numpy = None  # type: ignore[assignment]

VECTOR = _numpy is not None
"""Whether ranges of plain numbers are computed as arrays (tests turn it off)."""
VECTOR_MIN = 64
"""Fewer elements than this go through the loop: arrays would not pay for themselves."""


def vector_enabled() -> bool:
    """Whether the array path is on (numpy is there and :data:`VECTOR` is set)."""
    return VECTOR


def _numbers(value: object) -> Any:
    """A range of plain numbers (floats, or ints from xlwings Lite) as a 2-D float array.

    None when the range is anything else (text, booleans, empty cells, ragged rows):
    those go through the loop. A column as xlwings hands it (a list of one-cell lists
    of floats) takes four passes at C speed: row types, cells, cell types, the array.
    """
    if not isinstance(value, list | tuple):
        tolist = getattr(value, "tolist", None)
        value = tolist() if callable(tolist) else None
        if not isinstance(value, list | tuple):
            return None
    n = len(value)
    if n == 0:
        return None
    first = value[0]
    if isinstance(first, list | tuple):
        cols = len(first)
        if cols == 1:
            # Unpacking checks every row holds one cell; what a row holds is checked
            # below (only floats pass), so the row types need no pass of their own.
            try:
                cells = [x for (x,) in value]
            except (ValueError, TypeError):  # a row of another length, or not a row
                return None
        else:
            if countOf(map(type, value), list) != n and set(map(type, value)) - ROW_TYPES:
                return None
            if cols == 0 or set(map(len, value)) != {cols}:
                return None
            cells = list(chain.from_iterable(value))
    else:
        cols, cells = 1, list(value)
    if countOf(map(type, cells), float) != len(cells):
        types = set(map(type, cells))
        if not types <= {float, int}:
            return None
        try:
            cells = [float(v) for v in cells]
        except OverflowError:
            return None
    return _numpy.array(cells, dtype=_numpy.float64).reshape(n, cols)


def _listed(value: object) -> object:
    """A numpy array (from a formula engine) as lists; anything else as it is."""
    if type(value) in SCALAR_TYPES or isinstance(value, list | tuple):
        return value
    tolist = getattr(value, "tolist", None)
    return tolist() if callable(tolist) else value


def _cell_at(value: object, i: int, j: int) -> object:
    """The raw cell of a list range (or a single value) at a position of the result."""
    if not isinstance(value, list | tuple):
        return value
    grid: Any = value
    row = grid[i if len(grid) > 1 else 0]
    if not isinstance(row, list | tuple):
        return row
    return row[j if len(row) > 1 else 0]


def _read_values(param: Param, value: object) -> Any:
    """An argument of a kind other than numbers, read: one value, or a 2-D object array
    of the read cells of a range; :data:`_UNREAD` when a cell reads as an error (or the
    range is ragged): the loop then puts each error in its own position."""
    if not is_range(value):
        got = read_cell(param, value)
        return _UNREAD if type(got) is CellError else got
    rows: Any = value
    if not rows or not set(map(type, rows)) <= ROW_TYPES:
        return _UNREAD
    width = len(rows[0])
    if width == 0 or set(map(len, rows)) != {width}:
        return _UNREAD
    cells = list(chain.from_iterable(rows))
    if not set(map(type, cells)) <= _READ_ONCE:
        return _UNREAD
    keys = list(zip(map(type, cells), cells, strict=True))
    read = {key: read_cell(param, key[1]) for key in set(keys)}
    if any(type(v) is CellError for v in read.values()):
        return _UNREAD
    out = _numpy.empty(len(cells), dtype=object)
    out[:] = list(map(read.__getitem__, keys))
    return out.reshape(len(rows), width)


_UNREAD = object()
"""What :func:`_read_values` gives for an argument the vector path does not take."""
_READ_ONCE = frozenset({str, bool, int, type(None)})
"""Types of cells whose equal values (of one type) read the same (a float is not one:
0.0 and -0.0 are equal keys)."""


def vectorized(
    vector: Callable[..., tuple[Any, Any]],
    fn: Callable[..., Any],
    params: Sequence[Param],
    args: Sequence[object],
) -> Any:
    """The result over plain-number ranges as arrays; None when the loop must do it.

    Arguments of other kinds (a region, a component) are handed to the vector functions
    that take them read (:data:`READS_VALUES`), as object arrays; any other vector
    function leaves such a call to the loop.
    """
    np = _numpy
    args = [_listed(a) for a in args]
    arrays: list[Any] = []
    n_rows = n_cols = 1
    reads = getattr(vector, "func", vector) in READS_VALUES
    for p, a in zip(params, args, strict=True):
        if p.kind == "other":
            if not reads:
                return None
            x = _read_values(p, a)
            if x is _UNREAD:
                return None
            if isinstance(x, np.ndarray):
                n_rows, n_cols = max(n_rows, x.shape[0]), max(n_cols, x.shape[1])
            arrays.append(x)
            continue
        if is_range(a):
            x = _numbers(a)
            if x is None:
                return None
            n_rows, n_cols = max(n_rows, x.shape[0]), max(n_cols, x.shape[1])
        else:
            x = read_cell(p, a)
            if type(x) is not float:  # an error: the loop puts it in every position
                return None
        arrays.append(x)
    if n_rows * n_cols < VECTOR_MIN:
        return None
    ok = np.ones((n_rows, n_cols), dtype=bool)
    with np.errstate(all="ignore"):
        for p, x in zip(params, arrays, strict=True):
            if not isinstance(x, np.ndarray):
                continue
            if x.shape[0] not in (1, n_rows) or x.shape[1] not in (1, n_cols):
                return None  # ranges of different lengths: the loop names the short one
            if p.kind == "other":
                continue
            ok &= np.isfinite(x) if p.kind == "money" else (x >= 0.0) & (x <= 1.0)
        in_domain, result = vector(*arrays)
        ok &= in_domain
        ok &= np.isfinite(result)
    result = np.broadcast_to(result, (n_rows, n_cols))
    with gc_paused():
        out: list[list[Any]] = result.tolist()
    for i, j in zip(*np.nonzero(~ok), strict=True):
        values = [read_cell(p, _cell_at(a, i, j)) for p, a in zip(params, args, strict=True)]
        error = next((v for v in values if type(v) is CellError), None)
        out[i][j] = error.text if error is not None else element(fn, params, values)
    return out


def totalcomp_arrays(
    base: Any, equity: Any, bonus_pct: Any, signon: Any, signon_years: Any
) -> tuple[Any, Any]:
    """:func:`xlcomp.core.comp.total_comp` over arrays: where it raises nothing, and its value."""
    ok = (base >= 0) & (equity >= 0) & (bonus_pct >= 0) & (signon >= 0) & (signon_years > 0)
    return ok, base + equity + base * bonus_pct + signon / signon_years


def equityvalue_arrays(
    shares: Any, price: Any, strike: Any, vest_years: Any, risk_discount: Any
) -> tuple[Any, Any]:
    """:func:`xlcomp.core.comp.equity_value` over arrays, as ``totalcomp_arrays``."""
    np = _numpy
    ok = (
        (shares >= 0)
        & (price >= 0)
        & (strike >= 0)
        & (vest_years > 0)
        & (risk_discount >= 0)
        & (risk_discount <= 1)
    )
    gain = price - strike
    gain = np.where(gain < 0.0, 0.0, gain)  # max(gain, 0.0) as Python picks it
    return ok, shares * gain / vest_years * (1 - risk_discount)


def _bands_of(
    parsed: Any, region: Any, level: Any, component: Any, company: Any
) -> tuple[Any, Any, Any, Any]:
    """Per element: whether its band is found, the band's min and max (0 where not), and
    its component, as arrays of the broadcast shape of the arguments.

    Each distinct (region, level, component, company) is looked up once, by the core's
    :func:`xlcomp.core.bands.band_range` (a lookup that fails leaves the element to the
    scalar path, which gives its error).
    """
    np = _numpy
    parts = (region, level, component, company)
    shape = np.broadcast_shapes(*(np.shape(x) for x in parts))
    size = int(np.prod(shape))
    columns = [
        np.broadcast_to(x, shape).ravel().tolist() if isinstance(x, np.ndarray) else [x] * size
        for x in parts
    ]
    keys = list(zip(*columns, strict=True))
    bounds: dict[tuple[Any, ...], tuple[bool, float, float]] = {}
    for key in set(keys):
        try:
            low, high = _bands.band_range(parsed.table, *key)
            bounds[key] = (True, float(low), float(high))
        except Exception:  # the scalar path says why
            bounds[key] = (False, 0.0, 0.0)
    found = list(map(bounds.__getitem__, keys))
    ok = np.fromiter((f[0] for f in found), dtype=bool, count=size).reshape(shape)
    lows = np.fromiter((f[1] for f in found), dtype=np.float64, count=size).reshape(shape)
    highs = np.fromiter((f[2] for f in found), dtype=np.float64, count=size).reshape(shape)
    components = np.asarray(columns[2], dtype=object).reshape(shape)
    return ok, lows, highs, components


def _read_by_component(value: Any, components: Any) -> Any:
    """Where a value reads as itself by its component's kind (a rate from 0 to 1 for
    ``bonus``; any finite number, checked by the caller, otherwise)."""
    bonus = components == "bonus"
    return ~bonus | ((value >= 0.0) & (value <= 1.0))


def bandpercentile_arrays(
    parsed: Any,
    value: Any,
    region: Any,
    level: Any,
    component: Any,
    method: Any,
    low_pct: Any,
    high_pct: Any,
    company: Any,
) -> tuple[Any, Any]:
    """:func:`xlcomp.worksheet.elements.band_percentile` over arrays, linear method only
    (range penetration ``100 × (value − min)/(max − min)``, the core's operations in its
    order); every other element (lognormal, a band of no width, a band not found, a
    bonus value outside 0 to 1) is left to the scalar path."""
    np = _numpy
    ok, low, high, components = _bands_of(parsed, region, level, component, company)
    ok = ok & (np.asarray(method, dtype=object) == "linear")
    ok = ok & _read_by_component(value, components) & (high != low)
    width = np.where(ok, high - low, 1.0)
    return ok, 100 * (value - low) / width


def comparatio_arrays(
    parsed: Any, value: Any, region: Any, level: Any, component: Any, company: Any
) -> tuple[Any, Any]:
    """:func:`xlcomp.worksheet.elements.compa_ratio` over arrays: ``value / ((min +
    max)/2)``, the core's operations in its order; a band not found, a mid of 0 or a
    bonus value outside 0 to 1 is left to the scalar path."""
    np = _numpy
    ok, low, high, components = _bands_of(parsed, region, level, component, company)
    mid = (low + high) / 2
    ok = ok & _read_by_component(value, components) & (mid != 0)
    return ok, value / np.where(ok, mid, 1.0)


READS_VALUES = frozenset({bandpercentile_arrays, comparatio_arrays})
"""The vector functions that take arguments of other kinds than numbers, read."""
