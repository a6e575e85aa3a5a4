"""``xlcomp update``: new bands and levels into negotiation workbooks already handed out.

A recruiter keeps one master of the regional bands and the level mapping and has handed
out many candidate workbooks. ``update_books([...], load_source("master.xlsx"))`` writes
the master's rows into the ``Bands`` and ``Levels`` tables of each workbook, keeping
everything a candidate typed, and recomputes it:

* the source (:func:`load_source`) is the package's TOML data format, a CSV of bands
  (``region,level,component,min,max[,company,currency,source,as_of]``, header names in any
  case), or a workbook whose Bands and Levels tables are the new truth. It is checked as
  ``xlcomp check`` checks a workbook; a problem that stops a worksheet function (an empty
  cell, min above max, a bonus of 15, a duplicate, a missing component) is a
  :class:`~xlcomp.errors.SourceError` naming every one, and nothing is written. A
  published tc range far from the derived one is a note: the guide's own data has them.
* each workbook must be a negotiation workbook (tables ``Bands`` and ``Levels`` with their
  columns), else it is skipped. The tables are rewritten by
  :func:`xlcomp.table_rows.replace_table_rows` (table part, print area, ranges, every other
  part byte for byte), every formula is recomputed by the refresh engine, and the file is
  replaced atomically (or written into an output folder).
* the change report (:class:`BookResult`) says which band rows changed, were added or
  removed, and what that did to this candidate, read from the Offer sheet before and after:
  ``base percentile 59.6 → 49.3``, ``region 'Austin' no longer in the bands: Offer!B6``.

Workbooks run in parallel processes (``jobs``); one that fails is reported and never stops
or corrupts the others.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xlcomp.core.check import check_bands
from xlcomp.core.models import Band, BandTable, LevelEntry, LevelTable, key
from xlcomp.core.tables import (
    BAND_COLUMNS,
    BAND_REQUIRED,
    LEVEL_COLUMNS,
    looks_like_row,
    parse_bands,
    parse_levels,
)
from xlcomp.errors import DataError, Problem, SourceError, WorkbookError, XlcompError

BOOK_SUFFIXES = (".xlsx", ".xlsm")
UPDATED, UNCHANGED, SKIPPED, FAILED = "updated", "unchanged", "skipped", "failed"
STATUSES = (UPDATED, UNCHANGED, SKIPPED, FAILED)
_TC_GAP_TOLERANCE = 0.05


# --- the source -------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The new truth: bands, levels (None: keep each workbook's), where they came from."""

    origin: str
    bands: BandTable
    levels: LevelTable | None
    notes: tuple[str, ...] = ()


def _header_key(value: object) -> str:
    return "_".join(value.replace("_", " ").split()).casefold() if isinstance(value, str) else ""


def _gaps(bands: BandTable, blocking: list[Problem]) -> list[Problem]:
    every = check_bands(bands, [], _TC_GAP_TOLERANCE)
    stops = {p.message for p in check_bands(bands, [], math.inf)}
    return [p for p in every if p.message not in stops and p not in blocking]


def _strip_row(message: str) -> str:
    for lead in ("bands row ", "levels row "):
        if message.startswith(lead) and ": " in message:
            return message.split(": ", 1)[1]
    return message


def _from_csv(path: Path) -> Source:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the CSV file ({exc})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append([c.strip() for c in row])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise SourceError(str(path), [f"line {reader.line_num}: {exc}"]) from None
    header = [_header_key(v) for v in rows[0]] if rows else []
    if rows and not any(h in BAND_REQUIRED for h in header):
        raise SourceError(
            str(path),
            [
                "line 1: no header row; the first line names the columns: "
                + ", ".join(BAND_REQUIRED)
            ],
        )
    bands, read = parse_bands(rows)
    blocking = sorted(
        check_bands(bands, read, math.inf), key=lambda p: -1 if p.row is None else p.row
    )

    def where(p: Problem) -> str:
        if p.row is None or p.row >= len(lines):
            return f"{_strip_row(p.message)}"
        column = f", column {p.column}" if p.column else ""
        return f"line {lines[p.row]}{column}: {_strip_row(p.message)}"

    if blocking:
        raise SourceError(str(path), [where(p) for p in blocking])
    return Source(str(path), bands, None, tuple(where(p) for p in _gaps(bands, blocking)))


