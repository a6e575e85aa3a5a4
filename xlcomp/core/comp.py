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
"""

from __future__ import annotations

import math

from xlcomp.errors import InputError

DEFAULT_SCHEDULE = "25/25/25/25"


def _non_negative(value: float, arg: str) -> None:
    if value < 0:
        raise InputError(arg, f"{value:,.6g} must not be negative")


def total_comp(
    base: float,
    equity: float,
    bonus_pct: float,
    signon: float = 0.0,
    signon_years: float = 4.0,
) -> float:
    """base + equity + base × bonus_pct + signon / signon_years."""
    _non_negative(base, "base")
    _non_negative(equity, "equity")
    _non_negative(bonus_pct, "bonus_pct")
    _non_negative(signon, "signon")
    if signon_years <= 0:
        raise InputError("signon_years", f"{signon_years:g} must be above 0")
    return base + equity + base * bonus_pct + signon / signon_years


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
    signon: float = 0.0,
    schedule: str = DEFAULT_SCHEDULE,
) -> float:
    """base + base × bonus_pct + equity_grant × schedule[year] (+ signon in year 1).

    Years after the schedule's last vest have no equity.
    """
    if year < 1:
        raise InputError("year", f"{year} must be 1 or more (the first year is 1)")
    _non_negative(base, "base")
    _non_negative(equity_grant, "equity_grant")
    _non_negative(bonus_pct, "bonus_pct")
    _non_negative(signon, "signon")
    fractions = parse_schedule(schedule)
    vest = fractions[year - 1] if year <= len(fractions) else 0.0
    return base + base * bonus_pct + equity_grant * vest + (signon if year == 1 else 0.0)


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
            f"{cliff_months} must be from 0 to {months} (the schedule's length in months)",
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
