"""Replace the data rows of an Excel table inside a workbook package, growing or shrinking it.

``xlcomp update`` writes a recruiter's new bands into workbooks already handed out. The
rows of a table (list object) live in three places that must agree: the cells of its sheet
part, the ``ref`` of its table part (and of its ``autoFilter``/``sortState``), and every
reference that spans the table's data (a defined name such as the sheet's print area, a
formula, a data-validation or conditional-format range). :func:`replace_table_rows` rewrites
all three from the table's new rows, and nothing else:

* in the sheet part, only the cells of the table's columns in the rows the old and new
  tables cover are rewritten; every other cell and row keeps its bytes (a cell beside the
  table, in the same row, too). New cells take the style (``s``) an old cell of the same
  column had in a row of the same kind (``bonus`` rows are rates, others money), so the
  table still looks like itself.
* a range reference whose rows run from the table's header or first data row to its old
  last row, within its columns or spanning all of them (a print area), is moved to the
  new last row — ``Bands!$A$1:$H$13`` becomes ``Bands!$A$1:$H$16``; a reference to
  anything else is left alone. Structured references (``Bands[Region]``) follow the
  table part by themselves.

Errors are :class:`~xlcomp.errors.WorkbookError` with the sheet and cell: a formula in the
table's data (which values would overwrite), a totals row, or a grown table that would cover
cells already filled below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xlcomp.errors import WorkbookError
from xlcomp.ooxml import Package
from xlcomp.refresh.book import Book, Sheet, Table, split_range, unescape
from xlcomp.refresh.parser import col_letters as col_letter
from xlcomp.refresh.patch import format_number
from xlcomp.refresh.values import EMPTY

Value = str | float | None
"""A value written into a table cell: text, a number, or nothing."""

_ATTR_S = re.compile(rb"\ss\s*=\s*\"(\d+)\"")
_SPANS = re.compile(rb"\s+spans\s*=\s*\"[^\"]*\"")
_ROW_R = re.compile(rb"(\sr\s*=\s*\")\d+(\")")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_RANGE = re.compile(
    r"(?<![\w.$'!\]])(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"
    r"(?P<c1>\$?)(?P<col1>[A-Z]{1,3})(?P<r1>\$?)(?P<row1>\d+):"
    r"(?P<c2>\$?)(?P<col2>[A-Z]{1,3})(?P<r2>\$?)(?P<row2>\d+)(?![\w(])"
)


@dataclass(frozen=True)
class Extent:
    """A table's rows before and after: header row, first data row, old and new last row."""

    sheet: str
    c1: int
    c2: int
    header: int
    first: int
    old_last: int
    new_last: int

    def move(self, text: str, home_sheet: str | None) -> str:
        """``text`` (a formula or a space-separated range list) with the table's ranges moved.

        ``home_sheet`` is the sheet an unqualified reference points at (None: none does).
        Text inside string literals is left alone.
        """
        if self.old_last == self.new_last:
            return text
        out: list[str] = []
        pos = 0
        for lit in _STRING.finditer(text):
            out.append(_RANGE.sub(lambda m: self._moved(m, home_sheet), text[pos : lit.start()]))
            out.append(lit.group(0))
            pos = lit.end()
        out.append(_RANGE.sub(lambda m: self._moved(m, home_sheet), text[pos:]))
        return "".join(out)

    def _moved(self, m: re.Match[str], home_sheet: str | None) -> str:
        sheet = m.group("sheet")
        name = home_sheet if sheet is None else _unquote(sheet)
        if name is None or name.casefold() != self.sheet.casefold():
            return m.group(0)
        col1, col2 = _col(m.group("col1")), _col(m.group("col2"))
        row1, row2 = int(m.group("row1")), int(m.group("row2"))
        inside = self.c1 <= col1 <= col2 <= self.c2
        covering = col1 <= self.c1 and self.c2 <= col2  # a print area wider than the table
        if not (inside or covering):
            return m.group(0)
        if row1 not in (self.header, self.first) or row2 != self.old_last:
            return m.group(0)
        start = m.group(0)[: m.start("row2") - m.start(0)]
        return f"{start}{self.new_last}"


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _unquote(sheet: str) -> str:
    if sheet.startswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


def _escape_text(text: str) -> bytes:
    text = _CTRL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("utf-8")


