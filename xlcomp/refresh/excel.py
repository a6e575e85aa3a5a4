"""Excel's own semantics for the operators and functions where ``formulas`` differs.

The refresh engine takes Excel's functions from the ``formulas`` package, except the ones
in :data:`FUNCTIONS` here: for those ``formulas`` gives answers Excel does not (criteria
strings, numbers stored as text, 15-digit rounding, TEXT formats, DATEDIF units, the
1904 date system, blank single-cell arguments). Each function's docstring cites the
Excel behaviour it follows (Microsoft's function reference, support.microsoft.com).

Values are the engine's (:mod:`xlcomp.refresh.values`): ``float``, ``str``, ``bool``,
``XlError``, ``EMPTY``, or a 2-D object array for a range or array. For the functions in
:data:`REFERENCE_ARGS` the engine hands a reference to a single cell as a 1x1 array, so
that "a reference" (text and blanks ignored) and "a value typed as an argument" (text
numbers counted) can be told apart, as Excel's SUM documentation requires.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Callable, Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from xlcomp.refresh.values import (
    DATE1904,
    DIV_ERROR,
    EMPTY,
    ERRORS,
    NA_ERROR,
    NUM_ERROR,
    REF_ERROR,
    VALUE_ERROR,
    Array,
    XlError,
    approx_equal,
    date_to_serial,
    number_text,
    round15,
    serial_to_date,
    text_to_number,
)

__all__ = [
    "FUNCTIONS",
    "RANGE_FUNCTIONS",
    "REFERENCE_ARGS",
    "add",
    "binary",
    "to_number",
    "to_text",
    "unary",
]

Fn = Callable[..., Any]
FUNCTIONS: dict[str, Fn] = {}
"""Excel function name (upper case, no ``_xlfn.``) -> implementation."""

REFERENCE_ARGS: frozenset[str] = frozenset(
    {
        "SUM",
        "PRODUCT",
        "AVERAGE",
        "COUNT",
        "COUNTA",
        "MAX",
        "MIN",
        "COUNTBLANK",
        "SUMSQ",
        "MEDIAN",
        "PERCENTILE",
        "PERCENTILE.INC",
        "PERCENTILE.EXC",
        "QUARTILE",
        "QUARTILE.INC",
        "QUARTILE.EXC",
        "VAR",
        "VAR.S",
        "VARP",
        "VAR.P",
        "STDEV",
        "STDEV.S",
        "STDEVP",
        "STDEV.P",
        "GEOMEAN",
        "HARMEAN",
        "AVEDEV",
        "DEVSQ",
        "SKEW",
        "KURT",
    }
)
"""Functions whose single-cell reference arguments arrive as 1x1 arrays."""

RANGE_FUNCTIONS: frozenset[str] = frozenset(
    [
        "SUM",
        "SUMPRODUCT",
        "SUMSQ",
        "SUMX2MY2",
        "SUMX2PY2",
        "SUMXMY2",
        "PRODUCT",
        "AVERAGE",
        "AVERAGEA",
        "COUNT",
        "COUNTA",
        "COUNTBLANK",
        "COUNTIF",
        "COUNTIFS",
        "SUMIF",
        "SUMIFS",
        "AVERAGEIF",
        "AVERAGEIFS",
        "MAXIFS",
        "MINIFS",
        "MAX",
        "MAXA",
        "MIN",
        "MINA",
        "MEDIAN",
        "MODE",
        "MODE.SNGL",
        "MODE.MULT",
        "LARGE",
        "SMALL",
        "RANK",
        "RANK.EQ",
        "RANK.AVG",
        "PERCENTILE",
        "PERCENTILE.INC",
        "PERCENTILE.EXC",
        "PERCENTRANK",
        "PERCENTRANK.INC",
        "PERCENTRANK.EXC",
        "QUARTILE",
        "QUARTILE.INC",
        "QUARTILE.EXC",
        "STDEV",
        "STDEV.S",
        "STDEV.P",
        "STDEVP",
        "STDEVA",
        "STDEVPA",
        "VAR",
        "VAR.S",
        "VAR.P",
        "VARP",
        "VARA",
        "VARPA",
        "GEOMEAN",
        "HARMEAN",
        "AVEDEV",
        "DEVSQ",
        "KURT",
        "SKEW",
        "TRIMMEAN",
        "NPV",
        "IRR",
        "XNPV",
        "XIRR",
        "MIRR",
        "FVSCHEDULE",
        "INDEX",
        "MATCH",
        "XMATCH",
        "LOOKUP",
        "VLOOKUP",
        "HLOOKUP",
        "XLOOKUP",
        "ROWS",
        "COLUMNS",
        "ISREF",
        "ROW",
        "COLUMN",
        "OFFSET",
        "INDIRECT",
        "AREAS",
        "TRANSPOSE",
        "FILTER",
        "SORT",
        "SORTBY",
        "UNIQUE",
        "CONCAT",
        "TEXTJOIN",
        "AND",
        "OR",
        "XOR",
        "MMULT",
        "MDETERM",
        "MINVERSE",
        "SUBTOTAL",
        "AGGREGATE",
        "FORECAST",
        "FORECAST.LINEAR",
        "TREND",
        "GROWTH",
        "LINEST",
        "LOGEST",
        "SLOPE",
        "INTERCEPT",
        "CORREL",
        "COVAR",
        "COVARIANCE.P",
        "COVARIANCE.S",
        "PEARSON",
        "RSQ",
        "STEYX",
        "FREQUENCY",
        "PROB",
        "HSTACK",
        "VSTACK",
        "TAKE",
        "DROP",
        "TOCOL",
        "TOROW",
        "WRAPROWS",
        "WRAPCOLS",
        "CHOOSECOLS",
        "CHOOSEROWS",
        "EXPAND",
        "NETWORKDAYS",
        "NETWORKDAYS.INTL",
        "WORKDAY",
        "WORKDAY.INTL",
        "N",
        "T",
        "CELL",
        "SINGLE",
    ]
)
"""Functions with parameters that take a range or array whole: their arguments are not
reduced by implicit intersection in a plain formula (Excel's function reference lists
these parameters as "array" or "reference")."""

ARRAY_FUNCTIONS: frozenset[str] = frozenset(
    [
        "SUMPRODUCT",
        "MMULT",
        "LOOKUP",
        "FREQUENCY",
        "LINEST",
        "LOGEST",
        "TREND",
        "GROWTH",
        "SUMX2MY2",
        "SUMX2PY2",
        "SUMXMY2",
        "MDETERM",
        "MINVERSE",
        "TRANSPOSE",
        "CORREL",
        "COVAR",
        "PEARSON",
        "RSQ",
        "SLOPE",
        "INTERCEPT",
        "STEYX",
        "FORECAST",
        "PROB",
    ]
)
"""Functions whose "array" parameters evaluate any expression given to them as an array,
in a plain formula too (no implicit intersection inside their arguments)."""


def _register(*names: str) -> Callable[[Fn], Fn]:
    def deco(fn: Fn) -> Fn:
        for n in names:
            FUNCTIONS[n] = fn
        return fn

    return deco


# ---------------------------------------------------------------------------------------
# Coercion


def _is_text(v: Any) -> bool:
    """True for a text value (the blank and error tokens are ``str`` subclasses)."""
    return type(v) is str or isinstance(v, np.str_)


def to_number(v: Any) -> float | XlError:
    """One value as a number the way Excel's arithmetic operators coerce it.

    Booleans are 1/0, a blank is 0, text is read as VALUE reads it (``"15%"``,
    ``" 1,200 "``, ``"2024-01-15"``) or gives #VALUE!; errors pass through ("Excel
    formulas: if an operand is an error, the result is that error").
    """
    t = type(v)
    if t is float:
        return float(v)
    if t is bool:
        return 1.0 if v else 0.0
    if v is EMPTY or v is None:
        return 0.0
    if isinstance(v, XlError):
        return v
    if _is_text(v):
        n = text_to_number(v)
        return VALUE_ERROR if n is None else n
    if isinstance(v, (int, np.integer, np.floating)):
        return float(v)
    if isinstance(v, np.ndarray):
        return to_number(v.reshape(-1)[0]) if v.size else VALUE_ERROR
    return VALUE_ERROR


def to_text(v: Any) -> str | XlError:
    """One value as text the way ``&`` and the text functions convert it.

    Numbers as General shows them to 15 significant digits (``0.1+0.2&""`` is
    ``"0.3"``), booleans as ``TRUE``/``FALSE``, a blank as ``""``; errors pass through.
    """
    if _is_text(v):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return number_text(v)
    if v is EMPTY or v is None:
        return ""
    if isinstance(v, XlError):
        return v
    if isinstance(v, np.ndarray):
        return to_text(v.reshape(-1)[0]) if v.size else VALUE_ERROR
    return str(v)


def _grid(v: Any) -> np.ndarray:
    if isinstance(v, np.ndarray):
        return v if v.ndim == 2 else np.asarray(v, object).reshape(1, -1)
    out = np.empty((1, 1), object)
    out[0, 0] = v
    return out


def _flat(v: Any) -> Iterator[Any]:
    if isinstance(v, np.ndarray):
        yield from v.reshape(-1).tolist()
    else:
        yield v


def _finite(x: float) -> float | XlError:
    return x if math.isfinite(x) else NUM_ERROR


def _broadcast(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply a scalar function over array arguments, as Excel lifts it in array formulas.

    A one-row or one-column array stretches along the other dimension; past the end of
    a shorter array the result is #N/A (Excel's "array formulas" documentation).
    """
    grids = [a for a in args if isinstance(a, np.ndarray) and a.size != 1]
    if not grids:
        return fn(*[a.reshape(-1)[0] if isinstance(a, np.ndarray) else a for a in args])
    gs = [_grid(a) for a in grids]
    h = max(g.shape[0] for g in gs)
    w = max(g.shape[1] for g in gs)
    out = np.empty((h, w), object)
    cols = [_grid(a) if isinstance(a, np.ndarray) else None for a in args]
    for i in range(h):
        for j in range(w):
            vals = []
            bad = False
            for a, g in zip(args, cols, strict=True):
                if g is None:
                    vals.append(a)
                    continue
                gi = 0 if g.shape[0] == 1 else i
                gj = 0 if g.shape[1] == 1 else j
                if gi >= g.shape[0] or gj >= g.shape[1]:
                    bad = True
                    break
                vals.append(g[gi, gj])
            out[i, j] = NA_ERROR if bad else fn(*vals)
    return out.view(Array)


def _elementwise(fn: Fn) -> Fn:
    def lifted(*args: Any) -> Any:
        return _broadcast(fn, *args)

    lifted.__doc__ = fn.__doc__
    lifted.__name__ = fn.__name__
    return lifted


# ---------------------------------------------------------------------------------------
# Operators


def _compare(a: Any, b: Any) -> int | XlError:
    """-1, 0, 1: Excel's ordering (numbers < text < logicals; text case-insensitive)."""
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    if a is EMPTY and b is EMPTY:
        return 0
    if a is EMPTY:
        a = "" if _is_text(b) else False if isinstance(b, bool) else 0.0
    if b is EMPTY:
        b = "" if _is_text(a) else False if isinstance(a, bool) else 0.0
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        x, y = float(a), float(b)
        if approx_equal(x, y):
            return 0
        return -1 if x < y else 1
    if ra == 1:
        x2, y2 = str(a).casefold(), str(b).casefold()
        return 0 if x2 == y2 else -1 if x2 < y2 else 1
    return (int(bool(a)) > int(bool(b))) - (int(bool(a)) < int(bool(b)))


