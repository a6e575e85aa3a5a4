"""Write computed values into a sheet's XML, touching nothing but the cells that change.

A formula cell ``<c r="C2" s="3"><f>A2*2</f><v>4</v></c>`` whose new value is 6 becomes
``<c r="C2" s="3"><f>A2*2</f><v>6</v></c>``. When the value keeps its type (a number
stays a number, text stays ``t="str"``), only the text of ``<v>`` is replaced: the reader
recorded its byte span, and the new bytes are spliced in. When the type changes, the
start tag keeps its attributes except the type ``t`` (set to ``str``, ``b`` or ``e`` for
text, booleans and errors, absent for numbers), the ``<f>`` element and anything after
``<v>`` stay as they were. Every byte outside the changed values is copied. A cell whose
cached value already equals the new one is not touched at all. Cells of a spilled array
formula that the file does not hold yet are inserted in column order into their row (the
row is created if needed).

The edits are kept as arrays of positions, sorted once, and the new part is made as
pieces of a few hundred kilobytes that the package writer deflates one after the other
(:meth:`xlcomp.ooxml.package.PartMap.set_pieces`), so a rewritten sheet is never held
twice.
"""

from __future__ import annotations

import re
from array import array
from typing import Any

import numpy as np

from xlcomp.refresh.book import Sheet
from xlcomp.refresh.parser import cell_name
from xlcomp.refresh.values import EMPTY, XlError

_T_ATTR = re.compile(rb"\s+t\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]|_(?=x[0-9A-Fa-f]{4}_)")


def format_number(v: float) -> str:
    """A number as Excel writes it: integers without ``.0``, else the shortest repr."""
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def _escape(text: str) -> bytes:
    text = _CTRL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("utf-8")


def serialize(v: Any) -> tuple[bytes | None, bytes]:
    """(cell type ``t``, ``<v>`` text) of an engine value."""
    if isinstance(v, bool):
        return b"b", b"1" if v else b"0"
    if isinstance(v, float):
        return None, format_number(v).encode()
    if isinstance(v, XlError):
        return b"e", str(v).encode()
    if v is EMPTY or v is None:
        return None, b"0"
    return b"str", _escape(str(v))


def same_value(old: Any, new: Any) -> bool:
    """True when a cached value already is the new value (same type, same value)."""
    if type(old) is not type(new):
        return False
    if isinstance(new, XlError):
        return str(old) == str(new)
    return bool(old == new)


def _same_type(old_t: str | None, new_t: bytes | None) -> bool:
    """Whether a cell written with type attribute ``old_t`` can take a value of ``new_t``
    by replacing the text of its ``<v>`` alone."""
    if new_t is None:
        return old_t is None or old_t == "n"
    return old_t is not None and old_t.encode() == new_t


def _retyped_head(p: bytes, attrs: bytes, t: bytes | None) -> bytes:
    """The start tag of a cell with attributes ``attrs`` (as written, between ``<c`` and
    ``>``) whose type becomes ``t``: ``t`` removed, then ``t="..."`` added unless the
    value is a number (``t="n"``, as LibreOffice writes, already says number: kept)."""
    old_t = _T_ATTR.search(attrs)
    if t is None and old_t is not None and old_t.group(0).split(b"=")[1].strip(b"\"' ") == b"n":
        pass
    else:
        attrs = _T_ATTR.sub(b"", attrs)
    if t is not None:
        attrs = attrs.rstrip() + b' t="' + t + b'"'
    return b"<%sc%s>" % (p, attrs)


def _new_element(sheet: Sheet, old: bytes, t: bytes | None, v: bytes) -> bytes:
    p = sheet.prefix
    end_tag = old.index(b">")
    self_closing = old[end_tag - 1 : end_tag] == b"/"
    head = _retyped_head(p, old[len(p) + 2 : end_tag - 1 if self_closing else end_tag], t)
    inner = b"" if self_closing else old[end_tag + 1 : -(len(p) + 4)]
    v_el = b"<%sv>%s</%sv>" % (p, v, p)
    v_re = re.compile(rb"<%sv\b[^>]*?(?:/>|>.*?</%sv>)" % (re.escape(p), re.escape(p)), re.S)
    if v_re.search(inner):
        inner = v_re.sub(lambda m: v_el, inner, count=1)
    else:
        inner = re.sub(rb"<%sis\b.*?</%sis>" % (re.escape(p), re.escape(p)), b"", inner, flags=re.S)
        f_re = re.compile(rb"<%sf\b[^>]*?(?:/>|>.*?</%sf>)" % (re.escape(p), re.escape(p)), re.S)
        m = f_re.search(inner)
        at = m.end() if m else 0
        inner = inner[:at] + v_el + inner[at:]
    return b"%s%s</%sc>" % (head, inner, p)


_F_REF = re.compile(rb"(<(?:\w+:)?f\b[^>]*?\bref\s*=\s*\")[^\"]*(\")")
_V_ELEMENT = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>.*?</(?:\w+:)?v>)", re.S)


