"""Bad input for every function: a clear ``#XLCOMP!`` line naming the argument, never
an exception."""

from __future__ import annotations

from typing import Any

import pytest

from xlcomp import udfs

SF, SR = "San Francisco", "Senior SWE"
B, L = "bands", "levels"
HDR = ["region", "level", "component", "min", "max"]

CASES = [
    # (function, args, words the message must contain)
    (
        "TOTALCOMP",
        (240000, 80000, 15),
        ["bonus_pct", "15 looks like a whole percent", "15%", "0.15"],
    ),
    ("TOTALCOMP", (None, 80000, 0.15), ["base", "required"]),
    ("TOTALCOMP", ("abc", 80000, 0.15), ["base", "'abc' is not a number"]),
    ("TOTALCOMP", (True, 80000, 0.15), ["base", "TRUE is not a number"]),
    ("TOTALCOMP", (-1, 80000, 0.15), ["base", "must not be negative"]),
    ("TOTALCOMP", (240000, 80000, 0.15, 0, 0), ["signon_years", "above 0"]),
    ("TOTALCOMP", (240000, "15%", 0.15), ["equity", "percentage"]),
    ("TOTALCOMP", (float("nan"), 1, 0.1), ["base", "not a finite number"]),
    ("TOTALCOMP", (float("inf"), 1, 0.1), ["base", "not a finite number"]),
    ("YEARTC", (0, 240000, 320000, 0.15), ["year", "first year is 1"]),
    ("YEARTC", (1.5, 240000, 320000, 0.15), ["year", "whole number"]),
    ("YEARTC", (1, 240000, 320000, 0.15, 0, "50/40"), ["schedule", "sums to 90"]),
    ("YEARTC", (1, 240000, 320000, 0.15, 0, "a/b"), ["schedule", "not a number"]),
    ("VESTSCHEDULE", (320000, "25/25/25/25", 60), ["cliff_months", "0 to 48"]),
    ("VESTSCHEDULE", (None,), ["equity_grant", "required"]),
    ("EQUITYVALUE", (1000, 10, 0, 0), ["vest_years", "above 0"]),
    ("EQUITYVALUE", (1000, 10, 0, 4, 30), ["risk_discount", "whole percent"]),
    ("EQUITYVALUE", (1000, 10, 0, 4, "130%"), ["risk_discount", "0 to 100%"]),
    (
        "BANDLOOKUP",
        ("SFO", SR, "base", B),
        ["region 'SFO' not in bands", "San Francisco, Seattle, Remote US"],
    ),
    ("BANDLOOKUP", (SF, "Staff", "base", B), ["level 'Staff' not in bands", "Senior SWE"]),
    (
        "BANDLOOKUP",
        (SF, SR, "stock", B),
        ["component", "'stock' is not one of base, equity, bonus, tc"],
    ),
    ("BANDLOOKUP", (SF, SR, "base", B, "average"), ["stat", "not one of min, mid, max, spread"]),
    ("BANDLOOKUP", (SF, SR, "base", B, "mid", "Google"), ["company 'Google' has no base band"]),
    ("BANDLOOKUP", (SF, SR, "base", None), ["bands", "required"]),
    ("BANDLOOKUP", (SF, SR, "base", 5.0), ["bands", "expected a range"]),
    (
        "BANDLOOKUP",
        (SF, SR, "base", [["region", "level", "min", "max"], [SF, SR, 1, 2]]),
        ["bands", "no 'component' column"],
    ),
    (
        "BANDLOOKUP",
        (SF, SR, "base", [HDR, [SF, SR, "base", "x", 2]]),
        ["bands", "row 2", "min", "'x' is not a number"],
    ),
    (
        "BANDLOOKUP",
        (SF, SR, "base", [HDR, [SF, SR, "base", 200, 100]]),
        ["bands", "min 200 above max 100"],
    ),
    (
        "BANDLOOKUP",
        (SF, SR, "base", [HDR, [SF, SR, "base", 1, 2], [SF, SR, "base", 1, 3]]),
        ["bands", "duplicate base band", "rows 2 and 3"],
    ),
    ("BANDPERCENTILE", (240000, SF, SR, "base", B, "cubic"), ["method", "linear, lognormal"]),
    (
        "BANDPERCENTILE",
        (240000, SF, SR, "base", B, "lognormal", 0.1),
        ["low_pct", "looks like a rate"],
    ),
    (
        "BANDPERCENTILE",
        (240000, SF, SR, "base", B, "lognormal", 90, 10),
        ["low_pct", "below high_pct"],
    ),
    (
        "BANDPERCENTILE",
        (240000, SF, SR, "base", B, "lognormal", 10, 100),
        ["high_pct", "between 0 and 100"],
    ),
    (
        "BANDPERCENTILE",
        (0.15, SF, SR, "bonus", [HDR, [SF, SR, "bonus", 10, 15]]),
        ["bands", "whole percents"],
    ),
    ("BANDPERCENTILE", (1, SF, SR, "base", [HDR, [SF, SR, "base", 5, 5]]), ["bands", "no width"]),
    ("COMPARATIO", (240000, SF, SR, "base", [HDR, [SF, SR, "base", -1, 5]]), ["bands", "negative"]),
    (
        "COMPARATIO",
        (240000, SF, SR, "tc", [HDR, [SF, SR, "base", 1, 5]]),
        ["component", "no tc band", "no equity or bonus band to derive it from"],
    ),
    ("REGIONADJUST", (240000, SF, "Mars", B), ["region 'Mars' not in bands"]),
    (
        "REGIONADJUST",
        (240000, SF, "Seattle", [HDR, [SF, "A", "base", 1, 2], ["Seattle", "B", "base", 1, 2]]),
        ["level", "is required", "A, B"],
    ),
    ("LEVELMAP", ("Netflix", "L5", "Google", L), ["company 'Netflix' not in levels"]),
    ("LEVELMAP", ("Google", "L9", "Meta", L), ["level 'L9' not in levels for Google", "L5"]),
    (
        "LEVELMAP",
        (
            "Google",
            "L5",
            "Meta",
            [["company", "level", "rung"], ["Google", "L5", "Senior"], ["Meta", "E4", "Mid"]],
        ),
        ["to_company", "Meta has no level on rung 'Senior'"],
    ),
    (
        "LEVELMAP",
        ("Google", "L5", "Meta", [["company", "level"], ["Google", "L5"]]),
        ["levels", "no 'rung' column"],
    ),
    ("COUNTERTARGET", (300000, None), ["competing_tc", "required"]),
    ("COUNTERTARGET", (300000, 295000, 5), ["uplift", "5 looks like a whole percent"]),
    ("COUNTERTARGET", (300000, 295000, 0.05, 10), ["anchor_gap", "whole percent"]),
    ("COUNTERSPLIT", (300000, SF, SR, B, 240000, 80000, 15), ["offer_bonus_pct", "whole percent"]),
    ("COUNTERSPLIT", (300000, "Nowhere", SR, B), ["region 'Nowhere' not in bands"]),
    ("OFFERVERDICT", (300000, 320000, 310000), ["floor", "above the target"]),
    ("OFFERVERDICT", ("lots", 1, 2), ["offer_tc", "not a number"]),
    ("COUNTERSCRIPT", (295000, 240000, 80000, 15, 275000), ["bonus_pct", "whole percent"]),
    ("COUNTERSCRIPT", (295000, 240000, 80000, 0.15, None), ["floor", "required"]),
    ("BANDLOOKUP", (SF, SR, "base", [["a", "b"], [1, 2]]), ["bands", "no header row"]),
    ("CHECKBANDS", (B, 5), ["tolerance", "whole percent"]),
]


