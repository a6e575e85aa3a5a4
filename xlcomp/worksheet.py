"""The worksheet functions as Excel calls them, without xlwings.

This is the edge between Excel's shapes and the pure core. Each function here takes
what Excel hands a user-defined function declared with ``ndim=2`` and returns what
Excel shows:

* an argument is ``None`` (empty or left out), a scalar (``float``, ``str``, ``bool``)
  or a 2-D list of rows; a 1-D list reads as a column;
* a table (``bands``, ``levels``) is a 2-D list whose first row is the header, read
  once per distinct content and then served from a bounded cache;
* every other argument broadcasts with Excel's rules: a single value pairs with every
  element, a column with a column of equal length; the result spills as a 2-D list
  (``TOTALCOMP(B2:B2001, C2:C2001, D2:D2001)`` returns 2,000 rows);
* nothing raises: a problem becomes the text ``#XLCOMP! <argument>: <problem>`` in its
  own position only, and a result that is not a finite number is an error too.

Functions that give several values (COUNTERTARGET, COUNTERSPLIT, VESTSCHEDULE) spill
them as a column (a row for VESTSCHEDULE) for one input; over a column of inputs, each
input's values fill one row; over a row of inputs, one column.

Speed, and why it never changes a result:

* a call whose arguments are all single values, or 1×1 ranges (xlwings hands one cell
  as ``[[value]]``), skips the grids entirely;
* a table is keyed by its content (the rows as tuples). ``TRUE == 1`` in Python, so the
  cells where a different type could compare equal and read differently (booleans,
  0 and 1, whole numbers from 1e15, anything but text, floats and empty cells) are
  remembered with their types and checked on every hit. The band ranges looked up
  in a table are remembered with it;
* with numpy, TOTALCOMP and EQUITYVALUE compute a whole range as arrays: every
  element whose inputs are plain numbers inside the formula's domain gets the same
  IEEE operations, in the same order, as the scalar core (so the same bits); every
  other element goes through the scalar core one by one, which gives its error.
  Without numpy (a bare xlwings Lite), the same elements go through the loop;
* a range of floats that all read as themselves (money: finite; rates: 0 to 1) is not
  read cell by cell, and the loop runs with the cycle collector paused (it would scan
  the new result rows again and again, finding nothing to free).

``bench/udf_bench.py`` measures it; ``tests/test_broadcast.py`` checks every path
against one call per cell, bit for bit.
"""

from __future__ import annotations

import gc
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import countOf
from typing import Any

from xlcomp.core import bands as _bands
from xlcomp.core import comp as _comp
from xlcomp.core import counter as _counter
from xlcomp.core import levels as _levels
from xlcomp.core import script as _script
from xlcomp.core.check import check_bands
from xlcomp.core.models import COMPONENTS, BandTable, LevelTable
from xlcomp.core.models import key as _key
from xlcomp.core.tables import parse_bands, parse_levels
from xlcomp.core.values import is_empty, show, to_int, to_number, to_percentile, to_rate, to_text
from xlcomp.errors import InputError, NotFoundError, Problem, TableError, XlcompError

try:  # a whole range in one array operation; optional (xlwings does not need numpy)
    import numpy as _numpy
except ImportError:  # pragma: no cover - exercised by turning _VECTOR off in the tests
    _numpy = None  # type: ignore[assignment]

ERROR_PREFIX = "#XLCOMP! "

Cell = float | str | bool | None
Grid = list[list[Any]]

_VECTOR = _numpy is not None
"""Whether ranges of plain numbers are computed as arrays (tests turn it off)."""
_VECTOR_MIN = 64
"""Fewer elements than this go through the loop: arrays would not pay for themselves."""
_SCALAR_TYPES = frozenset({float, str, bool, int, type(None)})
_ROW_TYPES = frozenset({list, tuple})


def error_text(exc: BaseException) -> str:
    """The one line a cell shows for an error."""
    if isinstance(exc, XlcompError):
        message = str(exc)
    else:  # a bug of ours: still one line, never a traceback
        message = f"internal error ({type(exc).__name__}: {exc})"
    return ERROR_PREFIX + " ".join(message.split())


def _shown(value: object) -> str:
    """A cell value as a message quotes it, whatever it is, at most 40 characters."""
    try:
        text = show(value)
    except Exception:  # an object whose str() fails
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text)} characters)"


