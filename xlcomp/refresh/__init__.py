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
are listed in the report with their sheet and cell.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlcomp.errors import WorkbookError
from xlcomp.ooxml import Package, open_workbook, write_package
from xlcomp.refresh.book import Book, read_book
from xlcomp.refresh.compiler import CellStore, Compiler
from xlcomp.refresh.evaluate import evaluate
from xlcomp.refresh.functions import default_udfs
from xlcomp.refresh.graph import CellKey, DependencyGraph, Failure, build_graph
from xlcomp.refresh.patch import drop_full_calc_on_load, patch_sheet

__all__ = [
    "CellKey",
    "DependencyGraph",
    "Failure",
    "Recalculation",
    "RefreshReport",
    "dependency_graph",
    "recalculate",
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

    def value(self, key: CellKey) -> Any:
        """The value of one cell (``EMPTY`` for a cell the file does not hold)."""
        from xlcomp.refresh.values import EMPTY

        s, r, c = key
        return self.values.get(s, {}).get((r, c), EMPTY)


def _udfs(functions: Functions | None) -> dict[str, Callable[..., Any]]:
    chosen = functions if functions is not None else default_udfs()
    return {k.upper(): v for k, v in chosen.items()}


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
    return build_graph(book, Compiler(book, _udfs(functions), store))


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
    book = package if isinstance(package, Book) else _read(package)
    store = CellStore(book)
    graph = build_graph(book, Compiler(book, _udfs(functions), store))
    run = evaluate(graph, store, progress)
    return Recalculation(book, store.values, run.results, graph, run.failures, run.computed)


def store_values(recalc: Recalculation) -> int:
    """Write ``recalc``'s results into its package's sheet parts; cells changed.

    Only cells whose value changes are rewritten; the workbook part loses
    ``fullCalcOnLoad`` so that viewers show the stored values. The package is changed in
    memory: save it with :func:`xlcomp.ooxml.write_package`. The book's byte spans no
    longer match the parts afterwards: read the package again to edit it further.
    """
    book = recalc.book
    pkg = book.package
    changed = 0
    for sheet in book.sheets:
        results = recalc.results.get(sheet.index)
        if not results:
            continue
        xml, n = patch_sheet(sheet, results)
        if n:
            pkg.parts[sheet.part] = xml
            changed += n
    wb = pkg.parts[book.workbook_part]
    new_wb = drop_full_calc_on_load(wb)
    if new_wb != wb:
        pkg.parts[book.workbook_part] = new_wb
    return changed


@dataclass
class RefreshReport:
    """What a refresh did: formulas computed, cells changed, formulas that failed."""

    path: Path
    computed: int
    changed: int
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every formula was evaluated."""
        return not self.failed

    def summary(self) -> str:
        """One line for the end of a command."""
        line = (
            f"{self.path}: {self.computed} formulas computed, {self.changed} cells "
            f"updated in {self.seconds:.2f} s"
        )
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
    start = time.perf_counter()
    target = Path(out) if out is not None else Path(src)
    pkg = open_workbook(src)
    recalc = recalculate(pkg, functions=functions, progress=progress)
    changed = store_values(recalc)
    write_package(pkg, target)
    return RefreshReport(
        path=target,
        computed=recalc.computed,
        changed=changed,
        failed=list(recalc.failures),
        seconds=time.perf_counter() - start,
    )