def _with_ref(element: bytes, ref: bytes) -> bytes:
    """A cell element whose ``<f ref="...">`` names ``ref`` (a spill range)."""
    return _F_REF.sub(lambda m: m.group(1) + ref + m.group(2), element, count=1)


def _cleared(old: bytes) -> bytes:
    """A cell element without its value and type: a spill that shrank leaves it empty."""
    end_tag = old.index(b">")
    head = _T_ATTR.sub(b"", old[: end_tag + 1])
    return head + _V_ELEMENT.sub(b"", old[end_tag + 1 :], count=1)


def patch_sheet(
    sheet: Sheet,
    results: dict[tuple[int, int], Any],
    spill_refs: dict[tuple[int, int], str] | None = None,
) -> tuple[bytes, int]:
    """The sheet's XML with ``results`` written in, and how many cells changed
    (:func:`patch_sheet_pieces`, joined)."""
    pieces, changed = patch_sheet_pieces(sheet, results, spill_refs)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces), changed


def patch_sheet_pieces(
    sheet: Sheet,
    results: dict[tuple[int, int], Any],
    spill_refs: dict[tuple[int, int], str] | None = None,
) -> tuple[list[bytes], int]:
    """The sheet's XML with ``results`` written in, as consecutive pieces of a few
    hundred kilobytes (to be written out without joining them), and how many cells
    changed.

    A result that is ``EMPTY`` clears the cell's value (a dynamic array that spills
    less than before); ``spill_refs`` gives the new ``ref`` of the ``<f>`` of dynamic
    array formulas whose spill range changed, by anchor cell.
    """
    p = sheet.prefix
    xml = sheet.xml
    v_open = b"<%sv>" % p
    edits = _Edits()
    add = edits.add
    at_start, at_end, with_data = edits.starts.append, edits.ends.append, edits.data.append
    missing: dict[int, list[tuple[int, bytes]]] = {}
    changed = 0
    new_refs = spill_refs or {}
    cell_at = sheet.cell
    made = sheet._cells.get  # the cell objects made already (formula cells): no call
    for key, value in results.items():
        cell = made(key) or cell_at(key)
        new_ref = new_refs.get(key) if new_refs else None
        if value is EMPTY:
            if cell is not None and cell.value is not EMPTY:
                old = xml[cell.start : cell.end]
                add(cell.start, cell.end, _cleared(old))
                changed += 1
            continue
        if type(value) is float:
            old_value = cell.value if cell is not None and new_ref is None else None
            if type(old_value) is float and old_value == value:
                continue
            t = None
            v = (
                b"%d" % int(value)
                if value.is_integer() and abs(value) < 1e16
                else repr(value).encode()
            )
        else:
            t, v = serialize(value)
            if (
                cell is not None
                and new_ref is None
                and cell.value is not EMPTY
                and same_value(cell.value, value)
            ):
                continue
        if cell is not None:
            # The span of <v>'s text as offsets from the cell's start (Cell keeps them so).
            voff = cell._vstart
            if new_ref is None and voff >= 0:
                start = cell.start
                vstart, vend = start + voff, start + cell._vend
                if _same_type(cell.t, t):
                    at_start(vstart)
                    at_end(vend)
                    with_data(v)
                    changed += 1
                    continue
                if xml[vstart - len(v_open) : vstart] == v_open:
                    # Only the type changes: the start tag and the text of <v>.
                    head_end = xml.index(b">", start, vstart)
                    head = _retyped_head(p, xml[start + len(p) + 2 : head_end], t)
                    add(start, head_end + 1, head)
                    add(vstart, vend, v)
                    changed += 1
                    continue
            old = xml[cell.start : cell.end]
            el = _new_element(sheet, old, t, v)
            if new_ref is not None:
                el = _with_ref(el, new_ref.encode())
            add(cell.start, cell.end, el)
        else:
            row, col = key
            ta = b' t="' + t + b'"' if t is not None else b""
            el = b'<%sc r="%s"%s><%sv>%s</%sv></%sc>' % (
                p,
                cell_name(row, col).encode(),
                ta,
                p,
                v,
                p,
                p,
            )
            missing.setdefault(row, []).append((col, el))
        changed += 1
    if missing:
        for start, end, data in _insertions(sheet, missing):
            add(start, end, data)
    if not len(edits):
        return [xml], 0
    return edits.spliced(xml), changed


_CHUNK_EDITS = 4096
"""Edits joined into one piece at a time (the pieces between them are short copies)."""


