"""Properties that hold for every input, checked with hypothesis."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlcomp import udfs
from xlcomp.core.comp import total_comp, vest_schedule
from xlcomp.core.counter import counter_split, counter_target, rounding_step

money = st.floats(min_value=0, max_value=5e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1, max_value=5e6, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)
SF, SR = "San Francisco", "Senior SWE"


@st.composite
def band(draw: st.DrawFn) -> tuple[float, float]:
    low = draw(positive)
    width = draw(st.floats(min_value=1e-3, max_value=5e6, allow_nan=False))
    return low, low + width


@given(band=band(), a=money, b=money, method=st.sampled_from(["linear", "lognormal"]))
def test_percentile_rises_with_value(
    band: tuple[float, float], a: float, b: float, method: str
) -> None:
    """A higher value never sits at a lower percentile."""
    table = [["region", "level", "component", "min", "max"], ["R", "L", "base", *band]]
    lo, hi = sorted((a, b))
    p_lo = udfs.BANDPERCENTILE(lo, "R", "L", "base", table, method)
    p_hi = udfs.BANDPERCENTILE(hi, "R", "L", "base", table, method)
    assert p_lo <= p_hi + 1e-9


@given(band=band())
def test_linear_percentile_is_0_at_min_and_100_at_max(band: tuple[float, float]) -> None:
    """Range penetration: the band's ends are 0 and 100."""
    table = [["region", "level", "component", "min", "max"], ["R", "L", "base", *band]]
    assert udfs.BANDPERCENTILE(band[0], "R", "L", "base", table) == pytest.approx(0, abs=1e-7)
    assert udfs.BANDPERCENTILE(band[1], "R", "L", "base", table) == pytest.approx(100)


@given(offer=money, competing=money, uplift=rate, gap=rate)
def test_counter_target_never_below_offer_or_competing(
    offer: float, competing: float, uplift: float, gap: float
) -> None:
    """target ≥ offer and ≥ competing; anchor ≥ target."""
    anchor, target, _ = counter_target(offer, competing, uplift, gap)
    assert target >= offer and target >= competing
    assert anchor >= target


@st.composite
def split_case(draw: st.DrawFn) -> dict[str, Any]:
    """Random bands, an offer (anywhere, even above a band max or left out), a target."""
    bands = []
    for low_max, width_max in ((400_000.0, 300_000.0), (300_000.0, 300_000.0), (0.3, 0.3)):
        low = draw(st.floats(min_value=0, max_value=low_max, allow_nan=False))
        bands.append((low, low + draw(st.floats(min_value=0, max_value=width_max))))
    offer: list[float | None] = []
    for (_low, high), top in zip(bands, (800_000.0, 700_000.0, 0.7), strict=True):
        offer.append(draw(st.none() | st.floats(min_value=0, max_value=top) | st.just(high)))
    signon = draw(st.sampled_from([0.0, 25_000.0]) | st.floats(min_value=0, max_value=400_000))
    target = draw(st.floats(min_value=0, max_value=2e6, allow_nan=False))
    return {"bands": bands, "offer": offer, "signon": signon, "target": target}


@settings(max_examples=400)
@given(case=split_case())
def test_counter_split_reaches_target_within_one_rounding_step(case: dict[str, Any]) -> None:
    """TOTALCOMP of the split is ≥ the target and at most one rounding step above it.

    (Or above the offer, when the offer alone is already past the target.) The sign-on
    is never below the offered one, no component below the offer or past a band max
    the offer had not passed, and each is round (thousands, half points) unless it is
    the band max or the offer itself.
    """
    (base_band, equity_band, bonus_band), offer = case["bands"], case["offer"]
    target, offered = case["target"], case["signon"]
    s = counter_split(target, base_band, equity_band, bonus_band, *offer, offered)
    start = [band[0] if o is None else o for o, band in zip(offer, case["bands"], strict=True)]
    offer_tc = total_comp(*start, offered)
    tc = total_comp(s.base, s.equity, s.bonus_pct, s.signon)
    assert tc >= target - 1e-6
    step = rounding_step(s.base, s.bonus_pct)
    assert tc <= max(target, offer_tc) + step + 1e-6
    assert s.signon >= offered
    asked = (s.base, s.equity, s.bonus_pct)
    for value, begin, (_, high), unit in zip(
        asked, start, case["bands"], (1000, 1000, 0.005), strict=True
    ):
        assert value >= begin
        assert value <= max(high, begin)
        on_grid = abs(value / unit - round(value / unit)) < 1e-6
        assert on_grid or value in (begin, high)
    if s.signon > offered:  # asked beyond the offer only when the band maxima fall short
        assert asked == tuple(max(h, b) for (_, h), b in zip(case["bands"], start, strict=True))
        assert s.signon % 1000 == 0


