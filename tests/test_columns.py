"""Column evaluation gives exactly what cell-by-cell evaluation gives, bit for bit.

Each example builds a random workbook (XlsxWriter): input columns mixing numbers of
every magnitude, zeros of both signs, numeric and other text, booleans, blanks and
errors; then columns of alike formulas over them (arithmetic, comparisons, IF, ROUND,
SUM over moving ranges, our worksheet functions, nestings), plus runs that read
themselves, runs that read each other across rows, and a formula that cannot compile.
The workbook is recalculated three ways — as columns, with every column form replaced
by the cell closure mapped over the rows, and with every formula its own node (the
engine before runs existed) — and every result and failure must be identical.
"""

from __future__ import annotations

import math
import random
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcomp.ooxml import open_workbook
from xlcomp.refresh import Recalculation, dependency_graph, recalculate
from xlcomp.refresh import graph as graph_module
from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import read_book
from xlcomp.refresh.compiler import CellStore, Compiled, Compiler

ROWS = 40
BANDS = "Bands!$A$1:$E$5"
BAND_ROWS = [
    ["region", "level", "component", "min", "max"],
    ["Seattle", "L4", "base", 150000, 200000],
    ["Seattle", "L5", "base", 190000, 250000],
    ["Remote", "L4", "base", 130000, 180000],
    ["Remote", "L5", "base", 170000, 230000],
]
ERRORS = ("#N/A", "#DIV/0!", "#VALUE!")


def _number(rng: random.Random) -> float:
    pick = rng.random()
    if pick < 0.1:
        return rng.choice([0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5])
    if pick < 0.2:
        return float(rng.randint(-5, 5))
    if pick < 0.3:  # any double, as bits
        while True:
            x: float = struct.unpack("<d", rng.randbytes(8))[0]
            if math.isfinite(x):
                return x
    return rng.uniform(-1, 1) * 10.0 ** rng.randint(-12, 12)


def _value(rng: random.Random, mess: float) -> Any:
    """A number most of the time; text, a boolean, a blank or an error otherwise."""
    if rng.random() >= mess:
        return _number(rng)
    return rng.choice(["text", "12.5", "", True, False, None, "err"])


FORMULAS = [
    "A{r}+B{r}",
    "A{r}-B{r}*C{r}",
    "A{r}/B{r}",
    "A{r}^B{r}",
    "-A{r}%",
    "A{r}*1E300*1E10",
    "(A{r}+B{r})/(C{r}-A{r})",
    "A{r}=B{r}",
    "A{r}<=C{r}",
    "A{r}<>0",
    'IF(A{r}>B{r},A{r},"no")',
    "IF(C{r},A{r})",
    "IF(A{r}>0,B{r},C{r}+1)",
    "ROUND(A{r},1)",
    "ROUND(B{r}*100,-2)",
    "ROUND(A{r},C{r})",
    "SUM(A{r}:C{r})",
    "SUM(A{r},B{r},$D$2)",
    "SUM(A{r}:B{r},C{r}*2)",
    "SUM(A{r}:C{r},A{r}:C{r},A{r}:C{r})",
    "A{r}+$D$2",
    "A{p}+B{r}",
    "TOTALCOMP(A{r},B{r},0.1)",
    "TOTALCOMP(A{r},B{r},C{r},,4)",
    'BANDPERCENTILE(A{r}*1000,E{r},"L4","base",' + BANDS + ")",
    'COMPARATIO(ABS(A{r})*1E5,"Seattle",F{r},"base",' + BANDS + ")",
    "ROUND(TOTALCOMP(A{r},B{r},0.15),0)+SUM(A{r}:B{r})",
    "IF(ISNUMBER(A{r}),ROUND(A{r}*3,2),-1)",
    "LEN(E{r})+A{r}",
]


