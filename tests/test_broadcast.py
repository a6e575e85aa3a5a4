"""A call over ranges gives, bit for bit, what one call per cell gives.

The worksheet adapter has three ways to the same result: single values (and 1×1
ranges, as xlwings hands one cell) skip the grids; ranges go through a loop; ranges of
plain numbers for TOTALCOMP and EQUITYVALUE become numpy arrays. Each is checked here
against the simplest one, element by element, with the broadcasting rules written out
again independently: a single value pairs with every element, a column with a column
of the same length, a column with a row gives a block. Results are compared by
``repr`` so that even the sign of a zero must agree. The table cache is checked too:
equal content is parsed once, and ``TRUE == 1`` never serves one table's reading for
another's.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcomp import udfs
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows, level_rows
from xlcomp.worksheet import tables as ws_tables
from xlcomp.worksheet import vector as ws_vector
from xlcomp.worksheet.catalogue import BY_NAME
from xlcomp.worksheet.functions import FUNCTIONS, worksheet_function

GUIDE = load_guide()
TABLES = {"bands": band_rows(GUIDE.bands), "levels": level_rows(GUIDE.levels)}
MULTI = {"COUNTERTARGET": "column", "COUNTERSPLIT": "column", "VESTSCHEDULE": "row"}
HDR = ["region", "level", "component", "min", "max"]

money = st.floats(min_value=0, max_value=5e6, allow_nan=False)
rate = st.floats(min_value=0, max_value=1, allow_nan=False)
GOOD: dict[str, st.SearchStrategy[Any]] = {
    "bonus_pct": rate,
    "uplift": rate,
    "anchor_gap": rate,
    "risk_discount": rate,
    "offer_bonus_pct": rate,
    "tolerance": rate,
    "year": st.integers(min_value=1, max_value=5).map(float),
    "cliff_months": st.sampled_from([0.0, 6.0, 12.0, 18.0, 48.0]),
    "schedule": st.sampled_from(["25/25/25/25", "5/15/40/40", "50/50"]),
    "signon_years": st.sampled_from([1.0, 2.0, 4.0]),
    "vest_years": st.sampled_from([1.0, 3.0, 4.0]),
    "region": st.sampled_from(["San Francisco", "Seattle", "remote us "]),
    "from_region": st.sampled_from(["San Francisco", "Seattle"]),
    "to_region": st.sampled_from(["Remote US", "Seattle"]),
    "level": st.sampled_from(["Senior SWE", "E5", "L5"]),
    "component": st.sampled_from(["base", "equity", "bonus", "tc"]),
    "stat": st.sampled_from(["min", "mid", "max", "spread"]),
    "method": st.sampled_from(["linear", "lognormal"]),
    "low_pct": st.sampled_from([5.0, 10.0, 25.0]),
    "high_pct": st.sampled_from([75.0, 90.0]),
    "company": st.sampled_from(["Google", "Together AI", "Meta"]),
    "to_company": st.sampled_from(["Google", "Amazon"]),
    "dilution": st.floats(min_value=0, max_value=0.5, allow_nan=False),
    "rounds": st.integers(min_value=0, max_value=5).map(float),
    "start_date": st.integers(min_value=43000, max_value=46000).map(float),
    "as_of": st.integers(min_value=44000, max_value=48000).map(float),
}
BAD = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(["", " ", "abc", "15%", "$240K", "-1", "nan"]),
    st.sampled_from([-1.0, -0.0, 0.0, 1.0, 1.5, 15.0, 1e308, math.nan, math.inf, 5e-324]),
    st.integers(min_value=-3, max_value=300_000),
)


def _cell(name: str) -> st.SearchStrategy[Any]:
    good = GOOD.get(name, money)
    return st.one_of(good, good, good, BAD)


@contextmanager
def vectorized(on: bool) -> Iterator[None]:
    """Turn the numpy path on or off for the duration."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ws_vector, "VECTOR", on)
        yield


def _pick(arg: Any, i: int, j: int) -> Any:
    """The cell of a rectangular grid (or a single value) at (i, j), Excel-style."""
    if not isinstance(arg, list):
        return arg
    row = arg[i if len(arg) > 1 else 0]
    return row[j if len(row) > 1 else 0]


def _shape(arg: Any) -> tuple[int, int]:
    return (len(arg), len(arg[0])) if isinstance(arg, list) else (1, 1)


def _flat(value: Any) -> list[Any]:
    """The values of one element's result: a spilled row or column, or one value."""
    if isinstance(value, list):
        return [v for row in value for v in row]
    return [value]


