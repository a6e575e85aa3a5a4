"""Refresh computes what Excel computes: each class of issue 14 with hand-worked values.

Every expected number below is worked by hand from Excel's documentation (cited in
``xlcomp/refresh/excel.py``), not read back from the engine. The last group states
Excel's answer where LibreOffice (the differential test's oracle) answers otherwise.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.refresh_helpers import cached_values
from xlcomp.refresh import excel, refresh_workbook
from xlcomp.refresh.values import (
    DATE1904,
    DIV_ERROR,
    EMPTY,
    ERRORS,
    NUM_ERROR,
    VALUE_ERROR,
    number_text,
    text_to_number,
    to_array,
)

F = excel.FUNCTIONS


def _grid(*rows: list[Any]) -> Any:
    return to_array([[EMPTY if v is None else v for v in row] for row in rows])


# ---------------------------------------------------------------------------------------
# Functions and operators, value by value


@pytest.mark.parametrize(
    ("fn", "args", "exp"),
    [
        ("ROUND", (1.005, 2.0), 1.01),  # 1.005 to 15 digits is 1.005: halves away
        ("ROUNDUP", (2.21 + 2.19, 2.0), 4.4),  # the double 4.3999999999999995 is 4.4
        ("ROUNDDOWN", (-2.55, 1.0), -2.5),
        ("ROUND", (1234.5, -2.0), 1200.0),
        ("ROUND", (-0.5, 0.0), -1.0),
        ("ROUNDUP", (0.1 + 0.2, 1.0), 0.3),
        ("VALUE", ("$1,200.50",), 1200.5),
        ("VALUE", (" 1,200 ",), 1200.0),
        ("VALUE", ("15%",), 0.15),
        ("VALUE", ("(100)",), -100.0),
        ("VALUE", ("2024-01-15",), 45306.0),  # 45306 days after 30 Dec 1899
        ("DATEDIF", (45000.0, 45306.0, "ym"), 10.0),  # 15 Mar 2023 -> 15 Jan 2024
        ("DATEDIF", (45000.0, 45306.0, "y"), 0.0),
        ("DATEDIF", (45000.0, 45306.0, "d"), 306.0),
        ("DATEDIF", (45000.0, 45306.0, "Md"), 0.0),
        ("DATEDIF", (45000.0, 45310.0, "yd"), 310.0),  # 15 Mar 2023 -> 19 Jan 2024
        ("NETWORKDAYS", (45306.0, 45320.0), 11.0),  # Mon 15 Jan .. Mon 29 Jan 2024
        ("NETWORKDAYS", (45306.0, 45320.0, _grid([45307.0], [None])), 10.0),
        ("NETWORKDAYS", (45320.0, 45306.0), -11.0),
        ("WORKDAY", (45306.0, 10.0), 45320.0),
        ("WORKDAY", (45306.0, 10.0, _grid([45307.0])), 45321.0),  # Tue 16 Jan a holiday
        ("WORKDAY", (45311.0, -1.0), 45310.0),  # Sat 20 Jan -> Fri 19 Jan
        ("EOMONTH", (45322.0, 1.0), 45351.0),  # 31 Jan 2024 -> 29 Feb 2024
        ("EDATE", (45322.0, 1.0), 45351.0),
        ("DATE", (1900.0, 2.0, 29.0), 60.0),  # Lotus's 29 February 1900
        ("DATE", (2024.0, 14.0, 1.0), 45689.0),  # month 14 of 2024 is Feb 2025
        ("YEAR", (60.0,), 1900.0),
        ("WEEKDAY", (45306.0, 2.0), 1.0),  # a Monday
        ("WEEKDAY", (45306.0,), 2.0),
        ("MOD", (-3.0, 4.0), 1.0),
        ("MOD", (5.5, -2.0), -0.5),
        ("LEN", (0.1 + 0.2,), 3.0),  # "0.3"
        ("LEFT", ("abc", 5.0), "abc"),
        ("RIGHT", ("5 7", 4.0), "5 7"),
        ("CONCATENATE", ("x", 1 / 3), "x0.333333333333333"),
        ("SUM", ("5", _grid(["5", 1.0, True])), 6.0),  # typed "5" counts, cells' do not
        ("SUM", (_grid([None]), 2.0), 2.0),  # an empty single-cell reference
        ("AVERAGE", (_grid([None]), 4.0), 4.0),
        ("MAX", (_grid([None]),), 0.0),
        ("COUNT", (_grid([None]), _grid(["5", 5.0])), 1.0),
        ("COUNTA", (_grid([None, "", 0.0]),), 2.0),
        ("COUNTA", (_grid([None]), EMPTY), 1.0),  # an empty value argument counts
        ("PRODUCT", (_grid([None]), 3.0), 3.0),
        ("INDEX", (_grid([1.0, None]), 1.0, 2.0), EMPTY),
        ("MATCH", ("b*", _grid(["apple"], ["Banana"]), 0.0), 2.0),
        ("MATCH", (25.0, _grid([10.0], [20.0], [30.0])), 2.0),
        ("VLOOKUP", ("b*", _grid(["apple", 1.0], ["Banana", 2.0]), 2.0, False), 2.0),
        ("VLOOKUP", (25.0, _grid([10.0, "L1"], [20.0, "L2"], [30.0, "L3"]), 2.0), "L2"),
        ("HLOOKUP", (20.0, _grid([10.0, 20.0], ["a", "b"]), 2.0, 0.0), "b"),
        ("IFERROR", (_grid([None]), 1.0), EMPTY),
        # SUMPRODUCT: non-numeric entries (text numbers, logicals, blanks) are 0
        ("SUMPRODUCT", (_grid(["3"], [4.0]), _grid([10.0], ["10"])), 0.0),
        ("SUMPRODUCT", (_grid(["3"], [4.0], [True], [None]),), 4.0),
        ("SUMPRODUCT", (_grid([2.0], [3.0]), _grid([5.0, 7.0])), VALUE_ERROR),  # 2x1 vs 1x2
        ("SUMPRODUCT", (_grid([2.0], [3.0]), _grid([5.0], [7.0])), 31.0),  # 10 + 21
        # SUMSQ: a logical in a reference is ignored, typed it counts 1
        ("SUMSQ", (_grid([True]), 2.0), 4.0),
        ("SUMSQ", (True, 2.0), 5.0),
        ("N", (True,), 1.0),
        ("N", ("7",), 0.0),
        ("N", (45306.0,), 45306.0),
        # MEDIAN/PERCENTILE/QUARTILE ignore text (numbers stored as text too) in ranges
        ("MEDIAN", (_grid([100.0], ["150"], [200.0], [300.0]),), 200.0),
        ("MEDIAN", (_grid([1.0], [2.0], [4.0], [10.0]),), 3.0),  # (2 + 4) / 2
        ("MEDIAN", (_grid(["x"]),), NUM_ERROR),
        ("PERCENTILE", (_grid([100.0], ["150"], [200.0], [300.0]), 0.5), 200.0),
        ("PERCENTILE", (_grid([1.0], [2.0], [3.0], [4.0]), 0.3), 1.9),  # rank 0.9
        ("PERCENTILE.EXC", (_grid([1.0], [2.0], [3.0], [4.0]), 0.3), 1.5),  # rank 0.5
        ("PERCENTILE.EXC", (_grid([1.0], [2.0], [3.0], [4.0]), 0.1), NUM_ERROR),
        ("QUARTILE", (_grid([100.0], ["150"], [200.0], [300.0]), 1.0), 150.0),
        ("QUARTILE", (_grid([1.0], [2.0]), 5.0), NUM_ERROR),
        ("QUARTILE.EXC", (_grid([1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]), 1.0), 2.0),
        # Dispersion ignores text and logicals in ranges, counts typed logicals
        ("STDEV", (_grid([100.0], ["150"], [200.0], [300.0], [True]),), 100.0),
        ("VAR.P", (_grid([100.0], ["150"], [200.0], [300.0]),), 20000 / 3),
        ("STDEV", (_grid([True]), 1.0, 3.0), 2**0.5),
        ("VAR", (_grid([5.0]),), DIV_ERROR),
        ("GEOMEAN", (_grid([2.0], ["x"], [8.0]),), 4.0),
        ("GEOMEAN", (_grid([2.0], [0.0]),), NUM_ERROR),
        ("HARMEAN", (_grid([1.0], [4.0], [4.0]),), 2.0),  # 3 / (1 + 1/4 + 1/4)
        ("AVEDEV", (_grid([1.0], [2.0], [3.0], [10.0]),), 3.0),  # (3 + 2 + 1 + 6) / 4
        ("DEVSQ", (_grid([1.0], [2.0], [3.0], [10.0]),), 50.0),
        ("SKEW", (_grid([1.0], [2.0], [3.0], [10.0]),), 4 / 6 * 180 / (50 / 3) ** 1.5),
        ("KURT", (_grid([1.0], [2.0], [3.0], [10.0]),), 20 / 6 * 1394 / (50 / 3) ** 2 - 13.5),
        ("KURT", (_grid([1.0], [2.0], [3.0]),), DIV_ERROR),
        # TEXTJOIN's ignore_empty skips blanks and empty text alike
        ("TEXTJOIN", (",", True, _grid(["a"], [""], [None], ["b"])), "a,b"),
        ("TEXTJOIN", (",", False, _grid(["a"], [""], ["b"])), "a,,b"),
        ("TEXTJOIN", (_grid(["-", "+"]), True, "a", "b", "c"), "a-b+c"),
        # FILTER: nothing kept and no if_empty is #CALC! (ERROR.TYPE 14)
        ("FILTER", (_grid([3.0], [1.0]), _grid([False], [False])), ERRORS["#CALC!"]),
        ("FILTER", (_grid([3.0], [1.0]), _grid([False], [False]), "none"), "none"),
        ("FILTER", (_grid([3.0], [1.0], [2.0]), _grid([True], [False])), VALUE_ERROR),  # 3 vs 2
        ("ERROR.TYPE", (ERRORS["#CALC!"],), 14.0),
        ("ERROR.TYPE", (1.0,), ERRORS["#N/A"]),
        # SEARCH: ? one character, * any run, ~ escapes; case-insensitive
        ("SEARCH", ("B?", "abc"), 2.0),
        ("SEARCH", ("a*c", "xxabc"), 3.0),
        ("SEARCH", ("sen*eng", "Senior Software Engineer"), 1.0),
        ("SEARCH", ("~?", "a?b"), 2.0),
        ("SEARCH", ("b", "abcb", 3.0), 4.0),
        ("SEARCH", ("z?", "abc"), VALUE_ERROR),
        # COUNTIF compares numbers-as-text to 15 significant digits (16-digit IDs)
        ("COUNTIF", (_grid(["1234567890123456"], ["1234567890123457"]), "1234567890123459"), 2.0),
        ("COUNTIF", (_grid(["123456789012345"], ["123456789012346"]), "123456789012345"), 1.0),
        # DAYS360 (US): a last-of-February start is the 30th; a 31st end with start 30 too
        ("DAYS360", (45351.0, 45382.0), 30.0),  # 29 Feb 2024 -> 31 Mar 2024
        ("DAYS360", (44985.0, 45031.0), 45.0),  # 28 Feb 2023 -> 15 Apr 2023: 30 + 15
        ("DAYS360", (45306.0, 45322.0), 16.0),  # 15 Jan -> 31 Jan: 31 kept (start < 30)
        ("DAYS360", (45306.0, 45322.0, True), 15.0),  # European: 31 -> 30
        # YEARFRAC basis 0: both last days of February are the 30th; basis 1 actual/actual
        ("YEARFRAC", (45351.0, 45716.0, 0.0), 1.0),  # 29 Feb 2024 -> 28 Feb 2025
        ("YEARFRAC", (44985.0, 45351.0), 1.0),  # 28 Feb 2023 -> 29 Feb 2024
        ("YEARFRAC", (45108.0, 45474.0, 1.0), 1.0),  # 1 Jul 2023 -> 1 Jul 2024: 366/366
        ("YEARFRAC", (45352.0, 45717.0, 1.0), 1.0),  # 1 Mar 2024 -> 1 Mar 2025: 365/365
        ("YEARFRAC", (45292.0, 45337.0, 1.0), 45 / 366),  # 1 Jan -> 15 Feb 2024, leap year
        ("YEARFRAC", (44927.0, 45658.0, 1.0), 731 / (1096 / 3)),  # 2023-01-01 -> 2025-01-01
        ("YEARFRAC", (45306.0, 45322.0, 3.0), 16 / 365),
        ("YEARFRAC", (45306.0, 45322.0, 5.0), NUM_ERROR),
        # MROUND/FLOOR/CEILING: the quotient to 15 digits, so binary noise does not tip it
        ("MROUND", (1.3, 0.2), 1.4),
        ("MROUND", (-10.0, 3.0), NUM_ERROR),
        ("FLOOR", (0.7, 0.1), 0.7),
        ("FLOOR", (1.58, 0.1), 1.5),
        ("FLOOR", (-2.5, 2.0), -4.0),
        ("FLOOR", (-2.5, -2.0), -2.0),
        ("FLOOR", (2.5, -2.0), NUM_ERROR),
        ("CEILING", (0.3, 0.1), 0.3),
        ("CEILING", (2.5, 1.0), 3.0),
        ("CEILING", (-2.5, -2.0), -4.0),
    ],
)
def test_function(fn: str, args: tuple[Any, ...], exp: Any) -> None:
    """Each function gives Excel's documented answer."""
    got = F[fn](*args)
    if isinstance(exp, float):
        assert type(got) is float and got == pytest.approx(exp, abs=1e-9), got
    else:
        assert got == exp or got is exp, got