def _workbook(path: Path, seed: int) -> None:
    import xlsxwriter

    rng = random.Random(seed)
    mess = rng.choice([0.0, 0.05, 0.3])
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    bands = wb.add_worksheet("Bands")
    for i, row in enumerate(BAND_ROWS):
        bands.write_row(i, 0, row)
    ws.write_number(1, 3, _number(rng))  # D2
    for r in range(2, ROWS + 2):
        for col in range(3):  # A, B, C
            v = _value(rng, mess)
            if v is None:
                continue
            if v == "err":
                ws.write_formula(r - 1, col, f"={rng.choice(ERRORS)}")
            elif isinstance(v, bool):
                ws.write_boolean(r - 1, col, v)
            elif isinstance(v, str):
                ws.write_string(r - 1, col, v)
            else:
                ws.write_number(r - 1, col, v)
        ws.write_string(r - 1, 4, rng.choice(["Seattle", "Remote", "Mars", "seattle"]))
        ws.write_string(r - 1, 5, rng.choice(["L4", "L5", "L9"]))
    chosen = rng.sample(FORMULAS, 8)
    col = 7  # H onwards: one column per formula, a few rows left out or different
    for text in chosen:
        skip = rng.randrange(2, ROWS + 2)
        for r in range(2, ROWS + 2):
            if r == skip and rng.random() < 0.5:
                continue  # a gap splits the run in two
            f = text.format(r=r, p=max(r - 1, 1))
            if r == skip:
                f = f"A{r}*7"  # another shape inside the column
            ws.write_formula(r - 1, col, "=" + f)
        col += 1
    letters = fx.col_letters
    for r in range(2, ROWS + 2):
        # A running total (reads the row above in its own column) and two columns that
        # read each other across rows (a cycle of runs, not of cells).
        above = f"{letters(col)}{r - 1}" if r > 2 else "0"
        ws.write_formula(r - 1, col, f"={above}+IF(ISNUMBER(A{r}),A{r},0)")
        ws.write_formula(r - 1, col + 1, f"={letters(col + 2)}{max(r - 1, 1)}+1")
        ws.write_formula(r - 1, col + 2, f"={letters(col + 1)}{r}*2")
        if r == ROWS // 2:
            ws.write_formula(r - 1, col + 3, "=NOSUCHFUNCTION(A2)")
        else:
            ws.write_formula(r - 1, col + 3, f"={letters(col + 3)}{ROWS + 5}+A{r}")
        ws.write_formula(r - 1, col + 4, f"=SUM({letters(col + 3)}{r},1)")
    wb.close()


def _snapshot(recalc: Recalculation) -> tuple[dict[Any, tuple[str, str]], list[str]]:
    values = {
        (s, key): (type(v).__name__, repr(v))
        for s, cells in recalc.results.items()
        for key, v in cells.items()
    }
    return values, sorted(str(f) for f in recalc.failures)


def _cell_by_cell(path: Path, monkeypatch: pytest.MonkeyPatch) -> Recalculation:
    """Every formula its own node, evaluated by its closure."""
    with monkeypatch.context() as m:
        m.setattr(graph_module, "RUNS", False)
        return recalculate(open_workbook(path))


