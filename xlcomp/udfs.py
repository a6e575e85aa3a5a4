"""The worksheet functions, for Excel through xlwings (``UDF Modules = xlcomp.udfs``).

Each function's docstring is its Function Wizard description (one line) and each
argument's ``doc`` is the Wizard's help for that argument (an optional one says
``Optional`` and its default). The Python name is the Excel name: classic xlwings
registers a function under its Python name. Every argument arrives as a 2-D range
(``ndim=2``) so that broadcasting keeps rows and columns apart; the work is done by
:mod:`xlcomp.worksheet` and the pure core. ``tests/test_vba.py`` runs xlwings' own
"Import Functions" code on these functions and checks what Excel is given;
``python -m xlcomp.docs`` writes the README's function table from them.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from xlcomp import worksheet as _ws

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

CATEGORY = "xlcomp"
_BANDS_DOC = "The bands table with its header row: region, level, component, min, max[, company]"
_COMPANY_DOC = "Optional company whose band to use, when the table has several (default: any)"


@xw.func(category=CATEGORY)
@xw.arg("base", ndim=2, doc="Annual base salary, e.g. 240000")
@xw.arg("equity", ndim=2, doc="Annual equity value, e.g. 80000")
@xw.arg("bonus_pct", ndim=2, doc="Target bonus as a rate: 15% or 0.15")
@xw.arg("signon", ndim=2, doc="Optional one-time sign-on bonus (default 0)")
@xw.arg("signon_years", ndim=2, doc="Optional years to spread the sign-on over (default 4)")
def TOTALCOMP(
    base: Any, equity: Any, bonus_pct: Any, signon: Any = None, signon_years: Any = None
) -> Any:
    """Annual total comp: base + equity + base x bonus + sign-on / sign-on years."""
    return _ws.TOTALCOMP(base, equity, bonus_pct, signon, signon_years)


@xw.func(category=CATEGORY)
@xw.arg("year", ndim=2, doc="Year of the grant, counted from 1 (1 = the first year)")
@xw.arg("base", ndim=2, doc="Annual base salary, e.g. 240000")
@xw.arg("equity_grant", ndim=2, doc="The whole equity grant over all years, e.g. 320000")
@xw.arg("bonus_pct", ndim=2, doc="Target bonus as a rate: 15% or 0.15")
@xw.arg("signon", ndim=2, doc="Optional sign-on bonus, paid in year 1 (default 0)")
@xw.arg(
    "schedule",
    ndim=2,
    doc='Optional vesting percent per year summing to 100 (default "25/25/25/25")',
)
def YEARTC(
    year: Any,
    base: Any,
    equity_grant: Any,
    bonus_pct: Any,
    signon: Any = None,
    schedule: Any = None,
) -> Any:
    """Total comp in year N of a grant: base + bonus + the year's vest (+ sign-on in year 1)."""
    return _ws.YEARTC(year, base, equity_grant, bonus_pct, signon, schedule)


@xw.func(category=CATEGORY)
@xw.arg("equity_grant", ndim=2, doc="The whole equity grant over all years, e.g. 320000")
@xw.arg(
    "schedule",
    ndim=2,
    doc='Optional vesting percent per year summing to 100 (default "25/25/25/25")',
)
@xw.arg("cliff_months", ndim=2, doc="Optional cliff in months (default 12)")
def VESTSCHEDULE(equity_grant: Any, schedule: Any = None, cliff_months: Any = None) -> Any:
    """Spills a row: the value vesting in each year of the grant, after the cliff."""
    return _ws.VESTSCHEDULE(equity_grant, schedule, cliff_months)


@xw.func(category=CATEGORY)
@xw.arg("shares", ndim=2, doc="Number of shares or options granted")
@xw.arg("price", ndim=2, doc="Price per share (409A or preferred price)")
@xw.arg("strike", ndim=2, doc="Optional strike price of options (default 0 for RSUs)")
@xw.arg("vest_years", ndim=2, doc="Optional years the grant vests over (default 4)")
@xw.arg(
    "risk_discount", ndim=2, doc="Optional illiquidity discount as a rate, e.g. 30% (default 0)"
)
def EQUITYVALUE(
    shares: Any, price: Any, strike: Any = None, vest_years: Any = None, risk_discount: Any = None
) -> Any:
    """Annual equity value: shares x max(price - strike, 0) / vest years x (1 - discount)."""
    return _ws.EQUITYVALUE(shares, price, strike, vest_years, risk_discount)