D2_D7 = _grid(["Ann"], ["Bo"], ["Cy"], [None], ["Di"], ["Ed"])
MIXED = _grid(["apple", "Banana", None], ["", 5.0, "5"], ["a*b", 10.0, True])


@pytest.mark.parametrize(
    ("rng", "crit", "exp"),
    [
        (D2_D7, "<>", 5),  # the recipe: five texts and one blank
        (D2_D7, "=", 1),
        (D2_D7, "", 1),
        (MIXED, "<>", 8),  # every cell but the blank; "" is not empty
        (MIXED, "=", 1),
        (MIXED, "", 2),  # blank and empty text
        (MIXED, "5", 2),  # the number 5 and the text "5"
        (MIXED, 5.0, 1),  # a number criteria: numbers only
        (MIXED, "<>5", 7),
        (MIXED, ">=5", 2),
        (MIXED, "<b", 4),  # "apple", "", "5", "a*b": text before "b" ("Banana" is after)
        (MIXED, "a*", 2),
        (MIXED, "?anana", 1),
        (MIXED, "a~*b", 1),  # ~* is a literal asterisk
        (MIXED, "TRUE", 1),
        (MIXED, "<>apple", 8),
    ],
)
def test_countif_criteria(rng: Any, crit: Any, exp: int) -> None:
    """COUNTIF's criteria strings, worked cell by cell."""
    assert F["COUNTIF"](rng, crit) == exp


