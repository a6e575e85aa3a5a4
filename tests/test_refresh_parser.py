"""Formula parsing, shape keys, structured references and value patching of the refresh engine."""

from __future__ import annotations

import pytest

from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Table
from xlcomp.refresh.patch import drop_full_calc_on_load, format_number, serialize
from xlcomp.refresh.structured import StructRefError, resolve
from xlcomp.refresh.values import ERRORS


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("ROUND(B2*$F$1,2)", 2, 3), ("ROUND(B3*$F$1,2)", 3, 3), True),
        (("ROUND(B2*$F$1,2)", 2, 3), ("ROUND(B2*$F$1,2)", 3, 3), False),
        (("SUM(A:A)", 1, 2), ("SUM(A:A)", 1, 3), False),
        (("SUM(A:A)", 1, 2), ("SUM(B:B)", 1, 3), True),
        (('"B2"&B2', 2, 1), ('"B2"&B3', 3, 1), True),
        (("T[Q1]+Q1", 1, 1), ("T[Q1]+Q2", 2, 1), True),
        (("T[Q1]", 1, 1), ("T[Q2]", 2, 1), False),
        (("'A1'!B2", 2, 2), ("'A1'!B3", 3, 2), True),
        (("LOG10(A1)", 1, 2), ("LOG10(A2)", 2, 2), True),
    ],
    ids=[
        "relative-row",
        "same-text-other-row",
        "whole-column",
        "column-moves",
        "text-not-a-ref",
        "table-column-not-a-ref",
        "table-columns-differ",
        "quoted-sheet",
        "function-name-with-digits",
    ],
)
def test_shape_key(a: tuple[str, int, int], b: tuple[str, int, int], same: bool) -> None:
    """Equal shape keys exactly when formulas differ only by the cell they sit in."""
    assert (fx.shape_key(*a) == fx.shape_key(*b)) is same


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        ("-2^2", fx.BinOp("^", fx.UnaryOp("-", fx.Literal(2.0)), fx.Literal(2.0))),
        ("1+2*3", fx.BinOp("+", fx.Literal(1.0), fx.BinOp("*", fx.Literal(2.0), fx.Literal(3.0)))),
        (
            '"a"&1=1',
            fx.BinOp("=", fx.BinOp("&", fx.Literal("a"), fx.Literal(1.0)), fx.Literal(1.0)),
        ),
        ("50%", fx.UnaryOp("%", fx.Literal(50.0))),
        ('"say ""hi"""', fx.Literal('say "hi"')),
        ("#N/A", fx.Literal("#N/A", is_error=True)),
        ("F(1,,3)", fx.Call("F", (fx.Literal(1.0), fx.Missing(), fx.Literal(3.0)))),
        (
            "{1,2;3,4}",
            fx.ArrayLit(((fx.Literal(1.0), fx.Literal(2.0)), (fx.Literal(3.0), fx.Literal(4.0)))),
        ),
        ("Bands", fx.Name("Bands")),
        ("T[[#This Row],[a]]", fx.StructRef("T", "[[#This Row],[a]]")),
    ],
    ids=[
        "neg-before-pow",
        "precedence",
        "concat-then-compare",
        "percent",
        "quotes",
        "error",
        "missing-arg",
        "array",
        "name",
        "structured",
    ],
)
def test_parse(text: str, exp: fx.Node) -> None:
    """Excel's precedence and literal forms."""
    assert fx.parse(text) == exp


def test_parse_reference_offsets() -> None:
    """Relative parts of a reference are offsets from the cell; $ parts are absolute."""
    got = fx.parse("Data!$B3:C$5", row=3, col=4)
    assert got == fx.Ref("Data", 0, 2, 5, -1, False, True, True, False, False)


@pytest.mark.parametrize(
    "text",
    ["SUM(A1", "1+", "A1 B1", "{1,A1}", ")"],
    ids=["unclosed", "dangling-op", "intersection", "ref-in-array", "stray-paren"],
)
def test_parse_rejects(text: str) -> None:
    """Formulas the engine cannot read raise ParseError (reported per cell)."""
    with pytest.raises(fx.ParseError):
        fx.parse(text)


