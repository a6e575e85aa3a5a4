"""The refresh engine on real workbooks: Excel's corpus, XlsxWriter and xlwings files."""

from __future__ import annotations

import math
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_files, shared_path
from tests.refresh_helpers import (
    assert_lossless,
    cached_values,
    formula_cells,
    png_bytes,
    zip_parts,
)
from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.refresh import refresh_workbook

ROOT = Path(__file__).resolve().parent.parent
CORPUS = shared_path("corpus", "excel-made")
CORPUS_FILES = shared_files("corpus/excel-made", "*.xls[xm]")

# Cells whose value Excel left as a placeholder (the file was saved without a
# recalculation): the right value, worked by hand, replaces the cached one.
CORRECTED = {
    # AVERAGE(TIMEVALUE({"12:00","12:00"})): noon is half a day.
    ("dynamic_array01.xlsx", "Sheet1", "A1"): 0.5,
}


def same(got: Any, exp: Any) -> bool:
    """Equal values; numbers to 1e-12 relative."""
    if (
        isinstance(exp, (int, float))
        and not isinstance(exp, bool)
        and isinstance(got, (int, float))
        and not isinstance(got, bool)
    ):
        return math.isclose(got, exp, rel_tol=1e-12, abs_tol=1e-12)
    return bool(got == exp)


@pytest.mark.shared("corpus/excel-made")
def test_corpus_present() -> None:
    """The Excel-made corpus is beside the checkout (shared/corpus/excel-made)."""
    assert len(CORPUS_FILES) >= 31, f"corpus missing at {CORPUS}"


@pytest.mark.parametrize("book", CORPUS_FILES)
def test_corpus_refresh(book: Path, tmp_path: Path) -> None:
    """Every formula evaluates to the value Excel cached, and nothing else changes."""
    out = tmp_path / book.name
    report = refresh_workbook(book, out)
    assert report.failed == []
    assert report.computed == len(formula_cells(book))
    before, after = cached_values(book), cached_values(out)
    for sheet, cell in formula_cells(book):
        exp = CORRECTED.get((book.name, sheet, cell), before[(sheet, cell)])
        got = after[(sheet, cell)]
        assert same(got, exp), f"{sheet}!{cell}: got {got!r}, Excel {exp!r}"
    for key, value in before.items():
        if key not in {(s, c) for s, c in formula_cells(book)}:
            assert same(after[key], value) or (book.name, *key) in CORRECTED
    assert_lossless(book, out)


# --- a mixed workbook made with XlsxWriter ----------------------------------------------

BANDS: list[list[Any]] = [
    ["region", "level", "component", "min", "max"],
    ["San Francisco", "Senior SWE", "base", 185000, 245000],
    ["San Francisco", "Senior SWE", "equity", 50000, 85000],
    ["San Francisco", "Senior SWE", "bonus", 0.10, 0.15],
]
BASE, EQUITY, BONUS, FX = 240000, 80000, 0.15, 0.92

# Independent expectations, worked by hand from the spec's formulas.
EXPECTED: dict[str, Any] = {
    "B6": BASE + EQUITY + BASE * BONUS,  # TOTALCOMP = 356,000
    "B7": 100 * (BASE - 185000) / (245000 - 185000),  # BANDPERCENTILE linear = 91.67
    "B8": BASE / ((185000 + 245000) / 2),  # COMPARATIO = 1.1163
    "B9": 91.7,  # ROUND(91.666..., 1)
    "B10": "above mid",
    "B11": (BASE + EQUITY + BASE * BONUS) * FX,  # cross-sheet name FX
    "B12": BASE + EQUITY,
    "B13": BASE + EQUITY,  # _xludf.TOTALCOMP(B1, B2, 0)
    "B14": BASE,  # lower-case totalcomp, as LibreOffice writes it
    "B15": "#DIV/0!",
    "B16": "#DIV/0!",
    "B19": 185000 * 2,  # Bands[[#This Row],[min]] style lookup via INDEX
    "D1": 340725.0,  # COUNTERTARGET(0, 295000): anchor
    "D2": 309750.0,  # target
    "D3": 295000.0,  # floor
}
TABLE_MID = {"F2": 215000.0, "F3": 67500.0, "F4": 0.125}


