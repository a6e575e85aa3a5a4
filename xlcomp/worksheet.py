"""The worksheet functions as Excel calls them, without xlwings.

This is the edge between Excel's shapes and the pure core. Each function here takes
what Excel hands a user-defined function declared with ``ndim=2`` and returns what
Excel shows:

* an argument is ``None`` (empty or left out), a scalar (``float``, ``str``, ``bool``)
  or a 2-D list of rows; a 1-D list reads as a column;
* a table (``bands``, ``levels``) is a 2-D list whose first row is the header, read
  once per distinct content and then served from a bounded cache;
* every other argument broadcasts with Excel's rules: a single value pairs with every
  element, a column with a column of equal length; the result spills as a 2-D list
  (``TOTALCOMP(B2:B2001, C2:C2001, D2:D2001)`` returns 2,000 rows);
* nothing raises: a problem becomes the text ``#XLCOMP! <argument>: <problem>`` in its
  own position only, and a result that is not a finite number is an error too.

Functions that give several values (COUNTERTARGET, COUNTERSPLIT, VESTSCHEDULE) spill
them as a column (a row for VESTSCHEDULE) for one input; over a column of inputs, each
input's values fill one row; over a row of inputs, one column.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlcomp.core import bands as _bands
from xlcomp.core import comp as _comp
from xlcomp.core import counter as _counter
from xlcomp.core import levels as _levels
from xlcomp.core import script as _script
from xlcomp.core.check import check_bands
from xlcomp.core.models import COMPONENTS, BandTable, LevelTable
from xlcomp.core.tables import parse_bands, parse_levels
from xlcomp.core.values import is_empty, to_int, to_number, to_percentile, to_rate, to_text
from xlcomp.errors import InputError, Problem, TableError, XlcompError

ERROR_PREFIX = "#XLCOMP! "

Cell = float | str | bool | None
Grid = list[list[Any]]


def error_text(exc: BaseException) -> str:
    """The one line a cell shows for an error."""
    if isinstance(exc, XlcompError):
        message = str(exc)
    else:  # a bug of ours: still one line, never a traceback
        message = f"internal error ({type(exc).__name__}: {exc})"
    return ERROR_PREFIX + " ".join(message.split())


# --- argument kinds -----------------------------------------------------------------


def _choice(options: Sequence[str]) -> Callable[[object, str], str]:
    def read(value: object, arg: str) -> str:
        text = to_text(value, arg).casefold()
        if text not in options:
            raise InputError(arg, f"{text!r} is not one of {', '.join(options)}")
        return text

    return read


def _money(value: object, arg: str) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    return to_number(value, arg)


def _rate(value: object, arg: str) -> float:
    if type(value) is float and 0.0 <= value <= 1.0:
        return value
    return to_rate(value, arg)


@dataclass(frozen=True)
class Param:
    """One broadcastable argument: its name, how to read a cell, its default."""

    name: str
    read: Callable[[object, str], Any]
    required: bool = True
    default: Any = None


def money(name: str, default: float | None = None, required: bool = True) -> Param:
    return Param(name, _money, required, default)


def rate(name: str, default: float | None = None, required: bool = True) -> Param:
    return Param(name, _rate, required, default)


def text(name: str, default: str | None = None, required: bool = True) -> Param:
    return Param(name, to_text, required, default)


def choice(name: str, options: Sequence[str], default: str | None = None) -> Param:
    return Param(name, _choice(options), default is None, default)


def whole(name: str, default: int | None = None, required: bool = True) -> Param:
    return Param(name, to_int, required, default)


def pct(name: str, default: float) -> Param:
    return Param(name, to_percentile, False, default)


class _Error:
    """A per-element error, kept as its text until the result is assembled."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# --- shapes and broadcasting --------------------------------------------------------


