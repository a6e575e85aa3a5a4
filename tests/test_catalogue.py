"""The catalogue is the one declaration of each function; every face reads it.

The xlwings face (``xlcomp.udfs``), the plain-Python functions, the README's table, the
Guide sheet, the refresh engine's registry and the Lite main.py must all say what the
catalogue says: the same names, arguments (optional exactly where there is a default),
descriptions and Wizard texts. A changed entry changes every face.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
from typing import Any

import pytest

from xlcomp import docs, udfs
from xlcomp.refresh.functions import default_udfs
from xlcomp.template import guide
from xlcomp.worksheet import cells
from xlcomp.worksheet.catalogue import BY_NAME, CATALOGUE, KINDS, NAMES, Function, Parameter
from xlcomp.worksheet.face import face_source
from xlcomp.worksheet.functions import FUNCTIONS, worksheet_function

NAMES_LIST = list(NAMES)


def recording_xlwings() -> types.ModuleType:
    """A stand-in xlwings whose decorators record their options on the function."""
    fake = types.ModuleType("xlwings")

    def func(f: Any = None, **options: Any) -> Any:
        def mark(fn: Any) -> Any:
            fn.__recorded__ = {**getattr(fn, "__recorded__", {}), "func": options}
            return fn

        return mark if f is None else mark(f)

    def arg(name: str, **options: Any) -> Any:
        def mark(fn: Any) -> Any:
            rec = getattr(fn, "__recorded__", {})
            fn.__recorded__ = {**rec, "args": {**rec.get("args", {}), name: options}}
            return fn

        return mark

    fake.func, fake.arg = func, arg  # type: ignore[attr-defined]
    return fake


def run_face(source: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The face's source run with the recording xlwings: its namespace."""
    monkeypatch.setitem(sys.modules, "xlwings", recording_xlwings())
    namespace: dict[str, Any] = {"__name__": "face_under_test"}
    exec(compile(source, "face_under_test.py", "exec"), namespace)
    return namespace


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    return run_face(udfs.SOURCE, monkeypatch)


def test_every_face_names_the_same_functions() -> None:
    """udfs, the plain functions, the refresh registry, the docs: the catalogue's names."""
    assert len(CATALOGUE) == len(BY_NAME) == 16
    assert sorted(udfs.__all__) == NAMES_LIST
    assert sorted(FUNCTIONS) == NAMES_LIST
    assert sorted(default_udfs()) == NAMES_LIST
    assert [f.name for f in docs.function_docs()] == [f.name for f in CATALOGUE]


@pytest.mark.parametrize("name", NAMES_LIST)
def test_xlwings_face_matches_the_catalogue(name: str, recorded: dict[str, Any]) -> None:
    """Signature, docstring and every @xw.arg / @xw.func option come from the entry."""
    spec = BY_NAME[name]
    fn = getattr(udfs, name)
    params = list(inspect.signature(fn).parameters.values())
    assert [p.name for p in params] == [p.name for p in spec.params]
    for got, want in zip(params, spec.params, strict=True):
        assert got.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if want.required:
            assert got.default is inspect.Parameter.empty, got.name
        else:
            assert got.default is None, got.name
    assert fn.__doc__ == spec.summary
    assert fn.__name__ == name and fn.__module__ == "xlcomp.udfs"
    face = recorded[name]
    assert face.__recorded__["func"] == {"category": "xlcomp"}
    assert face.__recorded__["args"] == {p.name: {"ndim": 2, "doc": p.wizard} for p in spec.params}


@pytest.mark.parametrize("name", NAMES_LIST)
def test_guide_and_readme_read_the_catalogue(name: str) -> None:
    spec = BY_NAME[name]
    assert guide.signature(name) == spec.signature
    assert guide.wizard_text(name) == spec.summary
    (doc,) = [f for f in docs.function_docs() if f.name == name]
    assert doc.signature == spec.signature
    assert [a.doc for a in doc.arguments] == [p.wizard for p in spec.params]


def test_a_changed_entry_changes_the_face(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parameter added to an entry is an argument of the face, with its Wizard text."""
    spec = BY_NAME["EQUITYEXIT"]
    extra = Parameter("haircut", "rate", "A made-up haircut", 0.25)
    changed = dataclasses.replace(spec, params=(*spec.params, extra))
    namespace = run_face(face_source([changed]), monkeypatch)
    fn = namespace["EQUITYEXIT"]
    assert list(inspect.signature(fn).parameters)[-1] == "haircut"
    assert fn.__recorded__["args"]["haircut"]["doc"] == ("Optional a made-up haircut (default 25%)")
    assert namespace["__all__"] == ["EQUITYEXIT"]


def test_wizard_text_states_the_default() -> None:
    """An optional argument's Wizard text says Optional and its default, once."""
    by = {p.name: p for p in BY_NAME["COUNTERTARGET"].params}
    assert by["uplift"].wizard == "Optional rate to ask above the best offer (default 5%)"
    assert by["floor"].wizard == "Optional walk-away floor (default the competing offer)"
    schedule = {p.name: p for p in BY_NAME["YEARTC"].params}["schedule"]
    assert schedule.wizard.endswith('(default "25/25/25/25")')
    for spec in CATALOGUE:
        for p in spec.params:
            assert len(p.wizard) <= 255 and "\n" not in p.wizard, (spec.name, p.name)
            assert p.wizard.startswith("Optional") != p.required, (spec.name, p.name)


def test_every_kind_has_a_reader() -> None:
    assert KINDS - {"table", "choice"} == set(cells.READERS)
    assert {p.kind for f in CATALOGUE for p in f.params} <= KINDS


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"result": "grid"}, "unknown result shape"),
        ({"summary": "short"}, "one line"),
        (
            {
                "params": (
                    Parameter("a", "money", "A", 0.0),
                    Parameter("b", "money", "B"),
                )
            },
            "b is required after an optional one",
        ),
    ],
)
def test_a_bad_entry_is_refused(change: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(BY_NAME["TOTALCOMP"], **change)


def test_a_bad_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Parameter("x", "moneyish", "X")
    with pytest.raises(ValueError, match="options go with the kind choice"):
        Parameter("x", "choice", "X")


def test_plain_function_binds_like_excel() -> None:
    """Left-out arguments are empty cells; keywords work; too many is one error line."""
    f = FUNCTIONS["TOTALCOMP"]
    assert f(240000, 80000, 0.15) == 356000.0
    assert f(base=240000, equity=80000, bonus_pct=0.15, signon=30000) == 363500.0
    got = f(1, 2, 3, 4, 5, 6)
    assert isinstance(got, str) and got.startswith("#XLCOMP! TOTALCOMP: too many")


def test_new_function_is_one_entry() -> None:
    """A catalogue entry alone makes a working worksheet function (over a core formula)."""
    spec = Function(
        "HALFBASE",
        "Half of a base salary, a function made for this test only.",
        (Parameter("base", "money", "Annual base"),),
        lambda base: base / 2,
        "=HALFBASE(100)",
    )
    fn = worksheet_function(spec)
    assert fn(100.0) == 50.0
    assert fn([[100.0], ["x"]]) == [[50.0], ["#XLCOMP! base: 'x' is not a number"]]
    assert str(inspect.signature(fn)) == "(base)"