def make_mixed(path: Path, image: Path) -> None:
    """Native and our formulas with a table, chart, image, comment, names, validation."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    offer = wb.add_worksheet("Offer")
    bands = wb.add_worksheet("Bands")
    bands.add_table(
        "A1:F4",
        {
            "name": "Bands",
            "columns": [
                *({"header": str(h)} for h in BANDS[0]),
                {"header": "mid", "formula": "=([@min]+[@max])/2"},
            ],
            "data": BANDS[1:],
        },
    )
    wb.define_name("FX", "=Offer!$B$4")
    wb.define_name("BandsAll", "=Bands!$A$1:$E$4")
    for r, (label, value) in enumerate(
        [("base", BASE), ("equity", EQUITY), ("bonus", BONUS), ("fx", FX)]
    ):
        offer.write(r, 0, label)
        offer.write(r, 1, value)
    formulas = {
        "B6": "=TOTALCOMP(B1,B2,B3)",
        "B7": '=BANDPERCENTILE(B1,"San Francisco","Senior SWE","base",Bands[#All])',
        "B8": '=COMPARATIO(B1,"San Francisco","Senior SWE","base",BandsAll)',
        "B9": "=ROUND(B7,1)",
        "B10": '=IF(B8>=1,"above mid","below mid")',
        "B11": "=B6*FX",
        "B12": "=SUM(B1:B2)",
        "B13": "=_xludf.TOTALCOMP(B1,B2,0)",
        "B14": "=totalcomp(B1,0,0)",
        "B15": "=1/0",
        "B16": "=B15+1",
        "B19": "=INDEX(Bands[min],1)*2",
    }
    for cell, formula in formulas.items():
        offer.write_formula(cell, formula)
    offer.write_formula("B17", "=NOSUCHFUNCTION(1)", None, 123)
    offer.write_formula("B18", "=B17*2", None, 7)
    offer.write_array_formula("D1:D3", "{=COUNTERTARGET(0,295000)}")
    offer.write_comment("A1", "Annual base salary")
    offer.data_validation(
        "B3", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}
    )
    offer.conditional_format(
        "B7",
        {"type": "cell", "criteria": ">", "value": 90, "format": wb.add_format({"bold": True})},
    )
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"values": "=Bands!$D$2:$D$4", "categories": "=Bands!$C$2:$C$4"})
    offer.insert_chart("F6", chart)
    offer.insert_image("F20", str(image))
    wb.close()


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    """The mixed XlsxWriter workbook."""
    image = tmp_path / "dot.png"
    image.write_bytes(png_bytes())
    path = tmp_path / "mixed.xlsx"
    make_mixed(path, image)
    return path


def check_mixed_values(values: dict[tuple[str, str], Any]) -> None:
    """The mixed workbook's formulas hold the independently worked values."""
    for cell, exp in EXPECTED.items():
        assert same(values[("Offer", cell)], exp), f"Offer!{cell}: {values[('Offer', cell)]!r}"
    for cell, exp in TABLE_MID.items():
        assert same(values[("Bands", cell)], exp), f"Bands!{cell}"


def test_mixed_workbook(mixed: Path, tmp_path: Path) -> None:
    """Native and our functions compute the hand-worked values; only values change."""
    out = tmp_path / "out.xlsx"
    report = refresh_workbook(mixed, out)
    values = cached_values(out)
    check_mixed_values(values)
    assert [str(f) for f in report.failed] == [
        "Offer!B17: function NOSUCHFUNCTION is not available to refresh",
        "Offer!B18: depends on Offer!B17, which could not be evaluated",
    ]
    assert values[("Offer", "B17")] == 123 and values[("Offer", "B18")] == 7
    changed = assert_lossless(mixed, out)
    # Two cells were not computed: fullCalcOnLoad stays, so Excel recalculates on open.
    assert set(changed) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    names = [n for n, _ in zip_parts(out)]
    for part in (
        "xl/charts/chart1.xml",
        "xl/media/image1.png",
        "xl/comments1.xml",
        "xl/tables/table1.xml",
    ):
        assert part in names
    assert b'fullCalcOnLoad="1"' in dict(zip_parts(out))["xl/workbook.xml"]


def test_refresh_twice_changes_nothing(mixed: Path, tmp_path: Path) -> None:
    """A second refresh finds every value current and writes the same bytes."""
    first = tmp_path / "first.xlsx"
    refresh_workbook(mixed, first)
    second = tmp_path / "second.xlsx"
    report = refresh_workbook(first, second)
    assert report.changed == 0
    assert zip_parts(first) == zip_parts(second)


def test_in_place_is_atomic(mixed: Path) -> None:
    """Refreshing in place replaces the file whole and leaves no temporary file."""
    before = set(mixed.parent.iterdir())
    report = refresh_workbook(mixed)
    assert report.path == mixed
    assert set(mixed.parent.iterdir()) == before
    check_mixed_values(cached_values(mixed))


def test_progress_reported(mixed: Path, tmp_path: Path) -> None:
    """The progress callback ends at (total, total)."""
    calls: list[tuple[int, int]] = []
    refresh_workbook(mixed, tmp_path / "o.xlsx", progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] > 10