def _escape_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def cell_xml(prefix: bytes, ref: str, value: Value, style: bytes | None) -> bytes | None:
    """One ``<c>`` element for ``value`` (inline text or a number); None for an unstyled blank."""
    s = b' s="%s"' % style if style is not None else b""
    p = prefix
    r = ref.encode()
    if value is None or value == "":
        return b'<%sc r="%s"%s/>' % (p, r, s) if style is not None else None
    if isinstance(value, str):
        space = b' xml:space="preserve"' if value != value.strip() else b""
        return b'<%sc r="%s"%s t="inlineStr"><%sis><%st%s>%s</%st></%sis></%sc>' % (
            p, r, s, p, p, space, _escape_text(value), p, p, p,
        )  # fmt: skip
    return b"<%sc r=\"%s\"%s><%sv>%s</%sv></%sc>" % (
        p, r, s, p, format_number(float(value)).encode(), p, p,
    )  # fmt: skip


def _style(cell_bytes: bytes) -> bytes | None:
    head = cell_bytes.split(b">", 1)[0]
    m = _ATTR_S.search(head)
    return m.group(1) if m else None


def _row_span(sheet: Sheet, number: int) -> tuple[int, int]:
    row = sheet.rows[number]
    if row.self_closing:
        return row.tag_start, row.tag_end
    end_tag = b"</%srow>" % sheet.prefix
    return row.tag_start, row.content_end + len(end_tag)


def rewrite_rows(
    sheet: Sheet,
    c1: int,
    c2: int,
    r_from: int,
    r_to: int,
    cells: dict[tuple[int, int], bytes],
    new_row_tag: bytes,
) -> bytes:
    """The sheet part with columns ``c1..c2`` of rows ``r_from..r_to`` replaced by ``cells``.

    ``cells`` maps (row, column) to a ``<c>`` element; a position without one becomes empty.
    Rows outside ``r_from..r_to`` keep their bytes; inside it, cells outside ``c1..c2`` keep
    theirs. ``new_row_tag`` (``<row r="0">``-like) opens a row the sheet did not have.
    """
    if sheet.sheetdata_self_closing or sheet.sheetdata_start < 0:
        raise WorkbookError(f"{sheet.part}: the sheet {sheet.name} has no cells")
    xml = sheet.xml
    by_row: dict[int, list[tuple[int, bytes]]] = {}
    for (r, c), cell in sheet.cells.items():
        if r_from <= r <= r_to and not (c1 <= c <= c2):
            by_row.setdefault(r, []).append((c, xml[cell.start : cell.end]))
    for (r, c), element in cells.items():
        by_row.setdefault(r, []).append((c, element))
    numbers = sorted(set(sheet.rows) | set(by_row))
    pieces: list[bytes] = []
    end_tag = b"</%srow>" % sheet.prefix
    for n in numbers:
        if not r_from <= n <= r_to:
            a, b = _row_span(sheet, n)
            pieces.append(xml[a:b])
            continue
        content = b"".join(e for _, e in sorted(by_row.get(n, []), key=lambda x: x[0]))
        if n in sheet.rows:
            row = sheet.rows[n]
            tag = _SPANS.sub(b"", xml[row.tag_start : row.tag_end])
            if row.self_closing:
                tag = tag[:-2].rstrip() + b">"
        elif content:
            tag = _ROW_R.sub(b"\\g<1>%d\\g<2>" % n, new_row_tag)
        else:
            continue
        pieces.append(tag + content + end_tag)
    return xml[: sheet.sheetdata_start] + b"".join(pieces) + xml[sheet.sheetdata_end :]


_DIMENSION = re.compile(rb"(<(?:\w+:)?dimension\b[^>]*\bref=\")([^\"]*)(\")")


def _grow_dimension(xml: bytes, last_row: int) -> bytes:
    m = _DIMENSION.search(xml)
    if m is None:
        return xml
    try:
        r1, cc1, r2, cc2 = split_range(m.group(2).decode())
    except WorkbookError:
        return xml
    if last_row <= r2:
        return xml
    new = f"{col_letter(cc1)}{r1}:{col_letter(cc2)}{last_row}".encode()
    return xml[: m.start(2)] + new + xml[m.end(2) :]


_TABLE_REF = re.compile(rb"(\sref=\")([^\"]*)(\")")


