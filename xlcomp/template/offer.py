"""The Offer sheet: the candidate's inputs and every result, with the guide's scenario.

Layout (rows are fixed; every cell other tools need has a defined name):

* rows 1–2: title and subtitle, formulas of the inputs (level, company, region);
* rows 4–14: the offer (``offer_company``, ``offer_region`` and ``offer_level`` as
  drop-downs fed by the tables, ``offer_base``, ``offer_equity``,
  ``offer_bonus_pct``, ``offer_signon``, ``offer_schedule``, the illiquidity discount
  ``offer_risk_discount`` the Compare sheet applies; ``offer_grant`` computed) and,
  beside it, the private alternatives (``private_competing_tc``,
  ``private_competing_company``, ``private_floor``) and the counter levers
  (``private_uplift``, ``private_anchor_gap``);
* rows 15–21: the offer against the band: one BANDLOOKUP call fills min/mid/max of the
  four components, one BANDPERCENTILE and one COMPARATIO call their columns;
  ``offer_tc`` is TOTALCOMP;
* rows 23–38: a chart of the offer against the band for each component (its data in
  J16:M20, hidden columns the chart still plots; the bonus in money at the offered
  base so one axis fits all);
* rows 40–43: vesting (VESTSCHEDULE) and total comp (YEARTC) year by year, 4-year sum;
* rows 45–52: the counter — private: COUNTERTARGET (anchor, target, floor); the
  accept-at line ``private_accept_at`` = the best alternative plus the ask,
  competing × (1 + uplift), never below the floor, which OFFERVERDICT compares the
  offer with (so a strong offer reads "accept"); COUNTERSPLIT of the target with the
  offer's sign-on, and TOTALCOMP of the split (``private_split_tc``);
* rows 54–55: the counter-offer script, COUNTERSCRIPT of the split — private;
* rows 57–: the level at other companies (one LEVELMAP call over the companies).
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.core.models import key
from xlcomp.template import layout, styles
from xlcomp.template.book import BANDS, LEVELS, Book

SHEET = "Offer"
WIDTHS = {
    "A": 30,
    "B": 16,
    "C": 14,
    "D": 14,
    "E": 14,
    "F": 14,
    "G": 15,
    "H": 3,
    "I": 3,
    "J": 22,
    "K": 13,
    "L": 13,
    "M": 13,
}

BAND_ROW = 16  # header of the offer-against-band table; components in rows 17–20
YEARS_ROW = 41
COUNTER_ROW = 47
SCRIPT_ROW = 55
LEVELS_ROW = 58
RISK_DISCOUNT = 0.30
"""The example's illiquidity discount: $100 of pre-IPO stock counted as $70."""


