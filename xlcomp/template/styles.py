"""Cell styles, number formats and small layout helpers of the template.

The template uses Excel's own cell styles where Excel has one (``Input``, ``Output``,
``Title``, ``Heading 1`` … ``Heading 4``, ``Explanatory Text``: the builtin ids tell
Excel which they are, so Home ▸ Cell Styles lists them as the ones it knows), plus two
of ours that mark private cells for ``xlcomp share``:

* ``Private input`` — a value only the candidate knows (competing offer, floor);
* ``Private output`` — a result that would reveal one (counter target, script).

Every style is named, so a tool can find a cell's role from its style name alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

INPUT = "Input"
OUTPUT = "Output"
PRIVATE_INPUT = "Private input"
PRIVATE_OUTPUT = "Private output"
TITLE = "Title"
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"
HEADING_3 = "Heading 3"
HEADING_4 = "Heading 4"
NOTE = "Explanatory Text"
HEADER = "Column header"

PRIVATE_STYLES = (PRIVATE_INPUT, PRIVATE_OUTPUT)

# Colours (RGB): Excel's Input/Output palette, and a lavender for private cells.
INPUT_FILL = "FFCC99"
INPUT_FONT = "3F3F76"
OUTPUT_FILL = "F2F2F2"
OUTPUT_FONT = "3F3F3F"
PRIVATE_FILL = "E4DFEC"
PRIVATE_FONT = "5B2C6F"
HEADER_FILL = "DCE6F1"
TITLE_FONT = "1F3864"
ACCENT = "4F81BD"
NOTE_FONT = "7F7F7F"
WHITE = "FFFFFF"

FONT = "Calibri"

# Number formats.
PERCENT = "0%"
PERCENT_1 = "0.0%"
PERCENTILE = "0.0"
RATIO = "0.00"
COUNT = "#,##0"
YEAR = '"Year "0'

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "$", "AUD": "$"}


def money_format(currency: str) -> str:
    """A whole-money format for ``currency``: ``"$"#,##0`` for USD, ``#,##0 "CHF"`` else."""
    symbol = _SYMBOLS.get(currency.upper())
    if symbol:
        return f'"{symbol}"#,##0'
    return f'#,##0 "{currency.upper()}"'


def price_format(currency: str) -> str:
    """A money format with cents, for share prices."""
    symbol = _SYMBOLS.get(currency.upper())
    if symbol:
        return f'"{symbol}"#,##0.00'
    return f'#,##0.00 "{currency.upper()}"'


def signed_money_format(currency: str) -> str:
    """Money with an explicit sign and a dash for zero: +$5,000 / -$5,000 / –."""
    plain = money_format(currency)
    return f'+{plain};-{plain};"–"'


def _thin(color: str) -> Border:
    side = Side(style="thin", color=color)
    return Border(left=side, right=side, top=side, bottom=side)


