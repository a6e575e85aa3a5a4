"""Reading and writing the OOXML package (the zip of XML parts) of a workbook, safely.

Every command that reads a workbook starts with :func:`open_workbook`; XML parts are parsed
with :func:`parse` (or :func:`iterparse`); writes go through :func:`write_package` or
:func:`atomic_write_bytes`. To hand a checked workbook to openpyxl, pass it
``io.BytesIO(pkg.original_bytes)`` (the snapshot every check was made on), not the path.
``SECURITY.md`` says what this protects against and what it does not.
"""

from xlcomp.ooxml.atomic import atomic_write_bytes, atomic_writer, remove_stale_temps
from xlcomp.ooxml.limits import DEFAULT_LIMITS, Limits
from xlcomp.ooxml.opc import (
    CONTENT_TYPES,
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    ROOT_RELS,
    Relationship,
    content_type_of,
    content_types,
    decode_part,
    relationships,
    rels_part_of,
    remove_parts,
)
from xlcomp.ooxml.package import Package, PartMap, write_package
from xlcomp.ooxml.workbook import SheetEntry, open_workbook, workbook_sheets
from xlcomp.ooxml.xml import check_no_dtd, check_well_formed, iterparse, parse, safe_parser

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_LIMITS",
    "NS_MAIN",
    "NS_PKG_REL",
    "NS_REL",
    "ROOT_RELS",
    "Limits",
    "Package",
    "PartMap",
    "Relationship",
    "SheetEntry",
    "atomic_write_bytes",
    "atomic_writer",
    "check_no_dtd",
    "check_well_formed",
    "content_type_of",
    "content_types",
    "decode_part",
    "iterparse",
    "open_workbook",
    "parse",
    "relationships",
    "rels_part_of",
    "remove_parts",
    "remove_stale_temps",
    "safe_parser",
    "workbook_sheets",
    "write_package",
]
