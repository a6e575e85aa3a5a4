"""Compile a formula shape for a run of rows: one call computes a whole column.

Part of the compile step. A run of alike formulas down a column (``=D2+E2``, ``=D3+E3``,
...) is one node of the graph; its column form takes (first row, rows, column) and gives
every row's value at once, **exactly** what the cell-by-cell closure of
:mod:`xlcomp.refresh.compiler` gives row by row — same values, same types, same bits:

* references read the cell values of the whole run in one comprehension, kept by the
  store (:meth:`CellStore.column`): a column read by several runs, or computed by one,
  is not read again;
* arithmetic, comparisons and unary minus/percent run in NumPy when both sides are
  floats on every row (IEEE operations are the same in NumPy and Python); a row with
  anything else (text, booleans, errors, arrays, a zero divisor, a result that is not
  finite) is computed by the cell's own closure;
* ``IF`` picks from the evaluated branches on rows whose condition is a number or a
  boolean; ``ROUND`` and ``SUM`` call :mod:`xlcomp.refresh.excel`'s own kernels
  (``round_half_up`` on 15 significant digits, ``math.fsum``) on rows of plain numbers,
  the rest through the closure;
* our worksheet functions get **one** call for the run (their column path: every
  argument except a table broadcasts, ``xlcomp.worksheet``), with the rows whose
  arguments are not plain values (errors, ranges) computed by the closure;
* anything else maps the cell's closure over the rows.

Evaluating a run may compute a branch that a cell would have skipped; if that (or
anything) raises, the evaluator computes the run cell by cell instead, so failures are
reported per cell as before. ``tests/test_columns.py`` compares both ways on
randomized workbooks.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from functools import cache
from math import fsum
from typing import Any

import numpy as np

from xlcomp.refresh import parser as fx
from xlcomp.refresh.compiler import _FAST_ARITH, _FAST_CMP, ColumnFn, Compiler, Fn, RefSpec
from xlcomp.refresh.functions import bare_name, native, udf_lookup
from xlcomp.refresh.values import EMPTY, XlError, from_udf, to_udf

__all__ = ["column_form"]

_NP_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}
_NP_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "=": np.equal,
    "<>": np.not_equal,
    "<": np.less,
    ">": np.greater,
    "<=": np.less_equal,
    ">=": np.greater_equal,
}
_PLAIN = (float, str, bool)
_COMPILED_FIRST = frozenset({"ROW", "COLUMN", "INDIRECT", "OFFSET", "SINGLE", "SUBTOTAL"})


class _NoColumnForm(Exception):  # noqa: N818 - a signal, not an error
    """The node has no column form of its own: map the cell's closure."""


def column_form(compiler: Compiler, node: fx.Node, sheet: int, fn: Fn) -> ColumnFn | None:
    """The column form of formula ``node`` (compiled to ``fn``) on ``sheet``, or None
    when it would only map ``fn`` over the rows (the evaluator does that itself)."""
    if not _simple(node, {bare_name(name) for name in compiler.udfs}):
        return None
    before = compiler._array
    compiler._array = False  # runs are plain formulas (array formulas are never runs)
    try:
        return _Columns(compiler, sheet).form(node)
    except _NoColumnForm:
        return None
    finally:
        compiler._array = before


def _floats(values: list[Any]) -> Any:
    """The values as a float64 array when every one is a float, else None."""
    if not values or set(map(type, values)) != {float}:
        return None
    return np.array(values, dtype=np.float64)


