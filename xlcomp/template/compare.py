"""The Compare sheet: this offer, two competing offers and the current job, side by side.

Each column gives base, bonus, sign-on, vesting and the equity grant (shares or
options, price, strike) and a risk discount; the sheet computes with our functions:

* equity per year, plain and risk-adjusted: ``EQUITYVALUE(shares, price, strike,
  years[, risk_discount])`` — the discount prices illiquid pre-IPO equity against
  liquid RSUs (30 % counts $100 of private stock as $70);
* total comp per year (TOTALCOMP), year 1 to 4 (one YEARTC call per column over the
  four years), the 4-year sum, and risk-adjusted total comp per year.

"This offer" links to the Offer sheet: its grant is ``offer_grant`` in $1 units and
its risk discount the Offer sheet's ``offer_risk_discount``. "Competing offer 1" is the
Offer sheet's competing offer: its company is ``private_competing_company`` and its
equity is what its base, bonus and sign-on leave of ``private_competing_tc``, in $1
units, so its total comp per year is the Offer sheet's competing TC whatever base is
typed (never below the cash, when the cash alone is more). Its base, bonus and sign-on
and the other two columns hold example numbers. All three are private:
``private_compare_offer_1_inputs`` / ``…_results`` (likewise ``private_compare_offer_2_*``
and ``private_compare_current_*``) name them. A column whose base is cleared stays
blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.template import layout, styles
from xlcomp.template.book import Book

SHEET = "Compare"
WIDTHS = {"A": 38, "B": 20, "C": 20, "D": 20, "E": 20}
HEADER_ROW = 4
FIRST_YEAR_ROW = 19
COLUMNS = "BCDE"


@dataclass(frozen=True)
class Example:
    """One column's inputs."""

    title: str
    company: str
    base: float
    bonus_pct: float
    signon: float
    shares: float
    price: float
    strike: float
    risk_discount: float
    schedule: str = "25/25/25/25"


def competing_example(tc: float, company: str) -> Example:
    """The example cash of a competing offer of ``tc``: base, 15 % bonus, the rest equity.

    With equity at 32.5 % of base, tc = base × (1.15 + 0.325) = 1.475 × base; the
    guide's $295,000 gives base $200,000 and equity $65,000 a year = 260,000 $1 units
    over four years. On the sheet the units are a formula of the Offer sheet's competing
    TC, so the column follows it; these are the values it starts with.
    """
    base = round(tc / 1.475 / 1000) * 1000
    equity = max(tc - base * 1.15, 0)
    return Example("Competing offer 1", company, base, 0.15, 0, equity * 4, 1.0, 0, 0)


STARTUP = Example("Competing offer 2", "A startup", 212_000, 0.10, 20_000, 60_000, 4.0, 1.0, 0.50)
CURRENT = Example("Current job", "Current employer", 190_000, 0.10, 0, 800, 150.0, 0, 0)

INPUT_ROWS = [
    # label, attribute, row
    ("Company", "company", 5),
    ("Base salary", "base", 6),
    ("Target bonus", "bonus_pct", 7),
    ("Sign-on bonus", "signon", 8),
    ("Vesting (% per year)", "schedule", 9),
    ("Shares, options or $1 units", "shares", 10),
    ("Price per share (409A, preferred or market)", "price", 11),
    ("Strike price (0 for RSUs)", "strike", 12),
    ("Vesting years (from the schedule)", "", 13),
    ("Risk discount (illiquid equity)", "risk_discount", 14),
]


def _formats(book: Book) -> dict[int, str]:
    return {
        6: book.money,
        7: styles.PERCENT,
        8: book.money,
        10: styles.COUNT,
        11: book.price,
        12: book.price,
        13: "0",
        14: styles.PERCENT,
    }