def expected(name: str, args: list[Any]) -> Any:
    """What one call per element gives, assembled the way the contract says."""
    fn = getattr(udfs, name)
    params = list(inspect.signature(fn).parameters)
    tables = [p in TABLES for p in params]
    spread = [a for a, t in zip(args, tables, strict=True) if not t]
    n_rows = max(_shape(a)[0] for a in spread)
    n_cols = max(_shape(a)[1] for a in spread)
    grid = [
        [
            fn(*[a if t else _pick(a, i, j) for a, t in zip(args, tables, strict=True)])
            for j in range(n_cols)
        ]
        for i in range(n_rows)
    ]
    multi = MULTI.get(name)
    if multi is None:
        return grid[0][0] if n_rows == n_cols == 1 else grid
    if n_rows == n_cols == 1:
        return grid[0][0]
    values = [v for row in grid for v in row]
    width = max((len(_flat(v)) for v in values if isinstance(v, list)), default=1)
    padded = [_flat(v) + [""] * (width - len(_flat(v))) for v in values]
    if n_cols == 1:
        return padded
    return [[p[k] for p in padded] for k in range(width)]


@st.composite
def broadcast_calls(draw: st.DrawFn, name: str) -> list[Any]:
    """Arguments where one or two vary: a column (up to 100 long), a row, or both."""
    params = list(inspect.signature(getattr(udfs, name)).parameters)
    plain = [p for p in params if p not in TABLES]
    varying = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=2, unique=True))
    n = draw(st.integers(min_value=1, max_value=100))
    m = draw(st.integers(min_value=1, max_value=4))
    shapes = draw(st.sampled_from(["column", "row", "both"]))
    if name in MULTI:
        shapes = "column" if MULTI[name] == "column" or shapes == "both" else shapes
    args: list[Any] = []
    kinds = {p.name: p.kind for p in BY_NAME[name].params}
    for k, p in enumerate(params):
        if p in TABLES:
            args.append(TABLES[p])
        elif p in varying:
            as_row = shapes == "row" or (shapes == "both" and k == params.index(varying[-1]))
            as_row = as_row and kinds[p] != "signon"  # a row of sign-ons is amounts by year
            cells = draw(
                st.lists(_cell(p), min_size=m if as_row else n, max_size=m if as_row else n)
            )
            args.append([cells] if as_row else [[c] for c in cells])
        else:
            args.append(draw(st.one_of(_cell(p), _cell(p).map(lambda v: [[v]]))))
    return args


def _check_broadcast(name: str, args: list[Any]) -> None:
    fn = getattr(udfs, name)
    exp = expected(name, args)
    for on in (True, False):
        with vectorized(on):
            assert repr(fn(*args)) == repr(exp), f"vectorized={on}"


def _property(name: str) -> Any:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(args=broadcast_calls(name))
    def run(args: list[Any]) -> None:
        _check_broadcast(name, args)

    return run


@pytest.mark.parametrize("name", [n for n in udfs.__all__ if n != "CHECKBANDS"], ids=str)
def test_broadcast_equals_one_call_per_element(name: str) -> None:
    """Columns, rows and blocks of good and bad cells: each position is its own call."""
    _property(name)()


plain_money = st.one_of(
    money,
    st.sampled_from([0.0, -0.0, 1.0, 1e15, 1e300, 5e-324, -1.0, math.inf, math.nan]),
    st.integers(min_value=0, max_value=2**53),
)


@settings(max_examples=100, deadline=None)
@given(
    cols=st.integers(min_value=64, max_value=300).flatmap(
        lambda n: st.tuples(
            *[st.lists(plain_money, min_size=n, max_size=n) for _ in range(3)],
            st.lists(st.one_of(rate, plain_money), min_size=n, max_size=n),
        )
    ),
    signon=st.one_of(st.none(), money, st.just(-0.0)),
)
def test_arrays_give_the_bits_of_the_scalar_core(
    cols: tuple[list[Any], ...], signon: float | None
) -> None:
    """TOTALCOMP and EQUITYVALUE over long columns of numbers (the numpy path) equal the
    calls one per row, to the bit, errors included."""
    a, b, c, r = ([[v] for v in col] for col in cols)
    for name, args in (
        ("TOTALCOMP", [a, b, r, signon, None]),
        ("EQUITYVALUE", [a, b, c, None, r]),
        ("EQUITYVALUE", [a, b, signon, [[2.0]], r]),
    ):
        exp = expected(name, args)
        with vectorized(True):
            assert repr(getattr(udfs, name)(*args)) == repr(exp), name


def test_the_array_path_is_taken() -> None:
    """A long column of floats goes through numpy (so the property above tests it)."""
    calls: list[int] = []
    spec = BY_NAME["TOTALCOMP"]
    original = spec.vector
    assert original is ws_vector.totalcomp_arrays

    def counting(*arrays: Any) -> Any:
        calls.append(len(arrays))
        return original(*arrays)

    col = [[float(i)] for i in range(100)]
    with pytest.MonkeyPatch.context() as mp:
        counted = worksheet_function(dataclasses.replace(spec, vector=counting))
        mp.setitem(FUNCTIONS, "TOTALCOMP", counted)
        mp.setattr(ws_vector, "VECTOR", True)
        udfs.TOTALCOMP(col, col, 0.1)
    assert calls == [5]


