"""``xlcomp check``: every problem of a workbook's Bands and Levels tables, with its cell.

A recruiter edits the tables of a workbook built from the template; ``check`` reads
them back and reports each problem as ``Sheet!Cell: message``, all of them at once:

    Bands!D5: San Francisco / Senior SWE (Together AI) published tc 222,000–312,000 is
    12.4% below / 14.9% below the range derived from its components (253,500–366,750)

The file is opened with :func:`xlcomp.ooxml.open_workbook` (limits, no DTDs, a real
workbook part) and its XML parsed with :func:`xlcomp.ooxml.parse`. The tables are found
by name (the Excel tables ``Bands`` and ``Levels``, on any sheet;
failing that, a sheet of that name read from A1). Their cells are read with openpyxl in
read-only mode (cached values, so a cell holding a formula counts as its result), then
checked by the same core the worksheet functions use: ``parse_bands`` +
``check_bands`` (CHECKBANDS) and ``parse_levels``, plus one check of the levels' own:
a company's level on two different rungs, which makes LEVELMAP fail. Each problem's row
and column become the cell: row *r* of a table whose header sits in sheet row *h* is
sheet row *h + r*.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from xlcomp.core.check import check_bands
from xlcomp.core.models import GuideData, key
from xlcomp.core.tables import (
    BAND_COLUMNS,
    LEVEL_COLUMNS,
    looks_like_row,
    parse_bands,
    parse_levels,
)
from xlcomp.errors import DataError, Problem, WorkbookError
from xlcomp.ooxml import Package, open_workbook, parse, relationships, workbook_sheets

_ROW_MENTION = re.compile(r"\b(bands|levels) row (\d+)")


@dataclass(frozen=True)
class Finding:
    """One problem, at its place in the workbook."""

    sheet: str
    cell: str
    table: str
    message: str
    warning: bool = False
    """True when no function fails because of it (published tc off its components)."""

    def __str__(self) -> str:
        return f"{_sheet_ref(self.sheet)}!{self.cell}: {self.message}"


@dataclass(frozen=True)
class TablePlace:
    """Where a table's cells are: its sheet and range (header row included)."""

    name: str
    sheet: str
    ref: str
    header: bool = True
    totals: int = 0
    below: int = 0
    """Rows typed directly under the table that look like its rows, read as its own."""
    position: int = 0
    """The sheet's place among the workbook's sheets (problems are listed in that order)."""

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """(min_col, min_row, max_col, max_row) of the header and data rows."""
        min_col, min_row, max_col, max_row = range_boundaries(self.ref)
        assert min_col and min_row and max_col and max_row
        return min_col, min_row, max_col, max_row - self.totals + self.below


@dataclass(frozen=True)
class Report:
    """What ``check`` found in one workbook."""

    book: str
    tables: dict[str, TablePlace]
    rows: dict[str, int]
    findings: list[Finding]

    def to_json(self) -> str:
        """The report as JSON: the tables checked and every problem."""
        data: dict[str, Any] = {
            "book": self.book,
            "tables": {
                name: {"sheet": t.sheet, "ref": t.ref, "rows": self.rows[name]}
                | ({"below": t.below} if t.below else {})
                for name, t in self.tables.items()
            },
            "problems": [asdict(f) for f in self.findings],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)

    def summary(self) -> str:
        """One line: what was checked and how many problems."""
        parts = [
            f"{name} ({self.rows[name]} rows"
            + (
                f", {t.below} of them typed below the table and read as its own; "
                "`xlcomp update BOOK --from BOOK` grows the table over them"
                if t.below
                else ""
            )
            + ")"
            for name, t in self.tables.items()
        ]
        count = len(self.findings)
        found = "no problems" if not count else f"{count} problem{'s' * (count != 1)}"
        return f"{self.book}: {' and '.join(parts)}: {found}"


