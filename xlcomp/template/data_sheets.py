"""The Bands and Levels sheets: the data as Excel tables, and the drop-down lists.

**Bands** holds the table ``Bands`` at A1, in the column order the functions read a
header-less range in (region, level, component, min, max, company, source, as_of), so
a formula can pass either ``Bands[[#All]]`` (with the header) or ``Bands`` (without).
Bonus rows show their rates as percents, the other rows as money.

Beside it, two computed lists feed the Offer sheet's drop-downs: every distinct region
and level of the table, in table order. Each list cell is the classic distinct-value
array formula ``IFERROR(INDEX(col, MATCH(0, COUNTIF(above, col), 0)), "")``, which
Excel (every version), LibreOffice and the refresh engine all evaluate; the defined
names ``list_regions`` / ``list_levels`` are OFFSET ranges as long as the filled part,
so a region a recruiter adds to the table appears in the drop-down.

**Levels** holds the table ``Levels`` (company, level, rung) and the list of its
companies (``list_companies``).
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.core.tables import BAND_COLUMNS, LEVEL_COLUMNS, band_rows, level_rows
from xlcomp.template import styles
from xlcomp.template.book import Book

BANDS_SHEET = "Bands"
LEVELS_SHEET = "Levels"
TABLE_STYLE = "TableStyleMedium2"

BAND_HEADERS = ("Region", "Level", "Component", "Min", "Max", "Company", "Source", "As of")
LEVEL_HEADERS = ("Company", "Level", "Rung")
LIST_ROWS = 30
"""How many distinct values each drop-down list can hold."""

assert len(BAND_HEADERS) == len(BAND_COLUMNS) and len(LEVEL_HEADERS) == len(LEVEL_COLUMNS)


def _table(ws: Worksheet, name: str, headers: tuple[str, ...], rows: list[list[object]]) -> str:
    for j, header in enumerate(headers, 1):
        cell = ws.cell(row=1, column=j, value=header)
        cell.style = styles.HEADER
        numeric = header in ("Min", "Max")
        styles.restyle(cell, alignment=dict(horizontal="right" if numeric else "left"))
    for i, row in enumerate(rows, 2):
        for j, value in enumerate(row, 1):
            ws.cell(row=i, column=j, value=value)
    ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(
        name=TABLE_STYLE, showRowStripes=True, showColumnStripes=False
    )
    ws.add_table(table)
    return ref


def _distinct_list(
    book: Book, ws: Worksheet, column: str, header: str, source: str, name: str
) -> None:
    """A column of the distinct values of ``source`` (a table column) and its name."""
    styles.put(ws, f"{column}1", header, styles.HEADER)
    for r in range(2, LIST_ROWS + 2):
        coord = f"{column}{r}"
        ws[coord] = ArrayFormula(
            coord,
            f'=IFERROR(INDEX({source},MATCH(0,COUNTIF({column}$1:{column}{r - 1},{source}),0)),"")',
        )
        ws[coord].style = styles.OUTPUT
        styles.restyle(ws[coord], font=dict(bold=False))
    first, last = f"${column}$2", f"${column}${LIST_ROWS + 1}"
    sheet = ws.title
    book.formula_name(
        name,
        f'OFFSET({sheet}!{first},0,0,MAX(1,COUNTIF({sheet}!{first}:{last},"?*")),1)',
    )


def write_bands(book: Book) -> Worksheet:
    """The Bands sheet: the ``Bands`` table and the region and level lists."""
    ws = book.wb.create_sheet(BANDS_SHEET)
    rows = band_rows(book.guide.bands)[1:]
    _table(ws, "Bands", BAND_HEADERS, rows)
    for i, row in enumerate(rows, 2):
        fmt = styles.PERCENT if row[2] == "bonus" else book.money
        ws[f"D{i}"].number_format = fmt
        ws[f"E{i}"].number_format = fmt
        ws[f"F{i}"].alignment = Alignment(indent=2)
    # the header too, so "Max" and "Company" do not run together
    ws["F1"].alignment = Alignment(horizontal="left", indent=2)
    styles.widths(
        ws,
        {
            "A": 16,
            "B": 14,
            "C": 13,
            "D": 12,
            "E": 12,
            "F": 17,
            "G": 52,
            "H": 11,
            "I": 3,
            "J": 16,
            "K": 14,
            "L": 3,
            "M": 40,
        },
    )
    ws.freeze_panes = "A2"
    _distinct_list(book, ws, "J", "Regions", "Bands[Region]", "list_regions")
    _distinct_list(book, ws, "K", "Levels", "Bands[Level]", "list_levels")
    note = (
        "Regions and Levels list every region and level of the table for the Offer "
        "sheet's drop-downs. They are computed: add rows to the table, not here. Bonus "
        "bands are rates (10% = 0.10); tc rows are published total-comp ranges, which "
        "the Checks sheet compares with the range the components add up to."
    )
    styles.put(ws, "M1", "About this sheet", styles.HEADING_4)
    styles.put(ws, "M2", note, styles.NOTE)
    ws.merge_cells("M2:M8")
    # The page holds the table, the lists and the note that explains them.
    styles.print_setup(ws, landscape=True, area=f"A1:M{max(len(rows) + 1, 8)}", fit_height=1)
    return ws


def write_levels(book: Book) -> Worksheet:
    """The Levels sheet: the ``Levels`` table and the company list."""
    ws = book.wb.create_sheet(LEVELS_SHEET)
    rows = level_rows(book.guide.levels)[1:]
    _table(ws, "Levels", LEVEL_HEADERS, rows)
    styles.widths(ws, {"A": 18, "B": 16, "C": 12, "D": 3, "E": 18, "F": 3, "G": 40})
    ws.freeze_panes = "A2"
    _distinct_list(book, ws, "E", "Companies", "Levels[Company]", "list_companies")
    note = (
        "Levels of different companies on one rung are equivalent: LEVELMAP finds the "
        "level at another company on the rung of yours. Companies lists the table's "
        "companies for the Offer sheet's drop-downs; it is computed."
    )
    styles.put(ws, "G1", "About this sheet", styles.HEADING_4)
    styles.put(ws, "G2", note, styles.NOTE)
    ws.merge_cells("G2:G7")
    styles.print_setup(ws, area=f"A1:C{len(rows) + 1}", fit_height=1)
    return ws