def test_a_short_range_is_an_error_in_its_missing_positions() -> None:
    """Columns of different lengths: the extra positions name the shorter argument."""
    got = udfs.TOTALCOMP([[1.0], [2.0], [3.0]], [[10.0], [20.0]], 0.5)
    assert got[:2] == [[11.5], [23.0]]
    assert got[2][0].startswith("#XLCOMP! equity: no value at this position")


def test_ragged_rows_broadcast_like_excel() -> None:
    """A ragged grid reads its first row's width; the missing cells are errors."""
    got = udfs.TOTALCOMP([[1.0, 2.0], [3.0]], 0.0, 0.0)
    assert got[0] == [1.0, 2.0]
    assert got[1][0] == 3.0
    assert got[1][1].startswith("#XLCOMP! base: no value at this position")


# --- the table cache ---------------------------------------------------------------


@contextmanager
def counting_parses() -> Iterator[list[int]]:
    """Count how often a bands table is really parsed, from an empty cache."""
    parses: list[int] = []
    original = ws_tables.parse_bands

    def counting(rows: Any) -> Any:
        parses.append(len(rows))
        return original(rows)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ws_tables, "parse_bands", counting)
        ws_tables.CACHE.clear()
        try:
            yield parses
        finally:
            ws_tables.CACHE.clear()


def test_equal_content_is_parsed_once() -> None:
    """Fresh copies of one table (as each Excel call hands it) share one parse."""
    bands = TABLES["bands"]
    with counting_parses() as parses:
        for _ in range(3):
            copy = [list(row) for row in bands]
            assert udfs.BANDLOOKUP("San Francisco", "Senior SWE", "base", copy) == 215000.0
        assert parses == [len(bands)]


def _table(min_cell: object, region: object = "R") -> list[list[object]]:
    return [HDR, [region, "L", "base", min_cell, 1e9]]


CACHE_CASES = [
    # (first table, second table: equal in Python, read differently, its min)
    ("TRUE vs 1", _table(1.0), _table(True), "#XLCOMP! bands: bands row 2: min: TRUE"),
    ("FALSE vs 0", _table(0.0), _table(False), "#XLCOMP! bands: bands row 2: min: FALSE"),
    ("1 vs TRUE", _table(True), _table(1.0), 1.0),
    ("int 1 vs 1.0", _table(1), _table(1.0), 1.0),
]


@pytest.mark.parametrize(
    ("first", "second", "exp"), [c[1:] for c in CACHE_CASES], ids=[c[0] for c in CACHE_CASES]
)
def test_cache_keeps_equal_values_of_other_types_apart(
    first: list[list[object]], second: list[list[object]], exp: object
) -> None:
    """``TRUE == 1`` and ``hash(TRUE) == hash(1)``: the second table is read for itself."""
    with counting_parses():
        udfs.BANDLOOKUP("R", "L", "base", first, "min")
        got = udfs.BANDLOOKUP("R", "L", "base", second, "min")
    if isinstance(exp, str):
        assert isinstance(got, str) and got.startswith(exp), got
    else:
        assert got == exp and type(got) is float


@pytest.mark.parametrize(
    ("first", "second", "key"),
    [
        (True, 1.0, "1"),
        (1.0, True, "TRUE"),
        (1e15, 10**15, "1000000000000000"),
        (10**15, 1e15, "1000000000000000.0"),
    ],
    ids=["TRUE then 1", "1 then TRUE", "1e15 then int", "int then 1e15"],
)
def test_cache_keeps_text_keys_of_other_types_apart(
    first: object, second: object, key: str
) -> None:
    """A number used as a region reads as Excel shows it: 1 -> "1", TRUE -> "TRUE"."""
    with counting_parses():
        udfs.BANDLOOKUP("x", "L", "base", _table(1.0, first))
        got = udfs.BANDLOOKUP(key, "L", "base", _table(1.0, second), "min")
    assert got == 1.0


def test_cache_keeps_the_sign_of_zero() -> None:
    """0.0 == -0.0, yet a band min of -0.0 is returned as -0.0."""
    with counting_parses() as parses:
        assert repr(udfs.BANDLOOKUP("R", "L", "base", _table(0.0), "min")) == "0.0"
        assert repr(udfs.BANDLOOKUP("R", "L", "base", _table(-0.0), "min")) == "-0.0"
        assert repr(udfs.BANDLOOKUP("R", "L", "base", _table(0.0), "min")) == "0.0"
        assert len(parses) == 3


