"""The template follows its Offer inputs: change them, refresh, read every output back.

Two scenarios besides the built-in one, each worked by hand (bands from the guide's
data: Seattle Senior SWE base 176,000–233,000, equity 47,000–81,000, bonus 10–15 %;
San Francisco 185,000–245,000, 50,000–85,000, 10–15 %):

* **The Seattle persona**: base 210,000, a 300,000 grant (75,000 a year over four
  years), 12 % bonus, a 25,000 sign-on; competing 330,000; floor 300,000.
  Offer TC = 210,000 × 1.12 + 75,000 + 25,000 / 4 = 316,450. Target = 330,000 × 1.05
  = 346,500, anchor 381,150; accept as is at 346,500 too, so the verdict is "counter"
  (300,000 ≤ 316,450 < 346,500). Keeping the 25,000 sign-on, the components must reach
  346,500 − 6,250 = 340,250 from 310,200: 690 t² + 38,060 t = 30,050, t = 0.7786;
  base 227,907 -> 228,000, equity 79,671 -> 80,000, bonus 14.34 % -> 14.5 %; the split's
  TC = 228,000 × 1.145 + 80,000 + 6,250 = 347,310 ("$347.3K").
* **An offer far above the competing one** (San Francisco): base 245,000, equity
  85,000, bonus 15 %, sign-on 40,000; competing 250,000; floor 240,000. Offer TC =
  281,750 + 85,000 + 10,000 = 376,750 ≥ 250,000 × 1.05 = 262,500: "accept". The
  counter target 376,750 × 1.05 = 395,587.50 is beyond the band maxima (366,750,
  where the offer already sits): sign-on (395,587.50 − 366,750) × 4 = 115,350, asked
  as 116,000; TC = 366,750 + 29,000 = 395,750, quoted "$395.8K" (half up).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.demo import build_and_refresh, scenario_lines
from xlcomp.refresh import refresh_workbook
from xlcomp.template import write_template

ROOT = Path(__file__).resolve().parent.parent

SEATTLE = {
    "offer_region": "Seattle",
    "offer_level": "Senior SWE",
    "offer_base": 210_000,
    "offer_equity": 75_000,
    "offer_bonus_pct": 0.12,
    "offer_signon": 25_000,
    "private_competing_tc": 330_000,
    "private_competing_company": "Big Cloud Co",
    "private_floor": 300_000,
}
FAR_ABOVE = {
    "offer_base": 245_000,
    "offer_equity": 85_000,
    "offer_bonus_pct": 0.15,
    "offer_signon": 40_000,
    "private_competing_tc": 250_000,
    "private_floor": 240_000,
}

SEATTLE_SCRIPT = (
    "I'm excited about the role at Together AI. My current competing offer is $330K TC. "
    "I'm targeting a base of $228K, equity valued at $80K per year, and a 14.5% bonus "
    "target, plus a $25K sign-on bonus — bringing my total comp to $347.3K a year "
    "(sign-on spread over four years). My accept-at floor is $300K TC; below that "
    "threshold, my alternative is the better choice."
)
FAR_ABOVE_SCRIPT = (
    "I'm excited about the role at Together AI. My current competing offer is $250K TC. "
    "I'm targeting a base of $245K, equity valued at $85K per year, and a 15% bonus "
    "target, plus a $116K sign-on bonus — bringing my total comp to $395.8K a year "
    "(sign-on spread over four years). My accept-at floor is $240K TC; below that "
    "threshold, my alternative is the better choice."
)


def _cell(wb: openpyxl.Workbook, name: str) -> Any:
    ((sheet, ref),) = wb.defined_names[name].destinations
    return wb[sheet][ref.replace("$", "")]


def _with_inputs(tmp: Path, inputs: dict[str, object], cli: bool = False) -> openpyxl.Workbook:
    """The template with ``inputs`` typed into the named cells, refreshed, read back."""
    src = write_template(load_guide(), tmp / "negotiation.xlsx")
    wb = openpyxl.load_workbook(src)
    for name, value in inputs.items():
        _cell(wb, name).value = value
    typed = tmp / "typed.xlsx"
    wb.save(typed)
    out = tmp / "refreshed.xlsx"
    if cli:
        proc = subprocess.run(
            [sys.executable, "-m", "xlcomp", "refresh", str(typed), "-o", str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 0, proc.stderr
    else:
        refresh_workbook(typed, out)
    return openpyxl.load_workbook(out, data_only=True)


@pytest.fixture(scope="module")
def seattle(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The Seattle persona, refreshed by ``python -m xlcomp refresh``."""
    return _with_inputs(tmp_path_factory.mktemp("seattle"), SEATTLE, cli=True)


