"""``xlcomp share``: a copy of a workbook safe to send, with the private numbers gone.

The copy is made from a freshly refreshed workbook:

1. **Private cells** are those the workbook marks: every cell of a defined name whose
   name contains ``private`` (``private_competing_tc``) and every cell whose named cell
   style contains ``Private`` ("Private input").
2. **Derived cells** are found from the formulas, not from a list: a formula cell is
   derived when any range it reads holds a private or derived cell (the dependency
   closure, in evaluation order). A formula that cannot be analysed counts as derived.
3. Private and derived cells are **emptied** (their style kept); every other cell that
   calls one of our functions keeps its value and loses its formula, so no viewer ever
   shows ``#NAME?``; native formulas that depend on nothing private stay live.
4. What could still carry a private value is **scrubbed**: their shared strings are
   blanked, chart caches of emptied cells dropped, comments and document properties
   quoting a private value cleared, defined names holding one removed, and
   ``calcChain.xml`` removed (Excel rebuilds it).
5. A **note** on the Guide sheet says what was removed and when.
6. A **leak scan** of every part of the result refuses to write a copy in which a removed
   number survives exactly (287654, 287,654, 287654.0) — for instance because the same
   number was typed in a cell nobody marked private. Comments and document properties
   are scrubbed of the rounded forms too ($287.7K, $288K).

With ``keep_private`` the private and derived cells stay (a copy for yourself); our
functions are still frozen into values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlcomp.core.script import format_money
from xlcomp.errors import WorkbookError
from xlcomp.ooxml import NS_MAIN, Package, open_workbook, write_package
from xlcomp.refresh import DependencyGraph, Failure, dependency_graph, recalculate, store_values
from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Book, Sheet, parse_xml, read_book, split_range
from xlcomp.refresh.parser import cell_name
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
    refresh_failures: list[Failure] = field(default_factory=list)
    note: str = ""

    def summary(self) -> str:
        """One line for the end of the command."""
        return (
            f"{self.path}: {len(self.private)} private inputs and {len(self.derived)} cells "
            f"computed from them emptied, {self.frozen} function cells stored as values"
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
    r1, c1, r2, c2 = rect
    return {(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def private_by_name(book: Book) -> set[CellKey]:
    """Cells of every defined name whose name contains ``private``."""
    index = {n.upper(): i for i, n in enumerate(book.sheet_names)}
    found: set[CellKey] = set()
    for dn in book.names:
        if "private" not in dn.name.casefold():
            continue
        try:
            tree = fx.parse(dn.text.strip().lstrip("="), 1, 1)
        except fx.ParseError as exc:
            raise WorkbookError(f"defined name {dn.name}: cannot read {dn.text!r} ({exc})") from exc
        for ref in _refs(tree):
            sheet = index.get(ref.sheet.upper()) if ref.sheet else dn.local_sheet
            if sheet is None:
                raise WorkbookError(f"defined name {dn.name} refers to an unknown sheet")
            found |= _cells_in(book, sheet, _absolute(ref))
    return found


def _private_styles(pkg: Package) -> set[int]:
    """Indices of cell formats (``s``) based on a named style containing ``Private``."""
    part = "xl/styles.xml"
    if part not in pkg.parts:
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


def analyse(pkg: Package, graph: DependencyGraph | None = None) -> Analysis:
    """Private cells, the formula cells derived from them, and the cells of our functions.

    ``graph`` is the package's dependency graph when the caller has it (as
    :func:`xlcomp.refresh.recalculate` gives it); values are the ones the file holds.
    """
    book = read_book(pkg)
    private = private_by_name(book) | private_by_style(pkg, book)
    if graph is None:
        graph = dependency_graph(book)
    derived = graph.dependents(private) - private
    ours: set[CellKey] = set()
    for node in graph.nodes:
        if node.calls:
            ours.update(node.cells())
    tainted = private | derived
    values = {
        (sheet.index, r, c): cell.value
        for sheet in book.sheets
        for (r, c), cell in sheet.cells.items()
        if (sheet.index, r, c) in tainted
    }
    return Analysis(private, derived, ours, values)


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


# --- the leak scan ---------------------------------------------------------------------


def leak_forms(value: Any, *, rounded: bool = True) -> list[str]:
    """How a person or Excel may write ``value``: 287654, 287,654, $287.7K, $288K, ...

    With ``rounded=False`` only the exact forms (287654, 287,654, 287654.0): what the
    safety net before writing looks for, as a rounded form such as $288K may well stand
    in the workbook for another reason.
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
            forms.add(f"{thousands:.3f}".rstrip("0"))  # 287.654 (in thousands)
    return sorted(f for f in forms if len(f.strip("$K,.0")) >= 2)


