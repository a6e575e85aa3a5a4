"""The engine's cell values and their conversions.

A value is a ``float``, ``str``, ``bool``, an Excel error (formulas' ``XlError``, whose
text is e.g. ``#DIV/0!``), ``EMPTY`` (a blank cell), or — for ranges and spilled
results — a 2-D numpy object array (formulas' ``Array``). These are the types formulas'
Excel functions take and return, so native functions are called without conversion.
"""

from __future__ import annotations

import contextvars
import datetime
import math
import re
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


# ---------------------------------------------------------------------------------------
# Excel's number semantics: 15 significant digits, text <-> number


def round15(x: float) -> float:
    """``x`` rounded to 15 significant digits, the precision Excel computes and shows.

    Excel stores IEEE doubles but keeps "15 digits of precision" (Microsoft's
    "Floating-point arithmetic may give inaccurate results in Excel"): 2.21+2.19 is
    4.3999999999999995 as a double and 4.4 to Excel's ROUNDUP, TEXT and ``&``.
    """
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.15g}")


def approx_equal(a: float, b: float) -> bool:
    """Equality as Excel's ``=`` sees two numbers: equal to 15 significant digits."""
    if a == b:
        return True
    return round15(a) == round15(b)


def number_text(x: float) -> str:
    """A number as Excel turns it into text (``=x&""``, TEXT with "General").

    At most 15 significant digits without trailing zeros (``0.1+0.2`` -> ``"0.3"``,
    ``1/3`` -> ``"0.333333333333333"``), scientific with a two-digit exponent
    (``"1E+20"``, ``"1.5E-10"``) from 1E+15 up and below 1E-9.
    """
    if x == 0:
        return "0"
    r = round15(x)
    if r == 0:
        return "0"
    exp = math.floor(math.log10(abs(r)))
    if -10 < exp < 15:
        text = f"{r:.{max(0, 14 - exp)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mant, _, e = f"{r:.14e}".partition("e")
    mant = mant.rstrip("0").rstrip(".")
    n = int(e)
    return f"{mant}E{'+' if n >= 0 else '-'}{abs(n):02d}"


_NUM_TEXT = re.compile(
    r"""^\s*(?P<neg1>[-+])?\s*(?P<paren>\()?\s*(?P<cur>\$)?\s*(?P<neg2>[-+])?\s*
    (?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE](?P<exp>[-+]?\d+))?
    \s*(?P<pct>%)?\s*(?P<cparen>\))?\s*$""",
    re.X,
)


def text_to_number(text: str) -> float | None:
    """Text as Excel's arithmetic and VALUE read it, or None when it is not a number.

    Accepts what Excel's VALUE documents ("text in any of the constant number, date, or
    time formats recognized by Excel"): spaces around, thousands separators
    (``" 1,200 "``), a currency sign (``"$1,200.50"``), a percent sign (``"15%"`` ->
    0.15), an exponent, a sign or accounting parentheses (``"(100)"`` -> -100), and ISO
    or US dates and times (``"2024-01-15"``, ``"1/15/2024"``, ``"13:30"``, ``"1:30 PM"``)
    as serials, and a mixed fraction (``"1 1/2"`` -> 1.5).
    """
    m = _NUM_TEXT.match(text)
    if m is not None:
        if bool(m.group("paren")) != bool(m.group("cparen")):
            return None
        if m.group("neg1") and m.group("neg2"):
            return None
        exp = m.group("exp")
        v = float(m.group("num").replace(",", "") + (f"e{exp}" if exp else ""))
        if m.group("pct"):
            v /= 100.0
        if m.group("paren") or "-" in (m.group("neg1") or "") + (m.group("neg2") or ""):
            v = -v
        return v if math.isfinite(v) else None
    m = _MIXED_FRACTION.fullmatch(text)
    if m is not None and 0 < int(m[3]) < int(m[4]):
        v = int(m[2]) + int(m[3]) / int(m[4])
        return -v if m[1] == "-" else v
    return date_text_serial(text)


_MIXED_FRACTION = re.compile(r"\s*([-+]?)(\d+) +(\d+)/(\d+)\s*")
"""A whole number and a proper fraction (``"1 1/2"``), as Excel reads a typed number."""


# ---------------------------------------------------------------------------------------
# Date serials: the 1900 system (with Lotus's 29 February 1900) and the 1904 system

