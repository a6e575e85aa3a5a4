"""Every worksheet function on the spec's worked numbers and on cases worked by hand.

Each expected value is stated from an independent calculation written beside it.
"""

from __future__ import annotations

from typing import Any

import pytest

from xlcomp import udfs

B = "bands"  # placeholder replaced by the bands fixture
L = "levels"  # placeholder replaced by the levels fixture


def _call(name: str, args: tuple[Any, ...], bands: Any, levels: Any) -> Any:
    real = tuple(bands if a is B else levels if a is L else a for a in args)
    return getattr(udfs, name)(*real)


SF, SR = "San Francisco", "Senior SWE"

WORKED = [
    # --- the spec's worked numbers -------------------------------------------------
    ("TOTALCOMP", (240000, 80000, 0.15), 356000.0, "spec: 240,000 + 80,000 + 36,000"),
    ("TOTALCOMP", (240000, 80000, "15%"), 356000.0, "spec: bonus as text 15%"),
    ("BANDPERCENTILE", (240000, SF, SR, "base", B), 91.6667, "spec: 100 × 55/60"),
    ("COMPARATIO", (240000, SF, SR, "base", B), 1.1163, "spec: 240,000 / 215,000"),
    ("REGIONADJUST", (240000, SF, "Remote US", B), 215441.86, "spec: × 193,000/215,000"),
    ("COUNTERTARGET", (0, 295000), [[340725.0], [309750.0], [295000.0]], "spec: guide's $310K"),
    # --- TOTALCOMP by hand ------------------------------------------------------------
    ("TOTALCOMP", (240000, 80000, 0.15, 30000), 363500.0, "356,000 + 30,000/4"),
    ("TOTALCOMP", (240000, 80000, 0.15, 30000, 2), 371000.0, "356,000 + 30,000/2"),
    ("TOTALCOMP", (200000, 0, 0), 200000.0, "base only"),
    ("TOTALCOMP", ("$185K", "50,000", "10%"), 253500.0, "185,000 × 1.1 + 50,000"),
    # --- YEARTC ---------------------------------------------------------------------
    ("YEARTC", (1, 240000, 320000, 0.15, 30000), 386000.0, "276,000 + 80,000 + 30,000"),
    ("YEARTC", (2, 240000, 320000, 0.15, 30000), 356000.0, "no sign-on after year 1"),
    ("YEARTC", (3, 240000, 320000, 0.15, 0, "5/15/40/40"), 404000.0, "276,000 + 128,000"),
    ("YEARTC", (1, 240000, 320000, 0.15, 0, "5/15/40/40"), 292000.0, "276,000 + 16,000"),
    ("YEARTC", (5, 240000, 320000, 0.15), 276000.0, "after the last vest: no equity"),
    # --- VESTSCHEDULE ---------------------------------------------------------------
    ("VESTSCHEDULE", (320000,), [[80000.0, 80000.0, 80000.0, 80000.0]], "25% a year"),
    (
        "VESTSCHEDULE",
        (320000, "5/15/40/40"),
        [[16000.0, 48000.0, 128000.0, 128000.0]],
        "5/15/40/40 of 320,000",
    ),
    (
        "VESTSCHEDULE",
        (320000, "5/15/40/40", 18),
        [[0.0, 64000.0, 128000.0, 128000.0]],
        "18-month cliff: 16,000 + 48,000 vest in year 2",
    ),
    (
        "VESTSCHEDULE",
        (400000, "25/25/25/25", 6),
        [[100000.0, 100000.0, 100000.0, 100000.0]],
        "cliff ≤ 12 months: yearly totals unchanged",
    ),
    (
        "VESTSCHEDULE",
        (400000, "25/25/25/25", 30),
        [[0.0, 0.0, 300000.0, 100000.0]],
        "30-month cliff: 250,000 vests at month 30, + 50,000 in months 31-36",
    ),
    # --- EQUITYVALUE ----------------------------------------------------------------
    ("EQUITYVALUE", (40000, 12, 2, 4, 0.3), 70000.0, "40,000 × 10 / 4 × 0.7"),
    ("EQUITYVALUE", (1000, 100), 25000.0, "RSUs: 1,000 × 100 / 4"),
    ("EQUITYVALUE", (1000, 5, 8), 0.0, "underwater options are worth 0"),
    ("EQUITYVALUE", (10000, 20, 0, 4, "25%"), 37500.0, "10,000 × 20 / 4 × 0.75"),
    # --- BANDLOOKUP -----------------------------------------------------------------
    ("BANDLOOKUP", (SF, SR, "base", B), 215000.0, "mid (185,000 + 245,000)/2"),
    ("BANDLOOKUP", (SF, SR, "base", B, "min"), 185000.0, "min"),
    ("BANDLOOKUP", (SF, SR, "equity", B, "max"), 85000.0, "max"),
    ("BANDLOOKUP", (SF, SR, "base", B, "spread"), 0.324324, "60,000 / 185,000"),
    ("BANDLOOKUP", ("seattle ", "senior swe", "BONUS", B, "mid"), 0.125, "keys ignore case"),
    ("BANDLOOKUP", (SF, SR, "tc", B, "min"), 222000.0, "published tc row is used"),
    ("BANDLOOKUP", (SF, SR, "base", B, "mid", "Together AI"), 215000.0, "with company"),
    # --- BANDPERCENTILE -------------------------------------------------------------
    ("BANDPERCENTILE", (185000, SF, SR, "base", B), 0.0, "at the min"),
    ("BANDPERCENTILE", (255000, SF, SR, "base", B), 116.6667, "above the band: 100 × 70/60"),
    ("BANDPERCENTILE", (80000, SF, SR, "equity", B), 85.7143, "100 × 30,000/35,000"),
    ("BANDPERCENTILE", (0.125, "Seattle", SR, "bonus", B), 50.0, "bonus mid"),
    ("BANDPERCENTILE", (356000, SF, SR, "tc", B), 148.8889, "100 × 134,000/90,000"),
    (
        "BANDPERCENTILE",
        (215000, SF, SR, "base", B, "lognormal"),
        53.574,
        "lognormal: σ = ln(245/185)/2.5631 = 0.10959, z = 0.0897, Φ = 0.5357",
    ),
    # --- COMPARATIO, REGIONADJUST ---------------------------------------------------
    ("COMPARATIO", (80000, SF, SR, "equity", B), 1.185185, "80,000 / 67,500"),
    ("COMPARATIO", (0.15, SF, SR, "bonus", B), 1.2, "0.15 / 0.125"),
    ("REGIONADJUST", (193000, "Remote US", SF, B), 215000.0, "Remote mid -> SF mid"),
    ("REGIONADJUST", (80000, SF, "Seattle", B, SR, "equity"), 75851.85, "× 64,000/67,500"),
    # --- LEVELMAP -------------------------------------------------------------------
    ("LEVELMAP", ("Together AI", "Senior SWE", "Google", L), "L5", "guide mapping"),
    ("LEVELMAP", ("meta", " e5 ", "Amazon", L), "SDE III", "keys ignore case and spaces"),
    ("LEVELMAP", ("Apple", "ICT4", "OpenAI", L), "IC3", "guide mapping"),
    # --- COUNTERTARGET ----------------------------------------------------------------
    (
        "COUNTERTARGET",
        (356000, 295000, 0.05, 0.10, 275000),
        [[411180.0], [373800.0], [275000.0]],
        "target 356,000 × 1.05; anchor × 1.1",
    ),
    (
        "COUNTERTARGET",
        (280000, 300000, "10%", "0%"),
        [[330000.0], [330000.0], [300000.0]],
        "competing is higher: 300,000 × 1.1; no anchor gap",
    ),
    # --- COUNTERSPLIT -----------------------------------------------------------------
    (
        "COUNTERSPLIT",
        (400000, SF, SR, B),
        [[245000.0], [85000.0], [0.15], [133000.0]],
        "beyond the maxima (366,750): (400,000 − 366,750) × 4 = 133,000 of sign-on",
    ),
    (
        "COUNTERSPLIT",
        (250000, SF, SR, B, 240000, 80000, 0.15),
        [[240000.0], [80000.0], [0.15], [0.0]],
        "target below the offer (356,000): offer unchanged",
    ),
    (
        "COUNTERSPLIT",
        (330000, SF, SR, B, 200000, 60000, 0.10),
        [[227000.0], [75000.0], [0.13], [0.0]],
        "2,250 t² + 84,500 t = 50,000 -> t = 0.58268: 226,220 / 74,567 / 12.91 % rounded up",
    ),
    (
        "COUNTERSPLIT",
        (373800, SF, SR, B, 240000, 80000, 0.15),
        [[245000.0], [85000.0], [0.15], [29000.0]],
        "built-in scenario: (373,800 − 366,750) × 4 = 28,200 -> 29,000; TC 374,000",
    ),
    (
        "COUNTERSPLIT",
        (346500, "Seattle", SR, B, 210000, 75000, 0.12, None, 25000),
        [[228000.0], [80000.0], [0.145], [25000.0]],
        "Seattle persona: 690 t² + 38,060 t = 30,050 -> t = 0.7786: 227,907 / 79,671 / "
        "14.34 % rounded up, the 25,000 sign-on kept; TC 347,310",
    ),
    (
        "COUNTERSPLIT",
        (300000, "Seattle", SR, B, 210000, 75000, 0.12, None, 25000),
        [[210000.0], [75000.0], [0.12], [25000.0]],
        "offer with its sign-on (316,450) already above the target: unchanged, sign-on kept",
    ),
    (
        "COUNTERSPLIT",
        (360000, "Seattle", SR, B, 210000, 75000, 0.12, None, 4000),
        [[233000.0], [81000.0], [0.15], [45000.0]],
        "maxima 348,950; (360,000 − 348,950) × 4 = 44,200 > 4,000 offered -> 45,000",
    ),
    (
        "COUNTERSPLIT",
        (390000, SF, SR, B, 260000, 80000, 0.15),
        [[260000.0], [85000.0], [0.15], [24000.0]],
        "base above its max stays; equity to max: 299,000 + 85,000 = 384,000; 6,000 × 4",
    ),
    # --- OFFERVERDICT ---------------------------------------------------------------
    ("OFFERVERDICT", (356000, 275000, 309750), "accept", "at or above target"),
    ("OFFERVERDICT", (309750, 275000, 309750), "accept", "exactly the target"),
    ("OFFERVERDICT", (290000, 275000, 309750), "counter", "between floor and target"),
    ("OFFERVERDICT", (275000, 275000, 309750), "counter", "exactly the floor"),
    ("OFFERVERDICT", (260000, 275000, 309750), "walk away", "below the floor"),
    # --- the two scenarios of issue 11: offer TC and verdict against competing × 1.05 -----
    ("TOTALCOMP", (240000, 80000, 0.15, 0), 356000.0, "built-in offer: 276,000 + 80,000"),
    ("TOTALCOMP", (245000, 85000, 0.15, 29000), 374000.0, "built-in split: 366,750 + 7,250"),
    ("TOTALCOMP", (210000, 75000, 0.12, 25000), 316450.0, "Seattle: 235,200 + 75,000 + 6,250"),
    ("TOTALCOMP", (228000, 80000, 0.145, 25000), 347310.0, "Seattle split: 261,060 + 86,250"),
    ("OFFERVERDICT", (356000, 275000, 309750), "accept", "built-in: 356,000 ≥ 295,000 × 1.05"),
    ("OFFERVERDICT", (316450, 300000, 346500), "counter", "Seattle: 300,000 ≤ 316,450 < 346,500"),
]


