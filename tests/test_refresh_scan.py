"""The lean read path and the value splice: cells read alike in every form, bytes kept.

The scanner reads the common form of a cell (``<c r="B2" s="3" t="s"><f>..</f><v>..</v>``)
in one regular-expression match and every other form through the general branch; both
must read the same cell the same way. The patcher splices a value of the same type into
the ``<v>`` span the reader recorded, so every other byte of the part stays as it was.
The tree-less well-formedness check refuses what the tree parser refuses. Refreshing a
workbook of arithmetic only imports none of xlwings, pydantic, openpyxl or scipy.
"""

from __future__ import annotations

import math
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.commands import OWN_PEAK_SOURCE
from tests.hostile import SHEET_NS, workbook_parts, write_zip
from tests.hostile import deflated as deflated_entry
from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.ooxml import Package, check_well_formed, parse
from xlcomp.ooxml.package import PartMap
from xlcomp.refresh import refresh_with_values, refresh_workbook
from xlcomp.refresh.book import Sheet, _scan_span, read_book
from xlcomp.refresh.patch import patch_sheet
from xlcomp.refresh.values import EMPTY, to_error

SHARED = ["alpha", "beta & co"]
SST = (
    f'<sst xmlns="{SHEET_NS}" count="2" uniqueCount="2">'
    "<si><t>alpha</t></si><si><t>beta &amp; co</t></si></sst>"
)


def sheet_of(cells: str, prefix: str = "") -> str:
    """A worksheet whose row 2 holds ``cells`` (``prefix``: the main namespace's prefix)."""
    ns = f'xmlns:{prefix[:-1]}="{SHEET_NS}"' if prefix else f'xmlns="{SHEET_NS}"'
    p = prefix
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<{p}worksheet {ns}><{p}sheetData><{p}row r="2">{cells}</{p}row>'
        f"</{p}sheetData></{p}worksheet>"
    )


def package(sheet: str) -> Package:
    """An in-memory package of one sheet (and a shared-string table of :data:`SHARED`)."""
    parts = workbook_parts(sheet=sheet)
    parts["xl/sharedStrings.xml"] = SST
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return Package(Path("book.xlsx"), parts={k: v.encode() for k, v in parts.items()})


def read_sheet(cells: str, prefix: str = "") -> Sheet:
    """Sheet1 of a package whose row 2 holds ``cells``."""
    return read_book(package(sheet_of(cells, prefix))).sheets[0]


def general_form(cell: str) -> str:
    """The same cell in a form the common branch does not take (a line break before ``r``)."""
    assert cell.startswith("<c r=")
    return "<c\n r=" + cell[len("<c r=") :]


