"""The Guide sheet: what the workbook is, how to turn the functions on, and the data's
levers, premiums and sources.

The function list is read from the catalogue (:mod:`xlcomp.worksheet.catalogue`: each
function's signature, optional arguments in brackets, and its Function Wizard text), the
one place the functions are declared, so the sheet cannot drift from them.
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.template import layout, styles
from xlcomp.template.book import Book
from xlcomp.worksheet.catalogue import BY_NAME, NAMES

SHEET = "Guide"
WIDTHS = {"A": 28, "B": 58, "C": 58}
SHARE_NOTE_PLACEHOLDER = "A copy made by xlcomp share says here what it removed, and when."
SHARE_NOTE_LINES = 4
"""Lines of text the cell kept for xlcomp share's note (``share_note``) has room for."""

SHEETS = [
    ("Guide", "This page: how the workbook works and where its numbers come from."),
    (
        "Bands",
        "The regional pay bands as the table Bands: one row per region, level and "
        "component (base, equity per year, bonus rate, published total comp).",
    ),
    ("Levels", "The level mapping as the table Levels: levels on one rung are equivalent."),
    (
        "Offer",
        "Your offer: where each part sits in its band, total comp year by year, the "
        "counter-offer, what to say, and your level at other companies.",
    ),
    (
        "Compare",
        "This offer, two competing offers and your current job side by side, with "
        "pre-IPO equity discounted for risk.",
    ),
    ("Checks", "Every problem of the Bands table (CHECKBANDS)."),
    ("xlwings.conf", "Tells the xlwings add-in where the functions live (UDF Modules)."),
]

ENABLE = [
    (
        "Excel for Windows with Python",
        "pip install xlcomp, then xlwings addin install. Open this workbook and click "
        "Import Functions on the xlwings tab: the xlwings.conf sheet already names the "
        "module (xlcomp.udfs). Save as .xlsm to keep the imported functions.",
    ),
    (
        "Excel anywhere, no Python (xlwings Lite)",
        "Build a copy with xlcomp build --lite: it carries the functions inside the "
        "workbook. Add the free xlwings Lite add-in (Home > Add-ins) and open the copy in "
        "Excel for Windows, Mac or the web.",
    ),
    (
        "No Excel (LibreOffice, servers)",
        "xlcomp refresh negotiation.xlsx computes every formula without Excel and stores "
        "the results in the file, so any spreadsheet program shows the numbers. Until then "
        "the grey cells show #NAME? outside Excel.",
    ),
]

COLOURS = [
    (styles.INPUT, "Input: yours to change."),
    (styles.OUTPUT, "Output: computed by a formula; leave it."),
    (
        styles.PRIVATE_INPUT,
        "Private input: known only to you (competing offers, your floor). "
        "xlcomp share removes it before a copy leaves your hands.",
    ),
    (
        styles.PRIVATE_OUTPUT,
        "Private output: computed from private inputs (the counter, the "
        "script); removed by xlcomp share too.",
    ),
]


def signature(name: str) -> str:
    """``TOTALCOMP(base, equity, bonus_pct, [signon], [signon_years])``."""
    return BY_NAME[name].signature


def wizard_text(name: str) -> str:
    """The function's Function Wizard text (its one-line summary)."""
    return BY_NAME[name].summary


class _Writer:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    def heading(self, text: str) -> None:
        self.skip()
        layout.heading(self.ws, self.row, text, "A", "C")
        self.row += 1

    def paragraph(self, text: str) -> None:
        cell = styles.put(self.ws, f"A{self.row}", text, wrap=True)
        styles.restyle(cell, alignment=dict(vertical="top"))
        self.ws.merge_cells(f"A{self.row}:C{self.row}")
        styles.fit_row(self.ws, self.row, [(text, sum(WIDTHS.values()))])
        self.row += 1

    def pairs(self, rows: list[tuple[str, str]], merge: bool = True) -> None:
        for label, text in rows:
            styles.put(self.ws, f"A{self.row}", label, wrap=True, bold=True)
            styles.put(self.ws, f"B{self.row}", text, wrap=True)
            width = WIDTHS["B"] + (WIDTHS["C"] if merge else 0)
            if merge:
                self.ws.merge_cells(f"B{self.row}:C{self.row}")
            styles.fit_row(self.ws, self.row, [(text, width), (label, WIDTHS["A"])])
            self.row += 1

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        layout.header_row(self.ws, self.row, "A", list(header))
        for col in "ABC":
            cell = self.ws[f"{col}{self.row}"]
            styles.restyle(cell, alignment=dict(horizontal="left"))
        self.row += 1
        for values in rows:
            for col, value in zip("ABC", values, strict=False):
                styles.put(self.ws, f"{col}{self.row}", value, wrap=True)
            styles.fit_row(
                self.ws, self.row, [(v, WIDTHS[c]) for c, v in zip("ABC", values, strict=False)]
            )
            self.row += 1


