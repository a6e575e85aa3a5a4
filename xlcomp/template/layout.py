"""Small layout helpers shared by the sheet modules: headings, notes, validations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from xlcomp.template import styles


def span(first: str, last: str) -> list[str]:
    """The column letters from ``first`` to ``last``."""
    a, b = column_index_from_string(first), column_index_from_string(last)
    return [get_column_letter(i) for i in range(a, b + 1)]


def heading(
    ws: Worksheet,
    row: int,
    text: str,
    first: str = "A",
    last: str = "G",
    style: str = styles.HEADING_2,
) -> None:
    """A section heading in ``first``, its underline across to ``last``."""
    for col in span(first, last):
        ws[f"{col}{row}"].style = style
    ws[f"{first}{row}"].value = text
    ws.row_dimensions[row].height = 21 if style == styles.HEADING_2 else None


def note(
    ws: Worksheet,
    row: int,
    text: str,
    first: str = "A",
    last: str = "G",
    widths: Mapping[str, float] | None = None,
    last_row: int | None = None,
) -> None:
    """An explanatory note merged across ``first:last``, its row made tall enough."""
    coord = f"{first}{row}"
    styles.put(ws, coord, text, styles.NOTE)
    end = f"{last}{last_row or row}"
    if end != coord:
        ws.merge_cells(f"{coord}:{end}")
    if widths and last_row is None:
        width = sum(widths.get(c, 8.43) for c in span(first, last))
        styles.fit_row(ws, row, [(text, width)], size=10)


def header_row(ws: Worksheet, row: int, first: str, labels: Sequence[object]) -> None:
    """Column headers from ``first`` rightwards."""
    start = column_index_from_string(first)
    for i, label in enumerate(labels):
        styles.put(ws, f"{get_column_letter(start + i)}{row}", label, styles.HEADER)


def list_validation(ws: Worksheet, source: str, cells: str, what: str) -> DataValidation:
    """A drop-down of ``source`` (a defined name) on ``cells``."""
    dv = DataValidation(
        type="list",
        formula1=source,
        allow_blank=False,
        showDropDown=False,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=f"Unknown {what}",
        error=f"Pick a {what} from the list (it comes from the tables).",
        promptTitle=what.capitalize(),
        prompt=f"Pick a {what} from the list.",
    )
    for ref in cells.split():
        dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def rate_validation(ws: Worksheet, cells: str, what: str) -> DataValidation:
    """Only a rate from 0 to 100 %: stops a 15 that means 15 % becoming 1,500 %."""
    dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{what.capitalize()} is a percent",
        error=f"Enter {what} as a percent: 15% (or 0.15), not 15.",
    )
    for ref in cells.split():
        dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def amount_validation(ws: Worksheet, cells: str) -> DataValidation:
    """Only a number of zero or more."""
    dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="An amount",
        error="Enter an amount of zero or more, e.g. 240000.",
    )
    for ref in cells.split():
        dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def array_formula(
    ws: Worksheet, ref: str, formula: str, style: str, fmts: Sequence[str] | None = None
) -> None:
    """An array formula over ``ref`` (its declared extent), every cell styled.

    ``fmts`` gives the number formats cell by cell in row order, repeating when shorter.
    """
    first = ref.split(":")[0]
    ws[first] = ArrayFormula(ref, formula)
    grid = ws[ref] if ":" in ref else ((ws[ref],),)
    cells = [cell for row in grid for cell in row]
    for i, cell in enumerate(cells):
        cell.style = style
        if fmts:
            cell.number_format = fmts[i % len(fmts)]
