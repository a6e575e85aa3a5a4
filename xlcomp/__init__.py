"""xlcomp: price and negotiate a job offer inside a spreadsheet.

The worksheet functions live in :mod:`xlcomp.udfs` (for Excel through xlwings) and
:mod:`xlcomp.worksheet` (the same functions, plain Python); the calculations behind
them in :mod:`xlcomp.core`.
"""

from xlcomp.core.guide import load_guide
from xlcomp.core.models import Band, BandTable, GuideData, LevelEntry, LevelTable, Offer
from xlcomp.errors import (
    DataError,
    FormulaError,
    InputError,
    NotFoundError,
    TableError,
    ToolMissingError,
    UnsafeWorkbookError,
    WorkbookError,
    XlcompError,
)

__version__ = "0.1.0"

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
    "TableError",
    "ToolMissingError",
    "UnsafeWorkbookError",
    "WorkbookError",
    "XlcompError",
    "__version__",
    "load_guide",
]