# (cell as written, value read, formula read, formula type, text of <v> or None)
CASES: list[tuple[str, Any, str | None, str | None, str | None]] = [
    ('<c r="B2"><v>1.5</v></c>', 1.5, None, None, "1.5"),
    ('<c r="B2" s="3"><f>A2*2</f><v>4</v></c>', 4.0, "A2*2", "normal", "4"),
    ('<c r="B2" t="n"><v>-7E-3</v></c>', -0.007, None, None, "-7E-3"),
    ('<c r="B2" t="s"><v>1</v></c>', "beta & co", None, None, "1"),
    ('<c r="B2" s="1" t="s"><v>0</v></c>', "alpha", None, None, "0"),
    (
        '<c r="B2" t="str"><f>"a"&amp;"&lt;b"</f><v>a&amp;&lt;b</v></c>',
        "a&<b",
        '"a"&"<b"',
        "normal",
        "a&amp;&lt;b",
    ),
    ('<c r="B2" t="str"><v>tab_x0009_end</v></c>', "tab\tend", None, None, "tab_x0009_end"),
    ('<c r="B2" t="b"><f>1=1</f><v>1</v></c>', True, "1=1", "normal", "1"),
    ('<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', to_error("#DIV/0!"), "1/0", "normal", None),
    ('<c r="B2"><v>&#49;2</v></c>', 12.0, None, None, "&#49;2"),
    ('<c r="B2"><v></v></c>', EMPTY, None, None, ""),
    ('<c r="B2" s="4"/>', EMPTY, None, None, None),
    ('<c r="B2"><f>A2</f></c>', EMPTY, "A2", "normal", None),
    ('<c r="B2"><f></f><v>3</v></c>', 3.0, None, "normal", "3"),
    ('<c r="B2" t="inlineStr"><is><t>in line</t></is></c>', "in line", None, None, None),
    ('<c r="B2" s="1" t="inlineStr"><is><t>a&amp;b_x0009_</t></is></c>', "a&b\t", None, None, None),
    (
        '<c r="B2" t="inlineStr"><is><r><t>bo</t></r><r><t>ld</t></r></is></c>',
        "bold",
        None,
        None,
        None,
    ),
    ('<c r="B2" s="2" t="str"><v xml:space="preserve"> x </v></c>', " x ", None, None, " x "),
    (
        '<c r="B2"><f t="shared" ref="B2:B9" si="0">A2+1</f><v>2</v></c>',
        2.0,
        "A2+1",
        "shared",
        "2",
    ),
    ('<c r="B2" t="s" s="7" cm="1"><v>0</v></c>', "alpha", None, None, "0"),
    ("<c r='B2' t='b'><v>0</v></c>", False, None, None, "0"),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and (a == b if not hasattr(a, "__array__") else str(a) == str(b))


@pytest.mark.parametrize(("xml", "value", "formula", "ftype", "vtext"), CASES)
@pytest.mark.parametrize("form", ["as written", "general"])
def test_cell_forms(
    xml: str, value: Any, formula: str | None, ftype: str | None, vtext: str | None, form: str
) -> None:
    """Each form of a cell reads to the value a person reads in it, through either branch;
    the recorded ``<v>`` span holds exactly the text of its ``<v>``."""
    if form == "general" and xml.startswith("<c r="):
        xml = general_form(xml)
    sheet = read_sheet(xml)
    cell = sheet.cells[(2, 2)]
    assert _same(cell.value, value) or (str(cell.value) == str(value)), cell.value
    assert (cell.formula, cell.ftype) == (formula, ftype)
    if vtext is not None:
        assert sheet.xml[cell.vstart : cell.vend] == vtext.encode()
    elif "<v>" not in xml:
        assert cell.vstart == -1
    assert sheet.xml[cell.start : cell.end] == xml.encode()


def test_prefixed_sheet_reads_like_plain() -> None:
    """A sheet written with a prefix on the main namespace (``x:c``) reads the same."""
    cells = '<c r="A2"><v>3</v></c><c r="B2" t="s"><v>1</v></c><c r="C2"><f>A2*2</f><v>6</v></c>'
    prefixed = cells.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    prefixed = prefixed.replace("<v>", "<x:v>").replace("</v>", "</x:v>")
    prefixed = prefixed.replace("<f>", "<x:f>").replace("</f>", "</x:f>")
    plain, pre = read_sheet(cells), read_sheet(prefixed, "x:")
    assert [(k, c.value, c.formula) for k, c in plain.cells.items()] == [
        ((2, 1), 3.0, None),
        ((2, 2), "beta & co", None),
        ((2, 3), 6.0, "A2*2"),
    ]
    assert [(k, c.value, c.formula) for k, c in pre.cells.items()] == [
        (k, c.value, c.formula) for k, c in plain.cells.items()
    ]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ('<c r="B2"><v>12x</v></c>', "Sheet1!B2: bad number '12x'"),
        ('<c r="B2" t="s"><v>9</v></c>', "Sheet1!B2: bad shared-string index '9'"),
    ],
)
@pytest.mark.parametrize("form", ["as written", "general"])
def test_bad_cached_values_named(xml: str, message: str, form: str) -> None:
    """A cached value that cannot be read names the sheet and cell, in either branch."""
    if form == "general":
        xml = general_form(xml)
    with pytest.raises(WorkbookError, match=message.replace("!", "!").replace("'", "'")):
        read_sheet(xml)


_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
_value = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    _text,
)