def _table_part(data: bytes, extent: Extent) -> bytes:
    """The table part with every ``ref`` that ends on the old last row moved to the new one."""

    def sub(m: re.Match[bytes]) -> bytes:
        try:
            r1, cc1, r2, cc2 = split_range(m.group(2).decode())
        except WorkbookError:
            return m.group(0)
        if r2 != extent.old_last:
            return m.group(0)
        new = f"{col_letter(cc1)}{r1}:{col_letter(cc2)}{extent.new_last}".encode()
        return m.group(1) + new + m.group(3)

    return _TABLE_REF.sub(sub, data)


_FORMULA_ELEMENT = re.compile(
    rb"(<(?:\w+:)?(?:f|formula|formula1|formula2)\b[^>]*?>)([^<]*)(</(?:\w+:)?(?:f|formula|formula1|formula2)>)"
)
_SQREF = re.compile(rb"(\ssqref=\")([^\"]*)(\")")
_DEFINED_NAME = re.compile(rb"(<(?:\w+:)?definedName\b([^>]*)>)([^<]*)(</(?:\w+:)?definedName>)")
_LOCAL_ID = re.compile(rb"localSheetId=\"(\d+)\"")


def _move_in_elements(xml: bytes, extent: Extent, home: str | None) -> bytes:
    def formula(m: re.Match[bytes]) -> bytes:
        text = unescape(m.group(2).decode("utf-8"))
        moved = extent.move(text, home)
        if moved == text:
            return m.group(0)
        return m.group(1) + _escape_text(moved) + m.group(3)

    def sqref(m: re.Match[bytes]) -> bytes:
        text = m.group(2).decode("utf-8")
        moved = " ".join(extent.move(part, home) for part in text.split())
        return m.group(0) if moved == text else m.group(1) + moved.encode() + m.group(3)

    xml = _FORMULA_ELEMENT.sub(formula, xml)
    return _SQREF.sub(sqref, xml) if home is not None else xml


def _move_defined_names(xml: bytes, extent: Extent, sheet_names: Sequence[str]) -> bytes:
    def sub(m: re.Match[bytes]) -> bytes:
        local = _LOCAL_ID.search(m.group(2))
        home = None
        if local is not None and int(local.group(1)) < len(sheet_names):
            home = sheet_names[int(local.group(1))]
        text = unescape(m.group(3).decode("utf-8"))
        moved = extent.move(text, home)
        if moved == text:
            return m.group(0)
        return m.group(1) + _escape_text(moved) + m.group(4)

    return _DEFINED_NAME.sub(sub, xml)


@dataclass(frozen=True)
class TableRows:
    """The rows a table holds in a workbook: its place, the header and the data as values."""

    table: Table
    sheet: Sheet
    header: list[str]
    rows: list[list[object]]
    below: int
    """How many of ``rows`` were typed under the table, outside its ``ref`` (taken in)."""


def read_table_rows(
    book: Book, name: str, looks_like_row: Callable[[list[object]], bool]
) -> TableRows:
    """The header and data rows of the table ``name`` (case-insensitive) of ``book``.

    Rows typed directly under the table that ``looks_like_row`` accepts are read as its own
    (LibreOffice does not grow a table when rows are typed below it). Raises
    :class:`WorkbookError` when there is no such table.
    """
    table = next((t for t in book.tables if t.name.casefold() == name.casefold()), None)
    if table is None:
        raise WorkbookError(f"no table named {name}")
    sheet = next(s for s in book.sheets if s.index == table.sheet)

    def values(r: int) -> list[object]:
        out: list[object] = []
        for c in range(table.c1, table.c2 + 1):
            cell = sheet.cells.get((r, c))
            v = None if cell is None or cell.value is EMPTY else cell.value
            out.append(v)
        return out

    header = (
        [str(v) if v is not None else "" for v in values(table.r1)] if table.header_rows else []
    )
    rows = [values(r) for r in range(table.data_r1, table.data_r2 + 1)]
    below = 0
    if not table.totals_rows:
        r = table.r2 + 1
        while r <= sheet.max_row and looks_like_row(values(r)):
            rows.append(values(r))
            below += 1
            r += 1
    return TableRows(table, sheet, header, rows, below)


