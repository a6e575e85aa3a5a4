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

    ``progress(done, total)`` is called about 200 times. Failures of the graph itself
    (formulas not compiled, cycles) come first in :attr:`Evaluation.failures`.
    """
    out = Evaluation(failures=list(graph.failures))
    nodes = graph.nodes
    failed = [node.compiled is None for node in nodes]  # already reported by the graph
    for i in graph.cyclic:
        failed[i] = True
    book = graph.book

    def fail(node: FormulaCell, reason: str) -> None:
        out.failures.append(
            Failure(book.sheet_names[node.sheet], fx.cell_name(node.row, node.col), reason)
        )

    total = len(graph.order)
    step = max(1, total // 200)
    for n, i in enumerate(graph.order):
        node = nodes[i]
        if node.compiled is None:
            continue
        bad = next((d for d in node.deps if failed[d]), None)
        if bad is not None:
            failed[i] = True
            dep = nodes[bad]
            fail(
                node,
                f"depends on {quote_sheet(book.sheet_names[dep.sheet])}!"
                f"{fx.cell_name(dep.row, dep.col)}, which could not be evaluated",
            )
        else:
            try:
                _evaluate(node, store, out.results)
                out.computed += 1
            except (EvalError, CompileError) as exc:
                failed[i] = True
                fail(node, str(exc))
            except Exception as exc:  # formulas raised: report, do not crash
                failed[i] = True
                fail(node, f"the engine failed ({type(exc).__name__}: {exc})".rstrip())
        if progress is not None and (n % step == 0 or n == total - 1):
            progress(n + 1, total)
    return out


def _evaluate(
    node: FormulaCell, store: CellStore, results: dict[int, dict[tuple[int, int], Any]]
) -> None:
    assert node.compiled is not None
    v = node.compiled.fn(node.row, node.col)
    vals = store.values[node.sheet]
    out = results.setdefault(node.sheet, {})
    if node.spill is None:
        if isinstance(v, np.ndarray):
            v = scalar(v[0, 0]) if v.size else VALUE_ERROR
        if v is EMPTY:
            v = 0.0
        vals[(node.row, node.col)] = v
        out[(node.row, node.col)] = v
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
