"""Reading and writing the OOXML package (the zip of XML parts) of a workbook, safely.

Every command that reads a workbook starts with :func:`open_workbook`; XML parts are parsed
with :func:`parse` (or :func:`iterparse`); writes go through :func:`write_package` or
:func:`atomic_write_bytes`. To hand a checked workbook to openpyxl, pass it
``io.BytesIO(pkg.original_bytes)`` (the snapshot every check was made on), not the path.
``SECURITY.md`` says what this protects against and what it does not.
"""

from xlcomp.ooxml.atomic import atomic_write_bytes, atomic_writer, remove_stale_temps
from xlcomp.ooxml.limits import DEFAULT_LIMITS, Limits
from xlcomp.ooxml.package import Package, PartMap, write_package
from xlcomp.ooxml.workbook import open_workbook
from xlcomp.ooxml.xml import check_no_dtd, check_well_formed, iterparse, parse, safe_parser

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Package",
    "PartMap",
    "atomic_write_bytes",
    "atomic_writer",
    "check_no_dtd",
    "check_well_formed",
    "iterparse",
    "open_workbook",
    "parse",
    "remove_stale_temps",
    "safe_parser",
    "write_package",
]
