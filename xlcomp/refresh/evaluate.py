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
from typing import Any

import numpy as np

from xlcomp.refresh import parser as fx
from xlcomp.refresh.compiler import CellStore, CompileError, EvalError
from xlcomp.refresh.graph import DependencyGraph, Failure, FormulaCell, quote_sheet
from xlcomp.refresh.values import EMPTY, NA_ERROR, VALUE_ERROR, scalar

__all__ = ["Evaluation", "evaluate"]

Progress = Callable[[int, int], None]


@dataclass
class Evaluation:
    """What running a graph gave: results by sheet index and (row, column), failures."""

    results: dict[int, dict[tuple[int, int], Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    computed: int = 0


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
    out = Evaluation(failures=list(graph.failures))
    nodes = graph.nodes
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
                _run_cells(node, store, out, failed, fail, book.sheet_names)
        else:
            _run_cells(node, store, out, failed, fail, book.sheet_names)
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
    keys = [(r, col) for r in range(node.row, node.row + node.n)]
    vals = [_cell_value(v) for v in got]
    store.values[node.sheet].update(zip(keys, vals, strict=True))
    results.setdefault(node.sheet, {}).update(zip(keys, vals, strict=True))


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