# --- argument kinds -----------------------------------------------------------------


def _choice(options: Sequence[str]) -> Callable[[object, str], str]:
    def read(value: object, arg: str) -> str:
        word = to_text(value, arg).casefold()
        if word not in options:
            raise InputError(arg, f"{word!r} is not one of {', '.join(options)}")
        return word

    return read


def _read_money(value: object, arg: str) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    return to_number(value, arg)


def _read_rate(value: object, arg: str) -> float:
    if type(value) is float and 0.0 <= value <= 1.0:
        return value
    return to_rate(value, arg)


@dataclass(frozen=True, slots=True)
class Param:
    """One broadcastable argument: its name, how to read a cell, its default.

    ``kind`` is ``"money"`` or ``"rate"`` when a plain float inside the kind's domain
    (finite; from 0 to 1) reads as itself, which lets a range skip the cell-by-cell
    reading; ``"other"`` otherwise.
    """

    name: str
    read: Callable[[object, str], Any]
    required: bool = True
    default: Any = None
    kind: str = "other"


def money(name: str, default: float | None = None, required: bool = True) -> Param:
    return Param(name, _read_money, required, default, "money")


def rate(name: str, default: float | None = None, required: bool = True) -> Param:
    return Param(name, _read_rate, required, default, "rate")


def text(name: str, default: str | None = None, required: bool = True) -> Param:
    return Param(name, to_text, required, default)


def choice(name: str, options: Sequence[str], default: str | None = None) -> Param:
    return Param(name, _choice(options), default is None, default)


def whole(name: str, default: int | None = None, required: bool = True) -> Param:
    return Param(name, to_int, required, default)


def pct(name: str, default: float) -> Param:
    return Param(name, to_percentile, False, default)


class _Error:
    """A per-element error, kept as its text until the result is assembled."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _read(param: Param, value: object) -> Any:
    """One cell read for ``param``: its value, its default, or an :class:`_Error`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if param.required:
            return _Error(f"{ERROR_PREFIX}{param.name}: is required (the cell is empty)")
        return param.default
    try:
        return param.read(value, param.name)
    except XlcompError as exc:
        return _Error(error_text(exc))
    except Exception as exc:  # e.g. a whole number too large for a float
        return _Error(
            f"{ERROR_PREFIX}{param.name}: {_shown(value)} cannot be read ({type(exc).__name__})"
        )


def _no_result(params: Sequence[Param], values: Sequence[Any], what: str) -> str:
    """The error of a calculation that gives no finite number: it names the numbers,
    the extreme ones (beyond 1e100 or within 1e-100 of 0) when there are any."""
    numbers = [(p.name, v) for p, v in zip(params, values, strict=True) if type(v) in (float, int)]
    extreme = [n for n, v in numbers if abs(v) > 1e100 or 0 < abs(v) < 1e-100]
    names = extreme or [n for n, _ in numbers] or [p.name for p in params]
    which = "this number" if len(names) == 1 else "these numbers"
    return f"{ERROR_PREFIX}{', '.join(names)}: no finite result ({what}); check the size of {which}"