def test_ifs_family() -> None:
    """SUMIFS/AVERAGEIFS/MAXIFS/MINIFS over hand-counted matches."""
    names = _grid(["a"], ["b"], ["a"], ["a"])
    amounts = _grid([10.0], ["20"], [30.0], [None])
    levels = _grid([1.0], [1.0], [2.0], [2.0])
    assert F["SUMIFS"](amounts, names, "a") == 40.0  # 10 + 30; the blank adds nothing
    assert F["AVERAGEIFS"](amounts, names, "a", levels, ">1") == 30.0
    assert F["MAXIFS"](amounts, names, "b") == 0.0  # "20" is text
    assert F["MINIFS"](amounts, names, "a") == 10.0
    assert str(F["AVERAGEIF"](names, "z", amounts)) == "#DIV/0!"
    assert str(F["SUMIFS"](amounts, _grid(["a"]), "a")) == "#VALUE!"


@pytest.mark.parametrize(
    ("value", "fmt", "exp"),
    [
        (356000.0, '$#,##0,"K"', "$356K"),
        (-1234.5, "#,##0;(#,##0)", "(1,235)"),
        (0.0, '#,##0;(#,##0);"-"', "-"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (1234567.0, "0.0,,", "1.2"),
        (0.153, "0.0%", "15.3%"),
        (12345.0, "0.00E+00", "1.23E+04"),
        (1.25, "# ?/?", "1 1/4"),
        (0.5, "# ??/??", "  1/2 "),
        (3.0, "000", "003"),
        (5.0, '[>=10]"big";"small"', "small"),
        (45306.0, "yyyy-mm-dd", "2024-01-15"),
        (45306.5, "dddd, mmmm d, yyyy h:mm AM/PM", "Monday, January 15, 2024 12:00 PM"),
        (45306.0, "d-mmm-yy", "15-Jan-24"),
        (0.75, "h:mm", "18:00"),
        (1.5, "[h]:mm", "36:00"),
        (0.1 + 0.2, "General", "0.3"),
        ("abc", "0.00", "abc"),
        ("5", "0.00", "5.00"),  # text that reads as a number is formatted
        ("abc", '0;-0;0;"<"@">"', "<abc>"),
        (-4.0, "@", "-4"),
    ],
)
def test_text_formats(value: Any, fmt: str, exp: str) -> None:
    """TEXT in the number formats comp sheets use."""
    assert F["TEXT"](value, fmt) == exp


@pytest.mark.parametrize(
    ("op", "a", "b", "exp"),
    [
        ("=", 0.1 + 0.2, 0.3, True),
        ("<", 0.1 + 0.2, 0.3, False),
        ("-", 0.1 + 0.2, 0.3, 0.0),  # cancels to 15 digits: exactly 0
        ("&", 0.1 + 0.2, "", "0.3"),
        ("&", 2.21 + 2.19, "", "4.4"),
        ("+", "15%", 1.0, 1.15),
        ("+", " 1,200 ", 0.0, 1200.0),
        ("*", "abc", 1.0, "#VALUE!"),
        ("=", "ABC", "abc", True),  # text compares case-insensitively
        (">", "a", 5.0, True),  # text after numbers
        (">", True, "z", True),  # logicals after text
        ("=", EMPTY, 0.0, True),
        ("=", EMPTY, "", True),
    ],
)
def test_operators(op: str, a: Any, b: Any, exp: Any) -> None:
    """Excel's operators: 15 significant digits, coercion, ordering of types."""
    got = excel.binary(op, a, b)
    if isinstance(exp, str) and exp.startswith("#"):
        assert str(got) == exp
    elif isinstance(exp, float):
        assert got == pytest.approx(exp, abs=1e-12)
    else:
        assert got == exp


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333333333333"),
        (123456789012345.0, "123456789012345"),
        (1e15, "1E+15"),
        (2.0**50, "1.12589990684262E+15"),
        (1e20, "1E+20"),
        (1e-10, "1E-10"),
        (0.00001, "0.00001"),
        (-1234.5, "-1234.5"),
    ],
)
def test_number_text(x: float, text: str) -> None:
    """Numbers as text: at most 15 significant digits, General's switch to E notation."""
    assert number_text(x) == text


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        ("15%", 0.15),
        ("-$5", -5.0),
        ("1e3", 1000.0),
        ("1,2", None),
        ("abc", None),
        ("", None),
        ("1:30 PM", 0.5625),  # 13:30 is 13.5/24 of a day
        ("12:00 am", 0.0),
        ("13:30 pm", None),
        ("1 1/2", 1.5),
        ("-2 3/4", -2.75),
    ],
)
def test_text_to_number(text: str, exp: float | None) -> None:
    """Which texts arithmetic reads as numbers."""
    assert text_to_number(text) == exp


