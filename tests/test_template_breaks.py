"""The template keeps the functions' promises (issue 11): refreshed as a person leaves it.

Each case edits the built template's inputs, runs ``python -m xlcomp refresh`` as a
subprocess and reads the cached values; every expected number is worked by hand.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

OFFER_INPUTS = {
    "Company": "B5",
    "Base salary": "B8",
    "Equity per year": "B9",
    "Target bonus": "B10",
    "Sign-on bonus": "B11",
}
PRIVATE_INPUTS = {
    "Best competing offer (total comp)": "G5",
    "Competing company": "G6",
    "Walk-away floor": "G7",
    "Ask above the better offer": "G8",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "negotiation.xlsx"
    subprocess.run(
        [sys.executable, "-m", "xlcomp", "build", "-o", str(path)], check=True, capture_output=True
    )
    return path


def refreshed(template: Path, tmp_path: Path, cells: dict[tuple[str, str], Any]) -> tuple[int, Any]:
    """The template with ``cells`` set ({(sheet, coord): value}), refreshed: (exit code, book)."""
    path = tmp_path / "case.xlsx"
    wb = load_workbook(template)
    for (sheet, coord), value in cells.items():
        wb[sheet][coord].value = value
    wb.save(path)
    run = subprocess.run(
        [sys.executable, "-m", "xlcomp", "refresh", str(path)], capture_output=True, text=True
    )
    return run.returncode, load_workbook(path, data_only=True)


def offer(**by_label: Any) -> dict[tuple[str, str], Any]:
    labels = {**OFFER_INPUTS, **PRIVATE_INPUTS}
    return {("Offer", labels[k.replace("_", " ")]): v for k, v in by_label.items()}


def test_accept_at_compares_money_at_cents(template: Path, tmp_path: Path) -> None:
    # offer 100,000 + 10,000 = 110,000; competing 100,000 x (1 + 10%) = 110,000: accept
    cells = offer(
        **{
            "Base salary": 100000,
            "Equity per year": 10000,
            "Target bonus": 0,
            "Sign-on bonus": 0,
            "Best competing offer (total comp)": 100000,
            "Walk-away floor": 90000,
            "Ask above the better offer": 0.1,
        }
    )
    _, wb = refreshed(template, tmp_path, cells)
    o = wb["Offer"]
    assert o["B20"].value == 110000
    assert o["B50"].value == 110000
    assert o["B51"].value == "accept"


def test_blank_ask_uses_the_5_percent_default_everywhere(template: Path, tmp_path: Path) -> None:
    # offer 200,000 + 70,000 + 30,000 = 300,000; competing 295,000 x 1.05 = 309,750:
    # the offer is below it, so "counter"; the target 300,000 x 1.05 = 315,000
    cells = offer(
        **{
            "Base salary": 200000,
            "Equity per year": 70000,
            "Target bonus": 0.15,
            "Sign-on bonus": 0,
            "Best competing offer (total comp)": 295000,
            "Ask above the better offer": None,
        }
    )
    _, wb = refreshed(template, tmp_path, cells)
    o = wb["Offer"]
    assert o["B20"].value == 300000
    assert o["B48"].value == pytest.approx(315000)
    assert o["B50"].value == 309750
    assert o["B51"].value == "counter"


@pytest.mark.parametrize(("label", "value"), [("Ask above the better offer", 5)])
def test_whole_percent_ask_is_refused_not_500_percent(
    template: Path, tmp_path: Path, label: str, value: float
) -> None:
    _, wb = refreshed(template, tmp_path, offer(**{label: value}))
    o = wb["Offer"]
    for coord in ("B48", "B50", "B51"):
        assert str(o[coord].value).startswith("#XLCOMP! uplift: 5 looks like a whole percent")


def test_whole_percent_bonus_is_not_plotted(template: Path, tmp_path: Path) -> None:
    _, wb = refreshed(template, tmp_path, offer(**{"Target bonus": 15}))
    o = wb["Offer"]
    assert o["L19"].value in (None, "")  # not 15 x 240,000 = 3,600,000
    assert str(o["B19"].value).startswith("#XLCOMP! bonus_pct: 15 looks like a whole percent")
    assert str(o["B20"].value).startswith("#XLCOMP!")


def test_bonus_chart_bar_is_the_bonus_in_money(template: Path, tmp_path: Path) -> None:
    # 240,000 x 15% = 36,000
    _, wb = refreshed(template, tmp_path, offer(**{"Base salary": 240000, "Target bonus": 0.15}))
    assert wb["Offer"]["L19"].value == pytest.approx(36000)


def test_blank_floor_script_uses_the_effective_floor(template: Path, tmp_path: Path) -> None:
    code, wb = refreshed(
        template,
        tmp_path,
        offer(**{"Walk-away floor": None, "Best competing offer (total comp)": 295000}),
    )
    o = wb["Offer"]
    assert code == 0
    assert o["B49"].value == 295000  # the floor defaults to the competing offer
    assert "My accept-at floor is $295K TC" in o["A55"].value


def test_multi_year_signon_reaches_the_split_and_script(template: Path, tmp_path: Path) -> None:
    # offer 200,000 + 60,000 + 20,000 + (50,000 + 25,000) / 4 = 298,750; the split keeps a
    # sign-on of at least 75,000 (what the offer gives)
    cells = offer(
        **{
            "Base salary": 200000,
            "Equity per year": 60000,
            "Target bonus": 0.10,
            "Sign-on bonus": "50000/25000",
        }
    )
    code, wb = refreshed(template, tmp_path, cells)
    o = wb["Offer"]
    assert code == 0
    assert o["B20"].value == 298750
    assert o["G50"].value >= 75000
    assert "sign-on" in o["A55"].value


def test_bridge_counts_twelve_months_across_a_leap_day(template: Path, tmp_path: Path) -> None:
    # grant 400,000 from 2025-12-01, 25/25/25/25; leave 2027-12-01 (24 months: 200,000
    # unvested); a year later, 2028-12-01 across 29 Feb 2028 (36 months: 100,000):
    # the bridge is 100,000, not the 11 months of +365 days
    cells = {
        ("Offer", "B83"): 400000,
        ("Offer", "B84"): dt.datetime(2025, 12, 1),
        ("Offer", "B85"): dt.datetime(2027, 12, 1),
    }
    _, wb = refreshed(template, tmp_path, cells)
    o = wb["Offer"]
    assert o["G83"].value == 200000
    assert o["G84"].value == 100000


def test_compare_follows_the_competing_tc(template: Path, tmp_path: Path) -> None:
    # competing 200,000: base 200,000 / 1.475 = 135,593 -> 136,000; bonus 15% 20,400;
    # equity 200,000 - 156,400 = 43,600 a year: total comp 200,000, 800,000 over 4 years
    cells = offer(
        **{
            "Best competing offer (total comp)": 200000,
            "Walk-away floor": 190000,
            "Competing company": "Meta",
        }
    )
    _, wb = refreshed(template, tmp_path, cells)
    c = wb["Compare"]
    assert c["C5"].value == "Meta"
    assert c["C6"].value == 136000
    assert c["C18"].value == 200000
    assert c["C23"].value == 800000


def test_compare_refuses_cash_above_the_competing_tc(template: Path, tmp_path: Path) -> None:
    cells = {("Compare", "C6"): 300000, **offer(**{"Best competing offer (total comp)": 200000})}
    _, wb = refreshed(template, tmp_path, cells)
    assert str(wb["Compare"]["C18"].value).startswith("#XLCOMP! base: the cash")


def test_compare_blank_company_is_blank(template: Path, tmp_path: Path) -> None:
    _, wb = refreshed(template, tmp_path, offer(Company=None))
    assert wb["Compare"]["B5"].value in (None, "")