def as_grid(value: object) -> Grid:
    """Any argument as a 2-D list of rows; a scalar is 1×1; a 1-D list is a column."""
    if isinstance(value, list | tuple):
        if not value:
            return [[None]]
        if all(isinstance(r, list | tuple) for r in value):
            rows = [list(r) if r else [None] for r in value]
            return rows
        return [[v] for v in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays from a formula engine
    if callable(tolist):
        return as_grid(tolist())
    return [[value]]


def _read_grid(param: Param, grid: Grid) -> list[list[Any]]:
    read, name = param.read, param.name
    out: list[list[Any]] = []
    for row in grid:
        out_row: list[Any] = []
        for v in row:
            if v is None or (isinstance(v, str) and is_empty(v)):
                if param.required:
                    out_row.append(_Error(f"{ERROR_PREFIX}{name}: is required (the cell is empty)"))
                else:
                    out_row.append(param.default)
                continue
            try:
                out_row.append(read(v, name))
            except XlcompError as exc:
                out_row.append(_Error(error_text(exc)))
        out.append(out_row)
    return out


def _pick(grid: list[list[Any]], i: int, j: int, name: str) -> Any:
    rows, cols = len(grid), len(grid[0])
    r = 0 if rows == 1 else i
    c = 0 if cols == 1 else j
    if r >= rows or c >= len(grid[r]):
        return _Error(f"{ERROR_PREFIX}{name}: no value at this position (its range is smaller)")
    return grid[r][c]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("", f"the result is not a finite number ({value})")
    return value


def broadcast(
    fn: Callable[..., Any],
    params: Sequence[Param],
    args: Sequence[object],
    *,
    multi: str | None = None,
) -> Any:
    """Call ``fn`` element by element over the broadcast of ``args``.

    ``multi`` is None for one value per element, ``"column"`` or ``"row"`` for functions
    whose one result spills as a column or a row.
    """
    grids = [_read_grid(p, as_grid(a)) for p, a in zip(params, args, strict=True)]
    n_rows = max(len(g) for g in grids)
    n_cols = max(max(len(r) for r in g) for g in grids)
    results: list[list[Any]] = []
    for i in range(n_rows):
        row: list[Any] = []
        for j in range(n_cols):
            values = [_pick(g, i, j, p.name) for g, p in zip(grids, params, strict=True)]
            bad = next((v for v in values if isinstance(v, _Error)), None)
            if bad is not None:
                row.append(bad.text)
                continue
            try:
                result = fn(*values)
                result = [_clean(x) for x in result] if multi else _clean(result)
            except Exception as exc:  # never a traceback in a cell
                result = error_text(exc)
            row.append(result)
        results.append(row)
    return _assemble(results, multi)


def _assemble(results: list[list[Any]], multi: str | None) -> Any:
    n_rows, n_cols = len(results), len(results[0])
    if multi is None:
        return results[0][0] if n_rows == n_cols == 1 else results
    width = (
        max(len(v) for row in results for v in row if isinstance(v, list))
        if any(isinstance(v, list) for row in results for v in row)
        else 1
    )

    def values(v: Any) -> list[Any]:
        if isinstance(v, list):
            return v + [""] * (width - len(v))
        return [v] + [""] * (width - 1)  # an error in the first position

    if n_rows == n_cols == 1:
        only = results[0][0]
        if not isinstance(only, list):
            return only
        vals = values(only)
        return [vals] if multi == "row" else [[v] for v in vals]
    if n_cols == 1:  # a column of inputs: one row each
        return [values(row[0]) for row in results]
    if n_rows == 1:  # a row of inputs: one column each
        cols = [values(v) for v in results[0]]
        return [[c[k] for c in cols] for k in range(width)]
    raise InputError("", "a function with several results takes a single row or column")


# --- tables -------------------------------------------------------------------------


class _TableCache:
    """Parsed tables by content, least recently used dropped first.

    TRUE equals 1 in Python, so a cached entry whose cells include 0, 1 or a boolean
    is reused only when the cell types match too.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()

    @staticmethod
    def _types(frozen: tuple[Any, ...]) -> tuple[tuple[bool, ...], ...]:
        return tuple(tuple(type(v) is bool for v in row) for row in frozen[1:])

    def get(self, frozen: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        entry = self._entries.get(frozen)
        if entry is not None:
            value, types = entry
            if types is None or types == self._types(frozen):
                self._entries.move_to_end(frozen)
                return value
        value = build()
        ambiguous = any(
            v is True or v is False or v == 0 or v == 1
            for row in frozen
            for v in row
            if not isinstance(v, str) and v is not None
        )
        self._entries[frozen] = (value, self._types(frozen) if ambiguous else None)
        self._entries.move_to_end(frozen)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


_CACHE = _TableCache()


def _freeze(value: object, arg: str) -> tuple[tuple[Any, ...], ...]:
    if not isinstance(value, list | tuple) and not callable(getattr(value, "tolist", None)):
        if is_empty(value):
            raise InputError(arg, "is required: a range with a header row")
        raise InputError(arg, f"expected a range with a header row, got {value!r}")
    return tuple(tuple(row) for row in as_grid(value))


def read_bands(value: object) -> tuple[BandTable, list[Problem]]:
    """The bands table of an argument, and the problems met reading it (cached)."""
    frozen = _freeze(value, "bands")
    result: tuple[BandTable, list[Problem]] = _CACHE.get(
        ("bands", *frozen),
        lambda: parse_bands(frozen),
    )
    return result


def bands_table(value: object) -> BandTable:
    """The bands table of an argument; an error when it cannot be read cleanly."""
    table, problems = read_bands(value)
    if problems:
        raise TableError("bands", problems)
    return table


def levels_table(value: object) -> LevelTable:
    """The levels table of an argument; an error when it cannot be read cleanly."""
    frozen = _freeze(value, "levels")
    result: tuple[LevelTable, list[Problem]] = _CACHE.get(
        ("levels", *frozen), lambda: parse_levels(frozen)
    )
    table, problems = result
    if problems:
        raise TableError("levels", problems)
    return table


def _with_table(reader: Callable[[object], Any], value: object) -> Any:
    """The table, or the error text the whole call returns."""
    try:
        return reader(value)
    except XlcompError as exc:
        return _Error(error_text(exc))


def _optional_text(value: object, arg: str) -> str | None:
    """A text argument that may be left out (company)."""
    if is_empty(value):
        return None
    return to_text(value, arg)


# --- the functions -------------------------------------------------------------------

_COMPONENT = choice("component", COMPONENTS)
_TOTALCOMP = (
    money("base"),
    money("equity"),
    rate("bonus_pct"),
    money("signon", 0.0, False),
    money("signon_years", 4.0, False),
)


def TOTALCOMP(
    base: object,
    equity: object,
    bonus_pct: object,
    signon: object = None,
    signon_years: object = None,
) -> Any:
    """base + equity + base × bonus_pct + signon / signon_years."""
    return broadcast(_comp.total_comp, _TOTALCOMP, (base, equity, bonus_pct, signon, signon_years))


_YEARTC = (
    whole("year"),
    money("base"),
    money("equity_grant"),
    rate("bonus_pct"),
    money("signon", 0.0, False),
    text("schedule", _comp.DEFAULT_SCHEDULE, False),
)


def YEARTC(
    year: object,
    base: object,
    equity_grant: object,
    bonus_pct: object,
    signon: object = None,
    schedule: object = None,
) -> Any:
    """Total comp in year N of a grant."""
    return broadcast(
        _comp.year_tc, _YEARTC, (year, base, equity_grant, bonus_pct, signon, schedule)
    )


_VESTSCHEDULE = (
    money("equity_grant"),
    text("schedule", _comp.DEFAULT_SCHEDULE, False),
    whole("cliff_months", 12, False),
)


def VESTSCHEDULE(equity_grant: object, schedule: object = None, cliff_months: object = None) -> Any:
    """The value vesting in each year, as a row."""
    return broadcast(
        _comp.vest_schedule, _VESTSCHEDULE, (equity_grant, schedule, cliff_months), multi="row"
    )


_EQUITYVALUE = (
    money("shares"),
    money("price"),
    money("strike", 0.0, False),
    money("vest_years", 4.0, False),
    rate("risk_discount", 0.0, False),
)


def EQUITYVALUE(
    shares: object,
    price: object,
    strike: object = None,
    vest_years: object = None,
    risk_discount: object = None,
) -> Any:
    """Annual equity value of a grant, discounted for risk."""
    return broadcast(
        _comp.equity_value, _EQUITYVALUE, (shares, price, strike, vest_years, risk_discount)
    )


def _table_call(
    reader: Callable[[object], Any],
    table_value: object,
    fn: Callable[..., Any],
    params: Sequence[Param],
    args: Sequence[object],
    multi: str | None = None,
) -> Any:
    table = _with_table(reader, table_value)
    if isinstance(table, _Error):
        return table.text
    return broadcast(lambda *a: fn(table, *a), params, args, multi=multi)


_BANDLOOKUP = (
    text("region"),
    text("level"),
    _COMPONENT,
    choice("stat", _bands.STATS, "mid"),
    text("company", None, False),
)


def BANDLOOKUP(
    region: object,
    level: object,
    component: object,
    bands: object,
    stat: object = None,
    company: object = None,
) -> Any:
    """min, mid, max or spread of a band."""

    def one(
        table: BandTable, region: str, level: str, component: Any, stat: Any, company: str | None
    ) -> float:
        low, high = _bands.band_range(table, region, level, component, company)
        return _bands.band_stat(low, high, stat)

    return _table_call(
        bands_table, bands, one, _BANDLOOKUP, (region, level, component, stat, company)
    )


_BANDPERCENTILE = (
    money("value"),
    text("region"),
    text("level"),
    _COMPONENT,
    choice("method", _bands.METHODS, "linear"),
    pct("low_pct", 10),
    pct("high_pct", 90),
    text("company", None, False),
)


def BANDPERCENTILE(
    value: object,
    region: object,
    level: object,
    component: object,
    bands: object,
    method: object = None,
    low_pct: object = None,
    high_pct: object = None,
    company: object = None,
) -> Any:
    """Where a value sits in its band, 0–100."""

    def one(
        table: BandTable,
        value: float,
        region: str,
        level: str,
        component: Any,
        method: Any,
        low_pct: float,
        high_pct: float,
        company: str | None,
    ) -> float:
        low, high = _bands.band_range(table, region, level, component, company)
        return _bands.percentile(value, low, high, method, low_pct, high_pct)

    return _table_call(
        bands_table,
        bands,
        one,
        _BANDPERCENTILE,
        (value, region, level, component, method, low_pct, high_pct, company),
    )


_COMPARATIO = (
    money("value"),
    text("region"),
    text("level"),
    _COMPONENT,
    text("company", None, False),
)


def COMPARATIO(
    value: object,
    region: object,
    level: object,
    component: object,
    bands: object,
    company: object = None,
) -> Any:
    """A value divided by its band's mid."""

    def one(
        table: BandTable, value: float, region: str, level: str, component: Any, company: str | None
    ) -> float:
        low, high = _bands.band_range(table, region, level, component, company)
        return _bands.compa_ratio(value, low, high)

    return _table_call(
        bands_table, bands, one, _COMPARATIO, (value, region, level, component, company)
    )


_REGIONADJUST = (
    money("amount"),
    text("from_region"),
    text("to_region"),
    text("level", None, False),
    choice("component", COMPONENTS, "base"),
    text("company", None, False),
)


def REGIONADJUST(
    amount: object,
    from_region: object,
    to_region: object,
    bands: object,
    level: object = None,
    component: object = None,
    company: object = None,
) -> Any:
    """An amount moved from one region's band to another's, mid to mid."""

    def one(
        table: BandTable,
        amount: float,
        from_region: str,
        to_region: str,
        level: str | None,
        component: Any,
        company: str | None,
    ) -> float:
        return _bands.region_adjust(
            amount, table, from_region, to_region, level, component, company
        )

    return _table_call(
        bands_table,
        bands,
        one,
        _REGIONADJUST,
        (amount, from_region, to_region, level, component, company),
    )


_LEVELMAP = (text("company"), text("level"), text("to_company"))


def LEVELMAP(company: object, level: object, to_company: object, levels: object) -> Any:
    """The equivalent level at another company."""
    return _table_call(
        levels_table, levels, _levels.level_map, _LEVELMAP, (company, level, to_company)
    )


_COUNTERTARGET = (
    money("offer_tc"),
    money("competing_tc"),
    rate("uplift", 0.05, False),
    rate("anchor_gap", 0.10, False),
    money("floor", None, False),
)


def COUNTERTARGET(
    offer_tc: object,
    competing_tc: object,
    uplift: object = None,
    anchor_gap: object = None,
    floor: object = None,
) -> Any:
    """Anchor, target and floor of a counter-offer, as a column."""
    return broadcast(
        lambda *a: list(_counter.counter_target(*a)),
        _COUNTERTARGET,
        (offer_tc, competing_tc, uplift, anchor_gap, floor),
        multi="column",
    )


_COUNTERSPLIT = (
    money("target_tc"),
    text("region"),
    text("level"),
    money("offer_base", None, False),
    money("offer_equity", None, False),
    rate("offer_bonus_pct", None, False),
    text("company", None, False),
)


def COUNTERSPLIT(
    target_tc: object,
    region: object,
    level: object,
    bands: object,
    offer_base: object = None,
    offer_equity: object = None,
    offer_bonus_pct: object = None,
    company: object = None,
) -> Any:
    """Base, equity, bonus and sign-on that reach a target TC, as a column."""

    def one(
        table: BandTable,
        target: float,
        region: str,
        level: str,
        base: float | None,
        equity: float | None,
        bonus: float | None,
        company: str | None,
    ) -> list[float]:
        base_band, equity_band, bonus_band = (
            _bands.band_range(table, region, level, c, company) for c in ("base", "equity", "bonus")
        )
        split = _counter.counter_split(
            target, base_band, equity_band, bonus_band, base, equity, bonus
        )
        return [split.base, split.equity, split.bonus_pct, split.signon]

    return _table_call(
        bands_table,
        bands,
        one,
        _COUNTERSPLIT,
        (target_tc, region, level, offer_base, offer_equity, offer_bonus_pct, company),
        multi="column",
    )


_OFFERVERDICT = (money("offer_tc"), money("floor"), money("target"))


def OFFERVERDICT(offer_tc: object, floor: object, target: object) -> Any:
    """accept, counter or walk away."""
    return broadcast(_counter.offer_verdict, _OFFERVERDICT, (offer_tc, floor, target))


_COUNTERSCRIPT = (
    money("competing_tc"),
    money("base"),
    money("equity"),
    rate("bonus_pct"),
    money("floor"),
    money("signon", 0.0, False),
    Param("company", lambda v, a: "" if is_empty(v) else to_text(v, a), False, ""),
)


def COUNTERSCRIPT(
    competing_tc: object,
    base: object,
    equity: object,
    bonus_pct: object,
    floor: object,
    signon: object = None,
    company: object = None,
) -> Any:
    """The counter-offer paragraph."""
    return broadcast(
        _script.counter_script,
        _COUNTERSCRIPT,
        (competing_tc, base, equity, bonus_pct, floor, signon, company),
    )


def CHECKBANDS(bands: object, tolerance: object = None) -> Any:
    """Every problem of a bands table, one per row, or OK."""
    try:
        tol = 0.05 if is_empty(tolerance) else to_rate(tolerance, "tolerance")
        if tol < 0:
            raise InputError("tolerance", f"{tol:g} must not be negative")
        table, read_problems = read_bands(bands)
        problems = check_bands(table, read_problems, tol)
    except Exception as exc:
        return error_text(exc)
    if not problems:
        return "OK"
    return [[p.message] for p in problems]


__all__ = [
    "BANDLOOKUP",
    "BANDPERCENTILE",
    "CHECKBANDS",
    "COMPARATIO",
    "COUNTERSCRIPT",
    "COUNTERSPLIT",
    "COUNTERTARGET",
    "EQUITYVALUE",
    "LEVELMAP",
    "OFFERVERDICT",
    "REGIONADJUST",
    "TOTALCOMP",
    "VESTSCHEDULE",
    "YEARTC",
]
