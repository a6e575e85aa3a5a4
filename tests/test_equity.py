"""Pre-IPO equity and real offer shapes: EQUITYEXIT, UNVESTED, refreshers, sign-ons by year.

The worked numbers are the contract's (docs/functions.md, "Worked numbers added in turn
2"), computed there by hand; the rest are worked by hand below, and hypothesis checks
the directions the formulas must move in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlcomp import udfs
from xlcomp.core.comp import months_between
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows

BANDS = band_rows(load_guide().bands)
SF, SENIOR = "San Francisco", "Senior SWE"


# --- the contract's worked numbers ---------------------------------------------------

WORKED: list[tuple[str, str, tuple[Any, ...], float]] = [
    # 0.0004 × 0.81 × 10,000,000,000 − 40,000 × 2
    ("exit", "EQUITYEXIT", (40000, 100000000, 10000000000, 2, 0.10, 2), 3_160_000),
    ("exit-text-rate", "EQUITYEXIT", (40000, 1e8, 1e10, 2, "10%", 2), 3_160_000),
    # 240,000 + 36,000 + 320,000 × 25 % + 80,000 × 25 %
    ("refresh-year-2", "YEARTC", (2, 240000, 320000, 0.15, 0, "25/25/25/25", 80000), 376_000),
    # the first grant fully vested: 240,000 + 36,000 + 4 refreshers × 25 % × 80,000
    ("refresh-year-5", "YEARTC", (5, 240000, 320000, 0.15, 0, "25/25/25/25", 80000), 356_000),
    # 180,000 + 400,000 × 15 % + the year-2 sign-on 25,000
    ("signon-year-2", "YEARTC", (2, 180000, 400000, 0, "50000/25000", "5/15/40/40"), 265_000),
    ("signon-year-1", "YEARTC", (1, 180000, 400000, 0, "50000/25000", "5/15/40/40"), 250_000),
    ("signon-year-3", "YEARTC", (3, 180000, 400000, 0, "50000/25000", "5/15/40/40"), 340_000),
    # a row of amounts by year, as a range hands it
    ("signon-row", "YEARTC", (2, 180000, 400000, 0, [[50000.0, 25000.0]], "5/15/40/40"), 265_000),
    # 180,000 + 100,000 + 0 + 75,000 / 4
    ("totalcomp-spread", "TOTALCOMP", (180000, 100000, 0, "50000/25000"), 298_750),
    ("totalcomp-row", "TOTALCOMP", (180000, 100000, 0, [[50000.0, 25000.0]]), 298_750),
    # 400,000 granted 2024-03-01 (45352), as of 2026-12-01 (46357): 15 of 48 months left
    ("unvested", "UNVESTED", (400000, 45352, 46357), 125_000),
    ("unvested-dates", "UNVESTED", (400000, dt.date(2024, 3, 1), dt.date(2026, 12, 1)), 125_000),
    (
        "unvested-datetimes",
        "UNVESTED",
        (400000, dt.datetime(2024, 3, 1), dt.datetime(2026, 12, 1, 17, 30)),
        125_000,
    ),
    ("unvested-iso-text", "UNVESTED", (400000, "2024-03-01", "2026-12-01"), 125_000),
]


@pytest.mark.parametrize(("case", "name", "args", "exp"), WORKED, ids=[w[0] for w in WORKED])
def test_worked_numbers(case: str, name: str, args: tuple[Any, ...], exp: float) -> None:
    assert getattr(udfs, name)(*args) == pytest.approx(exp, rel=1e-12)


# --- worked by hand -----------------------------------------------------------------

HAND: list[tuple[str, str, tuple[Any, ...], float]] = [
    # RSUs (no strike), no dilution: 1 % of a $2B exit
    ("exit-rsu", "EQUITYEXIT", (1_000_000, 100_000_000, 2e9), 20_000_000),
    # underwater options: 0.0004 × 1e8 = 40,000 < 40,000 × 2 = 80,000 -> 0
    ("exit-underwater", "EQUITYEXIT", (40000, 1e8, 1e8, 2), 0),
    # one round of 20 %: 0.01 × 0.8 × 1e9
    ("exit-one-round", "EQUITYEXIT", (1e6, 1e8, 1e9, 0, 0.2, 1), 8_000_000),
    # 5/15/40/40 grant of 400,000, refresher 100,000: year 3 = 160,000 + 15,000 + 5,000
    ("refresh-backloaded", "YEARTC", (3, 0, 400000, 0, 0, "5/15/40/40", 100000), 180_000),
    # years past the schedule: year 6 of 25×4 has refreshers 2..5 only -> 4 × 25 % × 80,000
    ("refresh-year-6", "YEARTC", (6, 0, 320000, 0, 0, "25/25/25/25", 80000), 80_000),
    # 2024-03-01 + 11 months: before the 12-month cliff, nothing vested
    ("unvested-before-cliff", "UNVESTED", (480000, "2024-03-01", "2025-02-28"), 480_000),
    # at the cliff: 12 of 48 months vested
    ("unvested-at-cliff", "UNVESTED", (480000, "2024-03-01", "2025-03-01"), 360_000),
    # 5/15/40/40 after 18 months: 5 % + 15 % × 6/12 vested = 12.5 %
    (
        "unvested-backloaded",
        "UNVESTED",
        (400000, "2024-01-15", "2025-07-15", "5/15/40/40"),
        350_000,
    ),
    # no cliff: Jan 31 -> Feb 29 is not yet a whole month; -> Mar 31 is two, 2/12 × 25 %
    ("unvested-no-cliff", "UNVESTED", (480000, "2024-01-31", "2024-02-29", None, 0), 480_000),
    ("unvested-no-cliff-2", "UNVESTED", (480000, "2024-01-31", "2024-03-31", None, 0), 460_000),
    # as of before the start: all of it
    ("unvested-not-started", "UNVESTED", (400000, "2026-01-01", "2025-01-01"), 400_000),
    ("unvested-done", "UNVESTED", (400000, "2020-01-01", "2025-01-01"), 0),
]


@pytest.mark.parametrize(("case", "name", "args", "exp"), HAND, ids=[h[0] for h in HAND])
def test_hand_worked(case: str, name: str, args: tuple[Any, ...], exp: float) -> None:
    assert getattr(udfs, name)(*args) == pytest.approx(exp, rel=1e-12, abs=1e-9)


def test_months_between_counts_whole_months() -> None:
    assert months_between(dt.date(2024, 3, 1), dt.date(2026, 12, 1)) == 33
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert months_between(dt.date(2024, 1, 15), dt.date(2024, 2, 15)) == 1
    assert months_between(dt.date(2024, 3, 1), dt.date(2024, 1, 1)) == -2


ERRORS: list[tuple[str, str, tuple[Any, ...], str]] = [
    ("exit-more-shares", "EQUITYEXIT", (2e8, 1e8, 1e9), "shares: 2e+08 is more than"),
    ("exit-no-shares", "EQUITYEXIT", (1, 0, 1e9), "fully_diluted_shares: 0 must be above 0"),
    ("exit-full-dilution", "EQUITYEXIT", (1, 10, 1e9, 0, 1, 1), "dilution: 1 must be from 0"),
    ("exit-whole-percent", "EQUITYEXIT", (1, 10, 1e9, 0, 10, 1), "dilution: 10 looks like"),
    ("exit-half-round", "EQUITYEXIT", (1, 10, 1e9, 0, 0.1, 1.5), "rounds: 1.5 is not a whole"),
    ("unvested-empty-date", "UNVESTED", (400000, None, 46357), "start_date: is required"),
    ("unvested-bad-date", "UNVESTED", (400000, "March", 46357), "start_date: 'March' is not"),
    ("unvested-day-60", "UNVESTED", (400000, 60, 46357), "start_date: 60 is 29 February 1900"),
    ("unvested-long-cliff", "UNVESTED", (1, 45352, 46357, None, 60), "cliff_months: 60 must"),
    ("signon-negative-year", "YEARTC", (1, 1, 1, 0, "5000/-1"), "signon: -1 (year 2) must"),
    ("signon-bad-part", "TOTALCOMP", (1, 1, 0, "5000/abc"), "signon: '5000/abc': year 2"),
    ("refresh-negative", "YEARTC", (2, 1, 1, 0, 0, None, -5), "refresh: -5 must not be"),
]


@pytest.mark.parametrize(("case", "name", "args", "exp"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_argument(case: str, name: str, args: tuple[Any, ...], exp: str) -> None:
    got = getattr(udfs, name)(*args)
    assert isinstance(got, str) and got.startswith("#XLCOMP! " + exp), got


def test_a_column_of_years_with_a_row_of_signons() -> None:
    """Years down a column, the sign-on by year as one row: one result per year."""
    got = udfs.YEARTC([[1.0], [2.0], [3.0]], 180000, 400000, 0, [[50000.0, 25000.0]], "5/15/40/40")
    assert got == [[250_000.0], [265_000.0], [340_000.0]]


def test_countersplit_keeps_the_offered_signon() -> None:
    """The sign-on asked is never below the offer's sign-on (the last argument), and the
    ask still reaches the target as TOTALCOMP counts it (the sign-on spread over 4 years)."""
    without = udfs.COUNTERSPLIT(300000, SF, SENIOR, BANDS)
    assert without[3] == [0.0]  # the target is inside the bands: no sign-on needed
    got = udfs.COUNTERSPLIT(300000, SF, SENIOR, BANDS, None, None, None, None, 40000)
    (base,), (equity,), (bonus,), (signon,) = got
    assert signon >= 40000.0
    assert udfs.TOTALCOMP(base, equity, bonus, signon) >= 300000
    # the offered 40,000 counts 10,000 a year: no component asks for more than without it
    assert base <= without[0][0] and equity <= without[1][0] and bonus <= without[2][0]


# --- properties ---------------------------------------------------------------------

shares = st.floats(min_value=1, max_value=1e7)
valuation = st.floats(min_value=0, max_value=1e12)
rate = st.floats(min_value=0, max_value=0.9)
strike = st.floats(min_value=0, max_value=50)


@settings(max_examples=200, deadline=None)
@given(shares, valuation, valuation, strike, rate, st.integers(0, 6))
def test_exit_value_rises_with_the_exit_valuation(
    n: float, v1: float, v2: float, k: float, d: float, rounds: int
) -> None:
    low, high = sorted((v1, v2))
    a = udfs.EQUITYEXIT(n, 1e8, low, k, d, rounds)
    b = udfs.EQUITYEXIT(n, 1e8, high, k, d, rounds)
    assert 0 <= a <= b


@settings(max_examples=200, deadline=None)
@given(shares, valuation, strike, rate, rate, st.integers(0, 6))
def test_exit_value_falls_with_dilution(
    n: float, v: float, k: float, d1: float, d2: float, rounds: int
) -> None:
    low, high = sorted((d1, d2))
    assert udfs.EQUITYEXIT(n, 1e8, v, k, high, rounds) <= udfs.EQUITYEXIT(n, 1e8, v, k, low, rounds)
    assert udfs.EQUITYEXIT(n, 1e8, v, k, low, rounds + 1) <= udfs.EQUITYEXIT(
        n, 1e8, v, k, low, rounds
    )


schedules = st.sampled_from(["25/25/25/25", "5/15/40/40", "50/50", "100", "10/20/30/40"])
money = st.floats(min_value=0, max_value=1e7)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), money, money, st.floats(0, 1), schedules, money)
def test_refreshers_never_lower_a_years_tc(
    year: int, base: float, grant: float, bonus: float, schedule: str, refresh: float
) -> None:
    without = udfs.YEARTC(year, base, grant, bonus, 0, schedule)
    with_refresh = udfs.YEARTC(year, base, grant, bonus, 0, schedule, refresh)
    assert with_refresh >= without
    assert udfs.YEARTC(year, base, grant, bonus, 0, schedule, refresh * 2) >= with_refresh


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@settings(max_examples=200, deadline=None)
@given(money, dates, dates, dates, schedules, st.sampled_from([0, 6, 12, 18]))
def test_unvested_falls_with_time(
    grant: float, start: dt.date, d1: dt.date, d2: dt.date, schedule: str, cliff: int
) -> None:
    assume(cliff <= 12 * len(schedule.split("/")))  # a longer cliff is an error
    early, late = sorted((d1, d2))
    a = udfs.UNVESTED(grant, start, early, schedule, cliff)
    b = udfs.UNVESTED(grant, start, late, schedule, cliff)
    assert 0 <= b <= a <= grant * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(money, dates, st.integers(0, 400), schedules)
def test_unvested_is_zero_after_the_schedule(
    grant: float, start: dt.date, extra_days: int, schedule: str
) -> None:
    years = len(schedule.split("/"))
    end = start.replace(year=start.year + years) if start.day <= 28 else start
    if start.day > 28:  # the same day of the month may not exist years later
        end = dt.date(start.year + years, start.month, 28) + dt.timedelta(days=4)
    assert udfs.UNVESTED(grant, start, end + dt.timedelta(days=extra_days), schedule) == 0
