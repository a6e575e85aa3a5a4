"""Counter-offer targets, the split of a target into components, and the verdict.

Worked numbers, by hand (TC is TOTALCOMP: base × (1 + bonus) + equity + sign-on / 4).

* COUNTERTARGET(0, 295,000): target = max(0, 295,000) × 1.05 = 309,750 (the guide's
  "approximately $310K"); anchor = 309,750 × 1.10 = 340,725; floor = 295,000 (the
  competing offer, as no floor was given).
* COUNTERSPLIT(330,000, San Francisco, Senior SWE; offer 200,000 / 60,000 / 10 %):
  headroom base 45,000, equity 25,000, bonus 5 points; with t the fraction of headroom
  taken, TC(t) = (200,000 + 45,000 t)(1.10 + 0.05 t) + 60,000 + 25,000 t. TC(0) =
  280,000, TC(1) = 366,750; solving 2,250 t² + 84,500 t + 280,000 = 330,000 gives
  t = (−84,500 + √(84,500² + 4 × 2,250 × 50,000)) / 4,500 = 0.5827: base 226,220,
  equity 74,567, bonus 12.91 %. Asked in round numbers: base 227,000, equity 75,000,
  bonus 13 %, sign-on 0; TC = 227,000 × 1.13 + 75,000 = 331,510, 1,510 above the
  target — less than one rounding step (1,130 + 1,135 − 5 + 1,000 + 250 = 3,510).
* The built-in scenario (San Francisco; offer 240,000 / 80,000 / 15 %, no sign-on;
  competing 295,000): offer TC 356,000, target 356,000 × 1.05 = 373,800. The band
  maxima give 245,000 × 1.15 + 85,000 = 366,750; the rest, 7,050 a year, is a sign-on
  of 7,050 × 4 = 28,200, asked as 29,000: TC = 366,750 + 29,000 / 4 = 374,000.
* The Seattle persona (band base 176,000–233,000, equity 47,000–81,000, bonus 10–15 %;
  offer 210,000 / 300,000 grant = 75,000 a year / 12 % / sign-on 25,000; competing
  330,000): offer TC = 235,200 + 75,000 + 6,250 = 316,450; target = 330,000 × 1.05 =
  346,500. Keeping the 25,000 sign-on (6,250 a year) the components must reach
  340,250 from 310,200: 690 t² + 38,060 t = 30,050 (a = 23,000 × 0.03; b = 23,000 ×
  1.12 + 210,000 × 0.03 + 6,000), t = 60,100 / (38,060 + √1,531,501,600) = 0.7786:
  base 227,907 -> 228,000, equity 79,671 -> 80,000, bonus 14.34 % -> 14.5 %, sign-on
  25,000 kept. TC = 228,000 × 1.145 + 80,000 + 6,250 = 347,310 (810 above target).
* A target of 400,000 is beyond even the San Francisco maxima (366,750): base 245,000,
  equity 85,000, bonus 15 %, and (400,000 − 366,750) × 4 = 133,000 of sign-on.
* OFFERVERDICT(356,000, 275,000, 309,750) = "accept"; 290,000 = "counter";
  260,000 = "walk away".
"""

from __future__ import annotations

import math
from typing import NamedTuple

from xlcomp.errors import InputError


class CounterTarget(NamedTuple):
    """The three numbers of a counter-offer: open high, aim, walk away below."""

    anchor: float
    target: float
    floor: float


class CounterSplit(NamedTuple):
    """A target TC split into an ask: base, annual equity, bonus rate, sign-on, and t.

    ``signon`` is one payment, counted in annual TC as TOTALCOMP counts it (spread over
    four years); ``t`` is the fraction of each component's headroom taken (0 to 1).
    """

    base: float
    equity: float
    bonus_pct: float
    signon: float
    t: float


