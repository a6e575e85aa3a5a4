"""Properties that hold for every input, checked with hypothesis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlcomp import udfs
from xlcomp.core.comp import vest_schedule
from xlcomp.core.counter import counter_split, counter_target

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


@given(
    target=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    start=st.tuples(rate, rate, rate),
)
def test_counter_split_reproduces_target(target: float, start: tuple[float, float, float]) -> None:
    """The split's components give the target TC, or sit at every band max plus sign-on."""
    base_band, equity_band, bonus_band = (185000.0, 245000.0), (50000.0, 85000.0), (0.10, 0.15)
    b0 = base_band[0] + start[0] * (base_band[1] - base_band[0])
    e0 = equity_band[0] + start[1] * (equity_band[1] - equity_band[0])
    p0 = bonus_band[0] + start[2] * (bonus_band[1] - bonus_band[0])
    s = counter_split(target, base_band, equity_band, bonus_band, b0, e0, p0)
    tc = s.base * (1 + s.bonus_pct) + s.equity
    offer_tc = b0 * (1 + p0) + e0
    if target <= offer_tc:
        assert (s.base, s.equity, s.bonus_pct, s.signon) == (b0, e0, p0, 0)
    elif s.signon > 0:
        assert (s.base, s.equity, s.bonus_pct) == (245000.0, 85000.0, 0.15)
        assert tc + s.signon == pytest.approx(target)
    else:
        assert tc == pytest.approx(target, rel=1e-9)
        assert b0 <= s.base <= base_band[1] and e0 <= s.equity <= equity_band[1]


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
