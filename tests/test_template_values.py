"""The template's formulas, evaluated with our functions, give the guide's numbers.

A small evaluator (enough for the template's own formulas: references, defined names,
table references, our functions and SUM, MAX, ROUNDUP, LEN, LEFT, SUBSTITUTE, IF, COUNTA,
``+ - * / & = <> > < >= <=``)
runs the Offer, Compare and Checks sheets through :mod:`xlcomp.worksheet`, the same
functions Excel calls. Each expected number is worked out by hand from the guide.
"""

from __future__ import annotations

import datetime
import decimal
import io
import math
import re
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlcomp import worksheet as functions
from xlcomp.core.guide import load_guide
from xlcomp.template import build_bytes

NA = "#N/A"
_STRUCT = re.compile(r"^([A-Za-z_][\w.]*)\[(.*)\]$")


def _grid(value: Any) -> list[list[Any]]:
    if isinstance(value, list):
        return value if value and isinstance(value[0], list) else [[v] for v in value]
    return [[value]]


def _scalar(value: Any) -> Any:
    return _grid(value)[0][0] if isinstance(value, list) else value


class Evaluator:
    """Evaluates the template's formulas cell by cell, with our functions."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.memo: dict[tuple[str, str], Any] = {}
        self.arrays: dict[tuple[str, str], tuple[str, int, int]] = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, ArrayFormula):
                        c1, r1, c2, r2 = range_boundaries(cell.value.ref)
                        for r in range(r1, r2 + 1):
                            for c in range(c1, c2 + 1):
                                self.arrays[(ws.title, f"{get_column_letter(c)}{r}")] = (
                                    cell.coordinate,
                                    r - r1,
                                    c - c1,
                                )

    # --- cells ---------------------------------------------------------------------------

    def cell(self, sheet: str, coord: str) -> Any:
        """The value of one cell (a formula's result, an array formula's element)."""
        coord = coord.replace("$", "")
        key = (sheet, coord)
        if key not in self.memo:
            self.memo[key] = self._compute(sheet, coord)
        return self.memo[key]

    def _compute(self, sheet: str, coord: str) -> Any:
        if (sheet, coord) in self.arrays:
            anchor, i, j = self.arrays[(sheet, coord)]
            value = self.wb[sheet][anchor].value
            grid = _grid(self.formula(value.text, sheet))
            rows, cols = len(grid), len(grid[0])
            i = 0 if rows == 1 else i  # Excel repeats a single row or column
            j = 0 if cols == 1 else j
            return grid[i][j] if i < rows and j < len(grid[i]) else NA
        value = self.wb[sheet][coord].value
        if isinstance(value, str) and value.startswith("="):
            return _scalar(self.formula(value, sheet))
        return value

    def area(self, sheet: str, ref: str) -> Any:
        """A cell's value, or a range's values as rows."""
        ref = ref.replace("$", "")
        if ":" not in ref:
            return self.cell(sheet, ref)
        c1, r1, c2, r2 = range_boundaries(ref)
        return [
            [self.cell(sheet, f"{get_column_letter(c)}{r}") for c in range(c1, c2 + 1)]
            for r in range(r1, r2 + 1)
        ]

    def reference(self, text: str, sheet: str) -> Any:
        m = _STRUCT.match(text)
        if m:
            for ws in self.wb.worksheets:
                for table in ws.tables.values():
                    if table.displayName.casefold() != m.group(1).casefold():
                        continue
                    c1, r1, _, r2 = range_boundaries(table.ref)
                    inner = m.group(2)
                    if inner.casefold() == "[#all]":
                        return self.area(ws.title, table.ref)
                    names = [c.name.casefold() for c in table.tableColumns]
                    col = c1 + names.index(inner.casefold())
                    letter = get_column_letter(col)
                    return self.area(ws.title, f"{letter}{r1 + 1}:{letter}{r2}")
            raise KeyError(text)
        if text in self.wb.defined_names:
            ((dest_sheet, ref),) = self.wb.defined_names[text].destinations
            return self.area(dest_sheet, ref)
        if "!" in text:
            sheet, text = text.rsplit("!", 1)
            sheet = sheet.strip("'")
        return self.area(sheet, text)

    # --- formulas ------------------------------------------------------------------------

    def formula(self, text: str, sheet: str) -> Any:
        """The value of a formula written on ``sheet``."""
        tokens = [t for t in Tokenizer(text).items if t.type != Token.WSPACE]
        parser = _Parser(tokens, self, sheet)
        value = parser.expression()
        assert parser.pos == len(tokens), text
        return value


class _Parser:
    def __init__(self, tokens: list[Token], ev: Evaluator, sheet: str) -> None:
        self.tokens, self.ev, self.sheet, self.pos = tokens, ev, sheet, 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _infix(self, ops: tuple[str, ...]) -> str | None:
        t = self.peek()
        if t is not None and t.type == Token.OP_IN and t.value in ops:
            self.pos += 1
            return str(t.value)
        return None

    def expression(self) -> Any:
        left = self.concat()
        op = self._infix(("=", "<>", ">", "<", ">=", "<="))
        if op in ("=", "<>"):
            right = self.concat()
            a = "" if left is None else left
            b = "" if right is None else right
            return (a == b) if op == "=" else (a != b)
        if op:
            a, b = _num(left), _num(self.concat())
            return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
        return left

    def concat(self) -> Any:
        value = self.additive()
        while self._infix(("&",)):
            right = self.additive()
            value = f"{_text(value)}{_text(right)}"
        return value

    def additive(self) -> Any:
        value = self.term()
        while op := self._infix(("+", "-")):
            right = self.term()
            value = _num(value) + _num(right) if op == "+" else _num(value) - _num(right)
        return value

    def term(self) -> Any:
        value = self.unary()
        while op := self._infix(("*", "/")):
            right = self.unary()
            value = _num(value) * _num(right) if op == "*" else _num(value) / _num(right)
        return value

    def unary(self) -> Any:
        t = self.peek()
        if t is not None and t.type == Token.OP_PRE and t.value == "-":
            self.pos += 1
            return -_num(self.unary())
        return self.primary()

    def primary(self) -> Any:
        t = self.take()
        if t.type == Token.OPERAND:
            if t.subtype == Token.NUMBER:
                return float(t.value)
            if t.subtype == Token.TEXT:
                return t.value[1:-1].replace('""', '"')
            if t.subtype == Token.LOGICAL:
                return t.value.upper() == "TRUE"
            return self.ev.reference(t.value, self.sheet)
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            name = t.value[:-1].upper()
            args: list[Any] = []
            while True:
                nxt = self.peek()
                assert nxt is not None
                if nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE:
                    self.pos += 1
                    break
                if nxt.type == Token.SEP:
                    self.pos += 1
                    if not args:
                        args.append(None)
                    nxt2 = self.peek()
                    if nxt2 is not None and (nxt2.type == Token.SEP or nxt2.subtype == Token.CLOSE):
                        args.append(None)
                    continue
                args.append(self.expression())
            return _call(name, args)
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            value = self.expression()
            assert self.take().subtype == Token.CLOSE
            return value
        raise AssertionError(f"unexpected token {t.value!r}")


def _num(value: Any) -> float:
    value = _scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, datetime.datetime):  # Excel: a date is its serial number
        return float((value - datetime.datetime(1899, 12, 30)).days)
    if isinstance(value, str):  # Excel: #VALUE!; IF evaluates both branches here
        try:
            return float(value)
        except ValueError:
            return math.nan
    return float(value)


def _text(value: Any) -> str:
    value = _scalar(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flat(value: Any) -> list[Any]:
    return [v for row in _grid(value) for v in row]


def _call(name: str, args: list[Any]) -> Any:
    if name in functions.FUNCTIONS:
        fn = functions.FUNCTIONS[name]
        return fn(*args)
    if name == "SUM":
        return sum(v for a in args for v in _flat(a) if isinstance(v, int | float))
    if name == "MAX":
        return max(_num(v) for a in args for v in _flat(a) if v not in (None, ""))
    if name == "ROUNDUP":
        scale = 10 ** int(_num(args[1]))
        value = _num(args[0]) * scale
        return float(math.copysign(math.ceil(abs(value) - 1e-9), value)) / scale
    if name == "LEFT":
        return _text(args[0])[: int(_num(args[1]))]
    if name == "LEN":
        return float(len(_text(args[0])))
    if name == "SUBSTITUTE":
        return _text(args[0]).replace(_text(args[1]), _text(args[2]))
    if name == "IF":
        return args[1] if _scalar(args[0]) else (args[2] if len(args) > 2 else False)
    if name == "ISBLANK":  # an empty cell (a formula's "" is not blank)
        return _scalar(args[0]) is None
    if name == "COUNTA":
        return float(sum(v not in (None, "") for v in _flat(args[0])))
    if name == "ISNUMBER":
        v = _scalar(args[0])
        return isinstance(v, int | float) and not isinstance(v, bool)
    if name == "ROUND":  # half away from zero, as Excel
        q = decimal.Decimal(1).scaleb(-int(_num(args[1])))
        d = decimal.Decimal(repr(_num(args[0]))).quantize(q, decimal.ROUND_HALF_UP)
        return float(d)
    if name == "INDEX":  # INDEX(column_or_grid, row[, column])
        grid = _grid(args[0])
        col = int(_num(args[2])) if len(args) > 2 else 1
        return grid[int(_num(args[1])) - 1][col - 1]
    if name == "IFERROR":  # this evaluator's errors are NaN
        v = _scalar(args[0])
        return args[1] if isinstance(v, float) and math.isnan(v) else args[0]
    if name == "EDATE":
        d = _scalar(args[0])
        months = d.month - 1 + int(_num(args[1]))
        return d.replace(year=d.year + months // 12, month=months % 12 + 1)
    raise AssertionError(f"the evaluator does not know {name}")


@pytest.fixture(scope="module")
def ev() -> Evaluator:
    """An evaluator over the template built from the built-in data."""
    return Evaluator(load_workbook(io.BytesIO(build_bytes(load_guide()))))


def _named(ev: Evaluator, name: str) -> Any:
    ((sheet, ref),) = ev.wb.defined_names[name].destinations
    return ev.area(sheet, ref)


# Worked by hand from the guide: base 240,000, equity 80,000/yr, bonus 15 %, no sign-on,
# competing offer 295,000, floor 275,000; San Francisco Senior SWE bands.
TC = 240_000 + 80_000 + 240_000 * 0.15  # 356,000
TARGET = max(TC, 295_000) * 1.05  # 373,800
ANCHOR = TARGET * 1.10  # 411,180
BAND_MAX_TC = 245_000 * 1.15 + 85_000  # 366,750: the split fills every band to its max


@pytest.mark.parametrize(
    ("name", "exp"),
    [
        ("offer_tc", TC),
        ("offer_grant", 320_000),
        ("offer_tc_year1", 240_000 + 36_000 + 320_000 * 0.25),
        ("offer_tc_4yr", 4 * 356_000),
        ("private_counter_anchor", ANCHOR),
        ("private_counter_target", TARGET),
        ("private_counter_floor", 275_000),
        ("private_accept_at", 295_000 * 1.05),  # 309,750: the competing offer plus 5 %
        ("private_verdict", "accept"),  # 356,000 ≥ 309,750
        ("private_split_base", 245_000),
        ("private_split_equity", 85_000),
        ("private_split_bonus_pct", 0.15),
        ("private_split_signon", 29_000),  # (373,800 − 366,750) × 4 = 28,200, rounded up
        ("private_split_tc", BAND_MAX_TC + 29_000 / 4),  # 374,000
    ],
    ids=lambda v: v if isinstance(v, str) and "_" in v else "",
)
def test_offer_results(ev: Evaluator, name: str, exp: object) -> None:
    """The Offer sheet's named results for the guide's scenario."""
    got = _named(ev, name)
    assert got == (pytest.approx(exp) if isinstance(exp, float | int) else exp)


@pytest.mark.parametrize(
    ("cells", "exp"),
    [
        # base, equity, bonus and TC against the San Francisco band: min, mid, max
        ("C17:E17", [185_000, 215_000, 245_000]),
        ("C19:E19", [0.10, 0.125, 0.15]),
        ("C20:E20", [222_000, 267_000, 312_000]),  # the published tc band
        # percentile: 100 × (value − min) / (max − min); compa-ratio: value / mid
        ("F17", 100 * (240_000 - 185_000) / 60_000),  # 91.67, the spec's number
        ("G17", 240_000 / 215_000),  # 1.1163, the spec's number
        ("F20", 100 * (TC - 222_000) / 90_000),  # 148.9: above the band
        ("B42:E42", [80_000.0] * 4),  # VESTSCHEDULE(320,000)
        ("K19:M19", [240_000 * 0.10, 36_000, 240_000 * 0.15]),  # bonus in $ for the chart
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_offer_band_table(ev: Evaluator, cells: str, exp: object) -> None:
    """One BANDLOOKUP call fills min/mid/max; percentile and compa-ratio per component."""
    got = ev.area("Offer", cells)
    got = [v for row in got for v in row] if isinstance(got, list) else got
    assert got == pytest.approx(exp)


def test_level_equivalents(ev: Evaluator) -> None:
    """LEVELMAP gives the seed's equivalents of Together AI's Senior SWE."""
    companies = [r[0] for r in ev.area("Offer", "A59:A64")]
    levels = [r[0] for r in ev.area("Offer", "B59:B64")]
    assert dict(zip(companies, levels, strict=True)) == {
        "Google": "L5",
        "Meta": "E5",
        "OpenAI": "IC3",
        "Anthropic": "Senior SWE",
        "Amazon": "SDE III",
        "Apple": "ICT4",
    }


def test_script_quotes_the_competing_offer_and_the_floor(ev: Evaluator) -> None:
    """The script names the $295K competing offer and the $275K floor."""
    script = _named(ev, "private_script")
    assert isinstance(script, str) and not script.startswith("#XLCOMP!")
    assert "$295K" in script and "$275K" in script


def test_checks_sheet_lists_the_three_published_tc_findings(ev: Evaluator) -> None:
    """CHECKBANDS fills three rows, pads the rest with #N/A; the count says 3."""
    rows = [r[0] for r in ev.area("Checks", "A6:A25")]
    assert [r.split(":")[0] for r in rows[:3]] == ["bands row 5", "bands row 9", "bands row 13"]
    assert rows[3:] == [NA] * 17
    assert ev.cell("Checks", "A4") == "Problems found: 3"


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("B16", 80_000),  # this offer: 320,000 $1 units over 4 years
        ("B17", 80_000 * 0.70),  # 30 % risk discount
        ("B18", TC),
        ("B24", 240_000 + 56_000 + 36_000),  # risk-adjusted TC: 332,000
        ("C18", 295_000),  # competing offer 1 adds up to the guide's competing offer
        ("C23", 4 * 295_000),
        ("C25", 295_000 - 332_000),
        ("D16", 60_000 * (4 - 1) / 4),  # options: 60,000 × ($4 − $1) / 4 = 45,000
        ("D17", 45_000 * 0.50),
        ("D18", 212_000 + 21_200 + 45_000 + 20_000 / 4),  # 283,200
        ("D19", 212_000 + 21_200 + 180_000 * 0.25 + 20_000),  # year 1 pays the sign-on
        ("D20", 212_000 + 21_200 + 45_000),  # year 2 does not
        ("E18", 190_000 + 19_000 + 800 * 150 / 4),  # 239,000
        # 4 years with this offer's 40,000 refresher: + 10,000 × (0 + 1 + 2 + 3) = 60,000
        ("B28", 4 * 356_000 + 60_000),
        ("C28", 4 * 295_000),  # no refresher in the other columns
        # the grant at a 3× exit after 2 rounds of 10 % dilution (0.81), less the strike
        ("B29", 320_000 * 3 * 0.81),  # 777,600: the Offer sheet's 3× value
        ("D29", 60_000 * 4 * 3 * 0.81 - 60_000 * 1),  # options: 583,200 − 60,000
        ("E29", 800 * 150 * 3 * 0.81),  # 291,600
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_compare_sheet(ev: Evaluator, cell: str, exp: float) -> None:
    """Year-1, 4-year and risk-adjusted total comp of each column, by hand."""
    got = ev.cell("Compare", cell)
    assert isinstance(got, float) and math.isclose(got, exp)


def test_a_cleared_compare_column_stays_blank() -> None:
    """With its base cleared, a Compare column shows blanks, not errors."""
    wb = load_workbook(io.BytesIO(build_bytes(load_guide())))
    wb["Compare"]["D6"] = None
    ev = Evaluator(wb)
    got = [ev.cell("Compare", f"D{r}") for r in (16, 17, 18, 19, 23, 24, 25)]
    assert got == [""] * 7
