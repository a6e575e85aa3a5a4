"""The negotiation workbook template: reproducible, complete, and wired to real names."""

from __future__ import annotations

import difflib
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.formula import Tokenizer
from openpyxl.utils import FORMULAE, range_boundaries
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from tests.golden import GOLDEN, UPDATE_COMMAND, current_text
from xlcomp import udfs
from xlcomp import worksheet as ws_fn
from xlcomp.core.guide import builtin_text, load_guide, parse_guide
from xlcomp.core.models import GuideData
from xlcomp.core.tables import BAND_COLUMNS, LEVEL_COLUMNS, band_rows, level_rows
from xlcomp.template import SHEETS, build_bytes, write_template

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "workbooks" / "negotiation.xlsx"
REBUILD = "xlcomp build -o workbooks/negotiation.xlsx"
PRIVATE_STYLES = {"Private input", "Private output"}


@pytest.fixture(scope="module")
def guide() -> GuideData:
    """The built-in data."""
    return load_guide()


@pytest.fixture(scope="module")
def data(guide: GuideData) -> bytes:
    """The template built from the built-in data."""
    return build_bytes(guide)


@pytest.fixture(scope="module")
def wb(data: bytes) -> Workbook:
    """The built template, reloaded by openpyxl."""
    return load_workbook(io.BytesIO(data))


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _header_key(value: object) -> str:
    return "_".join(str(value).replace("_", " ").split()).casefold()


# --- reproducible ---------------------------------------------------------------------


def test_build_is_byte_for_byte_repeatable(guide: GuideData, data: bytes) -> None:
    """Two builds of the same data give the same bytes."""
    assert build_bytes(guide) == data


def test_build_does_not_depend_on_hash_seed_or_clock(data: bytes) -> None:
    """A build in another process, with another hash seed, gives the same bytes."""
    code = (
        "import sys; from xlcomp.core.guide import load_guide; "
        "from xlcomp.template import build_bytes; "
        "sys.stdout.buffer.write(build_bytes(load_guide()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Auckland"}
    got = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    ).stdout
    assert got == data


