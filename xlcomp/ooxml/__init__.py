"""Reading and writing the OOXML package (the zip of XML parts) of a workbook, safely."""

from xlcomp.ooxml.package import Package, atomic_write_bytes, write_package

__all__ = ["Package", "atomic_write_bytes", "write_package"]