@pytest.fixture(scope="module")
def far_above(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """An offer far above the competing one, refreshed."""
    return _with_inputs(tmp_path_factory.mktemp("far"), FAR_ABOVE)


SEATTLE_VALUES = [
    ("offer_grant", 300_000),  # 75,000 × 4 years
    ("offer_tc", 316_450),  # 235,200 + 75,000 + 6,250
    ("private_counter_target", 346_500),  # 330,000 × 1.05
    ("private_counter_anchor", 381_150),  # 346,500 × 1.10
    ("private_counter_floor", 300_000),
    ("private_accept_at", 346_500),  # the competing offer plus 5 %
    ("private_verdict", "counter"),  # 300,000 ≤ 316,450 < 346,500
    ("private_split_base", 228_000),  # 227,907 rounded up
    ("private_split_equity", 80_000),  # 79,671 rounded up
    ("private_split_bonus_pct", 0.145),  # 14.34 % up to a half point
    ("private_split_signon", 25_000),  # the offered sign-on, kept
    ("private_split_tc", 347_310),  # 261,060 + 80,000 + 6,250
    ("private_script", SEATTLE_SCRIPT),
]
FAR_ABOVE_VALUES = [
    ("offer_tc", 376_750),  # 281,750 + 85,000 + 10,000
    ("private_accept_at", 262_500),  # 250,000 × 1.05, above the 240,000 floor
    ("private_verdict", "accept"),
    ("private_counter_target", 395_587.5),  # 376,750 × 1.05
    ("private_split_base", 245_000),  # already the band max
    ("private_split_equity", 85_000),
    ("private_split_bonus_pct", 0.15),
    ("private_split_signon", 116_000),  # (395,587.50 − 366,750) × 4 = 115,350, rounded up
    ("private_split_tc", 395_750),  # 366,750 + 116,000 / 4
    ("private_script", FAR_ABOVE_SCRIPT),
]


def _check(got: object, exp: object) -> None:
    assert got == (pytest.approx(exp) if isinstance(exp, int | float) else exp)


def test_seattle_persona_can_be_shared(seattle: openpyxl.Workbook, tmp_path: Path) -> None:
    """No example number on the Compare sheet collides with the persona's public inputs.

    (``xlcomp share`` refuses a copy where a private value is also typed in a public
    cell: the startup example's base was once 210,000, the persona's offered base.)
    """
    src = write_template(load_guide(), tmp_path / "negotiation.xlsx")
    wb = openpyxl.load_workbook(src)
    for name, value in SEATTLE.items():
        _cell(wb, name).value = value
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    proc = subprocess.run(
        [sys.executable, "-m", "xlcomp", "share", str(typed), "-o", str(tmp_path / "s.xlsx")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("name", "exp"), SEATTLE_VALUES, ids=[n for n, _ in SEATTLE_VALUES])
def test_seattle_persona(seattle: openpyxl.Workbook, name: str, exp: object) -> None:
    """Split, script and verdict of the Seattle persona, worked by hand."""
    _check(_cell(seattle, name).value, exp)


@pytest.mark.parametrize(("name", "exp"), FAR_ABOVE_VALUES, ids=[n for n, _ in FAR_ABOVE_VALUES])
def test_offer_far_above_competing(far_above: openpyxl.Workbook, name: str, exp: object) -> None:
    """An offer beating the competing one by more than the uplift reads "accept"."""
    _check(_cell(far_above, name).value, exp)


def test_seattle_title_and_compare_follow_the_inputs(seattle: openpyxl.Workbook) -> None:
    """Title, subtitle and the Compare sheet's first two columns follow the Offer sheet."""
    offer, compare = seattle["Offer"], seattle["Compare"]
    assert offer["A1"].value == "Your offer — Senior SWE at Together AI, Seattle"
    assert "Senior SWE in Seattle" in offer["A2"].value
    assert "guide's scenario" not in offer["A2"].value
    assert compare["A1"].value == "Compare offers — Senior SWE, Seattle"
    assert compare["B18"].value == pytest.approx(316_450)  # this offer's TOTALCOMP
    assert compare["B16"].value == pytest.approx(75_000)  # 300,000 $1 units / 4
    assert compare["C5"].value == "Big Cloud Co"
    assert compare["C18"].value == pytest.approx(330_000)  # the competing TC
    assert compare["C23"].value == pytest.approx(4 * 330_000)
    # risk-adjusted: this offer's equity at 70 % (the Offer sheet's 30 % discount)
    assert compare["B24"].value == pytest.approx(235_200 + 75_000 * 0.7 + 6_250)


def test_far_above_compare_follows(far_above: openpyxl.Workbook) -> None:
    """The Compare sheet's competing column moves to 250,000 with the Offer sheet."""
    compare = far_above["Compare"]
    assert compare["B18"].value == pytest.approx(376_750)
    assert compare["C18"].value == pytest.approx(250_000)
    assert compare["C5"].value == "FAANG / AI lab"  # the data's competing company


def test_illiquidity_discount_is_an_input(tmp_path: Path) -> None:
    """The Offer sheet's discount drives Compare's risk-adjusted TC of this offer."""
    wb = _with_inputs(tmp_path, {"offer_risk_discount": 0.5})
    # 240,000 × 1.15 + 80,000 × (1 − 0.5) = 276,000 + 40,000
    assert wb["Compare"]["B24"].value == pytest.approx(316_000)


def test_level_change_retitles_the_sheet(tmp_path: Path) -> None:
    """A level the bands lack: the title follows; the band cells show one-line errors."""
    wb = _with_inputs(tmp_path, {"offer_level": "Staff SWE", "offer_company": "Meta"})
    assert wb["Offer"]["A1"].value == "Your offer — Staff SWE at Meta, San Francisco"
    missing = "#XLCOMP! level 'Staff SWE' not in bands (known: Senior SWE)"
    assert _cell(wb, "private_split_base").value == missing
    # the script and the band table's note show the whole message, not an error of one
    assert _cell(wb, "private_script").value == missing
    assert wb["Offer"]["A21"].value == missing
    levels = [wb["Offer"][f"B{r}"].value for r in range(59, 65)]
    assert levels == ["#XLCOMP! level 'Staff SWE' not in levels for Meta (known: E5)"] * 6


def _scenario(**changes: object) -> GuideData:
    guide = load_guide()
    return guide.model_copy(update={"scenario": guide.scenario.model_copy(update=changes)})


@pytest.mark.parametrize(
    ("guide", "exp"),
    [
        (load_guide(), "$374K a year"),  # 366,750 + 29,000 / 4
        (
            _scenario(
                region="Seattle",
                offer_base=210_000,
                offer_equity=75_000,
                offer_bonus_pct=0.12,
                offer_signon=25_000,
                competing_tc=330_000,
                floor=300_000,
            ),
            "$347.3K a year",
        ),
    ],
    ids=["built-in", "seattle"],
)
def test_demo_and_workbook_say_the_same_words(guide: GuideData, exp: str, tmp_path: Path) -> None:
    """``xlcomp demo``'s script is the workbook's script, for one scenario."""
    sections = dict(scenario_lines(guide))
    demo_script = sections["Script (COUNTERSCRIPT)"][0].value
    run = build_and_refresh(guide, str(tmp_path))
    assert run.values["private_script"] == demo_script
    assert exp in demo_script


def test_share_note_lands_on_the_guide_page(tmp_path: Path) -> None:
    """``xlcomp share`` writes its note into the Guide's share_note cell, inside the page."""
    src = write_template(load_guide(), tmp_path / "negotiation.xlsx")
    out = tmp_path / "shared.xlsx"
    proc = subprocess.run(
        [sys.executable, "-m", "xlcomp", "share", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out)
    note = _cell(wb, "share_note")
    assert str(note.value).startswith("Shared copy made by xlcomp share on ")
    assert note.alignment.wrap_text
    guide = wb["Guide"]
    assert guide.max_row == note.row  # not a new row below the page
    (area,) = guide.print_area if isinstance(guide.print_area, list) else [guide.print_area]
    last_row = int(area.rsplit("$", 1)[1])
    assert last_row == note.row
    assert f"A{note.row}:C{note.row}" in {str(r) for r in guide.merged_cells.ranges}


# --- issue 17's template part: the equity block, five years, the bridge --------------
# The example grant: 32,000 RSUs of 330,000,000 fully diluted shares at a $3.3B valuation
# ($10.00 a share = the offer's $320,000 over four years); 10 % dilution over 2 rounds.
# At an exit of k × $3.3B the grant is worth 32,000 / 330,000,000 × 0.81 × k × 3.3B =
# 259,200 × k. Five years with a 40,000 refresher (25/25/25/25): year N = 276,000 +
# 80,000 (years 1–4) + 10,000 × (N − 1) of refreshers: 356,000; 366,000; 376,000;
# 386,000; year 5 = 276,000 + 40,000 = 316,000.
# The bridge: a 120,000 grant started 2024-03-01, leaving 2026-12-01 (33 months vested):
# unvested 120,000 × 15/48 = 37,500; a year later (45 months) 120,000 × 3/48 = 7,500, so
# the first year away forfeits 30,000: the sign-on to ask. The split keeps it as the
# sign-on already on the table: the components must reach 373,800 − 7,500 = 366,300
# from 356,000: 10,750 t = 10,300, t = 0.958: base 244,791 -> 245,000, equity 84,791 ->
# 85,000; TC = 366,750 + 7,500 = 374,250, "$374.3K" (half up).
BRIDGE = {"private_current_grant": 120_000}
BRIDGE_VALUES = [
    ("offer_price", 10.0),
    ("private_unvested", 37_500),
    ("private_bridge", 30_000),
    ("private_split_base", 245_000),
    ("private_split_equity", 85_000),
    ("private_split_bonus_pct", 0.15),
    ("private_split_signon", 30_000),
    ("private_split_tc", 374_250),
]


@pytest.fixture(scope="module")
def bridged(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The built-in scenario with an unvested grant at the current job, refreshed."""
    return _with_inputs(tmp_path_factory.mktemp("bridge"), BRIDGE)


@pytest.mark.parametrize(("name", "exp"), BRIDGE_VALUES, ids=[n for n, _ in BRIDGE_VALUES])
def test_bridge_feeds_the_counter(bridged: openpyxl.Workbook, name: str, exp: object) -> None:
    """A year of the unvested grant becomes the least sign-on the split asks for."""
    _check(_cell(bridged, name).value, exp)


def test_bridge_named_in_the_script(bridged: openpyxl.Workbook) -> None:
    """The script asks for the sign-on as a bridge, quoting TOTALCOMP of the split."""
    script = _cell(bridged, "private_script").value
    assert (
        "plus a $30K sign-on to bridge my unvested RSUs — bringing my total comp to "
        "$374.3K a year (sign-on spread over four years)" in script
    )


def test_equity_block_exit_scenarios_and_five_years(bridged: openpyxl.Workbook) -> None:
    """EQUITYEXIT at 1×, 3×, 10× today's valuation; YEARTC over five years with refreshers."""
    ((sheet, exits),) = bridged.defined_names["offer_exit_values"].destinations
    got = [c.value for row in bridged[sheet][exits.replace("$", "")] for c in row]
    assert got == pytest.approx([259_200, 777_600, 2_592_000])
    ((sheet, years),) = bridged.defined_names["offer_tc_5yr"].destinations
    got = [c.value for row in bridged[sheet][years.replace("$", "")] for c in row]
    assert got == pytest.approx([356_000, 366_000, 376_000, 386_000, 316_000])


def test_no_bridge_by_default(seattle: openpyxl.Workbook) -> None:
    """Without a current grant the bridge is 0 and the script says "sign-on bonus"."""
    assert _cell(seattle, "private_bridge").value == 0
    assert "sign-on bonus" in _cell(seattle, "private_script").value