class _Columns:
    def __init__(self, compiler: Compiler, sheet: int) -> None:
        self.c = compiler
        self.sheet = sheet

    def scalar(self, node: fx.Node) -> Fn:
        """The cell-by-cell closure of ``node`` (compiled again; references discarded)."""
        scratch: list[RefSpec] = []
        return self.c._compile_scalar(node, self.sheet, scratch)

    def whole(self, node: fx.Node) -> Fn:
        """The closure of an argument taken whole (a table given to our function)."""
        scratch: list[RefSpec] = []
        return self.c._compile(node, self.sheet, scratch)

    def form(self, node: fx.Node) -> ColumnFn:
        """The column form of ``node``; raises :class:`_NoColumnForm` when it has none."""
        if isinstance(node, fx.Literal) and not node.is_error:
            value = node.value
            return lambda r0, n, c: [value] * n
        if isinstance(node, fx.Ref) and node.is_cell:
            return self.cell_ref(node)
        if isinstance(node, fx.BinOp) and node.op in _FAST_ARITH:
            return self.arith(node)
        if isinstance(node, fx.BinOp) and node.op in _FAST_CMP:
            return self.compare(node)
        if isinstance(node, fx.UnaryOp) and node.op in ("-", "%", "+"):
            return self.unary(node)
        if isinstance(node, fx.Call):
            return self.call(node)
        raise _NoColumnForm

    def form_or_map(self, node: fx.Node) -> ColumnFn:
        """The column form of ``node``, or its closure mapped over the rows."""
        if isinstance(node, fx.Literal | fx.Missing):
            fn = self.scalar(node)  # a constant: the same value in every row
            return lambda r0, n, c: [fn(r0, c)] * n
        return self.form(node)

    # -- references ----------------------------------------------------------------------

    def cell_ref(self, node: fx.Ref) -> ColumnFn:
        s = self.c._sheet_of(node.sheet, self.sheet)
        if s is None:
            raise _NoColumnForm
        get = self.c.values.setdefault(s, {}).get
        dr, dc = node.r1, node.c1
        if node.r1_abs:
            if node.c1_abs:
                key = (dr, dc)
                return lambda r0, n, c: [get(key, EMPTY)] * n
            return lambda r0, n, c: [get((dr, c + dc), EMPTY)] * n
        column = self.c.store.column
        if node.c1_abs:
            return lambda r0, n, c: column(s, dc, r0 + dr, n)
        return lambda r0, n, c: column(s, c + dc, r0 + dr, n)

    # -- operators -----------------------------------------------------------------------

    def arith(self, node: fx.BinOp) -> ColumnFn:
        left, right = self.form_or_map(node.left), self.form_or_map(node.right)
        fn = self.scalar(node)
        fast = _FAST_ARITH[node.op]
        vec = _NP_ARITH.get(node.op)
        divide = node.op == "/"

        def column(r0: int, n: int, c: int) -> list[Any]:
            a, b = left(r0, n, c), right(r0, n, c)
            if vec is not None:
                fa = _floats(a)
                fb = _floats(b) if fa is not None else None
                if fb is not None and not (divide and not fb.all()):
                    with np.errstate(all="ignore"):
                        got = vec(fa, fb)
                    if np.isfinite(got).all():
                        return got.tolist()  # type: ignore[no-any-return]
            out = []
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                if type(x) is float and type(y) is float:
                    v = fast(x, y)
                    out.append(v if type(v) is not float or math.isfinite(v) else fn(r0 + i, c))
                else:
                    out.append(fn(r0 + i, c))
            return out

        return column

    def compare(self, node: fx.BinOp) -> ColumnFn:
        left, right = self.form_or_map(node.left), self.form_or_map(node.right)
        fn = self.scalar(node)
        fast = _FAST_CMP[node.op]
        vec = _NP_CMP[node.op]

        def column(r0: int, n: int, c: int) -> list[Any]:
            a, b = left(r0, n, c), right(r0, n, c)
            fa = _floats(a)
            fb = _floats(b) if fa is not None else None
            if fb is not None:
                return vec(fa, fb).tolist()  # type: ignore[no-any-return]
            return [
                fast(x, y) if type(x) is float and type(y) is float else fn(r0 + i, c)
                for i, (x, y) in enumerate(zip(a, b, strict=True))
            ]

        return column

    def unary(self, node: fx.UnaryOp) -> ColumnFn:
        inner = self.form_or_map(node.operand)
        if node.op == "+":
            return inner
        fn = self.scalar(node)
        negate = node.op == "-"

        def column(r0: int, n: int, c: int) -> list[Any]:
            a = inner(r0, n, c)
            fa = _floats(a)
            if fa is not None:
                return (-fa if negate else fa / 100.0).tolist()  # type: ignore[no-any-return]
            return [
                (-x if negate else x / 100.0) if type(x) is float else fn(r0 + i, c)
                for i, x in enumerate(a)
            ]

        return column

    # -- functions -----------------------------------------------------------------------

    def call(self, node: fx.Call) -> ColumnFn:
        name = bare_name(node.name)
        if name in _COMPILED_FIRST:
            raise _NoColumnForm  # the compiler gives these their own meaning before any lookup
        udf = udf_lookup(self.c.udfs, node.name)
        if udf is not None:
            return self.udf_call(node, name, udf)
        if name == "IF" and 2 <= len(node.args) <= 3:
            return self.if_call(node)
        if name not in ("ROUND", "SUM"):
            raise _NoColumnForm
        from xlcomp.refresh import excel

        kernel = native(node.name)
        if name == "ROUND" and len(node.args) == 2 and kernel is excel.FUNCTIONS["ROUND"]:
            return self.round_call(node)
        if name == "SUM" and node.args and kernel is excel.FUNCTIONS["SUM"]:
            return self.sum_call(node)
        raise _NoColumnForm

    def if_call(self, node: fx.Call) -> ColumnFn:
        cond = self.form_or_map(node.args[0])
        then = self.form_or_map(node.args[1])
        other = self.form_or_map(node.args[2]) if len(node.args) == 3 else None
        fn = self.scalar(node)

        def column(r0: int, n: int, c: int) -> list[Any]:
            cs, ts = cond(r0, n, c), then(r0, n, c)
            es = other(r0, n, c) if other is not None else None
            if set(map(type, cs)) <= _CONDITIONS:  # no blank, no text: pick by truth
                if es is None:
                    return [t if x else False for x, t in zip(cs, ts, strict=True)]
                return [t if x else e for x, t, e in zip(cs, ts, es, strict=True)]
            out: list[Any] = []
            for i, x in enumerate(cs):
                t = type(x)
                if t is bool or t is float or x is EMPTY:
                    if x is not EMPTY and x:
                        out.append(ts[i])
                    elif es is None:
                        out.append(False)
                    else:
                        out.append(es[i])  # a blank stays blank, as in the closure
                else:
                    out.append(fn(r0 + i, c))
            return out

        return column

    def round_call(self, node: fx.Call) -> ColumnFn:
        """ROUND on rows of two numbers: excel.py's own rounding of one number
        (``excel.round_half_up``: 15 significant digits, then halves away from zero),
        called per row without the argument coercion and broadcasting around it."""
        from xlcomp.refresh.excel import round_half_up

        values, digits = self.form_or_map(node.args[0]), self.form_or_map(node.args[1])
        fn = self.scalar(node)

        def column(r0: int, n: int, c: int) -> list[Any]:
            out = []
            for i, (x, d) in enumerate(zip(values(r0, n, c), digits(r0, n, c), strict=True)):
                if type(x) is float and type(d) is float:
                    try:
                        out.append(round_half_up(x, d))
                        continue
                    except ArithmeticError:
                        pass  # the closure says #NUM!
                out.append(fn(r0 + i, c))
            return out

        return column

    def sum_call(self, node: fx.Call) -> ColumnFn:
        """SUM over references of a fixed size (cells, ranges moving with the row)."""
        readers = []
        for arg in node.args:
            if not isinstance(arg, fx.Ref):
                raise _NoColumnForm
            readers.append(self.block(arg))
        fn = self.scalar(node)

        def column(r0: int, n: int, c: int) -> list[Any]:
            # One column of values per cell the references read, in their order.
            cells = [col for read in readers for col in read(r0, n, c)]
            if all(set(map(type, col)) == {float} for col in cells):
                # Numbers only: excel.py's SUM is math.fsum of them, row by row.
                totals = list(map(fsum, zip(*cells, strict=True)))
                if all(map(math.isfinite, totals)):
                    return totals
            out: list[Any] = []
            for i, row in enumerate(zip(*cells, strict=True)):
                # excel.py's SUM: math.fsum of the numbers (blanks add nothing); rows
                # with anything else (text, logicals, errors) go through the closure.
                nums = [x for x in row if type(x) is float]
                if len(nums) == len(row) or all(type(x) is float or x is EMPTY for x in row):
                    total = fsum(nums)
                    if total - total == 0.0:  # finite, else the closure says #NUM!
                        out.append(total)
                        continue
                out.append(fn(r0 + i, c))
            return out

        return column

    def block(self, ref: fx.Ref) -> Callable[[int, int, int], list[list[Any]]]:
        """A reader of a reference's cells (row-major) on each row of a run: one column
        of the run's rows per cell; raises :class:`_NoColumnForm` when the reference's
        size varies with the row or it may leave the sheet (the closure then says #REF!)."""
        s = self.c._sheet_of(ref.sheet, self.sheet)
        if s is None or ref.r1_abs != ref.r2_abs or ref.c1_abs != ref.c2_abs:
            raise _NoColumnForm
        sheet = self.c.store.sheets.get(s)
        get = self.c.values.setdefault(s, {}).get
        column = self.c.store.column
        r1, r2 = min(ref.r1, ref.r2), max(ref.r1, ref.r2)
        c1, c2 = min(ref.c1, ref.c2), max(ref.c1, ref.c2)
        height, width = r2 - r1 + 1, c2 - c1 + 1
        if height * width > 64 or sheet is None:
            raise _NoColumnForm
        row_abs, col_abs = ref.r1_abs, ref.c1_abs
        is_cell = ref.is_cell

        def read(r0: int, n: int, c: int) -> list[list[Any]]:
            x0 = r1 if row_abs else r0 + r1
            y1 = c1 if col_abs else c + c1
            if y1 < 1 or (x0 < 1 and not is_cell) or (not row_abs and r0 + n - 1 + r1 < 1):
                raise _NoColumnForm  # a range off the sheet: the closure gives #REF!
            cols = range(y1, y1 + width)
            if row_abs:
                return [[get((x, y), EMPTY)] * n for x in range(r1, r2 + 1) for y in cols]
            return [column(s, y, x0 + dx, n) for dx in range(height) for y in cols]

        return read

    def udf_call(self, node: fx.Call, name: str, udf: Callable[..., Any]) -> ColumnFn:
        """One call of our function for the run (its column path), when it broadcasts."""
        ours = sys.modules.get("xlcomp.worksheet.functions")
        known = getattr(ours, "FUNCTIONS", {}) if ours is not None else {}
        tables = _broadcasting().get(name)
        if tables is None or known.get(name) is not udf:
            raise _NoColumnForm
        args = list(node.args)
        while args and isinstance(args[-1], fx.Missing):
            args.pop()  # trailing omitted arguments take the function's defaults
        fixed: list[Fn | None] = []
        moving: list[ColumnFn | None] = []
        for k, arg in enumerate(args):
            if _invariant(arg):
                fixed.append(self.whole(arg))
                moving.append(None)
            elif k in tables:
                raise _NoColumnForm
            else:
                fixed.append(None)
                moving.append(self.form_or_map(arg))
        if all(m is None for m in moving):
            raise _NoColumnForm
        fn = self.scalar(node)

        def column(r0: int, n: int, c: int) -> list[Any]:
            consts: list[Any] = []
            for f in fixed:
                v = f(r0, c) if f is not None else None
                if isinstance(v, XlError):
                    return [fn(r, c) for r in range(r0, r0 + n)]
                consts.append(to_udf(v) if f is not None else None)
            cols = [m(r0, n, c) if m is not None else None for m in moving]
            varying = [col for col in cols if col is not None]
            every = all(map(_plain_column, varying))
            if every:
                ok: list[int] = list(range(n))
            else:
                ok = [i for i, row in enumerate(zip(*varying, strict=True)) if _plain_row(row)]
            got: list[Any] | None = None
            if len(ok) >= 2:
                call_args = [
                    consts[k]
                    if col is None
                    else _cells(col)
                    if every
                    else [[None if col[i] is EMPTY else col[i]] for i in ok]
                    for k, col in enumerate(cols)
                ]
                got = _results(udf(*call_args), len(ok))
            if got is not None and every:
                return got
            out: list[Any] = [None] * n
            if got is not None:
                for i, v in zip(ok, got, strict=True):
                    out[i] = v
                done = set(ok)
            else:
                done = set()
            for i in range(n):
                if i not in done:
                    out[i] = fn(r0 + i, c)
            return out

        return column