def _results(book: Book, ws: Worksheet, col: str, private: bool) -> None:
    c = col
    style = styles.PRIVATE_OUTPUT if private else styles.OUTPUT
    guard = f'IF({c}$6="","",'
    y1, y4 = FIRST_YEAR_ROW, FIRST_YEAR_ROW + 3
    cells = {
        16: f"={guard}EQUITYVALUE({c}10,{c}11,{c}12,{c}13))",
        17: f"={guard}EQUITYVALUE({c}10,{c}11,{c}12,{c}13,{c}14))",
        18: f"={guard}TOTALCOMP({c}6,{c}16,{c}7,{c}8))",
        23: f"={guard}SUM({c}{y1}:{c}{y4}))",
        24: f"={guard}TOTALCOMP({c}6,{c}17,{c}7,{c}8))",
        25: f"={guard}{c}24-$B$24)",
    }
    for row, formula in cells.items():
        fmt = styles.signed_money_format(book.currency) if row == 25 else book.money
        styles.put(ws, f"{c}{row}", formula, style, fmt)
    layout.array_formula(
        ws,
        f"{c}{y1}:{c}{y4}",
        f"={guard}YEARTC($A{y1}:$A{y4},{c}6,{c}16*{c}13,{c}7,{c}8,{c}9))",
        style,
        [book.money],
    )
    if not private:
        for row in (16, 17, 18, 23, 24, 25, *range(y1, y4 + 1)):
            styles.restyle(ws[f"{c}{row}"], font=dict(bold=row in (23, 24)))


EXIT_MULTIPLE = 3
"""The Compare sheet's exit scenario: each grant at three times its price now."""
PRIVATE_NAMES = {
    "C": "private_compare_offer_1",
    "D": "private_compare_offer_2",
    "E": "private_compare_current",
}


def _refreshers_and_exit(book: Book, ws: Worksheet) -> None:
    """Rows 27–29: an annual refresher per column, the 4-year total with refreshers, and
    the grant's value at the exit scenario (the Offer sheet's dilution and rounds)."""
    y1, y4 = FIRST_YEAR_ROW, FIRST_YEAR_ROW + 3
    styles.put(ws, "A27", "Annual refresher grant")
    styles.put(ws, "A28", "4-year total comp with refreshers", bold=True)
    styles.put(ws, "A29", f"The grant at a {EXIT_MULTIPLE}× exit, diluted")
    for col in COLUMNS:
        private = col != "B"
        guard = f'IF({col}$6="","",'
        if private:
            styles.put(ws, f"{col}27", 0, styles.PRIVATE_INPUT, book.money, align="right")
            book.name(f"{PRIVATE_NAMES[col]}_refresh", SHEET, f"{col}27")
        else:
            styles.put(ws, "B27", "=offer_refresh", styles.OUTPUT, book.money, align="right")
        style = styles.PRIVATE_OUTPUT if private else styles.OUTPUT
        styles.put(
            ws,
            f"{col}28",
            f"={guard}SUM(YEARTC($A{y1}:$A{y4},{col}6,{col}16*{col}13,{col}7,{col}8,{col}9,"
            f"{col}27)))",
            style,
            book.money,
        )
        styles.put(
            ws,
            f"{col}29",
            # the grant as a company of its own shares: price × multiple per share
            f"={guard}EQUITYEXIT({col}10,MAX({col}10,1),MAX({col}10,1)*{col}11*{EXIT_MULTIPLE},"
            f"{col}12,offer_dilution,offer_rounds))",
            style,
            book.money,
        )
        if private:
            book.name(f"{PRIVATE_NAMES[col]}_with_refreshers", SHEET, f"{col}28:{col}29")
        else:
            for row in (27, 29):
                styles.restyle(ws[f"B{row}"], font=dict(bold=False))
    layout.amount_validation(ws, "C27:E27")