TABLE = Table(
    "Table1",
    0,
    r1=3,
    c1=2,
    r2=6,
    c2=11,
    header_rows=1,
    totals_rows=1,
    columns=[f"Column{i}" for i in range(1, 11)],
)


@pytest.mark.parametrize(
    ("spec", "row", "exp"),
    [
        ("[[#This Row],[Column1]:[Column3]]", 4, (4, 2, 4, 4)),
        ("[@Column2]", 5, (5, 3, 5, 3)),
        ("[@[Column2]]", 5, (5, 3, 5, 3)),
        ("[Column2]", 1, (4, 3, 5, 3)),
        ("[column2]", 1, (4, 3, 5, 3)),
        ("[#All]", 1, (3, 2, 6, 11)),
        ("[]", 1, (4, 2, 5, 11)),
        ("[[#Headers],[Column10]]", 1, (3, 11, 3, 11)),
        ("[[#Totals],[Column3]]", 1, (6, 4, 6, 4)),
        ("[[#Headers],[#Data],[Column1]]", 1, (3, 2, 5, 2)),
    ],
    ids=[
        "this-row-span",
        "at-short",
        "at-bracketed",
        "column",
        "case-insensitive",
        "all",
        "empty",
        "header-cell",
        "totals-cell",
        "headers-and-data",
    ],
)
def test_structured(spec: str, row: int, exp: tuple[int, int, int, int]) -> None:
    """Table B3:K6 (header row 3, totals row 6): each reference names the right cells."""
    assert resolve(TABLE, spec, row) == exp


@pytest.mark.parametrize(
    ("spec", "row"), [("[Nope]", 4), ("[@Column1]", 6)], ids=["no-column", "this-row-outside"]
)
def test_structured_errors(spec: str, row: int) -> None:
    """Unknown columns and #This Row outside the data body are errors."""
    with pytest.raises(StructRefError):
        resolve(TABLE, spec, row)


def test_structured_escape() -> None:
    """A quote escapes brackets in a column name."""
    t = Table("T", 0, 1, 1, 3, 1, 1, 0, ["Q1 [est]"])
    assert resolve(t, "[Q1 '[est']]", 1) == (2, 1, 3, 1)


@pytest.mark.parametrize(
    ("value", "exp"),
    [
        (356000.0, (None, b"356000")),
        (0.1 + 0.2, (None, b"0.30000000000000004")),
        (-0.0, (None, b"0")),
        (True, (b"b", b"1")),
        ("a<b & c", (b"str", b"a&lt;b &amp; c")),
        ("line\r", (b"str", b"line_x000D_")),
        (ERRORS["#DIV/0!"], (b"e", b"#DIV/0!")),
    ],
    ids=["int", "shortest-repr", "neg-zero", "bool", "escaped", "control-char", "error"],
)
def test_serialize(value: object, exp: tuple[bytes | None, bytes]) -> None:
    """Values are written as Excel writes them."""
    assert serialize(value) == exp


def test_format_number_large() -> None:
    """Large and tiny numbers keep round-trip precision."""
    for v in (1e20, 1.5e-7, 123456789.123):
        assert float(format_number(v)) == v


@pytest.mark.parametrize(
    ("xml", "exp"),
    [
        (b'<calcPr calcId="1" fullCalcOnLoad="1"/>', b'<calcPr calcId="1"/>'),
        (b"<calcPr fullCalcOnLoad='1' />", b"<calcPr />"),
        (b'<calcPr calcId="1"/>', b'<calcPr calcId="1"/>'),
    ],
    ids=["double-quotes", "single-quotes", "absent"],
)
def test_drop_full_calc_on_load(xml: bytes, exp: bytes) -> None:
    """Only the fullCalcOnLoad attribute goes."""
    assert drop_full_calc_on_load(b"<workbook>" + xml + b"</workbook>") == (
        b"<workbook>" + exp + b"</workbook>"
    )
