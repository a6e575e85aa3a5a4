"""Compile formula shapes into Python closures over the workbook's cell values.

The second step of recalculation (parse -> **compile** -> graph -> evaluate). Each
formula is reduced to its shape (:func:`~xlcomp.refresh.parser.shape_key`); the first
cell of a shape is parsed and compiled into nested closures that take the cell's
(row, column) and read relative references at offsets from it. Every other cell of that
shape (and every child of a shared formula) reuses them.

A :class:`Compiled` shape carries its function and the rectangles it reads (each a
function of the cell), which :mod:`xlcomp.refresh.graph` orders the cells by. Values
live in a :class:`CellStore`: the cached values of every cell, overwritten by results
as they are computed, and ranges built once and cached (in dependency order every
formula inside a range is final before anything reads it).

Arithmetic and comparisons on two numbers take a direct path; anything else (text,
booleans, errors, arrays) goes to formulas' Excel operators. Native functions are
formulas' implementations; our worksheet functions are called with the xlwings
convention (None, scalar or 2-D list in; scalar or 2-D list out).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Book, Table
from xlcomp.refresh.functions import bare_name, native, udf_lookup
from xlcomp.refresh.structured import StructRefError, resolve
from xlcomp.refresh.values import (
    DIV_ERROR,
    EMPTY,
    NAME_ERROR,
    NUM_ERROR,
    REF_ERROR,
    VALUE_ERROR,
    Array,
    XlError,
    from_udf,
    scalar,
    to_array,
    to_error,
    to_udf,
)

__all__ = [
    "CellStore",
    "ColumnFn",
    "CompileError",
    "Compiled",
    "Compiler",
    "EvalError",
    "Fn",
    "LinearRef",
    "Rect",
    "RefSpec",
]

Fn = Callable[[int, int], Any]
"""A compiled formula (or part of one): the value at (row, column)."""
Rect = tuple[int, int, int, int, int]
"""A rectangle of cells: sheet index, first row, first column, last row, last column."""
RefSpec = Callable[[int, int], "Rect | None"]
"""The rectangle a reference reads from the cell at (row, column); None: no cells."""
ColumnFn = Callable[[int, int, int], list[Any]]
"""A compiled formula over a run of rows: (first row, rows, column) -> each row's value."""


class LinearRef:
    """A reference whose rectangle moves with the cell, one row per row (A1 notation:
    relative and absolute coordinates); what a run of rows reads is the box around what
    its first and last rows read."""

    __slots__ = ("rect", "sheet")

    def __init__(self, sheet: int, rect: Callable[[int, int], tuple[int, int, int, int]]) -> None:
        self.sheet = sheet
        self.rect = rect

    def __call__(self, row: int, col: int) -> Rect:
        return (self.sheet, *self.rect(row, col))


class CompileError(Exception):
    """The formula uses something the engine cannot evaluate."""


class EvalError(Exception):
    """Evaluating the formula failed in a way Excel would not show as an error value."""


@dataclass
class Compiled:
    """A compiled formula shape: its function, the rectangles it reads, our functions.

    ``column`` evaluates a run of rows at once, giving exactly what ``fn`` gives row by
    row (None: the shape has no column form). ``calls`` holds the upper-case names of
    our worksheet functions the formula calls (share freezes such cells into values).
    """

    fn: Fn
    refs: list[RefSpec]
    calls: frozenset[str] = field(default_factory=frozenset)
    make_column: Callable[[], ColumnFn | None] | None = None
    _column: ColumnFn | None = None

    @property
    def column(self) -> ColumnFn | None:
        """The column form, compiled the first time a run of rows asks for it."""
        if self.make_column is not None:
            self._column = self.make_column()
            self.make_column = None
        return self._column