def write_guide(book: Book) -> Worksheet:
    """The Guide sheet (the first sheet; the workbook opens on it)."""
    ws = book.wb.active
    assert ws is not None
    ws.title = SHEET
    styles.widths(ws, WIDTHS)
    styles.no_gridlines(ws)
    meta = book.guide.meta
    w = _Writer(ws)
    styles.put(ws, "A1", "Offer negotiation workbook", styles.TITLE)
    ws.row_dimensions[1].height = 28
    styles.put(ws, "A2", meta.title, styles.HEADING_4)
    ws.merge_cells("A2:C2")
    w.row = 3
    if meta.summary:
        layout.note(ws, 3, meta.summary, "A", "C", widths=WIDTHS)
        w.row = 4

    w.heading("What this workbook does")
    w.paragraph(
        "Put an offer on the Offer sheet and see where each part of it sits in the "
        "regional pay band, what it pays year by year, what to counter with and what to "
        "say. Compare weighs it against your other offers and your current job. Bands and "
        "Levels hold the market data, which recruiters keep up to date; Checks tests the "
        "bands. Every grey cell is a formula calling one of the xlcomp functions below."
    )

    w.heading("The sheets")
    start = w.row
    w.pairs(SHEETS)
    for i, (name, _) in enumerate(SHEETS):
        cell = ws[f"A{start + i}"]
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
        cell.font = Font(name=styles.FONT, size=11, bold=True, color="0563C1", underline="single")

    w.heading("Turn on the functions")
    w.pairs(ENABLE)

    w.heading("Cell colours")
    for style, text in COLOURS:
        if style in styles.PRIVATE_STYLES:
            styles.look_alike(styles.put(ws, f"A{w.row}", style), style)
        else:
            styles.put(ws, f"A{w.row}", style, style)
        styles.put(ws, f"B{w.row}", text, wrap=True)
        ws.merge_cells(f"B{w.row}:C{w.row}")
        styles.fit_row(ws, w.row, [(text, WIDTHS["B"] + WIDTHS["C"])])
        w.row += 1

    w.heading("The functions")
    w.table(
        ["Function", "Arguments ([optional])", "Returns"],
        [[name, signature(name), wizard_text(name)] for name in NAMES],
    )

    if book.guide.levers:
        w.heading("Levers to argue with")
        w.pairs([(lever.name, lever.text) for lever in book.guide.levers])
    if book.guide.premiums:
        w.heading("Premiums the guide argues for")
        w.table(
            ["Premium", "Range", "Why"],
            [[p.name, f"{p.low:.0%}–{p.high:.0%}", p.note] for p in book.guide.premiums],
        )
    if book.guide.sources:
        w.heading("Sources")
        w.table(
            ["Source", "Claim", "Date"],
            [[s.source, s.claim, s.date] for s in book.guide.sources],
        )
    w.skip()
    as_of = f", as of {meta.as_of}" if meta.as_of else ""
    layout.note(
        ws,
        w.row,
        f"Data: {meta.title}{as_of}. Built by xlcomp build; rebuild it with your own data "
        "with xlcomp build --data FILE.",
        "A",
        "C",
        widths=WIDTHS,
    )
    # A wrapped cell on the page for the note xlcomp share writes (share_note).
    note_row = w.row + 2
    styles.put(ws, f"A{note_row}", SHARE_NOTE_PLACEHOLDER, styles.NOTE)
    ws.merge_cells(f"A{note_row}:C{note_row}")
    ws.row_dimensions[note_row].height = 15 * SHARE_NOTE_LINES
    book.name("share_note", ws.title, f"A{note_row}")
    styles.print_setup(ws, area=f"A1:C{note_row}", fit_height=1)
    return ws
