"""The engine's cell values and their conversions.

A value is a ``float``, ``str``, ``bool``, an Excel error (formulas' ``XlError``, whose
text is e.g. ``#DIV/0!``), ``EMPTY`` (a blank cell), or — for ranges and spilled
results — a 2-D numpy object array (formulas' ``Array``). These are the types formulas'
Excel functions take and return, so native functions are called without conversion.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import schedula as sh
from formulas.functions import Array
from formulas.tokens.operand import Error, XlError

EMPTY: Any = sh.EMPTY
ERRORS: dict[str, XlError] = dict(Error.errors)
ERRORS.update({"#SPILL!": XlError("#SPILL!"), "#CALC!": XlError("#CALC!")})
VALUE_ERROR = ERRORS["#VALUE!"]
NA_ERROR = ERRORS["#N/A"]
NUM_ERROR = ERRORS["#NUM!"]
DIV_ERROR = ERRORS["#DIV/0!"]
NAME_ERROR = ERRORS["#NAME?"]
REF_ERROR = ERRORS["#REF!"]

__all__ = [
    "DIV_ERROR",
    "EMPTY",
    "ERRORS",
    "NAME_ERROR",
    "NA_ERROR",
    "NUM_ERROR",
    "REF_ERROR",
    "VALUE_ERROR",
    "Array",
    "XlError",
    "from_udf",
    "is_error",
    "scalar",
    "to_array",
    "to_error",
    "to_udf",
]


def to_error(text: str) -> XlError:
    """``"#N/A"`` -> the error value (unknown error texts read as ``#VALUE!``)."""
    return ERRORS.get(text.strip().upper(), VALUE_ERROR)


def is_error(v: Any) -> bool:
    """True for an Excel error value."""
    return isinstance(v, XlError)


def scalar(v: Any) -> Any:
    """Plain Python value of one engine value; a multi-cell array stays an array."""
    if isinstance(v, np.ndarray):
        if v.size == 1:
            v = v.reshape(-1)[0]
        elif v.ndim != 2:
            return np.asarray(v, object).reshape(1, -1).view(Array) if v.ndim < 2 else v
        else:
            return v
    t = type(v)
    if t is float or t is str or t is bool or isinstance(v, XlError) or v is EMPTY:
        if t is float and not math.isfinite(v):
            return NUM_ERROR
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else NUM_ERROR
    if isinstance(v, np.str_):
        return str(v)
    if v is None:
        return EMPTY
    if isinstance(v, str):
        return str(v)
    return v


def to_array(rows: Any) -> Any:
    """A 2-D list (or array) of values -> a 2-D object ``Array`` of engine values."""
    arr = np.empty((len(rows), len(rows[0]) if rows else 0), object)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            arr[i, j] = scalar(v)
    return arr.view(Array)


def to_udf(v: Any) -> Any:
    """An engine value -> what an xlwings function receives (None, scalar, 2-D list)."""
    if v is EMPTY:
        return None
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return to_udf(v.reshape(-1)[0])
        rows = v.reshape(v.shape[0], -1) if v.ndim == 2 else v.reshape(1, -1)
        return [[_udf_item(x) for x in row] for row in rows.tolist()]
    return v


def _udf_item(x: Any) -> Any:
    if x is EMPTY or isinstance(x, XlError):
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


def from_udf(v: Any) -> Any:
    """What a worksheet function returned -> an engine value (lists become arrays)."""
    if isinstance(v, (list, tuple)):
        if not v:
            return EMPTY
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in v]
        if len(rows) > 0 and all(not isinstance(r, (list, tuple)) for r in v):
            rows = [list(v)]  # a flat list is one row, as xlwings writes it
        width = max(len(r) for r in rows)
        rows = [r + [None] * (width - len(r)) for r in rows]
        arr = to_array([[EMPTY if x is None else x for x in r] for r in rows])
        return arr if arr.size != 1 else arr[0, 0]
    if isinstance(v, np.ndarray):
        return to_array(v.reshape(v.shape[0], -1).tolist() if v.ndim == 2 else [v.tolist()])
    if v is None:
        return EMPTY
    return scalar(v)