def _toml_entry(message: str) -> str:
    """``bands row 5`` (a table's row, header first) as the data file's ``[[bands]] #4``."""
    return re.sub(
        r"\b(bands|levels) row (\d+)", lambda m: f"[[{m.group(1)}]] #{int(m.group(2)) - 1}", message
    )


def _from_toml(path: Path) -> Source:
    from xlcomp.core.guide import load_guide

    try:
        guide = load_guide(path)
    except DataError as exc:
        text = str(exc)
        prefix = f"{path}: "
        body = text[len(prefix) :] if text.startswith(prefix) else text
        raise SourceError(str(path), body.split("; ")) from None
    blocking = check_bands(guide.bands, [], math.inf)
    if blocking:
        raise SourceError(str(path), [_toml_entry(p.message) for p in blocking])
    notes = tuple(_toml_entry(p.message) for p in _gaps(guide.bands, blocking))
    return Source(str(path), guide.bands, guide.levels, notes)


def _from_workbook(path: Path) -> Source:
    from xlcomp.check_book import level_rung_problems, locate, read_tables

    places, rows = read_tables(path)
    bands, read = parse_bands(rows["Bands"])
    levels, level_read = parse_levels(rows["Levels"])
    blocking = locate(
        check_bands(bands, read, math.inf), places["Bands"], rows["Bands"], BAND_COLUMNS
    )
    blocking += locate(
        level_read + level_rung_problems(rows["Levels"]),
        places["Levels"],
        rows["Levels"],
        LEVEL_COLUMNS,
    )
    if blocking:
        raise SourceError(str(path), [str(f) for f in blocking])
    gaps = locate(_gaps(bands, []), places["Bands"], rows["Bands"], BAND_COLUMNS)
    return Source(str(path), bands, levels, tuple(str(f) for f in gaps))


def load_source(path: str | os.PathLike[str]) -> Source:
    """The bands (and levels) of ``path``: a ``.toml`` data file, a ``.csv`` of bands, or a
    workbook (``.xlsx``/``.xlsm``) with Bands and Levels tables.

    Raises :class:`SourceError` listing every problem that would stop a worksheet function
    (each with its line or cell), :class:`DataError` for an unreadable or unknown file,
    :class:`WorkbookError` for a broken workbook.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    if suffix == ".csv":
        return _from_csv(p)
    if suffix == ".toml":
        return _from_toml(p)
    if suffix in BOOK_SUFFIXES:
        return _from_workbook(p)
    raise DataError(
        f"{p}: not a source xlcomp reads ({suffix or 'no suffix'}); give a .toml data file, "
        "a .csv of bands or an .xlsx workbook (save an .ods or .xls as .xlsx first)"
    )


# --- what changed -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of the report, with its parts for scripts."""

    text: str
    what: str
    old: Any = None
    new: Any = None
    cell: str | None = None