def _pattern(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(form) + r"(?![\d]|\.\d|[A-Za-z])")


DATA_PARTS = re.compile(
    r"^(xl/(worksheets|chartsheets|charts|comments|threadedComments|pivotCache|pivotTables"
    r"|externalLinks|persons|richData)/.*|xl/(sharedStrings|workbook|comments\d*|connections"
    r"|queryTables)\.xml|docProps/.*|customXml/.*)$"
)
"""The parts that can carry a cell's value or a person's text (not themes, styles, code)."""


def find_leaks(pkg: Package, values: dict[str, Any], *, rounded: bool = False) -> list[str]:
    """Where a form of ``values`` (cell -> value) appears in the package's parts."""
    checks = [
        (cell, form, _pattern(form))
        for cell, v in values.items()
        for form in leak_forms(v, rounded=rounded)
    ]
    found = []
    for name, data in pkg.parts.items():
        if not DATA_PARTS.match(name):
            continue
        text = data.decode("utf-8", "replace")
        for cell, form, pat in checks:
            if form in text and pat.search(text):  # a substring test first: 100x cheaper
                found.append(f"{form!r} (the value of {cell}) in {name}")
    return found


# --- scrubbing the rest of the package ---------------------------------------------------


def _scrub_text_elements(data: bytes, forms: list[re.Pattern[str]], replacement: str) -> bytes:
    """Replace the text of any element whose text matches a private form."""
    text = data.decode("utf-8")

    def sub(m: re.Match[str]) -> str:
        inner = m.group(2)
        if any(p.search(inner) for p in forms):
            return f"{m.group(1)}{replacement}{m.group(3)}"
        return m.group(0)

    return re.sub(r"(<[\w:]+[^<>]*?>)([^<>]+)(</[\w:]+>)", sub, text).encode("utf-8")


def _remove_part(pkg: Package, part: str) -> None:
    pkg.parts.pop(part, None)
    pkg.infos.pop(part, None)
    for name in [n for n in pkg.parts if n.endswith(".rels")]:
        data = pkg.parts[name]
        target = part.rsplit("/", 1)[-1]
        new = re.sub(
            rb"<Relationship\b[^>]*Target=\"[^\"]*" + re.escape(target.encode()) + rb"\"[^>]*/>",
            b"",
            data,
        )
        if new != data:
            pkg.parts[name] = new
    ct = pkg.parts.get("[Content_Types].xml")
    if ct is not None:
        pkg.parts["[Content_Types].xml"] = re.sub(
            rb"<Override\b[^>]*PartName=\"/" + re.escape(part.encode()) + rb"\"[^>]*/>", b"", ct
        )


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
    for name in [n for n in pkg.parts if n.startswith("xl/charts/") and n.endswith(".xml")]:
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
    sheet = next((s for s in book.sheets if s.name == sheet_name), None)
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


def _add_note(pkg: Package, book: Book, note: str) -> str | None:
    reserved = _note_in_reserved_cell(pkg, book, note)
    if reserved is not None:
        return reserved
    sheet = next((s for s in book.sheets if s.name.casefold() == NOTE_SHEET.casefold()), None)
    if sheet is None:
        sheet = book.sheets[0] if book.sheets else None
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


