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
import posixpath
from pathlib import Path

from xlcomp.errors import WorkbookError
from xlcomp.ooxml.limits import DEFAULT_LIMITS, Limits
from xlcomp.ooxml.names import name_key
from xlcomp.ooxml.package import Package
from xlcomp.ooxml.xml import check_no_dtd, parse

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
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
XML_EXTENSIONS = frozenset({"xml", "rels", "vml"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def open_workbook(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Package:
    """The package at ``path``, checked to be a safe workbook; ``workbook_part`` is set.

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
    defaults, overrides = _content_types(pkg, ct_name)
    for name in pkg.parts:
        if name == ct_name:
            continue
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        ctype = overrides.get(name_key(name), defaults.get(ext, ""))
        if ext in XML_EXTENSIONS or ctype.endswith("xml"):
            check_no_dtd(pkg.stream(name), part=name, source=p)
    wb_name = _workbook_target(pkg, names, p)
    found = names.get(name_key(wb_name))
    if found is None:
        raise WorkbookError(f"{p}: no workbook part (no {wb_name} in the package)")
    wb_ext = posixpath.splitext(found)[1].lstrip(".").lower()
    ctype = overrides.get(name_key(found), defaults.get(wb_ext, ""))
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


def _content_types(pkg: Package, ct_name: str) -> tuple[dict[str, str], dict[str, str]]:
    """Extension -> content type, and part name key -> content type."""
    root = parse(pkg.parts[ct_name], part=ct_name, source=pkg.path)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for node in root:
        kind = _local(node.tag)
        ctype = node.get("ContentType", "")
        if kind == "Default":
            defaults[node.get("Extension", "").lower()] = ctype
        elif kind == "Override":
            overrides[name_key(node.get("PartName", "").lstrip("/"))] = ctype
    return defaults, overrides


def _workbook_target(pkg: Package, names: dict[str, str], path: Path) -> str:
    """The part the package's officeDocument relationship names (or ``xl/workbook.xml``)."""
    rels_name = names.get(name_key(ROOT_RELS))
    if rels_name is None:
        return DEFAULT_WORKBOOK
    root = parse(pkg.parts[rels_name], part=rels_name, source=path)
    for rel in root:
        if rel.get("Type") in OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join("/", rel.get("Target", ""))).lstrip("/")
            return target or DEFAULT_WORKBOOK
    return DEFAULT_WORKBOOK
