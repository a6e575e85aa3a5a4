"""The counter-offer paragraph, with numbers written as a person writes them.

Money reads in thousands: 295,000 -> "$295K", 363,500 -> "$363.5K", 1,250,000 ->
"$1.25M", 1e9 -> "$1B", 950 -> "$950"; rates as percents: 0.15 -> "15%", 0.125 -> "12.5%". Every
rounding is half up on the decimal digits a person sees: 316,450 -> "$316.5K" (binary
floating point holds 316.45 as 316.4499…, which Python's own formatting rounds down).

For the guide's numbers (competing 295,000; base 240,000, equity 80,000, bonus 15 %;
floor 275,000) the total quoted is TOTALCOMP = 356,000, written "$356K" — not the
guide's "approximately $310K", which does not add up. With the built-in scenario's
counter split (245,000 / 85,000 / 15 % / 29,000 sign-on) the total is 366,750 +
29,000 / 4 = 374,000, "$374K a year (sign-on spread over four years)"; with the
Seattle persona's (228,000 / 80,000 / 14.5 % / 25,000) it is 261,060 + 80,000 + 6,250
= 347,310, "$347.3K".
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from xlcomp.core.comp import SignOn, signon_by_year, total_comp

# Enough digits for any float written out in full (1e308 has 309), so rounding is exact.
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)


def _decimal(number: float) -> Decimal:
    """The number as the shortest decimal that reads back as it (316450.0, not 316449.99…)."""
    return Decimal(repr(float(number)))


def _trim(number: Decimal, decimals: int) -> str:
    """``number`` rounded half up to ``decimals`` places, grouped, trailing zeros dropped."""
    rounded = _half_up(number, decimals)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _half_up(number: Decimal, decimals: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-decimals), context=_CONTEXT)


_ASTRONOMICAL = Decimal("1e18")


def format_money(amount: float, symbol: str = "$") -> str:
    """An amount as a person writes it: $295K, $363.5K, $1.25M, $950.

    Whole dollars below $1,000, tenths of a thousand up to $1M, hundredths of a million
    up to $1B, hundredths of a billion above (grouped: 1e15 is $1,000,000B; from 1e18 in
    scientific notation, $1e+18); each
    rounded half up ($316,450 -> $316.5K, $999,950 -> $1M, $999.50 -> $1K,
    $999,995,000 -> $1B).
    """
    d = abs(_decimal(amount))
    sign = "-" if amount < 0 and _half_up(d, 0) > 0 else ""
    if d >= _ASTRONOMICAL:  # a quintillion and up: digits no one reads
        return f"{sign}{symbol}{float(d):.3g}"
    if _half_up(d.scaleb(-6), 2) >= 1000:
        return f"{sign}{symbol}{_trim(d.scaleb(-9), 2)}B"
    if _half_up(d.scaleb(-3), 1) >= 1000:
        return f"{sign}{symbol}{_trim(d.scaleb(-6), 2)}M"
    if _half_up(d, 0) >= 1000:
        return f"{sign}{symbol}{_trim(d.scaleb(-3), 1)}K"
    return f"{sign}{symbol}{_trim(d, 0)}"


def format_rate(rate: float) -> str:
    """A fraction as a percent to two decimals, half up: 0.15 -> 15%, 0.12345 -> 12.35%."""
    return f"{_trim(_decimal(rate).scaleb(2), 2)}%"


def counter_script(
    competing_tc: float,
    base: float,
    equity: float,
    bonus_pct: float,
    floor: float,
    signon: SignOn = 0.0,
    company: str = "",
) -> str:
    """The counter-offer paragraph, in the spirit of the guide's "Negotiate Up" script.

    Money arguments are amounts, ``bonus_pct`` a fraction; ``signon`` is one payment or
    amounts by year (``(50000, 25000)``), as TOTALCOMP takes it. The
    total it quotes is TOTALCOMP(base, equity, bonus_pct, signon): the sign-on's sum spread
    over four years, as every annual TC in xlcomp counts it; a sign-on, when there is
    one, is named in the ask. ``company`` names the role's company when given.
    """
    total = total_comp(base, equity, bonus_pct, signon)
    where = f"the role at {company}" if company else "this role"
    ask = (
        f"I'm targeting a base of {format_money(base)}, equity valued at "
        f"{format_money(equity)} per year, and a {format_rate(bonus_pct)} bonus target"
    )
    amounts = signon_by_year(signon)
    if math.fsum(amounts) > 0:
        if len(amounts) == 1:
            ask += f", plus a {format_money(amounts[0])} sign-on bonus"
        else:
            by_year = " / ".join(format_money(a) for a in amounts)
            ask += f", plus a sign-on bonus of {by_year} (years 1 to {len(amounts)})"
        total_text = (
            f"bringing my total comp to {format_money(total)} a year "
            "(sign-on spread over four years)"
        )
    else:
        total_text = f"bringing my total comp to {format_money(total)}"
    return (
        f"I'm excited about {where}. "
        f"My current competing offer is {format_money(competing_tc)} TC. "
        f"{ask} — {total_text}. "
        f"My accept-at floor is {format_money(floor)} TC; below that threshold, "
        "my alternative is the better choice."
    )