def test_zip_entries_carry_no_build_time(data: bytes) -> None:
    """Every zip entry has the fixed 1980-01-01 date; the properties a fixed date."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core) == [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    ]


def test_committed_workbook_is_what_the_builder_writes(data: bytes) -> None:
    """workbooks/negotiation.xlsx holds exactly the parts the builder writes today."""
    assert COMMITTED.exists(), f"{COMMITTED} is missing: run {REBUILD}"
    exp, got = _parts(COMMITTED.read_bytes()), _parts(data)
    assert [name for name, _ in got] == [name for name, _ in exp], f"run {REBUILD}"
    changed = [name for (name, a), (_, b) in zip(exp, got, strict=True) if a != b]
    assert not changed, f"{', '.join(changed)} drifted from the builder: run {REBUILD}"


def test_golden_snapshot_is_current() -> None:
    """The snapshot of the template matches tests/golden/negotiation.json."""
    exp = GOLDEN.read_text(encoding="utf-8")
    got = current_text()
    if got != exp:
        diff = "".join(
            list(
                difflib.unified_diff(
                    exp.splitlines(keepends=True), got.splitlines(keepends=True), n=1
                )
            )[:60]
        )
        pytest.fail(f"the template changed; if intended, run {UPDATE_COMMAND}\n{diff}")


def test_build_lite_adds_the_lite_code(tmp_path: Path) -> None:
    """`xlcomp build --lite` writes the template with the xlwings Lite parts in it."""
    from xlcomp.cli import main
    from xlcomp.lite import has_lite
    from xlcomp.ooxml import Package

    out = tmp_path / "lite.xlsx"
    assert main(["build", "--lite", "-o", str(out)]) == 0
    pkg = Package.open(out)
    assert has_lite(pkg)
    assert "xl/worksheets/sheet4.xml" in pkg.parts  # the Offer sheet is still there


def test_write_template_writes_the_built_bytes(
    guide: GuideData, data: bytes, tmp_path: Path
) -> None:
    """write_template puts build_bytes on disk, leaving no temporary file beside it."""
    target = tmp_path / "book.xlsx"
    write_template(guide, target)
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


# --- sheets, tables, names --------------------------------------------------------------


def test_sheets_in_the_spec_order(wb: Workbook) -> None:
    """The sheets are Guide, Bands, Levels, Offer, Compare, Checks, xlwings.conf."""
    assert tuple(wb.sheetnames) == SHEETS
    assert wb.active is not None and wb.active.title == "Guide"


@pytest.mark.parametrize(
    ("sheet", "table", "columns", "rows_of"),
    [
        ("Bands", "Bands", BAND_COLUMNS, lambda g: band_rows(g.bands)),
        ("Levels", "Levels", LEVEL_COLUMNS, lambda g: level_rows(g.levels)),
    ],
    ids=["bands", "levels"],
)
def test_tables_hold_the_data_in_the_functions_column_order(
    wb: Workbook,
    guide: GuideData,
    sheet: str,
    table: str,
    columns: tuple[str, ...],
    rows_of: object,
) -> None:
    """Each table starts at A1, its columns in the order a header-less range is read in."""
    ws = wb[sheet]
    assert list(ws.tables) == [table]
    ref = ws.tables[table].ref
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    assert (min_col, min_row) == (1, 1)
    got = [
        list(r) for r in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)
    ]
    assert tuple(_header_key(h) for h in got[0]) == columns
    exp = rows_of(guide)  # type: ignore[operator]
    assert got[1:] == exp[1:]


def test_bands_formats_show_bonus_as_percent_and_money_as_money(wb: Workbook) -> None:
    """Bonus rows of Bands are percents, the others dollars."""
    ws = wb["Bands"]
    for row in range(2, ws.max_row + 1):
        comp = ws[f"C{row}"].value
        if comp is None:
            continue
        exp = "0%" if comp == "bonus" else '"$"#,##0'
        assert (ws[f"D{row}"].number_format, ws[f"E{row}"].number_format) == (exp, exp), row


def _table_rows(wb: Workbook, name: str, header: bool) -> list[list[object]]:
    for ws in wb.worksheets:
        if name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
            start = min_row if header else min_row + 1
            return [
                list(r)
                for r in ws.iter_rows(
                    min_row=start,
                    max_row=max_row,
                    min_col=min_col,
                    max_col=max_col,
                    values_only=True,
                )
            ]
    raise AssertionError(f"no table {name}")


@pytest.mark.parametrize("header", [True, False], ids=["Bands[#All]", "Bands-data-body"])
def test_the_functions_read_the_bands_table_as_excel_passes_it(wb: Workbook, header: bool) -> None:
    """BANDPERCENTILE and COMPARATIO give the spec's numbers on the table read back."""
    bands = _table_rows(wb, "Bands", header)
    got = ws_fn.BANDPERCENTILE(240000.0, "San Francisco", "Senior SWE", "base", bands)
    assert got == pytest.approx(100 * (240000 - 185000) / (245000 - 185000))  # 91.67
    ratio = ws_fn.COMPARATIO(240000.0, "San Francisco", "Senior SWE", "base", bands)
    assert ratio == pytest.approx(240000 / 215000)  # 1.1163


@pytest.mark.parametrize("header", [True, False], ids=["Levels[#All]", "Levels-data-body"])
def test_levelmap_reads_the_levels_table(wb: Workbook, header: bool) -> None:
    """LEVELMAP maps Together AI's Senior SWE to Google's L5 on the table read back."""
    levels = _table_rows(wb, "Levels", header)
    assert ws_fn.LEVELMAP("Together AI", "Senior SWE", "Google", levels) == "L5"