def _inputs(book: Book, ws: Worksheet) -> None:
    s = book.guide.scenario
    money = book.money
    layout.heading(ws, 4, "The offer", "A", "B")
    layout.heading(ws, 4, "Your alternatives (private)", "D", "G")
    rows: list[tuple[str, str, object, str | None]] = [
        ("Company", "offer_company", book.company, None),
        ("Region", "offer_region", s.region, None),
        ("Level", "offer_level", s.level, None),
        ("Base salary", "offer_base", s.offer_base, money),
        ("Equity per year", "offer_equity", s.offer_equity, money),
        ("Target bonus", "offer_bonus_pct", s.offer_bonus_pct, styles.PERCENT),
        ("Sign-on bonus", "offer_signon", s.offer_signon, money),
        ("Vesting (% per year)", "offer_schedule", "25/25/25/25", None),
        ("Illiquidity discount (equity)", "offer_risk_discount", RISK_DISCOUNT, styles.PERCENT),
    ]
    for r, (label, name, value, fmt) in enumerate(rows, 5):
        styles.put(ws, f"A{r}", label)
        styles.put(ws, f"B{r}", value, styles.INPUT, fmt, align="right")
        book.name(name, SHEET, f"B{r}")
    styles.put(ws, "A14", "Equity grant (all years)")
    styles.put(
        ws,
        "B14",
        '=offer_equity*(LEN(offer_schedule)-LEN(SUBSTITUTE(offer_schedule,"/",""))+1)',
        styles.OUTPUT,
        money,
    )
    book.name("offer_grant", SHEET, "B14")
    layout.list_validation(ws, "list_regions", "B6", "region")
    layout.list_validation(ws, "list_levels", "B7", "level")
    layout.amount_validation(ws, "B8:B9 B11")
    layout.rate_validation(ws, "B10", "the bonus")
    layout.rate_validation(ws, "B13", "the discount")

    private: list[tuple[str, str, object, str | None]] = [
        ("Best competing offer (total comp)", "private_competing_tc", s.competing_tc, money),
        ("Competing company", "private_competing_company", s.competing_company, None),
        ("Walk-away floor", "private_floor", s.floor, money),
        ("Ask above the better offer", "private_uplift", 0.05, styles.PERCENT),
        ("Open above the target", "private_anchor_gap", 0.10, styles.PERCENT),
    ]
    for r, (label, name, value, fmt) in enumerate(private, 5):
        styles.put(ws, f"D{r}", label)
        ws.merge_cells(f"D{r}:F{r}")
        styles.put(ws, f"G{r}", value, styles.PRIVATE_INPUT, fmt, align="right")
        book.name(name, SHEET, f"G{r}")
    layout.amount_validation(ws, "G5 G7")
    layout.rate_validation(ws, "G8:G9", "the rate")
    layout.note(
        ws,
        10,
        "Lavender cells are yours alone: xlcomp share removes them and everything "
        "computed from them before a copy leaves your hands. Compare offers in detail "
        "on the Compare sheet.",
        "D",
        "G",
        last_row=12,
    )


def _band_table(book: Book, ws: Worksheet) -> None:
    money = book.money
    layout.heading(ws, BAND_ROW - 1, "The offer against the band")
    layout.header_row(
        ws,
        BAND_ROW,
        "A",
        ["Component", "Your offer", "Min", "Mid", "Max", "Percentile", "Compa-ratio"],
    )
    styles.restyle(ws[f"A{BAND_ROW}"], alignment=dict(horizontal="left"))
    first, last = BAND_ROW + 1, BAND_ROW + 4
    components = ["Base", "Equity", "Bonus", "TC"]
    # An empty input stays empty here ("" rather than Excel's 0), so the percentile and
    # compa-ratio of a component left blank say it is required instead of computing one.
    values = [
        '=IF(ISBLANK(offer_base),"",offer_base)',
        '=IF(ISBLANK(offer_equity),"",offer_equity)',
        '=IF(ISBLANK(offer_bonus_pct),"",IF(ISNUMBER(TOTALCOMP(0,0,offer_bonus_pct)),'
        "offer_bonus_pct,TOTALCOMP(0,0,offer_bonus_pct)))",
        "=TOTALCOMP(offer_base,offer_equity,offer_bonus_pct,offer_signon)",
    ]
    row_fmts = [money, money, styles.PERCENT_1, money]
    for i, (comp, value, fmt) in enumerate(zip(components, values, row_fmts, strict=True)):
        r = first + i
        styles.put(ws, f"A{r}", comp, bold=comp == "TC")
        styles.put(ws, f"B{r}", value, styles.OUTPUT, fmt)
    book.name("offer_tc", SHEET, f"B{last}")
    comps = f"A{first}:A{last}"
    offers = f"B{first}:B{last}"
    stats = f"C{BAND_ROW}:E{BAND_ROW}"
    layout.array_formula(
        ws,
        f"C{first}:E{last}",
        f"=BANDLOOKUP(offer_region,offer_level,{comps},{BANDS},{stats})",
        styles.OUTPUT,
        [f for f in row_fmts for _ in range(3)],
    )
    layout.array_formula(
        ws,
        f"F{first}:F{last}",
        f"=BANDPERCENTILE({offers},offer_region,offer_level,{comps},{BANDS})",
        styles.OUTPUT,
        [styles.PERCENTILE],
    )
    layout.array_formula(
        ws,
        f"G{first}:G{last}",
        f"=COMPARATIO({offers},offer_region,offer_level,{comps},{BANDS})",
        styles.OUTPUT,
        [styles.RATIO],
    )
    # The note, or the whole of the lookup's error when the bands lack the offer's key
    # (the cells above are too narrow to show it).
    layout.note(
        ws,
        last + 1,
        f'=IF(LEFT(C{first},8)="#XLCOMP!",C{first},"Percentile: 0 is the band\'s min, 100 '
        "its max, above 100 above the band. Compa-ratio: 1.00 is the band's mid. TC is "
        "total comp: base + equity + bonus + sign-on spread over four years, against the "
        'published tc band.")',
        widths=WIDTHS,
    )