def _approx(exp: Any) -> Any:
    if isinstance(exp, float):
        return pytest.approx(exp, rel=5e-5, abs=1e-9)
    if isinstance(exp, list):
        return [_approx(e) for e in exp]
    return exp


@pytest.mark.parametrize(
    ("name", "args", "exp"),
    [(n, a, e) for n, a, e, _ in WORKED],
    ids=[f"{n}-{why}" for n, _, _, why in WORKED],
)
def test_worked_number(name: str, args: tuple[Any, ...], exp: Any, bands: Any, levels: Any) -> None:
    """The function gives the number worked out by hand."""
    got = _call(name, args, bands, levels)
    assert got == _approx(exp)


def test_lognormal_check_from_spec() -> None:
    """Band 180,000–270,000 as P10–P90, value 240,000 -> 70.44 (spec)."""
    table = [["region", "level", "component", "min", "max"], ["X", "Y", "base", 180000, 270000]]
    got = udfs.BANDPERCENTILE(240000, "X", "Y", "base", table, "lognormal", 10, 90)
    assert round(got, 2) == 70.44


def test_lognormal_ends_are_the_given_percentiles() -> None:
    """With P25/P75, the band's min sits at 25 and its max at 75."""
    table = [["region", "level", "component", "min", "max"], ["X", "Y", "base", 100, 300]]
    low = udfs.BANDPERCENTILE(100, "X", "Y", "base", table, "lognormal", 25, 75)
    high = udfs.BANDPERCENTILE(300, "X", "Y", "base", table, "lognormal", 25, 75)
    assert (low, high) == (pytest.approx(25), pytest.approx(75))