def test_xlwings_conf_names_the_udf_module(wb: Workbook) -> None:
    """xlwings.conf: UDF Modules = xlcomp.udfs in A1:B1, and A2 empty (xlwings stops there)."""
    ws = wb["xlwings.conf"]
    assert (ws["A1"].value, ws["B1"].value, ws["A2"].value) == ("UDF Modules", "xlcomp.udfs", None)


def test_offer_holds_the_guides_scenario(wb: Workbook, guide: GuideData) -> None:
    """The Offer sheet's named inputs carry the guide's scenario."""
    s = guide.scenario
    exp = {
        "offer_region": s.region,
        "offer_level": s.level,
        "offer_company": s.company,
        "offer_base": s.offer_base,
        "offer_equity": s.offer_equity,
        "offer_bonus_pct": s.offer_bonus_pct,
        "offer_signon": s.offer_signon,
        "private_competing_tc": s.competing_tc,
        "private_floor": s.floor,
        "private_competing_company": s.competing_company,
    }
    got = {name: _named_cell(wb, name).value for name in exp}
    assert got == exp


def _named_cell(wb: Workbook, name: str) -> Cell:
    sheet, coord = _destination(wb, name)[0]
    cell: Cell = wb[sheet][coord.split(":")[0]]
    return cell


def _destination(wb: Workbook, name: str) -> list[tuple[str, str]]:
    return [(s, c.replace("$", "")) for s, c in wb.defined_names[name].destinations]