def test_cache_is_bounded() -> None:
    """Many distinct tables keep at most ``size`` entries, dropping the oldest."""
    with counting_parses() as parses:
        for k in range(ws_tables.CACHE.size + 10):
            assert udfs.BANDLOOKUP("R", "L", "base", _table(float(k + 2)), "min") == k + 2
        assert len(ws_tables.CACHE) == ws_tables.CACHE.size
        udfs.BANDLOOKUP("R", "L", "base", _table(2.0), "min")  # the oldest: dropped
        udfs.BANDLOOKUP("R", "L", "base", _table(float(ws_tables.CACHE.size + 11)), "min")  # kept
        assert len(parses) == ws_tables.CACHE.size + 11


def test_a_table_that_cannot_be_a_key_is_still_read() -> None:
    """A cell that is itself a list (no Excel sends one) is read, not cached."""
    table = [HDR, ["R", "L", "base", 1.0, 5.0, ["extra"]]]
    with counting_parses() as parses:
        assert udfs.BANDLOOKUP("R", "L", "base", table, "max") == 5.0
        assert udfs.BANDLOOKUP("R", "L", "base", table, "max") == 5.0
        assert len(parses) == 2 and len(ws_tables.CACHE) == 0


ODD_BANDS = [
    HDR,
    ["Z", "L1", "base", 100.0, 100.0],  # no width: BANDPERCENTILE's error
    ["Z", "L1", "equity", 0.0, 0.0],  # a mid of 0: COMPARATIO's error
    ["Z", "L1", "bonus", 0.1, 0.2],
    ["Z", "L2", "base", 100000.0, 150000.0],
    ["Z", "L2", "equity", -50.0, 50.0],  # a mid of 0 with a width
]
band_value = st.one_of(
    plain_money,
    rate,
    st.sampled_from([-1.0, 1.5, 15.0, "12%", "$120K", "", None, True, "#XLCOMP! base: x"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.integers(min_value=64, max_value=160).flatmap(
        lambda n: st.tuples(
            st.lists(band_value, min_size=n, max_size=n),
            st.lists(
                st.sampled_from(["San Francisco", "Z", "z ", "Nowhere", 3.0]),
                min_size=n,
                max_size=n,
            ),
            st.lists(
                st.sampled_from(["Senior SWE", "L1", "L2", "", "Staff"]), min_size=n, max_size=n
            ),
            st.lists(
                st.sampled_from(["base", "equity", "bonus", "BONUS", "tc", "stock"]),
                min_size=n,
                max_size=n,
            ),
            st.one_of(
                st.sampled_from([None, "linear", "lognormal"]),
                st.lists(st.sampled_from(["linear", "lognormal", None]), min_size=n, max_size=n),
            ),
        )
    ),
    odd=st.booleans(),
)
def test_band_arrays_give_the_bits_of_the_scalar_core(data: tuple[Any, ...], odd: bool) -> None:
    """BANDPERCENTILE and COMPARATIO over long columns (the numpy path, a band looked up
    once per region, level and component) equal the calls one per row, to the bit:
    unknown regions and components, bonus values read as rates, bands of no width or a
    mid of 0, lognormal rows and bad cells each give the scalar path's value or error."""
    values, regions, levels, components, method = data
    col = [[v] for v in values]
    region, level, component = ([[v] for v in c] for c in (regions, levels, components))
    bands = ODD_BANDS if odd else TABLES["bands"]
    methods = [[m] for m in method] if isinstance(method, list) else method
    for name, args in (
        ("BANDPERCENTILE", [col, region, level, component, bands, methods, None, None, None]),
        ("COMPARATIO", [col, region, level, component, bands, None]),
        ("COMPARATIO", [col, "Z", "L2", "base", ODD_BANDS, None]),
    ):
        exp = expected(name, args)
        with vectorized(True):
            assert repr(getattr(udfs, name)(*args)) == repr(exp), name


def test_the_band_array_path_is_taken() -> None:
    """Long columns of good values go through numpy (so the property above tests it),
    each distinct band looked up once."""
    looked: list[tuple[Any, ...]] = []
    original = ws_vector._bands.band_range

    def counting(table: Any, *key: Any) -> Any:
        looked.append(key)
        return original(table, *key)

    n = 200
    col = [[185000.0 + 100.0 * i] for i in range(n)]
    regions = [["San Francisco"] if i % 2 else ["Seattle"] for i in range(n)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ws_vector._bands, "band_range", counting)
        mp.setattr(ws_vector, "VECTOR", True)
        got = udfs.COMPARATIO(col, regions, "Senior SWE", "base", TABLES["bands"])
    assert sorted(looked) == [
        ("San Francisco", "Senior SWE", "base", None),
        ("Seattle", "Senior SWE", "base", None),
    ]
    # SF Senior SWE base band 185,000-245,000: mid 215,000.
    assert got[1] == [185100.0 / 215000.0]