def _error_line(got: Any) -> str:
    if isinstance(got, list):
        cells = [c for row in got for c in row if isinstance(c, str) and c.startswith("#XLCOMP!")]
        assert cells, f"no error in {got!r}"
        return cells[0]
    assert isinstance(got, str), f"expected an error text, got {got!r}"
    return got


@pytest.mark.parametrize(
    ("name", "args", "words"),
    [(n, a, w) for n, a, w in CASES],
    ids=[f"{n}-{w[0]}-{i}" for i, (n, _, w) in enumerate(CASES)],
)
def test_bad_input_is_a_clear_error(
    name: str, args: tuple[Any, ...], words: list[str], bands: Any, levels: Any
) -> None:
    """The cell shows one #XLCOMP! line naming the argument and the problem."""
    real = tuple(bands if a is B else levels if a is L else a for a in args)
    got = getattr(udfs, name)(*real)
    line = _error_line(got)
    assert line.startswith("#XLCOMP! ")
    assert "\n" not in line and "Traceback" not in line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"


def test_checkbands_reports_unreadable_table_as_problems() -> None:
    """A table missing required columns is reported by CHECKBANDS, not raised."""
    got = udfs.CHECKBANDS([["region", "level"], ["A", "B"]])
    text = "\n".join(row[0] for row in got)
    for column in ("component", "min", "max"):
        assert f"no '{column}' column" in text


def test_bad_element_stays_in_its_position() -> None:
    """Broadcasting: only the bad element's position shows the error."""
    got = udfs.TOTALCOMP([[100000.0], ["oops"], [200000.0]], 0, 0.1)
    assert got[0] == [pytest.approx(110000)]
    assert got[1][0].startswith("#XLCOMP! base: 'oops'")
    assert got[2] == [pytest.approx(220000)]


def test_ranges_of_different_lengths() -> None:
    """A shorter range leaves an error where it has no value, as Excel gives #N/A."""
    got = udfs.TOTALCOMP([[1.0], [2.0], [3.0]], [[1.0], [2.0]], 0)
    assert got[0] == [2.0] and got[1] == [4.0]
    assert got[2][0].startswith("#XLCOMP! equity: no value at this position")


def test_empty_optional_takes_default() -> None:
    """An empty optional argument is its default: sign-on 0, four years."""
    assert udfs.TOTALCOMP(240000, 80000, 0.15, None, "") == pytest.approx(356000)


def test_checkbands_reports_a_range_without_header() -> None:
    """A narrow range with no recognizable header is one problem, not a crash."""
    got = udfs.CHECKBANDS([["a", "b"], [1, 2]])
    assert got == [["has no header row with the columns region, level, component, min, max"]]