DATE1904: contextvars.ContextVar[bool] = contextvars.ContextVar("DATE1904", default=False)
"""True while the engine evaluates a workbook saved with ``<workbookPr date1904="1"/>``."""

_EPOCH_1900 = datetime.date(1899, 12, 30)
_EPOCH_1904 = datetime.date(1904, 1, 1)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def serial_to_date(serial: float) -> tuple[int, int, int] | None:
    """(year, month, day) of a date serial in the workbook's date system, or None.

    In the 1900 system serial 1 is 1 January 1900 and serial 60 is the 29 February 1900
    that Excel keeps for Lotus 1-2-3 compatibility ("Excel incorrectly assumes that the
    year 1900 is a leap year", Microsoft KB 214326); in the 1904 system serial 0 is
    1 January 1904 (KB 214330). Negative serials and years past 9999 are None (#NUM!).
    """
    n = math.floor(serial + 1e-9)
    if DATE1904.get():
        if n < 0:
            return None
        d = _EPOCH_1904 + datetime.timedelta(days=n)
    else:
        if n < 0:
            return None
        if n == 0:
            return (1900, 1, 0)
        if n == 60:
            return (1900, 2, 29)
        d = _EPOCH_1900 + datetime.timedelta(days=n + (1 if n < 60 else 0))
    if d.year > 9999:
        return None
    return d.year, d.month, d.day


def date_to_serial(d: datetime.date, date1904: bool | None = None) -> float:
    """The serial of a real calendar date in the workbook's date system (``date1904``:
    that system instead of the one being evaluated)."""
    if DATE1904.get() if date1904 is None else date1904:
        return float((d - _EPOCH_1904).days)
    n = (d - _EPOCH_1900).days
    return float(n - 1 if n < 61 else n)


def iso_serial(text: str, date1904: bool) -> float | None:
    """A cell stored as a date (``t="d"``, ISO 8601 text such as ``2024-01-15T09:30:00``)
    as a serial in the given date system, or None when it is not ISO 8601."""
    try:
        when = datetime.datetime.fromisoformat(text.strip().rstrip("Zz"))
    except ValueError:
        try:
            t = datetime.time.fromisoformat(text.strip())
        except ValueError:
            return None
        return (t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6) / 86400
    seconds = when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
    return date_to_serial(when.date(), date1904) + seconds / 86400


def date_text_serial(text: str) -> float | None:
    """A date or time typed as text (ISO ``2024-01-15``, US ``1/15/2024``,
    ``15-Jan-2024``, ``Jan 15, 2024``, ``13:30``, ``1:30 PM``) as a serial, else None."""
    t = text.strip().lower()
    day: datetime.date | None = None
    frac = 0.0
    date_part, _, time_part = t.partition(" ") if ":" in t and " " in t else (t, "", "")
    if re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:am|pm)", t):
        date_part, time_part = "", t  # a time alone, with AM/PM ("1:30 PM")
    if ":" in date_part and not time_part:
        date_part, time_part = "", date_part
    if date_part:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:t.*)?", date_part)
        try:
            if m:
                day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
            elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", date_part):
                y = int(m[3])
                y = y + (2000 if y < 30 else 1900) if y < 100 else y
                day = datetime.date(y, int(m[1]), int(m[2]))
            elif m := re.fullmatch(r"(\d{1,2})[- ]([a-z]{3})[a-z]*[- ](\d{2}|\d{4})", date_part):
                y = int(m[3])
                y = y + (2000 if y < 30 else 1900) if y < 100 else y
                day = datetime.date(y, _MONTHS[m[2]], int(m[1]))
            elif m := re.fullmatch(r"([a-z]{3})[a-z]* (\d{1,2}),? (\d{4})", date_part):
                day = datetime.date(int(m[3]), _MONTHS[m[1]], int(m[2]))
            else:
                return None
        except (ValueError, KeyError):
            return None
    if time_part:
        m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*(am|pm)?", time_part.strip())
        if m is None:
            return None
        h, mi, sec = int(m[1]), int(m[2]), float(m[3] or 0)
        if m[4]:
            if h > 12:
                return None
            h = h % 12 + (12 if m[4] == "pm" else 0)
        if mi > 59 or sec >= 60:
            return None
        frac = (h * 3600 + mi * 60 + sec) / 86400
    if day is None:
        return frac if time_part else None
    return date_to_serial(day) + frac
