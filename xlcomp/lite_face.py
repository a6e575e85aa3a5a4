"""How a worksheet function's result is shown in xlwings Lite.

Classic xlwings cannot attach a message to an Excel error, so every worksheet function
returns its errors as text: ``#XLCOMP! region: 'SFO' not in bands (…)``. xlwings Lite
can: when a custom function raises, Lite throws ``CustomFunctions.Error(invalidValue,
message)`` and Excel shows ``#VALUE!`` with the message on the cell's error flag.

So in Lite a call whose whole result is one error raises :class:`LiteCellError` with the
very text classic xlwings would show (``#VALUE!``, hover: ``#XLCOMP! region: …``).
Results that spill keep a bad element's ``#XLCOMP! …`` text in its own position, as
in classic xlwings: Lite cannot put a message on one element of an array, and the
message is what tells the user what to fix.

This module is part of the code embedded in a Lite workbook (``xlcomp build --lite``);
the package itself never calls it.
"""

from __future__ import annotations

from typing import Any

from xlcomp.errors import XlcompError
from xlcomp.worksheet.cells import ERROR_PREFIX


class LiteCellError(XlcompError):
    """A whole worksheet-function call failed; Lite shows #VALUE! with this message."""


def lite_result(value: Any) -> Any:
    """``value`` unchanged, unless it is a single ``#XLCOMP!`` error, which is raised."""
    if isinstance(value, str) and value.startswith(ERROR_PREFIX):
        raise LiteCellError(value)
    return value