def _rank(v: Any) -> int:
    if isinstance(v, bool):
        return 2
    if _is_text(v):
        return 1
    return 0


def _arith(op: str, a: Any, b: Any) -> Any:
    x = to_number(a)
    if isinstance(x, XlError):
        return x
    y = to_number(b)
    if isinstance(y, XlError):
        return y
    if op == "+":
        return add(x, y)
    if op == "-":
        return add(x, -y)
    if op == "*":
        return _finite(x * y)
    if op == "/":
        return DIV_ERROR if y == 0 else _finite(x / y)
    # ^
    if x == 0 and y < 0:
        return DIV_ERROR
    if x == 0 and y == 0:
        return NUM_ERROR
    try:
        r = x**y
    except OverflowError:
        return NUM_ERROR
    if isinstance(r, complex):
        return NUM_ERROR
    return _finite(float(r))


def add(x: float, y: float) -> float | XlError:
    """``x + y``, exactly 0 when the operands cancel to 15 significant digits.

    Microsoft documents that Excel sets the result of an addition or subtraction that
    cancels to within its 15-digit precision to 0 (``=0.1+0.2-0.3`` is 0; "Floating-point
    arithmetic may give inaccurate results in Excel", which calls it an optimisation).
    """
    r = x + y
    if r != 0 and abs(r) < 1e-12 * max(abs(x), abs(y)) and approx_equal(x, -y):
        return 0.0
    return _finite(r)


def _binary_scalar(op: str, a: Any, b: Any) -> Any:
    if op in ("+", "-", "*", "/", "^"):
        return _arith(op, a, b)
    if op == "&":
        x = to_text(a)
        if isinstance(x, XlError):
            return x
        y = to_text(b)
        if isinstance(y, XlError):
            return y
        return x + y
    c = _compare(a, b)
    if isinstance(c, XlError):
        return c
    return {
        "=": c == 0,
        "<>": c != 0,
        "<": c < 0,
        ">": c > 0,
        "<=": c <= 0,
        ">=": c >= 0,
    }[op]


def binary(op: str, a: Any, b: Any) -> Any:
    """Excel's binary operator ``op`` (``+ - * / ^ & = <> < > <= >=``), lifted over arrays.

    Arithmetic coerces as :func:`to_number`; ``&`` as :func:`to_text`; comparisons
    order numbers before text before logicals, compare text case-insensitively and
    numbers to 15 significant digits (``=0.1+0.2=0.3`` is TRUE), and read a blank as
    0, ``""`` or FALSE to match the other side (Microsoft, "Calculation operators and
    precedence in Excel").
    """
    return _broadcast(lambda x, y: _binary_scalar(op, x, y), a, b)


def unary(op: str, v: Any) -> Any:
    """Unary minus (``-``) or percent (``%``), lifted over arrays."""

    def one(x: Any) -> Any:
        n = to_number(x)
        if isinstance(n, XlError):
            return n
        return -n if op == "-" else n / 100.0

    return _broadcast(one, v)


# ---------------------------------------------------------------------------------------
# Aggregates


def _aggregate_values(args: tuple[Any, ...], *, count_text: bool = False) -> Iterator[Any]:
    """Numbers an aggregate sees, per Excel's SUM documentation: in a reference or array
    only numbers count (text, logicals and blanks are ignored, errors propagate); a value
    typed as an argument counts when it is a number, a logical or text that reads as a
    number, and other text is #VALUE!."""
    for a in args:
        if isinstance(a, np.ndarray):
            for v in a.reshape(-1).tolist():
                if isinstance(v, XlError):
                    yield v
                elif type(v) is float or (
                    isinstance(v, (int, np.floating)) and not isinstance(v, bool)
                ):
                    yield float(v)
            continue
        if a is EMPTY or a is None:
            continue
        n = to_number(a)
        yield n


def _numbers(args: tuple[Any, ...]) -> list[float] | XlError:
    out = []
    for v in _aggregate_values(args):
        if isinstance(v, XlError):
            return v
        out.append(v)
    return out


@_register("SUM")
def xl_sum(*args: Any) -> Any:
    """SUM: "If an argument is an array or reference, only numbers in that array or
    reference are counted. Empty cells, logical values, or text in the array or reference
    are ignored"; an empty single-cell reference adds nothing (``=SUM(A2,C2)``)."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    return _finite(math.fsum(nums))


@_register("PRODUCT")
def xl_product(*args: Any) -> Any:
    """PRODUCT: arguments as SUM takes them; no numbers at all gives 0."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    if not nums:
        return 0.0
    return _finite(math.prod(nums))


@_register("AVERAGE")
def xl_average(*args: Any) -> Any:
    """AVERAGE: arguments as SUM takes them; no numbers gives #DIV/0!."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    if not nums:
        return DIV_ERROR
    return _finite(math.fsum(nums) / len(nums))


@_register("MAX")
def xl_max(*args: Any) -> Any:
    """MAX: arguments as SUM takes them; "If the arguments contain no numbers, MAX
    returns 0"."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    return max(nums) if nums else 0.0


@_register("MIN")
def xl_min(*args: Any) -> Any:
    """MIN: arguments as SUM takes them; no numbers gives 0."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    return min(nums) if nums else 0.0


@_register("COUNT")
def xl_count(*args: Any) -> Any:
    """COUNT: numbers in references and arrays; typed arguments that are numbers,
    dates, logicals or text representations of numbers. Errors and other text are not
    counted (never an error)."""
    n = 0
    for a in args:
        if isinstance(a, np.ndarray):
            n += sum(1 for v in a.reshape(-1).tolist() if type(v) is float or type(v) is int)
        elif a is EMPTY or a is None or isinstance(a, XlError):
            continue
        elif not isinstance(to_number(a), XlError):
            n += 1
    return float(n)


@_register("COUNTA")
def xl_counta(*args: Any) -> Any:
    """COUNTA: "counts cells containing any type of information, including error values
    and empty text"; empty cells of a reference are not counted, but a value argument is,
    even an empty one (an omitted argument, a lookup that found a blank cell)."""
    n = 0
    for a in args:
        if isinstance(a, np.ndarray):
            n += sum(1 for v in a.reshape(-1).tolist() if v is not EMPTY and v is not None)
        else:
            n += 1
    return float(n)


def _beyond(rng: Any) -> int:
    """Cells of a reference past the sheet's used area (left out of its array)."""
    full = getattr(rng, "full_shape", None)
    if full is None or not isinstance(rng, np.ndarray):
        return 0
    return int(full[0] * full[1] - rng.size)


@_register("COUNTBLANK")
def xl_countblank(rng: Any) -> Any:
    """COUNTBLANK: empty cells, and cells holding the empty text ``""``; cells past the
    last used row or column of the sheet are empty too."""
    if isinstance(rng, XlError):
        return rng
    blank = sum(1 for v in _flat(rng) if v is EMPTY or v is None or (_is_text(v) and v == ""))
    return float(blank + _beyond(rng))


# ---------------------------------------------------------------------------------------
# Criteria: COUNTIF, SUMIF, AVERAGEIF, ...IFS, MAXIFS, MINIFS

_CRIT_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)
_ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


@lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """A criteria text as a regex: ``*`` any run, ``?`` one character, ``~`` escapes
    (remembered: a column of COUNTIFs asks for the same few criteria again and again)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S | re.I)


def criterion(crit: Any) -> Callable[[Any], bool]:
    """A predicate over cell values for a criteria argument, as Excel's COUNTIF reads it.

    Parsed once per distinct criteria value (``COUNTIF(range, B1:B90)`` and a column of
    alike formulas repeat the same few criteria); see ``_criterion`` for the rules.
    """
    if isinstance(crit, np.ndarray):
        crit = crit.reshape(-1)[0] if crit.size else EMPTY
    try:
        return _criterion_cached(type(crit).__qualname__, crit)
    except TypeError:  # an unhashable value: parse it afresh
        return _criterion(crit)


@lru_cache(maxsize=4096)
def _criterion_cached(kind: str, crit: Any) -> Callable[[Any], bool]:
    """``_criterion(crit)``, keyed by type name too (``True == 1.0`` in a dict, not in Excel)."""
    del kind
    return _criterion(crit)


def _criterion(crit: Any) -> Callable[[Any], bool]:
    """A predicate over cell values for a criteria argument, as Excel's COUNTIF reads it.

    A number matches equal numbers (a blank criteria cell is 0); ``"1"`` matches the
    number 1 and the text ``1``; ``"<5"``,
    ``">=2024-01-01"`` compare numbers only; ``"apple*"``/``"?b"`` match text with
    wildcards, case-insensitively (``~`` escapes); ``"<>x"`` matches every cell that
    does not match ``x``, blanks included; ``"<>"`` matches non-empty cells; ``"="``
    matches empty cells only and ``""`` empty cells and empty text (Microsoft, COUNTIF
    function and "Using wildcard characters in criteria").
    """
    if isinstance(crit, np.ndarray):
        crit = crit.reshape(-1)[0] if crit.size else EMPTY
    if isinstance(crit, bool):
        return lambda v: isinstance(v, bool) and v == crit
    if isinstance(crit, XlError):
        text = str(crit)
        return lambda v: isinstance(v, XlError) and str(v) == text
    if crit is EMPTY or crit is None:
        crit = 0.0  # a blank criteria cell is the number 0
    if isinstance(crit, float):
        return _equal_number(crit)
    m = _CRIT_OP.match(str(crit))
    assert m is not None
    op, operand = m.group(1) or "", m.group(2)
    if op in ("", "="):
        return _equals(operand, op)
    if op == "<>":
        if operand == "":
            return lambda v: v is not EMPTY and v is not None
        eq = _equals(operand, "=")
        return lambda v: not eq(v)
    cmp: Callable[[int], bool] = {
        "<": lambda c: c < 0,
        ">": lambda c: c > 0,
        "<=": lambda c: c <= 0,
        ">=": lambda c: c >= 0,
    }[op]
    num = text_to_number(operand)
    if num is not None:

        def numeric(v: Any) -> bool:
            if type(v) is not float:
                return False
            c = _compare(v, num)
            return not isinstance(c, XlError) and cmp(c)

        return numeric
    up = operand.upper()
    if up in ("TRUE", "FALSE"):
        b = up == "TRUE"

        def logical(v: Any) -> bool:
            if not isinstance(v, bool):
                return False
            c = _compare(v, b)
            return not isinstance(c, XlError) and cmp(c)

        return logical

    def textual(v: Any) -> bool:
        if not _is_text(v):
            return False
        c = _compare(v, operand)
        return not isinstance(c, XlError) and cmp(c)

    return textual


def _digits15(text: str) -> float | None:
    """A text that reads as a number, as Excel reads it: digits past the 15th
    significant one are zeros (``"1234567890123459"`` is 1234567890123450)."""
    n = text_to_number(text)
    if n is None:
        return None
    if n == 0 or not math.isfinite(n):
        return n
    d = Decimal(text.strip()) if re.fullmatch(r"\s*[-+]?\d{16,}\s*", text) else None
    if d is None:
        return n
    exp = d.adjusted() - 14
    return float(d.scaleb(-exp).to_integral_value(rounding=ROUND_DOWN).scaleb(exp))


def _equal_number(x: float, text: str | None = None) -> Callable[[Any], bool]:
    """Cells equal to number ``x``; with ``text`` (the criteria as typed, ``"1"``) also
    text cells that are that text, or that read as the same number to 15 significant
    digits (Excel compares such criteria as numbers: 16-digit IDs stored as text that
    share their first 15 digits all match, a documented COUNTIF trap)."""
    folded = text.casefold() if text is not None else None
    if text is not None:
        x = _digits15(text) or x

    def eq(v: Any) -> bool:
        if type(v) is float:
            return approx_equal(v, x) or (
                folded is not None and abs(v) >= 1e15 and _digits15(f"{v:.0f}") == x
            )
        if folded is None or not _is_text(v):
            return False
        if v.casefold() == folded:
            return True
        n = _digits15(v)
        return n is not None and approx_equal(n, x)

    return eq


def _equals(operand: str, op: str) -> Callable[[Any], bool]:
    if operand == "":
        if op == "=":
            return lambda v: v is EMPTY or v is None
        return lambda v: v is EMPTY or v is None or v == ""
    num = text_to_number(operand)
    if num is not None:
        return _equal_number(num, operand)
    up = operand.upper()
    if up in ("TRUE", "FALSE"):
        b = up == "TRUE"
        return lambda v: isinstance(v, bool) and v == b
    if up in _ERROR_TEXTS:
        return lambda v: isinstance(v, XlError) and str(v) == up
    pat = _wildcard(operand)
    return lambda v: _is_text(v) and pat.fullmatch(v) is not None


def _each(pred: Callable[[Any], bool], cells: list[Any]) -> list[bool]:
    """``pred`` of every cell, computed once per distinct (type, value): a range repeats
    a few values (levels, regions, blanks) and a predicate may fold case or parse text."""
    memo: dict[tuple[type, Any], bool] = {}
    out = []
    for v in cells:
        key = (type(v), v)
        try:
            hit = memo.get(key)
        except TypeError:  # an unhashable cell value
            out.append(pred(v))
            continue
        if hit is None:
            hit = memo[key] = pred(v)
        out.append(hit)
    return out


def _matches(pairs: list[tuple[Any, Any]]) -> np.ndarray | XlError:
    """Boolean grid of cells meeting every (range, criteria) pair; #VALUE! on shapes."""
    shape: tuple[int, ...] | None = None
    mask: np.ndarray | None = None
    for rng, crit in pairs:
        if isinstance(rng, XlError):
            return rng
        if isinstance(crit, XlError):
            return crit  # an error as the criteria propagates
        g = _grid(rng)
        if shape is None:
            shape = g.shape
        elif g.shape != shape:
            return VALUE_ERROR
        m = np.array(_each(criterion(crit), g.ravel().tolist()), bool).reshape(g.shape)
        mask = m if mask is None else mask & m
    assert mask is not None
    return mask


