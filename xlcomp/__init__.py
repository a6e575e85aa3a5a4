"""xlcomp: price and negotiate a job offer inside a spreadsheet.

The worksheet functions live in :mod:`xlcomp.udfs` (for Excel through xlwings) and
:mod:`xlcomp.worksheet` (the same functions, plain Python); the calculations behind
them in :mod:`xlcomp.core`.
"""

from importlib import metadata as _metadata

from xlcomp.core.guide import load_guide
from xlcomp.core.models import Band, BandTable, GuideData, LevelEntry, LevelTable, Offer
from xlcomp.errors import (
    DataError,
    FormulaError,
    InputError,
    NotFoundError,
    PathError,
    TableError,
    ToolMissingError,
    UnsafeWorkbookError,
    WorkbookError,
    XlcompError,
)

try:
    __version__ = _metadata.version("xlcomp")
    """The installed distribution's version (pyproject.toml), from the package metadata."""
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Band",
    "BandTable",
    "DataError",
    "FormulaError",
    "GuideData",
    "InputError",
    "LevelEntry",
    "LevelTable",
    "NotFoundError",
    "Offer",
    "PathError",
    "TableError",
    "ToolMissingError",
    "UnsafeWorkbookError",
    "WorkbookError",
    "XlcompError",
    "__version__",
    "load_guide",
]
