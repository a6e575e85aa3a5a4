"""Every function, fed whatever Excel can send, answers with a cell value.

Excel (through xlwings, ``ndim=2``) hands a function ``None`` for an empty or omitted
argument, a float, a string, a boolean, a date (a ``datetime`` in classic xlwings, a
serial number otherwise), an int (xlwings Lite, for whole numbers), or a 2-D list of
those: 1×1, a row, a column, a block; a formula engine may give a ragged or empty list.
Tables arrive with missing, extra, renamed or garbage columns. Whatever comes:

* no exception escapes and no text carries a traceback or a line break;
* no NaN or infinity reaches a cell (Excel would show ``#NUM!`` with no message);
* a spilled result is a rectangular 2-D list, as xlwings requires;
* every error is ``#XLCOMP! `` followed by the name of one of the function's arguments.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcomp import udfs
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows, level_rows

GUIDE = load_guide()
BANDS = band_rows(GUIDE.bands)
LEVELS = level_rows(GUIDE.levels)
TABLES = {"bands": BANDS, "levels": LEVELS}

WORDS = [
    "San Francisco",
    " seattle ",
    "Remote US",
    "Senior SWE",
    "senior swe",
    "base",
    "equity",
    "bonus",
    "tc",
    "BASE",
    "stock",
    "mid",
    "min",
    "max",
    "spread",
    "linear",
    "lognormal",
    "Google",
    "Together AI",
    "Meta",
    "E5",
    "25/25/25/25",
    "5/15/40/40",
    "50/40",
    "a/b",
    "15%",
    "150%",
    "-5%",
    "$240K",
    "240,000",
    "(5)",
    "1e308",
    "nan",
    "inf",
    "-0",
    "#N/A",
    "=1+1",
]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [0.0, -0.0, 1.0, 0.15, 15.0, 4.0, 12.0, 10.0, 90.0, 240000.0, 295000.0, 1e308, -1e308]
    ),
    st.sampled_from([5e-324, -5e-324, 1e-300, 45292.0, math.nan, math.inf, -math.inf]),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.just(10**400),  # a whole number no float can hold
)
texts = st.one_of(
    st.sampled_from(WORDS),
    st.just(""),
    st.text(alphabet=" \t\n", max_size=3),
    st.text(max_size=12),
)
cells = st.one_of(
    st.none(),
    numbers,
    texts,
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


def _ranges(cell: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value in every shape Excel or a formula engine can hand over."""
    row = st.lists(cell, min_size=1, max_size=4)
    return st.one_of(
        cell,
        cell.map(lambda v: [[v]]),
        row.map(lambda r: [r]),
        row.map(lambda r: [[v] for v in r]),
        st.integers(min_value=1, max_value=3).flatmap(
            lambda w: st.lists(st.lists(cell, min_size=w, max_size=w), min_size=2, max_size=3)
        ),
        st.lists(st.lists(cell, max_size=3), min_size=1, max_size=3),  # ragged, empty rows
        st.just([]),
        st.just([[]]),
        row,  # a 1-D list reads as a column
    )


@st.composite
def tables(draw: st.DrawFn, kind: str) -> Any:
    """The guide's table, mutated: columns dropped, added, renamed, cells garbled."""
    rows = [list(r) for r in TABLES[kind]]
    if draw(st.booleans()):
        return draw(st.one_of(cells, _ranges(cells)))
    width = len(rows[0])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        action = draw(st.sampled_from(["drop", "extra", "rename", "cell", "rows"]))
        if action == "drop" and width > 1:
            c = draw(st.integers(min_value=0, max_value=width - 1))
            rows = [r[:c] + r[c + 1 :] for r in rows]
            width -= 1
        elif action == "extra":
            rows = [[*r, draw(cells)] for r in rows]
            width += 1
        elif action == "rename":
            c = draw(st.integers(min_value=0, max_value=width - 1))
            rows[0][c] = draw(st.one_of(texts, cells))
        elif action == "cell":
            r = draw(st.integers(min_value=0, max_value=len(rows) - 1))
            c = draw(st.integers(min_value=0, max_value=width - 1))
            rows[r][c] = draw(cells)
        else:
            keep = draw(st.integers(min_value=0, max_value=len(rows)))
            return rows[:keep] or [[]]
    return rows


