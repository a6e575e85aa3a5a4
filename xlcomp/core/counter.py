"""Counter-offer targets, the split of a target into components, and the verdict.

Worked numbers (the guide's scenario: competing offer 295,000, floor 275,000):

* COUNTERTARGET(0, 295,000): target = max(0, 295,000) × 1.05 = 309,750 (the guide's
  "approximately $310K"); anchor = 309,750 × 1.10 = 340,725; floor = 295,000 (the
  competing offer, as no floor was given).
* COUNTERSPLIT(330,000, San Francisco, Senior SWE; offer 200,000 / 60,000 / 10 %):
  headroom base 45,000, equity 25,000, bonus 5 points; with t the fraction of headroom
  taken, TC(t) = (200,000 + 45,000 t)(1.10 + 0.05 t) + 60,000 + 25,000 t. TC(0) =
  280,000, TC(1) = 366,750; solving 2,250 t² + 84,500 t + 280,000 = 330,000 gives
  t = (−84,500 + √(84,500² + 4 × 2,250 × 50,000)) / 4,500 = 0.5827: base 226,220,
  equity 74,567, bonus 12.91 %, sign-on 0.
* A target of 400,000 is beyond even the band maxima (366,750): base 245,000,
  equity 85,000, bonus 15 %, sign-on 33,250.
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
    """A target TC split into components, plus a one-time sign-on for any shortfall."""

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


def _tc(base: float, equity: float, bonus_pct: float) -> float:
    return base * (1 + bonus_pct) + equity


def counter_split(
    target_tc: float,
    base_band: tuple[float, float],
    equity_band: tuple[float, float],
    bonus_band: tuple[float, float],
    offer_base: float | None = None,
    offer_equity: float | None = None,
    offer_bonus_pct: float | None = None,
    offer_signon: float = 0.0,
) -> CounterSplit:
    """Move every component toward its band max by one fraction t of its headroom.

    t in [0, 1] is the smallest that makes base + equity + base × bonus_pct reach
    ``target_tc``. A component already above its band max stays where it is (a counter
    never lowers an offer). If t = 1 falls short, every component sits at its band max
    and the shortfall is a one-time sign-on, so that year-1 TC equals the target. The
    sign-on asked is never below the offer's own sign-on, ``offer_signon``.
    """
    if target_tc < 0:
        raise InputError("target_tc", f"{target_tc:,.6g} must not be negative")
    if offer_signon < 0:
        raise InputError("offer_signon", f"{offer_signon:,.6g} must not be negative")
    split = _split(
        target_tc, base_band, equity_band, bonus_band, offer_base, offer_equity, offer_bonus_pct
    )
    if split.signon >= offer_signon:
        return split
    return CounterSplit(split.base, split.equity, split.bonus_pct, offer_signon, split.t)


def _split(
    target_tc: float,
    base_band: tuple[float, float],
    equity_band: tuple[float, float],
    bonus_band: tuple[float, float],
    offer_base: float | None,
    offer_equity: float | None,
    offer_bonus_pct: float | None,
) -> CounterSplit:
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
    db = max(base_band[1] - b0, 0.0)
    de = max(equity_band[1] - e0, 0.0)
    dp = max(bonus_band[1] - p0, 0.0)
    c = _tc(b0, e0, p0)
    if c >= target_tc:
        return CounterSplit(b0, e0, p0, 0.0, 0.0)
    full = _tc(b0 + db, e0 + de, p0 + dp)
    if full <= target_tc:
        return CounterSplit(b0 + db, e0 + de, p0 + dp, target_tc - full, 1.0)
    # TC(t) = a t² + b t + c, increasing on [0, 1]; the root in a stable form.
    a = db * dp
    b = db * (1 + p0) + b0 * dp + de
    need = target_tc - c
    t = 2 * need / (b + math.sqrt(b * b + 4 * a * need))
    t = min(max(t, 0.0), 1.0)
    return CounterSplit(b0 + t * db, e0 + t * de, p0 + t * dp, 0.0, t)


VERDICTS = ("accept", "counter", "walk away")


def offer_verdict(offer_tc: float, floor: float, target: float) -> str:
    """ "accept" at or above target, "counter" from floor up to target, else "walk away"."""
    if floor > target:
        raise InputError("floor", f"{floor:,.6g} is above the target {target:,.6g}")
    if offer_tc >= target:
        return "accept"
    if offer_tc >= floor:
        return "counter"
    return "walk away"
