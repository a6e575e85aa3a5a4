"""Promises an outside tester broke (issues 11 and 17), one class each, worked by hand.

* one sign-on kind for every sign-on parameter (TOTALCOMP, YEARTC, COUNTERSPLIT,
  COUNTERSCRIPT): one amount, ``"50000/25000"`` or a row of cells;
* vested fractions worked exactly (UNVESTED whole when it is whole by hand);
* money written in billions ($1B, not $1,000M);
* CHECKBANDS' tolerance compared at cents, and read from a one-cell range;
* every ``#XLCOMP!`` message short, however large the bad value.
"""

from __future__ import annotations

import pytest

from xlcomp import udfs
from xlcomp.core.script import format_money

BANDS = [
    ["region", "level", "component", "min", "max"],
    ["SF", "L", "base", 185000, 245000],
    ["SF", "L", "equity", 50000, 85000],
    ["SF", "L", "bonus", 0.10, 0.15],
]

# --- A. one sign-on kind -------------------------------------------------------------

# 240,000 + 80,000 + 36,000 = 356,000; sign-on 50,000 + 25,000 = 75,000 over 4 years
# = 18,750 a year -> 374,750, written "$374.8K" (half up).
SIGNONS = ["50000/25000", [[50000, 25000]], [[50000.0, 25000.0]], "$50K/$25K"]


@pytest.mark.parametrize("signon", SIGNONS)
def test_script_quotes_totalcomp_of_a_multi_year_signon(signon: object) -> None:
    assert udfs.TOTALCOMP(240000, 80000, 0.15, signon) == 374750
    script = udfs.COUNTERSCRIPT(330000, 240000, 80000, 0.15, 275000, signon)
    assert isinstance(script, str), script  # one script, not one per cell of the row
    assert not script.startswith("#XLCOMP!"), script
    assert "$374.8K a year" in script
    assert "$50K / $25K" in script


def test_script_one_signon_unchanged() -> None:
    # 356,000 + 30,000 / 4 = 363,500
    script = udfs.COUNTERSCRIPT(330000, 240000, 80000, 0.15, 275000, 30000)
    assert "plus a $30K sign-on bonus" in script
    assert "$363.5K a year" in script


@pytest.mark.parametrize("signon", ["50000/25000", [[50000, 25000]]])
def test_split_takes_a_multi_year_offer_signon(signon: object) -> None:
    # offer 200,000 + 60,000 + 20,000 + 75,000 / 4 = 298,750 (TOTALCOMP's reading)
    assert udfs.TOTALCOMP(200000, 60000, 0.1, signon) == 298750
    split = udfs.COUNTERSPLIT(313687.5, "SF", "L", BANDS, 200000, 60000, 0.1, None, signon)
    assert isinstance(split, list) and len(split) == 4, split
    base, equity, bonus, asked = (row[0] for row in split)
    assert asked >= 75000  # never below the sign-on already offered (its sum)
    # the split reaches the target, counted as TOTALCOMP counts it
    assert base + equity + base * bonus + asked / 4 >= 313687.5 - 0.01


def test_split_multi_year_equals_its_sum() -> None:
    one = udfs.COUNTERSPLIT(313687.5, "SF", "L", BANDS, 200000, 60000, 0.1, None, 75000)
    two = udfs.COUNTERSPLIT(313687.5, "SF", "L", BANDS, 200000, 60000, 0.1, None, "50000/25000")
    assert one == two


def test_signon_kind_is_the_same_everywhere() -> None:
    from xlcomp.worksheet.catalogue import CATALOGUE

    kinds = {(f.name, p.name): p.kind for f in CATALOGUE for p in f.params if "signon" in p.name}
    signon_kinds = {k: v for k, v in kinds.items() if not k[1].endswith("_years")}
    assert set(signon_kinds) >= {
        ("TOTALCOMP", "signon"),
        ("YEARTC", "signon"),
        ("COUNTERSPLIT", "offer_signon"),
        ("COUNTERSCRIPT", "signon"),
    }
    assert set(signon_kinds.values()) == {"signon"}


def test_negative_multi_year_offer_signon_is_named() -> None:
    r = udfs.COUNTERSPLIT(313687.5, "SF", "L", BANDS, 200000, 60000, 0.1, None, "50000/-1")
    text = r if isinstance(r, str) else r[0][0]
    assert text.startswith("#XLCOMP! offer_signon")


# --- D. exact vested fractions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("grant", "start", "as_of", "schedule", "expected"),
    [
        # 14 months, 25/25/25/25, cliff 12: vested 1/4 + 1/4 x 2/12 = 7/24; 480,000 x 17/24
        (480000, "2024-01-01", "2025-03-01", "25/25/25/25", 340000),
        # 15 months: 1/4 + 1/4 x 3/12 = 5/16 vested; 480,000 x 11/16
        (480000, "2024-01-01", "2025-04-01", "25/25/25/25", 330000),
        # 13 months of 5/15/40/40: 5% + 15% x 1/12 = 6.25% vested; 960,000 x 0.9375
        (960000, "2024-01-01", "2025-02-01", "5/15/40/40", 900000),
        # 35 months of 10/20/30/40: 30% + 30% x 11/12 = 57.5%; 120,000 x 0.425
        (120000, "2024-01-01", "2026-12-01", "10/20/30/40", 51000),
    ],
)
def test_unvested_whole_by_hand_is_whole(
    grant: float, start: str, as_of: str, schedule: str, expected: float
) -> None:
    assert udfs.UNVESTED(grant, start, as_of, schedule) == expected