def share_workbook(
    src: str | Path,
    out: str | Path,
    *,
    keep_private: bool = False,
    now: dt.datetime | None = None,
    note: bool = True,
) -> ShareReport:
    """Write to ``out`` a copy of ``src`` that is safe to send (see the module's doc).

    ``note=False`` leaves the Guide sheet alone (for pictures of the workbook).
    """
    src, out = Path(src), Path(out)
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    pkg = open_workbook(src)
    try:
        refresh = recalculate(pkg)
    except WorkbookError as exc:
        if str(src) in str(exc):
            raise
        raise type(exc)(f"{src}: {exc}") from None
    store_values(refresh)
    pkg.path = out
    book = read_book(pkg)  # the parts now hold the recalculated values
    found = analyse(pkg, refresh.graph)
    report = ShareReport(path=out, refresh_failures=list(refresh.failures))
    empty = set() if keep_private else found.private | found.derived
    freeze = found.ours - empty
    report.frozen = len({k for k in freeze if k in _formula_cells(book)})
    formulas = _formula_cells(book)
    inputs = found.private - formulas
    computed = (found.private | found.derived) - inputs
    report.private = [_label(book, k) for k in sorted(inputs)]
    report.derived = [_label(book, k) for k in sorted(computed)]

    dropped: list[int] = []
    for sheet in book.sheets:
        e = {(r, c) for s, r, c in empty if s == sheet.index}
        f = {(r, c) for s, r, c in freeze if s == sheet.index}
        if not e and not f:
            continue
        xml, gone = _rewrite_sheet(sheet, e, f)
        pkg.parts[sheet.part] = xml
        dropped.extend(gone)

    if not keep_private:
        _scrub(pkg, book, found, empty, dropped, report)
        text = (
            f"Shared copy made by xlcomp share on {when}: removed {len(inputs)} private "
            f"inputs ({_ranges(inputs, book) or 'none'}) and {len(computed)} cells computed "
            f"from them ({_ranges(computed, book) or 'none'}); results of xlcomp functions "
            "are stored as values."
        )
    else:
        text = (
            f"Copy made by xlcomp share --keep-private on {when}: private cells kept; "
            "results of xlcomp functions are stored as values."
        )
    if note:
        where = _add_note(pkg, read_book(pkg), text)
        report.note = f"{where}: {text}" if where else text

    if not keep_private:
        # A computed value equal to a value the copy keeps in the open (a split at the
        # band max) reveals nothing; a private input found anywhere stops the copy.
        kept: dict[Any, str] = {}
        for sheet in book.sheets:
            for (r, c), cell in sheet.cells.items():
                v = cell.value
                if (sheet.index, r, c) in empty or isinstance(v, bool):
                    continue
                if isinstance(v, (int, float, str)):
                    kept.setdefault(v, _label(book, (sheet.index, r, c)))
        values = {
            _label(book, k): v
            for k, v in found.values.items()
            if k in empty and (k not in formulas or v not in kept)
        }
        for label, v in values.items():
            if v in kept and leak_forms(v, rounded=False):
                raise WorkbookError(
                    f"{src}: refusing to write {out}: the private value of {label} is also in "
                    f"{kept[v]}, which is not marked private; mark it private too or change it"
                )
        leaks = find_leaks(pkg, values)
        if leaks:
            raise WorkbookError(
                f"{src}: refusing to write {out}: a private value would still be in the "
                f"copy: {leaks[0]}" + (f" (+{len(leaks) - 1} more)" if len(leaks) > 1 else "")
            )
    write_package(pkg, out)
    return report


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


def _scrub(
    pkg: Package,
    book: Book,
    found: Analysis,
    empty: set[CellKey],
    dropped: list[int],
    report: ShareReport,
) -> None:
    # Shared strings no remaining cell uses.
    ss_part = next((n for n in pkg.parts if n.endswith("sharedStrings.xml")), None)
    if ss_part and dropped:
        used: set[int] = set()
        for sheet in book.sheets:
            used |= _used_shared_strings(pkg.parts[sheet.part])
        blank = set(dropped) - used
        if blank:
            pkg.parts[ss_part] = _blank_shared_strings(pkg.parts[ss_part], blank)
            report.scrubbed.append(ss_part)
    # Chart caches of emptied cells.
    report.scrubbed += _scrub_charts(pkg, book, empty)
    # calcChain lists formula cells that no longer exist.
    for name in [n for n in pkg.parts if n.endswith("calcChain.xml")]:
        _remove_part(pkg, name)
        report.scrubbed.append(name)
    # Comments, document properties and defined names quoting a private value.
    patterns = [
        _pattern(form) for k, v in found.values.items() if k in empty for form in leak_forms(v)
    ]
    if not patterns:
        return
    for name in list(pkg.parts):
        if not (
            re.match(r"xl/(comments[^/]*|comments/.*|threadedComments/.*)\.xml$", name)
            or name.startswith("docProps/")
        ):
            continue
        new = _scrub_text_elements(pkg.parts[name], patterns, "[removed by xlcomp share]")
        if new != pkg.parts[name]:
            pkg.parts[name] = new
            report.scrubbed.append(name)
    wb_part = book.workbook_part
    data = pkg.parts[wb_part].decode("utf-8")

    def drop_name(m: re.Match[str]) -> str:
        return "" if any(p.search(m.group(2)) for p in patterns) else m.group(0)

    new_wb = re.sub(
        r"(<(?:\w+:)?definedName\b[^>]*>)(.*?)</(?:\w+:)?definedName>", drop_name, data, flags=re.S
    )
    if new_wb != data:
        pkg.parts[wb_part] = new_wb.encode("utf-8")
        report.scrubbed.append(wb_part)