def counter_target(
    offer_tc: float,
    competing_tc: float,
    uplift: float = 0.05,
    anchor_gap: float = 0.10,
    floor: float | None = None,
) -> CounterTarget:
    """target = max(offer, competing) × (1 + uplift); anchor = target × (1 + anchor_gap)."""
    for arg, value in (
        ("offer_tc", offer_tc),
        ("competing_tc", competing_tc),
        ("uplift", uplift),
        ("anchor_gap", anchor_gap),
    ):
        if value < 0:
            raise InputError(arg, f"{value:,.6g} must not be negative")
    if floor is not None and floor < 0:
        raise InputError("floor", f"{floor:,.6g} must not be negative")
    target = max(offer_tc, competing_tc) * (1 + uplift)
    return CounterTarget(
        anchor=target * (1 + anchor_gap),
        target=target,
        floor=competing_tc if floor is None else floor,
    )


BASE_STEP = 1000.0
"""Base is asked in whole thousands."""
EQUITY_STEP = 1000.0
"""Annual equity is asked in whole thousands."""
BONUS_STEPS_PER_UNIT = 200
"""The bonus rate is asked in half points: 1 / 200 = 0.005."""
SIGNON_STEP = 1000.0
"""A sign-on above the one offered is asked in whole thousands."""
SIGNON_YEARS = 4.0
"""TOTALCOMP's default: a sign-on counts as signon / 4 a year."""

# Float slack when rounding up: 245,000.000000001 is 245,000, not 246,000.
_SLACK = 1e-9


def _up(value: float, step: float) -> float:
    """``value`` rounded up to a whole multiple of ``step``."""
    return math.ceil(value / step - _SLACK) * step


def _up_half_point(rate: float) -> float:
    """A rate rounded up to half a point: 0.1434 -> 0.145."""
    return math.ceil(rate * BONUS_STEPS_PER_UNIT - _SLACK) / BONUS_STEPS_PER_UNIT


def _tc(base: float, equity: float, bonus_pct: float) -> float:
    return base * (1 + bonus_pct) + equity


def rounding_step(base: float, bonus_pct: float, signon_years: float = SIGNON_YEARS) -> float:
    """What one rounding step of every asked number is worth in annual TC (money a year).

    It is TOTALCOMP of the split minus TOTALCOMP with every number one step lower
    ($1,000 of base, $1,000 of equity, half a point of bonus, $1,000 of sign-on):
    1,000 × (1 + bonus_pct) + 0.005 × base − 5 + 1,000 + 1,000 / signon_years.
    For base 245,000 at 15 %: 1,150 + 1,225 − 5 + 1,000 + 250 = 3,620.
    """
    bonus_step = 1 / BONUS_STEPS_PER_UNIT
    return (
        BASE_STEP * (1 + bonus_pct)
        + bonus_step * base
        - BASE_STEP * bonus_step
        + EQUITY_STEP
        + SIGNON_STEP / signon_years
    )