def _named_styles() -> list[NamedStyle]:
    return [
        NamedStyle(
            name=INPUT,
            builtinId=20,
            font=Font(name=FONT, size=11, color=INPUT_FONT),
            fill=PatternFill("solid", fgColor=INPUT_FILL),
            border=_thin("7F7F7F"),
        ),
        NamedStyle(
            name=OUTPUT,
            builtinId=21,
            font=Font(name=FONT, size=11, bold=True, color=OUTPUT_FONT),
            fill=PatternFill("solid", fgColor=OUTPUT_FILL),
            border=_thin("BFBFBF"),
        ),
        NamedStyle(
            name=PRIVATE_INPUT,
            font=Font(name=FONT, size=11, color=PRIVATE_FONT),
            fill=PatternFill("solid", fgColor=PRIVATE_FILL),
            border=_thin("8064A2"),
        ),
        NamedStyle(
            name=PRIVATE_OUTPUT,
            font=Font(name=FONT, size=11, bold=True, color=PRIVATE_FONT),
            fill=PatternFill("solid", fgColor="F3F0F7"),
            border=_thin("B3A2C7"),
        ),
        NamedStyle(
            name=TITLE,
            builtinId=15,
            font=Font(name=FONT, size=18, bold=True, color=TITLE_FONT),
        ),
        NamedStyle(
            name=HEADING_1,
            builtinId=16,
            font=Font(name=FONT, size=15, bold=True, color=TITLE_FONT),
            border=Border(bottom=Side(style="thick", color=ACCENT)),
        ),
        NamedStyle(
            name=HEADING_2,
            builtinId=17,
            font=Font(name=FONT, size=13, bold=True, color=TITLE_FONT),
            border=Border(bottom=Side(style="medium", color="A7BFDE")),
        ),
        NamedStyle(
            name=HEADING_3,
            builtinId=18,
            font=Font(name=FONT, size=11, bold=True, color=TITLE_FONT),
            border=Border(bottom=Side(style="thin", color="95B3D7")),
        ),
        NamedStyle(
            name=HEADING_4,
            builtinId=19,
            font=Font(name=FONT, size=11, bold=True, color=TITLE_FONT),
        ),
        NamedStyle(
            name=NOTE,
            builtinId=53,
            font=Font(name=FONT, size=10, italic=True, color=NOTE_FONT),
            alignment=Alignment(wrap_text=True, vertical="top"),
        ),
        NamedStyle(
            name=HEADER,
            font=Font(name=FONT, size=11, bold=True, color=TITLE_FONT),
            fill=PatternFill("solid", fgColor=HEADER_FILL),
            border=Border(bottom=Side(style="thin", color="95B3D7")),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
    ]


def look_alike(cell: Cell, style: str) -> Cell:
    """Give ``cell`` the look of the named ``style`` without the style itself.

    The Guide's colour legend shows what private cells look like; wearing the Private
    styles itself would mark its own labels private.
    """
    named = next(s for s in _named_styles() if s.name == style)
    cell.font, cell.fill, cell.border = copy(named.font), copy(named.fill), copy(named.border)
    return cell


def register_styles(wb: Workbook) -> None:
    """Add the template's named styles to ``wb`` (once, in a fixed order)."""
    for style in _named_styles():
        wb.add_named_style(style)


def put(
    ws: Worksheet,
    coord: str,
    value: object,
    style: str | None = None,
    fmt: str | None = None,
    *,
    wrap: bool = False,
    align: str | None = None,
    bold: bool = False,
) -> Cell:
    """Write ``value`` to ``coord`` with a named style, a number format and alignment."""
    cell: Cell = ws[coord]
    cell.value = value
    if style:
        cell.style = style
    if fmt:
        cell.number_format = fmt
    if wrap or align:
        base = cell.alignment
        cell.alignment = Alignment(
            horizontal=align or base.horizontal,
            vertical="top" if wrap else base.vertical,
            wrap_text=wrap or base.wrap_text,
        )
    if bold:
        cell.font = Font(name=FONT, size=cell.font.size or 11, bold=True, color=cell.font.color)
    return cell


def restyle(
    cell: Cell, *, font: dict[str, object] | None = None, alignment: dict[str, object] | None = None
) -> Cell:
    """Change some attributes of a cell's font or alignment, keeping the others."""
    if font:
        new_font = copy(cell.font)
        for name, value in font.items():
            setattr(new_font, name, value)
        cell.font = new_font
    if alignment:
        new_alignment = copy(cell.alignment)
        for name, value in alignment.items():
            setattr(new_alignment, name, value)
        cell.alignment = new_alignment
    return cell


def widths(ws: Worksheet, columns: Mapping[str, float]) -> None:
    """Set column widths (in characters of the default font)."""
    for letter, width in columns.items():
        ws.column_dimensions[letter].width = width


def lines_needed(text: str, width_chars: float) -> int:
    """How many lines ``text`` wraps to in a column ``width_chars`` wide (an estimate)."""
    usable = max(width_chars * 1.15 - 1, 8)  # text averages ~0.85 of a "0"
    total = 0
    for paragraph in text.split("\n"):
        words = paragraph.split()
        line, count = 0.0, 1
        for word in words:
            need = len(word) + (1 if line else 0)
            if line + need > usable and line:
                count += 1
                line = len(word)
            else:
                line += need
        total += count
    return max(total, 1)


def fit_row(ws: Worksheet, row: int, texts: Iterable[tuple[str, float]], size: float = 11) -> None:
    """Make ``row`` tall enough for wrapped ``texts`` (each with its column width)."""
    lines = max((lines_needed(t, w) for t, w in texts), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = math.ceil(lines * size * 1.25 + 3)


def no_gridlines(ws: Worksheet) -> None:
    """Hide the grid on screen (the print grid is off by default)."""
    ws.sheet_view.showGridLines = False


def print_setup(
    ws: Worksheet,
    *,
    landscape: bool = False,
    fit_height: int = 0,
    area: str | None = None,
    title_rows: str | None = None,
) -> None:
    """One page wide, ``fit_height`` pages tall (0 = as many as needed), with a footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8
    if area:
        ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