def _closures_mapped(path: Path, monkeypatch: pytest.MonkeyPatch) -> Recalculation:
    """Runs kept, but each run the cell closure mapped over its rows."""
    with monkeypatch.context() as m:
        m.setattr(Compiled, "column", property(lambda self: None))
        return recalculate(open_workbook(path))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_columns_give_the_bits_of_cell_by_cell(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same values (type and repr), same failures, whichever way the book is evaluated."""
    path = tmp_path / f"random-{seed}.xlsx"
    _workbook(path, seed)
    as_columns = recalculate(open_workbook(path))
    alone = _cell_by_cell(path, monkeypatch)
    mapped = _closures_mapped(path, monkeypatch)
    assert any(node.n > 1 for node in as_columns.graph.nodes)  # runs were formed
    assert all(node.n == 1 for node in alone.graph.nodes)
    assert _snapshot(as_columns) == _snapshot(alone)
    assert _snapshot(mapped) == _snapshot(alone)


def test_runs_and_what_breaks_them(tmp_path: Path) -> None:
    """Alike formulas down a column are one node; a gap, another shape, a run reading
    itself and runs reading each other in a circle are taken apart, as the cells say."""
    import xlsxwriter

    path = tmp_path / "runs.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r in range(1, 11):
        ws.write_number(r - 1, 0, float(r))
        ws.write_formula(r - 1, 1, f"=A{r}*2")  # B1:B10 one run
        if r != 5:
            ws.write_formula(r - 1, 2, f"=A{r}+1")  # C1:C4 and C6:C10 (gap at C5)
        ws.write_formula(r - 1, 3, f"=D{r - 1}+A{r}" if r > 1 else "=A1")  # running total
        ws.write_formula(r - 1, 4, f"=F{max(r - 1, 1)}+1")  # E reads F one row up ...
        ws.write_formula(r - 1, 5, f"=E{r}*2")  # ... and F reads E: no cell cycle
    wb.close()
    book = read_book(open_workbook(path))
    graph = dependency_graph(book)
    runs = sorted(
        (fx.cell_name(n.row, n.col), n.n) for n in graph.nodes if n.n > 1 and n.col in (2, 3)
    )
    assert runs == [("B1", 10), ("C1", 4), ("C6", 5)]
    assert all(n.n == 1 for n in graph.nodes if n.col in (4, 5, 6))
    # E1 = F1 + 1 and F1 = E1 * 2 is a true cycle of two cells; everything after them
    # in E and F depends on it.
    recalc = recalculate(book)
    assert "S!E1: circular reference" in {str(f) for f in recalc.failures}
    assert recalc.value((0, 10, 2)) == 20.0
    assert recalc.value((0, 10, 3)) == 11.0
    assert recalc.value((0, 10, 4)) == 55.0  # 1 + 2 + ... + 10


def test_shape_key_equals_the_r1c1_form() -> None:
    """The one-split shape key is equal exactly when the R1C1 forms are equal."""
    texts = [
        "ROUND(B{r}*$F$1,2)",
        "SUM(A:A)+B{r}",
        "SUM($2:{r})",
        '"B{r}"&B{r}',
        "T[Q1]+Q{r}",
        "'A1'!B{r}+LOG10(A{r})",
        "A{r}+A{q}+12",
        "$A{r}+A$3",
    ]
    rng = random.Random(7)
    cells = [
        (
            t.format(r=rng.randint(1, 30), q=rng.randint(1, 30)),
            rng.randint(1, 30),
            rng.randint(1, 6),
        )
        for t in texts
        for _ in range(40)
    ]
    for a in cells:
        for b in cells[::7]:
            same_r1c1 = fx.r1c1_shape(*a) == fx.r1c1_shape(*b)
            assert (fx.shape_key(*a) == fx.shape_key(*b)) is same_r1c1, (a, b)


@pytest.mark.parametrize(
    ("text", "row", "template"),
    [
        ("=D7*$B$1", 7, "=D\x01*$B$1"),
        ("=TOTALCOMP(D12,E12,F12)", 12, "=TOTALCOMP(D\x01,E\x01,F\x01)"),
        ('=IF(I3>=1,"above 1","below")', 3, '=IF(I\x01>=1,"above 1","below")'),
        ("=Params!$B$1*2", 5, "=Params!$B$1*2"),  # no relative row: the text itself
        ("=D7+D6", 7, None),  # a row above: its number is not the row's
        ("=D7*$B$7", 7, None),  # an absolute 7 would be taken for the row
        ("=D7+17", 7, None),  # a 7 inside another number
        ("=ROUND(H1,1)", 1, None),  # the literal 1 is the row's number too
        ('=D7&"7"', 7, None),  # ... and so is a 7 inside a text
        ("=SUM($D$2:D9)", 9, "=SUM($D$2:D\x01)"),
        ("=SUM($D$2:D2)", 2, None),
    ],
)
def test_row_template(text: str, row: int, template: str | None) -> None:
    """The row template: the row's number marked where it is a relative row, or None
    when a mark would stand for something else somewhere."""
    assert fx.row_template(text, row) == template


def test_row_template_stands_for_one_shape(tmp_path: Path) -> None:
    """Formulas with one row template (in one column) have one R1C1 form, and the
    compiler hands them one compiled shape, exactly when their R1C1 forms are equal,
    whichever rows it saw first."""
    import xlsxwriter

    path = tmp_path / "templates.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("S").write_number(0, 0, 1.0)
    wb.close()
    book = read_book(open_workbook(path))
    compiler = Compiler(book, {}, CellStore(book))
    texts = [
        "ROUND(B{r}*$F$1,2)",
        "B{r}*{r}",
        "C{r}+{q}",
        '"B{r}"&B{r}',
        "A{r}+A{q}+12",
        "$A{r}+A$3",
        "SUM($A$2:A{r})",
        "SUM(B{r}:C{q})",
        "A{r}*1{r}",
    ]
    rng = random.Random(11)
    cells = []
    for t in texts:
        for _ in range(60):
            r = rng.randint(1, 40)
            q = rng.choice([r, rng.randint(1, 40)])
            cells.append((t.format(r=r, q=q), r, rng.randint(3, 5)))
    rng.shuffle(cells)
    compiled = [compiler.compile_cell(0, text, row, col) for text, row, col in cells]
    for i, a in enumerate(cells):
        for j, b in enumerate(cells):
            if j % 5:
                continue
            same = fx.r1c1_shape(*a) == fx.r1c1_shape(*b)
            assert (compiled[i] is compiled[j]) is same, (a, b)
            ta, tb = fx.row_template(*a[:2]), fx.row_template(*b[:2])
            if ta is not None and ta == tb and a[2] == b[2]:
                assert same, (a, b)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_runs_of_cells_listed_out_of_order(seed: int) -> None:
    """A sheet whose cells the file lists bottom to top gives the same runs and the same
    values, failures included, as the same sheet listed row by row."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random-{seed}.xlsx"
        _workbook(path, seed)
        book = read_book(open_workbook(path))
        in_order = recalculate(book)
        book = read_book(open_workbook(path))
    for sheet in book.sheets:  # the cell objects, as the reader keeps them, bottom to top
        sheet._cells = dict(reversed(list(sheet._cells.items())))
    reversed_order = recalculate(book)

    def runs(recalc: Recalculation) -> set[tuple[int, int, int, int]]:
        return {(n.sheet, n.row, n.col, n.n) for n in recalc.graph.nodes}

    assert any(n.n > 1 for n in reversed_order.graph.nodes)
    assert runs(reversed_order) == runs(in_order)
    assert _snapshot(reversed_order) == _snapshot(in_order)


AWKWARD = [
    1.005,
    2.675,
    0.1 + 0.2,
    -1.005,
    -2.5,
    2.5,
    0.5,
    -0.0,
    0.0,
    1.0000000000000002,
    4.3999999999999995,  # 2.21 + 2.19
    123456789012345.67,
    -9.87654321e14,
    1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -2.2250738585072014e-308,
    1e-15,
]
DIGITS = [0.0, 1.0, 2.0, -1.0, -2.0, 15.0, 16.0, 20.0, -15.0, -400.0, 1.7, -0.5, 1e10]


def test_round_and_sum_runs_on_awkward_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROUND and SUM down a column of halves, 0.1+0.2, both zeros, the largest and
    smallest doubles and digits past 15 give the cells' own bits, and the numbers Excel
    shows for the classic cases."""
    import xlsxwriter

    path = tmp_path / "awkward.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    rows = [(x, d, y) for x in AWKWARD for d in DIGITS for y in AWKWARD[:: len(DIGITS) // 3]]
    for r, (x, d, y) in enumerate(rows, start=1):
        ws.write_number(r - 1, 0, x)
        ws.write_number(r - 1, 1, d)
        ws.write_number(r - 1, 2, y)
        ws.write_formula(r - 1, 4, f"=ROUND(A{r},B{r})")
        ws.write_formula(r - 1, 5, f"=ROUND(-A{r}*3,2)")
        ws.write_formula(r - 1, 6, f"=SUM(A{r}:C{r})")
        ws.write_formula(r - 1, 7, f"=SUM(A{r},C{r},D{r})")  # D is blank
        ws.write_formula(r - 1, 8, f"=SUM(A{r}:A{r},C{r},A{r},C{r})")
    wb.close()
    as_columns = recalculate(open_workbook(path))
    assert {node.n for node in as_columns.graph.nodes} == {len(rows)}  # five runs
    assert _snapshot(as_columns) == _snapshot(_cell_by_cell(path, monkeypatch))
    assert _snapshot(as_columns) == _snapshot(_closures_mapped(path, monkeypatch))

    def at(x: float, d: float, col: int) -> Any:
        r = next(i for i, row in enumerate(rows, start=1) if row[:2] == (x, d))
        return as_columns.value((0, r, col))

    # Worked by hand: Excel rounds the 15-digit number it shows, halves away from zero.
    assert at(1.005, 2.0, 5) == 1.01
    assert at(2.675, 2.0, 5) == 2.68
    assert at(-1.005, 2.0, 5) == -1.01
    assert at(-2.5, 0.0, 5) == -3.0
    assert at(0.1 + 0.2, 15.0, 5) == 0.3
    assert at(4.3999999999999995, 1.0, 5) == 4.4
    assert at(123456789012345.67, -2.0, 5) == 123456789012300.0
    assert at(2.675, 1.7, 5) == 2.7  # digits truncated to 1
    assert at(1.005, 0.0, 6) == -3.02  # ROUND(-3.015, 2)
    # SUM: 0.1+0.2 is the double 0.30000000000000004 plus the third column's value.
    r = next(i for i, row in enumerate(rows, start=1) if row[0] == 1.005)
    assert as_columns.value((0, r, 8)) == math.fsum([1.005, rows[r - 1][2]])
    huge = next(i for i, row in enumerate(rows, start=1) if row[0] == 1.7976931348623157e308)
    assert str(as_columns.value((0, huge, 9))).startswith("#NUM!")  # 2 x largest double
