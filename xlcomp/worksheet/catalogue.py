"""The catalogue of worksheet functions: each declared once, here.

An entry gives the function's Excel name, its one-line summary (the Function Wizard's
description), its parameters in order (name, kind, whether it may be left out, its
default, its Wizard text), the shape of its result and the calculation of one element
(a core formula, or one of :mod:`xlcomp.worksheet.elements` for functions that read a
table). Everything else is read from here:

* :mod:`xlcomp.worksheet.functions` builds the plain-Python functions (broadcasting,
  reading each argument by its kind, errors as ``#XLCOMP!`` text);
* :mod:`xlcomp.udfs` is the xlwings face: real functions with these signatures and
  ``@xw.func``/``@xw.arg`` options (:mod:`xlcomp.worksheet.face` writes their source);
* :mod:`xlcomp.lite_codegen` writes the same face into a Lite workbook's main.py;
* :mod:`xlcomp.docs` (the README's table), the Guide sheet's function list and the
  refresh engine's function registry.

Adding a function means its core formula, one entry here and its tests. No xlwings here.

Argument kinds (:data:`KINDS`): ``money`` (a number or ``"$240K"``), ``rate`` (a
fraction, ``"15%"``; 15 is refused as a whole percent), ``percentile`` (10 = the 10th),
``year`` (from 1), ``count`` and ``months`` (whole numbers), ``text``, ``choice`` (one of
``options``), ``schedule`` (vesting percentages such as ``"5/15/40/40"``), ``date`` (an
Excel serial in the 1900 date system, a date or ISO text), ``signon`` (one amount, or
amounts by year: ``"50000/25000"`` or a row of cells), ``band_value`` (read by its
component's kind: a rate for ``bonus``, money otherwise) and ``table`` (a range with a
header row, read once per content; the parameter's name says which: bands or levels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlcomp.core import comp as _comp
from xlcomp.core import counter as _counter
from xlcomp.core import script as _script
from xlcomp.core.bands import METHODS, STATS
from xlcomp.core.models import COMPONENTS
from xlcomp.worksheet import elements as _el
from xlcomp.worksheet import vector as _vec

KINDS = frozenset(
    {
        "money",
        "rate",
        "percentile",
        "year",
        "count",
        "months",
        "text",
        "choice",
        "schedule",
        "date",
        "signon",
        "band_value",
        "table",
    }
)
"""Every argument kind; :mod:`xlcomp.worksheet.cells` has a reader for each."""

RESULTS = frozenset({"value", "column", "row", "rows"})
"""Result shapes: one value per element; several spilling as a column or a row per
element; ``rows`` for a whole-call result of one row per item (CHECKBANDS)."""

CATEGORY = "xlcomp"
"""The Function Wizard category of every function."""


class _Required:
    """The type of :data:`REQUIRED`."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of a parameter that may not be left out."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a worksheet function.

    ``doc`` says what it is (``"Annual base salary, e.g. 240000"``); an optional one's
    Wizard text adds ``Optional`` and its default, from ``default`` (shown as Excel
    would take it: ``5%``, ``"25/25/25/25"``) or, where the default is not a value (the
    band min, any company), from ``default_doc``.
    """

    name: str
    kind: str
    doc: str
    default: Any = REQUIRED
    default_doc: str | None = None
    options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != bool(self.options):
            raise ValueError(f"{self.name}: options go with the kind choice, and only there")

    @property
    def required(self) -> bool:
        """Whether the parameter may not be left out."""
        return self.default is REQUIRED

    @property
    def default_text(self) -> str:
        """The default as the Wizard and the docs state it: ``0``, ``5%``, ``"mid"``."""
        if self.default_doc is not None:
            return self.default_doc
        value = self.default
        if isinstance(value, str):
            return f'"{value}"'
        if self.kind == "rate" and value:
            return f"{value * 100:g}%"
        return f"{value:g}" if isinstance(value, float) else str(value)

    @property
    def wizard(self) -> str:
        """The Function Wizard's help for this argument (at most 255 characters)."""
        if self.required:
            return self.doc
        return f"Optional {self.doc[:1].lower()}{self.doc[1:]} (default {self.default_text})"


