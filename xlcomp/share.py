"""``xlcomp share``: a copy of a workbook safe to send, with the private values gone.

The copy is made from a freshly refreshed workbook (a Strict Open XML file is read as
Transitional, see :mod:`xlcomp.ooxml.opc`):

1. **Private cells** are those the workbook marks: every cell of a defined name whose
   name contains ``private`` (clipped to the sheet's used range, so ``Compare!$1:$1048576``
   costs what the sheet holds) and every cell whose named cell style contains ``Private``.
   A private defined name holding a constant (``private_uplift = 0.0737``) is a private
   value too, and any formula using it is derived.
2. **Derived cells** are found from the formulas (the dependency closure): a formula cell
   is derived when any range it reads holds a private or derived cell. A formula that
   cannot be analysed counts as derived. A cell whose formula *text* or string value
   holds a private or derived value (a constant typed into a formula, a label quoting the
   competing company) is private too, and the closure is taken again.
3. Private and derived cells are **emptied** (their style kept); every other cell that
   calls one of our functions keeps its value and loses its formula. A shared-formula
   child whose master was emptied or frozen keeps its value as a constant.
4. The copy holds **only parts on the allow-list** (:mod:`xlcomp.ooxml.allowlist`); every
   other part (printer settings, custom XML, external links, pivot caches and tables,
   macro sheets, VBA, EMF pictures, ...) is dropped with the relationships and content
   types that named it, and the output cells of a dropped pivot table are emptied. A
   macro workbook is shared as ``.xlsx``.
5. Every kept part is **cleaned** of every removed value in every written form
   (:mod:`xlcomp.ooxml.scan`: ``$296.4K`` is 296,417; ``7.37%`` is 0.0737): rich text is
   blanked, alternative text and text links removed, number formats reset, filter
   criteria, custom properties, defined names and drawing anchors quoting one removed.
6. **Leak versus coincidence**: a kept plain cell (no formula path to a private cell) that
   merely *equals* a removed value is a coincidence: the copy is written and a warning
   names both cells (``strict=True`` refuses instead).
7. A **note** on the Guide sheet says what was removed and dropped, and when.
8. A **final scan** reads every kept part as text (any encoding) and refuses to write a
   copy in which any written form of a removed value survives.

With ``keep_private`` the private and derived cells and every part stay (a copy for
yourself); our functions are still frozen into values.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from xlcomp.core.script import format_money
from xlcomp.errors import WorkbookError
from xlcomp.ooxml import NS_MAIN, Package, open_workbook, relationships, remove_parts, write_package
from xlcomp.ooxml import parse as parse_part
from xlcomp.ooxml.allowlist import (
    UnremovableError,
    classify,
    clean_image,
    drop_sheets,
    remove_dangling,
    scrub_tree,
)
from xlcomp.ooxml.limits import SHARE_BUDGET, ShareCost, format_size
from xlcomp.ooxml.numfmt import BUILTIN_FORMATS, displayed
from xlcomp.ooxml.opc import (
    content_type_of,
    content_types,
    decode_part,
    is_xml_part,
    rels_part_of,
    xml_encoding,
)
from xlcomp.ooxml.scan import Hit, Secrets, iter_places, parse_any, significant_digits
from xlcomp.refresh import (
    DependencyGraph,
    ErrorCell,
    Failure,
    dependency_graph,
    error_cells,
    recalculate,
    store_values,
)
from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Book, Sheet, parse_xml, read_book, split_range, split_ref
from xlcomp.refresh.parser import cell_name, col_index
from xlcomp.refresh.patch import apply_edits
from xlcomp.refresh.values import EMPTY, XlError

CellKey = tuple[int, int, int]  # sheet index, row, column
NOTE_SHEET = "Guide"


@dataclass
class ShareReport:
    """What ``share`` did to the copy."""

    path: Path
    private: list[str] = field(default_factory=list)
    """Private inputs emptied (cells without a formula)."""
    derived: list[str] = field(default_factory=list)
    """Formula cells emptied: marked private, or found to depend on a private cell."""
    frozen: int = 0
    scrubbed: list[str] = field(default_factory=list)
    """Kept parts from which a removed value was cleaned."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Parts left out of the copy (part name -> why)."""
    warnings: list[str] = field(default_factory=list)
    """Coincidences: a kept cell equal to a removed value, naming both cells."""
    refresh_failures: list[Failure] = field(default_factory=list)
    errors: list[ErrorCell] = field(default_factory=list)
    """Cells the copy keeps that computed to an error (``#XLCOMP! ...``, ``#DIV/0!``)."""
    note: str = ""
    kept_private: bool = False

    def summary(self) -> str:
        """One line for the end of the command."""
        if self.kept_private:
            return (
                f"{self.path}: {len(self.private)} private inputs and {len(self.derived)} "
                f"cells computed from them kept (--keep-private), {self.frozen} function "
                "cells stored as values"
            )
        dropped = f", {len(self.dropped)} parts dropped" if self.dropped else ""
        return (
            f"{self.path}: {len(self.private)} private inputs and {len(self.derived)} cells "
            f"computed from them emptied, {self.frozen} function cells stored as values"
            f"{dropped}"
        )


# --- finding private cells -----------------------------------------------------------


def _absolute(node: fx.Ref) -> tuple[int, int, int, int]:
    """The rectangle of a reference parsed at A1 (relative parts are offsets from A1)."""
    r1 = node.r1 if node.r1_abs else 1 + node.r1
    c1 = node.c1 if node.c1_abs else 1 + node.c1
    r2 = node.r2 if node.r2_abs else 1 + node.r2
    c2 = node.c2 if node.c2_abs else 1 + node.c2
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _refs(node: fx.Node) -> Iterable[fx.Ref]:
    if isinstance(node, fx.Ref):
        yield node
    elif isinstance(node, fx.Call):
        for a in node.args:
            yield from _refs(a)
    elif isinstance(node, fx.BinOp):
        yield from _refs(node.left)
        yield from _refs(node.right)
    elif isinstance(node, fx.UnaryOp):
        yield from _refs(node.operand)


