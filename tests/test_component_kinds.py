"""A value placed in a band is read by its component's kind (issue 12, item 7).

The bonus band is a rate (0.10–0.15 for San Francisco Senior SWE), every other band is
money. So a bonus value of 12 is the same whole-percent mistake TOTALCOMP refuses, the
text "12%" is 0.12, a base of "12%" is refused as a percentage, and an empty value is
an error in every function — never a percentile computed from nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlcomp import udfs
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows

BANDS = band_rows(load_guide().bands)
SF, SENIOR = "San Francisco", "Senior SWE"
WORKBOOK = Path(__file__).resolve().parent.parent / "workbooks" / "negotiation.xlsx"

WHOLE_PERCENT = "12 looks like a whole percent: enter 12% or 0.12"

CALLS: list[tuple[str, str, list[Any]]] = [
    ("percentile", "BANDPERCENTILE", [SF, SENIOR, "bonus", BANDS]),
    ("percentile-lognormal", "BANDPERCENTILE", [SF, SENIOR, "bonus", BANDS, "lognormal"]),
    ("comparatio", "COMPARATIO", [SF, SENIOR, "bonus", BANDS]),
    ("regionadjust", "REGIONADJUST", ["Seattle", BANDS, None, "bonus"]),
]
"""Each function with the bonus component; the value goes first."""


def _call(name: str, value: Any, rest: list[Any]) -> Any:
    if name == "REGIONADJUST":  # amount, from_region, to_region, bands, level, component
        return udfs.REGIONADJUST(value, SF, *rest)
    return getattr(udfs, name)(value, *rest)


@pytest.mark.parametrize(("case", "name", "rest"), CALLS, ids=[c[0] for c in CALLS])
def test_bonus_of_12_is_a_whole_percent(case: str, name: str, rest: list[Any]) -> None:
    arg = "amount" if name == "REGIONADJUST" else "value"
    assert _call(name, 12, rest) == f"#XLCOMP! {arg}: {WHOLE_PERCENT}"
    assert udfs.TOTALCOMP(240000, 80000, 12) == f"#XLCOMP! bonus_pct: {WHOLE_PERCENT}"


@pytest.mark.parametrize(("case", "name", "rest"), CALLS, ids=[c[0] for c in CALLS])
def test_bonus_as_percent_text_is_a_rate(case: str, name: str, rest: list[Any]) -> None:
    assert _call(name, "12%", rest) == _call(name, 0.12, rest)
    assert isinstance(_call(name, 0.12, rest), float)


@pytest.mark.parametrize(("case", "name", "rest"), CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("empty", [None, "", "   ", [[None]]], ids=repr)
def test_empty_value_is_an_error(case: str, name: str, rest: list[Any], empty: Any) -> None:
    arg = "amount" if name == "REGIONADJUST" else "value"
    assert _call(name, empty, rest) == f"#XLCOMP! {arg}: is required (the cell is empty)"


def test_bonus_numbers_worked_by_hand() -> None:
    """SF bonus band 0.10–0.15: 0.12 sits at 40 % of it; its mid is 0.125."""
    assert udfs.BANDPERCENTILE("12%", SF, SENIOR, "bonus", BANDS) == pytest.approx(40.0)
    assert udfs.COMPARATIO("12%", SF, SENIOR, "bonus", BANDS) == pytest.approx(0.12 / 0.125)


def test_money_components_refuse_a_percentage() -> None:
    got = udfs.BANDPERCENTILE("12%", SF, SENIOR, "base", BANDS)
    assert got == "#XLCOMP! value: '12%' is a percentage; this argument is an amount"
    assert udfs.BANDPERCENTILE("$240K", SF, SENIOR, "base", BANDS) == pytest.approx(91.666666)


def test_a_column_of_components_reads_each_value_by_its_own() -> None:
    """Values and components broadcast together: each row reads by its own component."""
    got = udfs.BANDPERCENTILE(
        [[240000.0], [0.12], [12.0]], SF, SENIOR, [["base"], ["bonus"], ["bonus"]], BANDS
    )
    assert got[0][0] == pytest.approx(91.666666)
    assert got[1][0] == pytest.approx(40.0)
    assert got[2][0] == f"#XLCOMP! value: {WHOLE_PERCENT}"


def test_empty_bonus_in_the_workbook_is_an_error_not_minus_200(tmp_path: Path) -> None:
    """The shipped workbook with its bonus cell emptied, recomputed by ``xlcomp refresh``:
    the bonus row's percentile and compa-ratio say the value is required (before, the
    empty cell read as 0 and the percentile showed -200)."""
    wb = openpyxl.load_workbook(WORKBOOK)
    ((sheet, ref),) = wb.defined_names["offer_bonus_pct"].destinations
    wb[sheet][ref.replace("$", "")].value = None
    edited, out = tmp_path / "edited.xlsx", tmp_path / "out.xlsx"
    wb.save(edited)
    subprocess.run(
        [sys.executable, "-m", "xlcomp", "refresh", str(edited), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    ws = openpyxl.load_workbook(out, data_only=True)["Offer"]
    (row,) = [c.row for c in ws["A"] if c.value == "Bonus"]
    required = "#XLCOMP! value: is required (the cell is empty)"
    assert ws[f"F{row}"].value == required  # percentile
    assert ws[f"G{row}"].value == required  # compa-ratio