def _picked(values: Any, mask: np.ndarray) -> list[Any]:
    """Cells of ``values`` where ``mask`` holds; a smaller grid reads blank past its end."""
    g = _grid(values)
    out = []
    for i, j in zip(*np.nonzero(mask), strict=True):
        out.append(g[i, j] if i < g.shape[0] and j < g.shape[1] else EMPTY)
    return out


def _sum_numbers(cells: list[Any]) -> list[float] | XlError:
    out = []
    for v in cells:
        if isinstance(v, XlError):
            return v
        if type(v) is float:
            out.append(v)
    return out


def _over_criteria(
    one: Callable[[list[tuple[Any, Any]]], Any], pairs: list[tuple[Any, Any]]
) -> Any:
    """``one(pairs)``, lifted over criteria given as arrays: ``COUNTIF(A1:A9, B1:B3)``
    answers one count per criterion (an array, as Excel's array formulas and dynamic
    arrays do), while the ranges stay whole."""
    ranges = [rng for rng, _ in pairs]

    def per_criteria(*crits: Any) -> Any:
        return one(list(zip(ranges, crits, strict=True)))

    return _broadcast(per_criteria, *[crit for _, crit in pairs])


def _count(pairs: list[tuple[Any, Any]]) -> Any:
    return _over_criteria(_count_one, pairs)


def _count_one(pairs: list[tuple[Any, Any]]) -> Any:
    mask = _matches(pairs)
    if isinstance(mask, XlError):
        return mask
    extra = _beyond(pairs[0][0])
    if extra and all(criterion(c)(EMPTY) for _, c in pairs):
        mask_sum = float(mask.sum()) + extra  # blank cells past the used area match
        return mask_sum
    return float(mask.sum())


@_register("COUNTIF")
def xl_countif(rng: Any, crit: Any) -> Any:
    """COUNTIF(range, criteria): cells of ``range`` meeting ``criteria`` (see
    :func:`criterion`); blank cells past the sheet's used area count for ``""``."""
    return _count([(rng, crit)])


@_register("COUNTIFS")
def xl_countifs(*args: Any) -> Any:
    """COUNTIFS(range1, criteria1, ...): cells meeting every criteria; ranges of
    different shapes are #VALUE!."""
    if len(args) < 2 or len(args) % 2:
        return VALUE_ERROR
    return _count(list(zip(args[::2], args[1::2], strict=True)))


def _if_aggregate(kind: str, target: Any, pairs: list[tuple[Any, Any]]) -> Any:
    return _over_criteria(lambda one: _if_aggregate_one(kind, target, one), pairs)


def _if_aggregate_one(kind: str, target: Any, pairs: list[tuple[Any, Any]]) -> Any:
    mask = _matches(pairs)
    if isinstance(mask, XlError):
        return mask
    nums = _sum_numbers(_picked(target, mask))
    if isinstance(nums, XlError):
        return nums
    if kind == "SUM":
        return _finite(math.fsum(nums))
    if kind == "AVERAGE":
        return DIV_ERROR if not nums else _finite(math.fsum(nums) / len(nums))
    if kind == "MAX":
        return max(nums) if nums else 0.0
    return min(nums) if nums else 0.0


@_register("SUMIF")
def xl_sumif(rng: Any, crit: Any, sum_range: Any = None) -> Any:
    """SUMIF(range, criteria, [sum_range]): numbers of ``sum_range`` (default ``range``)
    where ``range`` meets ``criteria``; text in ``sum_range`` is ignored."""
    target = rng if sum_range is None or sum_range is EMPTY else sum_range
    return _if_aggregate("SUM", target, [(rng, crit)])


@_register("AVERAGEIF")
def xl_averageif(rng: Any, crit: Any, avg_range: Any = None) -> Any:
    """AVERAGEIF: as SUMIF, averaged; "If no cells in the range meet the criteria,
    AVERAGEIF returns the #DIV/0! error value"."""
    target = rng if avg_range is None or avg_range is EMPTY else avg_range
    return _if_aggregate("AVERAGE", target, [(rng, crit)])


def _ifs(kind: str) -> Fn:
    def fn(target: Any, *args: Any) -> Any:
        if len(args) < 2 or len(args) % 2:
            return VALUE_ERROR
        pairs = list(zip(args[::2], args[1::2], strict=True))
        if _grid(target).shape != _grid(pairs[0][0]).shape:
            return VALUE_ERROR
        return _if_aggregate(kind, target, pairs)

    fn.__doc__ = (
        f"{kind}IFS(target_range, criteria_range1, criteria1, ...): {kind.lower()} of the "
        "numbers where every criteria holds; ranges of different shapes are #VALUE!"
        + ("; no match gives #DIV/0!" if kind == "AVERAGE" else "; no match gives 0")
    )
    return fn


FUNCTIONS["SUMIFS"] = _ifs("SUM")
FUNCTIONS["AVERAGEIFS"] = _ifs("AVERAGE")
FUNCTIONS["MAXIFS"] = _ifs("MAX")
FUNCTIONS["MINIFS"] = _ifs("MIN")


# ---------------------------------------------------------------------------------------
# Rounding


def _round(x: float, digits: float, mode: str) -> float:
    d = Decimal(repr(round15(x)))
    n = int(digits)  # Excel truncates num_digits
    q = Decimal(1).scaleb(-n)
    return float(d.quantize(q, rounding=mode) if n >= 0 else (d / q).quantize(1, mode) * q)


def round_half_up(x: float, digits: float) -> float:
    """ROUND of one number: ``x`` to 15 significant digits, then to ``digits`` places
    (truncated to a whole number), halves away from zero; raises ArithmeticError where
    ROUND says #NUM! (not finite, too many digits). The column form of ROUND calls this."""
    return _round(x, digits, ROUND_HALF_UP)


def _rounder(mode: str, name: str, what: str) -> Fn:
    @_elementwise
    def fn(number: Any, digits: Any = 0.0) -> Any:
        x = to_number(number)
        if isinstance(x, XlError):
            return x
        n = to_number(digits)
        if isinstance(n, XlError):
            return n
        try:
            return _round(x, n, mode)
        except ArithmeticError:
            return NUM_ERROR

    fn.__doc__ = (
        f"{name}(number, num_digits): {what}, on the number as Excel holds it to 15 "
        f"significant digits ({name}(1.005,2) and ROUNDUP(2.21+2.19,2) see 1.005 and 4.4)"
    )
    return fn


FUNCTIONS["ROUND"] = _rounder(ROUND_HALF_UP, "ROUND", "halves away from zero")
FUNCTIONS["ROUNDUP"] = _rounder(ROUND_UP, "ROUNDUP", "away from zero")
FUNCTIONS["ROUNDDOWN"] = _rounder(ROUND_DOWN, "ROUNDDOWN", "toward zero")


@_register("VALUE")
@_elementwise
def xl_value(text: Any) -> Any:
    """VALUE(text): text "in any of the constant number, date, or time formats recognized
    by Excel" as a number (``"$1,200.50"`` -> 1200.5, ``"15%"`` -> 0.15); other text is
    #VALUE!; a number stays itself."""
    if isinstance(text, bool):
        return VALUE_ERROR
    return to_number(text)


def _math1(name: str, fn: Callable[[float], float], doc: str) -> None:
    @_elementwise
    def one(number: Any) -> Any:
        x = to_number(number)
        if isinstance(x, XlError):
            return x
        try:
            return _finite(fn(x))
        except (ValueError, OverflowError):
            return NUM_ERROR

    one.__doc__ = f"{name}(number): {doc}; a blank is 0, text is read as VALUE reads it."
    FUNCTIONS[name] = one


_math1("ABS", abs, "the absolute value")
_math1("INT", lambda x: float(math.floor(round15(x))), "rounded down to an integer")
_math1("SQRT", math.sqrt, "the square root; negative numbers are #NUM!")
_math1("SIGN", lambda x: float((x > 0) - (x < 0)), "1, 0 or -1")


@_register("MOD")
@_elementwise
def xl_mod(number: Any, divisor: Any) -> Any:
    """MOD(number, divisor): ``n - d*INT(n/d)``, the sign of the divisor; a zero divisor
    is #DIV/0!."""
    n, d = to_number(number), to_number(divisor)
    if isinstance(n, XlError):
        return n
    if isinstance(d, XlError):
        return d
    if d == 0:
        return DIV_ERROR
    r = n - d * math.floor(round15(n / d))
    return 0.0 if approx_equal(r, 0.0) or approx_equal(r, d) else r