def _plain_row(values: tuple[Any, ...]) -> bool:
    return all(v is EMPTY or type(v) in _PLAIN for v in values)


_EMPTY_TYPE = type(EMPTY)
_CONDITIONS = frozenset({bool, float})
"""Types of an IF condition read as its truth (a number: not zero)."""
_PLAIN_OR_EMPTY = frozenset({*_PLAIN, _EMPTY_TYPE})


def _plain_column(values: list[Any]) -> bool:
    """:func:`_plain_row` of every value of a column, by types (passes at C speed)."""
    types = set(map(type, values))
    if not types <= _PLAIN_OR_EMPTY:
        return False
    return _EMPTY_TYPE not in types or all(v is EMPTY for v in values if type(v) is _EMPTY_TYPE)


def _cells(values: list[Any]) -> list[list[Any]]:
    """A column of plain values as our functions take a range: one-cell rows, blanks None."""
    if _EMPTY_TYPE in set(map(type, values)):
        return [[None if v is EMPTY else v] for v in values]
    return [[v] for v in values]


def _results(result: Any, n: int) -> list[Any] | None:
    """The values of our function's result for ``n`` rows (``from_udf`` of each one-cell
    row), or None when it is not ``n`` one-cell rows."""
    if (
        not isinstance(result, list)
        or len(result) != n
        or set(map(type, result)) != {list}
        or set(map(len, result)) != {1}
    ):
        return None
    values = [row[0] for row in result]
    types = set(map(type, values))
    if types == {float} and all(map(math.isfinite, values)):
        return values
    if types == {str}:
        return values
    return [from_udf(v) for v in values]


