"""The table cache: a ``bands`` or ``levels`` argument read once per distinct content.

A table argument is a 2-D list whose first row is the header. It is keyed by its
content (the rows as tuples) and served from a bounded cache, least recently used
dropped first. ``TRUE == 1`` in Python, so the cells where a different type could
compare equal and read differently (booleans, 0 and 1, whole numbers from 1e15,
anything but text, floats and empty cells) are remembered with their types and checked
on every hit. The band ranges looked up in a table are remembered with it.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from xlcomp.core import bands as _bands
from xlcomp.core.models import BandTable, LevelTable
from xlcomp.core.tables import parse_bands, parse_levels
from xlcomp.core.values import is_empty
from xlcomp.errors import InputError, Problem, TableError, XlcompError
from xlcomp.worksheet.broadcast import as_grid
from xlcomp.worksheet.cells import ERROR_PREFIX, ROW_TYPES, error_text, shown


class Parsed:
    """A table read once: the model, the problems met, and band ranges looked up in it."""

    __slots__ = ("error", "problems", "ranges", "table")

    def __init__(self, kind: str, table: Any, problems: list[Problem]) -> None:
        self.table = table
        self.problems = problems
        self.error = error_text(TableError(kind, problems)) if problems else None
        self.ranges: dict[tuple[str, str, str, str | None], tuple[float, float]] = {}


_Guards = tuple[tuple[int, int, type, float], ...]


def _guards(rows: tuple[tuple[Any, ...], ...]) -> _Guards:
    """The cells whose type matters beyond equality: ``TRUE == 1``, ``0 == -0.0``, …

    Text, empty cells and floats other than 0 and 1 below 1e15 read the same as any
    value equal to them that Excel can send; the rest are checked by type (and sign).
    """
    found: list[tuple[int, int, type, float]] = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            v: Any = cell
            t = type(v)
            if t is str or v is None:
                continue
            if t is float and v != 0 and v != 1 and abs(v) < 1e15:
                continue
            found.append((r, c, t, math.copysign(1.0, v) if t is float else 1.0))
    return tuple(found)


def _same_types(rows: tuple[tuple[Any, ...], ...], guards: _Guards) -> bool:
    for r, c, t, sign in guards:
        v: Any = rows[r][c]
        if type(v) is not t:
            return False
        if t is float and math.copysign(1.0, rows[r][c]) != sign:
            return False
    return True


class _TableCache:
    """Parsed tables by content, least recently used dropped first.

    Bounded by the number of tables and by their total number of cells. TRUE equals 1
    in Python: an entry is reused only when the cells listed by :func:`_guards` have
    the same types too.
    """

    def __init__(self, size: int = 64, cells: int = 2_000_000) -> None:
        self.size = size
        self.cells = cells
        self._entries: OrderedDict[tuple[Any, ...], tuple[Parsed, _Guards, int]] = OrderedDict()
        self._held = 0

    def get(
        self,
        kind: str,
        rows: tuple[tuple[Any, ...], ...],
        parse: Callable[[tuple[tuple[Any, ...], ...]], tuple[Any, list[Problem]]],
    ) -> Parsed:
        entry_key = (kind, rows)
        try:
            hit = self._entries.get(entry_key)
        except TypeError:  # a cell that cannot be a key: read it, keep nothing
            return Parsed(kind, *parse(rows))
        if hit is not None and (not hit[1] or _same_types(rows, hit[1])):
            try:  # noqa: SIM105 - suppress() would cost more than the lookup on this path
                self._entries.move_to_end(entry_key)
            except KeyError:  # dropped meanwhile by a call on another thread
                pass
            return hit[0]
        parsed = Parsed(kind, *parse(rows))
        size = sum(map(len, rows))
        if hit is not None:
            self._held -= hit[2]
        self._entries[entry_key] = (parsed, _guards(rows), size)
        self._entries.move_to_end(entry_key)
        self._held += size
        while len(self._entries) > self.size or (self._held > self.cells and self._entries):
            self._held -= self._entries.popitem(last=False)[1][2]
        return parsed

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._held = 0


CACHE = _TableCache()
_RANGES_MAX = 4096
"""Band ranges remembered per table before the memo starts again."""


def _freeze(value: object, arg: str) -> tuple[tuple[Any, ...], ...]:
    """A table argument's rows as tuples (the cache key); an error for a single value."""
    if isinstance(value, list | tuple):
        if value and set(map(type, value)) <= ROW_TYPES and all(value):
            return tuple(map(tuple, value))
        return tuple(map(tuple, as_grid(value)))
    if callable(getattr(value, "tolist", None)):
        return tuple(map(tuple, as_grid(value)))
    if is_empty(value):
        raise InputError(arg, "is required: a range with a header row")
    raise InputError(arg, f"expected a range with a header row, got {shown(value)}")


def _parsed(kind: str, value: object) -> Parsed:
    parse = parse_bands if kind == "bands" else parse_levels
    return CACHE.get(kind, _freeze(value, kind), parse)


def table_of(kind: str, value: object) -> Parsed | str:
    """The table of an argument, or the error text the whole call returns."""
    try:
        parsed = _parsed(kind, value)
    except XlcompError as exc:
        return error_text(exc)
    except Exception as exc:  # a cell the reader cannot take
        return f"{ERROR_PREFIX}{kind}: cannot be read ({type(exc).__name__})"
    return parsed.error or parsed


def read_bands(value: object) -> tuple[BandTable, list[Problem]]:
    """The bands table of an argument, and the problems met reading it (cached)."""
    parsed = _parsed("bands", value)
    return parsed.table, parsed.problems


def bands_table(value: object) -> BandTable:
    """The bands table of an argument; an error when it cannot be read cleanly."""
    table, problems = read_bands(value)
    if problems:
        raise TableError("bands", problems)
    return table


def levels_table(value: object) -> LevelTable:
    """The levels table of an argument; an error when it cannot be read cleanly."""
    parsed = _parsed("levels", value)
    if parsed.problems:
        raise TableError("levels", parsed.problems)
    table: LevelTable = parsed.table
    return table


def band_range(
    parsed: Parsed, region: str, level: str, component: Any, company: str | None
) -> tuple[float, float]:
    """:func:`xlcomp.core.bands.band_range`, remembered per table (errors are not)."""
    lookup = (region, level, component, company)
    found = parsed.ranges.get(lookup)
    if found is None:
        found = _bands.band_range(parsed.table, region, level, component, company)
        if len(parsed.ranges) >= _RANGES_MAX:
            parsed.ranges.clear()
        parsed.ranges[lookup] = found
    return found
