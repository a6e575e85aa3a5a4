"""Excel formula text -> a small syntax tree whose references are relative to the cell.

The refresh engine parses each distinct formula *shape* once. Two formulas have the same
shape when they differ only in relative references that move with the cell, as Excel's
R1C1 notation shows: ``=ROUND(B2*$F$1,2)`` in C2 and ``=ROUND(B3*$F$1,2)`` in C3 are both
``=ROUND(RC[-1]*R1C6,2)``. :func:`shape_key` computes an equivalent key with one split
on digit runs, and :func:`row_template` one cheaper still (the row's number marked), for
the compiler to look formulas up by; :func:`parse` builds the tree once per key, with
each relative reference stored as an offset from the cell it was parsed at.

Grammar and precedence follow Excel: ``:`` (range) binds tightest, then unary minus,
``%``, ``^``, ``*`` ``/``, ``+`` ``-``, ``&``, and the comparisons. ``-2^2`` is 4, as in
Excel. Structured table references (``Table1[[#This Row],[Column1]]``) are kept as
:class:`StructRef` nodes and resolved against the workbook's tables by the compiler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ROW = 1_048_576
MAX_COL = 16_384


class ParseError(ValueError):
    """The formula text is not a formula this parser understands."""


# ---------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class Literal:
    """A number, text, boolean or error constant (errors as their text, e.g. ``#N/A``)."""

    value: float | str | bool
    is_error: bool = False


@dataclass(frozen=True)
class Missing:
    """An argument left empty, as in ``F(1,,3)``."""


@dataclass(frozen=True)
class Ref:
    """A cell or a rectangular range, on ``sheet`` (None: the formula's own sheet).

    A coordinate whose ``*_abs`` flag is False is an offset from the anchor cell; an
    absolute one is the 1-based row or column itself.
    """

    sheet: str | None
    r1: int
    c1: int
    r2: int
    c2: int
    r1_abs: bool
    c1_abs: bool
    r2_abs: bool
    c2_abs: bool
    is_cell: bool


@dataclass(frozen=True)
class Name:
    """A defined name (or a bare table name), optionally qualified with a sheet."""

    name: str
    sheet: str | None = None


@dataclass(frozen=True)
class StructRef:
    """A structured table reference: ``Table1[...]`` (table None: the table of the cell)."""

    table: str | None
    spec: str


@dataclass(frozen=True)
class Call:
    """A function call; ``name`` as written (prefixes such as ``_xlfn.`` kept)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class BinOp:
    """A binary operator: arithmetic, ``&``, a comparison or the range operator ``:``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class UnaryOp:
    """Unary ``-``/``+`` (prefix), ``%`` (postfix) or ``@`` (implicit intersection)."""

    op: str
    operand: Node


@dataclass(frozen=True)
class ArrayLit:
    """An array constant ``{1,2;3,4}``: rows of literal values."""

    rows: tuple[tuple[Literal, ...], ...]


Node = Literal | Missing | Ref | Name | StructRef | Call | BinOp | UnaryOp | ArrayLit


# ---------------------------------------------------------------------------------------
# Tokens

_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)
_ERR_RE = "|".join(re.escape(e) for e in _ERRORS)
# An unquoted sheet name starts with a letter of any script (Лист1!A1) or "_"; a 3-D
# reference names two sheets (Jan:Mar!B2); an external one its workbook ([1]Bands!B2).
_LETTER = r"(?:[^\W\d]|\\)"
_SHEET = (
    r"(?:'(?P<qsheet>(?:[^']|'')+)'"
    rf"|(?P<sheet>(?:\[\d+\])?{_LETTER}[\w.]*(?::{_LETTER}[\w.]*)?))!"
)
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_AFTER = r"(?![\w.(\[!])"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<err>{_ERR_RE})
  | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.:])
  | (?P<ref>(?:{_SHEET})?
        (?:(?P<cell1>{_CELL})(?::(?P<cell2>{_CELL}))?{_AFTER}
          |(?P<col1>\$?[A-Za-z]{{1,3}}):(?P<col2>\$?[A-Za-z]{{1,3}}){_AFTER}
          |(?P<row1>\$?\d+):(?P<row2>\$?\d+){_AFTER}
          |(?P<name>{_LETTER}[\w.\\]*)(?P<bracket>\[)?
        ))
  | (?P<lbracket>\[)
  | (?P<op><>|<=|>=|[-+*/^&=<>%:,;(){{}}@])
    """,
    re.VERBOSE,
)

_CELL_PARTS = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)")


def col_index(letters: str) -> int:
    """``"A"`` -> 1, ``"AB"`` -> 28."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(index: int) -> str:
    """1 -> ``"A"``, 28 -> ``"AB"``."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _bracket_end(text: str, start: int) -> int:
    """Index just past the ``]`` matching the ``[`` at ``start`` (``'`` escapes a char)."""
    depth, i, n = 0, start, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ParseError("unbalanced [ ] in a table reference")


@dataclass(frozen=True)
class _Tok:
    kind: str  # 'lit', 'ref', 'name', 'struct', 'func', 'op', 'ws'
    text: str
    node: Node | None = None


def _sheet_of(m: re.Match[str]) -> str | None:
    if m.group("qsheet") is not None:
        return m.group("qsheet").replace("''", "'")
    return m.group("sheet")


def _cell(text: str, row: int, col: int) -> tuple[int, int, bool, bool]:
    m = _CELL_PARTS.fullmatch(text)
    if m is None:  # pragma: no cover - the token regex guarantees the form
        raise ParseError(text)
    c_abs, r_abs = bool(m.group(1)), bool(m.group(3))
    c, r = col_index(m.group(2)), int(m.group(4))
    if c > MAX_COL or r > MAX_ROW or r < 1:
        raise ParseError(f"reference {text} is outside the sheet")
    return (r if r_abs else r - row), (c if c_abs else c - col), r_abs, c_abs


def _ref_token(m: re.Match[str], row: int, col: int) -> _Tok:
    sheet = _sheet_of(m)
    text = m.group(0)
    if m.group("cell1") is not None:
        r1, c1, ra1, ca1 = _cell(m.group("cell1"), row, col)
        if m.group("cell2") is not None:
            r2, c2, ra2, ca2 = _cell(m.group("cell2"), row, col)
            return _Tok("ref", text, Ref(sheet, r1, c1, r2, c2, ra1, ca1, ra2, ca2, False))
        return _Tok("ref", text, Ref(sheet, r1, c1, r1, c1, ra1, ca1, ra1, ca1, True))
    if m.group("col1") is not None:
        a, b = m.group("col1"), m.group("col2")
        ca1, ca2 = a.startswith("$"), b.startswith("$")
        c1, c2 = col_index(a.lstrip("$")), col_index(b.lstrip("$"))
        c1 = c1 if ca1 else c1 - col
        c2 = c2 if ca2 else c2 - col
        return _Tok("ref", text, Ref(sheet, 1, c1, MAX_ROW, c2, True, ca1, True, ca2, False))
    if m.group("row1") is not None:
        a, b = m.group("row1"), m.group("row2")
        ra1, ra2 = a.startswith("$"), b.startswith("$")
        r1, r2 = int(a.lstrip("$")), int(b.lstrip("$"))
        r1 = r1 if ra1 else r1 - row
        r2 = r2 if ra2 else r2 - row
        return _Tok("ref", text, Ref(sheet, r1, 1, r2, MAX_COL, ra1, True, ra2, True, False))
    name = m.group("name")
    upper = name.upper()
    if upper in ("TRUE", "FALSE") and sheet is None:
        return _Tok("lit", text, Literal(upper == "TRUE"))
    return _Tok("name", text, Name(name, sheet))


def _tokens(text: str, row: int, col: int) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ParseError(f"cannot read the formula at {text[pos : pos + 12]!r}")
        kind = m.lastgroup
        end = m.end()
        if kind == "ws":
            toks.append(_Tok("ws", m.group(0)))
        elif kind == "str":
            toks.append(_Tok("lit", m.group(0), Literal(m.group(0)[1:-1].replace('""', '"'))))
        elif kind == "err":
            toks.append(_Tok("lit", m.group(0), Literal(m.group(0).upper(), is_error=True)))
        elif kind == "num":
            toks.append(_Tok("lit", m.group(0), Literal(float(m.group(0)))))
        elif kind == "op":
            toks.append(_Tok("op", m.group(0)))
        elif kind == "lbracket":
            # A structured reference without a table name: "[Column1]" or "[@Col]".
            end = _bracket_end(text, m.start())
            toks.append(
                _Tok("struct", text[m.start() : end], StructRef(None, text[m.start() : end]))
            )
        else:  # ref or name
            if m.group("bracket") is not None:
                name = m.group("name")
                start = m.start("bracket")
                end = _bracket_end(text, start)
                toks.append(_Tok("struct", text[m.start() : end], StructRef(name, text[start:end])))
            elif m.group("name") is not None and end < n and text[end] == "(":
                toks.append(_Tok("func", m.group("name")))
                end += 1  # the "(" belongs to the call
            else:
                toks.append(_ref_token(m, row, col))
        pos = end
    return toks


# ---------------------------------------------------------------------------------------
# Parser (precedence climbing)

_BINARY = {
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}
_PREFIX_BP = 6  # unary minus binds tighter than ^ in Excel
_POSTFIX_BP = 7  # %
_RANGE_BP = 8  # :


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        # Whitespace matters only between two operands (the intersection operator).
        self.toks: list[_Tok] = []
        for i, t in enumerate(toks):
            if t.kind == "ws":
                prev = self.toks[-1] if self.toks else None
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                ends_operand = prev is not None and (
                    prev.kind in ("ref", "name", "struct") or prev.text == ")"
                )
                starts_operand = nxt is not None and nxt.kind in ("ref", "name", "struct", "func")
                if ends_operand and starts_operand:
                    raise ParseError("the intersection operator (a space) is not supported")
                continue
            self.toks.append(t)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.peek()
        if t is None:
            raise ParseError("the formula ends too early")
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        t = self.take()
        if t.kind != "op" or t.text != text:
            raise ParseError(f"expected {text!r}, found {t.text!r}")

    def expr(self, min_bp: int = 0) -> Node:
        left = self.prefix()
        while True:
            t = self.peek()
            if t is None or t.kind != "op":
                break
            op = t.text
            if op == "%":
                if min_bp > _POSTFIX_BP:
                    break
                self.i += 1
                left = UnaryOp("%", left)
                continue
            if op == ":":
                if min_bp > _RANGE_BP:
                    break
                self.i += 1
                left = BinOp(":", left, self.expr(_RANGE_BP + 1))
                continue
            bp = _BINARY.get(op)
            if bp is None or bp < min_bp:
                break
            self.i += 1
            left = BinOp(op, left, self.expr(bp + 1))  # all left-associative
        return left

    def prefix(self) -> Node:
        t = self.take()
        if t.kind in ("lit", "ref", "name", "struct"):
            assert t.node is not None
            return t.node
        if t.kind == "func":
            return Call(t.text, self.args(")"))
        if t.kind == "op":
            if t.text in ("-", "+"):
                return UnaryOp(t.text, self.expr(_PREFIX_BP))
            if t.text == "@":
                return UnaryOp("@", self.expr(_RANGE_BP))
            if t.text == "(":
                inner = self.expr()
                self.expect(")")
                return inner
            if t.text == "{":
                return self.array()
        raise ParseError(f"unexpected {t.text!r}")

    def args(self, close: str) -> tuple[Node, ...]:
        out: list[Node] = []
        t = self.peek()
        if t is not None and t.kind == "op" and t.text == close:
            self.i += 1
            return ()
        while True:
            t = self.peek()
            if t is not None and t.kind == "op" and t.text in (",", close):
                out.append(Missing())
            else:
                out.append(self.expr())
            t = self.take()
            if t.kind == "op" and t.text == ",":
                continue
            if t.kind == "op" and t.text == close:
                return tuple(out)
            raise ParseError(f"expected ',' or {close!r}, found {t.text!r}")

    def array(self) -> ArrayLit:
        rows: list[tuple[Literal, ...]] = []
        row: list[Literal] = []
        while True:
            t = self.take()
            sign = 1.0
            if t.kind == "op" and t.text in ("-", "+"):
                sign = -1.0 if t.text == "-" else 1.0
                t = self.take()
            if t.kind != "lit" or not isinstance(t.node, Literal):
                raise ParseError("an array constant holds only constants")
            lit = t.node
            if sign < 0:
                if not isinstance(lit.value, float):
                    raise ParseError("bad array constant")
                lit = Literal(-lit.value)
            row.append(lit)
            t = self.take()
            if t.kind == "op" and t.text == ",":
                continue
            if t.kind == "op" and t.text == ";":
                rows.append(tuple(row))
                row = []
                continue
            if t.kind == "op" and t.text == "}":
                rows.append(tuple(row))
                if len({len(r) for r in rows}) != 1:
                    raise ParseError("array constant rows differ in length")
                return ArrayLit(tuple(rows))
            raise ParseError(f"unexpected {t.text!r} in an array constant")


def parse(text: str, row: int = 1, col: int = 1) -> Node:
    """Parse formula ``text`` (without ``=``) written in the cell at ``row``, ``col``."""
    text = text.lstrip()
    if text.startswith("="):
        text = text[1:]
    p = _Parser(_tokens(text, row, col))
    if not p.toks:
        raise ParseError("empty formula")
    node = p.expr()
    if p.peek() is not None:
        raise ParseError(f"unexpected {p.peek().text!r}")  # type: ignore[union-attr]
    return node


# ---------------------------------------------------------------------------------------
# Shape keys

_SHAPE = re.compile(
    r"""
    (?P<skip>"(?:[^"]|"")*"|'(?:[^']|'')*'|\[(?:[^\[\]']|'.|\[(?:[^\]']|'.)*\])*\])
  | (?<![\w.$])(?P<c_abs>\$?)(?P<col>[A-Za-z]{1,3})(?P<r_abs>\$?)(?P<row>\d+)(?![\w.(\[!])
  | (?<![\w.$])(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})(?![\w.(\[!])
  | (?<![\w.$])(?P<rows>\$?\d+:\$?\d+)(?![\w.(\[!])
    """,
    re.VERBOSE,
)


ShapeKey = tuple[str, tuple[int, ...], tuple[str | int, ...], tuple[int, ...]]
_DIGITS = re.compile(r"(\d+)")
_LITERAL, _REL_ROW = 0, 1


class _Plan:
    """Where the relative coordinates are in every formula of one skeleton.

    A skeleton is a formula's text with its digit runs taken out: formulas that differ
    only in their numbers share it, and the regular-expression analysis of one of them
    (which digit runs are relative rows, which letters relative columns) holds for all.
    """

    __slots__ = ("columns", "kinds", "offsets", "rel", "skeleton")

    def __init__(self, skeleton: str, kinds: tuple[int, ...], columns: tuple[int, ...]) -> None:
        self.skeleton = skeleton
        self.kinds = kinds
        self.columns = columns
        self.rel = [k for k, kind in enumerate(kinds) if kind == _REL_ROW]
        self.offsets: dict[int, tuple[int, ...]] = {}

    def template(self, text: str, parts: list[str], row: int) -> str | None:
        """The formula (split on its digit runs: ``parts``) with the number of its row
        written ``ROW_MARK``, when that template has one shape in every row; else None.

        It has when every relative row number is the row itself (``=D7+E7`` in row 7,
        ``=D\x01+E\x01``) and no other digit run contains it (``$B$7`` in row 7, or
        ``D17``, would be taken for the row where they are not).
        """
        mark = str(row)
        rel = self.rel
        j = 0
        for k in range(len(parts) // 2):
            digits = parts[2 * k + 1]
            if j < len(rel) and rel[j] == k:
                j += 1
                if digits != mark:
                    return None
            elif mark in digits:
                return None
        return text.replace(mark, ROW_MARK)

    def column_offsets(self, col: int) -> tuple[int, ...]:
        got = self.offsets.get(col)
        if got is None:
            got = self.offsets[col] = tuple(c - col for c in self.columns)
        return got


_PLANS: dict[str, _Plan] = {}


def _plan(text: str) -> _Plan:
    digits = [m.span() for m in _DIGITS.finditer(text)]
    starts = {start: k for k, (start, _end) in enumerate(digits)}
    kinds = [_LITERAL] * len(digits)
    marks: list[tuple[int, int, str]] = [(a, b, "\x00") for a, b in digits]
    columns: list[int] = []
    for m in _SHAPE.finditer(text):
        if m.group("skip") is not None:
            continue
        if m.group("col") is not None:
            if not m.group("c_abs"):
                columns.append(col_index(m.group("col")))
                marks.append((*m.span("col"), "\x02"))
            if not m.group("r_abs"):
                kinds[starts[m.start("row")]] = _REL_ROW
            continue
        group = "cols" if m.group("cols") is not None else "rows"
        pos = m.start(group)
        for part in m.group(group).split(":"):
            if not part.startswith("$"):
                if group == "cols":
                    columns.append(col_index(part))
                    marks.append((pos, pos + len(part), "\x02"))
                else:
                    kinds[starts[pos]] = _REL_ROW
            pos += len(part) + 1
    out, at = [], 0
    for a, b, mark in sorted(marks):
        out.append(text[at:a] + mark)
        at = b
    out.append(text[at:])
    return _Plan("".join(out), tuple(kinds), tuple(columns))


ROW_MARK = "\x01"
"""What :func:`row_template` writes for a formula's own row number (never in a formula)."""


def _plan_of(parts: list[str], text: str) -> _Plan:
    raw = "\x00".join(parts[0::2])
    plan = _PLANS.get(raw)
    if plan is None:
        if len(_PLANS) >= 4096:
            _PLANS.clear()  # bounded: a long-running process reads many workbooks
        plan = _PLANS[raw] = _plan(text)
    return plan


def row_template(text: str, row: int) -> str | None:
    """``text`` (a formula in ``row``) with its row number replaced by :data:`ROW_MARK`,
    when every formula of that template has the same shape (:func:`shape_key`) in the
    same column whatever its row; else None.

    ``=D7*$B$1`` in row 7 gives ``=D\x01*$B$1``: ``=D8*$B$1`` in row 8 gives the same
    template and has the same shape. Not so for ``=D7+D6`` (a row above), ``=D7*$B$7``
    (an absolute 7) or ``=D7+17`` (a 7 inside another number): those give None, and the
    key is computed from the text. A template turns back into its text exactly
    (``template.replace(ROW_MARK, str(row))``), and replacing one digit run by another
    changes nothing the shape depends on (digits are read as a class), so a template
    seen once stands for its shape in every row: one ``str.replace`` and one dict look-up
    per formula instead of a split.
    """
    if ROW_MARK in text:
        return None
    parts = _DIGITS.split(text)
    return _plan_of(parts, text).template(text, parts, row)


def shape_key(text: str, row: int, col: int) -> ShapeKey:
    """A key equal for two formulas exactly when they differ only by the cell they sit
    in (as their R1C1 forms, :func:`r1c1_shape`, are equal).

    One ``re.split`` per formula: the regular-expression analysis of where relative
    coordinates are is done once per skeleton (the text without its digit runs), so a
    column of 50,000 alike formulas costs 50,000 splits and one analysis.
    """
    return shape_and_template(text, row, col)[0]


def shape_and_template(text: str, row: int, col: int) -> tuple[ShapeKey, str | None]:
    """:func:`shape_key` and :func:`row_template` of one formula, from one split."""
    parts = _DIGITS.split(text)
    plan = _plan_of(parts, text)
    numbers: list[str | int] = list(parts[1::2])
    for k in plan.rel:
        numbers[k] = int(parts[2 * k + 1]) - row
    template = None if ROW_MARK in text else plan.template(text, parts, row)
    return (plan.skeleton, plan.kinds, tuple(numbers), plan.column_offsets(col)), template


def r1c1_shape(text: str, row: int, col: int) -> str:
    """``text`` with each relative cell coordinate replaced by its offset from the cell.

    Equal keys (for cells on one sheet) mean equal formulas up to the cell they sit in,
    so one compiled function serves them all.
    """

    def sub(m: re.Match[str]) -> str:
        if m.group("skip") is not None:
            return m.group(0)
        if m.group("cols") is not None:
            return "|".join(
                p if p.startswith("$") else f"C[{col_index(p) - col}]"
                for p in m.group("cols").split(":")
            )
        if m.group("rows") is not None:
            return "|".join(
                p if p.startswith("$") else f"R[{int(p) - row}]" for p in m.group("rows").split(":")
            )
        c = m.group("col")
        r = m.group("row")
        cs = f"${c.upper()}" if m.group("c_abs") else f"C[{col_index(c) - col}]"
        rs = f"${r}" if m.group("r_abs") else f"R[{int(r) - row}]"
        return rs + cs

    return _SHAPE.sub(sub, text)


def cell_name(row: int, col: int) -> str:
    """(3, 2) -> ``"B3"``."""
    return f"{col_letters(col)}{row}"