def test_date1904_functions() -> None:
    """In the 1904 system serial 0 is 1 January 1904: 15 Jan 2024 is 45306 - 1462."""
    token = DATE1904.set(True)
    try:
        assert F["DATE"](2024.0, 1.0, 15.0) == 43844.0
        assert F["YEAR"](43844.0) == 2024.0
        assert F["TEXT"](43844.0, "yyyy-mm-dd") == "2024-01-15"
        assert F["WEEKDAY"](43844.0, 2.0) == 1.0  # still a Monday
        assert F["DATEDIF"](0.0, 43844.0, "y") == 120.0
        assert F["VALUE"]("2024-01-15") == 43844.0
    finally:
        DATE1904.reset(token)


def test_ranges_past_the_used_area() -> None:
    """A range clipped at the used area still counts its blank cells (COUNTBLANK,
    COUNTIF "") and reads blank past it (INDEX)."""
    rng = _grid([1.0], [None])
    rng.full_shape = (20, 1)  # as the store builds A1:A20 with data in A1:A2
    assert F["COUNTBLANK"](rng) == 19.0
    assert F["COUNTIF"](rng, "") == 19.0
    assert F["COUNTIF"](rng, "<>") == 1.0
    assert F["INDEX"](rng, 15.0) is EMPTY
    assert str(F["INDEX"](rng, 21.0)) == "#REF!"


def test_broadcast_over_arrays() -> None:
    """Scalar functions lift over arrays; a shorter array gives #N/A past its end."""
    got = excel.binary("+", _grid([1.0, 2.0]), _grid([10.0], [20.0]))
    assert np.asarray(got).tolist() == [[11.0, 12.0], [21.0, 22.0]]
    got = excel.binary("+", _grid([1.0, 2.0, 3.0]), _grid([1.0, 2.0]))
    assert [str(x) for x in np.asarray(got).reshape(-1)] == ["2.0", "4.0", "#N/A"]


def test_every_function_documented() -> None:
    """Each Excel-semantics function says which Excel behaviour it follows."""
    for name, fn in F.items():
        assert fn.__doc__ and len(fn.__doc__) > 20, name


# ---------------------------------------------------------------------------------------
# Workbooks through refresh


def _refresh(path: Path, tmp_path: Path) -> tuple[Any, dict[tuple[str, str], Any]]:
    out = tmp_path / ("out-" + path.name)
    report = refresh_workbook(path, out)
    return report, cached_values(out)


def test_implicit_intersection(tmp_path: Path) -> None:
    """A plain formula given a range takes the cell in its own row or column."""
    import xlsxwriter

    path = tmp_path / "ii.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write("B1", "Base")
    for r in range(2, 7):
        ws.write_number(f"B{r}", 100.0 * r)
    wb.define_name("Base", "=S!$B$2:$B$6")
    for r in range(2, 7):
        ws.write_formula(f"C{r}", "=Base*1.05")
    ws.write_formula("D3", "=B:B")
    ws.write_formula("E9", "=Base*2")  # outside the rows of Base: #VALUE!
    ws.write_formula("F4", "=SUM(Base)")  # SUM takes the range whole
    ws.write_formula("G5", "=SUMPRODUCT((B2:B6>300)*B2:B6)")  # array parameter
    ws.write_formula("H2", "=ROUND(B2:B6/3,0)")
    ws.write_formula("I4", "=SUM(IF(TRUE,B2:B6,0))")  # IF hands the range on whole
    ws.write_formula("J4", "=SUM(CHOOSE(2,B2:B3,B5:B6))")
    ws.write_formula("K4", "=IF(B4>300,B2:B6*2,0)")  # inside *, the cell of row 4
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok
    for r in range(2, 7):
        assert v[("S", f"C{r}")] == pytest.approx(105.0 * r)
    assert v[("S", "D3")] == 300
    assert v[("S", "E9")] == "#VALUE!"
    assert v[("S", "F4")] == 2000
    assert v[("S", "G5")] == 400 + 500 + 600
    assert v[("S", "H2")] == 67
    assert (v[("S", "I4")], v[("S", "J4")], v[("S", "K4")]) == (2000, 1100, 800)


def test_date1904_workbook(tmp_path: Path) -> None:
    """A workbook in the 1904 date system: YEAR, TEXT, DATEDIF and DATE do not shift."""
    import xlsxwriter

    path = tmp_path / "d1904.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 43844.0)  # 15 Jan 2024 in the 1904 system
    ws.write_formula("B1", "=YEAR(A1)")
    ws.write_formula("B2", '=TEXT(A1,"yyyy-mm-dd")')
    ws.write_formula("B3", "=DATE(2024,1,15)")
    ws.write_formula("B4", '=DATEDIF(DATE(2020,1,15),A1,"y")')
    ws.write_formula("B5", "=WEEKDAY(A1,2)")
    wb.close()
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    report, v = _refresh(path, tmp_path)
    assert report.ok
    assert (v[("S", "B1")], v[("S", "B2")], v[("S", "B3")]) == (2024, "2024-01-15", 43844)
    assert (v[("S", "B4")], v[("S", "B5")]) == (4, 1)


