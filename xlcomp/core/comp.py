"""Total compensation, year by year, vesting and equity value.

Worked numbers (the guide's San Francisco offer: base 240,000, equity 80,000 a year,
bonus 15 %):

* TOTALCOMP = base + equity + base × bonus_pct + signon / signon_years
  = 240,000 + 80,000 + 36,000 + 0 = 356,000 (the guide says "approximately $310K";
  its arithmetic does not add up). A 30,000 sign-on adds 30,000 / 4 = 7,500.
* YEARTC(1, 240,000, 320,000, 15 %, 30,000) = 240,000 + 36,000 + 320,000 × 25 %
  + 30,000 = 356,000 + 30,000 = 386,000; year 2 drops the sign-on: 356,000.
* VESTSCHEDULE(320,000, "5/15/40/40") = 16,000 | 48,000 | 128,000 | 128,000; with an
  18-month cliff the first 18 months vest at month 18:
  0 | 16,000 + 48,000 = 64,000 | 128,000 | 128,000.
* EQUITYVALUE(40,000 shares, $12 price, $2 strike, 4 years, 30 % discount)
  = 40,000 × 10 / 4 × 0.7 = 70,000 a year.
* A sign-on may be amounts by year, 50,000 then 25,000: YEARTC(2, 180,000, 400,000, 0,
  (50,000, 25,000), "5/15/40/40") = 180,000 + 60,000 + 25,000 = 265,000, and TOTALCOMP
  spreads the sum: 75,000 / 4 = 18,750 a year.
* Refreshers of 80,000 granted at the end of each year on 25/25/25/25: YEARTC(2, 240,000,
  320,000, 15 %, 0, refresh=80,000) = 240,000 + 36,000 + 80,000 + 20,000 = 376,000;
  year 5 = 240,000 + 36,000 + 80,000 (four refreshers' 25 % each) = 356,000.
* EQUITYEXIT(40,000 options, 100,000,000 fully diluted shares, $10B exit, $2 strike,
  10 % dilution, 2 rounds) = 0.0004 × 0.81 × 10,000,000,000 − 80,000 = 3,160,000.
* UNVESTED(400,000, 2024-03-01, 2026-12-01): 33 months of 48 vested, 275,000;
  unvested 125,000.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from xlcomp.core.values import show
from xlcomp.errors import InputError

DEFAULT_SCHEDULE = "25/25/25/25"

SignOn = float | Sequence[float]
"""A sign-on: one amount (paid in year 1) or amounts by year (year 1, year 2, …)."""


def signon_by_year(signon: SignOn, arg: str = "signon") -> tuple[float, ...]:
    """A sign-on as amounts by year, each checked not negative: 30000 -> (30000,).

    ``arg`` names the argument in an error (``offer_signon``)."""
    amounts = (float(signon),) if isinstance(signon, int | float) else tuple(signon)
    if not amounts:
        raise InputError(arg, "has no amounts")
    for i, amount in enumerate(amounts, start=1):
        if amount < 0:
            where = "" if len(amounts) == 1 else f" (year {i})"
            raise InputError(arg, f"{amount:,.6g}{where} must not be negative")
    return amounts


def _non_negative(value: float, arg: str) -> None:
    if value < 0:
        raise InputError(arg, f"{value:,.6g} must not be negative")


def total_comp(
    base: float,
    equity: float,
    bonus_pct: float,
    signon: SignOn = 0.0,
    signon_years: float = 4.0,
) -> float:
    """base + equity + base × bonus_pct + signon / signon_years.

    A sign-on by year is spread as its sum: (50,000, 25,000) over 4 years adds 18,750.
    """
    _non_negative(base, "base")
    _non_negative(equity, "equity")
    _non_negative(bonus_pct, "bonus_pct")
    if isinstance(signon, float):  # the common case, kept to the same operations as arrays
        _non_negative(signon, "signon")
        total = signon
    else:
        total = math.fsum(signon_by_year(signon))
    if signon_years <= 0:
        raise InputError("signon_years", f"{signon_years:g} must be above 0")
    return base + equity + base * bonus_pct + total / signon_years


def parse_schedule(text: str) -> tuple[float, ...]:
    """``"5/15/40/40"`` -> (0.05, 0.15, 0.40, 0.40); the parts must sum to 100."""
    parts = [p.strip().rstrip("%").strip() for p in text.split("/")]
    fractions: list[float] = []
    for i, part in enumerate(parts, start=1):
        try:
            value = float(part)
        except ValueError:
            raise InputError("schedule", f"{text!r}: part {i} ({part!r}) is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise InputError("schedule", f"{text!r}: part {i} must be a percentage ≥ 0")
        fractions.append(value / 100)
    total = sum(fractions) * 100
    if abs(total - 100) > 1e-6:
        raise InputError("schedule", f"{text!r} sums to {total:g}, not 100")
    return tuple(fractions)


def year_tc(
    year: int,
    base: float,
    equity_grant: float,
    bonus_pct: float,
    signon: SignOn = 0.0,
    schedule: str = DEFAULT_SCHEDULE,
    refresh: float = 0.0,
) -> float:
    """Total comp in year ``year`` (from 1) of a grant, with refreshers.

    base + base × bonus_pct + equity_grant × schedule[year] + the year's sign-on (one
    amount is paid in year 1; amounts by year in their years) + Σ_{k=1..year−1}
    refresh × schedule[year − k]: a refresher of value ``refresh`` is granted at the end
    of each year and vests on the same schedule from the next year. Years after the
    schedule's last vest have none of the first grant (the refreshers go on).
    """
    if year < 1:
        raise InputError("year", f"{show(year)} must be 1 or more (the first year is 1)")
    _non_negative(base, "base")
    _non_negative(equity_grant, "equity_grant")
    _non_negative(bonus_pct, "bonus_pct")
    _non_negative(refresh, "refresh")
    signons = signon_by_year(signon)
    fractions = parse_schedule(schedule)

    def vest(n: int) -> float:
        return fractions[n - 1] if n <= len(fractions) else 0.0

    # Refreshers granted more than the schedule's length ago have fully vested.
    recent = range(max(1, year - len(fractions)), year)
    refreshed = math.fsum(refresh * vest(year - k) for k in recent) if refresh else 0.0
    signon_now = signons[year - 1] if year <= len(signons) else 0.0
    return base + base * bonus_pct + equity_grant * vest(year) + signon_now + refreshed


def vest_schedule(
    equity_grant: float, schedule: str = DEFAULT_SCHEDULE, cliff_months: int = 12
) -> list[float]:
    """The value vesting in each year of the schedule.

    Within a year vesting is taken as monthly and even; with a cliff at month c, what
    would have vested in months 1..c vests at month c (in year ⌈c/12⌉). A cliff of 12
    months or less leaves the yearly totals unchanged. The yearly values sum to the grant.
    """
    _non_negative(equity_grant, "equity_grant")
    fractions = parse_schedule(schedule)
    months = 12 * len(fractions)
    if cliff_months < 0 or cliff_months > months:
        raise InputError(
            "cliff_months",
            f"{show(cliff_months)} must be from 0 to {months} (the schedule's length in months)",
        )
    values = [equity_grant * f for f in fractions]
    if cliff_months <= 12:
        return values
    cliff_year = math.ceil(cliff_months / 12)  # 1-based
    full_years = cliff_year - 1
    months_in_cliff_year = cliff_months - 12 * full_years
    moved = sum(values[:full_years]) + values[cliff_year - 1] * months_in_cliff_year / 12
    result = [0.0] * full_years + [
        moved + values[cliff_year - 1] * (12 - months_in_cliff_year) / 12
    ]
    result.extend(values[cliff_year:])
    return result


def equity_value(
    shares: float,
    price: float,
    strike: float = 0.0,
    vest_years: float = 4.0,
    risk_discount: float = 0.0,
) -> float:
    """shares × max(price − strike, 0) / vest_years × (1 − risk_discount)."""
    _non_negative(shares, "shares")
    _non_negative(price, "price")
    _non_negative(strike, "strike")
    if vest_years <= 0:
        raise InputError("vest_years", f"{vest_years:g} must be above 0")
    if not 0 <= risk_discount <= 1:
        raise InputError("risk_discount", f"{risk_discount:g} must be from 0 to 100%")
    return shares * max(price - strike, 0.0) / vest_years * (1 - risk_discount)


def equity_exit(
    shares: float,
    fully_diluted_shares: float,
    exit_valuation: float,
    strike: float = 0.0,
    dilution: float = 0.0,
    rounds: int = 0,
) -> float:
    """The whole grant's value at an exit, never below 0.

    shares / fully_diluted_shares × (1 − dilution)^rounds × exit_valuation − shares ×
    strike: the grant's fraction of the company, diluted by ``rounds`` funding rounds of
    ``dilution`` each (a rate), times the exit valuation, less the cost of exercising
    (0 for RSUs). Money in, money out.
    """
    _non_negative(shares, "shares")
    if fully_diluted_shares <= 0:
        raise InputError("fully_diluted_shares", f"{fully_diluted_shares:,.6g} must be above 0")
    if shares > fully_diluted_shares:
        raise InputError(
            "shares",
            f"{shares:,.6g} is more than the {fully_diluted_shares:,.6g} fully diluted shares",
        )
    _non_negative(exit_valuation, "exit_valuation")
    _non_negative(strike, "strike")
    if not 0 <= dilution < 1:
        raise InputError("dilution", f"{dilution:g} must be from 0 to below 100%")
    if rounds < 0:
        raise InputError("rounds", f"{show(rounds)} must not be negative")
    stake = shares / fully_diluted_shares * (1 - dilution) ** rounds
    return max(stake * exit_valuation - shares * strike, 0.0)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (a month is complete on the same day of
    the month): 2024-03-01 -> 2026-12-01 is 33; negative when ``end`` is earlier."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def vested_fraction(months: int, schedule: str = DEFAULT_SCHEDULE, cliff_months: int = 12) -> float:
    """The fraction of a grant vested after ``months`` whole months.

    Vesting is monthly and even within each year of the schedule; nothing vests before
    the cliff, and at the cliff what would have vested by then vests at once. Worked
    exactly (see :func:`vested_fraction_exact`), then rounded once to a float.
    """
    return float(vested_fraction_exact(months, schedule, cliff_months))


def _exact_parts(schedule: str) -> tuple[Fraction, ...]:
    """The schedule's parts as exact fractions of the grant: "25/25/25/25" -> (1/4, …).

    Checked by :func:`parse_schedule` first; a part is read as the decimal it is written
    as ("12.5" is 1/8), not as the nearest binary float.
    """
    parse_schedule(schedule)  # the checks and their messages
    parts = [Fraction(Decimal(p.strip().rstrip("%").strip())) / 100 for p in schedule.split("/")]
    total = sum(parts, Fraction(0))
    # parts within parse_schedule's tolerance of 100 but not exactly (33.3333 x 3 + ...):
    # scaled so that the whole grant vests at the end, as the schedule means.
    return tuple(p / total for p in parts) if total else tuple(parts)


def vested_fraction_exact(
    months: int, schedule: str = DEFAULT_SCHEDULE, cliff_months: int = 12
) -> Fraction:
    """:func:`vested_fraction` as an exact :class:`~fractions.Fraction`: 14 months of
    "25/25/25/25" (cliff 12) is 1/4 + 1/4 × 2/12 = 7/24, with no binary rounding."""
    parts = _exact_parts(schedule)
    total = 12 * len(parts)
    if not 0 <= cliff_months <= total:
        raise InputError(
            "cliff_months",
            f"{show(cliff_months)} must be from 0 to {total} (the schedule's length in months)",
        )
    if months < max(cliff_months, 1):
        return Fraction(0)
    if months >= total:
        return Fraction(1)
    years, rest = divmod(months, 12)
    return sum(parts[:years], Fraction(0)) + parts[years] * rest / 12


def unvested(
    grant_value: float,
    start_date: dt.date,
    as_of: dt.date,
    schedule: str = DEFAULT_SCHEDULE,
    cliff_months: int = 12,
) -> float:
    """The value of a grant not yet vested on ``as_of``: what leaving forfeits.

    grant_value × (1 − the fraction vested after the whole months from ``start_date``
    to ``as_of``; see :func:`vested_fraction`). Before the start, all of it.
    """
    _non_negative(grant_value, "grant_value")
    fraction = vested_fraction_exact(months_between(start_date, as_of), schedule, cliff_months)
    # Exact to the end: 480,000 x (1 - 7/24) is 340,000, not 339,999.99999999994.
    return float(Fraction(grant_value) * (1 - fraction))