def test_derived_tc_when_no_published_row(bands: list[list[object]]) -> None:
    """Without a tc row the band is derived: 185,000 × 1.10 + 50,000 = 253,500."""
    without_tc = [r for r in bands if r[2] != "tc"]
    assert udfs.BANDLOOKUP(SF, SR, "tc", without_tc, "min") == pytest.approx(253500)
    assert udfs.BANDLOOKUP(SF, SR, "tc", without_tc, "max") == pytest.approx(366750)


def test_headerless_table_reads_in_template_order(bands: list[list[object]]) -> None:
    """An Excel table referenced by name has no header; the template's order is used."""
    assert udfs.COMPARATIO(240000, SF, SR, "base", bands[1:]) == pytest.approx(240000 / 215000)


def test_checkbands_reports_published_tc_for_every_region(bands: list[list[object]]) -> None:
    """The guide's published TC is 12–18 % below the derived range in all three regions."""
    got = udfs.CHECKBANDS(bands)
    assert isinstance(got, list)
    lines = [row[0] for row in got]
    assert len(lines) == 3
    for region, pub, derived in [
        ("San Francisco", "222,000–312,000", "253,500–366,750"),
        ("Seattle", "211,000–296,000", "240,600–348,950"),
        ("Remote US", "200,000–280,000", "226,600–329,000"),
    ]:
        line = next(s for s in lines if region in s)
        assert pub in line and derived in line and "below" in line


