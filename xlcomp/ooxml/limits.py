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