def _cells_in(book: Book, sheet: int, rect: tuple[int, int, int, int]) -> set[CellKey]:
    """The cells of a rectangle, clipped to the sheet's used range (a whole-column or
    whole-sheet range costs what the sheet holds, not a million cells)."""
    r1, c1, r2, c2 = rect
    found = next((sh for sh in book.sheets if sh.index == sheet), None)
    if found is not None:
        r2 = min(r2, max(found.max_row, r1 - 1))
        c2 = min(c2, max(found.max_col, c1 - 1))
    elif r2 - r1 > 10_000 or c2 - c1 > 1_000:
        return set()  # a sheet without cells (chartsheet): nothing to mark
    return {(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def private_constants(book: Book) -> dict[str, Any]:
    """Defined names whose name contains ``private`` and whose text is a constant
    (a number, a text, an array of them): name -> value (the first, for an array)."""
    found: dict[str, Any] = {}
    for dn in book.names:
        if "private" not in dn.name.casefold():
            continue
        try:
            tree = fx.parse(dn.text.strip().lstrip("="), 1, 1)
        except fx.ParseError:
            continue
        consts = list(_literals(tree))
        if consts and not list(_refs(tree)):
            for i, v in enumerate(consts):
                found[f"name {dn.name}" + (f"[{i}]" if i else "")] = v
    return found


def _literals(node: Any) -> Iterable[Any]:
    if isinstance(node, fx.Literal):
        if not node.is_error:
            yield node.value
    elif isinstance(node, fx.UnaryOp):
        for v in _literals(node.operand):
            if isinstance(v, float) and node.op == "-":
                yield -v
            elif isinstance(v, float) and node.op == "%":
                yield v / 100
            else:
                yield v
    elif isinstance(node, fx.ArrayLit):
        for row in node.rows:
            for item in row:
                yield from _literals(item)
    elif isinstance(node, fx.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, fx.Call):
        for a in node.args:
            yield from _literals(a)


def _names_used(node: Any) -> Iterable[str]:
    if isinstance(node, fx.Name):
        yield node.name.upper()
    elif isinstance(node, fx.Call):
        for a in node.args:
            yield from _names_used(a)
    elif isinstance(node, fx.BinOp):
        yield from _names_used(node.left)
        yield from _names_used(node.right)
    elif isinstance(node, fx.UnaryOp):
        yield from _names_used(node.operand)


def private_by_name(book: Book) -> set[CellKey]:
    """Cells of every defined name whose name contains ``private``."""
    index = {n.upper(): i for i, n in enumerate(book.sheet_names)}
    found: set[CellKey] = set()
    for dn in book.names:
        if "private" not in dn.name.casefold():
            continue
        for area in name_areas(dn.text):
            try:
                tree = fx.parse(area, 1, 1)
            except fx.ParseError as exc:
                raise WorkbookError(
                    f"defined name {dn.name}: cannot read {dn.text!r} ({exc})"
                ) from exc
            for ref in _refs(tree):
                sheet = index.get(ref.sheet.upper()) if ref.sheet else dn.local_sheet
                if sheet is None:
                    raise WorkbookError(f"defined name {dn.name} refers to an unknown sheet")
                found |= _cells_in(book, sheet, _absolute(ref))
    return found


def name_areas(text: str) -> list[str]:
    """The areas of a defined name's formula: a union ``(Checks!$H$3,Checks!$H$4)`` or
    ``Checks!$H$3,Checks!$H$4`` (the reference operator ``,`` at the top level, as Excel
    writes a non-contiguous range) gives each area; anything else is one area. Commas in
    quoted sheet names, strings and function arguments are not area separators."""
    body = text.strip().lstrip("=").strip()
    if body.startswith("(") and _closing(body, 0) == len(body) - 1:
        inner = body[1:-1]
        if len(_top_level_split(inner)) > 1:
            body = inner
    return [a.strip() for a in _top_level_split(body) if a.strip()]


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis closing the one at ``start`` (-1 when none)."""
    depth = 0
    quote = ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _top_level_split(text: str) -> list[str]:
    """``text`` split at commas outside parentheses, braces and quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    last = 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


def _styles_root(pkg: Package) -> Any | None:
    """The styles part the workbook's relationship names, parsed (None without one)."""
    wb_part = pkg.workbook_part or "xl/workbook.xml"
    part = next(
        (
            rel.target
            for rel in relationships(pkg, wb_part)
            if rel.kind == "styles" and not rel.external and rel.target in pkg.parts
        ),
        None,
    )
    return None if part is None else parse_xml(pkg.parts[part], part)


def _number_formats(pkg: Package) -> dict[int, str]:
    """Cell format index (``s``) -> its number format code, for the formats that show a
    number otherwise than as General (built-in or declared in ``<numFmts>``)."""
    root = _styles_root(pkg)
    if root is None:
        return {}
    ns = f"{{{NS_MAIN}}}"
    codes: dict[int, str] = dict(BUILTIN_FORMATS)
    for nf in root.iter(f"{ns}numFmt"):
        try:
            codes[int(nf.get("numFmtId", ""))] = nf.get("formatCode", "")
        except ValueError:
            continue
    cell_xfs = root.find(f"{ns}cellXfs")
    if cell_xfs is None:
        return {}
    out: dict[int, str] = {}
    for i, xf in enumerate(cell_xfs.findall(f"{ns}xf")):
        try:
            code = codes.get(int(xf.get("numFmtId", "0")))
        except ValueError:
            continue
        if code:
            out[i] = code
    return out


def _displayed_leaks(
    book: Book, formats: dict[int, str], secrets: Secrets, done: set[CellKey]
) -> set[CellKey]:
    """Kept plain numeric cells whose value is not a removed value but whose displayed
    text is one at the precision shown: 296,417.4 under ``"$"#,##0`` shows ``$296,417``,
    296.417 under ``"$"0.0"K"`` shows ``$296.4K``. A reader sees the private value: a
    leak, not a coincidence (that is an exact equality)."""
    found: set[CellKey] = set()
    if not formats or not secrets:
        return found
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            v = cell.value
            if cell.ftype or isinstance(v, bool) or not isinstance(v, int | float):
                continue
            key = (sheet.index, r, c)
            if key in done or secrets.number_source(float(v)) is not None:
                continue
            code = formats.get(_style_of(sheet, cell.start, cell.end))
            text = displayed(float(v), code) if code else None
            if text and secrets.number_hits(text, human=True):
                found.add(key)
    return found


def _private_styles(pkg: Package) -> set[int]:
    """Indices of cell formats (``s``) based on a named style containing ``Private``
    (the styles part is the one the workbook's relationship names)."""
    wb_part = pkg.workbook_part or "xl/workbook.xml"
    part = next(
        (
            rel.target
            for rel in relationships(pkg, wb_part)
            if rel.kind == "styles" and not rel.external and rel.target in pkg.parts
        ),
        None,
    )
    if part is None:
        return set()
    root = parse_xml(pkg.parts[part], part)
    ns = f"{{{NS_MAIN}}}"
    private_xf = {
        int(cs.get("xfId", "-1"))
        for cs in root.iter(f"{ns}cellStyle")
        if "private" in cs.get("name", "").casefold()
    }
    cell_xfs = root.find(f"{ns}cellXfs")
    if cell_xfs is None or not private_xf:
        return set()
    return {
        i
        for i, xf in enumerate(cell_xfs.findall(f"{ns}xf"))
        if int(xf.get("xfId", "0")) in private_xf
    }


_S_ATTR = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")


def _style_of(sheet: Sheet, start: int, end: int) -> int:
    head = sheet.xml[start : sheet.xml.index(b">", start, end) + 1]
    m = _S_ATTR.search(head)
    return int(m.group(1)) if m else 0


def private_by_style(pkg: Package, book: Book) -> set[CellKey]:
    """Cells whose named cell style contains ``Private``."""
    styles = _private_styles(pkg)
    if not styles:
        return set()
    return {
        (sheet.index, r, c)
        for sheet in book.sheets
        for (r, c), cell in sheet.cells.items()
        if _style_of(sheet, cell.start, cell.end) in styles
    }


# --- the dependency closure ----------------------------------------------------------


@dataclass
class Analysis:
    """Which cells are private, derived from them, and which call our functions."""

    private: set[CellKey]
    derived: set[CellKey]
    ours: set[CellKey]
    values: dict[CellKey, Any]
    precedents: dict[CellKey, list[tuple[int, int, int, int, int]]] = field(default_factory=dict)
    """The rectangles (sheet, r1, c1, r2, c2) each formula cell reads."""
    _by_column: dict[int, dict[int, list[int]]] | None = None

    def formulas_in(self, box: tuple[int, int, int, int, int]) -> Iterable[CellKey]:
        """The formula cells (keys of ``precedents``) inside a rectangle; an index by
        sheet and column (rows sorted) is built the first time."""
        if self._by_column is None:
            index: dict[int, dict[int, list[int]]] = {}
            for s, r, c in self.precedents:
                index.setdefault(s, {}).setdefault(c, []).append(r)
            for columns in index.values():
                for rows in columns.values():
                    rows.sort()
            self._by_column = index
        s, r1, c1, r2, c2 = box
        for c, rows in self._by_column.get(s, {}).items():
            if c1 <= c <= c2:
                for i in range(bisect.bisect_left(rows, r1), bisect.bisect_right(rows, r2)):
                    yield (s, rows[i], c)


def analyse(
    pkg: Package,
    graph: DependencyGraph | None = None,
    *,
    book: Book | None = None,
    extra: Iterable[CellKey] = (),
) -> Analysis:
    """Private cells, the formula cells derived from them, and the cells of our functions.

    ``graph`` is the package's dependency graph when the caller has it (as
    :func:`xlcomp.refresh.recalculate` gives it); values are the ones the file holds.
    ``extra`` are cells to count as private besides the marked ones (cells found to quote
    a private value). A formula using a private constant name is derived.
    """
    book = book if book is not None else read_book(pkg)
    private = private_by_name(book) | private_by_style(pkg, book) | set(extra)
    if graph is None:
        graph = dependency_graph(book)
    constants = private_constants(book)
    secret_names = {dn.name.upper() for dn in book.names if f"name {dn.name}" in constants}
    masters = _masters(book)
    name_users: set[CellKey] = set()
    ours: set[CellKey] = set()
    precedents: dict[CellKey, list[tuple[int, int, int, int, int]]] = {}
    sheets = {sh.index: sh for sh in book.sheets}
    for node in graph.nodes:
        cells = node.cells()
        if node.calls:
            ours.update(cells)
        reads = node.reads()
        for key in cells:
            precedents[key] = reads
        if secret_names:
            cell = sheets[node.sheet].cells.get((node.row, node.col))
            text = None
            if cell is not None:
                text = cell.formula or (
                    masters.get((node.sheet, cell.si)) if cell.si is not None else None
                )
            try:
                tree = fx.parse(text, node.row, node.col) if text else None
            except fx.ParseError:
                tree = None
            if tree is not None and set(_names_used(tree)) & secret_names:
                name_users.update(cells)
    derived = (graph.dependents(private | name_users) | name_users) - private
    tainted = private | derived
    values = {
        (sheet.index, r, c): cell.value
        for sheet in book.sheets
        for (r, c), cell in sheet.cells.items()
        if (sheet.index, r, c) in tainted
    }
    return Analysis(private, derived, ours, values, precedents)
    values = {
        (sheet.index, r, c): cell.value
        for sheet in book.sheets
        for (r, c), cell in sheet.cells.items()
        if (sheet.index, r, c) in tainted
    }
    return Analysis(private, derived, ours, values, precedents)


# --- rewriting sheets ----------------------------------------------------------------

_F_EL = r"<%(p)sf\b[^>]*?(?:/>|>.*?</%(p)sf>)"
_T_ATTR = re.compile(rb"""\s+t\s*=\s*(?:"[^"]*"|'[^']*')""")
_CM_ATTR = re.compile(rb"""\s+(?:cm|vm)\s*=\s*(?:"[^"]*"|'[^']*')""")


def _empty_cell(sheet: Sheet, old: bytes) -> bytes:
    p = sheet.prefix
    end = old.index(b">")
    attrs = old[len(p) + 2 : end - 1 if old[end - 1 : end] == b"/" else end]
    attrs = _CM_ATTR.sub(b"", _T_ATTR.sub(b"", attrs)).rstrip()
    return b"<%sc%s/>" % (p, attrs)


def _freeze_cell(sheet: Sheet, old: bytes) -> bytes:
    p = re.escape(sheet.prefix)
    f_re = re.compile(_F_EL.encode() % {b"p": p}, re.S)
    new = f_re.sub(b"", old, count=1)
    end = new.index(b">")
    head = _CM_ATTR.sub(b"", new[: end + 1])
    return head + new[end + 1 :]


def _rewrite_sheet(
    sheet: Sheet, empty: set[tuple[int, int]], freeze: set[tuple[int, int]]
) -> tuple[bytes, list[int]]:
    """The sheet with cells emptied or frozen; the shared-string indices it dropped."""
    edits: list[tuple[int, int, bytes]] = []
    dropped: list[int] = []
    for (r, c), cell in sheet.cells.items():
        if (r, c) in empty:
            old = sheet.xml[cell.start : cell.end]
            head = old[: old.index(b">") + 1]
            if re.search(rb"""\st\s*=\s*["']s["']""", head):
                m = re.search(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>", old)
                if m:
                    dropped.append(int(m.group(1)))
            edits.append((cell.start, cell.end, _empty_cell(sheet, old)))
        elif (r, c) in freeze:
            old = sheet.xml[cell.start : cell.end]
            if isinstance(cell.value, XlError) and str(cell.value) == "#N/A":
                # Our functions never give #N/A: it is Excel's padding of an array
                # formula's range beyond the result, and frozen it would be an error cell.
                edits.append((cell.start, cell.end, _empty_cell(sheet, old)))
            else:
                edits.append((cell.start, cell.end, _freeze_cell(sheet, old)))
    return apply_edits(sheet.xml, edits), dropped


def _used_shared_strings(xml: bytes) -> set[int]:
    used = set()
    for m in re.finditer(
        rb"<(?:\w+:)?c\b[^>]*\st\s*=\s*[\"']s[\"'][^>]*>.*?<(?:\w+:)?v>\s*(\d+)\s*</", xml, re.S
    ):
        used.add(int(m.group(1)))
    return used


def _blank_shared_strings(data: bytes, blank: set[int]) -> bytes:
    """``sharedStrings.xml`` with the given entries replaced by empty strings."""
    prefix_m = re.search(rb"<(\w+:)?sst\b", data)
    p = prefix_m.group(1) or b"" if prefix_m else b""
    si_re = re.compile(rb"<%ssi\b[^>]*?(?:/>|>.*?</%ssi>)" % (re.escape(p), re.escape(p)), re.S)
    out, pos = [], 0
    for n, m in enumerate(si_re.finditer(data)):
        if n in blank:
            out.append(data[pos : m.start()])
            out.append(b"<%ssi><%st/></%ssi>" % (p, p, p))
            pos = m.end()
    out.append(data[pos:])
    return b"".join(out)


def leak_forms(value: Any, *, rounded: bool = True) -> list[str]:
    """Some ways a person or Excel may write ``value``: 287654, 287,654, $287.7K, $288K.

    Kept for tests and callers that search text for a value; the share itself compares
    numbers (:class:`xlcomp.ooxml.scan.Secrets`), which finds every form, not only these.
    """
    if isinstance(value, bool) or value is None or value is EMPTY:
        return []
    if isinstance(value, str):
        text = value.strip()
        return [text] if len(text) >= 12 else []
    if not isinstance(value, (int, float)) or abs(value) < 1000:
        return []
    v = float(value)
    forms = {repr(v), f"{v:,.2f}", f"{v:.2f}"}
    if v.is_integer():
        forms |= {str(int(v)), f"{int(v):,}"}
    if rounded:
        thousands = v / 1000
        forms |= {format_money(v), f"{round(thousands)}K", f"{thousands:,.1f}K"}
        forms.add(f"{round(thousands):,}K")
        if not thousands.is_integer():
            forms.add(f"{thousands:.3f}".rstrip("0"))
    return sorted(f for f in forms if len(f.strip("$K,.0")) >= 2)


# --- the parts of the copy -------------------------------------------------------------

MACRO_WORKBOOK = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ),
    "application/vnd.ms-excel.template.macroEnabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
    ),
}


