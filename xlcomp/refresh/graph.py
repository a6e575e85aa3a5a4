"""The formula cells of a workbook and what each reads: the dependency graph.

The third step of recalculation (parse -> compile -> **graph** -> evaluate).
:func:`build_graph` compiles every formula of a :class:`~xlcomp.refresh.book.Book` and
links each formula cell to the formula cells inside the rectangles it reads.
Dependencies are static rectangles (references, defined names, table references), so
the evaluation order is one topological sort (Kahn's algorithm), with no recursion;
cells on a cycle are listed apart, not looped over.

The same graph answers ``share``'s question, "which cells are computed from these?"
(:meth:`DependencyGraph.dependents`).

Cells are named by :data:`CellKey` ``(sheet index, row, column)``, rows and columns
1-based, the sheet index being the sheet's position in the workbook.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from xlcomp.refresh import parser as fx
from xlcomp.refresh.book import Book, split_range
from xlcomp.refresh.compiler import Compiled, CompileError, Compiler, Rect
from xlcomp.refresh.functions import bare_name

__all__ = [
    "CellKey",
    "DependencyGraph",
    "Failure",
    "FormulaCell",
    "build_graph",
    "quote_sheet",
]

CellKey = tuple[int, int, int]
"""A cell: sheet index, row, column (1-based)."""


@dataclass(frozen=True)
class Failure:
    """A formula that could not be evaluated, and why (``Offer!C7: circular reference``)."""

    sheet: str
    cell: str
    reason: str

    def __str__(self) -> str:
        return f"{quote_sheet(self.sheet)}!{self.cell}: {self.reason}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: ``Offer``, ``'My offers'``, ``'Bob''s'``."""
    if name.replace("_", "a").replace(".", "a").isalnum() and not name[:1].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(slots=True)
