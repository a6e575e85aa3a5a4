"""One element of the functions that read a table: the table first, then the cells.

Each takes the parsed table (:class:`xlcomp.worksheet.tables.Parsed`) and one element's
values, already read by their kinds, and calls the core. A value placed in a band
(``value``, ``amount``) is read here, by its component's kind: a rate for ``bonus``,
money otherwise (:func:`xlcomp.worksheet.cells.read_by_component`).
"""

from __future__ import annotations

import math
from typing import Any

from xlcomp.core import bands as _bands
from xlcomp.core import counter as _counter
from xlcomp.core.bands import Method, Stat
from xlcomp.core.check import check_bands
from xlcomp.core.comp import SignOn, signon_by_year
from xlcomp.core.levels import level_map as _level_map
from xlcomp.core.models import BandTable, Component, LevelTable
from xlcomp.core.models import key as _key
from xlcomp.core.values import is_empty, to_rate
from xlcomp.errors import InputError, NotFoundError, XlcompError
from xlcomp.worksheet.cells import ERROR_PREFIX, error_text, one_value, read_by_component
from xlcomp.worksheet.tables import Parsed, band_range, read_bands


def band_lookup(
    parsed: Parsed,
    region: str,
    level: str,
    component: Component,
    stat: Stat,
    company: str | None,
) -> float:
    """min, mid, max or spread of a band."""
    low, high = band_range(parsed, region, level, component, company)
    return _bands.band_stat(low, high, stat)


def band_percentile(
    parsed: Parsed,
    value: object,
    region: str,
    level: str,
    component: Component,
    method: Method,
    low_pct: float,
    high_pct: float,
    company: str | None,
) -> float:
    """Where a value sits in its band, 0–100."""
    amount = read_by_component(value, component, "value")
    low, high = band_range(parsed, region, level, component, company)
    return _bands.percentile(amount, low, high, method, low_pct, high_pct)


def compa_ratio(
    parsed: Parsed,
    value: object,
    region: str,
    level: str,
    component: Component,
    company: str | None,
) -> float:
    """A value divided by its band's mid."""
    amount = read_by_component(value, component, "value")
    low, high = band_range(parsed, region, level, component, company)
    return _bands.compa_ratio(amount, low, high)


def region_adjust(
    parsed: Parsed,
    amount: object,
    from_region: str,
    to_region: str,
    level: str | None,
    component: Component,
    company: str | None,
) -> float:
    """An amount moved from one region's band to another's, mid to mid."""
    table: BandTable = parsed.table
    value = read_by_component(amount, component, "amount")
    try:
        return _bands.region_adjust(value, table, from_region, to_region, level, component, company)
    except NotFoundError as exc:
        if exc.arg != "region":
            raise
        known = {_key(r) for r in table.regions()}
        arg = "from_region" if _key(from_region) not in known else "to_region"
        raise NotFoundError(arg, exc.message) from None


def level_map(parsed: Parsed, company: str, level: str, to_company: str) -> str:
    """The equivalent level at another company."""
    table: LevelTable = parsed.table
    return _level_map(table, company, level, to_company)


def counter_target(
    offer_tc: float, competing_tc: float, uplift: float, anchor_gap: float, floor: float | None
) -> list[float]:
    """Anchor, target and floor of a counter-offer."""
    return list(_counter.counter_target(offer_tc, competing_tc, uplift, anchor_gap, floor))


def counter_split(
    parsed: Parsed,
    target: float,
    region: str,
    level: str,
    base: float | None,
    equity: float | None,
    bonus: float | None,
    company: str | None,
    offer_signon: SignOn,
) -> list[float]:
    """Base, equity, bonus rate and sign-on that reach a target TC.

    ``offer_signon`` is one amount or amounts by year; the split counts their sum, as
    TOTALCOMP does, and asks a sign-on (one amount) never below it.
    """
    try:
        base_band, equity_band, bonus_band = (
            band_range(parsed, region, level, c, company) for c in ("base", "equity", "bonus")
        )
    except InputError as exc:
        if exc.arg != "component":  # COUNTERSPLIT has no component: the table lacks it
            raise
        raise InputError("bands", exc.message) from None
    offered = math.fsum(signon_by_year(offer_signon, "offer_signon"))
    split = _counter.counter_split(
        target, base_band, equity_band, bonus_band, base, equity, bonus, offer_signon=offered
    )
    return [split.base, split.equity, split.bonus_pct, split.signon]


def check_bands_rows(bands: object, tolerance: object = None) -> Any:
    """Every problem of a bands table, one per row, or OK (the whole call, not broadcast).

    ``tolerance`` is one value, or a range of one cell (as every scalar argument may be).
    """
    try:
        tolerance = one_value(tolerance, "tolerance")
        tol = 0.05 if is_empty(tolerance) else to_rate(tolerance, "tolerance")
        if tol < 0:
            raise InputError("tolerance", f"{tol:g} must not be negative")
        table, read_problems = read_bands(bands)
        problems = check_bands(table, read_problems, tol)
    except XlcompError as exc:
        return error_text(exc)
    except Exception as exc:  # never a traceback in a cell
        return f"{ERROR_PREFIX}bands: cannot be checked ({type(exc).__name__}: {exc})"
    if not problems:
        return "OK"
    return [[" ".join(p.message.split())] for p in problems]