def test_cells_stored_as_dates(tmp_path: Path) -> None:
    """``t="d"`` cells (ISO text, as openpyxl writes with iso_dates) are date serials."""
    import datetime

    import openpyxl

    path = tmp_path / "iso.xlsx"
    wb = openpyxl.Workbook(iso_dates=True)
    ws = wb.active
    ws.title = "S"
    ws["A2"] = datetime.datetime(2024, 1, 15)
    ws["B2"] = "=A2+30"
    ws["C2"] = "=YEAR(A2)"
    wb.save(path)
    assert b't="d"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    report, v = _refresh(path, tmp_path)
    assert report.ok
    assert v[("S", "B2")] == 45336  # 45306 + 30
    assert v[("S", "C2")] == 2024


def test_blank_single_cell_arguments(tmp_path: Path) -> None:
    """SUM(A2,C2) with C2 empty is A2 (and so for MAX, MIN, AVERAGE, COUNT, ...)."""
    import xlsxwriter

    path = tmp_path / "blank.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number("A2", 7.0)
    ws.write_string("D2", "5")  # a number stored as text
    formulas = {
        "E2": ("=SUM(A2,C2)", 7),
        "E3": ("=MAX(A2,C2)", 7),
        "E4": ("=MIN(A2,C2)", 7),
        "E5": ("=AVERAGE(A2,C2)", 7),
        "E6": ("=COUNT(A2,C2)", 1),
        "E7": ("=COUNTA(A2,C2)", 1),
        "E8": ("=PRODUCT(A2,C2)", 7),
        "E9": ("=SUM(A2,D2)", 7),  # text in a reference is ignored
        "E10": ('=SUM(A2,"5")', 12),  # typed text that reads as a number counts
        "E11": ('="15%"+1', 1.15),
        "E12": ('=VALUE("$1,200.50")', 1200.5),
        "E13": ("=D2*2", 10),  # arithmetic reads the text
        "E14": ("=ROUND(1.005,2)", 1.01),
        "E15": ("=ROUNDUP(2.21+2.19,2)", 4.4),
        "E16": ("=0.1+0.2=0.3", True),
        "E17": ('=0.1+0.2&""', "0.3"),
        "E18": ("=ROWS(A1:C5)*10+COLUMNS(A1:C5)", 53),
        "E19": ("=ISREF(A1)", True),
        "E20": ("=ISREF(1)", False),
        "E21": ("=ROWS(A:A)", 1048576),
        "E22": ("=INDEX($A:$D,50,1)", 0),
        "E23": ("=COUNTBLANK(A1:A30)", 29),
        "E24": ('=DATEDIF(DATE(2020,3,15),DATE(2024,1,10),"ym")', 9),
        "E25": ('=IF(TRUE,C2)&"x"', "x"),  # IF hands on the blank cell, not 0
        "E26": ("=IF(TRUE,C2)", 0),
    }
    for cell, (f, _exp) in formulas.items():
        ws.write_formula(cell, f)
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok, report.failed
    for cell, (f, exp) in formulas.items():
        got = v[("S", cell)]
        if isinstance(exp, float):
            assert got == pytest.approx(exp), f"{cell} {f}: {got!r}"
        else:
            assert got == exp, f"{cell} {f}: {got!r}"


def test_countif_recipe_workbook(tmp_path: Path) -> None:
    """The issue's recipe: D2:D7 five texts and one blank, COUNTIF(D2:D7,"<>") is 5."""
    import xlsxwriter

    path = tmp_path / "crit.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r, name in zip((2, 3, 4, 6, 7), ("Ann", "Bo", "Cy", "Di", "Ed"), strict=True):
        ws.write_string(f"D{r}", name)
    ws.write_formula("F1", '=COUNTIF(D2:D7,"<>")')
    ws.write_formula("F2", '=COUNTIF(D2:D7,"=")')
    ws.write_formula("F3", '=COUNTIF(D:D,"")')
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok
    assert (v[("S", "F1")], v[("S", "F2")]) == (5, 1)
    assert v[("S", "F3")] == 1048576 - 5


def test_criteria_given_as_an_array(tmp_path: Path) -> None:
    """Criteria as a range lift the function: one answer per criterion, the range whole.

    The template's region list uses it (the distinct-values idiom
    ``INDEX(r, MATCH(0, COUNTIF(above, r), 0))``): in F2:F4, COUNTIF(A1:A5, C1:C3) with
    A = x, y, x, z, x and C = x, z, w counts 3, 1 and 0; SUMIF over B = 1..5 sums
    1 + 3 + 5 = 9, 4 and 0; the distinct list in H2:H4 reads x, y, z.
    """
    import xlsxwriter

    path = tmp_path / "crit-array.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r, (a, b) in enumerate(zip("xyxzx", (1, 2, 3, 4, 5), strict=True), start=1):
        ws.write_string(f"A{r}", a)
        ws.write_number(f"B{r}", b)
    for r, c in enumerate("xzw", start=1):
        ws.write_string(f"C{r}", c)
    ws.write_array_formula("F2:F4", "{=COUNTIF(A1:A5,C1:C3)}")
    ws.write_array_formula("G2:G4", "{=SUMIF(A1:A5,C1:C3,B1:B5)}")
    ws.write_string("H1", "Distinct")
    for r in (2, 3, 4):
        ws.write_array_formula(
            f"H{r}:H{r}",
            f'{{=IFERROR(INDEX(A$1:A$5,MATCH(0,COUNTIF(H$1:H{r - 1},A$1:A$5),0)),"")}}',
        )
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok, report.failed
    assert [v[("S", f"F{r}")] for r in (2, 3, 4)] == [3, 1, 0]
    assert [v[("S", f"G{r}")] for r in (2, 3, 4)] == [9, 4, 0]
    assert [v[("S", f"H{r}")] for r in (2, 3, 4)] == ["x", "y", "z"]


