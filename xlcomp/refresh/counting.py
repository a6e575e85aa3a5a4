"""Excel's counting, averaging and extreme-value functions, without importing scipy.

``formulas`` keeps COUNT, COUNTA, COUNTIF, AVERAGE, MAX and the like in its statistics
module, which imports scipy at the top: a workbook that only counts (the template's
``COUNTIF`` and ``COUNTA``) would spend most of its refresh loading scipy. This module
builds the same functions, the way ``formulas.functions.stat`` (1.3) builds them, from
the scipy-free pieces of ``formulas.functions``: the same argument flattening, error
propagation, criteria matching (``xfilter``/``xfilters``: ``">=5"``, ``"a*"``, ``"<>x"``)
and wrapping, so each returns exactly what formulas' own function returns. The refresh
engine looks names up here after formulas' cheap modules and before its costly ones.

Each function takes formulas' values (floats, text, booleans, ``XlError``, ``EMPTY``, 2-D
``Array`` ranges) and returns a number or an ``XlError``: ``#DIV/0!`` for an average of
nothing, the first error among its arguments for COUNT-free functions that propagate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import schedula as sh
from formulas.functions import (
    Error,
    _convert_args,
    flatten,
    is_not_empty,
    is_number,
    raise_errors,
    wrap_func,
    xfilter,
    xfilters,
)

__all__ = ["FUNCTIONS"]


def _convert(v: Any) -> Any:
    """A value as the ``...A`` functions (AVERAGEA, MAXA, MINA) count it: text is 0."""
    if isinstance(v, str):
        return 0
    if isinstance(v, bool):
        return int(v)
    if not isinstance(v, float | int):
        return float(v)
    return v


def xfunc(
    *args: Any,
    func: Callable[[list[Any]], Any] = max,
    check: Callable[[Any], bool] = is_number,
    convert: Callable[[Any], Any] | None = None,
    default: Any = 0,
    _raise: bool = True,
) -> Any:
    """``func`` over the values of ``args`` that pass ``check`` (``[default]`` if none)."""
    if _raise:
        raise_errors(args)
    it = flatten(map(_convert_args, args), check=check)
    fallback = [] if default is None else [default]
    return func(list(map(convert, it) if convert else it) or fallback)


def _xaverage(v: list[Any]) -> Any:
    if v:
        return np.mean(v)
    return Error.errors["#DIV/0!"]


def _is_blank(x: Any) -> bool:
    return bool(x == "" or x is sh.EMPTY)


_xaverage_of = functools.partial(xfunc, func=_xaverage, default=None)
_xmin = functools.partial(xfunc, func=min)

FUNCTIONS: dict[str, Any] = {
    "COUNT": wrap_func(
        functools.partial(
            xfunc,
            func=len,
            _raise=False,
            default=None,
            check=functools.partial(is_number, xl_return=False),
        )
    ),
    "COUNTA": wrap_func(
        functools.partial(xfunc, check=is_not_empty, func=len, _raise=False, default=None)
    ),
    "COUNTBLANK": wrap_func(
        functools.partial(xfunc, check=_is_blank, func=len, _raise=False, default=None)
    ),
    "COUNTIF": wrap_func(functools.partial(xfilter, len, operating_range=None)),
    "COUNTIFS": wrap_func(functools.partial(xfilters, len, None)),
    "AVERAGE": wrap_func(_xaverage_of),
    "AVERAGEA": wrap_func(
        functools.partial(xfunc, convert=_convert, check=is_not_empty, func=_xaverage, default=None)
    ),
    "AVERAGEIF": wrap_func(functools.partial(xfilter, _xaverage_of)),
    "AVERAGEIFS": wrap_func(functools.partial(xfilters, _xaverage_of)),
    "MAX": wrap_func(xfunc),
    "MAXA": wrap_func(functools.partial(xfunc, convert=_convert, check=is_not_empty)),
    "MAXIFS": wrap_func(functools.partial(xfilters, xfunc)),
    "MIN": wrap_func(_xmin),
    "MINA": wrap_func(functools.partial(xfunc, convert=_convert, check=is_not_empty, func=min)),
    "MINIFS": wrap_func(functools.partial(xfilters, _xmin)),
}
FUNCTIONS["_XLFN.MAXIFS"] = FUNCTIONS["MAXIFS"]
FUNCTIONS["_XLFN.MINIFS"] = FUNCTIONS["MINIFS"]
