"""Compile formula shapes into Python closures over the workbook's cell values.

The second step of recalculation (parse -> **compile** -> graph -> evaluate). Each
formula is reduced to its shape (:func:`~xlcomp.refresh.parser.shape_key`, found for most
cells by their row template, :func:`~xlcomp.refresh.parser.row_template`); the first
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

import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from types import SimpleNamespace
from typing import Any, cast

import numpy as np

from xlcomp.refresh import excel
from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Book, Sheet, Table
from xlcomp.refresh.external import external_sheets
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
    approx_equal,
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
            s.index: dict(s.values) for s in book.sheets
        }
        self.range_cache: dict[Rect, Any] = {}
        self.columns: dict[tuple[int, int, int, int], list[Any]] = {}
        """Runs of one column's values read or computed as a whole, by (sheet, column,
        first row, rows): what a column run computed, and what column runs read (read
        only; valid while the graph's order holds, as ``range_cache``)."""

    def column(self, s: int, c: int, r0: int, n: int) -> list[Any]:
        """The values of ``n`` cells of column ``c`` from row ``r0`` (blank: EMPTY)."""
        key = (s, c, r0, n)
        hit = self.columns.get(key)
        if hit is None:
            get = self.values.setdefault(s, {}).get
            cells = zip(range(r0, r0 + n), repeat(c))
            hit = self.columns[key] = list(map(get, cells, repeat(EMPTY)))
        return hit

    # -- values ------------------------------------------------------------------------

    def get_range(self, s: int, r1: int, c1: int, r2: int, c2: int) -> Any:
        """The values of a rectangle as a 2-D Array (blank cells are EMPTY)."""
        key = (s, r1, c1, r2, c2)
        hit = self.range_cache.get(key)
        if hit is not None:
            return hit
        sheet = self.sheets.get(s)
        vals = self.values.get(s, {})
        full = (r2 - r1 + 1, c2 - c1 + 1)
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
        if full != (h, w):
            # Cells past the used area are left out; COUNTBLANK, COUNTIF and INDEX
            # (xlcomp.refresh.excel) count them as the blanks they are.
            out.full_shape = full
        self.range_cache[key] = out
        return out


# Operators


def _ops() -> dict[str, Callable[..., Any]]:
    """Excel's operators (:mod:`xlcomp.refresh.excel`), by the parser's operator text."""
    ops: dict[str, Callable[..., Any]] = {
        op: functools.partial(excel.binary, op)
        for op in ("+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">=")
    }
    ops["U-"] = functools.partial(excel.unary, "-")
    ops["%"] = functools.partial(excel.unary, "%")
    return ops


def _div(a: float, b: float) -> Any:
    return a / b if b else DIV_ERROR


def _pow(a: float, b: float) -> Any:
    if a == 0 and b == 0:
        return NUM_ERROR  # Excel: =0^0 is #NUM! (as POWER(0,0))
    try:
        r = a**b
    except (OverflowError, ZeroDivisionError):
        return NUM_ERROR if a != 0 else DIV_ERROR
    if isinstance(r, complex):
        return NUM_ERROR
    return r


_FAST_ARITH: dict[str, Callable[[float, float], Any]] = {
    "+": excel.add,
    "-": lambda a, b: excel.add(a, -b),
    "*": operator.mul,
    "/": _div,
    "^": _pow,
}
_FAST_CMP: dict[str, Callable[[float, float], bool]] = {
    # Excel compares numbers to 15 significant digits: =0.1+0.2=0.3 is TRUE.
    "=": approx_equal,
    "<>": lambda a, b: not approx_equal(a, b),
    "<": lambda a, b: a < b and not approx_equal(a, b),
    ">": lambda a, b: a > b and not approx_equal(a, b),
    "<=": lambda a, b: a <= b or approx_equal(a, b),
    ">=": lambda a, b: a >= b or approx_equal(a, b),
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


_THREE_D = frozenset({"SUM", "AVERAGE", "COUNT", "COUNTA", "MAX", "MIN", "PRODUCT"})
"""Functions that take 3-D references (Excel also lists STDEV, VAR and a few more)."""
_EXTERNAL_BASE = 1_000_000
"""Store sheet indices of external workbooks' sheets start here."""


@dataclass(frozen=True)
class _Value:
    """A LET name or LAMBDA parameter: the compiled value and the ranges it reads."""

    fn: Fn
    refs: list[RefSpec]


@dataclass(frozen=True)
class _Lambda:
    """A LAMBDA: its parameters and body (``node``), where it was written, and the LET
    scopes it sees."""

    node: fx.Call
    sheet: int
    scopes: list[dict[str, Any]]


def _local_key(name: str) -> str:
    """A LET or LAMBDA name without the ``_xlpm.`` prefix Excel writes, upper case."""
    up = name.upper()
    return up[len("_XLPM.") :] if up.startswith("_XLPM.") else up


def _returns_argument(name: str, index: int) -> bool:
    """True for an argument a function hands back as it is (IF's values, CHOOSE's
    choices): a range there stays a range (``SUM(IF(x,B:B,C:C))`` sums a column)."""
    if name in ("IF", "CHOOSE"):
        return index >= 1
    if name in ("IFERROR", "IFNA"):
        return True
    if name == "IFS":
        return index % 2 == 1
    return False


def quote_name(name: str) -> str:
    """A sheet name as a formula writes it (quoted when it needs to be)."""
    if name.replace("_", "a").replace(".", "a").isalnum() and not name[:1].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


def _as_range(fn: Fn) -> Fn:
    """A reference's value with a single cell as a 1x1 array (see excel.REFERENCE_ARGS)."""

    def wrapped(r: int, c: int) -> Any:
        v = fn(r, c)
        if isinstance(v, np.ndarray) or (isinstance(v, XlError) and v is REF_ERROR):
            return v
        out = np.empty((1, 1), object)
        out[0, 0] = v
        return out.view(Array)

    return wrapped


_ARRAY_PARAMS: dict[str, frozenset[int]] = {
    "INDEX": frozenset({0}),
    "MATCH": frozenset({1}),
    "XMATCH": frozenset({1}),
}
"""Parameters Excel's reference lists as "array" in functions that also take scalars:
their expressions are evaluated as arrays without Ctrl+Shift+Enter."""


def _resize_sum_range(node: fx.Call) -> fx.Call:
    """SUMIF/AVERAGEIF with the sum range reshaped like the criteria range: "The
    sum_range argument does not have to be the same size and shape as the range
    argument. The actual cells that are added are determined by using the upper
    leftmost cell in the sum_range argument as the beginning cell, and then including
    cells that correspond in size and shape to the range argument" (Microsoft, SUMIF).
    Left as written when either is not a plain reference of a fixed size."""
    rng, target = node.args[0], node.args[2]
    if not (isinstance(rng, fx.Ref) and isinstance(target, fx.Ref)):
        return node
    if rng.r1_abs != rng.r2_abs or rng.c1_abs != rng.c2_abs:
        return node
    height, width = rng.r2 - rng.r1, rng.c2 - rng.c1
    resized = dataclasses.replace(
        target,
        r2=target.r1 + height,
        c2=target.c1 + width,
        r2_abs=target.r1_abs,
        c2_abs=target.c1_abs,
        is_cell=height == 0 and width == 0,
    )
    return dataclasses.replace(node, args=(*node.args[:2], resized))


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
        self.shapes: dict[tuple[int, fx.ShapeKey, bool], Compiled] = {}
        self.templates: dict[tuple[int, str, int, bool], Compiled] = {}
        self.name_cache: dict[tuple[str, int], Compiled] = {}
        self._naming: set[tuple[str, int]] = set()
        self._calls: set[str] = set()
        self._array = False
        self._externals: dict[str, Any] | None = None
        self._locals: list[dict[str, Any]] = []
        self._lambda_stack: list[_Lambda] = []
        self._udf_ranges: dict[int, tuple[Any, Any]] = {}

    def compile_cell(
        self, sheet: int, text: str, row: int, col: int, *, array: bool = False
    ) -> Compiled:
        """The compiled shape of formula ``text`` in (row, col) of ``sheet``.

        ``array``: the cell holds an array formula (``t="array"``), which takes ranges
        whole; in a plain formula a range where one value is expected is reduced to
        the cell in the formula's row or column (Excel's implicit intersection).
        A formula whose row template was seen (``=D8+E8`` after ``=D7+E7`` in the
        same column) is found with one ``str.replace`` and one look-up.
        """
        fast = (sheet, text.replace(str(row), fx.ROW_MARK), col, array)
        hit = self.templates.get(fast)
        if hit is not None and fx.ROW_MARK not in text:
            return hit
        shape, template = fx.shape_and_template(text, row, col)
        key = (sheet, shape, array)
        hit = self.shapes.get(key)
        if hit is not None:
            if template is not None:
                self.templates[(sheet, template, col, array)] = hit
            return hit
        try:
            node = fx.parse(text, row, col)
        except fx.ParseError as exc:
            raise CompileError(f"cannot parse the formula ={text} ({exc})") from exc
        refs: list[RefSpec] = []
        self._calls = set()
        self._array = array
        fn = self._compile_scalar(node, sheet, refs)
        compiled = Compiled(fn, refs, frozenset(self._calls))

        def make_column() -> ColumnFn | None:
            from xlcomp.refresh.columns import column_form

            return None if array else column_form(self, node, sheet, fn)

        compiled.make_column = make_column
        self.shapes[key] = compiled
        if template is not None:
            self.templates[(sheet, template, col, array)] = compiled
        return compiled

    def _sheet_of(self, name: str | None, own: int) -> int | None:
        if name is None:
            return own
        found = self.sheet_index.get(name.upper())
        if found is None and name.startswith("["):
            return self._external(name)
        return found

    def _external(self, name: str) -> int | None:
        """A sheet of another workbook (``[1]Pay Bands``) as a read-only store sheet
        holding the values cached in the external-link part; None if not cached."""
        if self._externals is None:
            self._externals = dict(external_sheets(self.book.package, self.book.workbook_part))
        key = name.upper()
        found = self._externals.get(key)
        if found is None:
            return None
        if isinstance(found, int):
            return found
        # One store sheet per external sheet: number them by how many are already placed
        # (the dictionary holds every cached sheet from the start, placed or not).
        placed = sum(1 for v in self._externals.values() if isinstance(v, int))
        index = _EXTERNAL_BASE + len(self.sheet_index) + placed
        self.store.values[index] = dict(found)
        rows = max((r for r, _ in found), default=1)
        cols = max((c for _, c in found), default=1)
        self.store.sheets[index] = cast(Sheet, SimpleNamespace(max_row=rows, max_col=cols))
        self._externals[key] = index
        return index

    def _missing_sheet(self, name: str, node: fx.Node) -> CompileError:
        """The error for a reference to a sheet the workbook does not have."""
        if ":" in name and not name.startswith("["):
            return CompileError(
                f"the 3-D reference {quote_name(name)}!... is supported only as an argument "
                f"of {', '.join(sorted(_THREE_D))}"
            )
        if name.startswith("["):
            return CompileError(
                f"the external reference {quote_name(name)}!... has no cached value in the "
                "workbook's external-link part"
            )
        return CompileError(f"no sheet named {name!r}")

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
            raise self._missing_sheet(node.sheet or "", node)
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

    # -- LET and LAMBDA ----------------------------------------------------------------

    def _local(self, name: str) -> Any:
        """The LET name or LAMBDA parameter ``name`` in scope, innermost first."""
        key = _local_key(name)
        for scope in reversed(self._locals):
            if key in scope:
                return scope[key]
        return None

    def _compile_let(self, node: fx.Call, sheet: int, refs: list[RefSpec]) -> Fn:
        """LET(name1, value1, [name2, value2, ...], calculation): each name stands for its
        value in the later values and the calculation (Excel's LET function)."""
        args = node.args
        if len(args) < 3 or len(args) % 2 == 0:
            raise CompileError("LET needs name, value pairs and a calculation")
        scope: dict[str, Any] = {}
        self._locals.append(scope)
        try:
            for name_node, value_node in zip(args[:-1:2], args[1:-1:2], strict=True):
                if not isinstance(name_node, fx.Name) or name_node.sheet is not None:
                    raise CompileError("LET names must be plain names")
                key = _local_key(name_node.name)
                if isinstance(value_node, fx.Call) and bare_name(value_node.name) == "LAMBDA":
                    scope[key] = _Lambda(value_node, sheet, list(self._locals))
                    continue
                value_refs: list[RefSpec] = []
                fn = self._compile(value_node, sheet, value_refs)
                refs.extend(value_refs)
                scope[key] = _Value(fn, value_refs)
            return self._compile(args[-1], sheet, refs)
        finally:
            self._locals.pop()

    def _call_lambda(
        self, lam: _Lambda, args: tuple[fx.Node, ...], sheet: int, refs: list[RefSpec]
    ) -> Fn:
        """A LAMBDA applied to ``args``: its body compiled with each parameter standing
        for its argument (inlined at compile time; recursion is limited)."""
        params, body = lam.node.args[:-1], lam.node.args[-1]
        if len(args) > len(params):
            raise CompileError(f"a LAMBDA of {len(params)} parameters got {len(args)} arguments")
        scope: dict[str, Any] = {}
        for i, p in enumerate(params):
            if not isinstance(p, fx.Name):
                raise CompileError("LAMBDA parameters must be plain names")
            arg_refs: list[RefSpec] = []
            fn = self._compile(args[i], sheet, arg_refs) if i < len(args) else (lambda r, c: EMPTY)
            refs.extend(arg_refs)
            scope[_local_key(p.name)] = _Value(fn, arg_refs)
        if len(self._lambda_stack) >= 64:
            raise CompileError("LAMBDA calls nest deeper than 64 (recursion is not supported)")
        saved = self._locals
        self._locals = [*lam.scopes, scope]
        self._lambda_stack.append(lam)
        try:
            return self._compile(body, lam.sheet, refs)
        finally:
            self._lambda_stack.pop()
            self._locals = saved

    def _named_lambda(self, name: str, sheet: int) -> _Lambda | None:
        """A defined name whose formula is a LAMBDA (called as ``NAME(args)``)."""
        up = name.upper()
        for dn in self.book.names:
            if dn.name.upper() != up or dn.local_sheet not in (None, sheet):
                continue
            text = dn.text.strip().removeprefix("=")
            if "LAMBDA" not in text.upper():
                return None
            try:
                tree = fx.parse(text, 1, 1)
            except fx.ParseError:
                return None
            if isinstance(tree, fx.Call) and bare_name(tree.name) == "LAMBDA":
                base = dn.local_sheet if dn.local_sheet is not None else sheet
                return _Lambda(tree, base, [])
        return None

    def _compile_name(self, node: fx.Name, sheet: int, refs: list[RefSpec]) -> Fn:
        if node.sheet is None and self._locals:
            local = self._local(node.name)
            if isinstance(local, _Value):
                refs.extend(local.refs)
                return local.fn
            if isinstance(local, _Lambda):
                raise CompileError(f"the LAMBDA {node.name} is used without being called")
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
                outer_locals, self._locals = self._locals, []
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
                    self._locals = outer_locals
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
        left = self._compile_scalar(node.left, sheet, refs)
        right = self._compile_scalar(node.right, sheet, refs)
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
        if sa is None:
            raise self._missing_sheet(a.sheet or "", a)
        if sa != sb:
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
        if node.op == "@":
            return self._compile_scalar(node.operand, sheet, refs, force=True)
        inner = self._compile_scalar(node.operand, sheet, refs)
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
        raise CompileError(f"unsupported operator {node.op}")  # pragma: no cover

    def _compile_scalar(
        self, node: fx.Node, sheet: int, refs: list[RefSpec], *, force: bool = False
    ) -> Fn:
        """``node`` where one value is expected: in a plain (non-array) formula, or
        with ``@``, a multi-cell reference gives its cell in the formula's row (a
        one-column range) or column (a one-row range), or the cell at both for a block;
        outside it, #VALUE! (Excel's "implicit intersection": ``=Base*1.05`` in C4 with
        Base = B2:B6 reads B4; ``=B:B`` in D3 reads B3)."""
        if (not self._array or force) and isinstance(node, fx.Call):
            special = self._scalar_reference_call(node, sheet, refs)
            if special is not None:
                return special
        before = len(refs)
        inner = self._compile(node, sheet, refs)
        if (self._array and not force) or len(refs) != before + 1:
            return inner
        if isinstance(node, fx.Ref) and node.is_cell:
            return inner
        if not self._is_reference(node, sheet):
            return inner
        spec = refs[-1]

        def at(r: int, c: int) -> Any:
            v = inner(r, c)
            if not isinstance(v, np.ndarray):
                return v
            box = spec(r, c)
            if box is None:
                return VALUE_ERROR
            _s, x1, y1, x2, y2 = box
            if x1 == x2 and y1 == y2:
                i = j = 0
            elif x1 == x2:
                i, j = 0, c - y1
            elif y1 == y2:
                i, j = r - x1, 0
            else:
                i, j = r - x1, c - y1
            if not (0 <= i <= x2 - x1 and 0 <= j <= y2 - y1):
                return VALUE_ERROR
            if i >= v.shape[0] or j >= v.shape[1]:
                return EMPTY  # past the sheet's used area
            return scalar(v[i, j])

        return at

    def _scalar_reference_call(self, node: fx.Call, sheet: int, refs: list[RefSpec]) -> Fn | None:
        """A call that hands back a reference, where one value is expected: Excel
        intersects the reference it returns (``=INDEX(A1:B3,0,2)`` in row 2 shows B2,
        ``=CHOOSE(1,B1:B3)`` in row 3 shows B3). IF and CHOOSE intersect the chosen
        argument (``@IF(c,B1:B3)`` is ``IF(c,@B1:B3)``); INDEX the row or column it
        picks. None when ``node`` is not such a call."""
        name = bare_name(node.name)
        if name in ("IF", "CHOOSE") and any(self._is_reference(a, sheet) for a in node.args[1:]):
            args = [self._compile_scalar(a, sheet, refs) for a in node.args]
            if name == "IF" and 2 <= len(args) <= 3:
                return self._compile_if(args)
            fn = native(node.name)
            if fn is None:  # pragma: no cover - CHOOSE is always there
                return None
            return lambda r, c: scalar(fn(*(a(r, c) for a in args)))
        if name != "INDEX" or len(node.args) not in (2, 3):
            return None
        if not self._is_reference(node.args[0], sheet):
            return None
        before = len(refs)
        whole = self._compile(node.args[0], sheet, refs)
        if len(refs) != before + 1:
            return None
        spec = refs[-1]
        picks = [self._compile_scalar(a, sheet, refs) for a in node.args[1:]]

        def at(r: int, c: int) -> Any:
            box = spec(r, c)
            if box is None:
                return REF_ERROR
            _s, x1, y1, x2, y2 = box
            nums = []
            for p in picks:
                got = p(r, c)
                if isinstance(got, np.ndarray) and got.size != 1:
                    raise EvalError("INDEX given an array of positions in a plain formula")
                n = excel.to_number(got)
                if isinstance(n, XlError):
                    return n
                nums.append(int(n))
            if len(nums) == 1:
                if x1 == x2:
                    nums = [1, nums[0]]
                elif y1 == y2:
                    nums = [nums[0], 1]
                else:
                    nums = [nums[0], 0]
            row_n, col_n = nums
            if row_n < 0 or col_n < 0 or row_n > x2 - x1 + 1 or col_n > y2 - y1 + 1:
                return REF_ERROR
            # The area INDEX returns, then the cell of it in this formula's row/column.
            a1, a2 = (x1, x2) if row_n == 0 else (x1 + row_n - 1,) * 2
            b1, b2 = (y1, y2) if col_n == 0 else (y1 + col_n - 1,) * 2
            if a1 == a2 and b1 == b2:
                i, j = a1, b1
            elif b1 == b2:
                i, j = r, b1
            elif a1 == a2:
                i, j = a1, c
            else:
                i, j = r, c
            if not (a1 <= i <= a2 and b1 <= j <= b2):
                return VALUE_ERROR
            v = whole(r, c)
            if not isinstance(v, np.ndarray):
                return v
            if i - x1 >= v.shape[0] or j - y1 >= v.shape[1]:
                return EMPTY  # past the sheet's used area
            return scalar(v[i - x1, j - y1])

        return at

    def _reference_kind(self, node: fx.Node, sheet: int) -> bool | None:
        """Whether ``node`` gives a reference: True, False, or None when that is decided
        while calculating (an IF or CHOOSE choosing between a reference and a value)."""
        if self._is_reference(node, sheet):
            return True
        if isinstance(node, fx.Call):
            name = bare_name(node.name)
            if name in ("INDEX", "OFFSET", "INDIRECT"):
                return name != "INDEX" or (
                    bool(node.args) and self._is_reference(node.args[0], sheet)
                )
            if name in ("IF", "CHOOSE") and len(node.args) >= 2:
                branches = list(node.args[1:])
                if name == "IF" and len(branches) == 1:
                    branches.append(fx.Literal(False))
                kinds = {self._reference_kind(b, sheet) for b in branches}
                return kinds.pop() if len(kinds) == 1 else None
        return False

    def _compile_isref(self, arg: fx.Node, sheet: int, refs: list[RefSpec]) -> Fn:
        """ISREF: TRUE for a reference, including one INDEX, IF or CHOOSE hands back."""
        kind = self._reference_kind(arg, sheet)
        if kind is not None:
            return lambda r, c: kind
        assert isinstance(arg, fx.Call)
        name = bare_name(arg.name)
        pick = self._compile_scalar(arg.args[0], sheet, refs)
        branches = list(arg.args[1:])
        if name == "IF" and len(branches) == 1:
            branches.append(fx.Literal(False))
        kinds = [self._reference_kind(b, sheet) for b in branches]

        def isref(r: int, c: int) -> Any:
            v = pick(r, c)
            if isinstance(v, XlError):
                return v
            if name == "IF":
                t = excel.to_number(v) if not isinstance(v, bool) else float(v)
                if isinstance(t, XlError):
                    return t
                k = kinds[0] if t else kinds[1] if len(kinds) > 1 else False
            else:
                n = excel.to_number(v)
                if isinstance(n, XlError):
                    return n
                if not 1 <= int(n) <= len(kinds):
                    return VALUE_ERROR
                k = kinds[int(n) - 1]
            if k is None:
                raise EvalError("ISREF of a reference chosen by a nested IF or CHOOSE")
            return k

        return isref

    def _compile_call(self, node: fx.Call, sheet: int, refs: list[RefSpec]) -> Fn:
        name = bare_name(node.name)
        if name in ("ROW", "COLUMN") and len(node.args) <= 1:
            return self._compile_row_col(node, name, sheet, refs)
        if name in ("INDIRECT", "OFFSET"):
            raise CompileError(f"{name} (a reference computed while calculating) is not supported")
        if name == "LET":
            return self._compile_let(node, sheet, refs)
        local = self._local(node.name) if self._locals else None
        lam = local if isinstance(local, _Lambda) else None
        if lam is None and name not in excel.FUNCTIONS and udf_lookup(self.udfs, name) is None:
            lam = self._named_lambda(name, sheet)
        if lam is not None:
            return self._call_lambda(lam, node.args, sheet, refs)
        if name == "LAMBDA":
            raise CompileError("a LAMBDA must be called (or named) to give a value")
        if name in excel.DATE_1900_ONLY and self.book.date1904:
            raise CompileError(f"{name} is not computed in the 1904 date system")
        if name == "SINGLE" and len(node.args) == 1:
            return self._compile_scalar(node.args[0], sheet, refs, force=True)
        if name in _THREE_D:
            node = self._expand_3d(node)
        if name in ("SUMIF", "AVERAGEIF") and len(node.args) == 3:
            node = _resize_sum_range(node)
        if name == "SUBTOTAL" and len(node.args) >= 2:
            return self._compile_subtotal(node, sheet, refs)
        if name in ("ROWS", "COLUMNS", "ISREF") and len(node.args) == 1:
            return self._compile_shape(node, name, sheet, refs)
        udf = udf_lookup(self.udfs, node.name)
        if name in excel.ARRAY_FUNCTIONS and not self._array:
            # Array parameters evaluate their whole expression as arrays, even in a
            # plain formula: SUMPRODUCT((A1:A9>4)*A1:A9).
            self._array = True
            try:
                args = [self._compile(a, sheet, refs) for a in node.args]
            finally:
                self._array = False
        elif name in _ARRAY_PARAMS and not self._array:
            # An "array" parameter evaluates its expression as an array in a plain
            # formula too: INDEX(A1:A3*10,2), MATCH(TRUE,INDEX(A1:A3>4,0),0).
            args = []
            for i, a in enumerate(node.args):
                self._array = i in _ARRAY_PARAMS[name]
                try:
                    args.append(self._compile(a, sheet, refs))
                finally:
                    self._array = False
        elif udf is not None or name in excel.RANGE_FUNCTIONS:
            args = [self._compile(a, sheet, refs) for a in node.args]
        else:
            args = [
                self._compile(a, sheet, refs)
                if _returns_argument(name, i)
                else self._compile_scalar(a, sheet, refs)
                for i, a in enumerate(node.args)
            ]
        if name in excel.REFERENCE_ARGS:
            args = [
                _as_range(f) if self._is_reference(a, sheet) else f
                for f, a in zip(args, node.args, strict=True)
            ]
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

    def _expand_3d(self, node: fx.Call) -> fx.Call:
        """SUM(Jan:Mar!B2) as SUM(Jan!B2, Feb!B2, Mar!B2): a 3-D reference is the same
        cells on every sheet from the first to the last named, in workbook order."""
        args: list[fx.Node] = []
        for a in node.args:
            name = a.sheet if isinstance(a, fx.Ref) else None
            if (
                not isinstance(a, fx.Ref)
                or name is None
                or ":" not in name
                or name.upper() in self.sheet_index
                or name.startswith("[")
            ):
                args.append(a)
                continue
            first, _, last = name.partition(":")
            i1, i2 = self.sheet_index.get(first.upper()), self.sheet_index.get(last.upper())
            if i1 is None or i2 is None:
                missing = first if i1 is None else last
                raise CompileError(
                    f"the 3-D reference {quote_name(name)}!... names no sheet {missing!r}"
                )
            for i in range(min(i1, i2), max(i1, i2) + 1):
                args.append(dataclasses.replace(a, sheet=self.book.sheet_names[i]))
        return fx.Call(node.name, tuple(args))

    def _is_reference(self, node: fx.Node, sheet: int) -> bool:
        """True when ``node`` is a reference (a cell, range, table or a name of one)."""
        if isinstance(node, (fx.Ref, fx.StructRef)):
            return True
        if isinstance(node, fx.BinOp) and node.op == ":":
            return True
        if isinstance(node, fx.Name):
            up = node.name.upper()
            if up in self.tables:
                return True
            for dn in self.book.names:
                if dn.name.upper() == up:
                    try:
                        tree = fx.parse(dn.text.strip().lstrip("="), 1, 1)
                    except fx.ParseError:
                        return False
                    return self._is_reference(tree, sheet)
        return False

    def _compile_shape(self, node: fx.Call, name: str, sheet: int, refs: list[RefSpec]) -> Fn:
        """ROWS, COLUMNS and ISREF: the shape of a reference, or of an array value."""
        arg = node.args[0]
        before = len(refs)
        inner = self._compile(arg, sheet, refs)
        if name == "ISREF":
            return self._compile_isref(arg, sheet, refs)
        want_rows = name == "ROWS"
        if len(refs) == before + 1 and (
            isinstance(arg, fx.Ref) or (isinstance(arg, fx.BinOp) and arg.op == ":")
        ):
            spec = refs[-1]

            def shape(r: int, c: int) -> Any:
                box = spec(r, c)
                if box is None:
                    return REF_ERROR
                _s, r1, c1, r2, c2 = box
                return float(r2 - r1 + 1 if want_rows else c2 - c1 + 1)

            return shape

        def size(r: int, c: int) -> Any:
            v = inner(r, c)
            if isinstance(v, XlError):
                return v
            if isinstance(v, np.ndarray):
                g = v if v.ndim == 2 else v.reshape(1, -1)
                return float(g.shape[0] if want_rows else g.shape[1])
            return 1.0

        return size

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
                return v  # a blank cell stays blank: IF(c,A1)&"" is ""
            if cond is EMPTY:
                if else_fn is None:
                    return False
                v = else_fn(r, c)
                return v
            if isinstance(cond, XlError):
                return cond
            if type(cond) is str:
                # IF's logical_test takes the texts TRUE and FALSE as logicals; other
                # text is #VALUE! (as =IF("TRUE",1,2) is 1 in Excel).
                word = cond.upper()
                if word not in ("TRUE", "FALSE"):
                    return VALUE_ERROR
                if word == "TRUE":
                    return then_fn(r, c)
                return False if else_fn is None else else_fn(r, c)
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
