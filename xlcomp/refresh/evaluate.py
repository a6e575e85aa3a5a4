"""Run a dependency graph: every formula evaluated after what it reads.

The last step of recalculation (parse -> compile -> graph -> **evaluate**). Results are
written into the :class:`~xlcomp.refresh.compiler.CellStore` as they are computed, so the
formulas after them read them, and collected by sheet in :attr:`Evaluation.results`.

A formula that cannot be evaluated (a function that raised, or one of formulas'
functions failing) is reported with its sheet and cell and keeps its cached value;
formulas that depend on it are reported too, naming the cell they depend on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import split_range
from xlcomp.refresh.compiler import CellStore, CompileError, EvalError
from xlcomp.refresh.graph import CellKey, DependencyGraph, Failure, FormulaCell, quote_sheet
from xlcomp.refresh.values import DATE1904, EMPTY, ERRORS, NA_ERROR, VALUE_ERROR, scalar

__all__ = ["Evaluation", "evaluate"]

Progress = Callable[[int, int], None]


@dataclass
class Evaluation:
    """What running a graph gave: results by sheet index and (row, column), failures."""

    results: dict[int, dict[tuple[int, int], Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    computed: int = 0
    spills: dict[CellKey, tuple[int, int, int, int]] = field(default_factory=dict)
    """The range each dynamic array formula filled, by anchor cell."""


def evaluate(
    graph: DependencyGraph, store: CellStore, progress: Progress | None = None
) -> Evaluation:
    """Evaluate every formula of ``graph`` in order, writing results into ``store``.

    A run of alike formulas down a column is evaluated as a column when its shape
    compiled to one (:attr:`Compiled.column`), else cell by cell; a run that reads a cell
    that failed, or whose column evaluation raised, is evaluated cell by cell, so every
    cell gets exactly the value or failure it would get alone. ``progress(done, total)``
    is called about 200 times (cells). Failures of the graph itself (formulas not
    compiled, cycles) come first in :attr:`Evaluation.failures`.
    """
    token = DATE1904.set(graph.book.date1904)
    store.columns.clear()  # read again in this graph's order
    try:
        return _run(graph, store, progress)
    finally:
        DATE1904.reset(token)


def _run(graph: DependencyGraph, store: CellStore, progress: Progress | None) -> Evaluation:
    out = Evaluation(failures=list(graph.failures))
    nodes = graph.nodes
    claimed: set[CellKey] = set()
    if any(node.dynamic for node in nodes):  # what a dynamic array may not spill over
        for node in nodes:
            claimed.update(node.cells() if not node.dynamic else [(node.sheet, node.row, node.col)])
    book = graph.book
    failed = _Failed()
    for node in nodes:  # already reported by the graph
        if node.compiled is None:
            failed.add(node, node.cells())
    for i in graph.cyclic:
        failed.add(nodes[i], nodes[i].cells())

    def fail(node: FormulaCell, row: int, reason: str) -> None:
        out.failures.append(
            Failure(book.sheet_names[node.sheet], fx.cell_name(row, node.col), reason)
        )

    total = sum(nodes[i].n for i in graph.order)
    step = max(1, total // 200)
    done = 0
    mark = 0
    for i in graph.order:
        node = nodes[i]
        if node.compiled is None:
            done += node.n
            continue
        if node.n > 1 and not any(id(nodes[d]) in failed.nodes for d in node.deps):
            try:
                _run_column(node, store, out.results)
                out.computed += node.n
            except Exception:  # cell by cell below says which cell and why
                _run_cells(node, store, out, failed, fail, book.sheet_names, claimed)
        else:
            _run_cells(node, store, out, failed, fail, book.sheet_names, claimed)
        done += node.n
        if progress is not None and (done - mark >= step or done == total):
            mark = done
            progress(done, total)
    return out


class _Failed:
    """The cells that failed, indexed for "which failed cell does this rectangle hold"."""

    def __init__(self) -> None:
        self.nodes: set[int] = set()
        self.columns: dict[tuple[int, int], dict[int, tuple[int, int]]] = {}

    def add(self, node: FormulaCell, cells: list[tuple[int, int, int]]) -> None:
        self.nodes.add(id(node))
        anchor = (node.row, node.col)
        for s, r, c in cells:
            self.columns.setdefault((s, c), {})[r] = anchor if node.spill is not None else (r, c)

    def first_in(self, rects: list[tuple[int, int, int, int, int]]) -> tuple[int, int, int] | None:
        """The first (sheet, row, column) of a failed formula inside ``rects``."""
        best: tuple[int, int, int] | None = None
        for s, r1, c1, r2, c2 in rects:
            for (ss, c), rows in self.columns.items():
                if ss != s or not c1 <= c <= c2:
                    continue
                for r, (ar, ac) in rows.items():
                    if r1 <= r <= r2 and (best is None or (s, ar, ac) < best):
                        best = (s, ar, ac)
        return best


def _run_cells(
    node: FormulaCell,
    store: CellStore,
    out: Evaluation,
    failed: _Failed,
    fail: Callable[[FormulaCell, int, str], None],
    sheet_names: list[str],
    claimed: set[CellKey],
) -> None:
    assert node.compiled is not None
    for row in range(node.row, node.row + node.n):
        bad = failed.first_in(node.reads(row)) if failed.columns else None
        if bad is not None:
            s, r, c = bad
            failed.add(node, _cells_at(node, row))
            fail(
                node,
                row,
                f"depends on {quote_sheet(sheet_names[s])}!{fx.cell_name(r, c)}, "
                "which could not be evaluated",
            )
            continue
        try:
            if node.dynamic:
                _spill(node, store, out, claimed)
            else:
                _evaluate(node, row, store, out.results)
            out.computed += 1
        except (EvalError, CompileError) as exc:
            failed.add(node, _cells_at(node, row))
            fail(node, row, str(exc))
        except Exception as exc:  # formulas raised: report, do not crash
            failed.add(node, _cells_at(node, row))
            fail(node, row, f"the engine failed ({type(exc).__name__}: {exc})".rstrip())


def _cells_at(node: FormulaCell, row: int) -> list[tuple[int, int, int]]:
    if node.spill is not None:
        return node.cells()
    return [(node.sheet, row, node.col)]


def _run_column(
    node: FormulaCell, store: CellStore, results: dict[int, dict[tuple[int, int], Any]]
) -> None:
    assert node.compiled is not None
    column = node.compiled.column
    col = node.col
    if column is None:
        fn = node.compiled.fn
        got = [fn(r, col) for r in range(node.row, node.row + node.n)]
    else:
        got = column(node.row, node.n, col)
    if len(got) != node.n:
        raise ValueError(f"a column of {len(got)} values for {node.n} rows")
    if not set(map(type, got)) <= _AS_THEY_ARE:
        got = [_cell_value(v) for v in got]
    keys = list(zip(range(node.row, node.row + node.n), repeat(col)))
    store.values[node.sheet].update(zip(keys, got, strict=True))
    store.columns[(node.sheet, col, node.row, node.n)] = got
    results.setdefault(node.sheet, {}).update(zip(keys, got, strict=True))


_AS_THEY_ARE = frozenset({float, str, bool})
"""Types of values a formula leaves in its cell as they are (:func:`_cell_value`)."""


def _cell_value(v: Any) -> Any:
    """What a formula's value leaves in its (single) cell."""
    if type(v) is float:
        return v
    if isinstance(v, np.ndarray):
        v = scalar(v[0, 0]) if v.size else VALUE_ERROR
    return 0.0 if v is EMPTY else v