def _is(name: str, test: Callable[[Any], bool], doc: str) -> None:
    @_elementwise
    def fn(value: Any) -> Any:
        return test(value)

    fn.__doc__ = f"{name}(value): TRUE when the value {doc} (never an error)."
    FUNCTIONS[name] = fn


_ERR_NA = str(NA_ERROR)
_is("ISBLANK", lambda v: v is EMPTY or v is None, "is an empty cell")
_is("ISNUMBER", lambda v: type(v) is float, "is a number (text that looks like one is not)")
_is("ISTEXT", _is_text, "is text")
_is("ISNONTEXT", lambda v: not _is_text(v), "is not text")
_is("ISLOGICAL", lambda v: isinstance(v, bool), "is TRUE or FALSE")
_is("ISERROR", lambda v: isinstance(v, XlError), "is any error")
_is("ISERR", lambda v: isinstance(v, XlError) and str(v) != _ERR_NA, "is an error but #N/A")
_is("ISNA", lambda v: isinstance(v, XlError) and str(v) == _ERR_NA, "is #N/A")


@_register("INDEX")
def xl_index(array: Any, row: Any = None, col: Any = None) -> Any:
    """INDEX(array, row_num, [column_num]): the cell at row, column (1-based) of the
    array; 0 (or omitted for a one-row or one-column array) takes the whole column or
    row; out of range is #REF!. A blank cell stays blank (``INDEX(...)&""`` is "")."""
    if isinstance(array, XlError):
        return array
    g = _grid(array)
    r = _int_arg(row, 0) if row is not None and row is not EMPTY else 0
    c = _int_arg(col, 0) if col is not None and col is not EMPTY else 0
    if isinstance(r, XlError):
        return r
    if isinstance(c, XlError):
        return c
    full = getattr(array, "full_shape", None) or g.shape
    if col is None and full[0] == 1 and full[1] > 1:
        r, c = 1, r  # INDEX(one_row, n) is the n-th column
    elif c == 0 and r and full[1] == 1:
        c = 1  # INDEX(one_column, n) is the n-th row
    if r < 0 or c < 0 or r > full[0] or c > full[1]:
        return REF_ERROR
    if r and c:
        # Past the used area (INDEX($A:$ZZ,50,1)) the cell is blank.
        return g[r - 1, c - 1] if r <= g.shape[0] and c <= g.shape[1] else EMPTY
    if r:
        return g[r - 1 : r, :].copy().view(Array)
    if c:
        return g[:, c - 1 : c].copy().view(Array)
    return g.copy().view(Array)


@_register("MATCH")
def xl_match(lookup: Any, array: Any, match_type: Any = None) -> Any:
    """MATCH(lookup_value, lookup_array, [match_type=1]): the 1-based position in a
    one-row or one-column array. 0: the first value equal to ``lookup_value`` (text
    case-insensitively, with ``*``/``?``/``~`` wildcards); 1: the largest value less
    than or equal to it, -1: the smallest greater than or equal to it (the array sorted
    ascending, resp. descending); only values of the lookup value's type take part; no
    match (or a blank lookup value) is #N/A."""
    if isinstance(lookup, np.ndarray):
        return _broadcast(lambda v: xl_match(v, array, match_type), lookup)
    if isinstance(lookup, XlError):
        return lookup
    if isinstance(array, XlError):
        return array
    g = _grid(array)
    if g.shape[0] != 1 and g.shape[1] != 1:
        return NA_ERROR
    kind = _int_arg(match_type, 1) if match_type is not None else 1
    if isinstance(kind, XlError):
        return kind
    if lookup is EMPTY or lookup is None:
        return NA_ERROR
    cells = g.reshape(-1).tolist()
    rank = _rank(lookup)

    def same_type(v: Any) -> bool:
        return (
            v is not EMPTY and v is not None and not isinstance(v, XlError) and (_rank(v) == rank)
        )

    if kind == 0:
        if _is_text(lookup):
            pat = _wildcard(lookup)
            for i, v in enumerate(cells):
                if _is_text(v) and pat.fullmatch(v):
                    return float(i + 1)
            return NA_ERROR
        for i, v in enumerate(cells):
            if same_type(v) and _compare(v, lookup) == 0:
                return float(i + 1)
        return NA_ERROR
    found = None
    for i, v in enumerate(cells):
        if not same_type(v):
            continue
        c = _compare(v, lookup)
        if kind > 0:
            if c == 1:
                break
            found = i
        else:
            if c == -1:
                break
            found = i
    return NA_ERROR if found is None else float(found + 1)


def _lookup(v: Any, table: Any, index: Any, approx: Any, by_rows: bool) -> Any:
    if isinstance(v, XlError):
        return v
    if isinstance(table, XlError):
        return table
    g = _grid(table)
    n = _int_arg(index)
    if isinstance(n, XlError):
        return n
    exact = (
        approx is not None
        and approx is not EMPTY
        and not bool(to_number(approx) if not isinstance(approx, bool) else approx)
    )
    keys = g[0:1, :] if by_rows else g[:, 0:1]
    pos = xl_match(v, keys, 0.0 if exact else 1.0)
    if isinstance(pos, XlError):
        return pos
    if n < 1:
        return VALUE_ERROR
    if n > (g.shape[0] if by_rows else g.shape[1]):
        return REF_ERROR
    k = int(pos) - 1
    return g[n - 1, k] if by_rows else g[k, n - 1]


@_register("VLOOKUP")
def xl_vlookup(value: Any, table: Any, col_index: Any, range_lookup: Any = None) -> Any:
    """VLOOKUP(lookup_value, table_array, col_index_num, [range_lookup=TRUE]): the value
    in column ``col_index_num`` of the row MATCH finds in the first column (exact, with
    wildcards, when range_lookup is FALSE or 0; else the last row not greater, the
    column sorted); a column below 1 is #VALUE!, past the table #REF!; no match #N/A."""
    if isinstance(value, np.ndarray):
        return _broadcast(lambda v: xl_vlookup(v, table, col_index, range_lookup), value)
    return _lookup(value, table, col_index, range_lookup, by_rows=False)


@_register("HLOOKUP")
def xl_hlookup(value: Any, table: Any, row_index: Any, range_lookup: Any = None) -> Any:
    """HLOOKUP(lookup_value, table_array, row_index_num, [range_lookup=TRUE]): VLOOKUP
    along the first row."""
    if isinstance(value, np.ndarray):
        return _broadcast(lambda v: xl_hlookup(v, table, row_index, range_lookup), value)
    return _lookup(value, table, row_index, range_lookup, by_rows=True)


@_register("IFERROR")
@_elementwise
def xl_iferror(value: Any, value_if_error: Any = EMPTY) -> Any:
    """IFERROR(value, value_if_error): the second value when the first is any error, else
    the first (a blank cell stays blank)."""
    return value_if_error if isinstance(value, XlError) else value


@_register("IFNA")
@_elementwise
def xl_ifna(value: Any, value_if_na: Any = EMPTY) -> Any:
    """IFNA(value, value_if_na): the second value when the first is #N/A, else the
    first."""
    return value_if_na if isinstance(value, XlError) and str(value) == _ERR_NA else value


# ---------------------------------------------------------------------------------------
# Text functions: numbers become text as General shows them


def _texts(*args: Any) -> list[str] | XlError:
    out = []
    for a in args:
        t = to_text(a)
        if isinstance(t, XlError):
            return t
        out.append(t)
    return out


def _int_arg(v: Any, default: int | None = None) -> int | XlError:
    if v is None or (v is EMPTY and default is not None):
        return default if default is not None else 0
    n = to_number(v)
    if isinstance(n, XlError):
        return n
    return math.floor(n) if n >= 0 else math.ceil(n)


@_register("CONCATENATE")
def xl_concatenate(*args: Any) -> Any:
    """CONCATENATE(text1, ...): the texts joined, numbers as General shows them."""
    if any(isinstance(a, np.ndarray) and a.size > 1 for a in args):
        return _broadcast(xl_concatenate, *args)
    t = _texts(*args)
    return t if isinstance(t, XlError) else "".join(t)


@_register("CONCAT")
def xl_concat(*args: Any) -> Any:
    """CONCAT(text1, ...): every cell of every range joined, row by row."""
    t = _texts(*[v for a in args for v in _flat(a)])
    return t if isinstance(t, XlError) else "".join(t)


@_register("LEFT")
@_elementwise
def xl_left(text: Any, n: Any = None) -> Any:
    """LEFT(text, [num_chars=1]); a negative count is #VALUE!."""
    t = to_text(text)
    k = _int_arg(n, 1)
    if isinstance(t, XlError):
        return t
    if isinstance(k, XlError):
        return k
    return VALUE_ERROR if k < 0 else t[:k]


@_register("RIGHT")
@_elementwise
def xl_right(text: Any, n: Any = None) -> Any:
    """RIGHT(text, [num_chars=1]); a negative count is #VALUE!."""
    t = to_text(text)
    k = _int_arg(n, 1)
    if isinstance(t, XlError):
        return t
    if isinstance(k, XlError):
        return k
    return VALUE_ERROR if k < 0 else (t[max(0, len(t) - k) :] if k else "")


@_register("MID")
@_elementwise
def xl_mid(text: Any, start: Any, n: Any) -> Any:
    """MID(text, start_num, num_chars): start below 1 or a negative count is #VALUE!."""
    t = to_text(text)
    s = _int_arg(start)
    k = _int_arg(n)
    for x in (t, s, k):
        if isinstance(x, XlError):
            return x
    assert isinstance(t, str) and isinstance(s, int) and isinstance(k, int)
    if s < 1 or k < 0:
        return VALUE_ERROR
    return t[s - 1 : s - 1 + k]


@_register("LEN")
@_elementwise
def xl_len(text: Any) -> Any:
    """LEN(text): characters of the text (a number as General shows it)."""
    t = to_text(text)
    return t if isinstance(t, XlError) else float(len(t))


@_register("UPPER")
@_elementwise
def xl_upper(text: Any) -> Any:
    """UPPER(text): the text in capitals; a number as General shows it."""
    t = to_text(text)
    return t if isinstance(t, XlError) else t.upper()


@_register("LOWER")
@_elementwise
def xl_lower(text: Any) -> Any:
    """LOWER(text): the text in small letters; a number as General shows it."""
    t = to_text(text)
    return t if isinstance(t, XlError) else t.lower()


@_register("TRIM")
@_elementwise
def xl_trim(text: Any) -> Any:
    """TRIM(text): "removes all spaces from text except for single spaces between
    words" (the ASCII space only)."""
    t = to_text(text)
    return t if isinstance(t, XlError) else " ".join(x for x in t.split(" ") if x)


@_register("REPT")
@_elementwise
def xl_rept(text: Any, times: Any) -> Any:
    """REPT(text, number_times): negative counts or results past 32,767 characters are
    #VALUE!."""
    t = to_text(text)
    k = _int_arg(times)
    if isinstance(t, XlError):
        return t
    if isinstance(k, XlError):
        return k
    if k < 0 or len(t) * k > 32767:
        return VALUE_ERROR
    return t * k


@_register("EXACT")
@_elementwise
def xl_exact(a: Any, b: Any) -> Any:
    """EXACT(text1, text2): case-sensitive equality of the two texts."""
    t = _texts(a, b)
    return t if isinstance(t, XlError) else t[0] == t[1]


# ---------------------------------------------------------------------------------------
# Dates (1900 or 1904 system, see values.DATE1904)