class ShareRefusedError(WorkbookError):
    """The copy cannot be made safe; one line names the part or the cell."""


def _pivot_outputs(pkg: Package, book: Book, pivots: Iterable[str]) -> set[CellKey]:
    """The cells each pivot table fills (its ``<location ref>``), on its sheet."""
    doomed = set(pivots)
    out: set[CellKey] = set()
    for sheet in book.sheets:
        for rel in relationships(pkg, sheet.part):
            if rel.external or rel.target not in doomed:
                continue
            root = parse_any(pkg.parts[rel.target])
            if root is None:
                continue
            loc = root.find(f"{{{NS_MAIN}}}location")
            if loc is not None and loc.get("ref"):
                try:
                    out |= _cells_in(book, sheet.index, split_range(loc.get("ref", "")))
                except WorkbookError:
                    continue
    return out


def _drop_parts(
    pkg: Package, book: Book, dropped: dict[str, str], kept: dict[str, str]
) -> list[str]:
    """Remove the dropped parts, the sheets and references that named them; sheets gone."""
    wb_part = book.workbook_part
    wb_rels = relationships(pkg, wb_part)
    sheet_ids = {rel.id for rel in wb_rels if not rel.external and rel.target in dropped}
    remove_parts(pkg, list(dropped))
    gone: list[str] = []
    for name, kind in kept.items():
        if name not in pkg.parts or kind in ("rels", "content-types", "image", "lite"):
            continue
        rels_name = rels_part_of(name)
        had_rels = any(n == rels_name for n in pkg.parts) or kind == "workbook"
        if not had_rels and b"relationships" not in pkg.parts[name][:4096]:
            continue
        root = parse_any(pkg.parts[name])
        if root is None:
            continue
        live = {rel.id for rel in relationships(pkg, name)}
        changed = 0
        if kind == "workbook" and sheet_ids:
            gone = drop_sheets(root, sheet_ids)
            changed += len(gone)
        try:
            changed += remove_dangling(root, kind, name, live)
        except UnremovableError as exc:
            raise ShareRefusedError(str(exc)) from None
        if changed:
            pkg.parts[name] = _serialise(root, pkg.parts[name])
    return gone


def _serialise(root: Any, original: bytes) -> bytes:
    """A parsed part written back as UTF-8 with the declaration Excel writes."""
    del original
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _to_xlsx(pkg: Package, wb_part: str) -> bool:
    """Declare a macro workbook part as a plain workbook; whether it was one."""
    ct = pkg.parts.get("[Content_Types].xml")
    if ct is None:
        return False
    new = ct
    for macro, plain in MACRO_WORKBOOK.items():
        new = new.replace(macro.encode(), plain.encode())
    if new != ct:
        pkg.parts["[Content_Types].xml"] = new
        return True
    return False


# --- cells that quote a removed value ------------------------------------------------------


def _quoting_cells(
    book: Book,
    secrets: Secrets,
    done: set[CellKey],
    masters: dict[tuple[int, int], str],
    text_secrets: Secrets | None = None,
) -> dict[CellKey, Hit]:
    """Cells not yet emptied whose formula text holds a removed value (``secrets``: a
    constant typed into a formula is never a coincidence) or whose string value does
    (``text_secrets``: a value public elsewhere by coincidence is not looked for; a whole
    string equal to a removed text is a coincidence, judged later)."""
    words = text_secrets if text_secrets is not None else secrets
    found: dict[CellKey, Hit] = {}
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            key = (sheet.index, r, c)
            if key in done:
                continue
            text = cell.formula
            if text is None and cell.si is not None:
                text = masters.get((sheet.index, cell.si))
            hits: list[Hit] = []
            if text:
                hits = secrets.number_hits(_strip_strings(text), human=False)
                hits += [h for h in secrets.word_hits(text) if h.written.strip()]
            whole = (
                _is_text(cell.value)
                and _may_coincide(cell.value)
                and words.is_word(cell.value) is not None
            )
            if not hits and _is_text(cell.value) and (not whole or cell.formula):
                hits = words.hits(cell.value, human=True)
            if hits:
                found[key] = hits[0]
    return found


_STRING_LIT = re.compile(r'"(?:[^"]|"")*"')
_SHEET_QUOTED = re.compile(r"'(?:[^']|'')*'!")


def _strip_strings(formula: str) -> str:
    """A formula with its sheet names removed (``'Offer 2024'!A1`` holds no value) and
    its string constants spaced out, so a number is read from constants and text alike."""
    return _SHEET_QUOTED.sub(" ", formula)


_F_HEAD = re.compile(rb"<(?:\w+:)?f\b([^>]*)")
_DT_ATTR = re.compile(rb"""\b(ref|r1|r2)\s*=\s*["']([^"']*)["']""")


