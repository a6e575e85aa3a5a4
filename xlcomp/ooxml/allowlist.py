"""Which parts of a workbook package a shared copy may hold, and how each is cleaned.

A shared copy is built by **default deny**: :func:`classify` sorts every part into the
kinds xlcomp reads and rewrites (:data:`KEPT_KINDS`: workbook, sheets, shared strings,
styles, tables, charts, drawings, comments, VML, document properties, themes, Lite parts,
relationships, content types, and raster pictures shown to be plain PNG/JPEG/GIF) and
everything else, which is dropped with the reason a person is told (printer settings,
custom XML, external-link caches, pivot caches and tables, macro sheets, VBA, EMF/WMF
pictures, ...).

:func:`scrub_tree` then cleans a kept XML part of every removed value
(:class:`~xlcomp.ooxml.scan.Secrets`): a rich text (shared string, comment, text box
paragraph) is blanked, alternative text and text links are removed, a number format
quoting a value becomes ``General``, a table's filter criterion or calculated-column
formula is removed, a custom property is removed whole (so no ``vt:i4`` ever holds text),
and any other place goes with the smallest element that the schema lets go (a defined
name, a drawing anchor, a chart cache point, an ``extLst`` entry). A value in a place
that cannot go makes share refuse with one line naming the part.
"""

from __future__ import annotations

import posixpath
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xlcomp.ooxml.names import name_key
from xlcomp.ooxml.opc import NS_MAIN, NS_REL, content_type_of, content_types
from xlcomp.ooxml.scan import TEXT_CONTAINERS, Hit, Secrets, iter_places

__all__ = [
    "KEPT_KINDS",
    "Classified",
    "UnremovableError",
    "classify",
    "clean_image",
    "remove_dangling",
    "scrub_tree",
]

_CT = "application/vnd.openxmlformats-officedocument."
_KINDS: dict[str, str] = {
    _CT + "spreadsheetml.sheet.main+xml": "workbook",
    _CT + "spreadsheetml.template.main+xml": "workbook",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "workbook",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "workbook",
    _CT + "spreadsheetml.worksheet+xml": "worksheet",
    _CT + "spreadsheetml.chartsheet+xml": "chartsheet",
    _CT + "spreadsheetml.sharedStrings+xml": "sharedStrings",
    _CT + "spreadsheetml.styles+xml": "styles",
    _CT + "spreadsheetml.table+xml": "table",
    _CT + "spreadsheetml.comments+xml": "comments",
    _CT + "drawingml.chart+xml": "chart",
    _CT + "drawing+xml": "drawing",
    _CT + "drawingml.chartshapes+xml": "drawing",
    _CT + "vmlDrawing": "vml",
    "application/vnd.openxmlformats-package.core-properties+xml": "core",
    _CT + "extended-properties+xml": "app",
    _CT + "custom-properties+xml": "custom",
    _CT + "theme+xml": "theme",
    "application/vnd.openxmlformats-package.relationships+xml": "rels",
    "application/vnd.ms-office.webextension+xml": "lite",
    "application/vnd.ms-office.webextensiontaskpanes+xml": "lite",
    "image/png": "image",
    "image/jpeg": "image",
    "image/gif": "image",
    # dropped, with the reason a person is told
    _CT + "spreadsheetml.calcChain+xml": "drop:calculation chain (Excel rebuilds it)",
    _CT + "spreadsheetml.printerSettings": "drop:printer settings",
    _CT + "spreadsheetml.externalLink+xml": "drop:external-link cache",
    _CT + "spreadsheetml.pivotCacheDefinition+xml": "drop:pivot cache (its pivot output emptied)",
    _CT + "spreadsheetml.pivotCacheRecords+xml": "drop:pivot cache (its pivot output emptied)",
    _CT + "spreadsheetml.pivotTable+xml": "drop:pivot table (its output cells emptied)",
    "application/vnd.ms-excel.macrosheet+xml": "drop:Excel 4 macro sheet",
    "application/vnd.ms-excel.intlmacrosheet+xml": "drop:Excel 4 macro sheet",
    _CT + "spreadsheetml.dialogsheet+xml": "drop:dialog sheet",
    "application/vnd.ms-office.vbaProject": "drop:VBA macros (shared as .xlsx)",
    "application/vnd.ms-office.vbaProjectSignature": "drop:VBA macros (shared as .xlsx)",
    "application/vnd.ms-excel.threadedcomments+xml": "drop:threaded comments",
    "application/vnd.ms-excel.person+xml": "drop:threaded comments",
    "image/x-emf": "drop:vector picture (EMF/WMF) xlcomp cannot check",
    "image/x-wmf": "drop:vector picture (EMF/WMF) xlcomp cannot check",
}
KEPT_KINDS = frozenset(v for v in _KINDS.values() if not v.startswith("drop:"))
MUST_KEEP = frozenset({"workbook", "worksheet", "styles", "sharedStrings", "rels"})
"""Kinds a workbook breaks without: one of these that cannot be read refuses the share."""