@pytest.mark.parametrize(
    ("cell", "fmt"),
    [
        ("offer_base", '"$"#,##0'),
        ("offer_equity", '"$"#,##0'),
        ("offer_bonus_pct", "0%"),
        ("offer_signon", '"$"#,##0'),
        ("offer_tc", '"$"#,##0'),
        ("private_floor", '"$"#,##0'),
        ("private_uplift", "0%"),
        ("private_split_bonus_pct", "0.0%"),  # half points show: 14.5%
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith(('"', "0")) else "",
)
def test_offer_number_formats(wb: Workbook, cell: str, fmt: str) -> None:
    """Money cells show dollars, rates percents."""
    assert _named_cell(wb, cell).number_format == fmt


@pytest.mark.parametrize(
    ("name", "style"),
    [
        ("offer_region", "Input"),
        ("offer_base", "Input"),
        ("offer_tc", "Output"),
        ("private_competing_tc", "Private input"),
        ("private_floor", "Private input"),
        ("private_counter_target", "Private output"),
        ("private_script", "Private output"),
    ],
    ids=lambda v: v if isinstance(v, str) and "_" in v else "",
)
def test_inputs_and_outputs_are_styled_as_such(wb: Workbook, name: str, style: str) -> None:
    """Inputs wear Excel's Input style, results Output; private ones the Private styles."""
    assert _named_cell(wb, name).style == style


def test_region_and_level_drop_downs_are_fed_by_the_tables(wb: Workbook) -> None:
    """Region and level are list validations of names over the tables' distinct values."""
    ws = wb["Offer"]
    lists = {
        str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"
    }
    region = _destination(wb, "offer_region")[0][1]
    level = _destination(wb, "offer_level")[0][1]
    assert lists[region] == "list_regions"
    assert lists[level] == "list_levels"
    assert "Bands!$J$2" in wb.defined_names["list_regions"].attr_text
    formula = wb["Bands"]["J2"].value
    assert isinstance(formula, ArrayFormula) and "Bands[Region]" in formula.text


def test_bonus_input_refuses_whole_percents(wb: Workbook) -> None:
    """The bonus cell only takes a rate from 0 to 1 (15 is refused, 15% is fine)."""
    ws = wb["Offer"]
    bonus = _destination(wb, "offer_bonus_pct")[0][1]
    dvs = [dv for dv in ws.data_validations.dataValidation if bonus in str(dv.sqref)]
    assert [(dv.type, dv.operator, dv.formula1, dv.formula2) for dv in dvs] == [
        ("decimal", "between", "0", "1")
    ]


@pytest.mark.parametrize(
    ("cell", "function", "extent"),
    [
        ("Offer!C17", "BANDLOOKUP", (4, 3)),
        ("Offer!F17", "BANDPERCENTILE", (4, 1)),
        ("Offer!G17", "COMPARATIO", (4, 1)),
        ("Offer!B42", "VESTSCHEDULE", (1, 4)),
        ("Offer!B43", "YEARTC", (1, 4)),
        ("Offer!B47", "COUNTERTARGET", (3, 1)),
        ("Offer!G47", "COUNTERSPLIT", (4, 1)),
        ("Offer!B59", "LEVELMAP", (6, 1)),
        ("Compare!B19", "YEARTC", (4, 1)),
        ("Checks!A6", "CHECKBANDS", (20, 1)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_spilling_calls_are_array_formulas_over_their_extent(
    wb: Workbook, cell: str, function: str, extent: tuple[int, int]
) -> None:
    """Each multi-value call is one array formula whose declared range fits its results."""
    sheet, coord = cell.split("!")
    value = wb[sheet][coord].value
    assert isinstance(value, ArrayFormula), f"{cell} is not an array formula"
    assert f"{function}(" in value.text
    min_col, min_row, max_col, max_row = range_boundaries(value.ref)
    assert (max_row - min_row + 1, max_col - min_col + 1) == extent


def test_one_chart_of_the_offer_against_the_band(wb: Workbook) -> None:
    """The Offer sheet has a column chart: band min, offer and band max per component."""
    charts = wb["Offer"]._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart"
    titles = [wb["Offer"][s.tx.strRef.f.split("!")[1]].value for s in chart.series]
    assert titles == ["Band min", "Your offer", "Band max"]
    cat = chart.series[0].cat
    cats = (cat.numRef or cat.strRef).f.split("!")[1].replace("$", "")
    labels = [c.value for row in wb["Offer"][cats] for c in row]
    assert labels == ["Base", "Equity", "Bonus (at your base)", "Total comp"]


def test_sheets_look_finished(wb: Workbook) -> None:
    """Every sheet has set widths and a print setup; data sheets freeze their header."""
    for ws in wb.worksheets:
        assert any(d.width for d in ws.column_dimensions.values()), ws.title
        assert ws.print_area, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 1, ws.title
    for title, pane in [("Bands", "A2"), ("Levels", "A2"), ("Offer", "A4"), ("Compare", "B5")]:
        assert wb[title].freeze_panes == pane
    assert "Sheet" not in wb.sheetnames  # no stray default sheet


# --- every formula names real functions and real ranges ---------------------------------


def _formulas(wb: Workbook) -> Iterator[tuple[str, str, str]]:
    """(where, sheet of the formula, formula text) of every formula of the workbook."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, ArrayFormula):
                    yield f"{ws.title}!{cell.coordinate}", ws.title, v.text or ""
                elif isinstance(v, str) and v.startswith("="):
                    yield f"{ws.title}!{cell.coordinate}", ws.title, v
        for dv in ws.data_validations.dataValidation:
            for f in (dv.formula1, dv.formula2):
                if f:
                    yield f"{ws.title} validation {dv.sqref}", ws.title, "=" + f
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                for f in rule.formula:
                    yield f"{ws.title} format {cf.sqref}", ws.title, "=" + f
    for name, dn in wb.defined_names.items():
        yield f"name {name}", "", "=" + (dn.attr_text or "")


def _tokens(text: str) -> list[tuple[str, str, str]]:
    return [(t.value, t.type, t.subtype) for t in Tokenizer(text).items]


_STRUCT = re.compile(r"^([A-Za-z_][\w.]*)\[(.*)\]$")
_KEYWORDS = {"#all", "#data", "#headers", "#totals", "#this row"}


def _array_cells(wb: Workbook) -> set[tuple[str, str]]:
    out = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula):
                    c1, r1, c2, r2 = range_boundaries(cell.value.ref)
                    out |= {
                        (ws.title, f"{get_column_letter(c)}{r}")
                        for r in range(r1, r2 + 1)
                        for c in range(c1, c2 + 1)
                    }
    return out


def _range_cells(ref: str) -> list[str]:
    c1, r1, c2, r2 = range_boundaries(ref)
    return [f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _reference_problem(
    wb: Workbook, sheet: str, operand: str, filled: set[tuple[str, str]]
) -> str | None:
    tables = {t.displayName.casefold(): (ws, t) for ws in wb.worksheets for t in ws.tables.values()}
    m = _STRUCT.match(operand)
    if m:
        found = tables.get(m.group(1).casefold())
        if found is None:
            return f"no table {m.group(1)}"
        columns = {c.name.casefold() for c in found[1].tableColumns}
        for item in re.findall(r"\[([^\[\]]+)\]", "[" + m.group(2) + "]"):
            if item.casefold() not in columns | _KEYWORDS:
                return f"table {m.group(1)} has no column or keyword {item!r}"
        return None
    if "!" in operand:
        sheet, ref = operand.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        if sheet not in wb.sheetnames:
            return f"no sheet {sheet!r}"
    else:
        ref = operand
    ref = ref.replace("$", "")
    if re.fullmatch(r"[A-Z]{1,3}\d+(:[A-Z]{1,3}\d+)?", ref):
        ws = wb[sheet]
        cells = _range_cells(ref)
        if not any(ws[c].value is not None or (sheet, c) in filled for c in cells):
            return f"{sheet}!{ref} is empty"
        return None
    if operand in wb.defined_names:
        return None
    return f"{operand!r} is neither a cell, a range, a table nor a defined name"


def test_every_formula_names_a_function_that_exists(wb: Workbook) -> None:
    """Each function called is one of ours (xlcomp.udfs) or one of Excel's."""
    known = set(udfs.__all__) | set(FORMULAE)
    bad = []
    for where, _, text in _formulas(wb):
        for value, kind, subtype in _tokens(text):
            if kind == "FUNC" and subtype == "OPEN":
                name = value[:-1].upper().removeprefix("_XLFN.")
                if name not in known:
                    bad.append(f"{where}: {name}")
    assert not bad


def test_every_range_a_formula_names_exists_and_holds_something(wb: Workbook) -> None:
    """Every cell, range, table reference and defined name a formula uses exists."""
    filled = _array_cells(wb)
    bad = []
    count = 0
    for where, sheet, text in _formulas(wb):
        for value, kind, subtype in _tokens(text):
            if kind == "OPERAND" and subtype == "RANGE":
                count += 1
                problem = _reference_problem(wb, sheet or "Offer", value, filled)
                if problem:
                    bad.append(f"{where}: {problem}")
    assert count > 100
    assert not bad


def test_the_template_calls_the_functions_the_issue_lists(wb: Workbook) -> None:
    """The template calls the functions the issue lists (and shows all 14 on the Guide)."""
    called = {
        value[:-1].upper()
        for _, _, text in _formulas(wb)
        for value, kind, subtype in _tokens(text)
        if kind == "FUNC" and subtype == "OPEN"
    }
    exp = {
        "TOTALCOMP",
        "YEARTC",
        "BANDPERCENTILE",
        "COMPARATIO",
        "LEVELMAP",
        "COUNTERTARGET",
        "COUNTERSPLIT",
        "OFFERVERDICT",
        "COUNTERSCRIPT",
        "CHECKBANDS",
        "EQUITYVALUE",
        "VESTSCHEDULE",
        "BANDLOOKUP",
    }
    assert exp <= called
    guide_names = {c.value for c in wb["Guide"]["A"] if c.value in udfs.__all__}
    assert guide_names == set(udfs.__all__)


# --- private cells ------------------------------------------------------------------------


def _private_named_cells(wb: Workbook) -> set[tuple[str, str]]:
    out = set()
    for name, dn in wb.defined_names.items():
        if "private" in name.casefold():
            for sheet, ref in dn.destinations:
                out |= {(sheet, c) for c in _range_cells(ref.replace("$", ""))}
    return out


def _private_styled_cells(wb: Workbook) -> set[tuple[str, str]]:
    return {
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.style in PRIVATE_STYLES
    }


def test_private_names_and_private_styles_mark_the_same_cells(wb: Workbook) -> None:
    """Every cell a private_* name covers wears a Private style, and the other way round."""
    named, styled = _private_named_cells(wb), _private_styled_cells(wb)
    assert named == styled
    unions = [
        n
        for n, dn in wb.defined_names.items()
        if "," in (dn.attr_text or "") and "OFFSET" not in (dn.attr_text or "")
    ]
    assert not unions  # one range per name: what share and refresh read
    assert ("Offer", "G5") in named and ("Offer", "G7") in named  # competing TC, floor


def _dependents(wb: Workbook) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """Cell -> the cells it reads (names and ranges expanded; tables are not private)."""
    names = {
        name: {(s, c) for s, ref in dn.destinations for c in _range_cells(ref.replace("$", ""))}
        for name, dn in wb.defined_names.items()
        if "OFFSET" not in (dn.attr_text or "")
    }
    deps: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                text = v.text if isinstance(v, ArrayFormula) else v
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                reads: set[tuple[str, str]] = set()
                for value, kind, subtype in _tokens(text):
                    if kind != "OPERAND" or subtype != "RANGE" or _STRUCT.match(value):
                        continue
                    if value in names:
                        reads |= names[value]
                        continue
                    sheet, ref = value.rsplit("!", 1) if "!" in value else (ws.title, value)
                    sheet = sheet.strip("'")
                    reads |= {(sheet, c) for c in _range_cells(ref.replace("$", ""))}
                targets = _range_cells(v.ref) if isinstance(v, ArrayFormula) else [cell.coordinate]
                for t in targets:
                    deps[(ws.title, t)] = reads
    return deps


def test_everything_computed_from_a_private_cell_is_private(wb: Workbook) -> None:
    """A formula reading a private cell, directly or through others, is marked private."""
    deps = _dependents(wb)
    private = _private_styled_cells(wb)
    tainted = set(private)
    changed = True
    while changed:
        changed = False
        for cell, reads in deps.items():
            if cell not in tainted and reads & tainted:
                tainted.add(cell)
                changed = True
    leaks = sorted(f"{s}!{c}" for s, c in tainted - private)
    assert not leaks, f"computed from private cells but not marked private: {leaks}"
    # the counter, the split, the verdict and the script all depend on them
    for name in ("private_counter", "private_split", "private_verdict", "private_script"):
        assert _named_cell(wb, name).style == "Private output"


# --- other data ---------------------------------------------------------------------------


def test_build_from_a_users_data_file(tmp_path: Path) -> None:
    """A data file of the package's format with other regions and euros builds its own book."""
    text = (
        builtin_text()
        .replace("San Francisco", "Berlin")
        .replace('currency = "USD"', 'currency = "EUR"')
    )
    path = tmp_path / "berlin.toml"
    path.write_text(text, encoding="utf-8")
    other = load_guide(path)
    wb = load_workbook(io.BytesIO(build_bytes(other)))
    rows = wb["Bands"].iter_rows(min_row=2, max_row=13, max_col=1, values_only=True)
    regions = {r[0] for r in rows}
    assert regions == {"Berlin", "Seattle", "Remote US"}
    assert _named_cell(wb, "offer_region").value == "Berlin"
    assert _named_cell(wb, "offer_base").number_format == '"€"#,##0'
    assert parse_guide(text).meta.currency == "EUR"