def _data_table_cells(book: Book, tainted: set[CellKey]) -> set[CellKey]:
    """Result cells of what-if data tables (``<f t="dataTable" ref=.. r1=.. r2=..>``)
    that depend on a tainted cell. A table's results are its edge formulas (the row above
    and the column left of ``ref``) recomputed with the input cells ``r1``/``r2``
    replaced: they depend on those inputs and on every edge cell. Excel stores them as
    cached values only, so no formula shows the path. A table whose input cells cannot
    be read counts as tainted whole."""
    found: set[CellKey] = set()
    by_sheet: dict[int, list[CellKey]] = {}
    for key in tainted:
        by_sheet.setdefault(key[0], []).append(key)
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.ftype != "dataTable":
                continue
            fm = _F_HEAD.search(sheet.xml, cell.start, cell.end)
            attrs = {
                k.decode(): v.decode() for k, v in _DT_ATTR.findall(fm.group(1) if fm else b"")
            }
            box, inputs = _data_table_box(attrs, cell.row, cell.col)
            r1, c1, r2, c2 = box
            hit = not inputs or any(
                (r, c) in inputs
                or (r == r1 - 1 and c1 - 1 <= c <= c2)
                or (c == c1 - 1 and r1 - 1 <= r <= r2)
                for _, r, c in by_sheet.get(sheet.index, ())
            )
            if hit:
                found |= {
                    (sheet.index, r, c) for (r, c) in sheet.cells if r1 <= r <= r2 and c1 <= c <= c2
                }
    return found


def _data_table_box(
    attrs: dict[str, str], row: int, col: int
) -> tuple[tuple[int, int, int, int], list[tuple[int, int]]]:
    """A data table's result range (its ``ref``, or the anchor cell when unreadable)
    and its input cells (empty when any cannot be read)."""
    try:
        box = split_range(attrs.get("ref") or cell_name(row, col))
    except WorkbookError:
        box = (row, col, row, col)
    try:
        inputs = [split_ref(attrs[k]) for k in ("r1", "r2") if k in attrs]
    except WorkbookError:
        inputs = []
    return box, inputs


def _is_text(v: Any) -> bool:
    """Whether a cell value is text (the engine's blank, ``EMPTY``, is a ``str`` too)."""
    return isinstance(v, str) and v is not EMPTY


_LETTER = re.compile(r"[^\W\d_]")


def _may_coincide(text: str) -> bool:
    """Whether a kept string equal to a removed one can be a coincidence: a code without
    letters (a vesting schedule ``25/25/25/25``) can; words (a company's name, in any
    case or spacing) are the private text itself, a leak."""
    return _LETTER.search(text) is None


def _coincidences(book: Book, secrets: Secrets, empty: set[CellKey]) -> list[tuple[CellKey, str]]:
    """Kept cells whose whole value equals a removed value: (cell, the removed cell)."""
    out = []
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            key = (sheet.index, r, c)
            if key in empty:
                continue
            v = cell.value
            source = None
            if isinstance(v, bool):
                continue
            if isinstance(v, int | float):
                source = secrets.number_source(float(v))
            elif _is_text(v) and v.strip() and _may_coincide(v):
                source = secrets.is_word(v)
            if source is not None:
                out.append((key, source))
    return out


# --- the final scan ----------------------------------------------------------------------


def _final_scan(
    pkg: Package,
    kinds: dict[str, str],
    secrets: Secrets,
    approved: Secrets,
    *,
    note: str | None = None,
) -> list[str]:
    """Where a removed value is still written in the copy: ``'$296.4K' (the value of
    Offer!G5) in xl/drawings/drawing1.xml``, one per part."""
    found = []
    for name in list(pkg.parts):
        kind = kinds.get(name, "")
        if kind == "image":
            continue
        data = pkg.parts[name]
        if kind == "worksheet":
            hit = _scan_sheet_stream(data, approved, secrets, note)
        else:
            hit = _scan_part(data, kind, secrets, approved)
        if hit is not None and kind == "lite":
            hit = _lite_hit(data, secrets)
        if hit is not None:
            found.append(f"{hit.written!r} (the value of {hit.source}) in {name}")
    return found


def _lite_hit(data: bytes, secrets: Secrets) -> Hit | None:
    """A removed value in xlwings Lite code that xlcomp did not write itself (the code
    xlcomp generates is public: a docstring's "$363.5K" is not the user's floor)."""
    from xlcomp.lite_codegen import generate_lite_code

    ours = "\n".join(generate_lite_code().values())
    for text, human in _texts_of(data):
        for hit in secrets.hits(text, human=human):
            if hit.written not in ours:
                return hit
    return None


def _texts_of(data: bytes) -> Iterable[tuple[str, bool]]:
    from xlcomp.ooxml.scan import part_texts

    return part_texts(data)


def _scan_part(data: bytes, kind: str, secrets: Secrets, approved: Secrets) -> Hit | None:
    root = parse_any(data)
    if root is None:
        text = decode_part(data)
        from html import unescape

        for candidate in (re.sub(r"<[^>]*>", " ", text), re.sub(r"<[^>]*>", "", text)):
            hits = secrets.hits(unescape(candidate), human=True)
            if hits:
                return hits[0]
        return None
    for place in iter_places(root):
        local = place.element.tag.rsplit("}", 1)[-1] if isinstance(place.element.tag, str) else ""
        judge = approved if local == "v" and kind == "chart" else secrets
        if kind == "sharedStrings" and place.attribute == "*" and approved.is_word(place.text):
            continue
        if kind == "sharedStrings" and local == "t" and approved.is_word(place.text):
            continue
        hits = judge.hits(place.text, human=place.human)
        if hits:
            return hits[0]
    return None


def _scan_sheet_stream(
    data: bytes, approved: Secrets, secrets: Secrets, note: str | None = None
) -> Hit | None:
    """Scan a worksheet in bounded memory: cell values (``<v>``) were judged cell by cell,
    everything else (formulas, inline strings, headers, validations) is read here."""
    import io

    context = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for _, el in context:
            if not isinstance(el.tag, str):
                continue
            local = el.tag.rsplit("}", 1)[-1]
            if local == "v":
                continue
            if local in ("c", "row"):
                if local == "row":
                    el.clear(keep_tail=False)
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                continue
            if note is not None and local in ("t", "is") and "".join(el.itertext()) == note:
                continue  # share's own note: counts, ranges and the date, nothing private
            for place in _own_places(el):
                judge = approved if local in ("t", "is") else secrets
                hits = judge.hits(place[0], human=place[1])
                if hits:
                    return hits[0]
    except etree.XMLSyntaxError:
        return _scan_part(data, "worksheet", secrets, approved)
    return None


def _own_places(el: Any) -> Iterable[tuple[str, bool]]:
    """The texts of one element itself (not its children): attributes, text, tail."""
    from xlcomp.ooxml.scan import (
        LAYOUT_ATTRIBUTES,
        LAYOUT_ELEMENTS,
        TEXT_CONTAINERS,
        is_schema_name,
    )

    layout = el.tag.rsplit("}", 1)[-1] in LAYOUT_ELEMENTS
    for name, value in el.attrib.items():
        local = name.rsplit("}", 1)[-1]
        skip = local in LAYOUT_ATTRIBUTES or (layout and local == "val")
        if value and not skip and not is_schema_name(value):
            yield value, False
    if el.text and el.text.strip():
        yield el.text, el.tag.endswith("}t")
    if el.tail and el.tail.strip():
        yield el.tail, True
    if el.tag.rsplit("}", 1)[-1] in TEXT_CONTAINERS and len(el):
        yield "".join(el.itertext()), True


# --- share ------------------------------------------------------------------------------------


def share_workbook(
    src: str | Path,
    out: str | Path,
    *,
    keep_private: bool = False,
    strict: bool = False,
    now: dt.datetime | None = None,
    note: bool = True,
    budget: int = SHARE_BUDGET,
) -> ShareReport:
    """Write to ``out`` a copy of ``src`` that is safe to send (see the module's doc).

    ``strict=True`` refuses a coincidence (a kept cell equal to a removed value) instead
    of warning. ``note=False`` leaves the Guide sheet alone (for pictures of the
    workbook). A macro workbook (``.xlsm``) is written as ``.xlsx``: ``report.path`` says
    where. Raises :class:`ShareRefusedError` (a :class:`WorkbookError`) with one line
    naming the part or cell when the copy cannot be made safe; nothing is written then.
    A workbook whose estimated memory (:class:`xlcomp.ooxml.limits.ShareCost`) is over
    ``budget`` bytes is refused the same way, before it is inflated or read.
    """
    src, out = Path(src), Path(out)
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    cost = _size_cost(src, budget)  # from the zip directory: nothing inflated yet
    pkg = open_workbook(src)
    _count_cells(pkg, src, cost, budget)  # the sheets inflated, not yet read
    try:
        first = read_book(pkg)
        _count_reads(first, src, cost, budget)
        refresh = recalculate(first)
    except WorkbookError as exc:
        if str(src) in str(exc):
            raise
        raise type(exc)(f"{src}: {exc}") from None
    del first
    store_values(refresh)
    pkg.path = out
    report = ShareReport(path=out, refresh_failures=list(refresh.failures))
    report.errors = error_cells(refresh.book, refresh.results)
    # The recalculation's book, values and compiled formulas (which close over them) go
    # before the parts are read again: one book in memory at a time, not two. The
    # graph is built again over the book as re-read (formulas only, nothing evaluated).
    del refresh
    gc.collect()
    book = read_book(pkg)  # the parts now hold the recalculated values
    graph = dependency_graph(book)
    formulas = _formula_cells(book)
    masters = _masters(book)
    if keep_private:
        found = analyse(pkg, graph, book=book)
        report.kept_private = True
        _fill_counts(report, book, found, formulas)
        freeze = found.ours
        report.frozen = len({k for k in freeze if k in formulas})
        _rewrite_sheets(pkg, book, set(), freeze, masters)
        text = (
            f"Copy made by xlcomp share --keep-private on {when}: private cells kept; "
            "results of xlcomp functions are stored as values."
        )
        if note:
            where = _add_note(pkg, book, text)
            report.note = f"{where}: {text}" if where else text
        write_package(pkg, out)
        return report
    try:
        return _share(pkg, book, graph, src, out, report, formulas, masters, when, note, strict)
    except UnremovableError as exc:
        raise ShareRefusedError(f"{src}: refusing to write {out}: {exc}") from None


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"