@given(case=split_case())
def test_counter_split_worksheet_column_is_the_core_split(case: dict[str, Any]) -> None:
    """COUNTERSPLIT in a cell spills the same column as the core, offered sign-on kept."""
    (base_band, equity_band, bonus_band), offer = case["bands"], case["offer"]
    table = [
        ["region", "level", "component", "min", "max"],
        ["R", "L", "base", *base_band],
        ["R", "L", "equity", *equity_band],
        ["R", "L", "bonus", *bonus_band],
    ]
    s = counter_split(case["target"], base_band, equity_band, bonus_band, *offer, case["signon"])
    got = udfs.COUNTERSPLIT(case["target"], "R", "L", table, *offer, None, case["signon"])
    assert got == [[s.base], [s.equity], [s.bonus_pct], [s.signon]]


def _quoted_total(script: str) -> tuple[float, float]:
    """The total a script quotes, and half the unit it was rounded to."""
    match = re.search(r"total comp to \$([\d,.]+)([KM]?)", script)
    assert match, script
    number, suffix = match.group(1).replace(",", ""), match.group(2)
    scale = {"": 1.0, "K": 1e3, "M": 1e6}[suffix]
    decimals = len(number.split(".")[1]) if "." in number else 0
    unit = {"": 1.0, "K": 100.0, "M": 10_000.0}[suffix]
    return float(number) * scale, unit / 2 if decimals or suffix else 0.5


@given(
    competing=money,
    base=st.floats(min_value=0, max_value=2e6),
    equity=st.floats(min_value=0, max_value=2e6),
    bonus=rate,
    signon=st.sampled_from([0.0, 25_000.0, 30_000.0]) | st.floats(min_value=0, max_value=4e5),
    floor=money,
)
def test_counterscript_quotes_totalcomp_of_its_inputs(
    competing: float, base: float, equity: float, bonus: float, signon: float, floor: float
) -> None:
    """The script's total is TOTALCOMP of its numbers, to the digit it shows; a sign-on
    is named when there is one."""
    script = udfs.COUNTERSCRIPT(competing, base, equity, bonus, floor, signon)
    quoted, half_unit = _quoted_total(script)
    exact = udfs.TOTALCOMP(base, equity, bonus, signon)
    assert abs(quoted - exact) <= max(half_unit, 5e-3 * exact) + 1e-6
    assert ("sign-on bonus" in script) == (signon > 0)


@given(
    grant=money,
    parts=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6),
    cliff=st.integers(min_value=0, max_value=72),
)
def test_vest_schedule_sums_to_grant(grant: float, parts: list[int], cliff: int) -> None:
    """Whatever the schedule and cliff, the years add up to the grant."""
    assume(sum(parts) > 0)
    # scale the parts to sum to 100 exactly: put the remainder in the last year
    scaled = [p * 100 // sum(parts) for p in parts]
    scaled[-1] += 100 - sum(scaled)
    assume(cliff <= 12 * len(scaled))
    years = vest_schedule(grant, "/".join(str(p) for p in scaled), cliff)
    assert sum(years) == pytest.approx(grant, rel=1e-12, abs=1e-6)
    assert all(y >= 0 for y in years)


@settings(max_examples=50)
@given(
    column=st.lists(
        st.one_of(money, st.none(), st.text(max_size=5), st.booleans()), min_size=1, max_size=30
    ),
    equity=money,
    bonus=rate,
)
def test_broadcast_equals_element_by_element(
    column: list[Any], equity: float, bonus: float
) -> None:
    """One call over a column gives what a call per cell gives."""
    got = udfs.TOTALCOMP([[v] for v in column], equity, bonus)
    exp = [[udfs.TOTALCOMP(v, equity, bonus)] for v in column]
    if len(column) == 1:
        assert got == exp[0][0]
    else:
        assert got == exp


@settings(max_examples=30)
@given(values=st.lists(money, min_size=2, max_size=20))
def test_broadcast_percentile_column(values: list[float], bands: list[list[object]]) -> None:
    """BANDPERCENTILE over a column equals the per-cell calls."""
    got = udfs.BANDPERCENTILE([[v] for v in values], SF, SR, "base", bands)
    assert got == [[udfs.BANDPERCENTILE(v, SF, SR, "base", bands)] for v in values]