def _simple(node: fx.Node, ours: set[str], whole: bool = False) -> bool:
    """True when every part of ``node`` has a column form here: numbers and text,
    single-cell references, arithmetic, comparisons, IF, ROUND, SUM and our functions.
    ``ours``: the names of our functions the compiler holds (the catalogue is read only
    for those); ``whole``: an argument of SUM or of our functions, where a range is taken
    whole."""
    if isinstance(node, fx.Literal | fx.Missing):
        return True
    if isinstance(node, fx.Ref):
        return node.is_cell or whole
    if isinstance(node, fx.BinOp):
        return (node.op in _FAST_ARITH or node.op in _FAST_CMP) and all(
            _simple(x, ours) for x in (node.left, node.right)
        )
    if isinstance(node, fx.UnaryOp):
        return node.op in ("-", "%", "+") and _simple(node.operand, ours)
    if isinstance(node, fx.Call):
        name = bare_name(node.name)
        if name in ("IF", "ROUND"):
            return all(_simple(a, ours) for a in node.args)
        if name == "SUM" or (name in ours and name in _broadcasting()):
            return all(_simple(a, ours, whole=True) for a in node.args)
    return False


@cache
def _broadcasting() -> dict[str, frozenset[int]]:
    """Our functions whose arguments broadcast (the catalogue's element-wise results),
    each with the positions of its parameters of kind ``table`` (taken whole)."""
    from xlcomp.worksheet.catalogue import CATALOGUE

    return {
        f.name: frozenset(k for k, p in enumerate(f.params) if p.kind == "table")
        for f in CATALOGUE
        if f.result != "rows"
    }


def _invariant(node: fx.Node) -> bool:
    """True when ``node`` has the same value on every row of a column."""
    if isinstance(node, fx.Literal | fx.Missing | fx.ArrayLit):
        return True
    return isinstance(node, fx.Ref) and node.r1_abs and node.r2_abs