def _over_budget(src: Path, cost: ShareCost, budget: int) -> None:
    """Refuse, in one line naming the file, the measure and the limit, a workbook whose
    estimated memory is over ``budget``."""
    need = cost.estimate()
    if need > budget:
        raise ShareRefusedError(
            f"{src}: too large to share: {cost.largest()} need about {format_size(need)} of "
            f"memory, over the {format_size(budget)} xlcomp share allows (move the large "
            "data sheets to another workbook and share the rest)"
        )


def _size_cost(src: Path, budget: int) -> ShareCost:
    """The byte terms of the estimate, from the zip directory (nothing is inflated but
    ``[Content_Types].xml``, once every part is known to fit at the cheapest rate)."""
    pkg = Package.open(src)
    cost = ShareCost(file_size=len(pkg.original_bytes or b""))
    sizes = {name: info.file_size for name, info in pkg.infos.items()}
    xml = {name for name in sizes if is_xml_part(name, "")}
    # First as if every XML part were a worksheet (the cheapest XML), then by content type.
    cost.sheet_bytes = sum(sizes[n] for n in xml)
    cost.other_bytes = sum(v for n, v in sizes.items() if n not in xml)
    _over_budget(src, cost, budget)
    types = content_types(pkg)
    sheets = {n for n in xml if _WORKSHEET_TYPE in content_type_of(n, types)}
    cost.sheet_bytes = sum(sizes[n] for n in sheets)
    cost.xml_bytes = sum(sizes[n] for n in xml - sheets)
    _over_budget(src, cost, budget)
    return cost


def _count_cells(pkg: Package, src: Path, cost: ShareCost, budget: int) -> None:
    """Add the cells and formulas of the worksheet parts (tags counted in the bytes,
    before any is read into cells) to ``cost``; refuse when over ``budget``."""
    types = content_types(pkg)
    for name in list(pkg.parts):
        if _WORKSHEET_TYPE in content_type_of(name, types):
            data = pkg.parts[name]
            cost.cells += sum(1 for _ in _CELL_TAG.finditer(data))
            cost.formulas += sum(1 for _ in _FORMULA_TAG.finditer(data))
    _over_budget(src, cost, budget)


_RANGE_REF = re.compile(
    r"""(?<![\w.$!'])(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?:"""
    r"(?P<ca>\$?)(?P<c1>[A-Za-z]{1,3})(?P<ra>\$?)(?P<r1>\d+):"
    r"(?P<cb>\$?)(?P<c2>[A-Za-z]{1,3})(?P<rb>\$?)(?P<r2>\d+)"
    r"|(?P<wca>\$?)(?P<wc1>[A-Za-z]{1,3}):(?P<wcb>\$?)(?P<wc2>[A-Za-z]{1,3})"
    r"|(?P<wra>\$?)(?P<wr1>\d+):(?P<wrb>\$?)(?P<wr2>\d+)"
    r")(?![\w(])"
)
_Box = tuple[int, int, int, int, int]
_Area = tuple[int | None, tuple[int, bool], tuple[int, bool], tuple[int, bool], tuple[int, bool]]


def _range_areas(text: str, sheets: dict[str, int]) -> list[_Area]:
    """The ranges a formula's text names (``A1:B9``, ``$C:$C``, ``'Data'!3:3``), each as
    (sheet index or None for the formula's own, (row, absolute), (col, absolute), ...)
    for its two corners. Strings are left out; names and tables are counted apart."""
    out: list[_Area] = []
    for m in _RANGE_REF.finditer(_STRING_LIT.sub('""', text)):
        sheet_text = m.group("sheet")
        sheet = None
        if sheet_text:
            sheet = sheets.get(sheet_text.strip("'").replace("''", "'").upper(), -1)
        if m.group("c1"):
            corners = (
                (int(m.group("r1")), bool(m.group("ra"))),
                (col_index(m.group("c1").upper()), bool(m.group("ca"))),
                (int(m.group("r2")), bool(m.group("rb"))),
                (col_index(m.group("c2").upper()), bool(m.group("cb"))),
            )
        elif m.group("wc1"):
            corners = (
                (1, True),
                (col_index(m.group("wc1").upper()), bool(m.group("wca"))),
                (MAX_ROWS, True),
                (col_index(m.group("wc2").upper()), bool(m.group("wcb"))),
            )
        else:
            corners = (
                (int(m.group("wr1")), bool(m.group("wra"))),
                (1, True),
                (int(m.group("wr2")), bool(m.group("wrb"))),
                (MAX_COLS, True),
            )
        out.append((sheet, *corners))
    return out


MAX_ROWS, MAX_COLS = 1_048_576, 16_384


def _count_reads(book: Book, src: Path, cost: ShareCost, budget: int) -> None:
    """Add to ``cost`` the cells of the distinct ranges the formulas read, each clipped
    to its sheet's used range as the engine clips it, and refuse, before any formula is
    compiled, when over ``budget``. Ranges are read from the formula text (a shared
    formula's children shift the master's relative corners, as Excel does), from defined
    names and from tables; a running total ``SUM($B$2:B2)`` filled down counts every
    row's range. Ranges made at run time (``OFFSET``, ``INDIRECT``) are not seen."""
    sheets = {name.upper(): i for i, name in enumerate(book.sheet_names)}
    used = {sh.index: (sh.max_row, sh.max_col) for sh in book.sheets}
    seen: set[_Box] = set()

    def add(box: _Box) -> None:
        if box in seen:
            return
        seen.add(box)
        s, r1, c1, r2, c2 = box
        max_row, max_col = used.get(s, (0, 0))
        r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
        rows = min(r2, max(max_row, r1)) - r1 + 1
        cols = min(c2, max(max_col, c1)) - c1 + 1
        cost.cells_read += max(rows, 0) * max(cols, 0)

    def place(area: _Area, own: int, dr: int, dc: int) -> _Box:
        sheet, (r1, ra), (c1, ca), (r2, rb), (c2, cb) = area
        return (
            own if sheet is None else sheet,
            r1 if ra else r1 + dr,
            c1 if ca else c1 + dc,
            r2 if rb else r2 + dr,
            c2 if cb else c2 + dc,
        )

    parsed: dict[str, list[_Area]] = {}
    masters: dict[tuple[int, int], tuple[int, int, list[_Area]]] = {}
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.formula and cell.si is not None and cell.ftype == "shared":
                areas = parsed.get(cell.formula)
                if areas is None:
                    areas = parsed[cell.formula] = _range_areas(cell.formula, sheets)
                masters[(sheet.index, cell.si)] = (cell.row, cell.col, areas)
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.formula:
                areas = parsed.get(cell.formula)
                if areas is None:
                    areas = parsed[cell.formula] = _range_areas(cell.formula, sheets)
                for area in areas:
                    add(place(area, sheet.index, 0, 0))
            elif cell.si is not None and (sheet.index, cell.si) in masters:
                row, col, areas = masters[(sheet.index, cell.si)]
                for area in areas:
                    add(place(area, sheet.index, cell.row - row, cell.col - col))
        if cost.estimate() > budget:
            break
    for dn in book.names:
        own = dn.local_sheet if dn.local_sheet is not None else -1
        for area in _range_areas(dn.text, sheets):
            add(place(area, own, 0, 0))
    for table in book.tables:
        add((table.sheet, table.r1, table.c1, table.r2, table.c2))
    _over_budget(src, cost, budget)


def _masters(book: Book) -> dict[tuple[int, int], str]:
    masters: dict[tuple[int, int], str] = {}
    for sh in book.sheets:
        for cell in sh.cells.values():
            if cell.ftype == "shared" and cell.formula and cell.si is not None:
                masters[(sh.index, cell.si)] = cell.formula
    return masters


