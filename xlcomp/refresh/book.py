"""Read what recalculation needs from a workbook package, remembering where each cell is.

Sheets are scanned as bytes: every ``<c>`` element is found with its exact byte span, so
the patcher can later rewrite only the cells whose values change and leave every other
byte of the part as it was. Before scanning, each part is checked by a parser that
resolves no entities and reads no network (a DOCTYPE is refused outright: OOXML parts
never carry one), so the scanner only ever sees well-formed, entity-free XML.

Cached values are read as the engine's values: numbers as ``float``, text as ``str``,
booleans as ``bool``, errors as formulas' ``XlError``, and a cell without value as
``EMPTY``.

What a cell costs is what a large sheet costs (a 50,000-row pipeline holds 650,000): one
regular expression reads a cell in its common form in one match; a plain cell (a value, no
formula) is kept as its value alone in ``Sheet.values``, and becomes a :class:`Cell` only
when a command asks for it (its row is read again); a formula cell is a :class:`Cell`
whose ends are offsets from its start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.ooxml import NS_MAIN, NS_REL, Package, check_well_formed, relationships
from xlcomp.ooxml import parse as ooxml_parse
from xlcomp.refresh.parser import col_index
from xlcomp.refresh.values import EMPTY, iso_serial, to_error

REL_OFFICE_DOC = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_TABLE = "/table"
REL_SHARED_STRINGS = "/sharedStrings"


def parse_xml(data: bytes, where: str) -> Any:
    """Parse one part safely: no DTD, no entities, no network, bounded depth (lxml,
    hardened as :mod:`xlcomp.ooxml.xml` sets it up)."""
    return ooxml_parse(data, part=where)


_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """XML character data -> text."""
    if "&" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        g = m.group(1)
        if g[0] == "#":
            return chr(int(g[2:], 16) if g[1] in "xX" else int(g[1:]))
        return _ENTITIES[g]

    return _ENTITY.sub(sub, text)


def decode_xstring(text: str) -> str:
    """Undo OOXML's ``_xHHHH_`` escapes of characters XML cannot hold."""
    if "_x" not in text:
        return text
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), text)


class Cell:
    """One ``<c>`` element: position, byte span in its part, cached value, formula.

    ``start``/``end`` is the byte span of the element in its part; ``t`` is the type
    attribute as written (None when absent); ``vstart``/``vend`` is the byte span of the
    text of its ``<v>`` element (-1 when it has none), where the patcher splices a new
    value of the same type without rewriting the element. ``ftype`` is the ``t`` of its
    ``<f>`` (``normal``, ``shared``, ``array``, ``dataTable``; None without formula),
    ``fref`` and ``si`` the ``ref`` and ``si`` of its ``<f>``, ``dynamic`` whether it
    has cell metadata (``cm``: a dynamic array formula that spills).

    The ends are kept as offsets from ``start`` (small numbers Python does not allocate),
    so a sheet of a million cells holds one position object per cell, not four.
    """

    __slots__ = (
        "_end",
        "_vend",
        "_vstart",
        "col",
        "dynamic",
        "formula",
        "fref",
        "ftype",
        "row",
        "si",
        "start",
        "t",
        "value",
    )

    def __init__(
        self,
        row: int,
        col: int,
        start: int,
        end: int,
        value: Any,
        formula: str | None = None,
        ftype: str | None = None,
        fref: str | None = None,
        si: int | None = None,
        dynamic: bool = False,
        t: str | None = None,
        vstart: int = -1,
        vend: int = -1,
    ) -> None:
        self.row = row
        self.col = col
        self.start = start
        self._end = end - start
        self.value = value
        self.formula = formula
        self.ftype = ftype
        self.fref = fref
        self.si = si
        self.dynamic = dynamic
        self.t = t
        self._vstart = vstart - start if vstart >= 0 else -1
        self._vend = vend - start if vend >= 0 else -1

    @property
    def end(self) -> int:
        """Where the element ends (exclusive)."""
        return self.start + self._end

    @end.setter
    def end(self, at: int) -> None:
        self._end = at - self.start

    @property
    def vstart(self) -> int:
        """Where the text of ``<v>`` starts; -1 without ``<v>``."""
        return self.start + self._vstart if self._vstart >= 0 else -1

    @vstart.setter
    def vstart(self, at: int) -> None:
        self._vstart = at - self.start if at >= 0 else -1

    @property
    def vend(self) -> int:
        """Where the text of ``<v>`` ends (exclusive); -1 without ``<v>``."""
        return self.start + self._vend if self._vend >= 0 else -1

    @vend.setter
    def vend(self, at: int) -> None:
        self._vend = at - self.start if at >= 0 else -1

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.row,
            self.col,
            self.start,
            self.end,
            self.value,
            self.formula,
            self.ftype,
            self.fref,
            self.si,
            self.dynamic,
            self.t,
            self.vstart,
            self.vend,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = [
            "row",
            "col",
            "start",
            "end",
            "value",
            "formula",
            "ftype",
            "fref",
            "si",
            "dynamic",
            "t",
            "vstart",
            "vend",
        ]
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"Cell({shown})"


