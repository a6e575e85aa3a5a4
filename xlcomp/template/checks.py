"""The Checks sheet and the xlwings.conf sheet.

**Checks** is one ``CHECKBANDS(Bands[[#All]])`` array formula over a declared column
of :data:`PROBLEM_ROWS` cells. An array formula fills its whole range: Excel pads the
cells past the last problem with ``#N/A`` and repeats a single answer (``OK``, or a
lone problem) down the range; a conditional format hides both, so the sheet shows each
problem once. The count above it is ``COUNTA`` of the same call. Each problem row is two
lines tall (a message is rarely longer), as spreadsheets do not fit rows to wrapped text
when they open a file.

**xlwings.conf** is the sheet the xlwings add-in reads its workbook settings from:
keys in column A from A1 down, values in column B. ``UDF Modules = xlcomp.udfs`` lets
Import Functions find the functions.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.template import layout, styles
from xlcomp.template.book import BANDS, Book

SHEET = "Checks"
CONF_SHEET = "xlwings.conf"
UDF_MODULES = "xlcomp.udfs"
PROBLEM_ROWS = 20
FIRST = 6


def write_checks(book: Book) -> Worksheet:
    """The Checks sheet."""
    ws = book.wb.create_sheet(SHEET)
    widths = {"A": 150}
    styles.widths(ws, widths)
    styles.no_gridlines(ws)
    styles.put(ws, "A1", "Band checks", styles.TITLE)
    ws.row_dimensions[1].height = 28
    layout.note(
        ws,
        2,
        "CHECKBANDS lists every problem of the Bands table: a min above its max, negative "
        "values, bonus bands in whole percents, duplicate rows, a region and level missing "
        "a component, and published tc ranges more than 5% away from what the components "
        "add up to. `xlcomp check` prints the same problems with their cells.",
        "A",
        "A",
        widths=widths,
    )
    styles.put(
        ws,
        "A4",
        f'="Problems found: "&IF(A{FIRST}="OK",0,COUNTA(CHECKBANDS({BANDS})))',
        styles.HEADING_3,
    )
    last = FIRST + PROBLEM_ROWS - 1
    layout.array_formula(ws, f"A{FIRST}:A{last}", f"=CHECKBANDS({BANDS})", styles.OUTPUT)
    for r in range(FIRST, last + 1):
        cell = ws[f"A{r}"]
        cell.font = Font(name=styles.FONT, size=11, color=styles.OUTPUT_FONT)
        cell.fill = PatternFill(fill_type=None)
        cell.border = Border()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 30  # two lines: neither program fits rows on load
    below = f"A{FIRST + 1}:A{last}"
    ws.conditional_formatting.add(
        below,
        FormulaRule(
            formula=[f"IF(ISERROR(A{FIRST + 1}),TRUE,A{FIRST + 1}=A{FIRST})"],
            font=Font(color=styles.WHITE),
            stopIfTrue=True,
        ),
    )
    layout.note(
        ws,
        last + 2,
        f"The list shows up to {PROBLEM_ROWS} problems; the count above and "
        "`xlcomp check` give them all.",
        "A",
        "A",
    )
    styles.print_setup(ws, landscape=True, area=f"A1:A{last + 2}", fit_height=1)
    return ws


def write_conf(book: Book) -> Worksheet:
    """The xlwings.conf sheet: ``UDF Modules`` = ``xlcomp.udfs``."""
    ws = book.wb.create_sheet(CONF_SHEET)
    ws["A1"] = "UDF Modules"
    ws["B1"] = UDF_MODULES
    styles.widths(ws, {"A": 16, "B": 16, "C": 3, "D": 80})
    styles.put(ws, "D1", "Settings of the xlwings add-in", styles.HEADING_4)
    layout.note(
        ws,
        2,
        "xlwings reads its settings for this workbook from column A (the key) and column "
        "B (the value), from A1 down. UDF Modules names the Python module whose "
        "functions Import Functions (xlwings tab) brings in. Leave A2 empty.",
        "D",
        "D",
        widths={"D": 80},
    )
    ws.sheet_properties.tabColor = "BFBFBF"
    styles.print_setup(ws, area="A1:D2", fit_height=1)
    return ws
