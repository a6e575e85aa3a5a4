"""Argument kinds: one cell read as what an argument needs, one element's result as a cell.

Excel hands a worksheet function ``None`` (empty), ``float``, ``str``, ``bool``, or a
range. Each argument has a kind (money, a rate, a percentile, a whole number, text, a
choice, a date, a sign-on by year…; see :mod:`xlcomp.worksheet.catalogue`) and a
:class:`Param` pairs its name with the reader of that kind. Nothing here raises: a bad
cell becomes a :class:`CellError` holding the one line the cell will show,
``#XLCOMP! <argument>: <problem>``, and so does a calculation that raises or gives no
finite number (:func:`element`).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from xlcomp.core.values import (
    is_empty,
    show,
    to_amounts,
    to_date,
    to_int,
    to_number,
    to_percentile,
    to_rate,
    to_text,
)
from xlcomp.errors import InputError, XlcompError

ERROR_PREFIX = "#XLCOMP! "

Cell = float | str | bool | None
Grid = list[list[Any]]

SCALAR_TYPES = frozenset({float, str, bool, int, type(None)})
ROW_TYPES = frozenset({list, tuple})


MESSAGE_CHARS = 300
"""The longest message a cell shows; values in it are quoted short already
(:func:`xlcomp.core.values.show`), this is the net under a message that is not."""


def error_text(exc: BaseException) -> str:
    """The one short line a cell shows for an error (at most :data:`MESSAGE_CHARS`)."""
    if isinstance(exc, XlcompError):
        message = str(exc)
    else:  # a bug of ours: still one line, never a traceback
        message = f"internal error ({type(exc).__name__}: {shown(exc)})"
    line = " ".join(message.split())
    if len(line) > MESSAGE_CHARS:
        line = line[: MESSAGE_CHARS - 1] + "…"
    return ERROR_PREFIX + line


def shown(value: object) -> str:
    """A cell value as a message quotes it, whatever it is, at most 40 characters."""
    try:
        text = show(value)
    except Exception:  # an object whose str() fails
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text)} characters)"


# --- argument kinds -----------------------------------------------------------------


def read_choice(options: Sequence[str]) -> Callable[[object, str], str]:
    """The reader of a choice among ``options`` (case-insensitive)."""

    def read(value: object, arg: str) -> str:
        word = to_text(value, arg).casefold()
        if word not in options:
            raise InputError(arg, f"{word!r} is not one of {', '.join(options)}")
        return word

    return read


def read_money(value: object, arg: str) -> float:
    """Money: a finite number, or text such as ``"$240K"``."""
    if type(value) is float and math.isfinite(value):
        return value
    return to_number(value, arg)


def read_rate(value: object, arg: str) -> float:
    """A rate as a fraction: ``0.15`` or ``"15%"``; 15 is refused as a whole percent."""
    if type(value) is float and 0.0 <= value <= 1.0:
        return value
    return to_rate(value, arg)


def read_signon(value: object, arg: str) -> float | tuple[float, ...]:
    """A sign-on: one amount (paid in year 1), or amounts by year.

    ``50000`` -> 50000.0; the text ``"50000/25000"`` or a :class:`Row` of cells ->
    ``(50000.0, 25000.0)`` (year 1, year 2; an empty cell of a row is 0).
    """
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, Row):
        return tuple(0.0 if is_empty(v) else read_money(v, arg) for v in value.cells)
    if isinstance(value, str) and "/" in value:
        return to_amounts(value, arg)
    return to_number(value, arg)


@dataclass(frozen=True, slots=True)
class Row:
    """A one-row range read as one value (a sign-on by year), not broadcast."""

    cells: tuple[object, ...]


def read_by_component(value: object, component: str, arg: str) -> float:
    """A value read by the kind of its band's component: a rate for ``bonus``, else money.

    So ``12`` next to the bonus band is refused as a whole percent, ``"12%"`` reads as
    0.12, and ``"12%"`` next to the base band is refused as a percentage.
    """
    if component == "bonus":
        return read_rate(value, arg)
    return read_money(value, arg)


READERS: dict[str, Callable[[object, str], Any]] = {
    "money": read_money,
    "rate": read_rate,
    "percentile": to_percentile,
    "year": to_int,
    "count": to_int,
    "months": to_int,
    "text": to_text,
    "schedule": to_text,
    "date": to_date,
    "signon": read_signon,
    "band_value": lambda value, arg: value,  # read with its component's kind by the function
}
"""The reader of each argument kind (a choice's is made by :func:`read_choice`)."""

FAST_KINDS = {"money": "money", "rate": "rate", "signon": "money", "band_value": "money"}
"""Kinds whose plain floats read as themselves (money: finite; rates: 0 to 1). A band's
value is read again by its component's kind, where a finite float is money and a float
from 0 to 1 a rate, each as itself."""


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


class CellError:
    """A per-element error, kept as its text until the result is assembled."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def read_cell(param: Param, value: object) -> Any:
    """One cell read for ``param``: its value, its default, or an :class:`CellError`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if param.required:
            return CellError(f"{ERROR_PREFIX}{param.name}: is required (the cell is empty)")
        return param.default
    try:
        return param.read(value, param.name)
    except XlcompError as exc:
        return CellError(error_text(exc))
    except Exception as exc:  # e.g. a whole number too large for a float
        return CellError(
            f"{ERROR_PREFIX}{param.name}: {shown(value)} cannot be read ({type(exc).__name__})"
        )


def no_result(params: Sequence[Param], values: Sequence[Any], what: str) -> str:
    """The error of a calculation that gives no finite number: it names the numbers,
    the extreme ones (beyond 1e100 or within 1e-100 of 0) when there are any."""
    numbers = [(p.name, v) for p, v in zip(params, values, strict=True) if type(v) in (float, int)]
    extreme = [n for n, v in numbers if abs(v) > 1e100 or 0 < abs(v) < 1e-100]
    names = extreme or [n for n, _ in numbers] or [p.name for p in params]
    which = "this number" if len(names) == 1 else "these numbers"
    return f"{ERROR_PREFIX}{', '.join(names)}: no finite result ({what}); check the size of {which}"


def element(fn: Callable[..., Any], params: Sequence[Param], values: Sequence[Any]) -> Any:
    """``fn`` of one element's values; an error text instead of an exception or NaN."""
    try:
        result = fn(*values)
    except XlcompError as exc:
        return error_text(exc)
    except (ArithmeticError, ValueError) as exc:  # overflow, a zero width, a math domain
        return no_result(params, values, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # never a traceback in a cell
        return error_text(exc)
    if type(result) is float:
        return result if math.isfinite(result) else no_result(params, values, show(result))
    if type(result) is list:
        for x in result:
            if isinstance(x, float) and not math.isfinite(x):
                return no_result(params, values, show(x))
    return result


def is_range(value: object) -> bool:
    """Whether an argument is a range (a list, tuple or array) rather than one value."""
    if type(value) in SCALAR_TYPES:
        return False
    return isinstance(value, list | tuple) or callable(getattr(value, "tolist", None))


def one_value(value: object, arg: str) -> object:
    """An argument that takes one value: the value, or the cell of a one-cell range.

    A range of several cells is refused by its size, never echoed:
    ``tolerance: a range of 2,000 cells where one value is needed``.
    """
    if not is_range(value):
        return value
    tolist = getattr(value, "tolist", None)
    rows: Any = tolist() if callable(tolist) else value
    cells = [c for r in rows for c in (r if isinstance(r, list | tuple) else [r])]
    if len(cells) == 1:
        return cells[0]
    raise InputError(arg, f"a range of {len(cells):,} cells where one value is needed")


@contextmanager
def gc_paused() -> Iterator[None]:
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