@dataclass
class Row:
    """One ``<row>`` element: its number, the span of its start tag, where it ends."""

    number: int
    tag_start: int
    tag_end: int
    self_closing: bool
    content_end: int = -1


@dataclass
class Sheet:
    """A worksheet: its cells, rows and the bytes they were read from.

    ``values[(row, column)]`` is every cell's cached value, in the order of the file;
    ``cells`` the same cells as :class:`Cell` objects (made on first access for plain
    cells, see :class:`CellMap`); :meth:`formula_cells` the cells with a formula.
    """

    name: str
    index: int
    part: str
    xml: bytes
    prefix: bytes
    rows: dict[int, Row] = field(default_factory=dict)
    sheetdata_start: int = -1
    sheetdata_end: int = -1
    sheetdata_self_closing: bool = False
    max_row: int = 0
    max_col: int = 0
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    _cells: dict[tuple[int, int], Cell] = field(default_factory=dict, repr=False)
    _reader: _CellReader | None = field(default=None, repr=False)

    @property
    def cells(self) -> CellMap:
        """Every cell by (row, column), in the order of the file."""
        return CellMap(self)

    def cell(self, key: tuple[int, int]) -> Cell | None:
        """The cell at (row, column), or None when the sheet holds none there."""
        cell = self._cells.get(key)
        if cell is None and key in self.values:
            self._row_cells(key[0])
            cell = self._cells[key]
        return cell

    def formula_cells(self) -> Iterator[Cell]:
        """The cells that hold a formula (``ftype`` set), in the order of the file."""
        return (c for c in self._cells.values() if c.ftype is not None)

    def _row_cells(self, row: int) -> None:
        """Make the cell objects of row ``row`` that the first reading left as values."""
        rec = self.rows.get(row)
        if rec is None or rec.self_closing or rec.content_end < 0:
            return
        found: dict[tuple[int, int], Cell] = {}
        saved, self._cells = self._cells, found
        try:
            _scan_span(self, rec.tag_end, rec.content_end, lazy=False, row_no=row, rows=False)
        finally:
            self._cells = saved
        for key, cell in found.items():
            if key not in saved:
                saved[key] = cell


class CellMap(Mapping[tuple[int, int], Cell]):
    """A sheet's cells as a read-only mapping (row, column) -> :class:`Cell`.

    Formula cells and cells in a rare form are objects from the first reading; a plain
    cell becomes one when first asked for (its row's bytes are read again), so that a
    refresh, which needs the values alone, never makes them.
    """

    __slots__ = ("_sheet",)

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def __getitem__(self, key: tuple[int, int]) -> Cell:
        sheet = self._sheet
        cell = sheet._cells.get(key)
        if cell is None:
            if key not in sheet.values:
                raise KeyError(key)
            sheet._row_cells(key[0])
            cell = sheet._cells[key]
        return cell

    def __contains__(self, key: object) -> bool:
        return key in self._sheet.values

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._sheet.values)

    def __len__(self) -> int:
        return len(self._sheet.values)


@dataclass
class Table:
    """An Excel table (list object): where it is and its column names."""

    name: str
    sheet: int
    r1: int
    c1: int
    r2: int
    c2: int
    header_rows: int
    totals_rows: int
    columns: list[str]

    @property
    def data_r1(self) -> int:
        """First row of the data body."""
        return self.r1 + self.header_rows

    @property
    def data_r2(self) -> int:
        """Last row of the data body."""
        return self.r2 - self.totals_rows