def _sheet_ref(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _xml(pkg: Package, part: str) -> Element:
    if part not in pkg.parts:
        raise WorkbookError(f"{pkg.path}: part {part} is missing")
    root: Element = parse(pkg.parts[part], part=part, source=pkg.path)
    return root


def find_tables(pkg: Package) -> dict[str, TablePlace]:
    """Every Excel table of the workbook by its case-folded name (through the package
    model: relationships, Transitional or Strict)."""
    tables: dict[str, TablePlace] = {}
    for sheet in workbook_sheets(pkg):
        name = sheet.name
        if sheet.part is None:
            continue
        for rel in relationships(pkg, sheet.part):
            target = rel.target
            if rel.external or rel.kind != "table" or target not in pkg.parts:
                continue
            table = _xml(pkg, target)
            table_name = table.get("displayName") or table.get("name") or ""
            ref = table.get("ref")
            if not table_name or not ref:
                continue
            tables[key(table_name)] = TablePlace(
                name=table_name,
                sheet=name,
                ref=ref,
                header=table.get("headerRowCount", "1") != "0",
                totals=int(table.get("totalsRowCount", "0") or 0),
            )
    return tables


def _read_rows(
    wb: Any, place: TablePlace | None, sheet_name: str
) -> tuple[TablePlace, list[tuple[object, ...]]]:
    if place is not None:
        ws = wb[place.sheet]
        min_col, min_row, max_col, max_row = place.bounds
        rows = list(
            ws.iter_rows(
                min_row=min_row,
                max_row=max_row,
                min_col=min_col,
                max_col=max_col,
                values_only=True,
            )
        )
        below = 0
        if not place.totals:  # rows typed under the table (LibreOffice does not grow it)
            for row in ws.iter_rows(
                min_row=max_row + 1, min_col=min_col, max_col=max_col, values_only=True
            ):
                if not looks_like_row(row):
                    break
                rows.append(tuple(row))
                below += 1
        if below:
            place = replace(place, below=below)
        return place, rows
    ws = wb[sheet_name]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((i + 1 for r in rows for i, v in enumerate(r) if v is not None), default=1)
    rows = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows]
    ref = f"A1:{get_column_letter(width)}{max(len(rows), 1)}"
    return TablePlace(name=sheet_name, sheet=sheet_name, ref=ref), rows