def _chart(book: Book, ws: Worksheet) -> None:
    """The offer against the band, per component, in money (bonus at the offered base)."""
    money = book.money
    first, last = BAND_ROW + 1, BAND_ROW + 4
    layout.header_row(ws, BAND_ROW, "J", ["Chart data", "Band min", "Your offer", "Band max"])
    labels = ["Base", "Equity", "Bonus (at your base)", "Total comp"]
    for i, label in enumerate(labels):
        r = first + i
        styles.put(ws, f"J{r}", label)
        if i == 2:
            # the offer's bonus read as TOTALCOMP reads a rate: 15 is refused, not 1500 %
            refs = [
                f"=C{r}*offer_base",
                '=IFERROR(TOTALCOMP(offer_base,0,offer_bonus_pct)-offer_base,"")',
                f"=E{r}*offer_base",
            ]
        else:
            refs = [f"=C{r}", f"=B{r}", f"=E{r}"]
        for col, ref in zip("KLM", refs, strict=True):
            styles.put(ws, f"{col}{r}", ref, styles.OUTPUT, money)
            styles.restyle(ws[f"{col}{r}"], font=dict(bold=False))
    layout.note(ws, last + 1, "The chart's numbers (hidden columns).", "J", "M")
    for col in "IJKLM":
        ws.column_dimensions[col].hidden = True

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Your offer against the band"
    chart.style = 10
    chart.y_axis.title = None
    chart.y_axis.number_format = money
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.visible_cells_only = False  # its data sits in hidden columns
    data = Reference(ws, min_col=11, max_col=13, min_row=BAND_ROW, max_row=last)
    cats = Reference(ws, min_col=10, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    colours = ["BFBFBF", styles.ACCENT, "7F7F7F"]
    for series, colour in zip(chart.series, colours, strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.graphicalProperties.line.solidFill = colour
    offer_series = chart.series[1]
    offer_series.dLbls = DataLabelList()
    offer_series.dLbls.showVal = True
    offer_series.dLbls.showSerName = False
    offer_series.dLbls.showCatName = False
    offer_series.dLbls.showLegendKey = False
    offer_series.dLbls.numFmt = money
    chart.gapWidth = 60
    chart.width = 22.5
    chart.height = 8.2
    ws.add_chart(chart, f"A{last + 3}")


def _years(book: Book, ws: Worksheet) -> None:
    money = book.money
    r = YEARS_ROW
    layout.heading(ws, r - 1, "Total comp year by year")
    styles.put(ws, f"A{r}", "Year", styles.HEADER)
    styles.restyle(ws[f"A{r}"], alignment=dict(horizontal="left"))
    for i, col in enumerate("BCDE", 1):
        styles.put(ws, f"{col}{r}", i, styles.HEADER, styles.YEAR)
    styles.put(ws, f"F{r}", "4 years", styles.HEADER)
    styles.put(ws, f"A{r + 1}", "Equity vesting")
    layout.array_formula(
        ws,
        f"B{r + 1}:E{r + 1}",
        "=VESTSCHEDULE(offer_grant,offer_schedule)",
        styles.OUTPUT,
        [money],
    )
    styles.put(ws, f"F{r + 1}", f"=SUM(B{r + 1}:E{r + 1})", styles.OUTPUT, money)
    styles.put(ws, f"A{r + 2}", "Total comp", bold=True)
    layout.array_formula(
        ws,
        f"B{r + 2}:E{r + 2}",
        f"=YEARTC(B{r}:E{r},offer_base,offer_grant,offer_bonus_pct,offer_signon,offer_schedule)",
        styles.OUTPUT,
        [money],
    )
    styles.put(ws, f"F{r + 2}", f"=SUM(B{r + 2}:E{r + 2})", styles.OUTPUT, money)
    book.name("offer_tc_year1", SHEET, f"B{r + 2}")
    book.name("offer_tc_4yr", SHEET, f"F{r + 2}")


def _counter(book: Book, ws: Worksheet) -> None:
    money = book.money
    r = COUNTER_ROW
    layout.heading(ws, r - 2, "Counter-offer (private)")
    layout.heading(ws, r - 1, "Where to land", "A", "B", styles.HEADING_4)
    layout.heading(ws, r - 1, "How to ask for the target", "D", "G", styles.HEADING_4)
    for i, label in enumerate(["Open with (anchor)", "Target", "Floor: walk away below"]):
        styles.put(ws, f"A{r + i}", label)
    layout.array_formula(
        ws,
        f"B{r}:B{r + 2}",
        "=COUNTERTARGET(offer_tc,private_competing_tc,private_uplift,private_anchor_gap,"
        "private_floor)",
        styles.PRIVATE_OUTPUT,
        [money],
    )
    book.name("private_counter", SHEET, f"B{r}:B{r + 2}")
    book.name("private_counter_anchor", SHEET, f"B{r}")
    book.name("private_counter_target", SHEET, f"B{r + 1}")
    book.name("private_counter_floor", SHEET, f"B{r + 2}")
    styles.put(ws, f"A{r + 3}", "Accept as is at or above")
    styles.put(
        ws,
        f"B{r + 3}",
        # COUNTERTARGET reads the ask as the functions do (its 5% default when blank, a
        # whole percent refused); compared at cents, so 100,000 x 110% is 110,000.
        "=IF(ISNUMBER(private_counter_target),ROUND(MAX(INDEX(COUNTERTARGET(0,"
        "private_competing_tc,private_uplift,private_anchor_gap,private_floor),2),"
        "private_counter_floor),2),private_counter_target)",
        styles.PRIVATE_OUTPUT,
        money,
    )
    book.name("private_accept_at", SHEET, f"B{r + 3}")
    styles.put(ws, f"A{r + 4}", "Verdict on the offer", bold=True)
    styles.put(
        ws,
        f"B{r + 4}",
        "=OFFERVERDICT(offer_tc,private_counter_floor,private_accept_at)",
        styles.PRIVATE_OUTPUT,
        align="center",
    )
    book.name("private_verdict", SHEET, f"B{r + 4}")
    verdict = f"$B${r + 4}"
    for word, fill, font in [
        ("accept", "C6EFCE", "006100"),
        ("counter", "FFEB9C", "9C5700"),
        ("walk away", "FFC7CE", "9C0006"),
    ]:
        ws.conditional_formatting.add(
            verdict,
            FormulaRule(
                formula=[f'{verdict}="{word}"'],
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(bold=True, color=font),
            ),
        )

    split = [
        ("Base", "base", money),
        ("Equity per year", "equity", money),
        ("Bonus", "bonus_pct", styles.PERCENT_1),  # half points: 14.5%
        ("Sign-on (one payment)", "signon", money),
    ]
    for i, (label, _, _) in enumerate(split):
        styles.put(ws, f"D{r + i}", label)
        ws.merge_cells(f"D{r + i}:F{r + i}")
    layout.array_formula(
        ws,
        f"G{r}:G{r + 3}",
        f"=COUNTERSPLIT(private_counter_target,offer_region,offer_level,{BANDS},"
        "offer_base,offer_equity,offer_bonus_pct,,"
        # the offer's sign-on as TOTALCOMP reads it (amounts by year count their sum)
        "IF(private_bridge>TOTALCOMP(0,0,0,offer_signon,1),private_bridge,offer_signon))",
        styles.PRIVATE_OUTPUT,
        [fmt for _, _, fmt in split],
    )
    book.name("private_split", SHEET, f"G{r}:G{r + 3}")
    for i, (_, name, _) in enumerate(split):
        book.name(f"private_split_{name}", SHEET, f"G{r + i}")
    styles.put(ws, f"D{r + 4}", "Total comp of the ask", bold=True)
    ws.merge_cells(f"D{r + 4}:F{r + 4}")
    styles.put(
        ws,
        f"G{r + 4}",
        "=TOTALCOMP(private_split_base,private_split_equity,private_split_bonus_pct,"
        "private_split_signon)",
        styles.PRIVATE_OUTPUT,
        money,
    )
    book.name("private_split_tc", SHEET, f"G{r + 4}")
    layout.note(
        ws,
        r + 5,
        "The target is the better of the offer and your best alternative, plus your ask; "
        "the anchor opens above it. An offer at or above your best alternative plus your "
        "ask (never below your floor) is worth accepting as it is. The split moves every "
        "component toward its band max by the same share of its headroom, in round "
        "numbers, keeps the sign-on already offered, and asks more sign-on only for what "
        "the band cannot hold; its total comp counts the sign-on over four years.",
        widths=WIDTHS,
    )


def _script(book: Book, ws: Worksheet) -> None:
    r = SCRIPT_ROW
    layout.heading(ws, r - 1, "What to say (private)")
    coord = f"A{r}"
    styles.put(
        ws,
        coord,
        # The split's own error when it has one, not an error about an error; a sign-on
        # that bridges unvested equity at the current job says so.
        '=IF(LEFT(private_split_base,8)="#XLCOMP!",private_split_base,'
        "SUBSTITUTE(COUNTERSCRIPT(private_competing_tc,private_split_base,"
        "private_split_equity,private_split_bonus_pct,private_counter_floor,"
        'private_split_signon,offer_company),"sign-on bonus",'
        "IF(private_bridge>TOTALCOMP(0,0,0,offer_signon,1),"
        '"sign-on to bridge my unvested RSUs","sign-on bonus")))',
        styles.PRIVATE_OUTPUT,
        wrap=True,
    )
    styles.restyle(ws[coord], font=dict(bold=False, size=11))
    for col in layout.span("B", "G"):
        ws[f"{col}{r}"].style = styles.PRIVATE_OUTPUT
    ws.merge_cells(f"A{r}:G{r}")
    ws.row_dimensions[r].height = 66  # four lines of the script
    book.name("private_script", SHEET, coord)


def _levels(book: Book, ws: Worksheet) -> int:
    r = LEVELS_ROW
    layout.heading(ws, r - 1, "Your level at other companies")
    layout.header_row(ws, r, "A", ["Company", "Equivalent level"])
    styles.restyle(ws[f"A{r}"], alignment=dict(horizontal="left"))
    others = [c for c in book.guide.levels.companies() if key(c) != key(book.company)]
    others = others or [book.company]
    first, last = r + 1, r + len(others)
    for i, company in enumerate(others):
        styles.put(ws, f"A{first + i}", company, styles.INPUT)
    layout.list_validation(ws, "list_companies", f"A{first}:A{last}", "company")
    layout.array_formula(
        ws,
        f"B{first}:B{last}",
        f"=LEVELMAP(offer_company,offer_level,A{first}:A{last},{LEVELS})",
        styles.OUTPUT,
    )
    for row in range(first, last + 1):  # left: an error's text runs on over C:G
        styles.restyle(ws[f"B{row}"], alignment=dict(horizontal="left", indent=1))
    return last


EQUITY_EXAMPLE = {
    # The guide's $80K a year at the current price: 32,000 RSUs at $10.00 (a $3.3B
    # valuation over 330,000,000 fully diluted shares) = $320,000 over four years.
    "type": "RSUs",
    "shares": 32_000,
    "fully_diluted": 330_000_000,
    "strike": 0,
    "valuation": 3_300_000_000,
    "dilution": 0.10,
    "rounds": 2,
    "refresh": 40_000,
}
EXIT_MULTIPLES = (1, 3, 10)
BRIDGE_START, BRIDGE_AS_OF = 45352, 46357  # 2024-03-01 and 2026-12-01 as Excel serials


def _equity(book: Book, ws: Worksheet, r: int) -> int:
    """The equity block: the grant, its value at exits, five years with refreshers, and
    the bridge (what leaving the current job forfeits in a year, asked as sign-on).

    Returns the last row.
    """
    money = book.money
    x = EQUITY_EXAMPLE
    layout.heading(ws, r, "Equity: exits, refreshers and the bridge")
    layout.heading(ws, r + 1, "The grant", "A", "B", styles.HEADING_4)
    layout.heading(ws, r + 1, "What the grant is worth at an exit", "D", "G", styles.HEADING_4)
    rows: list[tuple[str, str, object, str | None, str]] = [
        ("RSUs or options", "offer_equity_type", x["type"], None, styles.INPUT),
        ("Shares or options granted", "offer_shares", x["shares"], styles.COUNT, styles.INPUT),
        ("Fully diluted shares", "offer_fd_shares", x["fully_diluted"], styles.COUNT, styles.INPUT),
        ("Strike price (0 for RSUs)", "offer_strike", x["strike"], book.price, styles.INPUT),
        ("Company valuation now", "offer_valuation", x["valuation"], money, styles.INPUT),
        (
            "Price per share now",
            "offer_price",
            "=offer_valuation/offer_fd_shares",
            book.price,
            styles.OUTPUT,
        ),
        (
            "Dilution per funding round",
            "offer_dilution",
            x["dilution"],
            styles.PERCENT,
            styles.INPUT,
        ),
        ("Funding rounds before the exit", "offer_rounds", x["rounds"], "0", styles.INPUT),
        ("Annual refresher grant", "offer_refresh", x["refresh"], money, styles.INPUT),
    ]
    first = r + 2
    for i, (label, name, value, fmt, style) in enumerate(rows):
        styles.put(ws, f"A{first + i}", label)
        styles.put(ws, f"B{first + i}", value, style, fmt, align="right")
        book.name(name, SHEET, f"B{first + i}")
    styles.restyle(ws[f"B{first + 5}"], font=dict(bold=False))
    layout.amount_validation(ws, f"B{first + 1}:B{first + 4} B{first + 7}:B{first + 8}")
    layout.rate_validation(ws, f"B{first + 6}", "the dilution")

    # The scenario table: the whole grant at 1x, 3x and 10x today's valuation.
    h = first
    layout.header_row(ws, h, "D", ["Exit at", *[f"{m}× today" for m in EXIT_MULTIPLES]])
    styles.put(ws, f"D{h + 1}", "Valuation")
    styles.put(ws, f"D{h + 2}", "The grant", bold=True)
    styles.put(ws, f"D{h + 3}", "Per year")
    for col, m in zip("EFG", EXIT_MULTIPLES, strict=True):
        styles.put(ws, f"{col}{h + 1}", f"=offer_valuation*{m}", styles.OUTPUT, money)
        styles.restyle(ws[f"{col}{h + 1}"], font=dict(bold=False))
        styles.put(
            ws,
            f"{col}{h + 3}",
            f'={col}{h + 2}/(LEN(offer_schedule)-LEN(SUBSTITUTE(offer_schedule,"/",""))+1)',
            styles.OUTPUT,
            money,
        )
        styles.restyle(ws[f"{col}{h + 3}"], font=dict(bold=False))
    layout.array_formula(
        ws,
        f"E{h + 2}:G{h + 2}",
        f"=EQUITYEXIT(offer_shares,offer_fd_shares,E{h + 1}:G{h + 1},offer_strike,"
        "offer_dilution,offer_rounds)",
        styles.OUTPUT,
        [money],
    )
    book.name("offer_exit_values", SHEET, f"E{h + 2}:G{h + 2}")
    layout.note(
        ws,
        h + 4,
        "EQUITYEXIT: the grant's share of the company after each round's dilution, times "
        "the exit valuation, less the strike it costs to exercise; per year of vesting.",
        "D",
        "G",
        last_row=h + 5,
    )

    # Five years of total comp with a refresher granted at the end of each year.
    y = first + len(rows) + 1
    layout.heading(ws, y, "Total comp over five years, with refreshers", "A", "G", styles.HEADING_4)
    styles.put(ws, f"A{y + 1}", "Year", styles.HEADER)
    styles.restyle(ws[f"A{y + 1}"], alignment=dict(horizontal="left"))
    for i, col in enumerate("BCDEF", 1):
        styles.put(ws, f"{col}{y + 1}", i, styles.HEADER, styles.YEAR)
    styles.put(ws, f"G{y + 1}", "5 years", styles.HEADER)
    styles.put(ws, f"A{y + 2}", "Total comp (YEARTC)", bold=True)
    layout.array_formula(
        ws,
        f"B{y + 2}:F{y + 2}",
        f"=YEARTC(B{y + 1}:F{y + 1},offer_base,offer_grant,offer_bonus_pct,offer_signon,"
        "offer_schedule,offer_refresh)",
        styles.OUTPUT,
        [money],
    )
    styles.put(ws, f"G{y + 2}", f"=SUM(B{y + 2}:F{y + 2})", styles.OUTPUT, money)
    book.name("offer_tc_5yr", SHEET, f"B{y + 2}:F{y + 2}")

    # The bridge, from the current job's unvested grant (private).
    b = y + 4
    layout.heading(
        ws,
        b,
        "The bridge: what leaving your current job costs (private)",
        "A",
        "G",
        styles.HEADING_4,
    )
    private: list[tuple[str, str, object, str | None]] = [
        ("Current job's grant (whole value)", "private_current_grant", 0, money),
        ("Its vesting start date", "private_current_grant_start", BRIDGE_START, "yyyy-mm-dd"),
        ("The day you would leave", "private_current_leave_date", BRIDGE_AS_OF, "yyyy-mm-dd"),
        ("Its vesting (% per year)", "private_current_schedule", "25/25/25/25", None),
    ]
    for i, (label, name, value, fmt) in enumerate(private, b + 1):
        styles.put(ws, f"A{i}", label)
        styles.put(ws, f"B{i}", value, styles.PRIVATE_INPUT, fmt, align="right")
        book.name(name, SHEET, f"B{i}")
    layout.amount_validation(ws, f"B{b + 1}")
    grant = "private_current_grant,private_current_grant_start,{when},private_current_schedule"
    outputs = [
        (
            "Unvested when you leave (UNVESTED)",
            "private_unvested",
            "=UNVESTED(" + grant.format(when="private_current_leave_date") + ")",
        ),
        (
            "Sign-on to ask: a year of it",
            "private_bridge",
            "=ROUNDUP((private_unvested-UNVESTED("
            + grant.format(when="EDATE(private_current_leave_date,12)")
            + "))/1000,0)*1000",
        ),
    ]
    for i, (label, name, formula) in enumerate(outputs, b + 1):
        styles.put(ws, f"D{i}", label, bold=name == "private_bridge")
        ws.merge_cells(f"D{i}:F{i}")
        styles.put(ws, f"G{i}", formula, styles.PRIVATE_OUTPUT, money)
        book.name(name, SHEET, f"G{i}")
    layout.note(
        ws,
        b + 3,
        "What would vest in your first year away, rounded up to a thousand, is the least "
        "sign-on the counter asks for; the script then names it a bridge.",
        "D",
        "G",
        last_row=b + 4,
    )
    return b + len(private)


def write_offer(book: Book) -> Worksheet:
    """The Offer sheet, filled with the guide's scenario."""
    ws = book.wb.create_sheet(SHEET)
    styles.widths(ws, WIDTHS)
    styles.no_gridlines(ws)
    styles.put(
        ws,
        "A1",
        '="Your offer — "&offer_level&IF(offer_company="",""," at "&offer_company)'
        '&", "&offer_region',
        styles.TITLE,
    )
    ws.row_dimensions[1].height = 28
    layout.note(
        ws,
        2,
        "=\"Change the peach cells; the grey cells are computed by xlcomp's functions "
        '(the Guide sheet says how to turn them on). Now: "&offer_level&" in "'
        '&offer_region&IF(offer_company="",""," at "&offer_company)&"."',
        widths=WIDTHS,
    )
    _inputs(book, ws)
    _band_table(book, ws)
    _chart(book, ws)
    _years(book, ws)
    _counter(book, ws)
    _script(book, ws)
    last = _equity(book, ws, _levels(book, ws) + 2)
    ws.freeze_panes = "A4"
    styles.print_setup(ws, area=f"A1:G{last}", fit_height=1)
    return ws