@dataclass(frozen=True)
class Function:
    """One worksheet function: everything the faces, the docs and the engine need.

    ``compute`` is the calculation of one element, given the element's values in the
    order of the parameters that are not tables, after the parsed tables (in their
    order). With ``result == "rows"`` it is the whole call instead, given the raw
    arguments. ``vector`` computes ranges of plain numbers as arrays, given the
    parsed tables first, as ``compute`` (see :mod:`xlcomp.worksheet.vector`).
    ``example`` is a formula as a person types it in the template (``Bands``,
    ``Levels`` are its tables), run for the README.
    """

    name: str
    summary: str
    params: tuple[Parameter, ...]
    compute: Callable[..., Any]
    example: str
    result: str = "value"
    vector: Callable[..., tuple[Any, Any]] | None = None

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"{self.name}: unknown result shape {self.result!r}")
        if "\n" in self.summary or not 20 <= len(self.summary) <= 255:
            raise ValueError(f"{self.name}: the summary is one line of 20 to 255 characters")
        seen_optional = False
        for p in self.params:
            if p.required and seen_optional:
                raise ValueError(f"{self.name}: {p.name} is required after an optional one")
            seen_optional = seen_optional or not p.required

    @property
    def signature(self) -> str:
        """``TOTALCOMP(base, equity, bonus_pct, [signon], [signon_years])``."""
        args = ", ".join(p.name if p.required else f"[{p.name}]" for p in self.params)
        return f"{self.name}({args})"


_BANDS_DOC = "The bands table with its header row: region, level, component, min, max[, company]"
_SCHEDULE_DOC = "Vesting percent per year summing to 100"
_COMPONENT_DOC = "Component: base, equity, bonus or tc"


def _bands() -> Parameter:
    return Parameter("bands", "table", _BANDS_DOC)


def _company() -> Parameter:
    return Parameter(
        "company",
        "text",
        "Company whose band to use, when the table has several",
        None,
        "any",
    )


def _region() -> Parameter:
    return Parameter("region", "text", "Region, e.g. San Francisco")


def _level() -> Parameter:
    return Parameter("level", "text", "Level, e.g. Senior SWE")


def _component() -> Parameter:
    return Parameter("component", "choice", _COMPONENT_DOC, options=COMPONENTS)


def _schedule() -> Parameter:
    return Parameter("schedule", "schedule", _SCHEDULE_DOC, _comp.DEFAULT_SCHEDULE)


def _cliff() -> Parameter:
    return Parameter("cliff_months", "months", "Cliff in months", 12)


