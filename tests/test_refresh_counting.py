"""COUNTIF, COUNTA, AVERAGE, MAX... built without scipy return what Excel (and formulas'
own statistics module) return: hand-worked numbers, and the same result as formulas'."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from xlcomp.refresh.counting import FUNCTIONS
from xlcomp.refresh.values import EMPTY, Array, to_error


def rng(*rows: list[Any]) -> Any:
    """A range as the engine hands it to a function: a 2-D formulas Array."""
    return np.asarray([list(r) for r in rows], dtype=object).view(Array)


NUMS = rng([1.0, 2.0, "x"], [True, EMPTY, 4.0])  # three numbers, text, a boolean, a blank
NAMES = rng(["apple"], ["banana"], ["avocado"], [""])
SCORES = rng([10.0], [20.0], [30.0], [40.0])
ERRS = rng([1.0], [to_error("#N/A")])

# (function, arguments, Excel's result worked by hand)
CASES: list[tuple[str, tuple[Any, ...], Any]] = [
    ("COUNT", (NUMS,), 3),  # 1, 2, 4: text, booleans and blanks in a range are not counted
    ("COUNT", (NUMS, 5.0), 4),
    ("COUNTA", (NUMS,), 5),  # everything but the blank
    ("COUNTA", (NAMES,), 4),  # "" is a value (a formula's empty text)
    ("COUNTBLANK", (NUMS,), 1),
    ("COUNTBLANK", (NAMES,), 1),  # "" counts as blank too
    ("COUNTIF", (SCORES, ">=20"), 3),
    ("COUNTIF", (SCORES, "<>30"), 3),
    ("COUNTIF", (NAMES, "a*"), 2),  # apple, avocado
    ("COUNTIF", (NAMES, "banana"), 1),
    ("COUNTIFS", (SCORES, ">10", NAMES, "a*"), 1),  # 30 with avocado
    ("AVERAGE", (NUMS,), 7 / 3),  # (1 + 2 + 4) / 3
    ("AVERAGE", (rng(["x"]),), to_error("#DIV/0!")),
    ("AVERAGEA", (NUMS,), 8 / 5),  # (1 + 2 + 0 + 1 + 4) / 5: text 0, TRUE 1
    ("AVERAGEIF", (SCORES, ">15"), 30.0),  # (20 + 30 + 40) / 3
    ("AVERAGEIF", (NAMES, "a*", SCORES), 20.0),  # (10 + 30) / 2
    ("AVERAGEIFS", (SCORES, NAMES, "<>banana", SCORES, "<40"), 20.0),  # (10 + 30) / 2
    ("MAX", (NUMS,), 4.0),
    ("MAX", (rng(["x"]),), 0),
    ("MIN", (NUMS, 0.5), 0.5),
    ("MAXA", (rng([True, 0.5]),), 1),
    ("MINA", (rng(["x", 3.0]),), 0),
    ("MAXIFS", (SCORES, NAMES, "a*"), 30.0),
    ("MINIFS", (SCORES, NAMES, "a*"), 10.0),
    ("_XLFN.MAXIFS", (SCORES, SCORES, "<35"), 30.0),
    ("MAX", (ERRS,), to_error("#N/A")),  # errors propagate
    ("COUNT", (ERRS,), 1),  # ...but not through COUNT
]


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        assert v.size == 1
        v = v.item()
    if isinstance(v, np.generic):
        v = v.item()
    return v


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_hand_worked(name: str, args: tuple[Any, ...], expected: Any) -> None:
    """Each function on ranges with numbers, text, booleans, blanks and errors."""
    got = _plain(FUNCTIONS[name](*args))
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-15)
    else:
        assert type(got) is type(expected) or isinstance(got, int | float)
        assert str(got) == str(expected)


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_same_as_formulas(name: str, args: tuple[Any, ...], expected: Any) -> None:
    """The result is exactly formulas' own (its statistics module, scipy and all)."""
    from formulas.functions import stat

    ours = _plain(FUNCTIONS[name](*args))
    theirs = _plain(stat.FUNCTIONS[name](*args))
    assert type(ours) is type(theirs)
    assert str(ours) == str(theirs)


def test_names_are_formulas_names() -> None:
    """Every name provided here is one formulas' statistics module provides."""
    from formulas.functions import stat

    assert set(FUNCTIONS) <= set(stat.FUNCTIONS)