@xw.func(category=CATEGORY)
@xw.arg("region", ndim=2, doc="Region, e.g. San Francisco")
@xw.arg("level", ndim=2, doc="Level, e.g. Senior SWE")
@xw.arg("component", ndim=2, doc="Component: base, equity, bonus or tc")
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg("stat", ndim=2, doc="Optional: min, mid, max or spread (default mid)")
@xw.arg("company", ndim=2, doc=_COMPANY_DOC)
def BANDLOOKUP(
    region: Any, level: Any, component: Any, bands: Any, stat: Any = None, company: Any = None
) -> Any:
    """The min, mid, max or spread of a pay band."""
    return _ws.BANDLOOKUP(region, level, component, bands, stat, company)


@xw.func(category=CATEGORY)
@xw.arg("value", ndim=2, doc="The amount to place in the band, e.g. 240000")
@xw.arg("region", ndim=2, doc="Region, e.g. San Francisco")
@xw.arg("level", ndim=2, doc="Level, e.g. Senior SWE")
@xw.arg("component", ndim=2, doc="Component: base, equity, bonus or tc")
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg("method", ndim=2, doc="Optional: linear (range penetration) or lognormal (default linear)")
@xw.arg(
    "low_pct",
    ndim=2,
    doc="Optional, for lognormal: the percentile the band min sits at (default 10)",
)
@xw.arg(
    "high_pct",
    ndim=2,
    doc="Optional, for lognormal: the percentile the band max sits at (default 90)",
)
@xw.arg("company", ndim=2, doc=_COMPANY_DOC)
def BANDPERCENTILE(
    value: Any,
    region: Any,
    level: Any,
    component: Any,
    bands: Any,
    method: Any = None,
    low_pct: Any = None,
    high_pct: Any = None,
    company: Any = None,
) -> Any:
    """Where a value sits in its pay band, 0-100 (above 100 when above the band)."""
    return _ws.BANDPERCENTILE(
        value, region, level, component, bands, method, low_pct, high_pct, company
    )


@xw.func(category=CATEGORY)
@xw.arg("value", ndim=2, doc="The amount to compare, e.g. 240000")
@xw.arg("region", ndim=2, doc="Region, e.g. San Francisco")
@xw.arg("level", ndim=2, doc="Level, e.g. Senior SWE")
@xw.arg("component", ndim=2, doc="Component: base, equity, bonus or tc")
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg("company", ndim=2, doc=_COMPANY_DOC)
def COMPARATIO(
    value: Any, region: Any, level: Any, component: Any, bands: Any, company: Any = None
) -> Any:
    """Compa-ratio: a value divided by its band's midpoint (1.0 = at mid)."""
    return _ws.COMPARATIO(value, region, level, component, bands, company)


@xw.func(category=CATEGORY)
@xw.arg("amount", ndim=2, doc="The amount in the first region, e.g. 240000")
@xw.arg("from_region", ndim=2, doc="The region the amount is for")
@xw.arg("to_region", ndim=2, doc="The region to translate it to")
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg("level", ndim=2, doc="Optional level; needed when the table has several levels")
@xw.arg(
    "component",
    ndim=2,
    doc="Optional component whose mids to use: base, equity, bonus or tc (default base)",
)
@xw.arg("company", ndim=2, doc=_COMPANY_DOC)
def REGIONADJUST(
    amount: Any,
    from_region: Any,
    to_region: Any,
    bands: Any,
    level: Any = None,
    component: Any = None,
    company: Any = None,
) -> Any:
    """An amount moved to another region: amount x mid(to) / mid(from)."""
    return _ws.REGIONADJUST(amount, from_region, to_region, bands, level, component, company)


@xw.func(category=CATEGORY)
@xw.arg("company", ndim=2, doc="The company of the known level, e.g. Together AI")
@xw.arg("level", ndim=2, doc="The known level, e.g. Senior SWE")
@xw.arg("to_company", ndim=2, doc="The company to find the equivalent level at, e.g. Google")
@xw.arg("levels", ndim=2, doc="The levels table with its header row: company, level, rung")
def LEVELMAP(company: Any, level: Any, to_company: Any, levels: Any) -> Any:
    """The equivalent level at another company (the same rung)."""
    return _ws.LEVELMAP(company, level, to_company, levels)