def test_unreadable_file(tmp_path: Path) -> None:
    """A text file named .xlsx is a WorkbookError and no output is written."""
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(WorkbookError):
        refresh_workbook(bad, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def _book_with_cells(tmp_path: Path, cells: str) -> Path:
    """The xlwings quickstart (it carries vbaProject.bin) with ``cells`` put in Sheet1."""
    import xlwings

    src = Path(str(xlwings.__file__)).parent / "quickstart_standalone.xlsm"
    out = tmp_path / "quick.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<sheetData />" in data
                data = data.replace(
                    b"<sheetData />", b"<sheetData>" + cells.encode() + b"</sheetData>"
                )
            zout.writestr(info, data)
    return out


def test_xlwings_quickstart_macro_intact(tmp_path: Path) -> None:
    """xlwings' quickstart with our function refreshes; vbaProject.bin is untouched."""
    book = _book_with_cells(
        tmp_path,
        '<row r="1"><c r="A1"><v>240000</v></c><c r="B1"><v>80000</v></c>'
        '<c r="C1"><v>0.15</v></c><c r="D1"><f>TOTALCOMP(A1,B1,C1)</f><v>0</v></c></row>',
    )
    out = tmp_path / "out.xlsm"
    report = refresh_workbook(book, out)
    assert report.ok and report.computed == 1
    assert cached_values(out)[("Sheet1", "D1")] == 356000
    assert dict(zip_parts(out))["xl/vbaProject.bin"] == dict(zip_parts(book))["xl/vbaProject.bin"]
    assert_lossless(book, out)


@pytest.mark.parametrize(
    ("cells", "exp_failed"),
    [
        (
            '<row r="1"><c r="A1"><f>B1</f><v>5</v></c><c r="B1"><f>A1</f><v>6</v></c></row>',
            ["Sheet1!A1: circular reference", "Sheet1!B1: circular reference"],
        ),
        (
            '<row r="1"><c r="A1"><f>OFFSET(B1,1,0)</f><v>5</v></c></row>',
            ["Sheet1!A1: OFFSET (a reference computed while calculating) is not supported"],
        ),
        (
            '<row r="1"><c r="A1"><f>SUM(B1</f><v>5</v></c></row>',
            ["Sheet1!A1: cannot parse the formula =SUM(B1 (the formula ends too early)"],
        ),
    ],
    ids=["cycle", "offset", "syntax"],
)
def test_unevaluable_keep_cached(tmp_path: Path, cells: str, exp_failed: list[str]) -> None:
    """Formulas the engine cannot evaluate are named and keep their cached values."""
    book = _book_with_cells(tmp_path, cells)
    out = tmp_path / "out.xlsm"
    report = refresh_workbook(book, out)
    assert sorted(str(f) for f in report.failed) == exp_failed
    assert cached_values(out) == cached_values(book)
    assert_lossless(book, out)


def test_shared_formulas_and_spill_insertion(tmp_path: Path) -> None:
    """Shared formula children evaluate at their own cells; spills create missing cells."""
    book = _book_with_cells(
        tmp_path,
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*10</f>'
        '<v>0</v></c><c r="C1"><f t="array" ref="C1:C3">COUNTERTARGET(0,100)</f><v>0</v></c></row>'
        '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/></c></row>',
    )
    out = tmp_path / "out.xlsm"
    report = refresh_workbook(book, out)
    assert report.ok
    values = cached_values(out)
    assert [values[("Sheet1", f"B{r}")] for r in (1, 2, 3)] == [10, 20, 30]
    # COUNTERTARGET(0, 100): target 105, anchor 115.5, floor 100
    got = [values[("Sheet1", f"C{r}")] for r in (1, 2, 3)]
    assert [round(v, 9) for v in got] == [115.5, 105, 100]


def test_shipped_test_double_udfs(tmp_path: Path) -> None:
    """Functions passed by the caller replace xlcomp.udfs (test doubles, plug-ins)."""
    book = _book_with_cells(tmp_path, '<row r="1"><c r="A1"><f>DOUBLE(21)</f><v>0</v></c></row>')
    out = tmp_path / "out.xlsm"
    report = refresh_workbook(book, out, functions={"double": lambda x: x * 2})
    assert report.ok
    assert cached_values(out)[("Sheet1", "A1")] == 42


@pytest.mark.shared("corpus/excel-made/outline03.xlsx")
def test_copy_of_corpus_is_untouched(tmp_path: Path) -> None:
    """Refreshing to another file leaves the source byte-identical."""
    src = tmp_path / "outline03.xlsx"
    shutil.copy(CORPUS / "outline03.xlsx", src)
    data = src.read_bytes()
    refresh_workbook(src, tmp_path / "out.xlsx")
    assert src.read_bytes() == data


def test_entity_declaration_refused(tmp_path: Path) -> None:
    """A sheet declaring entities (an XML bomb's first step) is refused before any parsing."""
    book = _book_with_cells(tmp_path, '<row r="1"><c r="A1"><f>1+1</f><v>0</v></c></row>')
    bomb = tmp_path / "bomb.xlsm"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"?>")
                data = head + b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + rest
            zout.writestr(info, data)
    with pytest.raises(UnsafeWorkbookError, match=r"sheet1\.xml"):
        refresh_workbook(bomb, tmp_path / "out.xlsm")
    assert not (tmp_path / "out.xlsm").exists()