class CellStore:
    """Every cell's value by sheet index and (row, column), and cached ranges.

    Starts as the values the file holds; the evaluator overwrites formula cells with
    their results, in dependency order.
    """

    def __init__(self, book: Book) -> None:
        self.sheets = {s.index: s for s in book.sheets}
        self.values: dict[int, dict[tuple[int, int], Any]] = {
            s.index: {k: c.value for k, c in s.cells.items()} for s in book.sheets
        }
        self.range_cache: dict[Rect, Any] = {}

    # -- values ------------------------------------------------------------------------

    def get_range(self, s: int, r1: int, c1: int, r2: int, c2: int) -> Any:
        """The values of a rectangle as a 2-D Array (blank cells are EMPTY)."""
        key = (s, r1, c1, r2, c2)
        hit = self.range_cache.get(key)
        if hit is not None:
            return hit
        sheet = self.sheets.get(s)
        vals = self.values.get(s, {})
        if sheet is not None:
            r2 = min(r2, max(sheet.max_row, r1))
            c2 = min(c2, max(sheet.max_col, c1))
        h, w = r2 - r1 + 1, c2 - c1 + 1
        arr = np.empty((h, w), object)
        arr.fill(EMPTY)
        if h * w <= 4 * len(vals) + 64:
            get = vals.get
            for i in range(h):
                r = r1 + i
                for j in range(w):
                    v = get((r, c1 + j))
                    if v is not None:
                        arr[i, j] = v
        else:
            for (r, c), v in vals.items():
                if r1 <= r <= r2 and c1 <= c <= c2:
                    arr[r - r1, c - c1] = v
        out = arr.view(Array)
        self.range_cache[key] = out
        return out


# Operators


def _ops() -> dict[str, Callable[..., Any]]:
    from formulas.functions.operators import OPERATORS

    return OPERATORS  # type: ignore[no-any-return]


def _div(a: float, b: float) -> Any:
    return a / b if b else DIV_ERROR


def _pow(a: float, b: float) -> Any:
    try:
        r = a**b
    except (OverflowError, ZeroDivisionError):
        return NUM_ERROR if a != 0 else DIV_ERROR
    if isinstance(r, complex):
        return NUM_ERROR
    return r