def _money(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _bound(band: Band, x: float) -> str:
    return f"{x * 100:g}%" if band.component == "bonus" else _money(x)


def _band_key(b: Band) -> tuple[str, str, str, str]:
    return (key(b.region), key(b.level), b.component, key(b.company or ""))


def _band_name(b: Band, with_company: bool) -> str:
    company = f" ({b.company})" if with_company and b.company else ""
    return f"{b.region} / {b.level}{company} / {b.component}"


def band_changes(old: BandTable, new: BandTable) -> tuple[list[Change], list[Change], list[Change]]:
    """(changed, added, removed) band rows, each a line a person reads."""
    companies = {key(b.company or "") for b in (*old.bands, *new.bands)}
    with_company = len(companies) > 1
    before = {_band_key(b): b for b in old.bands}
    after = {_band_key(b): b for b in new.bands}
    changed: list[Change] = []
    added: list[Change] = []
    removed: list[Change] = []
    labels: dict[tuple[str, str, str], list[str]] = {}
    for k, b in after.items():
        name = _band_name(b, with_company)
        a = before.get(k)
        if a is None:
            text = f"{name} {_bound(b, b.min)}–{_bound(b, b.max)}"
            added.append(Change(text, name, None, [b.min, b.max]))
            continue
        for field_name in ("min", "max"):
            x, y = getattr(a, field_name), getattr(b, field_name)
            if x != y:
                text = f"{name}: {field_name} {_bound(b, x)} → {_bound(b, y)}"
                changed.append(Change(text, f"{name} {field_name}", x, y))
        for field_name in ("source", "as_of", "currency"):
            x, y = getattr(a, field_name), getattr(b, field_name)
            if (x or "") != (y or "") and not (field_name == "currency" and None in (x, y)):
                labels.setdefault((field_name, x or "", y or ""), []).append(name)
    for (field_name, x, y), names in labels.items():
        label = field_name.replace("_", " ")
        rows = names[0] if len(names) == 1 else f"{len(names)} rows"
        text = f"{rows}: {label} {x or '(empty)'} → {y or '(empty)'}"
        changed.append(Change(text, f"{field_name} of {', '.join(names)}", x or None, y or None))
    for k, a in before.items():
        if k not in after:
            name = _band_name(a, with_company)
            text = f"{name} {_bound(a, a.min)}–{_bound(a, a.max)}"
            removed.append(Change(text, name, [a.min, a.max], None))
    return changed, added, removed


def level_changes(old: LevelTable, new: LevelTable) -> tuple[list[Change], list[Change]]:
    """(added, removed) level entries: ``Google L6 (rung Staff)``."""

    def k(e: LevelEntry) -> tuple[str, str, str]:
        return key(e.company), key(e.level), key(e.rung)

    before = {k(e): e for e in old.entries}
    after = {k(e): e for e in new.entries}

    def text(e: LevelEntry) -> str:
        return f"{e.company} {e.level} (rung {e.rung})"

    added = [Change(text(e), text(e)) for kk, e in after.items() if kk not in before]
    removed = [Change(text(e), text(e)) for kk, e in before.items() if kk not in after]
    return added, removed


# --- the candidate's outputs ----------------------------------------------------------

_NAMED_OUTPUTS = (
    ("private_counter_anchor", "counter anchor", "money"),
    ("private_counter_target", "counter target", "money"),
    ("private_counter_floor", "counter floor", "money"),
    ("private_verdict", "verdict", "text"),
    ("private_split_base", "counter split base", "money"),
    ("private_split_equity", "counter split equity", "money"),
    ("private_split_bonus_pct", "counter split bonus", "rate"),
    ("private_split_signon", "counter split sign-on", "money"),
)


@dataclass(frozen=True)
class Watched:
    """A cell whose value the report compares before and after: its label and format."""

    label: str
    sheet: int
    row: int
    col: int
    kind: str
    cell: str


def _named_cell(book: Any, name: str) -> tuple[int, int, int] | None:
    from xlcomp.refresh.book import split_ref

    for dn in book.names:
        if dn.name.casefold() != name.casefold() or dn.local_sheet is not None:
            continue
        sheet, _, ref = dn.text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        if sheet not in book.sheet_names or ":" in ref:
            return None
        try:
            row, col = split_ref(ref)
        except WorkbookError:
            return None
        return book.sheet_names.index(sheet), row, col
    return None


def watched_cells(book: Any) -> list[Watched]:
    """The candidate's outputs of a negotiation workbook: the percentile and compa-ratio of
    each component (found under their headers on the Offer sheet), the counter, the verdict
    and the counter split (by their defined names)."""
    from xlcomp.refresh.parser import col_letters

    out: list[Watched] = []
    offer = next((s for s in book.sheets if s.name.casefold() == "offer"), None)
    if offer is not None:
        heads = {
            str(c.value).strip().casefold(): (r, col)
            for (r, col), c in offer.cells.items()
            if isinstance(c.value, str)
            and str(c.value).strip().casefold() in ("percentile", "compa-ratio")
        }
        for title, kind in (("percentile", "percentile"), ("compa-ratio", "ratio")):
            if title not in heads:
                continue
            r0, col = heads[title]
            for r in range(r0 + 1, r0 + 9):
                label_cell = offer.cells.get((r, 1))
                label = label_cell.value if label_cell is not None else None
                if not isinstance(label, str) or not label.strip():
                    break
                if (r, col) in offer.cells:
                    name = label.strip()
                    name = name if name.isupper() else name.lower()
                    out.append(
                        Watched(
                            f"{name} {title}",
                            offer.index,
                            r,
                            col,
                            kind,
                            f"Offer!{col_letters(col)}{r}",
                        )
                    )
    for name, label, kind in _NAMED_OUTPUTS:
        place = _named_cell(book, name)
        if place is not None:
            sheet, row, col = place
            where = f"{book.sheet_names[sheet]}!{col_letters(col)}{row}"
            out.append(Watched(label, sheet, row, col, kind, where))
    return out


def _plain(value: Any) -> Any:
    """An engine value as JSON can hold it: numbers, text, booleans, None."""
    from xlcomp.refresh.values import EMPTY

    if value is EMPTY or value is None:
        return None
    if isinstance(value, bool | float | int | str):
        return value
    return str(value)


def _show(value: Any, kind: str) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value if len(value) <= 70 else value[:67] + "..."
    if isinstance(value, bool):
        return str(value).upper()
    x = float(value)
    if kind == "percentile":
        return f"{x:.1f}"
    if kind == "ratio":
        return f"{x:.2f}"
    if kind == "rate":
        return f"{x * 100:.1f}%"
    return _money(round(x))


def _cell_value(
    book: Any, w: Watched, results: dict[int, dict[tuple[int, int], Any]] | None
) -> Any:
    if results is not None and (w.row, w.col) in results.get(w.sheet, {}):
        return _plain(results[w.sheet][(w.row, w.col)])
    sheet = next((s for s in book.sheets if s.index == w.sheet), None)
    cell = sheet.cells.get((w.row, w.col)) if sheet is not None else None
    return _plain(cell.value) if cell is not None else None


def _same(a: Any, b: Any, kind: str) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return _show(a, kind) == _show(b, kind)
    return bool(a == b)


# --- one workbook -------------------------------------------------------------------


@dataclass
class BookResult:
    """What ``update`` did to one workbook, as a report."""

    book: str
    status: str
    target: str | None = None
    message: str = ""
    bands_changed: list[Change] = field(default_factory=list)
    bands_added: list[Change] = field(default_factory=list)
    bands_removed: list[Change] = field(default_factory=list)
    levels_added: list[Change] = field(default_factory=list)
    levels_removed: list[Change] = field(default_factory=list)
    candidate: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as a person reads it, one workbook."""
        head = f"{self.book}: {self.status}"
        if self.message:
            head += f": {self.message}"
        if self.status in (UPDATED, UNCHANGED) and self.target and self.target != self.book:
            head += f" (written to {self.target})"
        out = [head]
        if self.status not in (UPDATED, UNCHANGED):
            return out
        sections = (
            ("band rows changed", self.bands_changed),
            ("band rows added", self.bands_added),
            ("band rows removed", self.bands_removed),
            ("levels added", self.levels_added),
            ("levels removed", self.levels_removed),
            ("for this candidate", self.candidate),
        )
        for title, changes in sections:
            if changes:
                out.append(f"  {title}:")
                out.extend(f"    {c.text}" for c in changes)
        out.extend(f"  note: {n}" for n in self.notes)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The report for scripts (``--json``)."""
        return asdict(self)


def _written_rows(
    header: Sequence[str], records: Iterable[dict[str, object]]
) -> list[list[object]]:
    keys = [_header_key(h) for h in header]
    return [[rec.get(k) for k in keys] for rec in records]


def _band_record(b: Band) -> dict[str, object]:
    return {
        "region": b.region,
        "level": b.level,
        "component": b.component,
        "min": b.min,
        "max": b.max,
        "company": b.company,
        "currency": b.currency,
        "source": b.source,
        "as_of": b.as_of,
    }


def _normal(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    def one(v: object) -> object:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, str):
            return v.strip() or None
        return v

    return [[one(v) for v in row] for row in rows]


def _kind(component_index: int | None) -> Callable[[Sequence[object]], str]:
    def kind(row: Sequence[object]) -> str:
        if component_index is None or component_index >= len(row):
            return "row"
        v = row[component_index]
        return "rate" if isinstance(v, str) and v.strip().casefold() == "bonus" else "money"

    return kind


def _target(book: Path, out_dir: Path | None) -> Path:
    return book if out_dir is None else out_dir / book.name


def update_book(
    path: str | os.PathLike[str],
    source: Source,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    dry_run: bool = False,
) -> BookResult:
    """Update one workbook from ``source``; never raises for a problem of this workbook.

    Writes ``path`` in place, or ``out_dir/<name>`` (an unchanged workbook is copied there
    as it is). Returns the report; its ``status`` is ``updated``, ``unchanged``, ``skipped``
    (not a negotiation workbook) or ``failed`` (unreadable, or its formulas could not all be
    evaluated) — a failed or skipped workbook is never written.
    """
    book = Path(path)
    target = _target(book, Path(out_dir) if out_dir is not None else None)
    try:
        return _update(book, target, source, dry_run)
    except XlcompError as exc:
        text = str(exc)
        if text.startswith(f"{book}: "):
            text = text[len(str(book)) + 2 :]
        return BookResult(str(book), FAILED, message=text)
    except Exception as exc:  # one broken workbook must not stop the others
        return BookResult(str(book), FAILED, message=f"internal error: {type(exc).__name__}: {exc}")


class _NotNegotiationError(Exception):
    pass


def _tables(book: Any) -> tuple[Any, Any]:
    from xlcomp.table_rows import read_table_rows

    found = {}
    for name, required in (("Bands", BAND_REQUIRED), ("Levels", LEVEL_COLUMNS)):
        try:
            rows = read_table_rows(book, name, looks_like_row)
        except WorkbookError:
            raise _NotNegotiationError(f"not a negotiation workbook: no table {name}") from None
        header = {_header_key(h) for h in rows.header}
        missing = [c for c in required if c not in header]
        if missing:
            raise _NotNegotiationError(
                f"not a negotiation workbook: the table {name} has no {', '.join(missing)} column"
            )
        found[name] = rows
    return found["Bands"], found["Levels"]


def _update(book: Path, target: Path, source: Source, dry_run: bool) -> BookResult:
    from xlcomp.ooxml import open_workbook, write_package
    from xlcomp.refresh import recalculate, store_values
    from xlcomp.refresh.book import read_book
    from xlcomp.table_rows import replace_table_rows

    pkg = open_workbook(book)
    before = read_book(pkg)
    try:
        bands_now, levels_now = _tables(before)
    except _NotNegotiationError as exc:
        return BookResult(str(book), SKIPPED, message=str(exc))
    result = BookResult(str(book), UNCHANGED, target=str(target))
    old_bands, _ = parse_bands([bands_now.header, *bands_now.rows])
    old_levels, _ = parse_levels([levels_now.header, *levels_now.rows])
    result.bands_changed, result.bands_added, result.bands_removed = band_changes(
        old_bands, source.bands
    )
    new_band_rows = _written_rows(bands_now.header, map(_band_record, source.bands.bands))
    edits: list[tuple[Any, list[list[object]], int | None]] = []
    if bands_now.below or _normal(new_band_rows) != _normal(bands_now.rows):
        comp: int | None = [_header_key(h) for h in bands_now.header].index("component")
        edits.append((bands_now, new_band_rows, comp))
    if source.levels is not None:
        result.levels_added, result.levels_removed = level_changes(old_levels, source.levels)
        records: list[dict[str, object]] = [
            {"company": e.company, "level": e.level, "rung": e.rung} for e in source.levels.entries
        ]
        new_level_rows = _written_rows(levels_now.header, records)
        if levels_now.below or _normal(new_level_rows) != _normal(levels_now.rows):
            edits.append((levels_now, new_level_rows, None))
    for now in (bands_now, levels_now):
        if now.below:
            result.notes.append(
                f"{now.below} row(s) typed below the table {now.table.name} were read as its rows"
            )
    if not edits:
        if not dry_run and target != book:
            from xlcomp.ooxml import atomic_write_bytes

            atomic_write_bytes(target, pkg.original_bytes or book.read_bytes())
        return result
    watched = watched_cells(before)
    # The edits are made table by table; each needs the sheet as the previous one left it.
    for current, rows, comp in edits:
        fresh = read_book(pkg)
        again = next(t for t in fresh.tables if t.name.casefold() == current.table.name.casefold())
        from xlcomp.table_rows import TableRows

        sheet = next(s for s in fresh.sheets if s.index == again.sheet)
        now = TableRows(again, sheet, current.header, current.rows, current.below)
        replace_table_rows(pkg, fresh, now, [list(r) for r in rows], _kind(comp))  # type: ignore[arg-type]
    recalc = recalculate(read_book(pkg))
    if recalc.failures:
        first = recalc.failures[0]
        more = f" (+{len(recalc.failures) - 1} more)" if len(recalc.failures) > 1 else ""
        return BookResult(
            str(book), FAILED, message=f"cannot evaluate {first}{more}; the workbook is not written"
        )
    store_values(recalc)
    result.candidate = _candidate(before, recalc.book, recalc.values, watched, source.bands)
    result.status = UPDATED
    if not dry_run:
        write_package(pkg, target)
    return result


def _candidate(
    before: Any,
    after: Any,
    results: dict[int, dict[tuple[int, int], Any]],
    watched: list[Watched],
    bands: BandTable,
) -> list[Change]:
    out: list[Change] = []
    for name, what in (("offer_region", "region"), ("offer_level", "level")):
        place = _named_cell(before, name)
        if place is None:
            continue
        from xlcomp.refresh.parser import col_letters

        sheet, row, col = place
        value = _cell_value(before, Watched(what, sheet, row, col, "text", ""), None)
        known = bands.regions() if what == "region" else sorted({b.level for b in bands.bands})
        if isinstance(value, str) and value.strip() and key(value) not in {key(k) for k in known}:
            cell = f"{before.sheet_names[sheet]}!{col_letters(col)}{row}"
            out.append(
                Change(f"{what} {value!r} no longer in the bands: {cell}", what, value, None, cell)
            )
    for w in watched:
        old = _cell_value(before, w, None)
        new = _cell_value(after, w, results)
        if not _same(old, new, w.kind):
            text = f"{w.label} {_show(old, w.kind)} → {_show(new, w.kind)}"
            out.append(Change(text, w.label, old, new, w.cell))
    return out


# --- many workbooks -------------------------------------------------------------------


def expand_books(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The workbooks named: files as given, a folder as its ``.xlsx``/``.xlsm`` files
    (sorted; Office lock files ``~$…`` and hidden files left out). Raises
    :class:`WorkbookError` for a path that does not exist."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.suffix.lower() in BOOK_SUFFIXES
                    and f.is_file()
                    and not f.name.startswith(("~$", "."))
                )
            )
        elif p.exists():
            out.append(p)
        else:
            raise WorkbookError(f"{p}: no such file or folder")
    return out