def _element(fn: Callable[..., Any], params: Sequence[Param], values: Sequence[Any]) -> Any:
    """``fn`` of one element's values; an error text instead of an exception or NaN."""
    try:
        result = fn(*values)
    except XlcompError as exc:
        return error_text(exc)
    except (ArithmeticError, ValueError) as exc:  # overflow, a zero width, a math domain
        return _no_result(params, values, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # never a traceback in a cell
        return error_text(exc)
    if type(result) is float:
        return result if math.isfinite(result) else _no_result(params, values, show(result))
    if type(result) is list:
        for x in result:
            if isinstance(x, float) and not math.isfinite(x):
                return _no_result(params, values, show(x))
    return result


# --- shapes and broadcasting --------------------------------------------------------


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


def _is_range(value: object) -> bool:
    """Whether an argument is a range (a list, tuple or array) rather than one value."""
    if type(value) in _SCALAR_TYPES:
        return False
    return isinstance(value, list | tuple) or callable(getattr(value, "tolist", None))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Build many small lists without the cycle collector scanning them again and again.

    A 100,000-row result is 100,000 lists; the collector would run on the way dozens of
    times, finding nothing (none of them can be part of a cycle).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    out: Grid = []
    bad = False
    for row in grid:
        out_row = [_read(param, v) for v in row]
        bad = bad or any(type(v) is _Error for v in out_row)
        out.append(out_row)
    return out, bad


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
    missing = _Error(f"{ERROR_PREFIX}{name}: no value at this position (its range is smaller)")
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
        if type(a) not in _SCALAR_TYPES:
            a = _unwrap(a)
            if a is _MANY:
                break
        singles.append(a)
    else:  # single values (or 1×1 ranges, as xlwings hands one cell): no grids at all
        values = []
        for p, a in zip(params, singles, strict=True):
            v = _read(p, a)
            if type(v) is _Error:
                return v.text
            values.append(v)
        return _single(_element(fn, params, values), multi)
    if vector is not None and _VECTOR and multi is None:
        done = _vectorized(vector, fn, params, args)
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
        if _is_range(a):
            grid, has_error = _read_grid(p, as_grid(a))
        else:
            v = _read(p, a)
            grid, has_error = [[v]], type(v) is _Error
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
    with _gc_paused():
        if checked:
            for k, values in enumerate(zip(*columns, strict=True)):
                error = next((c[k] for c in checked if type(c[k]) is _Error), None)
                flat.append(error.text if error is not None else _element(fn, params, values))
        else:
            flat = [_element(fn, params, values) for values in zip(*columns, strict=True)]
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


# --- whole ranges as arrays -----------------------------------------------------------


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
            if countOf(map(type, value), list) != n and set(map(type, value)) - _ROW_TYPES:
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
    if type(value) in _SCALAR_TYPES or isinstance(value, list | tuple):
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


def _vectorized(
    vector: Callable[..., tuple[Any, Any]],
    fn: Callable[..., Any],
    params: Sequence[Param],
    args: Sequence[object],
) -> Any:
    """The result over plain-number ranges as arrays; None when the loop must do it."""
    np = _numpy
    args = [_listed(a) for a in args]
    arrays: list[Any] = []
    n_rows = n_cols = 1
    for p, a in zip(params, args, strict=True):
        if p.kind == "other":
            return None
        if _is_range(a):
            x = _numbers(a)
            if x is None:
                return None
            n_rows, n_cols = max(n_rows, x.shape[0]), max(n_cols, x.shape[1])
        else:
            x = _read(p, a)
            if type(x) is not float:  # an error: the loop puts it in every position
                return None
        arrays.append(x)
    if n_rows * n_cols < _VECTOR_MIN:
        return None
    ok = np.ones((n_rows, n_cols), dtype=bool)
    with np.errstate(all="ignore"):
        for p, x in zip(params, arrays, strict=True):
            if not isinstance(x, np.ndarray):
                continue
            if x.shape[0] not in (1, n_rows) or x.shape[1] not in (1, n_cols):
                return None  # ranges of different lengths: the loop names the short one
            ok &= np.isfinite(x) if p.kind == "money" else (x >= 0.0) & (x <= 1.0)
        in_domain, result = vector(*arrays)
        ok &= in_domain
        ok &= np.isfinite(result)
    result = np.broadcast_to(result, (n_rows, n_cols))
    with _gc_paused():
        out: list[list[Any]] = result.tolist()
    for i, j in zip(*np.nonzero(~ok), strict=True):
        values = [_read(p, _cell_at(a, i, j)) for p, a in zip(params, args, strict=True)]
        error = next((v for v in values if type(v) is _Error), None)
        out[i][j] = error.text if error is not None else _element(fn, params, values)
    return out


def _totalcomp_arrays(
    base: Any, equity: Any, bonus_pct: Any, signon: Any, signon_years: Any
) -> tuple[Any, Any]:
    """:func:`xlcomp.core.comp.total_comp` over arrays: where it raises nothing, and its value."""
    ok = (base >= 0) & (equity >= 0) & (bonus_pct >= 0) & (signon >= 0) & (signon_years > 0)
    return ok, base + equity + base * bonus_pct + signon / signon_years


def _equityvalue_arrays(
    shares: Any, price: Any, strike: Any, vest_years: Any, risk_discount: Any
) -> tuple[Any, Any]:
    """:func:`xlcomp.core.comp.equity_value` over arrays, as ``_totalcomp_arrays``."""
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


# --- tables -------------------------------------------------------------------------


class _Parsed:
    """A table read once: the model, the problems met, and band ranges looked up in it."""

    __slots__ = ("error", "problems", "ranges", "table")

    def __init__(self, kind: str, table: Any, problems: list[Problem]) -> None:
        self.table = table
        self.problems = problems
        self.error = error_text(TableError(kind, problems)) if problems else None
        self.ranges: dict[tuple[str, str, str, str | None], tuple[float, float]] = {}


_Guards = tuple[tuple[int, int, type, float], ...]


def _guards(rows: tuple[tuple[Any, ...], ...]) -> _Guards:
    """The cells whose type matters beyond equality: ``TRUE == 1``, ``0 == -0.0``, …

    Text, empty cells and floats other than 0 and 1 below 1e15 read the same as any
    value equal to them that Excel can send; the rest are checked by type (and sign).
    """
    found: list[tuple[int, int, type, float]] = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            v: Any = cell
            t = type(v)
            if t is str or v is None:
                continue
            if t is float and v != 0 and v != 1 and abs(v) < 1e15:
                continue
            found.append((r, c, t, math.copysign(1.0, v) if t is float else 1.0))
    return tuple(found)


def _same_types(rows: tuple[tuple[Any, ...], ...], guards: _Guards) -> bool:
    for r, c, t, sign in guards:
        v: Any = rows[r][c]
        if type(v) is not t:
            return False
        if t is float and math.copysign(1.0, rows[r][c]) != sign:
            return False
    return True


class _TableCache:
    """Parsed tables by content, least recently used dropped first.

    Bounded by the number of tables and by their total number of cells. TRUE equals 1
    in Python: an entry is reused only when the cells listed by :func:`_guards` have
    the same types too.
    """

    def __init__(self, size: int = 64, cells: int = 2_000_000) -> None:
        self.size = size
        self.cells = cells
        self._entries: OrderedDict[tuple[Any, ...], tuple[_Parsed, _Guards, int]] = OrderedDict()
        self._held = 0

    def get(
        self,
        kind: str,
        rows: tuple[tuple[Any, ...], ...],
        parse: Callable[[tuple[tuple[Any, ...], ...]], tuple[Any, list[Problem]]],
    ) -> _Parsed:
        entry_key = (kind, rows)
        try:
            hit = self._entries.get(entry_key)
        except TypeError:  # a cell that cannot be a key: read it, keep nothing
            return _Parsed(kind, *parse(rows))
        if hit is not None and (not hit[1] or _same_types(rows, hit[1])):
            try:  # noqa: SIM105 - suppress() would cost more than the lookup on this path
                self._entries.move_to_end(entry_key)
            except KeyError:  # dropped meanwhile by a call on another thread
                pass
            return hit[0]
        parsed = _Parsed(kind, *parse(rows))
        size = sum(map(len, rows))
        if hit is not None:
            self._held -= hit[2]
        self._entries[entry_key] = (parsed, _guards(rows), size)
        self._entries.move_to_end(entry_key)
        self._held += size
        while len(self._entries) > self.size or (self._held > self.cells and self._entries):
            self._held -= self._entries.popitem(last=False)[1][2]
        return parsed

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._held = 0


_CACHE = _TableCache()
_RANGES_MAX = 4096
"""Band ranges remembered per table before the memo starts again."""


def _freeze(value: object, arg: str) -> tuple[tuple[Any, ...], ...]:
    """A table argument's rows as tuples (the cache key); an error for a single value."""
    if isinstance(value, list | tuple):
        if value and set(map(type, value)) <= _ROW_TYPES and all(value):
            return tuple(map(tuple, value))
        return tuple(map(tuple, as_grid(value)))
    if callable(getattr(value, "tolist", None)):
        return tuple(map(tuple, as_grid(value)))
    if is_empty(value):
        raise InputError(arg, "is required: a range with a header row")
    raise InputError(arg, f"expected a range with a header row, got {_shown(value)}")


def _parsed(kind: str, value: object) -> _Parsed:
    parse = parse_bands if kind == "bands" else parse_levels
    return _CACHE.get(kind, _freeze(value, kind), parse)


def _table(kind: str, value: object) -> _Parsed | str:
    """The table of an argument, or the error text the whole call returns."""
    try:
        parsed = _parsed(kind, value)
    except XlcompError as exc:
        return error_text(exc)
    except Exception as exc:  # a cell the reader cannot take
        return f"{ERROR_PREFIX}{kind}: cannot be read ({type(exc).__name__})"
    return parsed.error or parsed


def read_bands(value: object) -> tuple[BandTable, list[Problem]]:
    """The bands table of an argument, and the problems met reading it (cached)."""
    parsed = _parsed("bands", value)
    return parsed.table, parsed.problems


def bands_table(value: object) -> BandTable:
    """The bands table of an argument; an error when it cannot be read cleanly."""
    table, problems = read_bands(value)
    if problems:
        raise TableError("bands", problems)
    return table


def levels_table(value: object) -> LevelTable:
    """The levels table of an argument; an error when it cannot be read cleanly."""
    parsed = _parsed("levels", value)
    if parsed.problems:
        raise TableError("levels", parsed.problems)
    table: LevelTable = parsed.table
    return table


def _band_range(
    parsed: _Parsed, region: str, level: str, component: Any, company: str | None
) -> tuple[float, float]:
    """:func:`xlcomp.core.bands.band_range`, remembered per table (errors are not)."""
    lookup = (region, level, component, company)
    found = parsed.ranges.get(lookup)
    if found is None:
        found = _bands.band_range(parsed.table, region, level, component, company)
        if len(parsed.ranges) >= _RANGES_MAX:
            parsed.ranges.clear()
        parsed.ranges[lookup] = found
    return found


# --- the functions -------------------------------------------------------------------

_COMPONENT = choice("component", COMPONENTS)
_TOTALCOMP = (
    money("base"),
    money("equity"),
    rate("bonus_pct"),
    money("signon", 0.0, False),
    money("signon_years", 4.0, False),
)


def TOTALCOMP(
    base: object,
    equity: object,
    bonus_pct: object,
    signon: object = None,
    signon_years: object = None,
) -> Any:
    """base + equity + base × bonus_pct + signon / signon_years."""
    return broadcast(
        _comp.total_comp,
        _TOTALCOMP,
        (base, equity, bonus_pct, signon, signon_years),
        vector=_totalcomp_arrays,
    )


_YEARTC = (
    whole("year"),
    money("base"),
    money("equity_grant"),
    rate("bonus_pct"),
    money("signon", 0.0, False),
    text("schedule", _comp.DEFAULT_SCHEDULE, False),
)


def YEARTC(
    year: object,
    base: object,
    equity_grant: object,
    bonus_pct: object,
    signon: object = None,
    schedule: object = None,
) -> Any:
    """Total comp in year N of a grant."""
    return broadcast(
        _comp.year_tc, _YEARTC, (year, base, equity_grant, bonus_pct, signon, schedule)
    )


_VESTSCHEDULE = (
    money("equity_grant"),
    text("schedule", _comp.DEFAULT_SCHEDULE, False),
    whole("cliff_months", 12, False),
)


def VESTSCHEDULE(equity_grant: object, schedule: object = None, cliff_months: object = None) -> Any:
    """The value vesting in each year, as a row."""
    return broadcast(
        _comp.vest_schedule, _VESTSCHEDULE, (equity_grant, schedule, cliff_months), multi="row"
    )


_EQUITYVALUE = (
    money("shares"),
    money("price"),
    money("strike", 0.0, False),
    money("vest_years", 4.0, False),
    rate("risk_discount", 0.0, False),
)


def EQUITYVALUE(
    shares: object,
    price: object,
    strike: object = None,
    vest_years: object = None,
    risk_discount: object = None,
) -> Any:
    """Annual equity value of a grant, discounted for risk."""
    return broadcast(
        _comp.equity_value,
        _EQUITYVALUE,
        (shares, price, strike, vest_years, risk_discount),
        vector=_equityvalue_arrays,
    )


_BANDLOOKUP = (
    text("region"),
    text("level"),
    _COMPONENT,
    choice("stat", _bands.STATS, "mid"),
    text("company", None, False),
)


def BANDLOOKUP(
    region: object,
    level: object,
    component: object,
    bands: object,
    stat: object = None,
    company: object = None,
) -> Any:
    """min, mid, max or spread of a band."""
    parsed = _table("bands", bands)
    if isinstance(parsed, str):
        return parsed

    def one(region: str, level: str, component: Any, stat: Any, company: str | None) -> float:
        low, high = _band_range(parsed, region, level, component, company)
        return _bands.band_stat(low, high, stat)

    return broadcast(one, _BANDLOOKUP, (region, level, component, stat, company))


_BANDPERCENTILE = (
    money("value"),
    text("region"),
    text("level"),
    _COMPONENT,
    choice("method", _bands.METHODS, "linear"),
    pct("low_pct", 10),
    pct("high_pct", 90),
    text("company", None, False),
)


def BANDPERCENTILE(
    value: object,
    region: object,
    level: object,
    component: object,
    bands: object,
    method: object = None,
    low_pct: object = None,
    high_pct: object = None,
    company: object = None,
) -> Any:
    """Where a value sits in its band, 0–100."""
    parsed = _table("bands", bands)
    if isinstance(parsed, str):
        return parsed

    def one(
        value: float,
        region: str,
        level: str,
        component: Any,
        method: Any,
        low_pct: float,
        high_pct: float,
        company: str | None,
    ) -> float:
        low, high = _band_range(parsed, region, level, component, company)
        return _bands.percentile(value, low, high, method, low_pct, high_pct)

    return broadcast(
        one,
        _BANDPERCENTILE,
        (value, region, level, component, method, low_pct, high_pct, company),
    )


_COMPARATIO = (
    money("value"),
    text("region"),
    text("level"),
    _COMPONENT,
    text("company", None, False),
)


def COMPARATIO(
    value: object,
    region: object,
    level: object,
    component: object,
    bands: object,
    company: object = None,
) -> Any:
    """A value divided by its band's mid."""
    parsed = _table("bands", bands)
    if isinstance(parsed, str):
        return parsed

    def one(value: float, region: str, level: str, component: Any, company: str | None) -> float:
        low, high = _band_range(parsed, region, level, component, company)
        return _bands.compa_ratio(value, low, high)

    return broadcast(one, _COMPARATIO, (value, region, level, component, company))


_REGIONADJUST = (
    money("amount"),
    text("from_region"),
    text("to_region"),
    text("level", None, False),
    choice("component", COMPONENTS, "base"),
    text("company", None, False),
)


def REGIONADJUST(
    amount: object,
    from_region: object,
    to_region: object,
    bands: object,
    level: object = None,
    component: object = None,
    company: object = None,
) -> Any:
    """An amount moved from one region's band to another's, mid to mid."""
    parsed = _table("bands", bands)
    if isinstance(parsed, str):
        return parsed
    table: BandTable = parsed.table

    def one(
        amount: float,
        from_region: str,
        to_region: str,
        level: str | None,
        component: Any,
        company: str | None,
    ) -> float:
        try:
            return _bands.region_adjust(
                amount, table, from_region, to_region, level, component, company
            )
        except NotFoundError as exc:
            if exc.arg != "region":
                raise
            known = {_key(r) for r in table.regions()}
            arg = "from_region" if _key(from_region) not in known else "to_region"
            raise NotFoundError(arg, exc.message) from None

    return broadcast(
        one, _REGIONADJUST, (amount, from_region, to_region, level, component, company)
    )


_LEVELMAP = (text("company"), text("level"), text("to_company"))


def LEVELMAP(company: object, level: object, to_company: object, levels: object) -> Any:
    """The equivalent level at another company."""
    parsed = _table("levels", levels)
    if isinstance(parsed, str):
        return parsed
    table: LevelTable = parsed.table

    def one(company: str, level: str, to_company: str) -> str:
        return _levels.level_map(table, company, level, to_company)

    return broadcast(one, _LEVELMAP, (company, level, to_company))


_COUNTERTARGET = (
    money("offer_tc"),
    money("competing_tc"),
    rate("uplift", 0.05, False),
    rate("anchor_gap", 0.10, False),
    money("floor", None, False),
)


def _counter_target(
    offer_tc: float, competing_tc: float, uplift: float, anchor_gap: float, floor: float | None
) -> list[float]:
    return list(_counter.counter_target(offer_tc, competing_tc, uplift, anchor_gap, floor))


def COUNTERTARGET(
    offer_tc: object,
    competing_tc: object,
    uplift: object = None,
    anchor_gap: object = None,
    floor: object = None,
) -> Any:
    """Anchor, target and floor of a counter-offer, as a column."""
    return broadcast(
        _counter_target,
        _COUNTERTARGET,
        (offer_tc, competing_tc, uplift, anchor_gap, floor),
        multi="column",
    )


_COUNTERSPLIT = (
    money("target_tc"),
    text("region"),
    text("level"),
    money("offer_base", None, False),
    money("offer_equity", None, False),
    rate("offer_bonus_pct", None, False),
    text("company", None, False),
    money("offer_signon", 0.0, False),
)


def COUNTERSPLIT(
    target_tc: object,
    region: object,
    level: object,
    bands: object,
    offer_base: object = None,
    offer_equity: object = None,
    offer_bonus_pct: object = None,
    company: object = None,
    offer_signon: object = None,
) -> Any:
    """Base, equity, bonus and sign-on that reach a target TC, as a column.

    The ask is in round numbers and keeps the offered sign-on; TOTALCOMP of the column
    reaches ``target_tc``, at most one rounding step above (:func:`counter_split`).
    """
    parsed = _table("bands", bands)
    if isinstance(parsed, str):
        return parsed

    def one(
        target: float,
        region: str,
        level: str,
        base: float | None,
        equity: float | None,
        bonus: float | None,
        company: str | None,
        signon: float,
    ) -> list[float]:
        try:
            base_band, equity_band, bonus_band = (
                _band_range(parsed, region, level, c, company) for c in ("base", "equity", "bonus")
            )
        except InputError as exc:
            if exc.arg != "component":  # COUNTERSPLIT has no component: the table lacks it
                raise
            raise InputError("bands", exc.message) from None
        split = _counter.counter_split(
            target, base_band, equity_band, bonus_band, base, equity, bonus, signon
        )
        return [split.base, split.equity, split.bonus_pct, split.signon]

    return broadcast(
        one,
        _COUNTERSPLIT,
        (
            target_tc,
            region,
            level,
            offer_base,
            offer_equity,
            offer_bonus_pct,
            company,
            offer_signon,
        ),
        multi="column",
    )


_OFFERVERDICT = (money("offer_tc"), money("floor"), money("target"))


def OFFERVERDICT(offer_tc: object, floor: object, target: object) -> Any:
    """accept, counter or walk away."""
    return broadcast(_counter.offer_verdict, _OFFERVERDICT, (offer_tc, floor, target))


def _company_text(value: object, arg: str) -> str:
    return "" if is_empty(value) else to_text(value, arg)


_COUNTERSCRIPT = (
    money("competing_tc"),
    money("base"),
    money("equity"),
    rate("bonus_pct"),
    money("floor"),
    money("signon", 0.0, False),
    Param("company", _company_text, False, ""),
)


def COUNTERSCRIPT(
    competing_tc: object,
    base: object,
    equity: object,
    bonus_pct: object,
    floor: object,
    signon: object = None,
    company: object = None,
) -> Any:
    """The counter-offer paragraph."""
    return broadcast(
        _script.counter_script,
        _COUNTERSCRIPT,
        (competing_tc, base, equity, bonus_pct, floor, signon, company),
    )


def CHECKBANDS(bands: object, tolerance: object = None) -> Any:
    """Every problem of a bands table, one per row, or OK."""
    try:
        tol = 0.05 if is_empty(tolerance) else to_rate(tolerance, "tolerance")
        if tol < 0:
            raise InputError("tolerance", f"{tol:g} must not be negative")
        table, read_problems = read_bands(bands)
        problems = check_bands(table, read_problems, tol)
    except XlcompError as exc:
        return error_text(exc)
    except Exception as exc:  # never a traceback in a cell
        return f"{ERROR_PREFIX}bands: cannot be checked ({type(exc).__name__}: {exc})"
    if not problems:
        return "OK"
    return [[" ".join(p.message.split())] for p in problems]


__all__ = [
    "BANDLOOKUP",
    "BANDPERCENTILE",
    "CHECKBANDS",
    "COMPARATIO",
    "COUNTERSCRIPT",
    "COUNTERSPLIT",
    "COUNTERTARGET",
    "EQUITYVALUE",
    "LEVELMAP",
    "OFFERVERDICT",
    "REGIONADJUST",
    "TOTALCOMP",
    "VESTSCHEDULE",
    "YEARTC",
]