def write_compare(book: Book) -> Worksheet:
    """The Compare sheet."""
    ws = book.wb.create_sheet(SHEET)
    styles.widths(ws, WIDTHS)
    styles.no_gridlines(ws)
    styles.put(ws, "A1", '="Compare offers — "&offer_level&", "&offer_region', styles.TITLE)
    ws.row_dimensions[1].height = 28
    layout.note(
        ws,
        2,
        "This offer and the competing offer's company and total comp come from the Offer "
        "sheet (the competing offer's equity is what its base, bonus and sign-on leave of "
        "that total); put your other offers and your current job in the lavender columns "
        "(the numbers there are examples). Risk-adjusted total comp discounts illiquid "
        "pre-IPO equity by the column's risk discount (this offer's is on the Offer sheet).",
        "A",
        "E",
        widths=WIDTHS,
    )
    s = book.guide.scenario
    examples = [
        competing_example(s.competing_tc, s.competing_company or "Competing company"),
        STARTUP,
        CURRENT,
    ]
    layout.header_row(ws, HEADER_ROW, "B", ["This offer"] + [e.title for e in examples])
    fmts = _formats(book)
    for label, _, row in INPUT_ROWS:
        styles.put(ws, f"A{row}", label)
    # This offer: linked to the Offer sheet.
    links = {
        5: '=IF(offer_company="","",offer_company)',
        6: "=offer_base",
        7: "=offer_bonus_pct",
        8: "=offer_signon",
        9: "=offer_schedule",
        10: "=offer_grant",
        11: 1,
        12: 0,
    }
    for row, value in links.items():
        styles.put(ws, f"B{row}", value, styles.OUTPUT, fmts.get(row), align="right")
        styles.restyle(ws[f"B{row}"], font=dict(bold=False))
    styles.put(ws, "B14", "=offer_risk_discount", styles.OUTPUT, styles.PERCENT, align="right")
    styles.restyle(ws["B14"], font=dict(bold=False))
    names = ["private_compare_offer_1", "private_compare_offer_2", "private_compare_current"]
    for col, example, name in zip("CDE", examples, names, strict=True):
        for _, attr, row in INPUT_ROWS:
            if attr:
                styles.put(
                    ws,
                    f"{col}{row}",
                    getattr(example, attr),
                    styles.PRIVATE_INPUT,
                    fmts.get(row),
                    align="right",
                )
        book.name(f"{name}_inputs", SHEET, f"{col}5:{col}14")
        book.name(f"{name}_results", SHEET, f"{col}16:{col}25")
    # Competing offer 1 is the Offer sheet's competing offer: its company, and equity
    # (in $1 units over the vesting years) making its TC the competing TC.
    # Its base starts as the example's share of the competing TC (tc / 1.475, in
    # thousands), so a competing TC typed on the Offer sheet is this column's TC; cash
    # typed above the competing TC is refused, never shown as a larger TC.
    competing = {
        5: '=IF(private_competing_company="","",private_competing_company)',
        6: "=ROUND(private_competing_tc/1.475/1000,0)*1000",
        10: '=IF(C$6="","",IF(TOTALCOMP(C6,0,C7,C8)>private_competing_tc,"#XLCOMP! base: '
        "the cash (base, bonus, sign-on) is more than the Offer sheet's competing total "
        '(Offer!G5)",(private_competing_tc-TOTALCOMP(C6,0,C7,C8))*C13))',
    }
    for row, formula in competing.items():
        styles.put(ws, f"C{row}", formula, styles.PRIVATE_OUTPUT, fmts.get(row), align="right")
        styles.restyle(ws[f"C{row}"], font=dict(bold=False))
    for col in COLUMNS:
        styles.put(
            ws,
            f"{col}13",
            f'=IF({col}$9="","",LEN({col}9)-LEN(SUBSTITUTE({col}9,"/",""))+1)',
            styles.OUTPUT if col == "B" else styles.PRIVATE_OUTPUT,
            fmts[13],
            align="right",
        )
        styles.restyle(ws[f"{col}13"], font=dict(bold=False))
    layout.amount_validation(ws, "C6:E6 C8:E8 D10:E12")
    layout.rate_validation(ws, "C7:E7 C14:E14", "the rate")

    layout.heading(ws, 15, "Results", "A", "E", styles.HEADING_3)
    labels = {
        16: "Equity per year",
        17: "Equity per year, risk-adjusted",
        18: "Total comp per year",
        23: "4-year total comp",
        24: "Risk-adjusted total comp per year",
        25: "Risk-adjusted, against this offer",
    }
    for row, label in labels.items():
        styles.put(ws, f"A{row}", label, bold=row in (23, 24))
    for i in range(4):
        year_label = '"Total comp in year "0'
        styles.put(ws, f"A{FIRST_YEAR_ROW + i}", i + 1, None, year_label, align="left")
    for col in COLUMNS:
        _results(book, ws, col, private=col != "B")
    _refreshers_and_exit(book, ws)
    layout.note(
        ws,
        31,
        "Total comp per year counts equity at its yearly value and a sign-on spread over "
        "four years (TOTALCOMP); year by year (YEARTC) pays the sign-on in year 1 and "
        "the grant as it vests. With refreshers, a refresher of the given value is granted "
        "at the end of each year and vests on the same schedule. The exit value is the "
        "whole grant at three times its price now, after the Offer sheet's dilution "
        "(EQUITYEXIT, less the strike). Clear a column's base salary to leave it out.",
        "A",
        "E",
        widths=WIDTHS,
    )
    ws.freeze_panes = "B5"
    styles.print_setup(ws, landscape=True, area="A1:E31", fit_height=1)
    return ws