def plan_targets(books: Sequence[Path], out_dir: Path | None) -> None:
    """Refuse, before anything is written, an output that would be an input or two
    outputs at one path. Raises :class:`WorkbookError`."""
    if out_dir is None:
        return
    if out_dir.exists() and not out_dir.is_dir():
        raise WorkbookError(f"{out_dir}: -o names a folder, and this is a file")
    seen: dict[str, Path] = {}
    for book in books:
        target = out_dir / book.name
        same = target.resolve() == book.resolve()
        if not same and target.exists():
            try:
                same = os.path.samefile(target, book)
            except OSError:
                same = False
        if same:
            raise WorkbookError(
                f"{book}: -o {out_dir} would write over this workbook; give another folder, "
                "or leave out -o to update it in place"
            )
        k = os.path.normcase(book.name)
        if k in seen:
            raise WorkbookError(
                f"{book} and {seen[k]} would both be written to {target}; update them into "
                "separate folders"
            )
        seen[k] = book


def update_books(
    books: Sequence[str | os.PathLike[str]],
    source: Source,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    dry_run: bool = False,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[BookResult]:
    """Update every workbook of ``books`` (files or folders), ``jobs`` at a time in separate
    processes; the results in the order of the books. ``progress(done, total)`` is called
    as workbooks finish. Raises :class:`WorkbookError` before anything is written when an
    output would overwrite an input."""
    paths = expand_books(books)
    out = Path(out_dir) if out_dir is not None else None
    plan_targets(paths, out)
    if out is not None and not dry_run:
        try:
            out.mkdir(exist_ok=True)
        except OSError as exc:
            raise WorkbookError(
                f"{out}: cannot create the folder ({exc.strerror or exc})"
            ) from None
    total = len(paths)
    results: list[BookResult | None] = [None] * total
    if progress:
        progress(0, total)
    if jobs <= 1 or total <= 1:
        for i, p in enumerate(paths):
            results[i] = update_book(p, source, out, dry_run=dry_run)
            if progress:
                progress(i + 1, total)
        return [r for r in results if r is not None]
    _warm_up()
    done = 0
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures: dict[Future[BookResult], int] = {
            pool.submit(update_book, p, source, out, dry_run=dry_run): i
            for i, p in enumerate(paths)
        }
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                results[i] = BookResult(str(paths[i]), FAILED, message=f"the worker stopped: {exc}")
            done += 1
            if progress:
                progress(done, total)
    return [r for r in results if r is not None]


def _warm_up() -> None:
    """Import the engine and the worksheet functions once, before the workers fork from
    this process, so that no worker pays for them again."""
    import importlib

    from xlcomp.refresh.functions import default_udfs

    for module in ("xlcomp.refresh", "xlcomp.table_rows", "xlcomp.ooxml"):
        importlib.import_module(module)
    default_udfs()


def summary(results: Sequence[BookResult], dry_run: bool = False) -> str:
    """One line: how many workbooks were updated, unchanged, skipped, failed."""
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    n = len(results)
    verb = "would be updated" if dry_run else "updated"
    line = (
        f"{n} workbook{'s' * (n != 1)}: {counts[UPDATED]} {verb}, {counts[UNCHANGED]} unchanged, "
        f"{counts[SKIPPED]} skipped, {counts[FAILED]} failed"
    )
    return line + (" (dry run: nothing written)" if dry_run else "")


def to_json(source: Source, results: Sequence[BookResult], dry_run: bool = False) -> str:
    """The whole run for scripts: source, each workbook's report, the counts."""
    data = {
        "source": source.origin,
        "dry_run": dry_run,
        "notes": list(source.notes),
        "books": [r.to_dict() for r in results],
        "summary": {s: sum(r.status == s for r in results) for s in STATUSES},
    }
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


__all__ = [
    "BookResult",
    "Change",
    "Source",
    "band_changes",
    "expand_books",
    "level_changes",
    "load_source",
    "plan_targets",
    "summary",
    "to_json",
    "update_book",
    "update_books",
    "watched_cells",
]