def test_checkbands_ok_for_consistent_table(bands: list[list[object]]) -> None:
    """A table without tc rows and with sound bands is OK."""
    assert udfs.CHECKBANDS([r for r in bands if r[2] != "tc"]) == "OK"


def test_checkbands_tolerance_wide_enough_accepts_guide(bands: list[list[object]]) -> None:
    """With a 20 % tolerance the published ranges (at most 15.2 % off) pass."""
    assert udfs.CHECKBANDS(bands, 0.2) == "OK"


def test_checkbands_finds_every_problem_at_once() -> None:
    """min > max, negatives, whole-percent bonus, duplicates and missing components."""
    table = [
        ["Region", "Level", "Component", "Min", "Max"],
        ["A", "L", "base", 200, 100],  # row 2: min above max
        ["A", "L", "equity", -5, 10],  # row 3: negative
        ["A", "L", "bonus", 10, 15],  # row 4: whole percents
        ["A", "L", "base", 100, 200],  # row 5: duplicate of row 2
        ["B", "L", "base", 100, 200],  # B has no equity or bonus
        ["C", "L", "bonus", "abc", 0.1],  # row 7: not a number
    ]
    got = [row[0] for row in udfs.CHECKBANDS(table)]
    text = "\n".join(got)
    assert "row 2: A / L base: min 200 is above max 100" in text
    assert "row 3: A / L equity has a negative value" in text
    assert "row 4: A / L bonus is in whole percents" in text
    assert "row 5: A / L base is a duplicate of bands row 2" in text
    assert "B / L has no equity or bonus band" in text
    assert "row 7: min: 'abc' is not a number" in text


def test_counterscript_quotes_totalcomp() -> None:
    """The script quotes TOTALCOMP of its numbers ($356K), not the guide's $310K."""
    got = udfs.COUNTERSCRIPT(295000, 240000, 80000, "15%", 275000, 0, "Together AI")
    assert "$295K" in got and "$240K" in got and "$80K" in got and "15%" in got
    assert "$356K" in got and "$275K" in got and "Together AI" in got
    assert "$310K" not in got


def test_counterscript_with_signon() -> None:
    """A $30K sign-on is asked for and spread over four years in the total ($363.5K)."""
    got = udfs.COUNTERSCRIPT(295000, 240000, 80000, 0.15, 275000, 30000)
    assert "$30K sign-on" in got and "$363.5K" in got