def _cell_xml(ref: str, value: Any, formula: str | None) -> str:
    from xlcomp.refresh.patch import serialize

    t, v = serialize(
        value if not isinstance(value, int | float) or isinstance(value, bool) else float(value)
    )
    f = (
        ""
        if formula is None
        else "<f>" + formula.replace("&", "&amp;").replace("<", "&lt;") + "</f>"
    )
    ta = "" if t is None else f' t="{t.decode()}"'
    return f'<c r="{ref}"{ta}>{f}<v>{v.decode()}</v></c>'


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_value, st.sampled_from([None, "A2+1", 'IF(A2<1,"a&b",2)'])),
        min_size=1,
        max_size=6,
    )
)
def test_both_branches_read_what_was_written(cells: list[tuple[Any, str | None]]) -> None:
    """Any number, boolean or text written as a cached value (as the patcher writes it)
    reads back as itself, through the common branch and through the general one."""
    refs = [f"{chr(ord('B') + i)}2" for i in range(len(cells))]
    xml = "".join(_cell_xml(r, v, f) for r, (v, f) in zip(refs, cells, strict=True))
    fast = read_sheet(xml)
    general = read_sheet(
        "".join(general_form(_cell_xml(r, v, f)) for r, (v, f) in zip(refs, cells, strict=True))
    )
    for i, (value, formula) in enumerate(cells):
        want = float(value) if isinstance(value, float) else value
        for sheet in (fast, general):
            cell = sheet.cells[(2, 2 + i)]
            assert type(cell.value) is type(want) and cell.value == want
            assert cell.formula == formula


# -- the splice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "new", "expected"),
    [
        (  # a number for a number: only the <v> text changes
            '<c r="B2" s="3"><f>A2*2</f><v>4</v></c>',
            6.0,
            '<c r="B2" s="3"><f>A2*2</f><v>6</v></c>',
        ),
        (  # LibreOffice's t="n" stays
            '<c r="B2" s="3" t="n"><f>A2*2</f><v>4</v></c>',
            2.5,
            '<c r="B2" s="3" t="n"><f>A2*2</f><v>2.5</v></c>',
        ),
        (  # text for text: attribute order and <v>'s own attribute are kept
            '<c r="B2" t="str" s="1"><f>T(A2)</f><v xml:space="preserve">old</v></c>',
            "a<b",
            '<c r="B2" t="str" s="1"><f>T(A2)</f><v xml:space="preserve">a&lt;b</v></c>',
        ),
        (  # a number becomes text: the type changes, so the element is rebuilt
            '<c r="B2" s="3"><f>T(A2)</f><v>0</v></c>',
            "hi",
            '<c r="B2" s="3" t="str"><f>T(A2)</f><v>hi</v></c>',
        ),
        (  # text becomes a number: t goes away
            '<c r="B2" t="str"><f>N(A2)</f><v>x</v></c>',
            1.0,
            '<c r="B2"><f>N(A2)</f><v>1</v></c>',
        ),
        (  # an error for an error
            '<c r="B2" t="e"><f>1/A2</f><v>#N/A</v></c>',
            to_error("#DIV/0!"),
            '<c r="B2" t="e"><f>1/A2</f><v>#DIV/0!</v></c>',
        ),
        (  # no <v> yet: one is added after <f>
            '<c r="B2"><f>A2</f></c>',
            5.0,
            '<c r="B2"><f>A2</f><v>5</v></c>',
        ),
        (  # LibreOffice's t="n" becomes text: t says str
            '<c r="B2" t="n" s="2"><f>T(A2)</f><v>0</v></c>',
            "above mid",
            '<c r="B2" s="2" t="str"><f>T(A2)</f><v>above mid</v></c>',
        ),
        (  # a number becomes a logical
            '<c r="B2"><f>A2&gt;1</f><v>0</v></c>',
            True,
            '<c r="B2" t="b"><f>A2&gt;1</f><v>1</v></c>',
        ),
        (  # text with <v xml:space> becomes a number: <v> is written anew
            '<c r="B2" t="str"><f>N(A2)</f><v xml:space="preserve"> x</v></c>',
            3.0,
            '<c r="B2"><f>N(A2)</f><v>3</v></c>',
        ),
    ],
)
@pytest.mark.parametrize("form", ["as written", "general"])
def test_splice(xml: str, new: Any, expected: str, form: str) -> None:
    """The patched cell is exactly what Excel would hold; nothing around it moves."""
    left, right = '<c r="A2"><v>1</v></c>', '<c r="C2" t="s"><v>0</v></c>'
    if form == "general":
        xml, expected = general_form(xml), general_form(expected)
    sheet = read_sheet(left + xml + right)
    out, changed = patch_sheet(sheet, {(2, 2): new})
    assert changed == 1
    assert out == sheet.xml.replace(xml.encode(), expected.encode())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8))