@dataclass
class DefinedName:
    """A ``<definedName>``: its text and scope (None: the workbook)."""

    name: str
    text: str
    local_sheet: int | None


@dataclass
class Book:
    """Everything recalculation reads from a package."""

    package: Package
    workbook_part: str
    sheet_names: list[str]
    sheets: list[Sheet]
    names: list[DefinedName]
    tables: list[Table]
    date1904: bool = False


def _rels(pkg: Package, part: str) -> list[tuple[str, str]]:
    """(type, absolute target) of each internal relationship of ``part`` (the package
    model's :func:`xlcomp.ooxml.relationships`)."""
    return [(rel.type, rel.target) for rel in relationships(pkg, part) if not rel.external]


_SCAN = (
    # A cell as Excel, XlsxWriter, openpyxl and LibreOffice write most of them: reference,
    # style, type, a plain formula, a value. One match gives every piece (no attribute
    # dict, no second search); any other form of cell falls to the general branch below.
    rb'<%(p)sc r="(?P<col>[A-Z]{1,3})(?P<row>[0-9]+)"(?: s="[0-9]+")?(?: t="(?P<t>[a-zA-Z]+)")?'
    rb"(?:/>|>(?:<%(p)sf>(?P<f>[^<]{0,%(n)d})</%(p)sf>)?(?:<%(p)sv>(?P<v>[^<]{0,%(n)d})</%(p)sv>"
    rb"|<%(p)sis><%(p)st>(?P<is>[^<]{0,%(n)d})</%(p)st></%(p)sis>)?</%(p)sc>)"
    rb'|<%(p)srow\b(?: r="(?P<rnum>[0-9]+)"(?=[\s/>]))?(?P<rattrs>[^>]*?)(?P<rclose>/?)>'
    rb"|</%(p)srow>"
    rb"|<%(p)sc\b(?P<cattrs>[^>]*?)(?:/>|>(?P<inner>.*?)</%(p)sc>)"
)
_V_GROUP = 5  # the number of the group ``v`` in _SCAN
MAX_CELL_BYTES = 10_000_000
"""Largest cell element read, in bytes: libxml2's limit on one text node, which its tree
parser enforces and the tree-less check of a sheet does not (Excel's cells hold at most
32,767 characters)."""
_ROOT_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTR.finditer(raw)
    }


