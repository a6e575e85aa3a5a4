"""Which zip entry names are valid part names of an OOXML package (ECMA-376 Part 2, §9.1.1).

A zip entry ``xl/worksheets/sheet1.xml`` is the part ``/xl/worksheets/sheet1.xml``. Names a
hostile file uses to escape a folder when extracted (``../../x``, ``/etc/x``, ``C:/x``,
``xl\\..\\x``) or to confuse readers (duplicates differing only in case, control characters)
are refused, whether or not anything is ever extracted.
"""

from __future__ import annotations

import re

_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCODED_SLASH = re.compile(r"%(2f|5c)", re.IGNORECASE)


def part_name_problem(name: str, max_length: int) -> str | None:
    """Why ``name`` is not a valid part name, or None when it is.

    A name ending in ``/`` is a folder entry; its segments are checked like a part's.

    >>> part_name_problem("xl/workbook.xml", 1024) is None
    True
    >>> part_name_problem("../../x", 1024)
    "'..' segment (path traversal)"
    """
    if not name:
        return "empty name"
    if len(name) > max_length:
        return f"longer than {max_length} characters"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return "control character"
    if "\\" in name:
        return "backslash (Windows path)"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter (absolute Windows path)"
    if _ENCODED_SLASH.search(name):
        return "percent-encoded slash"
    segments = name[:-1].split("/") if name.endswith("/") else name.split("/")
    for segment in segments:
        if segment == "..":
            return "'..' segment (path traversal)"
        if segment == ".":
            return "'.' segment"
        if not segment:
            return "empty segment"
        if segment.endswith("."):
            return "segment ending with a dot"
    return None


def name_key(name: str) -> str:
    """The key under which two part names are the same part (OPC compares ignoring case)."""
    return name.lower()
