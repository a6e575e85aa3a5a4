"""xlcomp: price and negotiate a job offer inside a spreadsheet.

The worksheet functions live in :mod:`xlcomp.udfs` (for Excel through xlwings) and
:mod:`xlcomp.worksheet` (the same functions, plain Python); the calculations behind
them in :mod:`xlcomp.core`.

The models and ``load_guide`` are imported on first use (PEP 562), so that a command that
needs neither (``xlcomp refresh`` of a workbook without our functions) does not pay for
pydantic at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from xlcomp.core.guide import load_guide
    from xlcomp.core.models import Band, BandTable, GuideData, LevelEntry, LevelTable, Offer

    __version__: str

_LAZY = {
    "load_guide": "xlcomp.core.guide",
    "Band": "xlcomp.core.models",
    "BandTable": "xlcomp.core.models",
    "GuideData": "xlcomp.core.models",
    "LevelEntry": "xlcomp.core.models",
    "LevelTable": "xlcomp.core.models",
    "Offer": "xlcomp.core.models",
}

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


def __getattr__(name: str) -> Any:
    """``xlcomp.Offer``, ``xlcomp.load_guide``...: imported from the core on first use;
    ``__version__`` from the installed package's metadata."""
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("xlcomp")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            version = "0+unknown"
        globals()[name] = version
        return version
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xlcomp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