def counter_split(
    target_tc: float,
    base_band: tuple[float, float],
    equity_band: tuple[float, float],
    bonus_band: tuple[float, float],
    offer_base: float | None = None,
    offer_equity: float | None = None,
    offer_bonus_pct: float | None = None,
    offer_signon: float = 0.0,
    signon_years: float = SIGNON_YEARS,
) -> CounterSplit:
    """Split ``target_tc`` (annual TC, money a year) into an ask in round numbers.

    Bands are ``(min, max)`` pairs (the bonus as fractions); an offer component left as
    ``None`` starts at its band min; ``offer_signon`` is the sign-on already offered
    (money, one payment). TC is TOTALCOMP's: base × (1 + bonus_pct) + equity +
    signon / ``signon_years``.

    1. The offered sign-on is kept: the components must reach
       ``target_tc − offer_signon / signon_years``.
    2. Every component moves toward its band max by one fraction t of its headroom;
       t in [0, 1] is the smallest that reaches it (a quadratic, as base × bonus is a
       product). A component already at or above its band max stays where it is (a
       counter never lowers an offer).
    3. The ask is rounded *up*: base and equity to whole thousands, the bonus to half
       points — but never past a band max the offer had not passed (the band max
       itself is then asked, round or not).
    4. The sign-on is ``offer_signon`` unless the band maxima cannot reach the target;
       then it absorbs the rest, rounded up to a whole thousand.

    If the offer already reaches the target it comes back unchanged (t = 0).

    Invariant (up to float error of a millionth of a dollar), with TC the TOTALCOMP of
    the split and ``step`` = :func:`rounding_step` of the split's base and bonus:
    ``target_tc ≤ TC`` and ``TC ≤ max(target_tc, TC of the offer) + step`` — at most
    one rounding step above the target, unless the offer itself was already above it.
    ``signon ≥ offer_signon`` always.

    Raises InputError for a negative target, offer value or sign-on, or
    ``signon_years`` ≤ 0.
    """
    if target_tc < 0:
        raise InputError("target_tc", f"{target_tc:,.6g} must not be negative")
    if offer_signon < 0:
        raise InputError("offer_signon", f"{offer_signon:,.6g} must not be negative")
    if signon_years <= 0:
        raise InputError("signon_years", f"{signon_years:g} must be above 0")
    start = []
    for arg, given, band in (
        ("offer_base", offer_base, base_band),
        ("offer_equity", offer_equity, equity_band),
        ("offer_bonus_pct", offer_bonus_pct, bonus_band),
    ):
        value = band[0] if given is None else given
        if value < 0:
            raise InputError(arg, f"{value:,.6g} must not be negative")
        start.append(value)
    b0, e0, p0 = start
    # Where each component may go: its band max, or the offer when already above it.
    hb, he, hp = max(base_band[1], b0), max(equity_band[1], e0), max(bonus_band[1], p0)
    db, de, dp = hb - b0, he - e0, hp - p0
    slack = _SLACK * max(target_tc, 1.0)
    goal = target_tc - offer_signon / signon_years  # what the components must reach
    c = _tc(b0, e0, p0)
    if c >= goal - slack:
        return CounterSplit(b0, e0, p0, float(offer_signon), 0.0)
    full = _tc(hb, he, hp)
    if full <= goal:
        t = 1.0
    else:
        # TC(t) = a t² + b t + c, increasing on [0, 1]; the root in a stable form.
        a = db * dp
        b = db * (1 + p0) + b0 * dp + de
        need = goal - c
        t = min(max(2 * need / (b + math.sqrt(b * b + 4 * a * need)), 0.0), 1.0)
    if t >= 1.0:  # every component at its band max (or its offer, when above it)
        base, equity, bonus = hb, he, hp
    else:
        base = max(b0, min(_up(b0 + t * db, BASE_STEP), hb))
        equity = max(e0, min(_up(e0 + t * de, EQUITY_STEP), he))
        bonus = max(p0, min(_up_half_point(p0 + t * dp), hp))
    signon = float(offer_signon)
    if t >= 1.0:  # the band maxima fall short: the sign-on takes the rest
        short = (target_tc - _tc(base, equity, bonus)) * signon_years
        if short > offer_signon + slack * signon_years:
            signon = max(signon, _up(short, SIGNON_STEP))
    return CounterSplit(base, equity, bonus, signon, t)


VERDICTS = ("accept", "counter", "walk away")


def offer_verdict(offer_tc: float, floor: float, target: float) -> str:
    """ "accept" at or above ``target``, "counter" from ``floor`` up to it, else "walk away".

    All three are annual TC (money a year). ``target`` is the TC at which the offer is
    good enough to take as it is; the template passes the best alternative plus the ask
    (competing TC × (1 + uplift)), so an offer that beats the competing offer by the
    uplift is "accept". (COUNTERTARGET's target, which also lifts the offer itself, is
    what to ask for, and an offer can never reach it.) All three are compared rounded to
    cents. Raises InputError when ``floor`` is above ``target``.
    """
    # Money compared at cents: 100,000 x (1 + 10%) is 110,000.00000000001 in binary
    # floating point, and an offer of 110,000 is at it.
    offer_tc, floor, target = round(offer_tc, 2), round(floor, 2), round(target, 2)
    if floor > target:
        raise InputError("floor", f"{floor:,.6g} is above the target {target:,.6g}")
    if offer_tc >= target:
        return "accept"
    if offer_tc >= floor:
        return "counter"
    return "walk away"