class FormulaCell:
    """One formula of the workbook: where it is, its compiled shape, its inputs.

    ``compiled`` is None when the formula could not be compiled (the reason is in
    :attr:`DependencyGraph.failures`). ``spill`` is the range an array formula fills
    (first row, first column, last row, last column). ``deps`` are the indices of the
    formula cells it reads, ``calls`` the names of our worksheet functions it calls.
    """

    sheet: int
    row: int
    col: int
    compiled: Compiled | None
    spill: tuple[int, int, int, int] | None = None
    deps: list[int] = field(default_factory=list)
    calls: frozenset[str] = frozenset()
    dynamic: bool = False

    def cells(self) -> list[CellKey]:
        """The cells this formula fills (one, or the whole range of an array formula)."""
        if self.spill is None:
            return [(self.sheet, self.row, self.col)]
        r1, c1, r2, c2 = self.spill
        return [(self.sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def reads(self) -> list[Rect]:
        """The rectangles this formula reads (empty when it could not be compiled)."""
        if self.compiled is None:
            return []
        out = []
        for spec in self.compiled.refs:
            box = spec(self.row, self.col)
            if box is not None:
                out.append(box)
        return out


@dataclass
class DependencyGraph:
    """Every formula cell of a book, in evaluation order, with its dependencies.

    ``nodes`` in the order the file lists them; ``order`` the indices of ``nodes`` in a
    valid evaluation order (each after everything it reads); ``cyclic`` the indices of
    cells on a cycle or downstream of one (not in ``order``); ``dependents_of[i]`` the
    nodes that read node ``i``; ``failures`` the formulas that could not be compiled and
    those on a cycle.
    """

    book: Book
    nodes: list[FormulaCell]
    order: list[int]
    cyclic: list[int]
    dependents_of: list[list[int]]
    failures: list[Failure]

    def label(self, key: CellKey) -> str:
        """``Offer!C7`` for (sheet index of Offer, 7, 3)."""
        s, r, c = key
        return f"{quote_sheet(self.book.sheet_names[s])}!{fx.cell_name(r, c)}"

    def dependents(self, seeds: Iterable[CellKey]) -> set[CellKey]:
        """Every cell filled by a formula that reads, directly or through other formulas,
        one of ``seeds``. A formula that could not be compiled or sits on a cycle counts
        as dependent (nothing can be said of what it reads), and so does what reads it.
        Seeds themselves are included only when a formula fills them and is dependent."""
        index: dict[tuple[int, int], list[int]] = {}
        for s, r, c in seeds:
            index.setdefault((s, c), []).append(r)
        for rows in index.values():
            rows.sort()
        hit = [False] * len(self.nodes)
        queue: deque[int] = deque()
        cyclic = set(self.cyclic)
        for i, node in enumerate(self.nodes):
            if node.compiled is None or i in cyclic or _reads_any(node.reads(), index):
                hit[i] = True
                queue.append(i)
        while queue:
            i = queue.popleft()
            for j in self.dependents_of[i]:
                if not hit[j]:
                    hit[j] = True
                    queue.append(j)
        out: set[CellKey] = set()
        for i, node in enumerate(self.nodes):
            if hit[i]:
                out.update(node.cells())
        return out


def _reads_any(rects: list[Rect], index: dict[tuple[int, int], list[int]]) -> bool:
    for s, r1, c1, r2, c2 in rects:
        for (ss, c), rows in index.items():
            if ss == s and c1 <= c <= c2:
                k = bisect.bisect_left(rows, r1)
                if k < len(rows) and rows[k] <= r2:
                    return True
    return False


def _called(text: str, row: int, col: int, ours: set[str]) -> frozenset[str]:
    """Our functions named in a formula the compiler refused (as far as it parses)."""
    try:
        tree = fx.parse(text, row, col)
    except fx.ParseError:
        return frozenset()
    found: set[str] = set()
    stack: list[fx.Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, fx.Call):
            if bare_name(node.name) in ours:
                found.add(bare_name(node.name))
            stack.extend(node.args)
        elif isinstance(node, fx.BinOp):
            stack.extend((node.left, node.right))
        elif isinstance(node, fx.UnaryOp):
            stack.append(node.operand)
    return frozenset(found)


def build_graph(
    book: Book,
    compiler: Compiler,
    spills: dict[CellKey, tuple[int, int, int, int]] | None = None,
) -> DependencyGraph:
    """Compile every formula of ``book`` and order them; failures are recorded, not raised.

    ``spills`` overrides the spill range of dynamic array formulas by anchor cell (the
    range their last evaluation filled, where the file stored a smaller one).
    """
    nodes: list[FormulaCell] = []
    failures: list[Failure] = []
    ours = {bare_name(n) for n in compiler.udfs}

    def fail(sheet: int, row: int, col: int, reason: str) -> None:
        failures.append(Failure(book.sheet_names[sheet], fx.cell_name(row, col), reason))

    for sheet in book.sheets:
        masters: dict[int, tuple[str, int, int]] = {}
        for cell in sheet.cells.values():
            if cell.ftype == "shared" and cell.formula and cell.si is not None:
                masters[cell.si] = (cell.formula, cell.row, cell.col)
        for cell in sheet.cells.values():
            if cell.ftype is None:
                continue
            text = cell.formula
            row, col = cell.row, cell.col
            if text is None and cell.ftype == "shared" and cell.si in masters:
                text, row, col = masters[cell.si]
            spill = None
            if cell.ftype == "array":
                spill = (
                    split_range(cell.fref)
                    if cell.fref
                    else (cell.row, cell.col, cell.row, cell.col)
                )
                if spills is not None and cell.dynamic:
                    spill = spills.get((sheet.index, cell.row, cell.col), spill)
            try:
                if cell.ftype == "dataTable":
                    raise CompileError("what-if data tables are not supported")
                if not text:
                    raise CompileError("the formula has no text")
                compiled = compiler.compile_cell(
                    sheet.index, text, row, col, array=cell.ftype == "array"
                )
            except (CompileError, RecursionError) as exc:
                fail(sheet.index, cell.row, cell.col, str(exc))
                calls = _called(text, row, col, ours) if text else frozenset()
                nodes.append(FormulaCell(sheet.index, cell.row, cell.col, None, spill, calls=calls))
                continue
            nodes.append(
                FormulaCell(
                    sheet.index,
                    cell.row,
                    cell.col,
                    compiled,
                    spill,
                    calls=compiled.calls,
                    dynamic=cell.dynamic and spill is not None,
                )
            )
    order, cyclic, dependents = _order(nodes)
    for i in cyclic:
        node = nodes[i]
        fail(node.sheet, node.row, node.col, "circular reference")
    return DependencyGraph(book, nodes, order, cyclic, dependents, failures)


def _order(nodes: list[FormulaCell]) -> tuple[list[int], list[int], list[list[int]]]:
    """Evaluation order, the nodes on or after a cycle, and each node's dependents."""
    # Index formula outputs by sheet and column: rows sorted, for range look-ups.
    where: dict[tuple[int, int, int], int] = {}
    for i, node in enumerate(nodes):
        if node.spill is not None:
            for key in node.cells():
                where[key] = i
        else:
            where[(node.sheet, node.row, node.col)] = i
    cols: dict[int, dict[int, list[int]]] = {}
    for s, r, c in where:
        cols.setdefault(s, {}).setdefault(c, []).append(r)
    for bycol in cols.values():
        for rows in bycol.values():
            rows.sort()
    dependents: list[list[int]] = [[] for _ in nodes]
    indeg = [0] * len(nodes)
    for i, node in enumerate(nodes):
        deps: set[int] = set()
        for spec in node.compiled.refs if node.compiled is not None else ():
            box = spec(node.row, node.col)
            if box is None:
                continue
            s, r1, c1, r2, c2 = box
            found = cols.get(s)
            if not found:
                continue
            if r1 == r2 and c1 == c2:
                j = where.get((s, r1, c1))
                if j is not None:
                    deps.add(j)
                continue
            for c, rows in found.items():
                if c1 <= c <= c2:
                    lo = bisect.bisect_left(rows, r1)
                    hi = bisect.bisect_right(rows, r2)
                    for rr in rows[lo:hi]:
                        deps.add(where[(s, rr, c)])
        node.deps = sorted(deps)
        indeg[i] = len(deps)
        for d in deps:
            dependents[d].append(i)
    ready = deque(i for i, d in enumerate(indeg) if d == 0)
    out: list[int] = []
    while ready:
        i = ready.popleft()
        out.append(i)
        for j in dependents[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    cyclic = [i for i, d in enumerate(indeg) if d > 0]
    return out, cyclic, dependents