def test_three_d_and_non_ascii_sheets(tmp_path: Path) -> None:
    """SUM over a 3-D reference adds the cell of every sheet between; other uses of a
    3-D reference are named, never a silent #REF!; Лист1!A1 reads the Cyrillic sheet."""
    import xlsxwriter

    path = tmp_path / "3d.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name, value in (("Q1 SALES", 10.0), ("Q2", 20.0), ("SALES", 30.0), ("Лист1", 4.0)):
        wb.add_worksheet(name).write_number("A1", value)
    ws = wb.add_worksheet("Sum")
    ws.write_formula("A1", "=SUM('Q1 SALES:SALES'!A1)")
    ws.write_formula("A2", "=AVERAGE(Q2:SALES!A1)")
    ws.write_formula("A3", "=Лист1!A1*2")
    ws.write_formula("A4", "=Q2:SALES!A1+1")
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert (v[("Sum", "A1")], v[("Sum", "A2")], v[("Sum", "A3")]) == (60, 25, 8)
    assert [f.cell for f in report.failed] == ["A4"]
    assert "3-D reference" in report.failed[0].reason


def test_dynamic_arrays_spill(tmp_path: Path) -> None:
    """A dynamic array stored on its anchor only spills into the cells Excel fills;
    formulas reading the spill see it; a blocked spill is #SPILL!."""
    import xlsxwriter

    path = tmp_path / "spill.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r in range(2, 7):
        ws.write_number(f"B{r}", float(r - 1))
    ws.write_dynamic_array_formula("D2", "=B2:B6*2")  # stored as ref="D2"
    ws.write_formula("F2", "=SUM(D2:D6)")
    ws.write_dynamic_array_formula("H2", "=B2:B6*3")
    ws.write_string("H4", "in the way")
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok
    assert [v[("S", f"D{r}")] for r in range(2, 7)] == [2, 4, 6, 8, 10]
    assert v[("S", "F2")] == 30
    assert v[("S", "H2")] == "#SPILL!"
    assert v[("S", "H4")] == "in the way"
    sheet = zipfile.ZipFile(tmp_path / "out-spill.xlsx").read("xl/worksheets/sheet1.xml")
    assert b'ref="D2:D6"' in sheet


def _with_external_link(path: Path, link: bytes | None = None) -> None:
    """Add an external-link part (by default caching '[1]Pay Bands'!B2 = 123000)."""
    link = link or (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<externalBook r:id="rId1"><sheetNames><sheetName val="Pay Bands"/></sheetNames>'
        b'<sheetDataSet><sheetData sheetId="0"><row r="2"><cell r="B2"><v>123000</v></cell>'
        b'<cell r="C2" t="str"><v>L5</v></cell></row></sheetData></sheetDataSet>'
        b"</externalBook></externalLink>"
    )
    link_rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="bands.xlsx" TargetMode="External"/>'
        b"</Relationships>"
    )
    src = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(src)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(
                    b"</sheets>",
                    b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                    b"</externalReferences>",
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/externalLink" '
                    b'Target="externalLinks/externalLink1.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                    b'externalLink+xml"/></Types>',
                )
            zout.writestr(info, data)
        zout.writestr("xl/externalLinks/externalLink1.xml", link)
        zout.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels)
    tmp.unlink()


def test_external_links_use_cached_values(tmp_path: Path) -> None:
    """'[1]Pay Bands'!$B$2 reads the value cached in the external-link part."""
    import xlsxwriter

    path = tmp_path / "ext.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_formula("A1", "='[1]Pay Bands'!$B$2*1.1", None, 0)
    ws.write_formula("A2", "='[1]Pay Bands'!C2", None, 0)
    ws.write_formula("A3", "='[1]Other'!C2", None, 0)
    wb.close()
    _with_external_link(path)
    report, v = _refresh(path, tmp_path)
    assert v[("S", "A1")] == pytest.approx(135300)
    assert v[("S", "A2")] == "L5"
    assert [f.cell for f in report.failed] == ["A3"]
    assert "external" in report.failed[0].reason


def test_external_link_ranges_and_sheets(tmp_path: Path) -> None:
    """Each sheet of a linked book keeps its own cached cells; ranges, cached errors,
    COUNTA and VLOOKUP read the cache as Excel shows it until the link is updated."""
    import xlsxwriter

    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<externalBook r:id="rId1"><sheetNames><sheetName val="Data"/>'
        b'<sheetName val="Other"/></sheetNames><sheetDataSet>'
        b'<sheetData sheetId="0"><row r="1"><cell r="A1"><v>100</v></cell>'
        b'<cell r="B1"><v>0.15</v></cell></row><row r="2"><cell r="A2"><v>200</v></cell>'
        b'<cell r="B2" t="str"><v>x</v></cell></row>'
        b'<row r="3"><cell r="A3" t="e"><v>#N/A</v></cell></row></sheetData>'
        b'<sheetData sheetId="1"><row r="1"><cell r="A1"><v>7</v></cell></row></sheetData>'
        b"</sheetDataSet></externalBook></externalLink>"
    )
    path = tmp_path / "ext2.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_formula("A1", "=[1]Data!$A$1*2", None, 0)
    ws.write_formula("B1", "=SUM([1]Data!$A$1:$A$2)", None, 0)
    ws.write_formula("D1", "=[1]Other!$A$1+1", None, 0)
    ws.write_formula("B2", '=IFERROR([1]Data!$A$3,"na")', None, 0)
    ws.write_formula("C2", "=COUNTA([1]Data!$A$1:$B$3)", None, 0)
    ws.write_formula("D2", "=VLOOKUP(200,[1]Data!$A$1:$B$2,2,FALSE)", None, 0)
    wb.close()
    _with_external_link(path, link)
    report, v = _refresh(path, tmp_path)
    assert report.ok
    # 100*2; 100+200; 7+1; cached #N/A caught; 100, 0.15, 200, "x", #N/A are 5 values
    assert [v[("S", c)] for c in ("A1", "B1", "D1", "B2", "C2", "D2")] == [
        200,
        300,
        8,
        "na",
        5,
        "x",
    ]


