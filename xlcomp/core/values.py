"""Reading one cell value as what an argument needs: money, a rate, a percentile, text.

Excel hands a worksheet function floats for numbers, ``None`` for empty cells, ``str``
for text and ``bool`` for TRUE/FALSE. The rules:

* money and plain numbers: a number, or text such as ``"$240,000"`` or ``"240K"``
  (``to_number("$240K") == 240000.0``); booleans, NaN and infinities are refused;
* rates are fractions: ``0.15``, or text ``"15%"`` (``to_rate("15%") == 0.15``). A bare
  number above 1 is refused with ``15 looks like a whole percent: enter 15% or 0.15``;
* percentiles are numbers from 0 to 100 (10 = the 10th percentile);
* text keys are stripped; a number used as a key reads as Excel shows it (5.0 -> ``"5"``);
* amounts by year are separated by ``/``: ``"50000/25000"`` -> (50000.0, 25000.0);
* dates are Excel serial numbers in the 1900 date system (45352 is 2024-03-01), dates
  or datetimes (as xlwings hands a date cell), or ISO text ``"2024-03-01"``.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from xlcomp.errors import InputError

_MONEY = re.compile(
    r"^\(?(-)?\s*[$€£¥]?\s*(-)?\s*([0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*([kKmM])?\)?$"
)
_PERCENT = re.compile(r"^(-)?\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%$")


SHOWN_TEXT = 40
"""At most this many characters of a text are quoted in a message (then an ellipsis)."""


def show(value: object) -> str:
    """A cell value as a message quotes it: short, whatever the value.

    Whole numbers below 1e15 in full (``240000``); other numbers in at most 15
    significant digits (``-1e+308``, ``0.1``); text quoted and cut after
    :data:`SHOWN_TEXT` characters with an ellipsis and its length (``'xxx…' (5,000
    characters)``). Every ``#XLCOMP!`` message quotes bad values through here.
    """
    if isinstance(value, str):
        if len(value) <= SHOWN_TEXT:
            return repr(value)
        return f"{value[:SHOWN_TEXT]!r}… ({len(value):,} characters)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else f"{float(value):.15g}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    text = str(value)
    return text if len(text) <= SHOWN_TEXT else f"{text[:SHOWN_TEXT]}… ({len(text):,} characters)"


def is_empty(value: object) -> bool:
    """True for an empty cell: None or text of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def to_number(value: object, arg: str) -> float:
    """A number from a cell: ``240000``, ``"240,000"``, ``"$240K"`` -> 240000.0."""
    if type(value) is float:
        if math.isfinite(value):
            return value
        raise InputError(arg, f"{show(value)} is not a finite number")
    if isinstance(value, bool):
        raise InputError(arg, f"{show(value)} is not a number")
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):  # float subclasses (numpy.float64)
        return to_number(float(value), arg)
    if isinstance(value, str):
        text = value.strip()
        m = _MONEY.match(text)
        if m and text:
            neg = bool(m.group(1) or m.group(2)) or (text.startswith("(") and text.endswith(")"))
            number = float(m.group(3).replace(",", ""))
            suffix = (m.group(4) or "").lower()
            number *= {"": 1.0, "k": 1e3, "m": 1e6}[suffix]
            return -number if neg else number
        if _PERCENT.match(text):
            raise InputError(arg, f"{show(value)} is a percentage; this argument is an amount")
        raise InputError(arg, f"{show(value)} is not a number")
    if value is None:
        raise InputError(arg, "is empty")
    raise InputError(arg, f"{show(value)} is not a number")


def to_rate(value: object, arg: str) -> float:
    """A rate as a fraction: ``0.15`` or ``"15%"`` -> 0.15; ``15`` is refused."""
    if isinstance(value, str):
        m = _PERCENT.match(value.strip())
        if m:
            rate = float(m.group(2)) / 100
            return -rate if m.group(1) else rate
    number = to_number(value, arg)
    if abs(number) > 1:
        shown = show(number)
        raise InputError(
            arg,
            f"{shown} looks like a whole percent: enter {shown}% or {show(number / 100)}",
        )
    return number


def to_percentile(value: object, arg: str) -> float:
    """A percentile number, 0 < p < 100 (10 = the 10th percentile)."""
    if isinstance(value, str) and _PERCENT.match(value.strip()):
        number = to_rate(value, arg) * 100
    else:
        number = to_number(value, arg)
        if 0 < number < 1:
            raise InputError(
                arg,
                f"{show(number)} looks like a rate: a percentile is a number from 1 to 99 "
                f"(enter {show(number * 100)} for the {show(number * 100)}th percentile)",
            )
    if not 0 < number < 100:
        raise InputError(arg, f"{show(number)} is not a percentile between 0 and 100")
    return number


def to_int(value: object, arg: str) -> int:
    """A whole number: ``2``, ``2.0`` or ``"2"``; ``2.5`` is refused."""
    number = to_number(value, arg)
    if not number.is_integer():
        raise InputError(arg, f"{show(number)} is not a whole number")
    return int(number)


def to_text(value: object, arg: str) -> str:
    """A text key, stripped; numbers read as Excel shows them."""
    if isinstance(value, str):
        text = value.strip()
        if text:
            return text
        raise InputError(arg, "is empty")
    if value is None:
        raise InputError(arg, "is empty")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(arg, f"{show(value)} is not text")
        return show(float(value))
    raise InputError(arg, f"{show(value)} is not text")


def to_amounts(value: object, arg: str) -> tuple[float, ...]:
    """Amounts by year: ``"50000/25000"`` -> (50000.0, 25000.0); one number -> (x,)."""
    if isinstance(value, str) and "/" in value:
        parts = value.split("/")
        amounts = []
        for i, part in enumerate(parts, start=1):
            if not part.strip():
                raise InputError(arg, f"{show(value)}: year {i} is empty")
            try:
                amounts.append(to_number(part, arg))
            except InputError:
                raise InputError(
                    arg, f"{show(value)}: year {i} ({part.strip()!r}) is not an amount"
                ) from None
        return tuple(amounts)
    return (to_number(value, arg),)


EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system for serials from 61 (1900-03-01) on."""
_LAST_SERIAL = 2958465  # 9999-12-31


def to_date(value: object, arg: str) -> dt.date:
    """A date: an Excel serial (1900 date system), a date or datetime, or ISO text.

    Excel counts a 29 February 1900 that did not exist (serial 60), so serials 1 to 59
    are one day later than a plain count from 1899-12-30; 60 is refused. The time of
    day (the fraction of a serial, or of a datetime) is dropped.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    try:
        serial = to_number(value, arg)
    except InputError:
        raise InputError(
            arg, f"{show(value)} is not a date (enter a date, or text like 2024-03-01)"
        ) from None
    day = math.floor(serial)
    if not 1 <= day <= _LAST_SERIAL:
        raise InputError(arg, f"{show(serial)} is not a date serial from 1 to {_LAST_SERIAL}")
    if day == 60:
        raise InputError(arg, "60 is 29 February 1900, a day Excel counts that did not exist")
    return EXCEL_EPOCH + dt.timedelta(days=day if day > 60 else day + 1)