def test_splice_touches_only_values(news: list[float]) -> None:
    """New numbers for formula cells change the bytes inside their <v> and nothing else."""
    cells = "".join(f'<c r="{chr(66 + i)}2" s="1"><f>A2+{i}</f><v>{i}</v></c>' for i in range(8))
    sheet = read_sheet('<c r="A2"><v>1</v></c>' + cells)
    results = {(2, 2 + i): v for i, v in enumerate(news)}
    out, _ = patch_sheet(sheet, results)
    again = read_book(package(out.decode())).sheets[0]
    for i, v in enumerate(news):
        assert again.cells[(2, 2 + i)].value == v

    # mask every <v> text: the rest is byte-identical
    def mask(xml: bytes, sheet: Sheet) -> bytes:
        spans = sorted((c.vstart, c.vend) for c in sheet.cells.values() if c.vstart >= 0)
        parts, pos = [], 0
        for a, b in spans:
            parts.append(xml[pos:a])
            pos = b
        parts.append(xml[pos:])
        return b"|".join(parts)

    assert mask(out, again) == mask(sheet.xml, sheet)


# -- the tree-less check -----------------------------------------------------------------


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(b"<a>" * 300 + b"</a>" * 300, id="deep"),
        pytest.param(b"<a>&foo;</a>", id="undefined-entity"),
        pytest.param(b"<a><b></a>", id="mismatched"),
        pytest.param(b'<a x="1" x="2"/>', id="repeated-attribute"),
        pytest.param(b"<a>&#0;</a>", id="bad-character-reference"),
        pytest.param(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', id="dtd"),
        pytest.param(b"", id="empty"),
    ],
)
def test_well_formed_check_refuses_what_parse_refuses(xml: bytes) -> None:
    """Same exception class and message as the tree parser, naming the source and part
    (libxml2's detail in parentheses may differ by a column)."""
    with pytest.raises(WorkbookError) as by_tree:
        parse(xml, part="xl/worksheets/sheet1.xml", source="b.xlsx")
    with pytest.raises(WorkbookError) as by_stream:
        check_well_formed(xml, part="xl/worksheets/sheet1.xml", source="b.xlsx")
    assert type(by_stream.value) is type(by_tree.value)
    assert str(by_stream.value).split(" (")[0] == str(by_tree.value).split(" (")[0]
    assert str(by_stream.value).startswith("b.xlsx: xl/worksheets/sheet1.xml: ")


@pytest.mark.parametrize("inner", ["<v>{}</v>", "<is><t>{}</t></is>"])
@pytest.mark.parametrize("form", ["as written", "general"])
def test_huge_cell_refused(inner: str, form: str) -> None:
    """A cell over libxml2's 10 MB text-node limit is refused as the tree parser would."""
    xml = '<c r="B2" t="inlineStr">' + inner.format("1" * 10_000_001) + "</c>"
    if form == "general":
        xml = general_form(xml)
    with pytest.raises(UnsafeWorkbookError, match=r"Sheet1!B2 holds over 10,000,000 bytes"):
        read_sheet(xml)


def test_well_formed_check_accepts_and_builds_nothing() -> None:
    """A 200,000-cell sheet passes, and the check grows the process by far less than a
    tree of it would (measured in a fresh process: peak RSS before and after)."""
    code = (
        "import resource, sys\n"
        "from xlcomp.ooxml import check_well_formed, parse\n"
        f"ns = {SHEET_NS!r}\n"
        "rows = ''.join(f'<row r=\"{r}\">' + ''.join(f'<c r=\"{c}{r}\"><v>{r}</v></c>' "
        "for c in 'ABCDEFGHIJ') + '</row>' for r in range(1, 20001))\n"
        "xml = f'<worksheet xmlns=\"{ns}\"><sheetData>{rows}</sheetData></worksheet>'.encode()\n"
        + OWN_PEAK_SOURCE
        + "before = peak()\n"
        "getattr(sys.modules['xlcomp.ooxml'], sys.argv[1])(xml, part='s.xml')\n"
        "print(peak() - before)\n"
    )
    grown = {
        fn: int(
            subprocess.run(
                [sys.executable, "-c", code, fn], check=True, capture_output=True, text=True
            ).stdout
        )
        for fn in ("check_well_formed", "parse")
    }
    assert grown["parse"] > 20_000, grown  # KiB: a tree of 200,000 cells and their <v>s
    assert grown["check_well_formed"] < grown["parse"] / 10, grown