def split_ref(ref: str) -> tuple[int, int]:
    """``"B3"`` -> (3, 2)."""
    m = _REF.fullmatch(ref.replace("$", ""))
    if m is None:
        raise WorkbookError(f"bad cell reference {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def split_range(ref: str) -> tuple[int, int, int, int]:
    """``"A1:C3"`` -> (1, 1, 3, 3); a single cell gives a 1x1 range."""
    a, _, b = ref.partition(":")
    r1, c1 = split_ref(a)
    r2, c2 = split_ref(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


class _CellReader:
    """Turns the inside of one ``<c>`` element into a value and a formula."""

    def __init__(self, prefix: bytes, shared: list[str], date1904: bool = False) -> None:
        self.date1904 = date1904
        p = re.escape(prefix)
        self.f = re.compile(rb"<%sf\b([^>]*?)(?:/>|>(.*?)</%sf>)" % (p, p), re.S)
        self.v = re.compile(rb"<%sv\b[^>]*?(?:/>|>(.*?)</%sv>)" % (p, p), re.S)
        self.is_ = re.compile(rb"<%sis\b[^>]*>(.*?)</%sis>" % (p, p), re.S)
        self.t = re.compile(rb"<%st\b[^>]*?(?:/>|>(.*?)</%st>)" % (p, p), re.S)
        self.rph = re.compile(rb"<%srPh\b.*?</%srPh>" % (p, p), re.S)
        self.shared = shared

    def value(self, t: bytes | None, inner: bytes | None, where: str) -> Any:
        if not inner:
            return EMPTY
        if t == b"inlineStr":
            m = self.is_.search(inner)
            if m is None:
                return EMPTY
            body = self.rph.sub(b"", m.group(1))
            text = "".join(unescape((x.group(1) or b"").decode()) for x in self.t.finditer(body))
            return decode_xstring(text)
        m = self.v.search(inner)
        if m is None:
            return EMPTY
        raw = unescape((m.group(1) or b"").decode())
        if t is None or t == b"n":
            if raw == "":
                return EMPTY
            try:
                return float(raw)
            except ValueError as exc:
                raise WorkbookError(f"{where}: bad number {raw!r}") from exc
        if t == b"s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError) as exc:
                raise WorkbookError(f"{where}: bad shared-string index {raw!r}") from exc
        if t == b"b":
            return raw.strip() in ("1", "true")
        if t == b"e":
            return to_error(raw)
        if t == b"d":  # a date stored as ISO 8601 text: Excel reads it as its serial
            serial = iso_serial(raw, self.date1904)
            if serial is None:
                raise WorkbookError(f"{where}: bad ISO 8601 date {raw!r}")
            return serial
        return decode_xstring(raw)  # str


def _scan_sheet(sheet: Sheet, shared: list[str], date1904: bool = False) -> None:
    """Fill ``sheet.values``, the cell objects and ``sheet.rows`` in one pass over the
    bytes of its sheetData.

    Plain cells in the common form (a value, no formula) get no :class:`Cell` object:
    their value goes to ``sheet.values`` and the cell is read again from its row when
    someone asks for it (:meth:`Sheet.cells`). A sheet whose rows or cells repeat a
    number is read eagerly, every cell an object, so that the last one read wins as
    before.
    """
    xml = sheet.xml
    p = sheet.prefix
    sheet._reader = _CellReader(p, shared, date1904)
    start_m = re.search(rb"<%ssheetData\b[^>]*?(/?)>" % re.escape(p), xml)
    if start_m is None:
        return
    sheet.sheetdata_start = start_m.end()
    if start_m.group(1):
        sheet.sheetdata_self_closing = True
        sheet.sheetdata_start = start_m.start()
        sheet.sheetdata_end = start_m.end()
        return
    end = xml.find(b"</%ssheetData>" % p, start_m.end())
    if end < 0:
        raise WorkbookError(f"{sheet.part}: sheetData is not closed")
    sheet.sheetdata_end = end
    body_has_odd = (
        xml.find(b"<!--", start_m.end(), end) >= 0
        or xml.find(b"<![CDATA[", start_m.end(), end) >= 0
    )
    if body_has_odd:
        raise WorkbookError(f"{sheet.part}: comments or CDATA inside sheetData are not supported")
    if not _scan_span(sheet, start_m.end(), end, lazy=True):
        # A row number or a cell reference read twice: read every cell as an object.
        sheet.rows.clear()
        sheet.values.clear()
        sheet._cells.clear()
        _scan_span(sheet, start_m.end(), end, lazy=False)


def _scanner(prefix: bytes) -> re.Pattern[bytes]:
    """The sheetData scanner of a namespace prefix."""
    return re.compile(_SCAN % {b"p": re.escape(prefix), b"n": MAX_CELL_BYTES}, re.S)


def _scan_span(
    sheet: Sheet, lo: int, hi: int, *, lazy: bool, row_no: int = 0, rows: bool = True
) -> bool:
    """Read the cells (and, with ``rows``, the rows) of ``sheet.xml[lo:hi]``.

    With ``lazy``, a plain cell in the common form inside a row of its own number is
    recorded in ``sheet.values`` only; False when a row number or a cell reference
    repeats (the caller then reads the span again without ``lazy``).
    """
    xml = sheet.xml
    p = sheet.prefix
    reader = sheet._reader
    assert reader is not None
    shared = reader.shared
    scanner = _scanner(p)
    columns = _COLUMNS
    types: dict[bytes, str] = {}
    new_cell = object.__new__
    values = sheet.values
    cells = sheet._cells
    sheet_rows = sheet.rows
    col_no = 0
    read = 0
    max_row = max_col = 0
    current: Row | None = None
    open_row = -1  # the number of the <row> we are inside, -1 outside any
    repeated = False
    last_row_b, last_row = b"", 0
    for m in scanner.finditer(xml, lo, hi):
        col_b, row_b, t, ftext, v, inline, rnum, rattrs, rclose, cattrs, inner = m.groups()
        if col_b is not None:  # the common form
            if row_b != last_row_b:  # one number object for the cells of a row
                last_row_b, last_row = row_b, int(row_b)
            row = last_row
            col = columns.get(col_b) or columns.setdefault(col_b, col_index(col_b.decode()))
            if v is None:
                value: Any = EMPTY
                if inline is not None and t == b"inlineStr":
                    value = decode_xstring(unescape(inline.decode()))
            elif t is None and v:
                try:
                    value = _ZERO if v == b"0" else float(v)
                except ValueError:
                    value = reader.value(t, b"<%sv>%s</%sv>" % (p, v, p), _where(sheet, m))
            elif t == b"s":
                try:
                    value = shared[int(v)]
                except (ValueError, IndexError):
                    value = reader.value(t, b"<%sv>%s</%sv>" % (p, v, p), _where(sheet, m))
            else:
                value = reader.value(t, b"<%sv>%s</%sv>" % (p, v, p), _where(sheet, m))
            key = (row, col)
            values[key] = value
            read += 1
            col_no = col
            if col > max_col:
                max_col = col
            if row > max_row:
                max_row = row
            if lazy and ftext is None and row == open_row:
                continue
            # The fields of Cell set one by one: twice as fast as its constructor.
            cell = new_cell(Cell)
            cell.row = row
            cell.col = col
            start, stop = m.span()
            cell.start = start
            cell._end = stop - start
            cell.value = value
            if ftext is None:
                cell.formula = cell.ftype = None
            else:
                cell.formula = (
                    unescape(ftext.decode()) if b"&" in ftext else ftext.decode()
                ) or None
                cell.ftype = "normal"
            cell.fref = cell.si = None
            cell.dynamic = False
            cell.t = None if t is None else (types.get(t) or types.setdefault(t, t.decode()))
            vstart = m.start(_V_GROUP)
            if vstart >= 0:
                cell._vstart = vstart - start
                cell._vend = m.end(_V_GROUP) - start
            else:
                cell._vstart = cell._vend = -1
            cells[key] = cell
            continue
        if rattrs is not None:
            r = rnum if rnum is not None else _attrs(rattrs).get(b"r")
            row_no = int(r) if r is not None else row_no + 1
            col_no = 0
            if rows:
                if row_no in sheet_rows:
                    repeated = True
                current = Row(row_no, m.start(), m.end(), bool(rclose))
                sheet_rows[row_no] = current
            open_row = -1 if rclose else row_no
            max_row = max(max_row, row_no)
            continue
        if cattrs is None:  # </row>
            if current is not None:
                current.content_end = m.start()
            open_row = -1
            continue
        ca = _attrs(cattrs)
        ref = ca.get(b"r")
        if m.end() - m.start() > MAX_CELL_BYTES:
            raise UnsafeWorkbookError(
                f"{sheet.part}: XML over the parser's safety limits (cell "
                f"{sheet.name}!{ref.decode() if ref else '?'} holds over "
                f"{MAX_CELL_BYTES:,} bytes)"
            )
        if ref is not None:
            row, col = split_ref(ref.decode())
        else:
            row, col = row_no, col_no + 1
        col_no = col
        t = ca.get(b"t")
        where = f"{sheet.name}!{ref.decode() if ref else (row, col)}"
        cell = Cell(row, col, m.start(), m.end(), reader.value(t, inner, where))
        cell.dynamic = b"cm" in ca
        if t is not None:
            cell.t = t.decode()
        if inner and b"<" in inner:
            vm = reader.v.search(inner)
            if vm is not None and vm.group(1) is not None:
                cell.vstart = m.start("inner") + vm.start(1)
                cell.vend = m.start("inner") + vm.end(1)
            fm = reader.f.search(inner)
            if fm is not None:
                fa = _attrs(fm.group(1))
                ftext = fm.group(2)
                cell.formula = unescape(ftext.decode()) if ftext else None
                ft = fa.get(b"t")
                cell.ftype = ft.decode() if ft else "normal"
                fr = fa.get(b"ref")
                cell.fref = fr.decode() if fr else None
                si = fa.get(b"si")
                cell.si = int(si) if si is not None else None
        cells[(row, col)] = cell
        values[(row, col)] = cell.value
        read += 1
        if col > max_col:
            max_col = col
        if row > max_row:
            max_row = row
    sheet.max_row = max(sheet.max_row, max_row)
    sheet.max_col = max(sheet.max_col, max_col)
    return not lazy or not (repeated or read != len(values))


_ZERO = 0.0
"""The cached value of most formulas a program wrote without computing them: one object."""
_COLUMNS: dict[bytes, int] = {}
"""Column letters -> number, as the scanner meets them (at most 18,278 entries)."""


def _where(sheet: Sheet, m: re.Match[bytes]) -> str:
    """``Sheet!B3`` for a cell read by the common branch of the scanner (for errors)."""
    return f"{sheet.name}!{(m.group('col') + m.group('row')).decode()}"


def _shared_strings(pkg: Package, part: str | None) -> list[str]:
    if part is None or part not in pkg.parts:
        return []
    root = parse_xml(pkg.parts[part], part)
    out = []
    t_tag, r_tag = f"{{{NS_MAIN}}}t", f"{{{NS_MAIN}}}r"
    for si in root.iter(f"{{{NS_MAIN}}}si"):
        text = []
        for child in si:  # <t>, or runs <r><t>; phonetic runs <rPh> are not the text
            if child.tag == t_tag:
                text.append(child.text or "")
            elif child.tag == r_tag:
                text.extend(t.text or "" for t in child.iter(t_tag))
        out.append(decode_xstring("".join(text)))
    return out


def _table(pkg: Package, part: str, sheet_index: int) -> Table:
    root = parse_xml(pkg.parts[part], part)
    name = root.get("displayName") or root.get("name") or ""
    r1, c1, r2, c2 = split_range(root.get("ref", "A1"))
    cols = [c.get("name", "") for c in root.iter(f"{{{NS_MAIN}}}tableColumn")]
    return Table(
        name=name,
        sheet=sheet_index,
        r1=r1,
        c1=c1,
        r2=r2,
        c2=c2,
        header_rows=int(root.get("headerRowCount", "1")),
        totals_rows=int(root.get("totalsRowCount", "0")),
        columns=cols,
    )


def read_book(pkg: Package) -> Book:
    """Read sheets, cells, shared strings, tables and defined names of ``pkg``."""
    office = [t for ty, t in _rels(pkg, "") if ty.endswith(REL_OFFICE_DOC)]
    wb_part = pkg.workbook_part or (office[0] if office else "xl/workbook.xml")
    if wb_part not in pkg.parts:
        raise WorkbookError(f"{pkg.path}: no workbook part ({wb_part})")
    root = parse_xml(pkg.parts[wb_part], wb_part)
    rels = {
        rel.id: (rel.type, rel.target) for rel in relationships(pkg, wb_part) if not rel.external
    }
    ss_part = next((p for ty, p in rels.values() if ty.endswith(REL_SHARED_STRINGS)), None)
    shared = _shared_strings(pkg, ss_part)
    pr = root.find(f"{{{NS_MAIN}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").strip().lower() in ("1", "true")

    sheet_names: list[str] = []
    sheets: list[Sheet] = []
    tables: list[Table] = []
    for i, el in enumerate(root.iter(f"{{{NS_MAIN}}}sheet")):
        name = el.get("name", "")
        sheet_names.append(name)
        rel_type, part = rels.get(el.get(f"{{{NS_REL}}}id"), ("", ""))
        if not rel_type.endswith(REL_WORKSHEET) or part not in pkg.parts:
            continue  # chartsheets, dialog sheets: no cells
        xml = pkg.parts[part]
        check_well_formed(xml, part=part)  # well-formed, entity-free, bounded depth: no tree
        pm = _ROOT_PREFIX.search(xml)
        prefix = pm.group(1) if pm and pm.group(1) else b""
        sheet = Sheet(name=name, index=i, part=part, xml=xml, prefix=prefix)
        _scan_sheet(sheet, shared, date1904)
        sheets.append(sheet)
        for ty, tpart in _rels(pkg, part):
            if ty.endswith(REL_TABLE) and tpart in pkg.parts:
                tables.append(_table(pkg, tpart, i))

    names = []
    for dn in root.iter(f"{{{NS_MAIN}}}definedName"):
        local = dn.get("localSheetId")
        names.append(
            DefinedName(
                dn.get("name", ""), dn.text or "", int(local) if local is not None else None
            )
        )
    return Book(pkg, wb_part, sheet_names, sheets, names, tables, date1904)