def _date_arg(v: Any) -> tuple[int, int, int] | XlError:
    n = to_number(v)
    if isinstance(n, XlError):
        return n
    ymd = serial_to_date(n)
    return NUM_ERROR if ymd is None else ymd


def _real(ymd: tuple[int, int, int]) -> datetime.date:
    y, m, d = ymd
    if (y, m) == (1900, 2) and d == 29:
        return datetime.date(1900, 2, 28)
    if d == 0:
        return datetime.date(1899, 12, 31)
    return datetime.date(y, m, d)


def _serial(y: int, m: int, d: int) -> float | XlError:
    """DATE's arithmetic: months and days past their range roll over."""
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    if not 1 <= y <= 9999:
        return NUM_ERROR
    # Serials of January and February 1900 run on into Excel's 29 February 1900 (60),
    # so counting days from the first of the month is right in both systems.
    n = date_to_serial(datetime.date(y, m, 1)) + (d - 1)
    return NUM_ERROR if n < 0 else float(n)


@_register("DATE")
@_elementwise
def xl_date(year: Any, month: Any, day: Any) -> Any:
    """DATE(year, month, day): "If year is between 0 and 1899 (inclusive), Excel adds
    that value to 1900"; months and days past their range roll into the next year or
    month; a date before the date system's first serial or after 9999 is #NUM!."""
    vals = [_int_arg(year), _int_arg(month), _int_arg(day)]
    for v in vals:
        if isinstance(v, XlError):
            return v
    y, m, d = (int(v) for v in vals)
    if 0 <= y < 1900:
        y += 1900
    if y < 0 or y >= 10000:
        return NUM_ERROR
    return _serial(y, m, d)


def _part(index: int, name: str) -> Fn:
    @_elementwise
    def fn(serial: Any) -> Any:
        ymd = _date_arg(serial)
        return ymd if isinstance(ymd, XlError) else float(ymd[index])

    fn.__doc__ = (
        f"{name}(serial_number): the {name.lower()} of a date serial in the workbook's date "
        "system (1900, with its 29 February 1900, or 1904); text dates are read as VALUE "
        "reads them; negative serials are #NUM!."
    )
    return fn


FUNCTIONS["YEAR"] = _part(0, "YEAR")
FUNCTIONS["MONTH"] = _part(1, "MONTH")
FUNCTIONS["DAY"] = _part(2, "DAY")


def _weekday0(serial: float) -> int:
    """0 = Sunday ... 6 = Saturday, by Excel's serial arithmetic."""
    n = math.floor(serial)
    return (n + 5) % 7 if DATE1904.get() else (n + 6) % 7


@_register("WEEKDAY")
@_elementwise
def xl_weekday(serial: Any, kind: Any = None) -> Any:
    """WEEKDAY(serial_number, [return_type=1]): 1 (Sunday=1..Saturday=7), 2
    (Monday=1..Sunday=7), 3 (Monday=0..Sunday=6), 11-17 (week starting Monday..Sunday,
    numbered from 1); other types are #NUM!."""
    n = to_number(serial)
    if isinstance(n, XlError):
        return n
    k = _int_arg(kind, 1)
    if isinstance(k, XlError):
        return k
    if n < 0:
        return NUM_ERROR
    w = _weekday0(n)  # Sunday 0
    if k == 1:
        return float(w + 1)
    if k == 2:
        return float((w + 6) % 7 + 1)
    if k == 3:
        return float((w + 6) % 7)
    if 11 <= k <= 17:
        start = (k - 10) % 7  # 11: Monday (1) ... 17: Sunday (0)
        return float((w - start) % 7 + 1)
    return NUM_ERROR


def _add_months(ymd: tuple[int, int, int], months: int, end: bool) -> float | XlError:
    y, m, d = ymd
    total = y * 12 + (m - 1) + months
    y2, m2 = divmod(total, 12)
    m2 += 1
    if not 1900 <= y2 <= 9999:
        return NUM_ERROR
    last = calendar.monthrange(y2, m2)[1]
    return _serial(y2, m2, last if end else min(d, last))


@_register("EDATE")
@_elementwise
def xl_edate(start: Any, months: Any) -> Any:
    """EDATE(start_date, months): the same day ``months`` later, clipped to the month's
    last day (31 January + 1 month is 28/29 February)."""
    ymd = _date_arg(start)
    k = _int_arg(months)
    if isinstance(ymd, XlError):
        return ymd
    if isinstance(k, XlError):
        return k
    return _add_months(ymd, k, end=False)


@_register("EOMONTH")
@_elementwise
def xl_eomonth(start: Any, months: Any) -> Any:
    """EOMONTH(start_date, months): the last day of the month ``months`` away."""
    ymd = _date_arg(start)
    k = _int_arg(months)
    if isinstance(ymd, XlError):
        return ymd
    if isinstance(k, XlError):
        return k
    return _add_months(ymd, k, end=True)


@_register("DATEDIF")
@_elementwise
def xl_datedif(start: Any, end: Any, unit: Any) -> Any:
    """DATEDIF(start_date, end_date, unit): whole "Y" years, "M" months, "D" days, "MD"
    days ignoring months and years, "YM" months ignoring years, "YD" days ignoring
    years; units in any case; start after end is #NUM!, an unknown unit #NUM!."""
    a, b = to_number(start), to_number(end)
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    u = to_text(unit)
    if isinstance(u, XlError):
        return u
    u = u.upper()
    a, b = math.floor(a), math.floor(b)
    if a > b or a < 0:
        return NUM_ERROR
    ya, yb = serial_to_date(a), serial_to_date(b)
    if ya is None or yb is None:
        return NUM_ERROR
    d1, d2 = _real(ya), _real(yb)
    months = (d2.year - d1.year) * 12 + d2.month - d1.month - (1 if d2.day < d1.day else 0)
    if u == "D":
        return float(b - a)
    if u == "M":
        return float(months)
    if u == "Y":
        return float(months // 12)
    if u == "YM":
        return float(months % 12)
    if u == "MD":
        if d2.day >= d1.day:
            return float(d2.day - d1.day)
        py, pm = (d2.year, d2.month - 1) if d2.month > 1 else (d2.year - 1, 12)
        anchor = datetime.date(py, pm, 1) + datetime.timedelta(days=d1.day - 1)
        return float((d2 - anchor).days)
    if u == "YD":
        y = d2.year if (d1.month, d1.day) <= (d2.month, d2.day) else d2.year - 1
        last = calendar.monthrange(y, d1.month)[1]
        shifted = datetime.date(y, d1.month, min(d1.day, last))
        return float((d2 - shifted).days)
    return NUM_ERROR


def _holidays(v: Any) -> set[int] | XlError:
    out: set[int] = set()
    if v is None:
        return out
    for x in _flat(v):
        if x is EMPTY or x is None:
            continue
        n = to_number(x)
        if isinstance(n, XlError):
            return n
        out.add(math.floor(n))
    return out


def _workday_ok(n: int, hol: set[int]) -> bool:
    return _weekday0(n) not in (0, 6) and n not in hol


@_register("WORKDAY")
def xl_workday(start: Any, days: Any, holidays: Any = None) -> Any:
    """WORKDAY(start_date, days, [holidays]): the date ``days`` working days (Monday to
    Friday, not in ``holidays``) before or after the start; days are truncated."""
    s = to_number(start)
    k = _int_arg(days)
    hol = _holidays(holidays)
    for x in (s, k, hol):
        if isinstance(x, XlError):
            return x
    assert isinstance(s, float) and isinstance(k, int) and isinstance(hol, set)
    if s < 0:
        return NUM_ERROR
    n = math.floor(s)
    step = 1 if k > 0 else -1
    left = abs(k)
    while left:
        n += step
        if _workday_ok(n, hol):
            left -= 1
    return NUM_ERROR if n < 0 else float(n)


@_register("NETWORKDAYS")
def xl_networkdays(start: Any, end: Any, holidays: Any = None) -> Any:
    """NETWORKDAYS(start_date, end_date, [holidays]): working days from start to end,
    both included, not counting weekends and holidays; negative when start is later."""
    s, e = to_number(start), to_number(end)
    hol = _holidays(holidays)
    for x in (s, e, hol):
        if isinstance(x, XlError):
            return x
    assert isinstance(s, float) and isinstance(e, float) and isinstance(hol, set)
    a, b = math.floor(s), math.floor(e)
    sign = 1
    if a > b:
        a, b, sign = b, a, -1
    full = (b - a + 1) // 7
    count = full * 5 + sum(1 for n in range(a + full * 7, b + 1) if _weekday0(n) not in (0, 6))
    count -= sum(1 for h in hol if a <= h <= b and _weekday0(h) not in (0, 6))
    return float(sign * count)


@_register("TODAY")
def xl_today() -> Any:
    """TODAY(): the serial of the current date in the workbook's date system."""
    return date_to_serial(datetime.date.today())


@_register("NOW")
def xl_now() -> Any:
    """NOW(): the serial of the current date and time (local clock)."""
    now = datetime.datetime.now()
    seconds = now.hour * 3600 + now.minute * 60 + now.second + now.microsecond / 1e6
    return date_to_serial(now.date()) + seconds / 86400


DATE_1900_ONLY: frozenset[str] = frozenset(
    {"WEEKNUM", "ISOWEEKNUM", "WORKDAY.INTL", "NETWORKDAYS.INTL"}
)
"""Date functions taken from ``formulas``, which knows the 1900 date system only: in a
1904 workbook their cells are named as not computed."""


@_register("DAYS")
@_elementwise
def xl_days(end: Any, start: Any) -> Any:
    """DAYS(end_date, start_date): whole days from start to end."""
    a, b = to_number(end), to_number(start)
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    return float(math.floor(a) - math.floor(b))


@_register("DATEVALUE")
@_elementwise
def xl_datevalue(text: Any) -> Any:
    """DATEVALUE(date_text): the serial of a date typed as text (its time dropped);
    anything but date text is #VALUE!."""
    if not _is_text(text):
        return VALUE_ERROR
    n = text_to_number(text)
    if n is None or not re.search(r"[-/a-zA-Z]", text):
        return VALUE_ERROR
    return float(math.floor(n))


# ---------------------------------------------------------------------------------------
# TEXT(value, format_text)

_MONTH_NAMES = [calendar.month_name[i] for i in range(13)]
_DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d*)?)\]")