# -- start-up ------------------------------------------------------------------------------

_IMPORTED = (
    "import runpy, sys\n"
    "sys.argv = ['xlcomp', 'refresh', sys.argv[1], '-o', sys.argv[2]]\n"
    "try:\n"
    "    runpy.run_module('xlcomp', run_name='__main__')\n"
    "except SystemExit as exc:\n"
    "    assert not exc.code, exc.code\n"
    "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
)


def _imported(book: Path, out: Path) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORTED, str(book), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(run.stdout.split())


def test_arithmetic_refresh_imports_no_heavy_library(tmp_path: Path) -> None:
    """``xlcomp refresh`` of a workbook of arithmetic, SUM and COUNTIF loads neither our
    worksheet functions (pydantic, the core) nor xlwings, openpyxl or scipy, and computes
    right."""
    cells = (
        '<c r="A2"><v>2</v></c><c r="B2"><v>5</v></c>'
        '<c r="C2"><f>SUM(A2:B2)*ROUND(B2/A2,0)</f><v>0</v></c>'
        '<c r="D2"><f>COUNTIF(A2:C2,"&gt;4")</f><v>0</v></c>'
    )
    parts = workbook_parts(sheet=sheet_of(cells))
    book = write_zip(
        tmp_path / "arith.xlsx", [deflated_entry(k, v.encode()) for k, v in parts.items()]
    )
    out = tmp_path / "out.xlsx"
    mods = _imported(book, out)
    assert not mods & {"xlwings", "pydantic", "openpyxl", "scipy"}, mods
    got = read_book(Package.open(out)).sheets[0].cells
    # SUM(2, 5) = 7; ROUND(5/2) = 3 (halves away from zero); 7*3 = 21; >4: 5 and 21
    assert (got[(2, 3)].value, got[(2, 4)].value) == (21.0, 2.0)


def test_template_refresh_imports_no_scipy(tmp_path: Path) -> None:
    """The template (COUNTIF, COUNTA, INDEX/MATCH and our functions) needs no scipy."""
    book = Path(__file__).resolve().parent.parent / "workbooks" / "negotiation.xlsx"
    mods = _imported(book, tmp_path / "out.xlsx")
    assert not mods & {"scipy", "openpyxl", "xlwings"}, mods
    assert "pydantic" in mods  # our functions (and the core's models) are called


def test_refresh_leaves_collector_as_found(tmp_path: Path) -> None:
    """The collector is paused during a refresh and restored after, even on an error."""
    import gc

    cells = '<c r="A2"><v>2</v></c><c r="B2"><f>A2*3</f><v>0</v></c>'
    parts = workbook_parts(sheet=sheet_of(cells))
    book = write_zip(tmp_path / "b.xlsx", [deflated_entry(k, v.encode()) for k, v in parts.items()])
    seen: list[bool] = []
    report = refresh_workbook(
        book, tmp_path / "o.xlsx", progress=lambda done, total: seen.append(gc.isenabled())
    )
    assert report.ok and seen and not any(seen)
    assert gc.isenabled()
    # What the refresh kept is not left in the youngest generation, where the first
    # collection after it would walk every object: it is in the oldest.
    rows = "".join(
        f'<c r="A{r}"><v>{r}</v></c><c r="B{r}"><f>A{r}*3</f></c>' for r in range(2, 3000)
    )
    big = write_zip(
        tmp_path / "big.xlsx",
        [deflated_entry(k, v.encode()) for k, v in workbook_parts(sheet=sheet_of(rows)).items()],
    )
    report, recalc = refresh_with_values(big, tmp_path / "o3.xlsx")
    assert report.computed == 2998 and recalc.value((0, 2999, 2)) == 2999 * 3
    assert any(o is recalc.values for o in gc.get_objects(generation=2))
    with pytest.raises(UnsafeWorkbookError):
        bad = {**parts, "xl/worksheets/sheet1.xml": "<a>" * 300 + "</a>" * 300}
        refresh_workbook(
            write_zip(tmp_path / "d.xlsx", [deflated_entry(k, v.encode()) for k, v in bad.items()]),
            tmp_path / "o2.xlsx",
        )
    assert gc.isenabled()


