"""Reading the ``bands`` and ``levels`` tables from rows of cell values.

A table arrives as rows, the first of which is normally the header. Headers match
case-insensitively (``As Of`` = ``as_of``); unknown columns are ignored. A range with
no header row (an Excel table referenced by its name, ``Bands``, gives only its data)
is read in the template's column order: region, level, component, min, max, company,
source, as_of for bands; company, level, rung for levels.

Every problem is collected, not just the first: a missing column, an empty key, a
component other than base/equity/bonus/tc, a min or max that is not a number. The rows
that read cleanly still make a table, so CHECKBANDS can report on the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlcomp.core.models import COMPONENTS, Band, BandTable, Component, LevelEntry, LevelTable
from xlcomp.core.values import is_empty, show, to_number, to_rate
from xlcomp.errors import InputError, Problem

BAND_COLUMNS = ("region", "level", "component", "min", "max", "company", "source", "as_of")
BAND_REQUIRED = ("region", "level", "component", "min", "max")
BAND_OPTIONAL = ("company", "currency", "source", "as_of")
LEVEL_COLUMNS = ("company", "level", "rung")

Rows = Sequence[Sequence[object]]


def _header_key(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return "_".join(value.replace("_", " ").split()).casefold()


def _columns(
    rows: Rows, known: Sequence[str], required: Sequence[str], default_order: Sequence[str]
) -> tuple[dict[str, int], int, list[Problem]]:
    """Map column name -> index; the index of the first data row; header problems."""
    if not rows:
        return {}, 0, [Problem("is empty: it needs a header row and at least one data row")]
    header = [_header_key(v) for v in rows[0]]
    if not any(h in known for h in header):
        # No header: the template's column order, when the range is wide enough.
        width = len(rows[0])
        if width < len(required):
            return {}, 0, [Problem(f"has no header row with the columns {', '.join(required)}")]
        return {name: i for i, name in enumerate(default_order) if i < width}, 0, []
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in known and h not in columns:
            columns[h] = i
    missing = [c for c in required if c not in columns]
    problems = [Problem(f"has no '{c}' column", row=0, column=c) for c in missing]
    return columns, 1, problems


def _cell(row: Sequence[object], columns: dict[str, int], name: str) -> object:
    i = columns.get(name)
    return row[i] if i is not None and i < len(row) else None


def _text(value: object) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, str):
        return value.strip()
    return show(value)


def looks_like_row(values: Sequence[object]) -> bool:
    """Whether cells typed directly under a table look like one of its rows: two or more
    of its columns filled (a lone note under a table is not a row)."""
    return sum(not is_empty(v) for v in values) >= 2


def describe_row(table: str, row: int) -> str:
    """How a message names a row: ``bands row 4`` (counting the header as row 1)."""
    return f"{table} row {row + 1}"


def parse_bands(rows: Rows) -> tuple[BandTable, list[Problem]]:
    """The bands of ``rows`` and every problem met while reading them."""
    known = BAND_REQUIRED + BAND_OPTIONAL
    columns, start, problems = _columns(rows, known, BAND_REQUIRED, BAND_COLUMNS)
    if any(p.column in BAND_REQUIRED for p in problems) or not columns:
        return BandTable(bands=()), problems
    bands: list[Band] = []
    for r in range(start, len(rows)):
        row = rows[r]
        if all(is_empty(v) for v in row):
            continue
        where = describe_row("bands", r)
        region = _text(_cell(row, columns, "region"))
        level = _text(_cell(row, columns, "level"))
        comp_text = _text(_cell(row, columns, "component"))
        ok = True
        for name, value in (("region", region), ("level", level), ("component", comp_text)):
            if value is None:
                problems.append(Problem(f"{where}: {name} is empty", row=r, column=name))
                ok = False
        component = comp_text.casefold() if comp_text else ""
        if comp_text is not None and component not in COMPONENTS:
            problems.append(
                Problem(
                    f"{where}: component {comp_text!r} is not one of base, equity, bonus, tc",
                    row=r,
                    column="component",
                )
            )
            ok = False
        values: dict[str, float] = {}
        for name in ("min", "max"):
            raw = _cell(row, columns, name)
            try:
                if component == "bonus" and isinstance(raw, str) and raw.strip().endswith("%"):
                    values[name] = to_rate(raw, name)
                else:
                    values[name] = to_number(raw, name)
            except InputError as exc:
                problems.append(Problem(f"{where}: {exc}", row=r, column=name))
                ok = False
        if not ok:
            continue
        assert region is not None and level is not None
        comp: Component = component  # type: ignore[assignment]
        bands.append(
            Band(
                region=region,
                level=level,
                component=comp,
                min=values["min"],
                max=values["max"],
                company=_text(_cell(row, columns, "company")),
                currency=_text(_cell(row, columns, "currency")),
                source=_text(_cell(row, columns, "source")),
                as_of=_text(_cell(row, columns, "as_of")),
                row=r,
            )
        )
    if not bands and not problems:
        problems.append(Problem("has no data rows"))
    return BandTable(bands=tuple(bands)), problems


def parse_levels(rows: Rows) -> tuple[LevelTable, list[Problem]]:
    """The level entries of ``rows`` and every problem met while reading them."""
    columns, start, problems = _columns(rows, LEVEL_COLUMNS, LEVEL_COLUMNS, LEVEL_COLUMNS)
    if problems or not columns:
        return LevelTable(entries=()), problems
    entries: list[LevelEntry] = []
    for r in range(start, len(rows)):
        row = rows[r]
        if all(is_empty(v) for v in row):
            continue
        where = describe_row("levels", r)
        texts = {name: _text(_cell(row, columns, name)) for name in LEVEL_COLUMNS}
        empty = [name for name, v in texts.items() if v is None]
        for name in empty:
            problems.append(Problem(f"{where}: {name} is empty", row=r, column=name))
        if empty:
            continue
        entries.append(
            LevelEntry(
                company=texts["company"] or "",
                level=texts["level"] or "",
                rung=texts["rung"] or "",
                row=r,
            )
        )
    if not entries and not problems:
        problems.append(Problem("has no data rows"))
    return LevelTable(entries=tuple(entries)), problems


def band_rows(table: BandTable) -> list[list[object]]:
    """The bands as rows with a header, in the template's column order."""
    rows: list[list[object]] = [list(BAND_COLUMNS)]
    for b in table.bands:
        rows.append([b.region, b.level, b.component, b.min, b.max, b.company, b.source, b.as_of])
    return rows


def level_rows(table: LevelTable) -> list[list[object]]:
    """The levels as rows with a header: company, level, rung."""
    rows: list[list[object]] = [list(LEVEL_COLUMNS)]
    rows.extend([e.company, e.level, e.rung] for e in table.entries)
    return rows