def test_unvested_every_month_of_a_48_month_grant_is_exact() -> None:
    # 4,800,000 x (1 - m/48) after the cliff, 48 being the months of a 25/25/25/25 grant
    import datetime as dt

    for m in range(12, 49):
        as_of = dt.date(2024 + (m // 12), 1 + m % 12, 1).isoformat()
        assert udfs.UNVESTED(4_800_000, "2024-01-01", as_of) == 100_000 * (48 - m)


# --- E. money in billions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1e9, "$1B"),
        (1.5e9, "$1.5B"),
        (999_995_000, "$1B"),  # 999.995M rounds half up to 1,000.00M: a billion
        (999_994_999, "$999.99M"),
        (2_345_678_901, "$2.35B"),
        (1e15, "$1,000,000B"),
        (-2e9, "-$2B"),
        (1_250_000, "$1.25M"),
    ],
)
def test_format_money_billions(amount: float, text: str) -> None:
    assert format_money(amount) == text


def test_script_writes_a_billion_as_1b() -> None:
    script = udfs.COUNTERSCRIPT(1e9, 240000, 80000, 0.15, 275000)
    assert "competing offer is $1B TC" in script
    assert len(udfs.COUNTERSCRIPT(1e300, 240000, 80000, 0.15, 275000)) < 400


# --- C. CHECKBANDS' tolerance; short messages ----------------------------------------

HEAD = ["Region", "Level", "Component", "Min", "Max"]
# derived tc: min 185,000 x 1.10 + 50,000 = 253,500; max 245,000 x 1.15 + 85,000 = 366,750
PARTS = [
    HEAD,
    ["R", "L", "base", 185000, 245000],
    ["R", "L", "equity", 50000, 85000],
    ["R", "L", "bonus", 0.10, 0.15],
]


@pytest.mark.parametrize(
    ("tc_min", "tc_max", "tolerance", "ok"),
    [
        (253500, 366750, 0, True),  # identical, no gap allowed
        (253500, 366750, [[0]], True),
        (240825, 366750, 0.05, True),  # 253,500 x 0.95: exactly 5% below
        (253500, 385087.5, 0.05, True),  # 366,750 x 1.05: exactly 5% above
        (240824, 366750, 0.05, False),  # a dollar beyond
        (253500, 385089, 0.05, False),
        (253499, 366750, 0, False),
        (228150, 366750, [[0.10]], True),  # 253,500 x 0.90, tolerance from a one-cell range
        (228150, 366750, "10%", True),
    ],
)
def test_checkbands_tolerance_at_cents(
    tc_min: float, tc_max: float, tolerance: object, ok: bool
) -> None:
    result = udfs.CHECKBANDS([*PARTS, ["R", "L", "tc", tc_min, tc_max]], tolerance)
    assert (result == "OK") is ok, result


def test_checkbands_tolerance_range_of_many_cells_is_short() -> None:
    r = udfs.CHECKBANDS(PARTS, [[0.05]] * 2000)
    assert isinstance(r, str) and r.startswith("#XLCOMP! tolerance:")
    assert "2,000 cells" in r and len(r) < 120


@pytest.mark.parametrize(
    "call",
    [
        lambda: udfs.TOTALCOMP("x" * 5000, 80000, 0.15),
        lambda: udfs.YEARTC(-1e308, 240000, 320000, 0.15),
        lambda: udfs.VESTSCHEDULE(320000, "25/25/25/25", 2.5e200),
        lambda: udfs.VESTSCHEDULE(320000, "25/25/25/25", 1e308),
        lambda: udfs.EQUITYEXIT(40000, 1e8, 1e10, 2, 0.1, -1e308),
        lambda: udfs.BANDLOOKUP("r" * 3000, "L", "base", PARTS),
        lambda: udfs.TOTALCOMP(240000, 80000, "9" * 400 + "%"),
        lambda: udfs.COUNTERSCRIPT(295000, 240000, 80000, 0.15, 275000, "1/" * 2000),
        lambda: udfs.UNVESTED(400000, "y" * 1000, "2025-01-01"),
        lambda: udfs.CHECKBANDS([*PARTS, ["R", "L", "base", "z" * 4000, 1]]),
    ],
)
def test_every_error_is_one_short_line(call: object) -> None:
    r = call()  # type: ignore[operator]
    texts = [r] if isinstance(r, str) else [c for row in r for c in row]
    assert any(str(t).startswith("#XLCOMP!") or "row" in str(t) for t in texts), r
    for t in texts:
        assert len(str(t)) <= 320 and "\n" not in str(t), t


def test_a_huge_number_is_shown_in_15_digits() -> None:
    r = udfs.YEARTC(-1e308, 240000, 320000, 0.15)
    assert r == "#XLCOMP! year: -1e+308 must be 1 or more (the first year is 1)"
    long = udfs.TOTALCOMP("x" * 5000, 80000, 0.15)
    assert "(5,000 characters)" in long and "x" * 41 not in long
