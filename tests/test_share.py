"""`xlcomp share`: private numbers gone from every part, our cells frozen, the rest intact.

The workbook holds distinctive private values (competing offer 387,654; floor 363,451)
so that a scan of the decompressed package cannot mistake them for anything else. The
derived values are worked by hand: offer TC = 240,000 + 80,000 + 36,000 = 356,000;
target = max(356,000, 387,654) × 1.05 = 407,036.7; anchor = × 1.10 = 447,740.37.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import NamedStyle
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula

from tests.refresh_helpers import error_cells, recalculated_by_libreoffice
from xlcomp.cli import main
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows
from xlcomp.refresh import refresh_workbook
from xlcomp.share import leak_forms, name_areas, share_workbook

COMPETING, FLOOR = 387654, 363451
TARGET, ANCHOR = 407036.7, 447740.37


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Guide"
    guide["A1"] = "Negotiation workbook"
    bands = wb.create_sheet("Bands")
    for row in band_rows(load_guide().bands):
        bands.append(row)
    o = wb.create_sheet("Offer")
    labels = ["base", "equity", "bonus", "competing", "floor"]
    for i, (label, value) in enumerate(
        zip(labels, [240000, 80000, 0.15, COMPETING, FLOOR], strict=True), start=1
    ):
        o.cell(i, 1, label)
        o.cell(i, 2, value)
    o["B6"] = "=TOTALCOMP(B1,B2,B3)"
    o["B7"] = '=BANDPERCENTILE(B1,"San Francisco","Senior SWE","base",Bands!A1:H13)'
    o["B8"] = ArrayFormula("B8:B10", "=COUNTERTARGET(B6,B4,0.05,0.1,B5)")
    o["B11"] = "=OFFERVERDICT(B6,B10,B9)"
    o["B12"] = '=COUNTERSCRIPT(B4,B1,B2,B3,B5,0,"Together AI")'
    o["B13"] = "=B6*2"  # native, depends on nothing private: stays live
    o["B14"] = "=ROUND(B9,0)"  # native, derived from the competing offer
    o["B4"].comment = Comment(f"their offer was {COMPETING:,}", "me")
    wb.defined_names["private_competing_tc"] = DefinedName(
        "private_competing_tc", attr_text="Offer!$B$4"
    )
    wb.defined_names["walkaway"] = DefinedName("walkaway", attr_text=str(FLOOR))
    wb.add_named_style(NamedStyle(name="Private input"))
    o["B5"].style = "Private input"
    chart = BarChart()
    chart.add_data(Reference(o, min_col=2, min_row=4, max_row=6))
    o.add_chart(chart, "D2")
    wb.properties.title = f"Offer vs {COMPETING}"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(source, refreshed original, shared copy) of the test workbook."""
    tmp = tmp_path_factory.mktemp("share")
    src = _book(tmp / "offer.xlsx")
    refreshed = tmp / "refreshed.xlsx"
    refresh_workbook(src, refreshed)
    out = tmp / "shared.xlsx"
    share_workbook(src, out)
    return src, refreshed, out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_no_private_value_anywhere(shared: tuple[Path, Path, Path]) -> None:
    """Every form of every private and derived number is absent from every part."""
    _, _, out = shared
    forms = set()
    for value in (COMPETING, FLOOR, TARGET, ANCHOR):
        forms |= set(leak_forms(value))
    assert {"387654", "387,654", "$387.7K", "388K", "363451", "$363.5K"} <= forms
    for name, data in _parts(out).items():
        text = data.decode("utf-8", "replace")
        for form in forms:
            assert not re.search(r"(?<![\w.])" + re.escape(form) + r"(?!\d|\.\d)", text), (
                f"{form} in {name}"
            )


def test_the_source_had_them(shared: tuple[Path, Path, Path]) -> None:
    """The scan would find them: the refreshed original holds them in several parts."""
    _, refreshed, _ = shared
    hits = [n for n, d in _parts(refreshed).items() if b"387654" in d or b"387,654" in d]
    assert len(hits) >= 3  # the sheet, the comment, the chart cache, the title


def test_cells_after_share(shared: tuple[Path, Path, Path]) -> None:
    """Private and derived cells are empty; our cells hold values; live natives stay."""
    _, _, out = shared
    wb = openpyxl.load_workbook(out)
    o = wb["Offer"]
    for ref in ("B4", "B5", "B8", "B9", "B10", "B11", "B12", "B14"):
        assert o[ref].value is None, ref
    assert o["B6"].value == 356000  # TOTALCOMP frozen: 240,000 + 80,000 + 36,000
    assert o["B7"].value == pytest.approx(91.6667, rel=1e-4)  # 100 × 55/60
    assert o["B13"].value == "=B6*2"
    assert o["B5"].style == "Private input"  # the style stays
    assert "private_competing_tc" in wb.defined_names
    assert "walkaway" not in wb.defined_names


def test_note_on_guide(shared: tuple[Path, Path, Path]) -> None:
    """The Guide sheet says what was removed, and when."""
    _, _, out = shared
    guide = openpyxl.load_workbook(out)["Guide"]
    notes = [c.value for c in guide["A"] if c.value and "xlcomp share" in str(c.value)]
    assert len(notes) == 1
    assert "removed 2 private inputs (Offer!B4:B5)" in notes[0] and "UTC" in notes[0]
    assert "6 cells computed from them (Offer!B8:B12,B14)" in notes[0]


