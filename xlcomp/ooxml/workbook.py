"""Open a file a user names as a workbook: a safe package that really holds a workbook.

:func:`open_workbook` is what every command that reads a workbook calls first. On top of
:meth:`Package.open` (file type, zip limits, part names) it checks that the package is an
Office package (``[Content_Types].xml``), finds the workbook part through the package's
``officeDocument`` relationship (``xl/workbook.xml`` when there is none), checks that part's
content type and root element, and refuses any XML part that declares a DTD, so that any XML
library (openpyxl, formulas, lxml) later fed these parts meets no entity.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from xlcomp.errors import WorkbookError
from xlcomp.ooxml.limits import DEFAULT_LIMITS, Limits
from xlcomp.ooxml.names import name_key
from xlcomp.ooxml.opc import (
    CONTENT_TYPES,
    NS_MAIN,
    NS_REL,
    content_type_of,
    content_types,
    is_strict,
    is_xml_part,
    normalise_strict,
    relationships,
)
from xlcomp.ooxml.package import Package
from xlcomp.ooxml.xml import check_no_dtd, parse

DEFAULT_WORKBOOK = "xl/workbook.xml"
OFFICE_DOCUMENT = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
    }
)
WORKBOOK_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
        "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    }
)
XLSB_TYPE = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def open_workbook(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Package:
    """The package at ``path``, checked to be a safe workbook; ``workbook_part`` is set.

    A Strict Open XML workbook is normalised to Transitional namespaces here, once
    (:func:`xlcomp.ooxml.opc.normalise_strict`); ``pkg.strict`` says it was one.

    Raises :class:`WorkbookError` (:class:`UnsafeWorkbookError` for an attack) with a
    one-line message naming the file and the reason: ``empty file``, ``not a zip file: looks
    like text``, ``truncated or corrupt zip (...)``, ``encrypted workbook: remove the password
    in Excel first``, ``no workbook part (...)``, a refused DTD, a limit.
    """
    pkg = Package.open(path, limits=limits)
    p = Path(path)
    names = {name_key(name): name for name in pkg.parts}
    ct_name = names.get(name_key(CONTENT_TYPES))
    if ct_name is None:
        raise WorkbookError(
            f"{p}: no workbook part (a zip file, but not an Office document: no {CONTENT_TYPES})"
        )
    types = content_types(pkg)
    for name in pkg.parts:
        if name == ct_name:
            continue
        if is_xml_part(name, content_type_of(name, types)):
            check_no_dtd(pkg.stream(name), part=name, source=p)
    if is_strict(pkg):
        normalise_strict(pkg)
        pkg.strict = True
        types = content_types(pkg)
    wb_name = _workbook_target(pkg)
    found = names.get(name_key(wb_name))
    if found is None:
        raise WorkbookError(f"{p}: no workbook part (no {wb_name} in the package)")
    ctype = content_type_of(found, types)
    if ctype == XLSB_TYPE:
        raise WorkbookError(f"{p}: binary workbook (.xlsb) is not supported: save it as .xlsx")
    if ctype not in WORKBOOK_TYPES:
        raise WorkbookError(
            f"{p}: no workbook part ({found} is {ctype or 'of no declared type'}, "
            "not a spreadsheet)"
        )
    root = parse(pkg.parts[found], part=found, source=p)
    if _local(root.tag) != "workbook":
        raise WorkbookError(f"{p}: no workbook part ({found} holds <{_local(root.tag)}>)")
    pkg.workbook_part = found
    return pkg


def _workbook_target(pkg: Package) -> str:
    """The part the package's officeDocument relationship names (or ``xl/workbook.xml``)."""
    for rel in relationships(pkg, ""):
        if rel.type in OFFICE_DOCUMENT and not rel.external:
            return rel.target or DEFAULT_WORKBOOK
    return DEFAULT_WORKBOOK


@dataclass(frozen=True)
class SheetEntry:
    """One ``<sheet>`` of the workbook part: its name, state and part (None when the
    relationship is missing or points outside the package)."""

    name: str
    state: str
    part: str | None
    kind: str
    """The relationship kind: ``worksheet``, ``chartsheet``, ``dialogsheet``,
    ``xlMacrosheet`` / ``xlIntlMacrosheet`` (Excel 4 macro sheets)."""


def workbook_sheets(pkg: Package) -> list[SheetEntry]:
    """Every sheet the workbook part lists, in tab order (Transitional after opening)."""
    wb = pkg.workbook_part or DEFAULT_WORKBOOK
    if wb not in pkg.parts:
        return []
    rels = {rel.id: rel for rel in relationships(pkg, wb)}
    root = parse(pkg.parts[wb], part=wb, source=pkg.path)
    out = []
    for node in root.iter(f"{{{NS_MAIN}}}sheet"):
        rel = rels.get(node.get(f"{{{NS_REL}}}id", ""))
        part = rel.target if rel is not None and not rel.external else None
        out.append(
            SheetEntry(
                name=node.get("name", ""),
                state=node.get("state", "visible"),
                part=part if part in pkg.parts else None,
                kind=rel.kind if rel is not None else "",
            )
        )
    return out
