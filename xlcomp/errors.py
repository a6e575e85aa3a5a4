"""One error hierarchy for xlcomp.

Every error a user can meet is an :class:`XlcompError`. Its message is one line that
names what is wrong and where: the argument (``base``), the table row (``Bands!D7``),
the file, sheet and cell. Worksheet functions turn these into ``#XLCOMP! …`` text;
commands print them and exit non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass


class XlcompError(Exception):
    """Base class of every error xlcomp reports to a user."""


class InputError(XlcompError):
    """A worksheet-function argument is missing, of the wrong type or out of range."""

    def __init__(self, arg: str, message: str) -> None:
        self.arg = arg
        self.message = message
        super().__init__(f"{arg}: {message}" if arg else message)


class NotFoundError(InputError):
    """A key (region, level, component, company) is not in a table.

    The message reads ``region 'SFO' not in bands (known: ...)``: the argument, then the
    value quoted, then what is wrong.
    """

    def __init__(self, arg: str, message: str) -> None:
        super().__init__(arg, message)
        Exception.__init__(self, f"{arg} {message}")


@dataclass(frozen=True)
class Problem:
    """One problem found in a table: where it is (data row, column) and what it is."""

    message: str
    row: int | None = None
    """0-based index of the row in the range as given (the header row, when present, is
    row 0); None for the table as a whole."""
    column: str | None = None
    """The column the problem sits in, when there is one."""
    other_row: int | None = None
    """A second row the problem names (duplicates)."""
    warning: bool = False
    """True when no function fails because of it (a published tc range off the range its
    components give): ``build --data`` warns and still builds."""


class TableError(XlcompError):
    """A bands or levels table cannot be used; carries every problem found."""

    def __init__(self, table: str, problems: list[Problem]) -> None:
        self.table = table
        self.problems = problems
        first = problems[0].message if problems else "invalid table"
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{table}: {first}{more}")


class DataError(XlcompError):
    """A data file (bands, levels, levers, sources) is invalid."""


class SourceError(DataError):
    """The new bands and levels given to ``xlcomp update`` have problems; carries each one."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{origin}: {problems[0] if problems else 'invalid'}{more}")


class WorkbookError(XlcompError):
    """A workbook cannot be read or written; the message names the file."""


class PathError(XlcompError):
    """A path given to a command cannot be used: not a workbook, the input itself, a
    missing or read-only folder, a suffix that does not match what would be written."""


class UnsafeWorkbookError(WorkbookError):
    """A workbook breaks a safety limit (zip bomb, XML entities, bad part names)."""


class FormulaError(XlcompError):
    """A formula cannot be evaluated; the message names the sheet and the cell."""


class ToolMissingError(XlcompError):
    """An outside program (LibreOffice, pdftoppm) is needed and not installed."""