def _header_index(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> dict[str, int]:
    """Column name -> index in the rows, from the header (or the template order)."""
    if rows:
        header = [
            "_".join(v.replace("_", " ").split()).casefold() if isinstance(v, str) else ""
            for v in rows[0]
        ]
        found = {h: i for i, h in reversed(list(enumerate(header))) if h}
        if any(c in found for c in columns):
            return found
    return {c: i for i, c in enumerate(columns)}


def _message(text: str, place: TablePlace, row_of: int) -> str:
    """The core's message with table-relative rows turned into sheet rows."""
    lead = re.match(r"^(bands|levels) row \d+: ", text)
    if lead:
        text = text[lead.end() :]
    elif text.startswith(("has ", "is ")):
        text = f"the table {place.name} {text}"
    return _ROW_MENTION.sub(lambda m: f"row {row_of + int(m.group(2)) - 1}", text)


def locate(
    problems: list[Problem],
    place: TablePlace,
    rows: Sequence[Sequence[object]],
    columns: Sequence[str],
) -> list[Finding]:
    """Each problem at its cell: ``Problem.row`` counts from the table's first row."""
    min_col, min_row, max_col, max_row = place.bounds
    index = _header_index(rows, columns)
    first, last = get_column_letter(min_col), get_column_letter(max_col)
    out = []
    for p in problems:
        if p.row is None:
            cell = f"{first}{min_row}:{last}{max_row}"
        else:
            sheet_row = min_row + p.row
            col = index.get(p.column) if p.column else None
            if col is None:
                cell = f"{first}{sheet_row}:{last}{sheet_row}"
            else:
                cell = f"{get_column_letter(min_col + col)}{sheet_row}"
        message = _message(p.message, place, min_row)
        out.append(Finding(place.sheet, cell, place.name, message, p.warning))
    return out


def _cell_order(finding: Finding) -> tuple[int, int]:
    """(row, column) of a finding's first cell: ``D5`` -> (5, 4); ``A5:H5`` -> (5, 1)."""
    m = re.match(r"([A-Z]+)(\d+)", finding.cell)
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def in_sheet_order(findings: list[Finding], places: dict[str, TablePlace]) -> list[Finding]:
    """Findings sorted by sheet (the workbook's order), row, then column; stable."""
    position = {t.sheet: t.position for t in places.values()}
    return sorted(findings, key=lambda f: (position.get(f.sheet, 0), *_cell_order(f)))


def level_rung_problems(rows: Sequence[Sequence[object]]) -> list[Problem]:
    """A company's level listed on two different rungs (LEVELMAP cannot choose)."""
    table, _ = parse_levels(rows)
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    problems = []
    for e in table.entries:
        k = (key(e.company), key(e.level))
        if k not in seen:
            seen[k] = (e.rung, e.row or 0)
            continue
        rung, row = seen[k]
        if key(rung) != key(e.rung):
            problems.append(
                Problem(
                    f"levels row {(e.row or 0) + 1}: {e.company} {e.level} is on rung "
                    f"{e.rung!r} here and on rung {rung!r} in levels row {row + 1}",
                    row=e.row,
                    column="rung",
                    other_row=row,
                )
            )
    return problems


def read_tables(
    path: str | Path,
) -> tuple[dict[str, TablePlace], dict[str, list[tuple[object, ...]]]]:
    """Where the Bands and Levels tables of the workbook at ``path`` are, and their rows."""
    pkg = open_workbook(path)
    # Every XML part through the hardened parser before openpyxl reads any of them.
    for name in list(pkg.parts):
        if name.endswith((".xml", ".rels")):
            try:
                parse(pkg.parts[name], part=name, source=path)
            except WorkbookError as exc:
                raise type(exc)(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    tables = find_tables(pkg)
    # openpyxl reads Transitional only: a Strict file is handed over as normalised.
    data = pkg.original_bytes if pkg.original_bytes and not pkg.strict else pkg.to_bytes()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken parts
        raise WorkbookError(f"{path}: cannot read the workbook ({exc})") from None
    try:
        places: dict[str, TablePlace] = {}
        all_rows: dict[str, list[tuple[object, ...]]] = {}
        for name in ("Bands", "Levels"):
            place = tables.get(key(name))
            if place is None and name not in wb.sheetnames:
                raise WorkbookError(f"{path}: no table named {name} (and no sheet {name})")
            try:
                found, all_rows[name] = _read_rows(wb, place, name)
                places[name] = replace(found, position=wb.sheetnames.index(found.sheet))
            except WorkbookError:
                raise
            except Exception as exc:
                raise WorkbookError(f"{path}: cannot read the table {name} ({exc})") from None
    finally:
        wb.close()
    return places, all_rows


def check_workbook(path: str | Path, tolerance: float = 0.05) -> Report:
    """Read the Bands and Levels tables of the workbook at ``path`` and check them."""
    places, all_rows = read_tables(path)
    bands_rows, levels_rows = all_rows["Bands"], all_rows["Levels"]
    band_table, read_problems = parse_bands(bands_rows)
    findings = locate(
        check_bands(band_table, read_problems, tolerance),
        places["Bands"],
        bands_rows,
        BAND_COLUMNS,
    )
    level_table, level_problems = parse_levels(levels_rows)
    findings += locate(
        level_problems + level_rung_problems(levels_rows),
        places["Levels"],
        levels_rows,
        LEVEL_COLUMNS,
    )
    counts = {"Bands": len(band_table.bands), "Levels": len(level_table.entries)}
    return Report(str(path), places, counts, in_sheet_order(findings, places))


def guide_from_workbook(path: str | Path, base: GuideData) -> GuideData:
    """``base`` with its bands and levels replaced by the tables of the workbook at ``path``.

    A recruiter who edited the tables of a shared workbook rebuilds the template from it
    (``xlcomp build --data edited.xlsx``). The tables must read cleanly (the problems of
    ``check`` that stop a function, each with its cell, in one error); the guide's text,
    levers and sources come from ``base``. When the scenario's region or level is not in
    the new bands, the scenario moves to the first band's region and level.
    """
    places, rows = read_tables(path)
    bands, band_problems = parse_bands(rows["Bands"])
    levels, level_problems = parse_levels(rows["Levels"])
    findings = locate(band_problems, places["Bands"], rows["Bands"], BAND_COLUMNS)
    findings += locate(level_problems, places["Levels"], rows["Levels"], LEVEL_COLUMNS)
    if findings:
        more = f" (+{len(findings) - 1} more; run xlcomp check)" if len(findings) > 1 else ""
        raise DataError(f"{path}: cannot use its tables: {findings[0]}{more}")
    scenario = base.scenario
    if not bands.matching(scenario.region, scenario.level, "base"):
        first = bands.bands[0]
        scenario = scenario.model_copy(update={"region": first.region, "level": first.level})
    return base.model_copy(update={"bands": bands, "levels": levels, "scenario": scenario})
