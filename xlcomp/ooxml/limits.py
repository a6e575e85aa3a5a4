"""Safety limits for reading a workbook package, checked before anything is decompressed.

The defaults are generous for real workbooks and tight for bombs. A real ``.xlsx`` is a zip
of XML parts that deflate compresses 5-30 times (measured on Excel-made files: at most 6x;
a generated sheet of one million styled empty rows: 20x); deflate cannot do better than
about 1032x, which is what zip bombs use. Worked example: a 2 GiB part of zeros stored in
2 MiB has a ratio of about 1000 and is refused by three limits at once (part size, total size,
ratio) from the zip directory alone, before a byte is inflated.

``SECURITY.md`` at the repository root explains each value.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

MAX_FILE_SIZE = 128 * MiB
"""Largest workbook file read at all (bytes on disk); mail systems stop at about 25 MB."""

MAX_PART_SIZE = 256 * MiB
"""Largest uncompressed part: a sheet of a million rows of a few numbers fits."""

MAX_TOTAL_SIZE = 512 * MiB
"""Largest sum of the uncompressed sizes of all parts."""

MAX_RATIO = 200
"""Largest uncompressed/compressed ratio of a part (checked above ``RATIO_FLOOR``)."""

RATIO_FLOOR = 1 * MiB
"""Parts smaller than this uncompressed are not ratio-checked: they cannot hurt."""

MAX_PARTS = 10_000
"""Most zip entries; an Excel workbook with a hundred sheets, charts and images has < 1,000."""

MAX_NAME_LENGTH = 1024
"""Longest part name in characters; Excel's are under 100."""


@dataclass(frozen=True)
class Limits:
    """The limits one read enforces; ``DEFAULT_LIMITS`` unless a caller passes its own."""

    max_file_size: int = MAX_FILE_SIZE
    max_part_size: int = MAX_PART_SIZE
    max_total_size: int = MAX_TOTAL_SIZE
    max_ratio: float = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR
    max_parts: int = MAX_PARTS
    max_name_length: int = MAX_NAME_LENGTH


DEFAULT_LIMITS = Limits()


def format_size(n: int) -> str:
    """``n`` bytes as people read it: ``'2 GiB'``, ``'256 MiB'``, ``'12 KiB'``, ``'100 bytes'``."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


# --- the memory budget of ``xlcomp share`` ------------------------------------------------
#
# ``share`` holds a whole workbook in memory (its parts, the book of cells, the compiled
# formulas, the values of every range a formula reads), so the limits above, which admit
# 512 MiB of XML, are not enough to bound it. It estimates what a workbook will need
# before it inflates or reads it, from costs measured on the worst input of each kind
# (``python -m xlcomp share`` under ``/usr/bin/time``, peak resident memory, Python 3.12):
#
# ==================================================  =======================================
# input (100,000 of each unless said)                 measured peak -> cost used
# ==================================================  =======================================
# the interpreter, lxml, numpy, formulas               40-45 MB -> ``SHARE_BASE`` 48 MiB
# empty cells ``<c/>``                                 99 MB -> 590 bytes a cell: 600
# numbers ``<c r="A1"><v>8.25</v></c>`` (33 bytes)     114 MB -> 600 a cell + 5 a sheet byte
# formulas, each a different shape (``$A$17``)         467 MB -> 3,800 bytes a formula
# 8,000 formulas ``SUM($A$k:$B$9)``, 1.2e7 cells read  359 MB -> 27 bytes a cell read: 32
# shared strings, 1,000,000 (20 MiB of XML)            518 MB -> 25 bytes an XML byte
# ==================================================  =======================================
#
# Measured against the estimate: 351,558 numbers (117,186 rows x 3) estimated at 320 MiB
# peak at 337 MiB; the budget is set 20 MiB lower, so the worst admitted input stays near
# 320 MiB (335 MB), under 400 MB with a margin for the estimate's error.

SHARE_BUDGET = 300 * MiB
"""Largest estimated memory ``xlcomp share`` accepts a workbook for: the worst admitted
input stays under 400 MB (the estimate's costs are each at or above the measured one)."""

SHARE_BASE = 48 * MiB
"""Memory of the program itself before a workbook is read."""

SHARE_CELL_COST = 600
"""Bytes a cell costs (its value, position and span, in the book and in the recalculation)."""

SHARE_FORMULA_COST = 3_800
"""Bytes a formula cell costs besides (its syntax tree and compiled function)."""

SHARE_READ_COST = 32
"""Bytes each cell of a distinct range a formula reads costs (the values the engine holds)."""

SHARE_SHEET_BYTE_COST = 5
"""Bytes each byte of a worksheet part costs (the part, its rewritten copy, the scan)."""

SHARE_XML_BYTE_COST = 25
"""Bytes each byte of another XML part costs (it is parsed into a tree, then scanned)."""

SHARE_OTHER_BYTE_COST = 2
"""Bytes each byte of a part that is not XML (a picture) costs: read, cleaned, written."""


@dataclass
class ShareCost:
    """What a workbook holds that costs ``xlcomp share`` memory, and the estimate.

    Sizes are uncompressed bytes from the zip directory; ``cells``, ``formulas`` and
    ``cells_read`` are counted as the sheets are read (0 until then).
    """

    file_size: int = 0
    sheet_bytes: int = 0
    xml_bytes: int = 0
    other_bytes: int = 0
    cells: int = 0
    formulas: int = 0
    cells_read: int = 0

    def estimate(self) -> int:
        """Estimated peak memory in bytes (``SHARE_BASE`` plus each measured cost)."""
        return (
            SHARE_BASE
            + self.file_size
            + SHARE_SHEET_BYTE_COST * self.sheet_bytes
            + SHARE_XML_BYTE_COST * self.xml_bytes
            + SHARE_OTHER_BYTE_COST * self.other_bytes
            + SHARE_CELL_COST * self.cells
            + SHARE_FORMULA_COST * self.formulas
            + SHARE_READ_COST * self.cells_read
        )

    def largest(self) -> str:
        """The term of the estimate that weighs most, as people read it: ``412,345 cells``."""
        terms = [
            (SHARE_CELL_COST * self.cells, f"{self.cells:,} cells"),
            (SHARE_FORMULA_COST * self.formulas, f"{self.formulas:,} formulas"),
            (
                SHARE_READ_COST * self.cells_read,
                f"{self.cells_read:,} cells read by formulas",
            ),
            (
                SHARE_SHEET_BYTE_COST * self.sheet_bytes,
                f"{format_size(self.sheet_bytes)} of worksheet XML",
            ),
            (
                SHARE_XML_BYTE_COST * self.xml_bytes,
                f"{format_size(self.xml_bytes)} of other XML parts",
            ),
            (
                SHARE_OTHER_BYTE_COST * self.other_bytes + self.file_size,
                f"{format_size(self.other_bytes)} of pictures and other parts",
            ),
        ]
        return max(terms)[1]
