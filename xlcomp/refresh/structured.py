"""Structured table references -> the cell ranges they stand for.

``Table1[[#This Row],[Column1]:[Column3]]`` written in row 4 of a table spanning
B3:K6 (one header row, one totals row) is B4:D4; ``Table1[Column2]`` is its data body
C4:C5; ``Table1[#All]`` is B3:K6; ``[Column3]`` (no table name, as Excel writes inside
a table's totals row) is the column of the table the formula sits in. ``[@Column1]`` is
the short form of ``[[#This Row],[Column1]]``. Column names match case-insensitively and
``'`` escapes the next character (``[Q1 '[est']]``).
"""

from __future__ import annotations

from xlcomp.refresh.book import Table

_AREAS = ("#ALL", "#DATA", "#HEADERS", "#TOTALS", "#THIS ROW")


class StructRefError(ValueError):
    """The reference names a column or area the table does not have."""


def _unescape(name: str) -> str:
    out, i = [], 0
    while i < len(name):
        if name[i] == "'" and i + 1 < len(name):
            i += 1
        out.append(name[i])
        i += 1
    return "".join(out).strip()


def _items(inner: str) -> list[str]:
    """Top-level items of ``[a],[b]:[c]`` -> ``["[a]", "[b]:[c]"]``."""
    items, depth, cur, i = [], 0, [], 0
    while i < len(inner):
        ch = inner[i]
        if ch == "'" and i + 1 < len(inner):
            cur.append(inner[i : i + 2])
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    if cur:
        items.append("".join(cur).strip())
    return items


def _strip(item: str) -> str:
    item = item.strip()
    if item.startswith("[") and item.endswith("]"):
        return item[1:-1]
    return item


def _column(table: Table, name: str) -> int:
    want = _unescape(name).casefold()
    for i, col in enumerate(table.columns):
        if col.strip().casefold() == want:
            return table.c1 + i
    raise StructRefError(f"table {table.name} has no column {_unescape(name)!r}")


def _split_range(item: str) -> list[str]:
    """``[a]:[b]`` -> ``["a", "b"]``; ``[a]`` -> ``["a"]``."""
    depth, i = 0, 0
    while i < len(item):
        ch = item[i]
        if ch == "'":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == ":" and depth == 0:
            return [_strip(item[:i]), _strip(item[i + 1 :])]
        i += 1
    return [_strip(item)]


def resolve(table: Table, spec: str, row: int) -> tuple[int, int, int, int]:
    """The rectangle (r1, c1, r2, c2) that ``spec`` (``[...]``) names, seen from ``row``."""
    if not (spec.startswith("[") and spec.endswith("]")):
        raise StructRefError(f"bad table reference {spec!r}")
    inner = spec[1:-1].strip()
    areas: set[str] = set()
    cols: list[tuple[int, int]] = []
    if inner.startswith("@"):
        areas.add("#THIS ROW")
        rest = inner[1:].strip()
        items = _items(rest) if rest.startswith("[") else ([f"[{rest}]"] if rest else [])
    elif "[" in inner:
        items = _items(inner)
    else:
        items = [f"[{inner}]"] if inner else []
    for item in items:
        parts = _split_range(item)
        key = parts[0].strip().upper()
        if len(parts) == 1 and key in _AREAS:
            areas.add(key)
            continue
        a = _column(table, parts[0])
        b = _column(table, parts[1]) if len(parts) == 2 else a
        cols.append((min(a, b), max(a, b)))
    c1 = min((a for a, _ in cols), default=table.c1)
    c2 = max((b for _, b in cols), default=table.c2)
    if "#THIS ROW" in areas:
        if not table.data_r1 <= row <= table.data_r2:
            raise StructRefError(f"row {row} is outside the data of table {table.name}")
        return row, c1, row, c2
    if not areas:
        areas = {"#DATA"}
    spans = []
    if "#ALL" in areas:
        spans.append((table.r1, table.r2))
    if "#HEADERS" in areas:
        if table.header_rows == 0:
            raise StructRefError(f"table {table.name} has no header row")
        spans.append((table.r1, table.r1 + table.header_rows - 1))
    if "#DATA" in areas:
        spans.append((table.data_r1, table.data_r2))
    if "#TOTALS" in areas:
        if table.totals_rows == 0:
            raise StructRefError(f"table {table.name} has no totals row")
        spans.append((table.r2 - table.totals_rows + 1, table.r2))
    r1 = min(a for a, _ in spans)
    r2 = max(b for _, b in spans)
    return r1, c1, r2, c2