def test_lossless_against_refreshed(shared: tuple[Path, Path, Path]) -> None:
    """Styles, drawings, the bands sheet and the Guide's other cells are unchanged."""
    _, refreshed, out = shared
    before, after = _parts(refreshed), _parts(out)
    changed = {n for n in before if before.get(n) != after.get(n)}
    allowed = {
        "xl/worksheets/sheet1.xml",  # the note
        "xl/worksheets/sheet3.xml",  # Offer
        "xl/workbook.xml",  # the constant name
        "xl/comments/comment1.xml",
        "xl/charts/chart1.xml",
        "docProps/core.xml",
    }
    assert changed <= allowed, changed - allowed
    for name in ("xl/styles.xml", "xl/worksheets/sheet2.xml", "xl/drawings/drawing1.xml"):
        assert before[name] == after[name]
    assert set(after) == set(before)


@pytest.mark.libreoffice
def test_libreoffice_recalculating_shows_no_error(
    shared: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """LibreOffice, recalculating everything, opens the shared copy with no error cell."""
    _, _, out = shared
    wb = recalculated_by_libreoffice(out, tmp_path)
    assert error_cells(wb) == []
    assert wb["Offer"]["B13"].value == 712000  # 356,000 × 2, recalculated live


def test_keep_private(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--keep-private keeps private cells but still stores our functions as values, and
    its summary says they were kept (not "emptied")."""
    src = _book(tmp_path / "offer.xlsx")
    out = tmp_path / "mine.xlsx"
    assert main(["share", str(src), "-o", str(out), "--keep-private"]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "2 private inputs and 6 cells computed from them kept (--keep-private)" in summary
    assert "emptied" not in summary
    o = openpyxl.load_workbook(out)["Offer"]
    assert o["B4"].value == COMPETING and o["B5"].value == FLOOR
    assert o["B9"].value == pytest.approx(TARGET)  # COUNTERTARGET frozen
    assert o["B14"].value == "=ROUND(B9,0)"


def test_a_coincidence_shares_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A private number also typed in a plain unmarked cell (no formula path to a private
    cell) is a coincidence: the copy is written and a warning names both cells."""
    src = _book(tmp_path / "offer.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Guide"]["C3"] = COMPETING
    wb.save(src)
    out = tmp_path / "shared.xlsx"
    assert main(["share", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: Offer!B4 was removed but its value 387,654 is also in Guide!C3" in err
    shared = openpyxl.load_workbook(out)
    assert shared["Guide"]["C3"].value == COMPETING
    assert shared["Offer"]["B4"].value is None


def test_strict_refuses_a_coincidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --strict the same coincidence stops the share, naming both cells."""
    src = _book(tmp_path / "offer.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Guide"]["C3"] = COMPETING
    wb.save(src)
    out = tmp_path / "shared.xlsx"
    assert main(["share", str(src), "-o", str(out), "--strict"]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Guide!C3" in err and "Offer!B4" in err
    assert len(err.strip().splitlines()) == 1


def test_share_of_a_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a workbook: one line naming the file, exit 2, nothing written."""
    src = tmp_path / "offer.xlsx"
    src.write_text("not a workbook")
    out = tmp_path / "out.xlsx"
    assert main(["share", str(src), "-o", str(out)]) == 2
    assert str(src) in capsys.readouterr().err
    assert not out.exists()
    assert subprocess.run(["true"]).returncode == 0


def test_share_keeps_lite_parts(tmp_path: Path) -> None:
    """A workbook carrying xlwings Lite code keeps those parts byte-for-byte."""
    from xlcomp.lite import build_lite

    src = _book(tmp_path / "offer.xlsx")
    lite = tmp_path / "lite.xlsx"
    build_lite(src, lite)
    out = tmp_path / "shared.xlsx"
    share_workbook(lite, out)
    before, after = _parts(lite), _parts(out)
    lite_parts = [n for n in before if n.startswith("xl/webextensions/")]
    assert len(lite_parts) >= 3
    for name in lite_parts:
        assert after[name] == before[name], name
    assert b"webextensiontaskpanes" in after["_rels/.rels"]


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        ("Offer!$B$4", ["Offer!$B$4"]),
        ("=(Checks!$H$3,Checks!$H$4)", ["Checks!$H$3", "Checks!$H$4"]),
        ("Checks!$H$3,Checks!$H$5:$H$9", ["Checks!$H$3", "Checks!$H$5:$H$9"]),
        ("('Offer, 2024'!$B$4,Offer!$C$1)", ["'Offer, 2024'!$B$4", "Offer!$C$1"]),
        ("SUM(Offer!$B$1,Offer!$B$2)", ["SUM(Offer!$B$1,Offer!$B$2)"]),
        ("(Offer!$B$1)+(Offer!$B$2)", ["(Offer!$B$1)+(Offer!$B$2)"]),
        ("{1,2}", ["{1,2}"]),
    ],
)
def test_name_areas_read_unions(text: str, areas: list[str]) -> None:
    """A defined name's union (the ``,`` reference operator at the top level) gives one
    area each; commas inside quoted sheet names, function calls and arrays do not."""
    assert name_areas(text) == areas


def test_note_never_goes_past_excels_last_row(tmp_path: Path) -> None:
    """A first sheet used down to row 1,048,576 has no row free below it: the note goes to
    a sheet that has one (every row number in the copy stays ≤ 1,048,576)."""
    import re
    import subprocess
    import sys
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Offer"
    ws["A1"] = 296417
    ws.cell(row=1_048_576, column=2, value=1)
    wb.create_sheet("Other")["A1"] = "x"
    wb.defined_names["private_tc"] = openpyxl.workbook.defined_name.DefinedName(
        "private_tc", attr_text="Offer!$A$1"
    )
    src, out = tmp_path / "book.xlsx", tmp_path / "shared.xlsx"
    wb.save(src)
    proc = subprocess.run(
        [sys.executable, "-m", "xlcomp", "share", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Other!A3" in proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', zf.read(name))]
                assert max(rows, default=0) <= 1_048_576, name