CATALOGUE: tuple[Function, ...] = (
    Function(
        "TOTALCOMP",
        "Annual total comp: base + equity + base x bonus + sign-on / sign-on years.",
        (
            Parameter("base", "money", "Annual base salary, e.g. 240000"),
            Parameter("equity", "money", "Annual equity value, e.g. 80000"),
            Parameter("bonus_pct", "rate", "Target bonus as a rate: 15% or 0.15"),
            Parameter(
                "signon",
                "signon",
                'Sign-on bonus, or amounts by year: "50000/25000" or a row; the sum is spread',
                0.0,
            ),
            Parameter("signon_years", "money", "Years to spread the sign-on over", 4.0),
        ),
        _comp.total_comp,
        "=TOTALCOMP(240000, 80000, 15%)",
        vector=_vec.totalcomp_arrays,
    ),
    Function(
        "YEARTC",
        "Total comp in year N: base + bonus + the year's vest and sign-on + refreshers.",
        (
            Parameter("year", "year", "Year of the grant, counted from 1 (1 = the first year)"),
            Parameter("base", "money", "Annual base salary, e.g. 240000"),
            Parameter(
                "equity_grant", "money", "The whole equity grant over all years, e.g. 320000"
            ),
            Parameter("bonus_pct", "rate", "Target bonus as a rate: 15% or 0.15"),
            Parameter(
                "signon",
                "signon",
                'Sign-on paid in year 1, or amounts by year: "50000/25000" or a row',
                0.0,
            ),
            _schedule(),
            Parameter(
                "refresh",
                "money",
                "Refresher grant value given at the end of each year, vesting like the grant",
                0.0,
            ),
        ),
        _comp.year_tc,
        '=YEARTC(2, 240000, 320000, 15%, 0, "25/25/25/25", 80000)',
    ),
    Function(
        "VESTSCHEDULE",
        "Spills a row: the value vesting in each year of the grant, after the cliff.",
        (
            Parameter(
                "equity_grant", "money", "The whole equity grant over all years, e.g. 320000"
            ),
            _schedule(),
            _cliff(),
        ),
        _comp.vest_schedule,
        '=VESTSCHEDULE(320000, "5/15/40/40")',
        result="row",
    ),
    Function(
        "EQUITYVALUE",
        "Annual equity value: shares x max(price - strike, 0) / vest years x (1 - discount).",
        (
            Parameter("shares", "money", "Number of shares or options granted"),
            Parameter("price", "money", "Price per share (409A or preferred price)"),
            Parameter("strike", "money", "Strike price of options (0 for RSUs)", 0.0),
            Parameter("vest_years", "money", "Years the grant vests over", 4.0),
            Parameter("risk_discount", "rate", "Illiquidity discount as a rate, e.g. 30%", 0.0),
        ),
        _comp.equity_value,
        "=EQUITYVALUE(40000, 12, 2, 4, 30%)",
        vector=_vec.equityvalue_arrays,
    ),
    Function(
        "EQUITYEXIT",
        "The whole grant's value at an exit, after dilution, less the strike; never below 0.",
        (
            Parameter("shares", "money", "Number of shares or options granted, e.g. 40000"),
            Parameter(
                "fully_diluted_shares",
                "money",
                "The company's fully diluted shares, e.g. 100000000",
            ),
            Parameter(
                "exit_valuation", "money", "The company's value at the exit, e.g. 10000000000"
            ),
            Parameter("strike", "money", "Strike price of options (0 for RSUs)", 0.0),
            Parameter("dilution", "rate", "Dilution per funding round as a rate, e.g. 10%", 0.0),
            Parameter("rounds", "count", "Funding rounds before the exit", 0),
        ),
        _comp.equity_exit,
        "=EQUITYEXIT(40000, 100000000, 10000000000, 2, 10%, 2)",
    ),
    Function(
        "UNVESTED",
        "The value of a grant not yet vested on a date: what leaving forfeits.",
        (
            Parameter("grant_value", "money", "The whole grant's value, e.g. 400000"),
            Parameter("start_date", "date", "The grant's vesting start date"),
            Parameter("as_of", "date", "The date to count to, e.g. your leaving date"),
            _schedule(),
            _cliff(),
        ),
        _comp.unvested,
        "=UNVESTED(400000, 45352, 46357)",
    ),
    Function(
        "BANDLOOKUP",
        "The min, mid, max or spread of a pay band.",
        (
            _region(),
            _level(),
            _component(),
            _bands(),
            Parameter("stat", "choice", "Min, mid, max or spread", "mid", options=STATS),
            _company(),
        ),
        _el.band_lookup,
        '=BANDLOOKUP("San Francisco", "Senior SWE", "base", Bands)',
    ),
    Function(
        "BANDPERCENTILE",
        "Where a value sits in its pay band, 0-100 (above 100 when above the band).",
        (
            Parameter(
                "value",
                "band_value",
                "The value to place in the band: an amount, or a rate for bonus",
            ),
            _region(),
            _level(),
            _component(),
            _bands(),
            Parameter(
                "method",
                "choice",
                "Linear (range penetration) or lognormal",
                "linear",
                options=METHODS,
            ),
            Parameter(
                "low_pct",
                "percentile",
                "For lognormal: the percentile the band min sits at",
                10,
            ),
            Parameter(
                "high_pct",
                "percentile",
                "For lognormal: the percentile the band max sits at",
                90,
            ),
            _company(),
        ),
        _el.band_percentile,
        '=BANDPERCENTILE(240000, "San Francisco", "Senior SWE", "base", Bands)',
        vector=_vec.bandpercentile_arrays,
    ),
    Function(
        "COMPARATIO",
        "Compa-ratio: a value divided by its band's midpoint (1.0 = at mid).",
        (
            Parameter(
                "value", "band_value", "The value to compare: an amount, or a rate for bonus"
            ),
            _region(),
            _level(),
            _component(),
            _bands(),
            _company(),
        ),
        _el.compa_ratio,
        '=COMPARATIO(240000, "San Francisco", "Senior SWE", "base", Bands)',
        vector=_vec.comparatio_arrays,
    ),
    Function(
        "REGIONADJUST",
        "An amount moved to another region: amount x mid(to) / mid(from).",
        (
            Parameter(
                "amount",
                "band_value",
                "The amount in the first region (a rate for bonus), e.g. 240000",
            ),
            Parameter("from_region", "text", "The region the amount is for"),
            Parameter("to_region", "text", "The region to translate it to"),
            _bands(),
            Parameter(
                "level",
                "text",
                "Level; needed when the table has several levels",
                None,
                "the table's only level",
            ),
            Parameter(
                "component",
                "choice",
                "Component whose mids to use: base, equity, bonus or tc",
                "base",
                options=COMPONENTS,
            ),
            _company(),
        ),
        _el.region_adjust,
        '=REGIONADJUST(240000, "San Francisco", "Remote US", Bands)',
    ),
    Function(
        "LEVELMAP",
        "The equivalent level at another company (the same rung).",
        (
            Parameter("company", "text", "The company of the known level, e.g. Together AI"),
            Parameter("level", "text", "The known level, e.g. Senior SWE"),
            Parameter(
                "to_company", "text", "The company to find the equivalent level at, e.g. Google"
            ),
            Parameter(
                "levels", "table", "The levels table with its header row: company, level, rung"
            ),
        ),
        _el.level_map,
        '=LEVELMAP("Together AI", "Senior SWE", "Google", Levels)',
    ),
    Function(
        "COUNTERTARGET",
        "Spills a column: the counter's anchor, target and floor.",
        (
            Parameter("offer_tc", "money", "Total comp of the offer on the table"),
            Parameter("competing_tc", "money", "Total comp of your best competing offer"),
            Parameter("uplift", "rate", "Rate to ask above the best offer", 0.05),
            Parameter("anchor_gap", "rate", "Rate to open above the target", 0.10),
            Parameter("floor", "money", "Walk-away floor", None, "the competing offer"),
        ),
        _el.counter_target,
        "=COUNTERTARGET(0, 295000)",
        result="column",
    ),
    Function(
        "COUNTERSPLIT",
        "Spills a column: base, equity, bonus rate and sign-on that reach a target TC.",
        (
            Parameter("target_tc", "money", "The total comp to reach"),
            Parameter("region", "text", "Region of the bands to move within"),
            Parameter("level", "text", "Level of the bands to move within"),
            _bands(),
            Parameter("offer_base", "money", "Offered base", None, "the band min"),
            Parameter("offer_equity", "money", "Offered annual equity", None, "the band min"),
            Parameter("offer_bonus_pct", "rate", "Offered bonus rate", None, "the band min"),
            _company(),
            Parameter(
                "offer_signon",
                "signon",
                'Offered sign-on, or amounts by year: "50000/25000" or a row; the sign-on '
                "asked is never below their sum",
                0.0,
            ),
        ),
        _el.counter_split,
        '=COUNTERSPLIT(330000, "San Francisco", "Senior SWE", Bands, 200000, 60000, 10%)',
        result="column",
    ),
    Function(
        "OFFERVERDICT",
        "accept (at or above target), counter (floor to target) or walk away (below floor).",
        (
            Parameter("offer_tc", "money", "Total comp of the offer"),
            Parameter("floor", "money", "Your walk-away floor"),
            Parameter("target", "money", "Your counter target"),
        ),
        _counter.offer_verdict,
        "=OFFERVERDICT(356000, 275000, 309750)",
    ),
    Function(
        "COUNTERSCRIPT",
        "The counter-offer paragraph in words, quoting the total comp of the numbers given.",
        (
            Parameter("competing_tc", "money", "Total comp of your competing offer"),
            Parameter("base", "money", "The base you ask for"),
            Parameter("equity", "money", "The annual equity value you ask for"),
            Parameter("bonus_pct", "rate", "The bonus rate you ask for: 15% or 0.15"),
            Parameter("floor", "money", "Your accept-at floor"),
            Parameter(
                "signon",
                "signon",
                'Sign-on you ask for, or amounts by year: "50000/25000" or a row',
                0.0,
            ),
            Parameter("company", "text", "Name of the company making the offer", "", "none"),
        ),
        _script.counter_script,
        "=COUNTERSCRIPT(295000, 240000, 80000, 15%, 275000)",
    ),
    Function(
        "CHECKBANDS",
        "Spills every problem of a bands table, one per row, or OK.",
        (
            _bands(),
            Parameter(
                "tolerance",
                "rate",
                "Gap allowed between published and derived tc ranges",
                0.05,
            ),
        ),
        _el.check_bands_rows,
        "=CHECKBANDS(Bands)",
        result="rows",
    ),
)
"""Every worksheet function, in the order the docs list them."""

BY_NAME: dict[str, Function] = {f.name: f for f in CATALOGUE}
"""The catalogue by Excel name (upper case)."""

NAMES: tuple[str, ...] = tuple(sorted(BY_NAME))
"""Every function's Excel name, sorted."""
