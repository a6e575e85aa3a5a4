"""Recalculate a workbook without Excel and store the results as cached values.

``refresh_workbook("offer.xlsx")`` reads the package, evaluates every formula — Excel's
own functions through the ``formulas`` library and our worksheet functions from
``xlcomp.udfs`` — and writes the values into the sheet XML in place of the old cached
ones. Every other part of the package (styles, charts, images, comments, macros, xlwings
Lite code, names, tables, validations) is copied byte for byte, and the file is replaced
atomically. Formulas that cannot be evaluated keep their old values and are listed in
the report with their sheet and cell.
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
from xlcomp.ooxml import open_workbook, write_package
from xlcomp.refresh.book import Book, read_book
from xlcomp.refresh.engine import Engine, Failure
from xlcomp.refresh.functions import calls_other_functions, default_udfs
from xlcomp.refresh.patch import drop_full_calc_on_load, patch_sheet

__all__ = ["Failure", "RefreshReport", "refresh_workbook"]


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
            gc.enable()


def _refresh(
    src: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    progress: Callable[[int, int], None] | None,
    functions: Mapping[str, Callable[..., Any]] | None,
    start: float,
) -> RefreshReport:
    target = Path(out) if out is not None else Path(src)
    pkg = open_workbook(src)
    try:
        book = read_book(pkg)
    except WorkbookError as exc:
        if str(src) in str(exc):
            raise
        raise type(exc)(f"{src}: {exc}") from None
    if functions is None:
        # Our worksheet functions (and xlwings, pydantic, the core behind them) are
        # imported only for a workbook that calls a function formulas does not hold.
        functions = default_udfs() if calls_other_functions(_formula_texts(book)) else {}
    udfs = {k.upper(): v for k, v in functions.items()}
    engine = Engine(book, udfs)
    engine.run(progress)
    changed = 0
    for sheet in book.sheets:
        results = engine.results.get(sheet.index)
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
    write_package(pkg, target)
    return RefreshReport(
        path=target,
        computed=engine.computed,
        changed=changed,
        failed=list(engine.failures),
        seconds=time.perf_counter() - start,
    )


def _formula_texts(book: Book) -> Iterator[str]:
    """The text of every formula of ``book``: cells, then defined names."""
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.formula:
                yield cell.formula
    for name in book.names:
        yield name.text