def replace_table_rows(
    pkg: Package,
    book: Book,
    current: TableRows,
    new_rows: Sequence[Sequence[Value]],
    kind_of: Callable[[Sequence[object]], str],
) -> Extent:
    """Write ``new_rows`` (in the table's column order) as the data of ``current``'s table.

    ``kind_of(row)`` names a row's kind so a new row takes the style of an old row of its
    kind (e.g. bonus rows are percents). The sheet part, the table part, the defined names
    and the formulas and ranges of every sheet are updated in ``pkg.parts``. Returns the
    table's extent before and after.
    """
    table, sheet = current.table, current.sheet
    where = f"{sheet.name}!"
    if table.totals_rows:
        raise WorkbookError(
            f"{where}{col_letter(table.c1)}{table.r2}: the table {table.name} has a totals row"
        )
    if not new_rows:
        raise WorkbookError(f"the new {table.name} table has no rows")
    old_end = table.data_r2 + current.below
    new_last = table.data_r1 + len(new_rows) - 1
    for (r, c), cell in sheet.cells.items():
        if table.c1 <= c <= table.c2 and table.data_r1 <= r <= old_end and cell.formula is not None:
            raise WorkbookError(
                f"{where}{col_letter(c)}{r}: the table {table.name} holds a formula here; "
                "update writes values and would lose it"
            )
        if table.c1 <= c <= table.c2 and old_end < r <= new_last and cell.value is not EMPTY:
            raise WorkbookError(
                f"{where}{col_letter(c)}{r}: growing the table {table.name} to row {new_last} "
                "would cover this filled cell"
            )
    styles: dict[tuple[int, str], bytes | None] = {}
    for i, row in enumerate(current.rows):
        r = table.data_r1 + i
        kind = kind_of(row)
        for c in range(table.c1, table.c2 + 1):
            old = sheet.cells.get((r, c))
            if old is not None:
                styles.setdefault((c, kind), _style(sheet.xml[old.start : old.end]))
    cells: dict[tuple[int, int], bytes] = {}
    for i, new in enumerate(new_rows):
        r = table.data_r1 + i
        kind = kind_of(new)
        for j, c in enumerate(range(table.c1, table.c2 + 1)):
            style = styles.get((c, kind))
            if style is None:
                style = next((s for (cc, _), s in styles.items() if cc == c and s), None)
            value = new[j] if j < len(new) else None
            element = cell_xml(sheet.prefix, f"{col_letter(c)}{r}", value, style)
            if element is not None:
                cells[(r, c)] = element
    last_data = table.data_r1 + len(current.rows) - 1
    template_row = sheet.rows.get(last_data) or sheet.rows.get(table.r1)
    row_tag = b'<%srow r="0">' % sheet.prefix
    if template_row is not None and not template_row.self_closing:
        row_tag = _SPANS.sub(b"", sheet.xml[template_row.tag_start : template_row.tag_end])
    xml = rewrite_rows(
        sheet, table.c1, table.c2, table.data_r1, max(old_end, new_last), cells, row_tag
    )
    xml = _grow_dimension(xml, new_last)
    extent = Extent(
        sheet=sheet.name,
        c1=table.c1,
        c2=table.c2,
        header=table.r1,
        first=table.data_r1,
        old_last=table.r2,
        new_last=new_last,
    )
    pkg.parts[sheet.part] = xml
    part = _table_part_name(pkg, book, table)
    if part is not None:
        pkg.parts[part] = _table_part(pkg.parts[part], extent)
    for other in book.sheets:
        data = pkg.parts[other.part]
        moved = _move_in_elements(data, extent, other.name)
        if moved != data:
            pkg.parts[other.part] = moved
    wb = pkg.parts[book.workbook_part]
    moved_wb = _move_defined_names(wb, extent, book.sheet_names)
    if moved_wb != wb:
        pkg.parts[book.workbook_part] = moved_wb
    return extent


def _table_part_name(pkg: Package, book: Book, table: Table) -> str | None:
    """The part of ``table`` (found again by the name on its root element)."""
    wanted = _escape_attr(table.name).encode()
    for name in pkg.parts:
        if "/tables/" not in f"/{name}" or not name.endswith(".xml"):
            continue
        root = _TABLE_ROOT.search(pkg.parts[name])
        if root is None:
            continue
        names = dict(_NAME_ATTR.findall(root.group(0)))
        if names.get(b"displayName", names.get(b"name")) == wanted:
            return name
    return None


_TABLE_ROOT = re.compile(rb"<(?:\w+:)?table\b[^>]*>")
_NAME_ATTR = re.compile(rb"\s(displayName|name)=\"([^\"]*)\"")