def _evaluate(
    node: FormulaCell, row: int, store: CellStore, results: dict[int, dict[tuple[int, int], Any]]
) -> None:
    assert node.compiled is not None
    v = node.compiled.fn(row, node.col)
    vals = store.values[node.sheet]
    out = results.setdefault(node.sheet, {})
    if node.spill is None:
        v = _cell_value(v)
        vals[(row, node.col)] = v
        out[(row, node.col)] = v
        return
    r1, c1, r2, c2 = node.spill
    h, w = r2 - r1 + 1, c2 - c1 + 1
    grid = None if not isinstance(v, np.ndarray) else v if v.ndim == 2 else v.reshape(1, -1)
    for i in range(h):
        for j in range(w):
            if grid is None:
                x = v
            else:
                gi = i if grid.shape[0] > 1 else 0
                gj = j if grid.shape[1] > 1 else 0
                x = scalar(grid[gi, gj]) if gi < grid.shape[0] and gj < grid.shape[1] else NA_ERROR
            if x is EMPTY:
                x = 0.0
            vals[(r1 + i, c1 + j)] = x
            out[(r1 + i, c1 + j)] = x


def _spill(node: FormulaCell, store: CellStore, out: Evaluation, claimed: set[CellKey]) -> None:
    """A dynamic array formula: its result fills as many cells as it has, from the anchor.

    Excel's rule ("Dynamic array formulas and spilled array behavior"): when a cell of
    that range holds a value or another formula, the anchor shows #SPILL! and nothing
    spills. Cells of the range the file stored that the result no longer reaches are
    emptied. The range filled is recorded in :attr:`Evaluation.spills`.
    """
    assert node.compiled is not None
    v = node.compiled.fn(node.row, node.col)
    s = node.sheet
    grid = (v if v.ndim == 2 else v.reshape(1, -1)) if isinstance(v, np.ndarray) else None
    h, w = grid.shape if grid is not None else (1, 1)
    if h == 0 or w == 0:
        grid, h, w, v = None, 1, 1, ERRORS["#CALC!"]
    sheet = store.sheets.get(s)
    anchor = sheet.cells.get((node.row, node.col)) if sheet is not None else None
    stored = (
        split_range(anchor.fref)
        if anchor is not None and anchor.fref
        else (node.row, node.col, node.row, node.col)
    )
    r2, c2 = node.row + h - 1, node.col + w - 1
    blocked = r2 > fx.MAX_ROW or c2 > fx.MAX_COL
    for r in range(node.row, min(r2, fx.MAX_ROW) + 1):
        if blocked:
            break
        for c in range(node.col, min(c2, fx.MAX_COL) + 1):
            if (r, c) == (node.row, node.col):
                continue
            if (s, r, c) in claimed:
                blocked = True
                break
            held = sheet.cells.get((r, c)) if sheet is not None else None
            inside = stored[0] <= r <= stored[2] and stored[1] <= c <= stored[3]
            if held is not None and not inside and held.value is not EMPTY:
                blocked = True
                break
    vals = store.values[s]
    results = out.results.setdefault(s, {})
    filled: set[tuple[int, int]] = set()
    if blocked:
        vals[(node.row, node.col)] = results[(node.row, node.col)] = ERRORS["#SPILL!"]
        filled.add((node.row, node.col))
        extent = (node.row, node.col, node.row, node.col)
    else:
        for i in range(h):
            for j in range(w):
                x = scalar(grid[i, j]) if grid is not None else v
                if x is EMPTY:
                    x = 0.0
                key = (node.row + i, node.col + j)
                vals[key] = results[key] = x
                filled.add(key)
                claimed.add((s, *key))
        extent = (node.row, node.col, r2, c2)
    for r in range(stored[0], stored[2] + 1):
        for c in range(stored[1], stored[3] + 1):
            if (r, c) not in filled:
                vals[(r, c)] = results[(r, c)] = EMPTY
    out.spills[(s, node.row, node.col)] = extent
