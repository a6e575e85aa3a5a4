"""The counter-offer paragraph, with numbers written as a person writes them.

Money reads in thousands: 295,000 -> "$295K", 363,500 -> "$363.5K", 1,250,000 ->
"$1.25M", 950 -> "$950"; rates as percents: 0.15 -> "15%", 0.125 -> "12.5%".

For the guide's numbers (competing 295,000; base 240,000, equity 80,000, bonus 15 %;
floor 275,000) the total quoted is TOTALCOMP = 356,000, written "$356K" — not the
guide's "approximately $310K", which does not add up.
"""

from __future__ import annotations

from xlcomp.core.comp import total_comp


def _trim(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(amount: float, symbol: str = "$") -> str:
    """An amount as a person writes it: $295K, $363.5K, $1.25M, $950."""
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if round(a) >= 999_950:
        return f"{sign}{symbol}{_trim(a / 1e6, 2)}M"
    if round(a) >= 1000:
        return f"{sign}{symbol}{_trim(a / 1e3, 1)}K"
    return f"{sign}{symbol}{_trim(a, 0)}"


def format_rate(rate: float) -> str:
    """A fraction as a percent: 0.15 -> 15%, 0.1291 -> 12.91%."""
    return f"{_trim(rate * 100, 2)}%"


def counter_script(
    competing_tc: float,
    base: float,
    equity: float,
    bonus_pct: float,
    floor: float,
    signon: float = 0.0,
    company: str = "",
) -> str:
    """The counter-offer paragraph, in the spirit of the guide's "Negotiate Up" script."""
    total = total_comp(base, equity, bonus_pct, signon)
    where = f"the role at {company}" if company else "this role"
    ask = (
        f"I'm targeting a base of {format_money(base)}, equity valued at "
        f"{format_money(equity)} per year, and a {format_rate(bonus_pct)} bonus target"
    )
    if signon > 0:
        ask += f", plus a {format_money(signon)} sign-on bonus"
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