def _sections(fmt: str) -> list[str]:
    out, cur, i, quoted = [], [], 0, False
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and not quoted and i + 1 < len(fmt):
            cur.append(fmt[i : i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text): kind is 'lit' (literal text), 'code' (a format character)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            out.append(("lit", section[i + 1 : j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < len(section):
            out.append(("lit", " "))
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2  # fill character: no width to fill in text
        elif ch == "[":
            j = section.find("]", i)
            j = len(section) if j < 0 else j
            inner = section[i + 1 : j]
            if inner.startswith("$"):
                out.append(("lit", inner[1:].split("-")[0]))
            elif re.fullmatch(r"h+|m+|s+", inner, re.I):
                out.append(("elapsed", inner.lower()))
            i = j + 1
        else:
            out.append(("code", ch))
            i += 1
    return out


def _is_date(tokens: list[tuple[str, str]]) -> bool:
    codes = "".join(t for k, t in tokens if k == "code").lower()
    if any(k == "elapsed" for k, _ in tokens):
        return True
    if re.search(r"[0#?]", codes):
        return False
    return bool(re.search(r"[ymdhs]|am/pm|a/p", codes))


def _format_date(x: float, tokens: list[tuple[str, str]]) -> str | XlError:
    if x < 0:
        return VALUE_ERROR
    # Group runs of the same code letter.
    runs: list[tuple[str, str]] = []
    raw = "".join(t if k == "code" else "\x00" for k, t in tokens)
    lits = [t for k, t in tokens if k != "code"]
    i, li = 0, 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\x00":
            kind, text = [(k, t) for k, t in tokens if k != "code"][li]
            runs.append((kind, text))
            li += 1
            i += 1
            continue
        low = raw[i:].lower()
        if low.startswith("am/pm"):
            runs.append(("ampm", raw[i : i + 5]))
            i += 5
            continue
        if low.startswith("a/p"):
            runs.append(("ap", raw[i : i + 3]))
            i += 3
            continue
        c = ch.lower()
        if c in "ymdhs":
            j = i
            while j < len(raw) and raw[j].lower() == c:
                j += 1
            runs.append((c, raw[i:j].lower()))
            i = j
            continue
        if c == "0" and runs and runs[-1][0] == "frac":
            j = i
            while j < len(raw) and raw[j] == "0":
                j += 1
            runs.append(("frac", raw[i:j]))
            i = j
            continue
        if c == "." and i + 1 < len(raw) and raw[i + 1] == "0" and runs and runs[-1][0] == "s":
            j = i + 1
            while j < len(raw) and raw[j] == "0":
                j += 1
            runs.append(("frac", raw[i + 1 : j]))
            i = j
            continue
        runs.append(("lit", ch))
        i += 1
    del lits
    has_ampm = any(k in ("ampm", "ap") for k, _ in runs)
    decimals = max((len(t) for k, t in runs if k == "frac"), default=0)
    total = round(x * 86400 * 10**decimals)
    day, rest = divmod(total, 86400 * 10**decimals)
    secs, frac = divmod(rest, 10**decimals)
    ymd = serial_to_date(day)
    if ymd is None:
        return VALUE_ERROR
    y, mo, d = ymd
    hh, mm, ss = secs // 3600, secs // 60 % 60, secs % 60
    out: list[str] = []
    for n, (k, t) in enumerate(runs):
        if k == "m":
            prev = next((r for r in reversed(runs[:n]) if r[0] not in ("lit",)), None)
            nxt = next((r for r in runs[n + 1 :] if r[0] not in ("lit",)), None)
            if len(t) <= 2 and (
                (prev is not None and prev[0] in ("h", "elapsed"))
                or (nxt is not None and nxt[0] == "s")
            ):
                out.append(f"{mm:0{len(t)}d}")
                continue
            if len(t) == 1:
                out.append(str(mo))
            elif len(t) == 2:
                out.append(f"{mo:02d}")
            elif len(t) == 3:
                out.append(_MONTH_NAMES[mo][:3])
            elif len(t) == 5:
                out.append(_MONTH_NAMES[mo][0])
            else:
                out.append(_MONTH_NAMES[mo])
        elif k == "y":
            out.append(f"{y % 100:02d}" if len(t) <= 2 else f"{y:04d}")
        elif k == "d":
            if len(t) == 1:
                out.append(str(d))
            elif len(t) == 2:
                out.append(f"{d:02d}")
            else:
                name = _DAY_NAMES[_weekday0(day)]
                out.append(name[:3] if len(t) == 3 else name)
        elif k == "h":
            h = hh % 12 or 12 if has_ampm else hh
            out.append(f"{h:0{min(len(t), 2)}d}")
        elif k == "s":
            out.append(f"{ss:0{min(len(t), 2)}d}")
        elif k == "frac":
            out.append(f"{frac:0{decimals}d}"[: len(t)])
        elif k == "ampm":
            out.append("AM" if hh < 12 else "PM")
        elif k == "ap":
            out.append(("A" if hh < 12 else "P") if t[0].isupper() else ("a" if hh < 12 else "p"))
        elif k == "elapsed":
            unit = t[0]
            whole = total // 10**decimals
            v = whole // 3600 if unit == "h" else whole // 60 if unit == "m" else whole
            out.append(f"{v:0{len(t)}d}")
        else:
            out.append(t)
    return "".join(out)


def _digits_int(value: int, placeholders: str) -> str:
    """Integer digits filled into placeholders ``0`` (digit), ``#`` (optional), ``?``
    (space); extra digits go to the left."""
    s = str(value) if value else ""
    need = len(placeholders)
    s_pad = s.rjust(need, "\x00")
    out = []
    for i, ch in enumerate(s_pad):
        if ch != "\x00":
            out.append(ch)
            continue
        p = placeholders[i - (len(s_pad) - need)]
        out.append("0" if p == "0" else " " if p == "?" else "")
    return "".join(out)


def _group(s: str) -> str:
    digits = s.lstrip(" ")
    lead = s[: len(s) - len(digits)]
    if not digits.isdigit():
        return s
    return lead + f"{int(digits):,}"[-len(f"{int(digits):,}") :] if digits else s


def _format_number(x: float, section: str, signed: bool) -> str:
    tokens = _tokens(section)
    codes = [(k, t) for k, t in tokens]
    # Percent scaling; scaling commas after the last digit placeholder.
    pct = sum(1 for k, t in codes if k == "code" and t == "%")
    x *= 100**pct
    last_digit = max(
        (i for i, (k, t) in enumerate(codes) if k == "code" and t in "0#?"), default=-1
    )
    scale = 0
    j = last_digit + 1
    while j < len(codes) and codes[j] == ("code", ","):
        scale += 1
        j += 1
    x /= 1000**scale
    if last_digit < 0 and any(t == "@" for k, t in codes if k == "code"):
        # A number through a text section shows as General.
        return "".join(number_text(x) if t == "@" and k == "code" else t for k, t in codes)
    if last_digit < 0:  # no digit placeholder: the section is its literal text
        return "".join(t for k, t in codes if not (k == "code" and t in ",%"))
    neg = x < 0
    x = abs(x)
    # Scientific
    flat = "".join(t if k == "code" else "\x00" for k, t in codes)
    sci = re.search(r"[eE][+-]", flat)
    frac_slash = "/" in flat and re.search(r"[0#?]\s*/\s*[0-9#?]", flat)
    body_start = next(
        (i for i, (k, t) in enumerate(codes) if k == "code" and t in "0#?."), len(codes)
    )
    body_end = last_digit
    prefix = "".join(t for k, t in codes[:body_start])
    suffix_tokens = codes[body_end + 1 :]
    suffix = "".join(t for k, t in suffix_tokens if not (k == "code" and t == ","))
    body = codes[body_start : body_end + 1]
    body_codes = "".join(t if k == "code" else "" for k, t in body)
    sign = "-" if neg and signed else ""
    if sci:
        mant_codes, _, exp_codes = re.split(r"([eE][+-])", body_codes, maxsplit=1)[0], None, ""
        parts = re.split(r"([eE][+-])", body_codes, maxsplit=1)
        mant_codes, esign, exp_codes = parts[0], parts[1], parts[2]
        int_codes, _, dec_codes = mant_codes.partition(".")
        n_int = max(1, sum(1 for c in int_codes if c in "0#?"))
        n_dec = sum(1 for c in dec_codes if c in "0#?")
        if x == 0:
            e = 0
            m = 0.0
        else:
            e = math.floor(math.log10(round15(x))) - (n_int - 1)
            m = round15(x) / 10**e
            if round(m, n_dec) >= 10**n_int:
                e += 1
                m /= 10
        mtxt = f"{Decimal(repr(m)).quantize(Decimal(1).scaleb(-n_dec), ROUND_HALF_UP):f}"
        if "#" in dec_codes and "." in mtxt:
            mtxt = mtxt.rstrip("0").rstrip(".")
        exp_sign = "-" if e < 0 else ("+" if esign[1] == "+" else "")
        width = sum(1 for c in exp_codes if c in "0#?")
        return f"{sign}{prefix}{mtxt}{esign[0].upper()}{exp_sign}{abs(e):0{width}d}{suffix}"
    if frac_slash:
        return sign + prefix + _format_fraction(x, body_codes) + suffix
    int_codes, dot, dec_codes = body_codes.partition(".")
    placeholders_int = "".join(c for c in int_codes if c in "0#?")
    group = "," in int_codes.strip(",")
    dec_ph = "".join(c for c in dec_codes if c in "0#?")
    q = Decimal(repr(round15(x))).quantize(Decimal(1).scaleb(-len(dec_ph)), ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    int_txt = _digits_int(int(whole), placeholders_int)
    if group and int_txt.strip():
        int_txt = _group(int_txt)
    frac = frac.ljust(len(dec_ph), "0")
    dec_txt = ""
    if dot:
        keep = len(dec_ph)
        chars = list(frac[:keep])
        for i in range(keep - 1, -1, -1):
            if chars[i] == "0" and dec_ph[i] in "#?":
                chars[i] = " " if dec_ph[i] == "?" else ""
            else:
                break
        dec_txt = "." + "".join(chars)
    # Literals inside the body (e.g. "0.0 x") stay after the number.
    inner_lits = "".join(t for k, t in body if k != "code")
    return f"{sign}{prefix}{int_txt}{dec_txt}{inner_lits}{suffix}"


def _format_fraction(x: float, codes: str) -> str:
    m = re.match(r"^([0#?,]*)\s*([0#?]+)\s*/\s*([0-9]+|[0#?]+)$", codes.strip())
    whole_codes, num_codes, den_codes = (
        (m.group(1), m.group(2), m.group(3)) if m else ("", "?", "?")
    )
    whole = int(x) if whole_codes else 0
    rest = x - whole
    if den_codes.isdigit():
        den = int(den_codes)
        num = round(rest * den)
    else:
        f = Fraction(rest).limit_denominator(10 ** len(den_codes) - 1)
        num, den = f.numerator, f.denominator
    if num == den and whole_codes:
        whole, num = whole + 1, 0
    if not whole_codes:
        return f"{num + whole * den}/{den}"
    whole_txt = str(whole) if whole or "0" in whole_codes else ""
    if num == 0:  # the fraction's place is kept as spaces
        return f"{whole_txt or '0'} " + " " * (len(num_codes) + 1 + len(den_codes))
    num_txt = str(num).rjust(len(num_codes))
    den_txt = str(den) if den_codes.isdigit() else str(den).ljust(len(den_codes))
    return f"{whole_txt} {num_txt}/{den_txt}"


def text_format(value: Any, fmt: str) -> str | XlError:
    """``value`` shown in Excel number format ``fmt`` (see :func:`xl_text`)."""
    if isinstance(value, XlError):
        return value
    sections = _sections(fmt)
    if _is_text(value):
        n = text_to_number(value)
        if n is None:
            if len(sections) >= 4:
                return "".join(t for _, t in _tokens(sections[3].replace("@", '"\x01"'))).replace(
                    "\x01", value
                )
            if len(sections) == 1 and "@" in sections[0]:
                return "".join(t for _, t in _tokens(sections[0].replace("@", '"\x01"'))).replace(
                    "\x01", value
                )
            return value
        value = n
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    x = 0.0 if value is EMPTY or value is None else float(value)
    # Choose the section.
    conds = [_CONDITION.search(s) for s in sections]
    signed = True
    if any(conds):
        chosen = None
        for s, c in zip(sections[:2], conds[:2], strict=False):
            if c is None:
                continue
            ok = _binary_scalar(c.group(1), x, float(c.group(2)))
            if ok is True:
                chosen = s
                break
        if chosen is None:
            rest = [s for s, c in zip(sections, conds, strict=False) if c is None]
            chosen = rest[0] if rest else sections[-1]
        section = _CONDITION.sub("", chosen)
    else:
        if len(sections) >= 3 and x == 0:
            section = sections[2]
        elif len(sections) >= 2 and x < 0:
            section, signed = sections[1], False
        else:
            section = sections[0]
    section = re.sub(
        r"\[(?:black|white|red|green|blue|yellow|magenta|cyan|color\s*\d+)\]",
        "",
        section,
        flags=re.I,
    )
    if section.strip().lower() == "general" or section.strip() == "":
        if section.strip() == "" and len(sections) > 1:
            return ""
        return ("-" if x < 0 and not signed else "") + number_text(x if signed else abs(x))
    tokens = _tokens(section)
    if re.search(r"general", section, re.I):
        section = re.sub(r"general", "\x02", section, flags=re.I)
        txt = number_text(x if signed else abs(x))
        return "".join(t for _, t in _tokens(section)).replace("\x02", txt)
    if _is_date(tokens):
        return _format_date(x, tokens)
    return _format_number(x, section, signed)


@_register("TEXT")
@_elementwise
def xl_text(value: Any, format_text: Any) -> Any:
    """TEXT(value, format_text): the value in an Excel number format, as Excel's "Number
    format codes" describe them: sections ``pos;neg;zero;text`` and conditions
    (``[>=1000]``); ``0 # ?`` digits, ``.`` decimals, ``,`` thousands and, after the
    last digit, scaling by 1,000 (``$#,##0,"K"`` -> ``$356K``); ``%`` (times 100);
    ``E+00`` scientific; ``# ?/?`` fractions; ``"text"``, ``\\x`` and ``_x`` literals;
    colors ignored; dates and times ``yyyy yy mmmm mmm mm m dddd ddd dd d hh h mm ss
    AM/PM [h]`` in the workbook's date system. Text that is not a number comes back
    as it is (or through a fourth ``@`` section)."""
    fmt = to_text(format_text)
    if isinstance(fmt, XlError):
        return fmt
    return text_format(value, fmt)


# ---------------------------------------------------------------------------------------
# Products, statistics and joins over references


def _padded(a: Any) -> np.ndarray:
    """A range's whole rectangle (cells past the used area as blanks), or an array."""
    g = _grid(a)
    full = getattr(a, "full_shape", None)
    if full is None or tuple(full) == g.shape:
        return g
    out = np.full(tuple(full), EMPTY, dtype=object)
    out[: g.shape[0], : g.shape[1]] = g
    return out


@_register("SUMPRODUCT")
def xl_sumproduct(*arrays: Any) -> Any:
    """SUMPRODUCT(array1, ...): "The array arguments must have the same dimensions. If
    they do not, SUMPRODUCT returns the #VALUE! error value. SUMPRODUCT treats
    non-numeric array entries as if they were zeros": text (numbers stored as text
    too), logicals and blanks count 0; an error entry is returned."""
    if not arrays:
        return VALUE_ERROR
    grids = [_padded(a) for a in arrays]
    shape = grids[0].shape
    if any(g.shape != shape for g in grids):
        return VALUE_ERROR
    total = np.ones(shape, dtype=np.float64)
    for g in grids:
        col = np.zeros(shape, dtype=np.float64)
        for (i, j), v in np.ndenumerate(g):
            if isinstance(v, XlError):
                return v
            if type(v) is float or (isinstance(v, (int, np.floating)) and not isinstance(v, bool)):
                col[i, j] = float(v)
        total *= col
    return _finite(math.fsum(total.reshape(-1).tolist()))


@_register("SUMSQ")
def xl_sumsq(*args: Any) -> Any:
    """SUMSQ(number1, ...): arguments as SUM takes them ("If an argument is an array or
    reference, only numbers in that array or reference are counted"), so a TRUE held in
    a cell is ignored while a TRUE typed as an argument counts 1."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    return _finite(math.fsum(x * x for x in nums))


@_register("N")
@_elementwise
def xl_n(value: Any) -> Any:
    """N(value): a number as itself (a date is its serial number), TRUE as 1, FALSE as
    0, an error as itself, anything else (text, a blank) as 0."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if type(value) is float or (isinstance(value, (int, np.floating))):
        return float(value)
    if isinstance(value, XlError):
        return value
    return 0.0


@_register("MEDIAN")
def xl_median(*args: Any) -> Any:
    """MEDIAN(number1, ...): arguments as SUM takes them ("If an array or reference
    argument contains text, logical values, or empty cells, those values are ignored");
    no numbers gives #NUM!."""
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    if not nums:
        return NUM_ERROR
    s = sorted(nums)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _percentile(nums: list[float], k: float, exclusive: bool) -> Any:
    s = sorted(nums)
    n = len(s)
    if exclusive:
        pos = k * (n + 1) - 1
        if n == 0 or pos < 0 or pos > n - 1:
            return NUM_ERROR
    else:
        if n == 0 or not 0 <= k <= 1:
            return NUM_ERROR
        pos = k * (n - 1)
    lo = math.floor(pos)
    frac = pos - lo
    if lo + 1 >= n:
        return s[lo]
    return s[lo] + frac * (s[lo + 1] - s[lo])


def _percentile_fn(exclusive: bool, quart: bool) -> Fn:
    def fn(array: Any, k: Any) -> Any:
        nums = _numbers((array if isinstance(array, np.ndarray) else _grid(array),))
        if isinstance(nums, XlError):
            return nums

        def one(kv: Any) -> Any:
            x = to_number(kv)
            if isinstance(x, XlError):
                return x
            if quart:
                q = math.trunc(x)
                if not (1 <= q <= 3 if exclusive else 0 <= q <= 4):
                    return NUM_ERROR
                x = q / 4
            return _percentile(nums, x, exclusive)

        return _broadcast(one, k)

    return fn


xl_percentile_inc = _register("PERCENTILE", "PERCENTILE.INC")(_percentile_fn(False, False))
xl_percentile_inc.__doc__ = """PERCENTILE.INC(array, k): the k-th percentile, 0 <= k <= 1, by
linear interpolation between the values at ranks (n-1)*k; text and logicals in the array are
ignored; k outside [0, 1] or no numbers is #NUM!."""
xl_percentile_exc = _register("PERCENTILE.EXC")(_percentile_fn(True, False))
xl_percentile_exc.__doc__ = """PERCENTILE.EXC(array, k): as PERCENTILE.INC at rank (n+1)*k-1;
k outside [1/(n+1), n/(n+1)] is #NUM!."""
xl_quartile_inc = _register("QUARTILE", "QUARTILE.INC")(_percentile_fn(False, True))
xl_quartile_inc.__doc__ = """QUARTILE.INC(array, quart): PERCENTILE.INC at quart/4, quart
truncated to 0..4 ("If quart < 0 or if quart > 4, QUARTILE returns the #NUM! error")."""
xl_quartile_exc = _register("QUARTILE.EXC")(_percentile_fn(True, True))
xl_quartile_exc.__doc__ = """QUARTILE.EXC(array, quart): PERCENTILE.EXC at quart/4, quart
truncated to 1..3, else #NUM!."""


@_register("TEXTJOIN")
def xl_textjoin(delimiter: Any, ignore_empty: Any, *texts: Any) -> Any:
    """TEXTJOIN(delimiter, ignore_empty, text1, ...): "If TRUE, ignores empty cells":
    blanks and empty text (``""`` a formula returns) are skipped; a range of delimiters
    is used in turn; a result longer than 32767 characters is #VALUE!."""
    ig = to_number(ignore_empty) if not isinstance(ignore_empty, bool) else float(ignore_empty)
    if isinstance(ig, XlError):
        return ig
    delims = _texts(*_flat(delimiter))
    if isinstance(delims, XlError):
        return delims
    items = _texts(*[v for a in texts for v in _flat(a) if not (ig and (v is EMPTY or v is None))])
    if isinstance(items, XlError):
        return items
    if ig:
        items = [t for t in items if t != ""]
    out = ""
    for i, t in enumerate(items):
        if i and delims:
            out += delims[(i - 1) % len(delims)]
        out += t
    return VALUE_ERROR if len(out) > 32767 else out


# ---------------------------------------------------------------------------------------
# Day counts (30/360 and actual/actual) and rounding to a multiple


def _day_serial(v: Any) -> tuple[int, tuple[int, int, int]] | XlError:
    n = to_number(v)
    if isinstance(n, XlError):
        return n
    if n < 0:
        return NUM_ERROR
    s = math.floor(n)
    ymd = serial_to_date(float(s))
    return NUM_ERROR if ymd is None else (s, ymd)


def _last_of_month(ymd: tuple[int, int, int]) -> bool:
    y, m, d = ymd
    return d == calendar.monthrange(y, m)[1] or (y, m, d) == (1900, 2, 29)


@_register("DAYS360")
@_elementwise
def xl_days360(start: Any, end: Any, method: Any = False) -> Any:
    """DAYS360(start_date, end_date, [method]): days between on a 360-day year. U.S.
    (NASD) method, the default: "If the starting date is the last day of a month, it
    becomes equal to the 30th day of the same month. If the ending date is the last day
    of a month and the starting date is earlier than the 30th day of a month, the ending
    date becomes equal to the 1st day of the next month; otherwise the ending date
    becomes equal to the 30th day of the same month" (a 31st end day with a start day of
    30 becomes 30). European method (TRUE): 31st days become the 30th."""
    a, b = _day_serial(start), _day_serial(end)
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    euro = to_number(method) if not isinstance(method, bool) else float(method)
    if isinstance(euro, XlError):
        return euro
    (y1, m1, d1), (y2, m2, d2) = a[1], b[1]
    if euro:
        d1, d2 = min(d1, 30), min(d2, 30)
    else:
        if _last_of_month(a[1]):
            d1 = 30
        if d2 == 31:
            if d1 < 30:
                d2, m2 = 1, m2 + 1
            else:
                d2 = 30
    return float((y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1))


def _feb29_between(a: datetime.date, b: datetime.date) -> bool:
    for y in range(a.year, b.year + 1):
        if calendar.isleap(y) and a <= datetime.date(y, 2, 29) <= b:
            return True
    return False


@_register("YEARFRAC")
@_elementwise
def xl_yearfrac(start: Any, end: Any, basis: Any = 0.0) -> Any:
    """YEARFRAC(start_date, end_date, [basis]): the fraction of a year between two dates
    (in either order). Basis 0 (default) US 30/360 as Excel computes it: a 31st start
    day becomes 30, a 31st end day becomes 30 when the start day is 30 or 31, and the
    last day of February becomes 30 (for the end date only when the start date is also
    the last day of February). Basis 1 actual/actual: within one year, actual days over
    366 when the span touches a 29 February (or lies in a leap year), else 365; over
    more years, over the average length of the calendar years spanned. Basis 2
    actual/360, 3 actual/365, 4 European 30/360. Another basis is #NUM!."""
    a, b = _day_serial(start), _day_serial(end)
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    k = _int_arg(basis, 0)
    if isinstance(k, XlError):
        return k
    if not 0 <= k <= 4:
        return NUM_ERROR
    if a[0] > b[0]:
        a, b = b, a
    (s1, (y1, m1, d1)), (s2, (y2, m2, d2)) = a, b
    days = s2 - s1
    if k == 0:
        feb1 = m1 == 2 and _last_of_month(a[1])
        feb2 = m2 == 2 and _last_of_month(b[1])
        if d1 == 31 and d2 == 31:
            d1 = d2 = 30
        elif d1 == 31:
            d1 = 30
        elif d1 == 30 and d2 == 31:
            d2 = 30
        elif feb1 and feb2:
            d1 = d2 = 30
        elif feb1:
            d1 = 30
        return ((y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1)) / 360
    if k == 4:
        d1, d2 = min(d1, 30), min(d2, 30)
        return ((y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1)) / 360
    if k == 2:
        return days / 360
    if k == 3:
        return days / 365
    within = y1 == y2 or (y2 == y1 + 1 and (m1, d1) >= (m2, d2))
    if within:
        da, db = _real(a[1]), _real(b[1])
        leap = (y1 == y2 and calendar.isleap(y1)) or _feb29_between(da, db)
        return days / (366 if leap or (m2, d2) == (2, 29) else 365)
    years = y2 - y1 + 1
    span = date_to_serial(datetime.date(y2 + 1, 1, 1)) - date_to_serial(datetime.date(y1, 1, 1))
    return days / (span / years)


def _multiple(name: str, number: Any, multiple: Any) -> Any:
    n, m = to_number(number), to_number(multiple)
    if isinstance(n, XlError):
        return n
    if isinstance(m, XlError):
        return m
    if name == "FLOOR" and m == 0 and n != 0:
        return DIV_ERROR
    if m == 0 or n == 0:
        return 0.0
    if n > 0 and m < 0:
        return NUM_ERROR
    if name == "MROUND" and n < 0 and m > 0:
        return NUM_ERROR
    q = Decimal(repr(round15(n / m)))  # 1.3/0.2 is 6.499999999999999 in binary: 6.5
    mode = {"MROUND": ROUND_HALF_UP, "FLOOR": "floor", "CEILING": "ceiling"}[name]
    if mode == "floor":
        k = math.floor(q)
    elif mode == "ceiling":
        k = math.ceil(q)
    else:
        k = int(q.to_integral_value(rounding=ROUND_HALF_UP))
    return _finite(round15(float(Decimal(k) * Decimal(repr(m)))))


@_register("MROUND")
@_elementwise
def xl_mround(number: Any, multiple: Any) -> Any:
    """MROUND(number, multiple): the nearest multiple, halves away from zero, with the
    quotient taken to 15 significant digits (``MROUND(1.3,0.2)`` is 1.4, Microsoft's
    example); number and multiple of different signs is #NUM!; multiple 0 gives 0."""
    return _multiple("MROUND", number, multiple)


@_register("FLOOR")
@_elementwise
def xl_floor(number: Any, significance: Any) -> Any:
    """FLOOR(number, significance): rounded down (toward zero when both are negative)
    to a multiple of significance, the quotient to 15 significant digits
    (``FLOOR(1.58,0.1)`` is 1.5, ``FLOOR(0.7,0.1)`` 0.7); a positive number with a
    negative significance is #NUM!; significance 0 is #DIV/0!."""
    return _multiple("FLOOR", number, significance)


@_register("CEILING")
@_elementwise
def xl_ceiling(number: Any, significance: Any) -> Any:
    """CEILING(number, significance): rounded up (away from zero when both are negative)
    to a multiple of significance, the quotient to 15 significant digits
    (``CEILING(0.3,0.1)`` is 0.3); a positive number with a negative significance is
    #NUM!; significance 0 gives 0."""
    return _multiple("CEILING", number, significance)


@_register("SEARCH")
@_elementwise
def xl_search(find_text: Any, within_text: Any, start_num: Any = None) -> Any:
    """SEARCH(find_text, within_text, [start_num=1]): the position of the first match,
    case-insensitive; "You can use the wildcard characters — the question mark (?) and
    asterisk (*) — in the find_text argument ... If you want to find an actual question
    mark or asterisk, type a tilde (~) before the character". Not found, or start_num
    below 1 or past the text, is #VALUE!; an empty find_text gives start_num."""
    t = _texts(find_text, within_text)
    if isinstance(t, XlError):
        return t
    find, within = t
    start = _int_arg(start_num, 1)
    if isinstance(start, XlError):
        return start
    if start < 1 or start > len(within) + (1 if find == "" else 0):
        return VALUE_ERROR
    if find == "":
        return float(start)
    m = _wildcard(find).search(within, start - 1)
    return VALUE_ERROR if m is None else float(m.start() + 1)


@_register("FILTER")
def xl_filter(array: Any, include: Any, if_empty: Any = None) -> Any:
    """FILTER(array, include, [if_empty]): the rows (a column of include values) or
    columns (a row of them) of ``array`` whose include value is TRUE or a non-zero
    number; include must match the array's height or width, else #VALUE!; an error in
    include is returned; "If the dataset ... returns nothing, FILTER returns #CALC!"
    unless ``if_empty`` is given (Microsoft, FILTER function)."""
    if isinstance(array, XlError):
        return array
    if isinstance(include, XlError):
        return include
    g, inc = _padded(array), _padded(include)
    if inc.shape[1] == 1 and inc.shape[0] == g.shape[0]:
        by_rows, flags = True, inc[:, 0].tolist()
    elif inc.shape[0] == 1 and inc.shape[1] == g.shape[1]:
        by_rows, flags = False, inc[0, :].tolist()
    else:
        return VALUE_ERROR
    keep = []
    for i, f in enumerate(flags):
        if isinstance(f, XlError):
            return f
        if f is EMPTY or f is None:
            continue
        if _is_text(f):
            return VALUE_ERROR
        if f:
            keep.append(i)
    if not keep:
        if if_empty is None:
            return ERRORS["#CALC!"]
        return if_empty
    out = g[keep, :] if by_rows else g[:, keep]
    return np.ascontiguousarray(out).view(Array)


_ERROR_TYPES = {
    "#NULL!": 1.0,
    "#DIV/0!": 2.0,
    "#VALUE!": 3.0,
    "#REF!": 4.0,
    "#NAME?": 5.0,
    "#NUM!": 6.0,
    "#N/A": 7.0,
    "#GETTING_DATA": 8.0,
    "#SPILL!": 9.0,
    "#CALC!": 14.0,
}


@_register("ERROR.TYPE")
@_elementwise
def xl_error_type(error_val: Any) -> Any:
    """ERROR.TYPE(error_val): 1 #NULL!, 2 #DIV/0!, 3 #VALUE!, 4 #REF!, 5 #NAME?, 6
    #NUM!, 7 #N/A, 8 #GETTING_DATA, 9 #SPILL!, 14 #CALC!; not an error is #N/A."""
    if isinstance(error_val, XlError):
        return _ERROR_TYPES.get(str(error_val), NA_ERROR)
    return NA_ERROR


# ---------------------------------------------------------------------------------------
# Dispersion: numbers as SUM takes them (text and logicals in references ignored)


def _moments(name: str, args: tuple[Any, ...]) -> Any:
    nums = _numbers(args)
    if isinstance(nums, XlError):
        return nums
    n = len(nums)
    if name in ("GEOMEAN", "HARMEAN", "AVEDEV", "DEVSQ") and n == 0:
        return NUM_ERROR
    if name == "GEOMEAN":
        if any(x <= 0 for x in nums):
            return NUM_ERROR
        return _finite(math.exp(math.fsum(math.log(x) for x in nums) / n))
    if name == "HARMEAN":
        if any(x <= 0 for x in nums):
            return NUM_ERROR
        return _finite(n / math.fsum(1 / x for x in nums))
    sample = name in ("VAR", "VAR.S", "STDEV", "STDEV.S", "KURT", "SKEW")
    least = {"KURT": 4, "SKEW": 3}.get(name, 2 if sample else 1)
    if n < least and name not in ("AVEDEV", "DEVSQ"):
        return DIV_ERROR
    m = math.fsum(nums) / n
    if name == "AVEDEV":
        return _finite(math.fsum(abs(x - m) for x in nums) / n)
    ss = math.fsum((x - m) ** 2 for x in nums)
    if name == "DEVSQ":
        return _finite(ss)
    var = ss / (n - 1 if sample else n)
    if name in ("VAR", "VAR.S", "VARP", "VAR.P"):
        return _finite(var)
    if name in ("STDEV", "STDEV.S", "STDEVP", "STDEV.P"):
        return _finite(math.sqrt(var))
    s = math.sqrt(var)
    if s == 0:
        return DIV_ERROR
    if name == "SKEW":
        return _finite(n / ((n - 1) * (n - 2)) * math.fsum(((x - m) / s) ** 3 for x in nums))
    k = math.fsum(((x - m) / s) ** 4 for x in nums)
    return _finite(
        n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * k - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    )


_MOMENT_DOCS = {
    "VAR": "VAR/VAR.S(number1, ...): sample variance, sum((x-mean)^2)/(n-1); fewer than 2 "
    "numbers is #DIV/0!.",
    "VARP": "VARP/VAR.P(number1, ...): population variance, sum((x-mean)^2)/n.",
    "STDEV": "STDEV/STDEV.S(number1, ...): the square root of the sample variance.",
    "STDEVP": "STDEVP/STDEV.P(number1, ...): the square root of the population variance.",
    "GEOMEAN": "GEOMEAN(number1, ...): the n-th root of the product; a number <= 0 is #NUM!.",
    "HARMEAN": "HARMEAN(number1, ...): n / sum(1/x); a number <= 0 is #NUM!.",
    "AVEDEV": "AVEDEV(number1, ...): the mean absolute deviation from the mean.",
    "DEVSQ": "DEVSQ(number1, ...): the sum of squared deviations from the mean.",
    "SKEW": "SKEW(number1, ...): n/((n-1)(n-2)) * sum(((x-mean)/s)^3); fewer than 3 numbers "
    "or s = 0 is #DIV/0!.",
    "KURT": "KURT(number1, ...): n(n+1)/((n-1)(n-2)(n-3)) * sum(((x-mean)/s)^4) - "
    "3(n-1)^2/((n-2)(n-3)); fewer than 4 numbers or s = 0 is #DIV/0!.",
}


def _moment_fn(name: str, doc: str) -> Fn:
    def fn(*args: Any) -> Any:
        return _moments(name, args)

    fn.__name__ = "xl_" + name.lower().replace(".", "_")
    fn.__doc__ = (
        doc + " Arguments as SUM takes them: text (numbers stored as text too), logicals "
        "and blanks in a reference are ignored (Microsoft's function reference)."
    )
    return fn


for _name, _aliases in {
    "VAR": ("VAR", "VAR.S"),
    "VARP": ("VARP", "VAR.P"),
    "STDEV": ("STDEV", "STDEV.S"),
    "STDEVP": ("STDEVP", "STDEV.P"),
    "GEOMEAN": ("GEOMEAN",),
    "HARMEAN": ("HARMEAN",),
    "AVEDEV": ("AVEDEV",),
    "DEVSQ": ("DEVSQ",),
    "SKEW": ("SKEW",),
    "KURT": ("KURT",),
}.items():
    _register(*_aliases)(_moment_fn(_name, _MOMENT_DOCS[_name]))