def _arguments(name: str) -> list[str]:
    return list(inspect.signature(getattr(udfs, name)).parameters)


@st.composite
def calls(draw: st.DrawFn, name: str) -> list[Any]:
    """Arguments for one call of ``name``; optional ones are sometimes left out."""
    params = inspect.signature(getattr(udfs, name)).parameters.values()
    args: list[Any] = []
    for p in params:
        if p.name in TABLES:
            args.append(draw(tables(p.name)))
        elif p.default is not inspect.Parameter.empty and draw(st.booleans()):
            args.append(None)
        else:
            args.append(draw(_ranges(cells)))
    return args


ERROR = re.compile(r"^#XLCOMP! ([a-z_]+)[ :,]")


def _check_cell(value: object, names: list[str]) -> None:
    assert type(value) in (float, int, str), f"{type(value).__name__} in a cell: {value!r}"
    if isinstance(value, float):
        assert math.isfinite(value), f"{value} reaches a cell"
    if isinstance(value, str):
        assert "\n" not in value and "Traceback" not in value, value
        if value.startswith("#"):
            m = ERROR.match(value)
            assert m, f"not an #XLCOMP! line naming an argument: {value!r}"
            assert m.group(1) in names, f"{m.group(1)!r} is not an argument: {value!r}"
            assert "internal error" not in value, value


def check_result(got: object, names: list[str]) -> None:
    """A scalar cell or a rectangular 2-D list of cells, each one a proper cell."""
    if isinstance(got, list):
        assert got and all(isinstance(r, list) for r in got), got
        widths = {len(r) for r in got}
        assert len(widths) == 1 and widths != {0}, f"ragged result: {got!r}"
        for row in got:
            for v in row:
                _check_cell(v, names)
    else:
        _check_cell(got, names)


def _fuzz(name: str) -> Any:
    names = _arguments(name)

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(args=calls(name))
    def run(args: list[Any]) -> None:
        check_result(getattr(udfs, name)(*args), names)

    return run


@pytest.mark.parametrize("name", udfs.__all__, ids=str)
def test_any_input_gives_a_cell_value(name: str) -> None:
    """Random values of every shape: no exception, no NaN, errors name an argument."""
    _fuzz(name)()


BAD = [
    ("TOTALCOMP", (10**400, 1.0, 0.1), "base"),
    ("TOTALCOMP", (1e308, 1e308, 0.5), "base"),
    ("TOTALCOMP", (1.0, 1.0, 0.1, 1.0, 5e-324), "signon_years"),
    ("EQUITYVALUE", (1e308, 1e308), "shares"),
    ("COUNTERSCRIPT", (1.0, 1e308, 1e308, 0.5, 1.0), "base"),
    ("REGIONADJUST", (1.0, "Mars", "Seattle", BANDS), "from_region"),
    ("REGIONADJUST", (1.0, "Seattle", "Mars", BANDS), "to_region"),
    ("COUNTERSPLIT", (1.0, "R", "L", [["region", "level", "component", "min", "max"]]), "bands"),
    (
        "COUNTERSPLIT",
        (1.0, "R", "L", [["region", "level", "component", "min", "max"], ["R", "L", "base", 1, 2]]),
        "bands",
    ),
    ("VESTSCHEDULE", ([[1.0, 2.0], [3.0, 4.0]],), "equity_grant"),
    ("BANDLOOKUP", ("R", "L", "base", [[["nested"]]]), "bands"),
]


@pytest.mark.parametrize(("name", "args", "arg"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD])
def test_hard_cases_name_an_argument(name: str, args: tuple[Any, ...], arg: str) -> None:
    """Overflow, a zero that divides, an unknown region on either side, a grid where a
    function spills several values: each one a message that starts with an argument."""
    got = getattr(udfs, name)(*args)
    check_result(got, _arguments(name))
    text = got if isinstance(got, str) else got[0][0]
    assert isinstance(text, str) and text.startswith(f"#XLCOMP! {arg}"), text