class UnremovableError(Exception):
    """A removed value sits where the part's schema lets nothing go; names the part."""


@dataclass
class Classified:
    """Every part of a package: its kind if kept, the reason if dropped."""

    kept: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)


def classify(pkg: Any) -> Classified:
    """Sort the parts of ``pkg`` (a :class:`~xlcomp.ooxml.Package`) by the allow-list."""
    types = content_types(pkg)
    out = Classified()
    for name in pkg.parts:
        if name == "[Content_Types].xml":
            out.kept[name] = "content-types"
            continue
        ctype = content_type_of(name, types).split(";")[0].strip()
        kind = _KINDS.get(ctype)
        if kind is None and name.endswith(".rels"):
            kind = "rels"
        if name.lower().startswith("customxml/"):
            kind = "drop:custom XML data"
        if kind is None:
            kind = f"drop:{ctype or 'undeclared'} part xlcomp does not read"
        if kind.startswith("drop:"):
            out.dropped[name] = kind[5:]
        else:
            out.kept[name] = kind
    return out


# --- pictures --------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"pHYs"}


def clean_image(data: bytes) -> bytes | None:
    """A PNG, JPEG or GIF picture with its metadata (text chunks, EXIF, comments) removed,
    or None when ``data`` is not plainly one of them."""
    if data.startswith(_PNG_SIGNATURE):
        return _clean_png(data)
    if data.startswith(b"\xff\xd8"):
        return _clean_jpeg(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _clean_gif(data)
    return None


def _clean_png(data: bytes) -> bytes | None:
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    return None


def _clean_jpeg(data: bytes) -> bytes | None:
    out = [b"\xff\xd8"]
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            out.append(data[pos:])
            return b"".join(out)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if end > len(data):
            return None
        comment = marker == 0xFE or 0xE1 <= marker <= 0xEF  # COM, APP1..APP15 (EXIF, XMP)
        if not comment:
            out.append(data[pos:end])
        pos = end
    return None


def _clean_gif(data: bytes) -> bytes | None:
    """A GIF with comment and application extensions removed (walks the block structure)."""
    if len(data) < 13:
        return None
    flags = data[10]
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    out = [data[:pos]]

    def sub_blocks(p: int) -> int:
        while p < len(data):
            size = data[p]
            p += 1 + size
            if size == 0:
                return p
        return -1

    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if block == 0x21:  # extension
            if pos + 2 > len(data):
                return None
            end = sub_blocks(pos + 2)
            if end < 0:
                return None
            if data[pos + 1] not in (0xFE, 0xFF):  # drop comment, application extensions
                out.append(data[pos:end])
            pos = end
        elif block == 0x2C:  # image descriptor
            if pos + 10 > len(data):
                return None
            lflags = data[pos + 9]
            head = pos + 10 + (3 * (2 << (lflags & 7)) if lflags & 0x80 else 0)
            end = sub_blocks(head + 1)
            if end < 0:
                return None
            out.append(data[pos:end])
            pos = end
        else:
            return None
    return None


# --- cleaning a kept part ----------------------------------------------------------------

REMOVABLE = frozenset(
    {
        "definedName",
        "property",
        "filterColumn",
        "sortState",
        "calculatedColumnFormula",
        "totalsRowFormula",
        "pt",
        "twoCellAnchor",
        "oneCellAnchor",
        "absoluteAnchor",
        "relSizeAnchor",
        "absSizeAnchor",
        "ext",
        "dataValidation",
        "conditionalFormatting",
        "hyperlink",
        "headerFooter",
        "protectedRange",
        "customSheetView",
        "customWorkbookView",
        "oleObject",
        "control",
        "legacyDrawing",
        "legacyDrawingHF",
        "picture",
        "pivotCache",
        "externalReference",
        "webPublishItem",
        "cellWatch",
        "shape",
        "scenario",
        "dataRef",
        "autoFilter",
        "fileSharing",
        "smartTagPr",
        "smartTags",
        "sheetCalcPr",
        "tableStyle",
        "dxf",
        "customFilter",
        "filter",
        "dateGroupItem",
        "colorFilter",
        "iconFilter",
        "dynamicFilter",
        "top10",
        "comment",
        "userShapes",
        "numFmt",
    }
)
"""Elements the schema lets go without breaking their parent (each is optional there)."""

NEEDS_A_CHILD = frozenset(
    {
        "definedNames",
        "pivotCaches",
        "externalReferences",
        "extLst",
        "dataValidations",
        "hyperlinks",
        "customSheetViews",
        "customWorkbookViews",
        "oleObjects",
        "controls",
        "protectedRanges",
        "cellWatches",
        "webPublishItems",
        "scenarios",
        "filters",
        "customFilters",
        "numFmts",
        "dxfs",
        "tableStyles",
        "smartTags",
        "commentList",
    }
)
"""Wrappers that must hold at least one child: emptied, they go too."""

_SHEET_OPTIONAL = frozenset(
    {
        "sheetCalcPr",
        "sheetProtection",
        "protectedRanges",
        "scenarios",
        "autoFilter",
        "sortState",
        "dataConsolidate",
        "customSheetViews",
        "mergeCells",
        "phoneticPr",
        "conditionalFormatting",
        "dataValidations",
        "hyperlinks",
        "printOptions",
        "pageMargins",
        "pageSetup",
        "headerFooter",
        "rowBreaks",
        "colBreaks",
        "customProperties",
        "cellWatches",
        "ignoredErrors",
        "smartTags",
        "drawing",
        "legacyDrawing",
        "legacyDrawingHF",
        "drawingHF",
        "picture",
        "oleObjects",
        "controls",
        "webPublishItems",
        "tableParts",
        "extLst",
        "sheetPr",
    }
)
"""Children of ``<worksheet>`` the schema lets go (``sheetData`` is not one)."""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _remove(el: Any) -> None:
    """Remove ``el``, and each wrapper left empty that must hold a child."""
    parent = el.getparent()
    if parent is None:
        return
    parent.remove(el)
    while parent is not None and _local(parent.tag) in NEEDS_A_CHILD and len(parent) == 0:
        grand = parent.getparent()
        if grand is None:
            break
        grand.remove(parent)
        parent = grand
    if parent is not None and _local(parent.tag) in ("definedNames",):
        return


def _unit(el: Any, kind: str) -> Any | None:
    """The smallest ancestor-or-self of ``el`` that can be removed, or None."""
    node = el
    while node is not None:
        local = _local(node.tag)
        parent = node.getparent()
        if (
            kind in ("worksheet", "chartsheet")
            and parent is not None
            and parent.getparent() is None
        ):
            return node if local in _SHEET_OPTIONAL else None
        if local in REMOVABLE:
            return node
        node = parent
    return None


def _blank_container(el: Any) -> None:
    """Blank the text of a rich-text container, keeping the elements the schema needs."""
    local = _local(el.tag)
    if local in ("si", "is", "text"):
        ns = el.tag[: -len(local)]
        for child in list(el):
            el.remove(child)
        el.text = None
        t = el.makeelement(f"{ns}t", {})
        el.append(t)
        return
    for node in el.iter():
        if _local(node.tag) == "t" or (node is not el and _local(node.tag) in ("font", "div")):
            node.text = None
        if node is not el:
            node.tail = None
    el.text = None


def _container_of(el: Any) -> Any | None:
    node = el
    while node is not None:
        if _local(node.tag) in TEXT_CONTAINERS:
            return node
        node = node.getparent()
    return None


def scrub_tree(
    root: Any, kind: str, part: str, secrets: Secrets, *, skip: Iterable[Any] = ()
) -> list[Hit]:
    """Remove from the parsed part ``root`` every place holding a removed value.

    ``skip`` are subtrees not to look into (a sheet's ``sheetData``, whose cells share
    judges itself). Returns the hits removed; raises :class:`UnremovableError` naming
    ``part`` when a hit sits where nothing can go.
    """
    skipped = {id(s) for s in skip}
    removed: list[Hit] = []
    for _ in range(1000):  # each pass edits the tree; start again until clean
        place_hit = None
        for place in iter_places(root):
            if _inside(place.element, skipped):
                continue
            hits = secrets.hits(place.text, human=place.human)
            if hits:
                place_hit = (place, hits)
                break
        if place_hit is None:
            return removed
        place, hits = place_hit
        removed.extend(hits)
        _fix(place.element, place.attribute, kind, part, hits)
    raise UnremovableError(f"{part}: too many private values to remove")


def _inside(el: Any, skipped: set[int]) -> bool:
    if not skipped:
        return False
    node = el
    while node is not None:
        if id(node) in skipped:
            return True
        node = node.getparent()
    return False


def _fix(el: Any, attribute: str | None, kind: str, part: str, hits: list[Hit]) -> None:
    local = _local(el.tag) if isinstance(el.tag, str) else ""
    what = f"{hits[0].written!r} (the value of {hits[0].source})"
    if not isinstance(el.tag, str):  # an XML comment or processing instruction
        el.getparent().remove(el)
        return
    if attribute == "#tail":
        el.tail = None
        return
    if attribute is not None and attribute != "*":
        attr_local = _local(attribute)
        if attr_local in ("descr", "title", "textlink", "tooltip", "display", "macro"):
            del el.attrib[attribute]
            if attr_local == "textlink":
                for node in el.iter():
                    if _local(node.tag) == "t":
                        node.text = None
            return
        if attr_local == "formatCode":
            el.set(attribute, "General")
            return
        if kind == "styles" and local == "cellStyle" and attr_local == "name":
            el.set(attribute, f"Style {el.get('xfId', '')}".strip())
            return
    container = el if attribute == "*" else _container_of(el)
    if container is not None and kind not in ("workbook",):
        _blank_container(container)
        return
    if local == "author" and attribute is None:  # comment authors: referenced by index
        el.text = "Author"
        return
    if kind in ("core", "app") and attribute is None:
        el.text = None
        return
    if kind == "chart" and local == "v":
        unit = _unit(el, kind)
        if unit is not None:
            _remove(unit)
        else:
            el.text = None
        return
    if kind == "vml" and attribute is None:
        el.text = None
        return
    unit = _unit(el, kind)
    if unit is None or unit.getparent() is None:
        raise UnremovableError(
            f"{part}: {what} is in <{local}>, which cannot be removed without breaking the workbook"
        )
    _remove(unit)


_R_ATTRS = f"{{{NS_REL}}}"


def remove_dangling(root: Any, kind: str, part: str, live_ids: set[str]) -> int:
    """Remove every element whose relationship attribute (``r:id``, ``r:embed``, ...)
    names a relationship the part no longer has. Returns how many went."""
    count = 0
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or (el.getparent() is None and el is not root):
            continue
        dangling = [
            a for a, v in el.attrib.items() if a.startswith(_R_ATTRS) and v and v not in live_ids
        ]
        if not dangling:
            continue
        if _local(el.tag) == "pageSetup":
            for a in dangling:
                del el.attrib[a]
            count += 1
            continue
        unit = _unit(el, kind)
        if unit is None or unit is root:
            raise UnremovableError(
                f"{part}: <{_local(el.tag)}> points to a part that was dropped and cannot be "
                "removed without breaking the workbook"
            )
        if unit.getparent() is not None:
            _remove(unit)
            count += 1
    return count


def drop_sheets(workbook_root: Any, drop_ids: set[str]) -> list[str]:
    """Remove from a workbook part the ``<sheet>`` entries whose ``r:id`` is in
    ``drop_ids``; renumber ``localSheetId``, ``activeTab``, ``firstSheet``; remove names
    scoped to a removed sheet. Returns the names of the sheets removed."""
    sheets_el = workbook_root.find(f"{{{NS_MAIN}}}sheets")
    if sheets_el is None:
        return []
    entries = list(sheets_el)
    gone = [i for i, s in enumerate(entries) if s.get(f"{_R_ATTRS}id") in drop_ids]
    if not gone:
        return []
    names = [entries[i].get("name", "") for i in gone]
    for i in gone:
        sheets_el.remove(entries[i])

    def new_index(old: int) -> int | None:
        if old in gone:
            return None
        return old - sum(1 for g in gone if g < old)

    for dn in list(workbook_root.iter(f"{{{NS_MAIN}}}definedName")):
        local = dn.get("localSheetId")
        if local is None:
            continue
        moved = new_index(int(local))
        if moved is None:
            _remove(dn)
        else:
            dn.set("localSheetId", str(moved))
    for view in workbook_root.iter(f"{{{NS_MAIN}}}workbookView"):
        for attr in ("activeTab", "firstSheet"):
            if view.get(attr) is not None:
                moved = new_index(int(view.get(attr)))
                view.set(attr, str(moved or 0))
    return names


def live_relationship_ids(pkg: Any, part: str) -> set[str]:
    """The ids of the relationships ``part`` still has."""
    from xlcomp.ooxml.opc import relationships

    return {rel.id for rel in relationships(pkg, part)}


def find_part(pkg: Any, name: str) -> str | None:
    """``name`` as the package spells it (OPC names ignore case)."""
    if name in pkg.parts:
        return name
    key = name_key(name)
    return next((n for n in pkg.parts if name_key(n) == key), None)


def part_folder(part: str) -> str:
    """The folder of a part name (``xl/worksheets``)."""
    return posixpath.dirname(part)