_FAST_ARITH: dict[str, Callable[[float, float], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _div,
    "^": _pow,
}
_FAST_CMP: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


_SUBTOTALS = {
    1: "AVERAGE",
    2: "COUNT",
    3: "COUNTA",
    4: "MAX",
    5: "MIN",
    6: "PRODUCT",
    7: "STDEV",
    8: "STDEVP",
    9: "SUM",
    10: "VAR",
    11: "VARP",
}


def _finite(v: Any) -> Any:
    if type(v) is float and not math.isfinite(v):
        return NUM_ERROR
    return v


class Compiler:
    """Compiles formula shapes of one workbook (and its defined names) once each."""

    def __init__(
        self, book: Book, udfs: Mapping[str, Callable[..., Any]], store: CellStore
    ) -> None:
        self.book = book
        self.udfs = dict(udfs)
        self.store = store
        self.sheet_index = {n.upper(): i for i, n in enumerate(book.sheet_names)}
        self.values = store.values
        self.get_range = store.get_range
        self.tables = {t.name.upper(): t for t in book.tables}
        self.shapes: dict[tuple[int, fx.ShapeKey], Compiled] = {}
        self.name_cache: dict[tuple[str, int], Compiled] = {}
        self._naming: set[tuple[str, int]] = set()
        self._calls: set[str] = set()
        self._udf_ranges: dict[int, tuple[Any, Any]] = {}

    def compile_cell(self, sheet: int, text: str, row: int, col: int) -> Compiled:
        """The compiled shape of formula ``text`` in (row, col) of ``sheet``."""
        key = (sheet, fx.shape_key(text, row, col))
        hit = self.shapes.get(key)
        if hit is not None:
            return hit
        try:
            node = fx.parse(text, row, col)
        except fx.ParseError as exc:
            raise CompileError(f"cannot parse the formula ={text} ({exc})") from exc
        refs: list[RefSpec] = []
        self._calls = set()
        fn = self._compile(node, sheet, refs)
        compiled = Compiled(fn, refs, frozenset(self._calls))

        def make_column() -> ColumnFn | None:
            from xlcomp.refresh.columns import column_form

            return column_form(self, node, sheet, fn)

        compiled.make_column = make_column
        self.shapes[key] = compiled
        return compiled

    def _sheet_of(self, name: str | None, own: int) -> int | None:
        if name is None:
            return own
        return self.sheet_index.get(name.upper())

    def _compile(self, node: fx.Node, sheet: int, refs: list[RefSpec]) -> Fn:
        if isinstance(node, fx.Literal):
            value: Any = to_error(str(node.value)) if node.is_error else node.value
            return lambda r, c: value
        if isinstance(node, fx.Missing):
            return lambda r, c: EMPTY
        if isinstance(node, fx.Ref):
            return self._compile_ref(node, sheet, refs)
        if isinstance(node, fx.Name):
            return self._compile_name(node, sheet, refs)
        if isinstance(node, fx.StructRef):
            return self._compile_struct(node, sheet, refs)
        if isinstance(node, fx.Call):
            return self._compile_call(node, sheet, refs)
        if isinstance(node, fx.BinOp):
            return self._compile_binop(node, sheet, refs)
        if isinstance(node, fx.UnaryOp):
            return self._compile_unary(node, sheet, refs)
        if isinstance(node, fx.ArrayLit):
            arr = to_array(
                [
                    [to_error(str(x.value)) if x.is_error else x.value for x in row]
                    for row in node.rows
                ]
            )
            return lambda r, c: arr
        raise CompileError(f"unsupported syntax {node!r}")  # pragma: no cover

    def _rect_fn(self, node: fx.Ref, s: int) -> Callable[[int, int], tuple[int, int, int, int]]:
        r1, c1, r2, c2 = node.r1, node.c1, node.r2, node.c2
        a1, b1, a2, b2 = node.r1_abs, node.c1_abs, node.r2_abs, node.c2_abs

        def rect(r: int, c: int) -> tuple[int, int, int, int]:
            x1 = r1 if a1 else r + r1
            y1 = c1 if b1 else c + c1
            x2 = r2 if a2 else r + r2
            y2 = c2 if b2 else c + c2
            return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)

        return rect

    def _compile_ref(self, node: fx.Ref, sheet: int, refs: list[RefSpec]) -> Fn:
        s = self._sheet_of(node.sheet, sheet)
        if s is None:
            return lambda r, c: REF_ERROR
        rect = self._rect_fn(node, s)
        refs.append(LinearRef(s, rect))
        vals = self.values.setdefault(s, {})
        get = vals.get
        if node.is_cell:
            dr, dc = node.r1, node.c1
            if node.r1_abs and node.c1_abs:
                key = (dr, dc)
                return lambda r, c: get(key, EMPTY)
            if node.c1_abs:
                return lambda r, c: get((r + dr, dc), EMPTY)
            if node.r1_abs:
                return lambda r, c: get((dr, c + dc), EMPTY)
            return lambda r, c: get((r + dr, c + dc), EMPTY)
        get_range = self.get_range

        def rng(r: int, c: int) -> Any:
            x1, y1, x2, y2 = rect(r, c)
            if x1 < 1 or y1 < 1:
                return REF_ERROR
            return get_range(s, x1, y1, x2, y2)

        return rng

    def _compile_name(self, node: fx.Name, sheet: int, refs: list[RefSpec]) -> Fn:
        up = node.name.upper()
        scope = self._sheet_of(node.sheet, sheet) if node.sheet else sheet
        chosen = None
        for dn in self.book.names:
            if dn.name.upper() != up:
                continue
            if dn.local_sheet == scope:
                chosen = dn
                break
            if dn.local_sheet is None and node.sheet is None:
                chosen = dn
        if chosen is not None:
            key = (up, chosen.local_sheet if chosen.local_sheet is not None else -1)
            if key in self._naming:
                raise CompileError(f"defined name {node.name} refers to itself")
            compiled = self.name_cache.get(key)
            if compiled is None:
                self._naming.add(key)
                outer, self._calls = self._calls, set()
                try:
                    text = chosen.text.strip()
                    if text.startswith("="):
                        text = text[1:]
                    try:
                        tree = fx.parse(text, 1, 1)
                    except fx.ParseError as exc:
                        raise CompileError(f"cannot read defined name {node.name}: {exc}") from exc
                    name_refs: list[RefSpec] = []
                    base = chosen.local_sheet if chosen.local_sheet is not None else sheet
                    fn = self._compile(tree, base, name_refs)
                    compiled = Compiled(fn, name_refs, frozenset(self._calls))
                finally:
                    self._naming.discard(key)
                    self._calls = outer
                self.name_cache[key] = compiled
            refs.extend(compiled.refs)
            self._calls |= compiled.calls
            return compiled.fn
        table = self.tables.get(up)
        if table is not None:
            return self._compile_struct(fx.StructRef(node.name, "[]"), sheet, refs)
        return lambda r, c: NAME_ERROR

    def _table_at(self, sheet: int, row: int, col: int) -> Table | None:
        for t in self.book.tables:
            if t.sheet == sheet and t.r1 <= row <= t.r2 and t.c1 <= col <= t.c2:
                return t
        return None

    def _compile_struct(self, node: fx.StructRef, sheet: int, refs: list[RefSpec]) -> Fn:
        fixed: Table | None = None
        if node.table is not None:
            fixed = self.tables.get(node.table.upper())
            if fixed is None:
                raise CompileError(f"no table named {node.table}")
        spec = node.spec

        def rect(r: int, c: int) -> Rect | None:
            table = fixed or self._table_at(sheet, r, c)
            if table is None:
                return None
            try:
                return (table.sheet, *resolve(table, spec, r))
            except StructRefError:
                return None

        # Validate the column names once, at compile time.
        probe = fixed
        if probe is not None:
            try:
                resolve(probe, spec.replace("#This Row", "#Data").replace("@", ""), probe.data_r1)
            except StructRefError as exc:
                raise CompileError(str(exc)) from exc
        refs.append(rect)
        get_range = self.get_range
        values = self.values

        def value(r: int, c: int) -> Any:
            box = rect(r, c)
            if box is None:
                return REF_ERROR if fixed is None else VALUE_ERROR
            s, x1, y1, x2, y2 = box
            if x1 == x2 and y1 == y2:
                return values.get(s, {}).get((x1, y1), EMPTY)
            return get_range(s, x1, y1, x2, y2)

        return value

    def _compile_binop(self, node: fx.BinOp, sheet: int, refs: list[RefSpec]) -> Fn:
        if node.op == ":":
            return self._compile_range_op(node, sheet, refs)
        left = self._compile(node.left, sheet, refs)
        right = self._compile(node.right, sheet, refs)
        slow = _ops()[node.op]
        op = node.op
        fast_a = _FAST_ARITH.get(op)
        if fast_a is not None:

            def arith(r: int, c: int) -> Any:
                a = left(r, c)
                b = right(r, c)
                if type(a) is float and type(b) is float:
                    return _finite(fast_a(a, b))
                return scalar(slow(a, b))

            return arith
        fast_c = _FAST_CMP.get(op)
        if fast_c is not None:

            def compare(r: int, c: int) -> Any:
                a = left(r, c)
                b = right(r, c)
                if type(a) is float and type(b) is float:
                    return fast_c(a, b)
                return scalar(slow(a, b))

            return compare
        return lambda r, c: scalar(slow(left(r, c), right(r, c)))

    def _compile_range_op(self, node: fx.BinOp, sheet: int, refs: list[RefSpec]) -> Fn:
        a, b = node.left, node.right
        if not (isinstance(a, fx.Ref) and isinstance(b, fx.Ref)):
            raise CompileError("the range operator ':' is supported between references only")
        sa, sb = self._sheet_of(a.sheet, sheet), self._sheet_of(b.sheet, sheet)
        if sa is None or sa != sb:
            raise CompileError("a range cannot span sheets")
        ra, rb = self._rect_fn(a, sa), self._rect_fn(b, sa)

        def rect(r: int, c: int) -> tuple[int, int, int, int]:
            p, q = ra(r, c), rb(r, c)
            return min(p[0], q[0]), min(p[1], q[1]), max(p[2], q[2]), max(p[3], q[3])

        s = sa
        refs.append(LinearRef(s, rect))
        get_range = self.get_range
        return lambda r, c: get_range(s, *rect(r, c))

    def _compile_unary(self, node: fx.UnaryOp, sheet: int, refs: list[RefSpec]) -> Fn:
        inner = self._compile(node.operand, sheet, refs)
        if node.op == "-":
            slow = _ops()["U-"]

            def neg(r: int, c: int) -> Any:
                v = inner(r, c)
                if type(v) is float:
                    return -v
                return scalar(slow(v))

            return neg
        if node.op == "+":
            return inner
        if node.op == "%":
            slow_pct = _ops()["%"]

            def pct(r: int, c: int) -> Any:
                v = inner(r, c)
                if type(v) is float:
                    return v / 100.0
                return scalar(slow_pct(v))

            return pct
        return self._intersect(inner, node.operand)

    def _intersect(self, inner: Fn, operand: fx.Node) -> Fn:
        """Implicit intersection (``@``): the cell of a range in the formula's row/column."""
        if isinstance(operand, fx.Ref) and not operand.is_cell:
            rect = self._rect_fn(operand, 0)

            def at(r: int, c: int) -> Any:
                v = inner(r, c)
                if not isinstance(v, np.ndarray):
                    return v
                x1, y1, _x2, _y2 = rect(r, c)
                i = r - x1 if v.shape[0] > 1 else 0
                j = c - y1 if v.shape[1] > 1 else 0
                if 0 <= i < v.shape[0] and 0 <= j < v.shape[1]:
                    return scalar(v[i, j])
                return VALUE_ERROR

            return at

        def first(r: int, c: int) -> Any:
            v = inner(r, c)
            return scalar(v[0, 0]) if isinstance(v, np.ndarray) and v.size else v

        return first

    def _compile_call(self, node: fx.Call, sheet: int, refs: list[RefSpec]) -> Fn:
        name = bare_name(node.name)
        if name in ("ROW", "COLUMN") and len(node.args) <= 1:
            return self._compile_row_col(node, name, sheet, refs)
        if name in ("INDIRECT", "OFFSET"):
            raise CompileError(f"{name} (a reference computed while calculating) is not supported")
        if name == "SINGLE" and len(node.args) == 1:
            return self._intersect(self._compile(node.args[0], sheet, refs), node.args[0])
        if name == "SUBTOTAL" and len(node.args) >= 2:
            return self._compile_subtotal(node, sheet, refs)
        args = [self._compile(a, sheet, refs) for a in node.args]
        udf = udf_lookup(self.udfs, node.name)
        if udf is not None:
            self._calls.add(name)
            return self._udf_call(udf, name, args, node.args)
        if name == "IF" and 2 <= len(args) <= 3:
            return self._compile_if(args)
        fn = native(node.name)
        if fn is None:
            raise CompileError(f"function {node.name.upper()} is not available to refresh")

        if len(args) == 1:
            a0 = args[0]
            return lambda r, c: scalar(fn(a0(r, c)))
        if len(args) == 2:
            a0, a1 = args
            return lambda r, c: scalar(fn(a0(r, c), a1(r, c)))
        return lambda r, c: scalar(fn(*[a(r, c) for a in args]))

    def _compile_subtotal(self, node: fx.Call, sheet: int, refs: list[RefSpec]) -> Fn:
        """SUBTOTAL(n, ref, ...) as the aggregate it names (1-11, or 101-111).

        Rows hidden by hand (101-111) and nested SUBTOTAL results are not skipped: the
        engine does not track row visibility.
        """
        which = self._compile(node.args[0], sheet, refs)
        rest = [self._compile(a, sheet, refs) for a in node.args[1:]]
        funcs: dict[int, Callable[..., Any]] = {}

        def subtotal(r: int, c: int) -> Any:
            n = which(r, c)
            if isinstance(n, XlError):
                return n
            if type(n) is not float or int(n) % 100 not in _SUBTOTALS or n >= 112:
                return VALUE_ERROR
            k = int(n) % 100
            fn = funcs.get(k)
            if fn is None:
                fn = native(_SUBTOTALS[k])
                if fn is None:  # pragma: no cover - formulas has all eleven
                    raise EvalError(f"SUBTOTAL({k}) is not available")
                funcs[k] = fn
            return scalar(fn(*[a(r, c) for a in rest]))

        return subtotal

    def _compile_if(self, args: list[Fn]) -> Fn:
        cond_fn, then_fn = args[0], args[1]
        else_fn: Fn | None = args[2] if len(args) == 3 else None
        slow = native("IF")
        assert slow is not None

        def xif(r: int, c: int) -> Any:
            cond = cond_fn(r, c)
            t = type(cond)
            if t is bool or t is float:
                if cond:
                    v = then_fn(r, c)
                else:
                    if else_fn is None:
                        return False
                    v = else_fn(r, c)
                return 0.0 if v is EMPTY else v
            if cond is EMPTY:
                if else_fn is None:
                    return False
                v = else_fn(r, c)
                return 0.0 if v is EMPTY else v
            if isinstance(cond, XlError):
                return cond
            rest = [then_fn(r, c)] + ([else_fn(r, c)] if else_fn is not None else [])
            return scalar(slow(cond, *rest))

        return xif

    def _compile_row_col(self, node: fx.Call, name: str, sheet: int, refs: list[RefSpec]) -> Fn:
        want_row = name == "ROW"
        if not node.args:
            return (lambda r, c: float(r)) if want_row else (lambda r, c: float(c))
        arg = node.args[0]
        if isinstance(arg, fx.Ref):
            rect = self._rect_fn(arg, sheet)
            if want_row:
                return lambda r, c: float(rect(r, c)[0])
            return lambda r, c: float(rect(r, c)[1])
        if isinstance(arg, fx.StructRef):
            spec_refs: list[RefSpec] = []
            self._compile_struct(arg, sheet, spec_refs)
            box_fn = spec_refs[0]

            def rowcol(r: int, c: int) -> Any:
                box = box_fn(r, c)
                if box is None:
                    return REF_ERROR
                return float(box[1] if want_row else box[2])

            return rowcol
        raise CompileError(f"{name} needs a reference")

    def _udf_call(
        self, udf: Callable[..., Any], name: str, args: list[Fn], nodes: tuple[fx.Node, ...]
    ) -> Fn:
        n = len(args)
        while n and isinstance(nodes[n - 1], fx.Missing):
            n -= 1  # trailing omitted arguments take the function's defaults
        args = args[:n]
        converted = self._udf_ranges

        def call(r: int, c: int) -> Any:
            py = []
            for a in args:
                v = a(r, c)
                if isinstance(v, XlError):
                    return v
                if isinstance(v, np.ndarray) and v.size > 1:
                    # A range read by many cells (a bands table) is converted once; each
                    # call gets its own row lists, so a function cannot alter the next.
                    hit = converted.get(id(v))
                    if hit is None or hit[0] is not v:
                        hit = (v, to_udf(v))
                        converted[id(v)] = hit
                    py.append([list(row) for row in hit[1]])
                    continue
                py.append(to_udf(v))
            try:
                out = udf(*py)
            except Exception as exc:
                raise EvalError(f"{name} raised {type(exc).__name__}: {exc}") from exc
            return from_udf(out)

        return call