class _Edits:
    """Byte-span replacements in one part: positions in two arrays, the new bytes in a
    list (no tuple per edit: a sheet of 50,000 rows takes 400,000 of them)."""

    __slots__ = ("data", "ends", "starts")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self.data: list[bytes] = []

    def __len__(self) -> int:
        return len(self.data)

    def add(self, start: int, end: int, data: bytes) -> None:
        """Replace ``[start, end)`` by ``data`` (``start == end``: insert)."""
        self.starts.append(start)
        self.ends.append(end)
        self.data.append(data)

    def spliced(self, xml: bytes) -> list[bytes]:
        """``xml`` with every edit made, as consecutive pieces; spans must not overlap,
        edits at the same position keep the order they were added in."""
        if not self.data:
            return [xml]
        starts, ends, data = self.starts, self.ends, self.data
        order = np.lexsort(
            (np.frombuffer(ends, dtype=np.int64), np.frombuffer(starts, dtype=np.int64))
        )
        pieces: list[bytes] = []
        pos = 0
        for first in range(0, len(data), _CHUNK_EDITS):
            out = []
            for i in order[first : first + _CHUNK_EDITS].tolist():
                out.append(xml[pos : starts[i]])
                out.append(data[i])
                pos = ends[i]
            pieces.append(b"".join(out))
        pieces.append(xml[pos:])
        return pieces


def apply_edits(xml: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``xml`` with each byte span ``[start, end)`` replaced; spans must not overlap.
    Edits at the same position keep the order they are given in."""
    spans = _Edits()
    for start, end, data in edits:
        spans.add(start, end, data)
    return b"".join(spans.spliced(xml))


def _insertions(
    sheet: Sheet, missing: dict[int, list[tuple[int, bytes]]]
) -> list[tuple[int, int, bytes]]:
    p = sheet.prefix
    edits: list[tuple[int, int, bytes]] = []
    cells = sheet.cells
    by_row: dict[int, list[tuple[int, int]]] = {}
    for r, c in sheet.values:
        if r in missing:
            by_row.setdefault(r, []).append((c, cells[(r, c)].start))
    new_rows: list[tuple[int, bytes]] = []
    for row, items in sorted(missing.items()):
        items.sort()
        rec = sheet.rows.get(row)
        if rec is None:
            new_rows.append(
                (row, b'<%srow r="%d">%s</%srow>' % (p, row, b"".join(el for _, el in items), p))
            )
            continue
        if rec.self_closing:
            tag = sheet.xml[rec.tag_start : rec.tag_end]
            opened = tag[:-2].rstrip() + b">"
            edits.append(
                (
                    rec.tag_start,
                    rec.tag_end,
                    opened + b"".join(el for _, el in items) + b"</%srow>" % p,
                )
            )
            continue
        existing = sorted(by_row.get(row, []))
        for col, el in items:
            at = next((start for c, start in existing if c > col), rec.content_end)
            edits.append((at, at, el))
    if new_rows:
        rows_sorted = sorted(sheet.rows.values(), key=lambda r: r.number)
        if sheet.sheetdata_self_closing:
            body = b"".join(el for _, el in new_rows)
            tag = sheet.xml[sheet.sheetdata_start : sheet.sheetdata_end]
            opened = tag[:-2].rstrip() + b">"
            edits.append(
                (sheet.sheetdata_start, sheet.sheetdata_end, opened + body + b"</%ssheetData>" % p)
            )
        else:
            for row, el in new_rows:
                at = next((r.tag_start for r in rows_sorted if r.number > row), sheet.sheetdata_end)
                edits.append((at, at, el))
    return edits


_CALC_PR = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*>")
_FULL_CALC = re.compile(rb"\s+fullCalcOnLoad\s*=\s*(?:\"[^\"]*\"|'[^']*')")


def drop_full_calc_on_load(workbook_xml: bytes) -> bytes:
    """The workbook part without ``fullCalcOnLoad`` (so viewers show stored values)."""
    return _CALC_PR.sub(lambda m: _FULL_CALC.sub(b"", m.group(0)), workbook_xml, count=1)


_AFTER_CALC_PR = re.compile(
    rb"<(?:\w+:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|"
    rb"webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b|</(?:\w+:)?workbook>"
)
_ROOT = re.compile(rb"<(\w+:)?workbook\b")


def set_full_calc_on_load(workbook_xml: bytes) -> bytes:
    """The workbook part with ``<calcPr fullCalcOnLoad="1">``: Excel recalculates every
    formula on open (kept when refresh left cells it could not compute)."""
    m = _CALC_PR.search(workbook_xml)
    if m is not None:
        on = _FULL_CALC.search(m.group(0))
        if on is not None and on.group(0).split(b"=")[1].strip(b"\"' ") in (b"1", b"true"):
            return workbook_xml
        tag = _FULL_CALC.sub(b"", m.group(0))
        end = len(tag) - (2 if tag.endswith(b"/>") else 1)
        tag = tag[:end].rstrip() + b' fullCalcOnLoad="1"' + tag[end:]
        return workbook_xml[: m.start()] + tag + workbook_xml[m.end() :]
    root = _ROOT.search(workbook_xml)
    prefix = root.group(1) or b"" if root is not None else b""
    at = _AFTER_CALC_PR.search(workbook_xml)
    if at is None:
        return workbook_xml
    el = b'<%scalcPr fullCalcOnLoad="1"/>' % prefix
    return workbook_xml[: at.start()] + el + workbook_xml[at.start() :]
