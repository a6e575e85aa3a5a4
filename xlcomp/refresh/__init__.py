"""Recalculate a workbook without Excel and store the results as cached values.

The engine runs in four steps, one module each: :mod:`~xlcomp.refresh.parser` (formula
text -> syntax tree, once per formula shape), :mod:`~xlcomp.refresh.compiler` (tree ->
Python closures over the cell values), :mod:`~xlcomp.refresh.graph` (formula cells and
what they read, in evaluation order) and :mod:`~xlcomp.refresh.evaluate` (run the graph).
Commands use only this module's face:

* :func:`recalculate` — a package in, a :class:`Recalculation` out: the book, every
  cell's value after recalculation, the formulas' results, the dependency graph and the
  formulas that failed. Nothing is written.
* :func:`store_values` — the results written into the package's sheet parts as cached
  values (``fullCalcOnLoad`` dropped); the package is then saved by the caller.
* :func:`dependency_graph` — the graph alone, without evaluating (``share``'s closure
  over the values the file holds).
* :func:`refresh_workbook` — the three above for a file: read, recalculate, store, write.

Excel's own functions come from the ``formulas`` library, our worksheet functions from
``xlcomp.udfs``. Every other part of the package (styles, charts, images, comments,
macros, xlwings Lite code, names, tables, validations) is copied byte for byte, and the
file is replaced atomically. Formulas that cannot be evaluated keep their old values and
are listed in the report with their sheet and cell; so are cells that computed to
an error (``RefreshReport.errors``: ``Offer!B20: #XLCOMP! bonus_pct: 15 looks like a
whole percent``).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlcomp.errors import WorkbookError
from xlcomp.ooxml import Package, open_workbook, write_package
from xlcomp.ooxml.package import PartMap
from xlcomp.refresh.book import Book, read_book, split_range
from xlcomp.refresh.compiler import CellStore, Compiler
from xlcomp.refresh.evaluate import evaluate
from xlcomp.refresh.functions import calls_other_functions, default_udfs
from xlcomp.refresh.graph import CellKey, DependencyGraph, Failure, build_graph
from xlcomp.refresh.parser import cell_name
from xlcomp.refresh.patch import (
    drop_full_calc_on_load,
    patch_sheet_pieces,
    set_full_calc_on_load,
)
from xlcomp.refresh.values import is_error

__all__ = [
    "CellKey",
    "DependencyGraph",
    "ErrorCell",
    "Failure",
    "Recalculation",
    "RefreshReport",
    "dependency_graph",
    "error_cells",
    "recalculate",
    "refresh_with_values",
    "refresh_workbook",
    "store_values",
]

Functions = Mapping[str, Callable[..., Any]]


@dataclass
class Recalculation:
    """A workbook recalculated in memory.

    ``values[sheet index][(row, column)]`` is every cell's value after recalculation
    (the file's cached value for cells without a formula and for formulas that failed);
    ``results`` the same for the formulas computed only; ``graph`` the dependency graph
    the evaluation ran; ``failures`` every formula that could not be evaluated;
    ``computed`` how many formulas were.
    """

    book: Book
    values: dict[int, dict[tuple[int, int], Any]]
    results: dict[int, dict[tuple[int, int], Any]]
    graph: DependencyGraph
    failures: list[Failure]
    computed: int
    spills: dict[CellKey, tuple[int, int, int, int]] = field(default_factory=dict)

    def value(self, key: CellKey) -> Any:
        """The value of one cell (``EMPTY`` for a cell the file does not hold)."""
        from xlcomp.refresh.values import EMPTY

        s, r, c = key
        return self.values.get(s, {}).get((r, c), EMPTY)


def _udfs(functions: Functions | None, book: Book) -> dict[str, Callable[..., Any]]:
    if functions is None:
        # Our worksheet functions (and xlwings, pydantic, the core behind them) are
        # imported only for a workbook that calls a function formulas does not hold.
        functions = default_udfs() if calls_other_functions(_formula_texts(book)) else {}
    return {k.upper(): v for k, v in functions.items()}


def _read(pkg: Package) -> Book:
    """The book of ``pkg``; an error names the file."""
    try:
        return read_book(pkg)
    except WorkbookError as exc:
        where = str(pkg.path)
        if where in str(exc):
            raise
        raise type(exc)(f"{where}: {exc}") from None


def dependency_graph(book: Book, *, functions: Functions | None = None) -> DependencyGraph:
    """The formulas of ``book`` compiled and ordered, without evaluating them."""
    store = CellStore(book)
    return build_graph(book, Compiler(book, _udfs(functions, book), store))


def recalculate(
    package: Package | Book,
    *,
    functions: Functions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Recalculation:
    """Evaluate every formula of ``package`` (or of a book already read from one).

    ``functions`` replaces the worksheet functions registered by name (default:
    ``xlcomp.udfs.__all__``); ``progress(done, total)`` is called as formulas are
    evaluated. Raises :class:`~xlcomp.errors.WorkbookError` when the package cannot be
    read; formulas that cannot be evaluated are listed in ``failures``.
    """
    with _collector_paused():
        book = package if isinstance(package, Book) else _read(package)
        store = CellStore(book)
        compiler = Compiler(book, _udfs(functions, book), store)
        graph = build_graph(book, compiler)
        run = evaluate(graph, store, progress)
        for _ in range(3):
            # A dynamic array that spilled past the range the file stored: the cells it
            # filled are inputs of other formulas too. Order again with the real ranges.
            grown = {
                (n.sheet, n.row, n.col): run.spills[(n.sheet, n.row, n.col)]
                for n in graph.nodes
                if n.dynamic and run.spills.get((n.sheet, n.row, n.col), n.spill) != n.spill
            }
            if not grown:
                break
            store.range_cache.clear()
            graph = build_graph(book, compiler, {**run.spills, **grown})
            run = evaluate(graph, store, progress)
        return Recalculation(
            book, store.values, run.results, graph, run.failures, run.computed, run.spills
        )


def store_values(recalc: Recalculation) -> int:
    """Write ``recalc``'s results into its package's sheet parts; cells changed.

    Only cells whose value changes are rewritten; the workbook part loses
    ``fullCalcOnLoad`` so that viewers show the stored values, or gets it when any
    formula could not be computed, so that Excel recalculates those on open. The package
    is changed in memory: save it with :func:`xlcomp.ooxml.write_package`. The book's byte spans no
    longer match the parts afterwards: read the package again to edit it further.
    """
    book = recalc.book
    pkg = book.package
    changed = 0
    for sheet in book.sheets:
        results = recalc.results.get(sheet.index)
        if not results:
            continue
        refs = {}
        for (s, r, c), (r1, c1, r2, c2) in recalc.spills.items():
            anchor = sheet.cells.get((r, c)) if s == sheet.index else None
            if anchor is None:
                continue
            ref = cell_name(r1, c1) + (f":{cell_name(r2, c2)}" if (r1, c1) != (r2, c2) else "")
            if (anchor.fref or "").replace("$", "").upper() != ref:
                refs[(r, c)] = ref
        pieces, n = patch_sheet_pieces(sheet, results, refs)
        if n:
            if isinstance(pkg.parts, PartMap):
                pkg.parts.set_pieces(sheet.part, pieces)
            else:
                pkg.parts[sheet.part] = b"".join(pieces)
            changed += n
    wb = pkg.parts[book.workbook_part]
    # Cells left uncomputed keep stale values: Excel must recalculate them on open.
    new_wb = set_full_calc_on_load(wb) if recalc.failures else drop_full_calc_on_load(wb)
    if new_wb != wb:
        pkg.parts[book.workbook_part] = new_wb
    return changed


ERROR_PREFIX = "#XLCOMP!"
"""How our worksheet functions' error texts start (``#XLCOMP! bonus_pct: ...``)."""


@dataclass(frozen=True)
class ErrorCell:
    """A cell whose formula computed to an error: ours (``#XLCOMP! ...``) or Excel's."""

    sheet: str
    cell: str
    text: str
    """The error as the cell shows it: ``#DIV/0!`` or ``#XLCOMP! bonus_pct: 15 looks ...``."""

    def __str__(self) -> str:
        return str(Failure(self.sheet, self.cell, self.text))


def error_cells(book: Any, results: Mapping[int, Mapping[tuple[int, int], Any]]) -> list[ErrorCell]:
    """Every computed cell holding an error, in sheet, row, column order.

    ``results`` maps a sheet's index to ``{(row, column): value}`` as the engine computed
    them; an error is an Excel error value or a text starting ``#XLCOMP!``. The ``#N/A``
    that Excel puts in the cells of an array formula beyond the size of its result (the
    Checks sheet's 20 rows for 3 problems) are not errors of the workbook: trailing rows and
    columns of an array formula's range that hold nothing but ``#N/A`` are left out.
    """
    names = {sheet.index: sheet.name for sheet in book.sheets}
    padding = _array_padding(book, results)
    found: list[tuple[int, int, int, str]] = []
    for index, values in results.items():
        for (row, col), value in values.items():
            if type(value) is float:
                continue
            if is_error(value):
                if (index, row, col) in padding:
                    continue
                found.append((index, row, col, str(value)))
            elif isinstance(value, str) and value.startswith(ERROR_PREFIX):
                found.append((index, row, col, value))
    found.sort(key=lambda f: f[:3])
    return [
        ErrorCell(names.get(index, str(index)), cell_name(row, col), text)
        for index, row, col, text in found
    ]


def _array_padding(
    book: Any, results: Mapping[int, Mapping[tuple[int, int], Any]]
) -> set[tuple[int, int, int]]:
    """(sheet, row, column) of the #N/A filling array formulas beyond their results."""
    out: set[tuple[int, int, int]] = set()
    for sheet in book.sheets:
        values = results.get(sheet.index, {})
        for cell in sheet.formula_cells():
            if cell.ftype != "array" or not cell.fref:
                continue
            r1, c1, r2, c2 = split_range(cell.fref)

            def na(r: int, c: int) -> bool:
                v = values.get((r, c))  # noqa: B023 - used within this iteration only
                return is_error(v) and str(v) == "#N/A"

            last_row = r2
            while last_row > r1 and all(na(last_row, c) for c in range(c1, c2 + 1)):
                last_row -= 1
            last_col = c2
            while last_col > c1 and all(na(r, last_col) for r in range(r1, last_row + 1)):
                last_col -= 1
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if r > last_row or c > last_col:
                        out.add((sheet.index, r, c))
    return out


@dataclass
class RefreshReport:
    """What a refresh did: formulas computed, cells changed, formulas that failed, and
    cells that now show an error."""

    path: Path
    computed: int
    changed: int
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[ErrorCell] = field(default_factory=list)
    """Cells whose formula computed to an error (``#XLCOMP! ...``, ``#DIV/0!``)."""

    @property
    def ok(self) -> bool:
        """True when every formula was evaluated (some may have computed to an error)."""
        return not self.failed

    @property
    def clean(self) -> bool:
        """True when every formula was evaluated and none computed to an error."""
        return not self.failed and not self.errors

    def summary(self) -> str:
        """One line for the end of a command."""
        line = (
            f"{self.path}: {self.computed} formulas computed, {self.changed} cells "
            f"updated in {self.seconds:.2f} s"
        )
        if self.errors:
            n = len(self.errors)
            line += f"; {n} cell{'s' * (n != 1)} show{'s' * (n == 1)} an error"
        if self.failed:
            line += f"; {len(self.failed)} could not be evaluated (first: {self.failed[0]})"
        return line


def refresh_workbook(
    src: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> RefreshReport:
    """Recompute every formula of ``src`` and write it to ``out`` (default: in place).

    ``progress(done, total)`` is called as formulas are evaluated. ``functions`` replaces
    the worksheet functions registered by name (default: ``xlcomp.udfs.__all__``).
    Raises :class:`~xlcomp.errors.WorkbookError` when the file cannot be read or written;
    formulas that cannot be evaluated are reported in ``RefreshReport.failed``.
    """
    return refresh_with_values(src, out, progress=progress, functions=functions)[0]


def refresh_with_values(
    src: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> tuple[RefreshReport, Recalculation]:
    """:func:`refresh_workbook`, also giving the recalculation it wrote: every cell's
    value in memory, for a caller that would otherwise read the written file back."""
    start = time.perf_counter()
    with _collector_paused():
        return _refresh(src, out, progress, functions, start)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a refresh runs.

    A refresh allocates an object or more per cell and frees almost nothing until it ends;
    every full collection on the way would walk all of them, find no garbage, and cost
    about a sixth of the run. Reference counting still frees everything acyclic.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the refresh allocated would all sit in the youngest generation: the
            # first collection after it (0.4 s at 50,000 rows) would walk every object.
            # Moved to the oldest generation instead, they wait for a full collection
            # like any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _refresh(
    src: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    progress: Callable[[int, int], None] | None,
    functions: Mapping[str, Callable[..., Any]] | None,
    start: float,
) -> tuple[RefreshReport, Recalculation]:
    target = Path(out) if out is not None else Path(src)
    pkg = open_workbook(src)
    recalc = recalculate(pkg, functions=functions, progress=progress)
    changed = store_values(recalc)
    write_package(pkg, target)
    report = RefreshReport(
        path=target,
        computed=recalc.computed,
        changed=changed,
        failed=list(recalc.failures),
        seconds=time.perf_counter() - start,
        errors=error_cells(recalc.book, recalc.results),
    )
    return report, recalc


def _formula_texts(book: Book) -> Iterator[str]:
    """The text of every formula of ``book``: cells, then defined names."""
    for sheet in book.sheets:
        for cell in sheet.formula_cells():
            if cell.formula:
                yield cell.formula
    for name in book.names:
        yield name.text