def _fill_counts(report: ShareReport, book: Book, found: Analysis, formulas: set[CellKey]) -> None:
    inputs = found.private - formulas
    computed = (found.private | found.derived) - inputs
    report.private = [_label(book, k) for k in sorted(inputs)]
    report.derived = [_label(book, k) for k in sorted(computed)]


def _public_copies(
    book: Book, found: Analysis, empty: set[CellKey], formulas: set[CellKey]
) -> set[CellKey]:
    """Emptied formula cells whose value is a copy of a kept cell they read (directly or
    through other formulas): ``Compare!B16`` showing the public offer's equity. Their
    value is public already; it is not looked for in the copy."""
    wanted = {
        v
        for key, v in found.values.items()
        if key in formulas
        and isinstance(v, int | float | str)
        and not isinstance(v, bool)
        and v is not EMPTY
    }
    kept_by_value: dict[Any, list[CellKey]] = {}
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            v = cell.value
            if isinstance(v, bool) or not isinstance(v, int | float | str) or v not in wanted:
                continue
            key = (sheet.index, r, c)
            if key not in empty:
                kept_by_value.setdefault(v, []).append(key)
    copies: set[CellKey] = set()
    for key, v in found.values.items():
        if key not in formulas or isinstance(v, bool) or v not in kept_by_value:
            continue
        candidates = kept_by_value[v]
        if any(k in formulas for k in candidates):
            copies.add(key)  # the open copy computes the same value from public cells
            continue
        if _reads_one_of(found, key, candidates):
            copies.add(key)
    return copies


def _reads_one_of(found: Analysis, key: CellKey, candidates: list[CellKey]) -> bool:
    """Whether formula cell ``key`` reads one of ``candidates``, directly or through
    other formulas (bounded: 10,000 rectangles; the formulas inside each are found by
    an index, not by a walk over every formula)."""
    seen: set[tuple[int, int, int, int, int]] = set()
    todo = list(found.precedents.get(key, ()))
    while todo and len(seen) < 10_000:
        box = todo.pop()
        if box in seen:
            continue
        seen.add(box)
        s, r1, c1, r2, c2 = box
        if any(k[0] == s and r1 <= k[1] <= r2 and c1 <= k[2] <= c2 for k in candidates):
            return True
        for other in found.formulas_in(box):
            todo.extend(found.precedents[other])
    return False


def _secret_values(
    book: Book,
    found: Analysis,
    constants: dict[str, Any],
    extra: dict[CellKey, Any],
    copies: set[CellKey],
    formulas: set[CellKey],
) -> dict[str, Any]:
    """Removed values by where they came from: private inputs (any value), derived cells
    (numbers of three digits or more, and texts that are sentences), private constants."""
    values: dict[str, Any] = dict(constants)
    for key, v in {**found.values, **extra}.items():
        if key in copies or v is EMPTY or v is None:
            continue  # a blank private cell holds nothing to look for
        if (key in found.private and key not in formulas) or key in extra:
            values[_label(book, key)] = v
        elif isinstance(v, int | float) and not isinstance(v, bool):
            if significant_digits(float(v)) >= 3:
                values[_label(book, key)] = v
        elif isinstance(v, str) and len(v.split()) >= 4:
            values[_label(book, key)] = v
    return values


def _share(
    pkg: Package,
    book: Book,
    graph: DependencyGraph,
    src: Path,
    out: Path,
    report: ShareReport,
    formulas: set[CellKey],
    masters: dict[tuple[int, int], str],
    when: str,
    note: bool,
    strict: bool,
) -> ShareReport:
    refuse = f"{src}: refusing to write {out}"
    parts = classify(pkg)
    for name, kind in parts.kept.items():
        if kind == "image":
            cleaned = clean_image(pkg.parts[name])
            if cleaned is None:
                parts.dropped[name] = "picture that is not a plain PNG, JPEG or GIF"
            elif cleaned != pkg.parts[name]:
                pkg.parts[name] = cleaned
    for name in parts.dropped:
        parts.kept.pop(name, None)
    if book.workbook_part in parts.dropped:
        raise ShareRefusedError(
            f"{refuse}: the workbook part {book.workbook_part} is not one xlcomp reads"
        )
    for name, kind in parts.kept.items():
        if kind not in ("image", "lite") and xml_encoding(pkg.parts[name]) != "utf-8":
            root = parse_any(pkg.parts[name])
            if root is None:
                raise ShareRefusedError(f"{refuse}: {name} is not well-formed XML")
            pkg.parts[name] = _serialise(root, pkg.parts[name])  # UTF-16 -> UTF-8
    pivots = [n for n, why in parts.dropped.items() if why.startswith("pivot table")]
    pivot_cells = _pivot_outputs(pkg, book, pivots)

    # Private cells, their closure, and cells quoting a removed value, to a fixed point.
    # A removed value that a kept cell merely equals (a coincidence) is public already:
    # it is warned about, not looked for in text.
    constants = private_constants(book)
    formats = _number_formats(pkg)
    extra: set[CellKey] = set()
    for _ in range(4):
        found = analyse(pkg, graph, book=book, extra=extra)
        empty = found.private | found.derived | pivot_cells
        pivot_values = {
            k: v for k, v in _cell_values(book, pivot_cells).items() if k not in found.values
        }
        copies = _public_copies(book, found, empty, formulas)
        removed = _secret_values(book, found, constants, pivot_values, copies, formulas)
        secrets = Secrets(removed)
        by_source: dict[str, list[CellKey]] = {}
        for key, source in _coincidences(book, secrets, empty):
            by_source.setdefault(source, []).append(key)
        public = {_value_key(removed[src]) for src in by_source}
        approved = Secrets({k: v for k, v in removed.items() if _value_key(v) not in public})
        quoting = set(_quoting_cells(book, secrets, empty, masters, approved))
        quoting |= _data_table_cells(book, empty) - empty
        quoting |= _displayed_leaks(book, formats, approved, empty)
        # A formula cell is never a coincidence: its value is computed (from an external
        # workbook, a function xlcomp cannot follow, ...), so it goes, unless it copies a
        # kept plain cell holding that value (``=offer_schedule``: public already).
        for keys in by_source.values():
            plain = [k for k in keys if k not in formulas]
            quoting |= {
                k for k in keys if k in formulas and not (plain and _reads_one_of(found, k, plain))
            }
        if not quoting - extra:
            break
        extra |= quoting
    _fill_counts(report, book, found, formulas)
    names = {sheet.index: sheet.name for sheet in book.sheets}
    emptied = {(names.get(s), cell_name(r, c)) for s, r, c in empty}
    report.errors = [e for e in report.errors if (e.sheet, e.cell) not in emptied]
    # A formula the engine could not evaluate (a what-if data table) but that the copy
    # empties leaves nothing behind to fix.
    report.refresh_failures = [
        f for f in report.refresh_failures if (f.sheet, f.cell) not in emptied
    ]
    freeze = found.ours - empty
    report.frozen = len({k for k in freeze if k in formulas})
    if any(why == "external-link cache" for why in parts.dropped.values()):
        # Formulas reading another workbook lose the link's cache with it: keep their
        # values (what Excel showed), not a formula pointing at a dropped part.
        freeze |= _external_formula_cells(book, masters) - empty

    declared = _declared_public(book) if by_source else set()
    for source in list(by_source):
        # The workbook declares these cells public (a named input, a table): their value
        # is public by its author's choice, and no warning could tell more.
        if all(k in formulas or k in declared for k in by_source[source]):
            del by_source[source]
    for message in _coincidence_warnings(book, by_source, removed, set(found.values)):
        if strict:
            raise ShareRefusedError(f"{refuse}: {message}")
        report.warnings.append(message)
    secrets = approved

    # Cells.
    dropped_ss = _rewrite_sheets(pkg, book, empty, freeze, masters)

    # Parts: external links quoting a value go; drop what is not on the allow-list.
    for name, kind in parts.kept.items():
        if kind == "rels" and _scrub_external_targets(pkg, name, secrets):
            report.scrubbed.append(name)
    report.dropped = dict(parts.dropped)
    gone_sheets = _drop_parts(pkg, book, parts.dropped, parts.kept)
    del gone_sheets
    if _to_xlsx(pkg, book.workbook_part) and out.suffix.lower() == ".xlsm":
        out = out.with_suffix(".xlsx")
        report.path = out
        pkg.path = out

    # Clean every kept part.
    ss_part = next((n for n, k in parts.kept.items() if k == "sharedStrings"), None)
    if ss_part and dropped_ss:
        used: set[int] = set()
        for sheet in book.sheets:
            used |= _used_shared_strings(pkg.parts[sheet.part])
        blank = set(dropped_ss) - used
        if blank:
            pkg.parts[ss_part] = _blank_shared_strings(pkg.parts[ss_part], blank)
            report.scrubbed.append(ss_part)
    report.scrubbed += _scrub_charts(pkg, book, empty)
    private_names = {k[5:] for k in constants}
    _drop_constant_names(pkg, book.workbook_part, private_names)
    for name, kind in parts.kept.items():
        if name not in pkg.parts or kind in ("rels", "content-types", "image", "lite"):
            continue
        if _clean_part(pkg, name, kind, secrets, approved) and name not in report.scrubbed:
            report.scrubbed.append(name)

    # The note.
    inputs = [k for k in found.private if k not in formulas]
    computed = (found.private | found.derived) - set(inputs)
    reasons: dict[str, list[str]] = {}
    for part, why in sorted(parts.dropped.items()):
        shown = "a part whose name quotes a private value" if secrets.hits(part) else part
        reasons.setdefault(why, []).append(shown)
    dropped_text = "; ".join(f"{why}: {', '.join(names)}" for why, names in reasons.items())
    text = (
        f"Shared copy made by xlcomp share on {when}: removed {len(inputs)} private "
        f"inputs ({_ranges(set(inputs), book) or 'none'}) and {len(computed)} cells computed "
        f"from them ({_ranges(computed, book) or 'none'}); results of xlcomp functions "
        "are stored as values."
    )
    if pivot_cells:
        text += f" Pivot table output emptied ({_ranges(pivot_cells, book)})."
    if dropped_text:
        text += f" Parts left out (xlcomp shares only parts it reads): {dropped_text}."
    if note:
        where = _add_note(pkg, book, text)
        report.note = f"{where}: {text}" if where else text

    leaks = _final_scan(pkg, parts.kept, secrets, approved, note=text if note else None)
    if leaks:
        raise ShareRefusedError(
            f"{refuse}: a private value would still be in the copy: {leaks[0]}"
            + (f" (+{len(leaks) - 1} more)" if len(leaks) > 1 else "")
        )
    write_package(pkg, out)
    return report


