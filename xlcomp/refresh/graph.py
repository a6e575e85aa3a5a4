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
from xlcomp.refresh.book import Book, Sheet, split_range
from xlcomp.refresh.compiler import Compiled, CompileError, Compiler, LinearRef, Rect
from xlcomp.refresh.functions import bare_name

__all__ = [
    "CellKey",
    "DependencyGraph",
    "Failure",
    "FormulaCell",
    "build_graph",
    "quote_sheet",
]

RUNS = True
"""Whether alike formulas down a column are grouped into one node (tests turn it off to
evaluate every formula alone)."""

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
    """One node of the graph: a formula, or a run of alike formulas down a column.

    The node fills ``n`` cells from (``row``, ``col``) downwards, each holding the same
    formula shape (``compiled``), so that it can be evaluated as a column. ``compiled``
    is None when the formula could not be compiled (the reason is in
    :attr:`DependencyGraph.failures`). ``spill`` is the range an array formula fills
    (first row, first column, last row, last column; ``n`` is then 1). ``deps`` are the
    indices of the nodes it reads, ``calls`` the names of our worksheet functions it
    calls.
    """

    sheet: int
    row: int
    col: int
    compiled: Compiled | None
    spill: tuple[int, int, int, int] | None = None
    deps: list[int] = field(default_factory=list)
    calls: frozenset[str] = frozenset()
    n: int = 1
    dynamic: bool = False

    def cells(self) -> list[CellKey]:
        """The cells this node fills (a run of a column, or an array formula's range)."""
        if self.spill is None:
            return [(self.sheet, self.row + i, self.col) for i in range(self.n)]
        r1, c1, r2, c2 = self.spill
        return [(self.sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def reads(self, row: int | None = None) -> list[Rect]:
        """The rectangles the formula in ``row`` (default: the node's first) reads."""
        if self.compiled is None:
            return []
        r = self.row if row is None else row
        out = []
        for spec in self.compiled.refs:
            box = spec(r, self.col)
            if box is not None:
                out.append(box)
        return out

    def span(self) -> list[Rect]:
        """The rectangles the whole node reads: for each reference, the box around what
        it reads from every row of the node."""
        if self.compiled is None:
            return []
        first, last = self.row, self.row + self.n - 1
        out: list[Rect] = []
        for spec in self.compiled.refs:
            if self.n == 1:
                boxes = [spec(first, self.col)]
            elif isinstance(spec, LinearRef):
                boxes = [spec(first, self.col), spec(last, self.col)]
            else:
                boxes = [spec(r, self.col) for r in range(first, last + 1)]
            found = [b for b in boxes if b is not None]
            for sheet in {b[0] for b in found}:
                mine = [b for b in found if b[0] == sheet]
                out.append(
                    (
                        sheet,
                        min(b[1] for b in mine),
                        min(b[2] for b in mine),
                        max(b[3] for b in mine),
                        max(b[4] for b in mine),
                    )
                )
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
        Seeds themselves are included only when a formula fills them and is dependent.
        Each cell of a column run is judged by what that cell reads."""
        index: dict[tuple[int, int], list[int]] = {}

        def add(key: CellKey) -> None:
            rows = index.setdefault((key[0], key[2]), [])
            k = bisect.bisect_left(rows, key[1])
            if k == len(rows) or rows[k] != key[1]:
                rows.insert(k, key[1])

        for key in seeds:
            add(key)
        out: set[CellKey] = set()
        cyclic = set(self.cyclic)
        for i in [*self.order, *self.cyclic]:
            node = self.nodes[i]
            if node.compiled is None or i in cyclic:
                hit = node.cells()
            elif node.spill is not None:
                hit = node.cells() if _reads_any(node.reads(), index) else []
            else:
                hit = [key for key in node.cells() if _reads_any(node.reads(key[1]), index)]
            for key in hit:
                out.add(key)
                add(key)
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

    Alike formulas in consecutive rows of a column (one compiled shape) become one node,
    unless a cell of the run reads another cell of it, or runs read each other in a
    circle although their cells do not: those runs are taken apart into single cells.
    ``spills`` overrides the spill range of dynamic array formulas by anchor cell (the
    range their last evaluation filled, where the file stored a smaller one).
    """
    ours = {bare_name(n) for n in compiler.udfs}
    single: set[CellKey] = set()
    while True:
        nodes, failures = _nodes(book, compiler, spills, single, ours)
        order, cyclic, dependents, split = _order(nodes)
        if not split:
            break
        for node in nodes:
            if node.n > 1 and (node.sheet, node.row, node.col) in split:
                single.update(node.cells())
    for i in cyclic:  # every node on a cycle is a single formula by now
        node = nodes[i]
        failures.append(
            Failure(
                book.sheet_names[node.sheet], fx.cell_name(node.row, node.col), "circular reference"
            )
        )
    return DependencyGraph(book, nodes, order, cyclic, dependents, failures)


def _nodes(
    book: Book,
    compiler: Compiler,
    spills: dict[CellKey, tuple[int, int, int, int]] | None,
    single: set[CellKey],
    ours: set[str],
) -> tuple[list[FormulaCell], list[Failure]]:
    """Every formula of ``book`` compiled, runs of alike formulas down a column made one
    node (in the order of their first cells), and the formulas that failed to compile."""
    nodes: list[FormulaCell] = []
    failures: list[Failure] = []
    for sheet in book.sheets:
        got = _sheet_nodes(book, sheet, compiler, spills, single, ours, failures, by_row=RUNS)
        if got is None:  # a column's rows out of order in the file: group by sorting
            got = _sheet_nodes(book, sheet, compiler, spills, single, ours, failures, False)
            assert got is not None
        nodes.extend(got)
    return nodes, failures


def _sheet_nodes(
    book: Book,
    sheet: Sheet,
    compiler: Compiler,
    spills: dict[CellKey, tuple[int, int, int, int]] | None,
    single: set[CellKey],
    ours: set[str],
    failures: list[Failure],
    by_row: bool,
) -> list[FormulaCell] | None:
    """The nodes of one sheet (failures appended to ``failures``).

    ``by_row``: runs are built in one pass in the file's order, a cell extending the
    open run of its column when it has the run's compiled shape and sits right below
    it; None when a column's cells are not listed top to bottom (nothing is appended to
    ``failures`` then). Else every cell is a node first, grouped by :func:`_runs`, which
    sorts; both give the same nodes for a sheet listed row by row.
    """
    s = sheet.index
    names = book.sheet_names
    compile_cell = compiler.compile_cell
    masters: dict[int, tuple[str, int, int]] = {}
    for cell in sheet.formula_cells():
        if cell.ftype == "shared" and cell.formula and cell.si is not None:
            masters[cell.si] = (cell.formula, cell.row, cell.col)
    nodes: list[FormulaCell] = []
    failed: list[Failure] = []
    runs: dict[int, FormulaCell] = {}  # the open run of each column
    for cell in sheet.formula_cells():
        ftype = cell.ftype
        if ftype is None:
            continue
        text = cell.formula
        row, col = cell.row, cell.col
        if text is None and ftype == "shared" and cell.si in masters:
            text, row, col = masters[cell.si]
        spill = None
        if ftype == "array":
            spill = split_range(cell.fref or fx.cell_name(cell.row, cell.col))
            if spills is not None and cell.dynamic:
                spill = spills.get((s, cell.row, cell.col), spill)
        try:
            if ftype == "dataTable":
                raise CompileError("what-if data tables are not supported")
            if not text:
                raise CompileError("the formula has no text")
            compiled = compile_cell(s, text, row, col, array=ftype == "array")
        except (CompileError, RecursionError) as exc:
            failed.append(Failure(names[s], fx.cell_name(cell.row, cell.col), str(exc)))
            calls = _called(text, row, col, ours) if text else frozenset()
            nodes.append(FormulaCell(s, cell.row, cell.col, None, spill, calls=calls))
            continue
        if by_row and spill is None and (s, cell.row, cell.col) not in single:
            run = runs.get(cell.col)
            if run is not None:
                end = run.row + run.n
                if end == cell.row and run.compiled is compiled:
                    run.n += 1
                    continue
                if end > cell.row:
                    return None
            run = runs[cell.col] = FormulaCell(
                s, cell.row, cell.col, compiled, calls=compiled.calls
            )
            nodes.append(run)
            continue
        nodes.append(
            FormulaCell(
                s,
                cell.row,
                cell.col,
                compiled,
                spill,
                calls=compiled.calls,
                dynamic=cell.dynamic and spill is not None,
            )
        )
    failures.extend(failed)
    if by_row:
        return nodes
    return _runs(nodes, single if RUNS else {(n.sheet, n.row, n.col) for n in nodes})


def _runs(cells: list[FormulaCell], single: set[CellKey]) -> list[FormulaCell]:
    """``cells`` with each run of alike formulas down a column made one node (in the
    order of their first cells); cells in ``single`` stay alone."""
    position = {(c.sheet, c.row, c.col): i for i, c in enumerate(cells)}
    by_column: dict[tuple[int, int], list[FormulaCell]] = {}
    first_of: dict[int, FormulaCell] = {}
    for i, cell in enumerate(cells):
        key = (cell.sheet, cell.row, cell.col)
        if cell.compiled is None or cell.spill is not None or key in single:
            first_of[i] = FormulaCell(
                cell.sheet,
                cell.row,
                cell.col,
                cell.compiled,
                cell.spill,
                calls=cell.calls,
                dynamic=cell.dynamic,
            )
            continue
        by_column.setdefault((cell.sheet, cell.col), []).append(cell)
    for column in by_column.values():
        column.sort(key=lambda c: c.row)
        run: FormulaCell | None = None
        for cell in column:
            if run is not None and run.compiled is cell.compiled and run.row + run.n == cell.row:
                run.n += 1
                continue
            run = FormulaCell(cell.sheet, cell.row, cell.col, cell.compiled, calls=cell.calls)
            first_of[position[(cell.sheet, cell.row, cell.col)]] = run
    return [first_of[i] for i in sorted(first_of)]


def _order(
    nodes: list[FormulaCell],
) -> tuple[list[int], list[int], list[list[int]], set[CellKey]]:
    """Evaluation order, the nodes on or after a cycle, each node's dependents, and the
    first cells of column runs to take apart (empty when the order stands)."""
    # Each sheet's column: the (first row, last row, node) of the formulas in it, sorted.
    spans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for i, node in enumerate(nodes):
        if node.spill is not None:
            r1, c1, r2, c2 = node.spill
            for c in range(c1, c2 + 1):
                spans.setdefault((node.sheet, c), []).append((r1, r2, i))
        else:
            spans.setdefault((node.sheet, node.col), []).append(
                (node.row, node.row + node.n - 1, i)
            )
    columns: dict[int, dict[int, tuple[list[int], list[tuple[int, int, int]]]]] = {}
    for (s, c), found in spans.items():
        found.sort()
        columns.setdefault(s, {})[c] = ([end for _start, end, _i in found], found)
    dependents: list[list[int]] = [[] for _ in nodes]
    indeg = [0] * len(nodes)
    split: set[CellKey] = set()
    for i, node in enumerate(nodes):
        deps: set[int] = set()
        for s, r1, c1, r2, c2 in node.span():
            bycol = columns.get(s)
            if not bycol:
                continue
            for c in range(c1, c2 + 1) if c2 - c1 < len(bycol) else sorted(bycol):
                entry = bycol.get(c)
                if entry is None or not c1 <= c <= c2:
                    continue
                ends, found = entry
                k = bisect.bisect_left(ends, r1)
                while k < len(found) and found[k][0] <= r2:
                    deps.add(found[k][2])
                    k += 1
        if i in deps:
            deps.discard(i)
            if node.n > 1:
                split.add((node.sheet, node.row, node.col))
            else:
                indeg[i] += 1  # a formula reading itself: a cycle of one
                dependents[i].append(i)
        node.deps = sorted(deps)
        indeg[i] += len(deps)
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
    if not split:
        split = {(nodes[i].sheet, nodes[i].row, nodes[i].col) for i in cyclic if nodes[i].n > 1}
    return out, cyclic, dependents, split