@xw.func(category=CATEGORY)
@xw.arg("offer_tc", ndim=2, doc="Total comp of the offer on the table")
@xw.arg("competing_tc", ndim=2, doc="Total comp of your best competing offer")
@xw.arg("uplift", ndim=2, doc="Optional rate to ask above the best offer (default 5%)")
@xw.arg("anchor_gap", ndim=2, doc="Optional rate to open above the target (default 10%)")
@xw.arg("floor", ndim=2, doc="Optional walk-away floor (default: the competing offer)")
def COUNTERTARGET(
    offer_tc: Any,
    competing_tc: Any,
    uplift: Any = None,
    anchor_gap: Any = None,
    floor: Any = None,
) -> Any:
    """Spills a column: the counter's anchor, target and floor."""
    return _ws.COUNTERTARGET(offer_tc, competing_tc, uplift, anchor_gap, floor)


@xw.func(category=CATEGORY)
@xw.arg("target_tc", ndim=2, doc="The total comp to reach")
@xw.arg("region", ndim=2, doc="Region of the bands to move within")
@xw.arg("level", ndim=2, doc="Level of the bands to move within")
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg("offer_base", ndim=2, doc="Optional offered base (default: the band min)")
@xw.arg("offer_equity", ndim=2, doc="Optional offered annual equity (default: the band min)")
@xw.arg("offer_bonus_pct", ndim=2, doc="Optional offered bonus rate (default: the band min)")
@xw.arg("company", ndim=2, doc=_COMPANY_DOC)
@xw.arg("offer_signon", ndim=2, doc="Optional sign-on already offered, kept in the ask (default 0)")
def COUNTERSPLIT(
    target_tc: Any,
    region: Any,
    level: Any,
    bands: Any,
    offer_base: Any = None,
    offer_equity: Any = None,
    offer_bonus_pct: Any = None,
    company: Any = None,
    offer_signon: Any = None,
) -> Any:
    """Spills a column: base, equity, bonus rate and sign-on (offered one kept) reaching a TC."""
    return _ws.COUNTERSPLIT(
        target_tc,
        region,
        level,
        bands,
        offer_base,
        offer_equity,
        offer_bonus_pct,
        company,
        offer_signon,
    )


@xw.func(category=CATEGORY)
@xw.arg("offer_tc", ndim=2, doc="Total comp of the offer")
@xw.arg("floor", ndim=2, doc="Your walk-away floor")
@xw.arg("target", ndim=2, doc="Your counter target")
def OFFERVERDICT(offer_tc: Any, floor: Any, target: Any) -> Any:
    """accept (at or above target), counter (floor to target) or walk away (below floor)."""
    return _ws.OFFERVERDICT(offer_tc, floor, target)


@xw.func(category=CATEGORY)
@xw.arg("competing_tc", ndim=2, doc="Total comp of your competing offer")
@xw.arg("base", ndim=2, doc="The base you ask for")
@xw.arg("equity", ndim=2, doc="The annual equity value you ask for")
@xw.arg("bonus_pct", ndim=2, doc="The bonus rate you ask for: 15% or 0.15")
@xw.arg("floor", ndim=2, doc="Your accept-at floor")
@xw.arg("signon", ndim=2, doc="Optional sign-on bonus you ask for (default 0)")
@xw.arg("company", ndim=2, doc="Optional name of the company making the offer (default none)")
def COUNTERSCRIPT(
    competing_tc: Any,
    base: Any,
    equity: Any,
    bonus_pct: Any,
    floor: Any,
    signon: Any = None,
    company: Any = None,
) -> Any:
    """The counter-offer paragraph in words, quoting the total comp of the numbers given."""
    return _ws.COUNTERSCRIPT(competing_tc, base, equity, bonus_pct, floor, signon, company)


@xw.func(category=CATEGORY)
@xw.arg("bands", ndim=2, doc=_BANDS_DOC)
@xw.arg(
    "tolerance",
    ndim=2,
    doc="Optional gap allowed between published and derived tc ranges (default 5%)",
)
def CHECKBANDS(bands: Any, tolerance: Any = None) -> Any:
    """Spills every problem of a bands table, one per row, or OK."""
    return _ws.CHECKBANDS(bands, tolerance)