def _declared_public(book: Book) -> set[CellKey]:
    """Cells the workbook declares public: those of a defined name without ``private``
    in its name (``offer_schedule``, ``offer_bonus_pct``) and those of a table (the pay
    bands). A removed value equal to one of them is a coincidence its author chose."""
    index = {n.upper(): i for i, n in enumerate(book.sheet_names)}
    out: set[CellKey] = set()
    for dn in book.names:
        if "private" in dn.name.casefold():
            continue
        for area in name_areas(dn.text):
            try:
                refs = list(_refs(fx.parse(area, 1, 1)))
            except fx.ParseError:
                continue
            for ref in refs:
                sheet = index.get(ref.sheet.upper()) if ref.sheet else dn.local_sheet
                if sheet is not None:
                    out |= _cells_in(book, sheet, _absolute(ref))
    for table in book.tables:
        out |= _cells_in(book, table.sheet, (table.r1, table.c1, table.r2, table.c2))
    return out


GROUP_AT = 4
"""More coincidences than this on one sheet are told in one line, not one a cell."""


def _coincidence_warnings(
    book: Book, by_source: dict[str, list[CellKey]], removed: dict[str, Any], cells: set[CellKey]
) -> list[str]:
    """One warning per removed value that a kept cell equals, naming both cells; when
    more than ``GROUP_AT`` removed cells of one sheet have one (a whole private column
    of ordinary numbers), one line for that sheet with the counts and the first cells."""
    keys = {_label(book, k): k for k in cells}
    by_sheet: dict[int, list[str]] = {}
    for source in by_source:
        if source in keys:
            by_sheet.setdefault(keys[source][0], []).append(source)
    grouped = {src for srcs in by_sheet.values() if len(srcs) > GROUP_AT for src in srcs}
    out = []
    for source, kept in by_source.items():
        if source in grouped:
            continue
        shown = ", ".join(_label(book, k) for k in kept[:4])
        more = f" (+{len(kept) - 4} more)" if len(kept) > 4 else ""
        out.append(
            f"{source} was removed but its value {_show(removed[source])} is also in "
            f"{shown}{more}, kept: no formula path to a private cell (mark it private if it "
            "should go)"
        )
    for sources in by_sheet.values():
        if len(sources) <= GROUP_AT:
            continue
        kept_all = sorted({k for src in sources for k in by_source[src]})
        first = ", ".join(sources[:3])
        shown = ", ".join(_label(book, k) for k in kept_all[:3])
        out.append(
            f"{len(sources):,} removed cells ({_ranges({keys[s] for s in sources}, book)}; "
            f"first {first}) hold values also in {len(kept_all):,} kept cells (first {shown}), "
            "kept: no formula path to a private cell (mark them private if they should go)"
        )
    return out


