"""The worksheet functions as plain Python, built from :mod:`xlcomp.worksheet.catalogue`.

Each takes what Excel hands a function declared with ``ndim=2`` and returns what Excel
shows: a table argument is read through the cache (:mod:`xlcomp.worksheet.tables`), the
other arguments are read by their kinds and broadcast
(:mod:`xlcomp.worksheet.broadcast`), and nothing raises: a problem is the text
``#XLCOMP! <argument>: <problem>`` in its own position. ``FUNCTIONS["TOTALCOMP"](240000,
80000, 0.15)`` is 356000.0; arguments left out are empty cells.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from xlcomp.worksheet.broadcast import broadcast
from xlcomp.worksheet.catalogue import CATALOGUE, Function, Parameter
from xlcomp.worksheet.cells import (
    ERROR_PREFIX,
    FAST_KINDS,
    READERS,
    SCALAR_TYPES,
    Param,
    Row,
    error_text,
    read_choice,
)
from xlcomp.worksheet.tables import table_of

_MULTI: dict[str, str | None] = {"value": None, "column": "column", "row": "row"}


def cell_param(p: Parameter) -> Param:
    """How one cell of parameter ``p`` is read: its kind's reader, its default."""
    read = read_choice(p.options) if p.kind == "choice" else READERS[p.kind]
    default = None if p.required else p.default
    return Param(p.name, read, p.required, default, FAST_KINDS.get(p.kind, "other"))


def _signature(spec: Function) -> inspect.Signature:
    """``(base, equity, bonus_pct, signon=None, signon_years=None)``: Excel's call."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature(
        [
            inspect.Parameter(p.name, kind, **({} if p.required else {"default": None}))
            for p in spec.params
        ]
    )


def _as_row(value: object) -> object:
    """A one-row range of several cells as one :class:`Row` (a sign-on by year)."""
    if type(value) in SCALAR_TYPES:
        return value
    tolist = getattr(value, "tolist", None)
    rows: Any = tolist() if callable(tolist) else value
    one_row = isinstance(rows, list | tuple) and len(rows) == 1
    if one_row and isinstance(rows[0], list | tuple) and len(rows[0]) > 1:
        return Row(tuple(rows[0]))
    return value


def worksheet_function(spec: Function) -> Callable[..., Any]:
    """The plain-Python worksheet function of a catalogue entry."""
    signature = _signature(spec)
    n = len(spec.params)
    tables = [(i, p.name) for i, p in enumerate(spec.params) if p.kind == "table"]
    cells = [i for i, p in enumerate(spec.params) if p.kind != "table"]
    rows = [i for i, p in enumerate(spec.params) if p.kind == "signon"]
    params = tuple(cell_param(spec.params[i]) for i in cells)
    multi = _MULTI.get(spec.result)

    row_positions = [cells.index(i) for i in rows]
    whole = spec.result == "rows"
    compute, vector = spec.compute, spec.vector

    def call(*args: object, **kwargs: object) -> Any:
        if kwargs or len(args) > n:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                return f"{ERROR_PREFIX}{spec.name}: {exc}"
            args = tuple(bound.arguments.get(p.name) for p in spec.params)
        elif len(args) < n:
            args = args + (None,) * (n - len(args))  # left out: empty cells
        if whole:
            return compute(*args)
        fn = compute
        values: Sequence[object] = args
        call_vector = vector
        if tables:
            parsed = []
            for i, kind in tables:
                table = table_of(kind, args[i])
                if isinstance(table, str):
                    return table
                parsed.append(table)
            fn = functools.partial(compute, *parsed)
            values = [args[i] for i in cells]
            if vector is not None:
                call_vector = functools.partial(vector, *parsed)
        if row_positions:
            values = list(values)
            for k in row_positions:
                values[k] = _as_row(values[k])
        try:
            return broadcast(fn, params, values, multi=multi, vector=call_vector)
        except Exception as exc:  # a bug of ours: still one line, never a traceback
            return error_text(exc)

    call.__name__ = call.__qualname__ = spec.name
    call.__doc__ = spec.summary
    call.__signature__ = signature  # type: ignore[attr-defined]
    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {f.name: worksheet_function(f) for f in CATALOGUE}
"""Every worksheet function by Excel name."""