def test_uncomputed_cells_keep_full_calc_and_exit_1(tmp_path: Path) -> None:
    """A cell refresh cannot compute is named, keeps fullCalcOnLoad, and exits 1."""
    import xlsxwriter

    path = tmp_path / "let.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_formula("A1", "=1+1")
    ws.write_formula("A2", "=NOSUCHFN(1)", None, 7)
    wb.close()
    out = tmp_path / "out.xlsx"
    proc = subprocess.run(
        [sys.executable, "-m", "xlcomp", "refresh", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "S!A2" in proc.stdout + proc.stderr
    assert b'fullCalcOnLoad="1"' in zipfile.ZipFile(out).read("xl/workbook.xml")
    assert cached_values(out)[("S", "A1")] == 2


# ---------------------------------------------------------------------------------------
# Where Excel and LibreOffice differ: Excel's documented answer


def test_excel_answers_where_libreoffice_differs(tmp_path: Path) -> None:
    """The known differences of tests/differential.py, with Excel's answer."""
    # A1 TRUE, A2 #DIV/0!, A3 #N/A; C1:D4 for COUNTIFS: one row (1) with C blank and D "1.5".
    import xlsxwriter

    path = tmp_path / "diff.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_boolean("A1", True)
    ws.write_formula("A2", "=1/0")
    ws.write_formula("A3", "=NA()")
    cases = {
        "B1": ('=SUM("5",2)', 7),  # typed text numbers count (LibreOffice: #VALUE!)
        "B2": ('=TEXT(7,"#.##")', "7."),  # the point stays (LibreOffice: "7")
        "B3": ('=TEXT(-0.4,"0")', "-0"),  # the sign stays (LibreOffice: "0")
        "B4": ("=ISNUMBER(A1)", False),  # a logical is no number (LibreOffice: TRUE)
        "B5": ("=5&A1", "5TRUE"),  # (LibreOffice: "51")
        "B6": ('=TEXT(2,"m/d/yyyy")', "1/2/1900"),  # serial 1 is 1 Jan 1900
        "B7": ("=SUM(A2:A3)", "#DIV/0!"),  # the first error (LibreOffice: the last)
        "B8": ('=1E+15&""', "1E+15"),  # General's switch (LibreOffice: 16 digits)
        "B11": ('=MATCH("5",E1:E2,0)', "#N/A"),  # text 5 is not the number 5
        # Every criteria pair must hold, in any order (LibreOffice: 0 in this order).
        "B9": ('=COUNTIFS(C1:C4,"",D1:D4,"1.5")', 1),
        "B10": ('=COUNTIFS(D1:D4,"1.5",C1:C4,"")', 1),
    }
    ws.write_string("D1", "1.5")
    ws.write_string("C2", "x")
    ws.write_string("D2", "1.5")
    ws.write_number("E2", 5.0)
    for cell, (f, _exp) in cases.items():
        ws.write_formula(cell, f)
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert report.ok
    for cell, (f, exp) in cases.items():
        assert v[("S", cell)] == exp, f"{cell} {f}: {v[('S', cell)]!r}"


def test_let_and_lambda(tmp_path: Path) -> None:
    """LET names, a LAMBDA bound by LET or by a defined name, called with arguments."""
    import xlsxwriter

    path = tmp_path / "let.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 10.0)
    ws.write_number("A2", 20.0)
    # x = 20, y = 21: 420
    ws.write_formula("B1", "=_xlfn.LET(_xlpm.x,A1*2,_xlpm.y,_xlpm.x+1,_xlpm.x*_xlpm.y)")
    # f(20) + 1 = 61
    ws.write_formula("B2", "=_xlfn.LET(_xlpm.f,_xlfn.LAMBDA(_xlpm.a,_xlpm.a*3),_xlpm.f(A2)+1)")
    wb.define_name("TRIPLE", "=_xlfn.LAMBDA(_xlpm.v,_xlpm.v*3)")
    ws.write_formula("B3", "=TRIPLE(A1)")  # 30
    ws.write_formula("B4", "=_xlfn.LET(_xlpm.r,A1:A2,SUM(_xlpm.r))")  # 30
    ws.write_formula("B5", "=_xlfn.LET(_xlpm.x,1)")  # no calculation: named
    ws.write_formula("C1", "=B1+1")  # reads a LET result: 421
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert [v[("S", f"B{r}")] for r in range(1, 5)] == [420, 61, 30, 30]
    assert v[("S", "C1")] == 421
    assert [(f.cell, f.reason) for f in report.failed] == [
        ("B5", "LET needs name, value pairs and a calculation")
    ]


def test_references_returned_by_functions(tmp_path: Path) -> None:
    """INDEX, CHOOSE and IF hand back references: a plain formula intersects them with
    its row or column (Excel shows ``=@INDEX(...)``), and ISREF says TRUE."""
    import xlsxwriter

    path = tmp_path / "refs.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i in range(1, 4):
        ws.write_number(f"A{i}", i)
        ws.write_number(f"B{i}", 10 * i)
        ws.write_formula(f"I{i}", "=INDEX($A$1:$B$3,0,2)")  # column B, row i
        ws.write_formula(f"J{i}", "=IF(TRUE,$B$1:$B$3)")
        ws.write_formula(f"K{i}", "=CHOOSE(1,$B$1:$B$3)*2")
    ws.write_formula("L1", "=INDEX(A1:B3,3,0)")  # row 3 of the block, column L: #VALUE!
    ws.write_formula("B5", "=INDEX(A1:B3,3,0)")  # row 3, column B: 30
    ws.write_formula("C5", "=INDEX(A1:B3,2,1)+INDEX(B1:B3,3)")  # 2 + 30
    ws.write_formula("D5", "=INDEX(A1:B3,4,1)")  # past the block: #REF!
    ws.write_formula("M1", "=ISREF(INDEX(A1:A3,2))")
    ws.write_formula("M2", "=ISREF(CHOOSE(1,A1,A2))")
    ws.write_formula("M3", "=ISREF(IF(TRUE,A1))")
    ws.write_formula("M4", "=ISREF(IF(FALSE,A1))")  # IF's missing else is FALSE, a value
    ws.write_formula("M5", "=ISREF(CHOOSE(2,A1,5))")
    ws.write_formula("M6", "=ISREF(A1:A2)")
    wb.close()
    report, v = _refresh(path, tmp_path)
    assert not report.failed
    for i in range(1, 4):
        assert [v[("S", f"{col}{i}")] for col in "IJK"] == [10 * i, 10 * i, 20 * i]
    assert [v[("S", c)] for c in ("L1", "B5", "C5", "D5")] == ["#VALUE!", 30, 32, "#REF!"]
    assert [v[("S", f"M{i}")] for i in range(1, 7)] == [True, True, True, False, False, True]


def test_zero_to_the_power_zero(tmp_path: Path) -> None:
    """``=0^0`` is #NUM! in Excel (as POWER(0,0)); LibreOffice says 1."""
    import xlsxwriter

    path = tmp_path / "pow.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 0)
    ws.write_number("A2", 0)
    ws.write_formula("C1", "=0^0")
    ws.write_formula("C2", "=POWER(A1,A2)")
    ws.write_formula("C3", '=IFERROR(A1^A2,"n/a")')
    ws.write_formula("C4", "=A1^1+2^A2")  # 0 + 1
    for r in range(5, 9):
        ws.write_formula(f"C{r}", "=A$1^(ROW()-5)")  # a run: #NUM!, 0, 0, 0
    wb.close()
    _report, v = _refresh(path, tmp_path)
    assert [v[("S", f"C{r}")] for r in range(1, 5)] == ["#NUM!", "#NUM!", "n/a", 1]
    assert [v[("S", f"C{r}")] for r in range(5, 9)] == ["#NUM!", 0, 0, 0]


def test_sumif_sum_range_takes_the_criteria_shape(tmp_path: Path) -> None:
    """SUMIF/AVERAGEIF add the cells of a block the criteria range's size, starting at
    the sum range's top-left cell, whatever size the sum range is written."""
    import xlsxwriter

    path = tmp_path / "sumif.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i, (a, b) in enumerate([("x", 1), ("y", 2), ("x", 4), ("y", 8)], 1):
        ws.write(f"A{i}", a)
        ws.write_number(f"B{i}", b)
        ws.write_number(f"C{i}", 100 * b)
    ws.write_formula("E1", '=SUMIF(A1:A4,"x",B1)')  # B1:B4: 1 + 4
    ws.write_formula("E2", '=SUMIF(A1:A4,"y",B1:B2)')  # B1:B4: 2 + 8
    ws.write_formula("E3", '=AVERAGEIF(A1:A4,"y",B1)')  # (2 + 8) / 2
    ws.write_formula("E4", '=SUMIF(A1:A4,"x",B1:C9)')  # B1:B4 again, not B1:C9
    ws.write_formula("E5", '=SUMIF($A$1:$A$4,"y",C$1)')  # C1:C4: 200 + 800
    ws.write_formula("E6", '=SUMIF(A2:A4,"x",B1)')  # B1:B3 against A2:A4: A3 -> B2 = 2
    wb.close()
    _report, v = _refresh(path, tmp_path)
    assert [v[("S", f"E{r}")] for r in range(1, 7)] == [5, 10, 5, 5, 1000, 2]


def test_array_parameters_and_text_logicals(tmp_path: Path) -> None:
    """INDEX's array and MATCH's lookup_array evaluate expressions as arrays without
    Ctrl+Shift+Enter; IF takes the texts TRUE and FALSE as logicals."""
    import xlsxwriter

    path = tmp_path / "idiom.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i, x in enumerate([1, 5, 9], 1):
        ws.write_number(f"A{i}", x)
    ws.write_formula("C10", "=MATCH(TRUE,INDEX(A1:A3>4,0),0)")  # first above 4: row 2
    ws.write_formula("C11", '=IF("TRUE",1,2)')
    ws.write_formula("C12", "=INDEX(A1:A3*10,2)")  # {10;50;90}, 2nd
    ws.write_formula("C13", '=IF("false",1,2)')
    ws.write_formula("C14", '=IF("yes",1,2)')  # other text: #VALUE!
    ws.write_formula("C15", "=MATCH(81,A1:A3^2,0)")  # {1;25;81}: 3
    wb.close()
    _report, v = _refresh(path, tmp_path)
    assert [v[("S", f"C{r}")] for r in range(10, 16)] == [2, 1, 50, 2, "#VALUE!", 3]


def test_filter_keeps_rows_and_spills(tmp_path: Path) -> None:
    """FILTER keeps the rows whose include value is TRUE; none kept is #CALC!."""
    import xlsxwriter

    path = tmp_path / "filter.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i, x in enumerate([3, 1, 2], 1):
        ws.write_number(f"A{i}", x)
    ws.write_dynamic_array_formula("C1", "=_xlfn._xlws.FILTER(A1:A3,A1:A3>5)")
    ws.write_formula("D1", "=IF(ISERROR(C1),ERROR.TYPE(C1),0)")
    ws.write_dynamic_array_formula("E1", "=_xlfn._xlws.FILTER(A1:A3,A1:A3>1)")
    wb.close()
    _report, v = _refresh(path, tmp_path)
    assert [v[("S", "C1")], v[("S", "D1")]] == ["#CALC!", 14]
    assert [v[("S", "E1")], v[("S", "E2")]] == [3, 2]


def test_criteria_cache_tells_true_from_one() -> None:
    """Criteria are parsed once per distinct value; TRUE and 1 are equal as dict keys in
    Python but not in Excel: over {TRUE, 1, "1", 1, TRUE, blank, TRUE} COUNTIF(.., TRUE)
    counts the three TRUEs, COUNTIF(.., 1) the two numbers 1 (a number criteria matches
    numbers only), COUNTIF(.., "1") the numbers and the text "1" (3), whichever runs
    first."""
    rng = _grid([1.0, True, "1", 1.0, True, None, True])
    for _ in range(2):
        assert F["COUNTIF"](rng, 1.0) == 2
        assert F["COUNTIF"](rng, True) == 3
        assert F["COUNTIF"](rng, "1") == 3
        assert F["COUNTIF"](rng, "TRUE") == 3