def _show(v: Any) -> str:
    """A value as the warning shows it: ``387,654``, ``0.15``, ``'Acme'``."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{v:,.12g}"
    return repr(v)


_EXTERNAL_REF = re.compile(r"\[\d+\]")


def _external_formula_cells(book: Book, masters: dict[tuple[int, int], str]) -> set[CellKey]:
    """Formula cells whose formula reads another workbook (``[1]Rates!B2``)."""
    out: set[CellKey] = set()
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            text = cell.formula or (
                masters.get((sheet.index, cell.si)) if cell.si is not None else None
            )
            if text and _EXTERNAL_REF.search(_STRING_LIT.sub("", text)):
                out.add((sheet.index, r, c))
    return out


def _value_key(v: Any) -> Any:
    """A removed value as coincidences compare it: numbers as floats, text folded."""
    if isinstance(v, str):
        return " ".join(v.split()).casefold()
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    return v


def _scrub_external_targets(pkg: Package, name: str, secrets: Secrets) -> bool:
    """Remove external relationships (hyperlinks, linked files) whose target quotes a
    removed value; the elements that used them go as dangling references."""
    root = parse_any(pkg.parts[name])
    if root is None:
        return False
    changed = False
    for rel in list(root):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" and secrets.hits(target, human=True):
            root.remove(rel)
            changed = True
    if changed:
        pkg.parts[name] = _serialise(root, pkg.parts[name])
    return changed


def _cell_values(book: Book, cells: set[CellKey]) -> dict[CellKey, Any]:
    out: dict[CellKey, Any] = {}
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            if (sheet.index, r, c) in cells and cell.value is not EMPTY:
                out[(sheet.index, r, c)] = cell.value
    return out


def _drop_constant_names(pkg: Package, wb_part: str, names: set[str]) -> None:
    """Remove the private defined names that hold a constant (their value is private)."""
    if not names:
        return
    root = parse_part(pkg.parts[wb_part], part=wb_part, source=pkg.path)
    changed = False
    wanted = {n.upper() for n in names}
    for dn in list(root.iter(f"{{{NS_MAIN}}}definedName")):
        if dn.get("name", "").upper() in wanted:
            parent = dn.getparent()
            parent.remove(dn)
            if len(parent) == 0:
                parent.getparent().remove(parent)
            changed = True
    if changed:
        pkg.parts[wb_part] = _serialise(root, pkg.parts[wb_part])


def _clean_part(pkg: Package, name: str, kind: str, secrets: Secrets, approved: Secrets) -> bool:
    """Remove every removed value from one kept part; whether it changed."""
    data = pkg.parts[name]
    if kind == "worksheet":
        # Cells were judged one by one; look at the rest of the sheet only when its text
        # outside <sheetData> holds a removed value.
        start = data.find(b"sheetData")
        end = data.rfind(b"sheetData")
        outside = decode_part(data[: max(start, 0)] + data[end:])
        stripped = re.sub(r"<[^>]*?\s(?:r|ref|sqref|s|spans)=\"[^\"]*\"", "<", outside)
        if not secrets.hits(re.sub(r"<[^>]*>", " ", stripped), human=True) and not _attr_hit(
            outside, secrets
        ):
            return False
    if kind == "sharedStrings":
        return _clean_shared_strings(pkg, name, secrets, approved)
    root = parse_any(data)
    if root is None:
        if secrets.hits(decode_part(data), human=True):
            raise UnremovableError(f"{name}: a private value is in a part that is not XML")
        return False
    skip = []
    if kind == "worksheet":
        sd = root.find(f"{{{NS_MAIN}}}sheetData")
        if sd is not None:
            skip.append(sd)
    judge = secrets
    if kind == "chart":
        judge = approved
    removed = scrub_tree(root, kind, name, judge, skip=skip)
    if not removed:
        return False
    pkg.parts[name] = _serialise(root, data)
    return True


def _attr_hit(text: str, secrets: Secrets) -> bool:
    from xlcomp.ooxml.scan import LAYOUT_ATTRIBUTES

    for m in re.finditer(r"([\w:]+)=\"([^\"]*)\"", text):
        if m.group(1).rsplit(":", 1)[-1] in LAYOUT_ATTRIBUTES:
            continue
        if secrets.hits(m.group(2), human=False):
            return True
    return False


def _clean_shared_strings(pkg: Package, name: str, secrets: Secrets, approved: Secrets) -> bool:
    """Blank every shared string quoting a removed value (a string equal as a whole to a
    removed text some kept cell holds is a coincidence and stays)."""
    root = parse_any(pkg.parts[name])
    if root is None:
        raise UnremovableError(f"{name}: the shared strings are not XML")
    changed = False
    for si in root.iter(f"{{{NS_MAIN}}}si"):
        text = "".join(
            t.text or ""
            for t in si.iter(f"{{{NS_MAIN}}}t")
            if t.getparent().tag != f"{{{NS_MAIN}}}rPh"
        )
        if approved.is_word(text) is not None and secrets.is_word(text) is not None:
            continue
        hit = secrets.hits(text, human=True)
        if not hit:
            for place in iter_places(si):
                if secrets.hits(place.text, human=place.human):
                    hit = [Hit("?", place.text)]
                    break
        if hit:
            for child in list(si):
                si.remove(child)
            si.text = None
            etree.SubElement(si, f"{{{NS_MAIN}}}t")
            changed = True
    if changed:
        pkg.parts[name] = _serialise(root, pkg.parts[name])
    return changed


def _rewrite_sheets(
    pkg: Package,
    book: Book,
    empty: set[CellKey],
    freeze: set[CellKey],
    masters: dict[tuple[int, int], str],
) -> list[int]:
    """Empty and freeze cells in every sheet; a shared-formula child whose master is
    emptied or frozen is frozen too (it keeps its value), so no child is left without its
    master. Returns the shared-string indices of emptied cells."""
    dropped: list[int] = []
    for sheet in book.sheets:
        e = {(r, c) for s, r, c in empty if s == sheet.index}
        f = {(r, c) for s, r, c in freeze if s == sheet.index}
        if not e and not f:
            continue
        gone_si = {
            cell.si
            for (r, c), cell in sheet.cells.items()
            if cell.formula and cell.ftype == "shared" and cell.si is not None and (r, c) in e | f
        }
        for (r, c), cell in sheet.cells.items():
            if (
                cell.ftype == "shared"
                and cell.si in gone_si
                and not cell.formula
                and (r, c) not in e
            ):
                f.add((r, c))
        xml, lost = _rewrite_sheet(sheet, e, f)
        pkg.parts[sheet.part] = xml
        dropped.extend(lost)
    del masters
    return dropped


# --- helpers ----------------------------------------------------------------------------


def _chart_ref_rects(
    f_text: str, sheet_index: dict[str, int]
) -> list[tuple[int, tuple[int, int, int, int]]]:
    try:
        tree = fx.parse(f_text, 1, 1)
    except fx.ParseError:
        return []
    out = []
    for ref in _refs(tree):
        if ref.sheet and ref.sheet.upper() in sheet_index:
            out.append((sheet_index[ref.sheet.upper()], _absolute(ref)))
    return out


def _scrub_charts(pkg: Package, book: Book, removed: set[CellKey]) -> list[str]:
    """Drop cached points of chart series that read an emptied cell."""
    index = {n.upper(): i for i, n in enumerate(book.sheet_names)}
    touched = []
    from xlcomp.ooxml import content_type_of, content_types

    types = content_types(pkg)  # charts by content type, wherever they sit
    charts = [n for n in pkg.parts if content_type_of(n, types).endswith("drawingml.chart+xml")]
    for name in charts:
        data = pkg.parts[name].decode("utf-8")

        def sub(m: re.Match[str]) -> str:
            block = m.group(0)
            f = re.search(r"<(?:\w+:)?f>([^<]*)</(?:\w+:)?f>", block)
            if not f:
                return block
            from html import unescape

            for s, (r1, c1, r2, c2) in _chart_ref_rects(unescape(f.group(1)), index):
                if any(ss == s and r1 <= r <= r2 and c1 <= c <= c2 for ss, r, c in removed):
                    return re.sub(r"<(\w+:)?pt\b[^>]*>.*?</\1?pt>", "", block, flags=re.S)
            return block

        new = re.sub(r"<(\w+:)?(numRef|strRef)>.*?</\1?\2>", sub, data, flags=re.S)
        if new != data:
            pkg.parts[name] = new.encode("utf-8")
            touched.append(name)
    return touched


def _note_in_reserved_cell(pkg: Package, book: Book, note: str) -> str | None:
    """The note written into the cell the name ``share_note`` points to, if any.

    The template keeps one on its Guide sheet (wrapped, merged across the page, inside
    the print area), holding a placeholder the note replaces.
    """
    from xml.sax.saxutils import escape

    name = next((n for n in book.names if n.name.casefold() == "share_note"), None)
    if name is None or "!" not in name.text:
        return None
    sheet_name, _, ref = name.text.rpartition("!")
    sheet_name = sheet_name.strip("'").replace("''", "'")
    ref = ref.replace("$", "")
    sheet = next((s for s in book.sheets if s.name == sheet_name and s.part in pkg.parts), None)
    if sheet is None or not re.fullmatch(r"[A-Z]{1,3}[0-9]+", ref):
        return None
    p = sheet.prefix
    xml = pkg.parts[sheet.part]
    # the cell, whatever it holds (the template's placeholder): <c r="A66" s="3"/>,
    # <c r="A66" s="3" t="s"><v>7</v></c>; its style is kept
    empty = re.compile(
        rb'<%sc r="%s"([^>]*?)\s*(?:/>|>.*?</%sc>)' % (re.escape(p), ref.encode(), re.escape(p)),
        re.S,
    )
    text = escape(note).encode("utf-8")

    def filled(m: re.Match[bytes]) -> bytes:
        style = re.search(rb'\ss="[0-9]+"', m.group(1))
        return (
            b'<%sc r="%s"%s t="inlineStr"><%sis><%st xml:space="preserve">%s</%st></%sis></%sc>'
            % (
                p,
                ref.encode(),
                style.group(0) if style else b"",
                p,
                p,
                text,
                p,
                p,
                p,
            )
        )

    new, count = empty.subn(filled, xml, count=1)
    if count == 0:
        return None
    pkg.parts[sheet.part] = new
    return f"{sheet.name}!{ref}"


MAX_ROWS = 1_048_576
"""Excel's last row."""


def _add_note(pkg: Package, book: Book, note: str) -> str | None:
    """Write ``note`` into the cell ``share_note`` names, or below the Guide sheet's (the
    first sheet's) last row; where it went. ``book`` is the one read before the cells
    were rewritten: its sheets' names, parts and rows still hold (spans do not)."""
    reserved = _note_in_reserved_cell(pkg, book, note)
    if reserved is not None:
        return reserved
    # The Guide sheet (else the first), else any sheet with a row free below its last
    # (a sheet used down to Excel's last row, 1,048,576, has none: a row past it would
    # make the copy one Excel cannot open).
    sheets = [s for s in book.sheets if s.part in pkg.parts]
    sheets.sort(key=lambda s: s.name.casefold() != NOTE_SHEET.casefold())
    sheet = next((s for s in sheets if s.max_row + 2 <= MAX_ROWS), None)
    if sheet is None:
        return None
    xml = pkg.parts[sheet.part]
    p = sheet.prefix
    row = sheet.max_row + 2
    from xml.sax.saxutils import escape

    cell = (
        b'<%srow r="%d"><%sc r="A%d" t="inlineStr"><%sis><%st xml:space="preserve">%s'
        b"</%st></%sis></%sc></%srow>"
        % (p, row, p, row, p, p, escape(note).encode("utf-8"), p, p, p, p)
    )
    end = xml.rfind(b"</%ssheetData>" % p)
    if end < 0:
        m = re.search(rb"<%ssheetData\s*/>" % re.escape(p), xml)
        if m is None:
            return None
        xml = xml[: m.start()] + b"<%ssheetData>%s</%ssheetData>" % (p, cell, p) + xml[m.end() :]
    else:
        xml = xml[:end] + cell + xml[end:]
    pkg.parts[sheet.part] = xml
    return f"{sheet.name}!A{row}"


def _label(book: Book, key: CellKey) -> str:
    s, r, c = key
    return f"{book.sheet_names[s]}!{cell_name(r, c)}"


def _ranges(cells: set[CellKey], book: Book) -> str:
    """Cells as ranges a person reads: ``Offer!G5:G9,B47:B50; Compare!C5:E14``."""
    by_sheet: dict[int, set[tuple[int, int]]] = {}
    for s, r, c in cells:
        by_sheet.setdefault(s, set()).add((r, c))
    parts = []
    for s in sorted(by_sheet):
        left = set(by_sheet[s])
        rects = []
        for r, c in sorted(left, key=lambda rc: (rc[1], rc[0])):
            if (r, c) not in left:
                continue
            r2 = r
            while (r2 + 1, c) in left:
                r2 += 1
            c2 = c
            while all((rr, c2 + 1) in left for rr in range(r, r2 + 1)):
                c2 += 1
            for rr in range(r, r2 + 1):
                for cc in range(c, c2 + 1):
                    left.discard((rr, cc))
            first, last = cell_name(r, c), cell_name(r2, c2)
            rects.append((r, c, first if first == last else f"{first}:{last}"))
        rects.sort()
        parts.append(f"{book.sheet_names[s]}!" + ",".join(t for _, _, t in rects))
    return "; ".join(parts)


def _formula_cells(book: Book) -> set[CellKey]:
    """Every cell a formula fills: formula cells and the ranges of array formulas."""
    out: set[CellKey] = set()
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            if not cell.ftype:
                continue
            if cell.ftype == "array" and cell.fref:
                out |= _cells_in(book, sheet.index, split_range(cell.fref))
            else:
                out.add((sheet.index, r, c))
    return out