BUILT_IN_SCRIPT = (
    "I'm excited about the role at Together AI. My current competing offer is $295K TC. "
    "I'm targeting a base of $245K, equity valued at $85K per year, and a 15% bonus "
    "target, plus a $29K sign-on bonus — bringing my total comp to $374K a year (sign-on "
    "spread over four years). My accept-at floor is $275K TC; below that threshold, my "
    "alternative is the better choice."
)
SEATTLE_SCRIPT = (
    "I'm excited about the role at Together AI. My current competing offer is $330K TC. "
    "I'm targeting a base of $228K, equity valued at $80K per year, and a 14.5% bonus "
    "target, plus a $25K sign-on bonus — bringing my total comp to $347.3K a year "
    "(sign-on spread over four years). My accept-at floor is $300K TC; below that "
    "threshold, my alternative is the better choice."
)


@pytest.mark.parametrize(
    ("split", "competing", "floor", "exp"),
    [
        # built-in: the counter split of 373,800 (see COUNTERSPLIT above); TC 374,000
        ((245000, 85000, 0.15, 29000), 295000, 275000, BUILT_IN_SCRIPT),
        # Seattle: 228,000 × 1.145 + 80,000 + 25,000 / 4 = 347,310 -> $347.3K
        ((228000, 80000, 0.145, 25000), 330000, 300000, SEATTLE_SCRIPT),
    ],
    ids=["built-in", "seattle"],
)
def test_counterscript_of_the_split(
    split: tuple[float, ...], competing: float, floor: float, exp: str
) -> None:
    """The script of each scenario's split, word for word, worked by hand."""
    base, equity, bonus, signon = split
    got = udfs.COUNTERSCRIPT(competing, base, equity, bonus, floor, signon, "Together AI")
    assert got == exp


def test_split_then_script_reach_the_target(bands: list[list[object]]) -> None:
    """COUNTERSPLIT's column fed to COUNTERSCRIPT quotes TOTALCOMP of it, ≥ the target."""
    for target, region, offer, competing, floor, exp in [
        (373800, SF, (240000, 80000, 0.15, 0), 295000, 275000, "$374K a year"),
        (346500, "Seattle", (210000, 75000, 0.12, 25000), 330000, 300000, "$347.3K a year"),
    ]:
        b, e, p, s = offer
        split = [r[0] for r in udfs.COUNTERSPLIT(target, region, SR, bands, b, e, p, None, s)]
        assert udfs.TOTALCOMP(*split) >= target
        script = udfs.COUNTERSCRIPT(competing, *split[:3], floor, split[3])
        assert exp in script


@pytest.mark.parametrize(
    ("amount", "exp"),
    [
        (295000, "$295K"),
        (363500, "$363.5K"),
        (1250000, "$1.25M"),
        (950, "$950"),
        (999999, "$1M"),
        (287654, "$287.7K"),
        (316450, "$316.5K"),
        (316449.99, "$316.4K"),
        (999950, "$1M"),
        (999949.99, "$999.9K"),
        (1005000, "$1.01M"),
        (999.5, "$1K"),
        (2.5, "$3"),
    ],
    ids=[
        "thousands",
        "half",
        "millions",
        "small",
        "rounds-up",
        "odd",
        "half-up-not-float-repr",
        "just-below-half",
        "tenth-of-a-thousand-rolls-to-millions",
        "just-below-a-million",
        "half-up-millions",
        "half-up-dollars-to-thousands",
        "half-up-dollars",
    ],
)
def test_money_as_a_person_writes_it(amount: float, exp: str) -> None:
    """Money reads in thousands or millions, trailing zeros dropped."""
    from xlcomp.core.script import format_money

    assert format_money(amount) == exp


@pytest.mark.parametrize(
    ("rate", "exp"),
    [(0.15, "15%"), (0.145, "14.5%"), (0.12345, "12.35%"), (0.129134, "12.91%"), (0, "0%")],
)
def test_rate_as_a_person_writes_it(rate: float, exp: str) -> None:
    """A rate reads as a percent to two decimals, rounded half up (12.345 -> 12.35)."""
    from xlcomp.core.script import format_rate

    assert format_rate(rate) == exp