# A sheet's rows and cells in the forms the lazy reading must agree on: every cell read
# as an object at once (the reference) and plain cells made on first access.
LAZY_SHEETS = [
    (  # plain and formula cells in rows of their own number
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><f>A1*2</f><v>2</v></c><c r="B2" t="str"><v>x</v></c>'
        '<c r="C2" s="4"/></row><row r="3"/>',
        {(1, 1): 1.0, (1, 2): "beta & co", (2, 1): 2.0, (2, 2): "x", (2, 3): EMPTY},
    ),
    (  # rows without a number follow the one before; cells without r their row
        '<row r="4"><c r="A4"><v>4</v></c></row><row><c r="A5"><v>5</v></c><c><v>6</v></c></row>',
        {(4, 1): 4.0, (5, 1): 5.0, (5, 2): 6.0},
    ),
    (  # a cell whose reference is not in its row's number
        '<row r="7"><c r="A7"><v>7</v></c><c r="B8"><v>8</v></c></row>',
        {(7, 1): 7.0, (8, 2): 8.0},
    ),
    (  # a row number read twice: each cell still read, in the order of the file
        '<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>',
        {(2, 1): 1.0, (2, 2): 2.0},
    ),
    (  # a cell reference read twice: the last one read wins, formula and all
        '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="A2"><v>5</v></c>'
        '<c r="B2"><v>3</v></c><c r="B2"><f>B1</f><v>0</v></c></row>',
        {(2, 1): 5.0, (2, 2): 0.0},
    ),
]


@pytest.mark.parametrize(("rows", "expected"), LAZY_SHEETS)
def test_lazy_cells_read_as_objects_alike(rows: str, expected: dict[Any, Any]) -> None:
    """Plain cells made on first access are the cells an eager reading makes: same keys
    in the same order, same spans, values and formulas; values by hand."""
    xml = (f'<worksheet xmlns="{SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>').encode()
    pkg = package(xml.decode())
    lazy = read_book(pkg).sheets[0]
    assert {k: v for k, v in lazy.values.items()} == expected
    assert list(lazy.values) == list(expected)
    eager = Sheet(lazy.name, lazy.index, lazy.part, lazy.xml, lazy.prefix)
    eager._reader = lazy._reader
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    _scan_span(eager, start, xml.index(b"</sheetData>"), lazy=False)
    assert list(eager._cells) == list(expected)
    for key in reversed(list(expected)):  # rows asked for out of order
        assert lazy.cells[key] == eager._cells[key], key
        assert key in lazy.cells
    assert list(lazy.cells.items()) == list(eager._cells.items())
    assert [c.formula for c in lazy.formula_cells()] == [
        c.formula for c in eager._cells.values() if c.ftype is not None
    ]
    assert lazy.cell((99, 1)) is None
    with pytest.raises(KeyError):
        lazy.cells[(99, 1)]


def test_repeated_cell_patched_at_the_one_read() -> None:
    """A repeated reference: the value written lands in the cell that was read (the
    last), the first copy stays byte for byte."""
    cells = '<c r="B2"><v>3</v></c><c r="B2"><f>A2</f><v>0</v></c>'
    sheet = read_sheet(cells)
    out, changed = patch_sheet(sheet, {(2, 2): 7.0})
    assert changed == 1
    assert out == sheet.xml.replace(b"<f>A2</f><v>0</v>", b"<f>A2</f><v>7</v>")


def test_written_pieces_make_the_same_zip_as_bytes(tmp_path: Path) -> None:
    """A part set as pieces is written, and read back, as the bytes of their join."""
    sheet = sheet_of('<c r="A2"><v>1</v></c>')
    path = tmp_path / "in.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in workbook_parts(sheet=sheet).items():
            archive.writestr(name, text)
    part = "xl/worksheets/sheet1.xml"
    new = sheet.replace("<v>1</v>", "<v>2</v>").encode()
    joined, pieced = Package.open(path), Package.open(path)
    joined.parts[part] = new
    assert isinstance(pieced.parts, PartMap)
    pieced.parts.set_pieces(part, [new[:10], new[10:30], new[30:]])
    assert pieced.parts.is_loaded(part)
    assert joined.to_bytes() == pieced.to_bytes()
    assert b"".join(pieced.stream(part)) == new
    assert pieced.parts[part] == new  # joined once on reading
    assert pieced.parts.pieces(part) is None
    with pytest.raises(TypeError):
        pieced.parts.set_pieces(part, [new, "text"])  # type: ignore[list-item]
