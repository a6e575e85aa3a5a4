"""What Excel's Function Wizard is given, proven without Excel by xlwings' own code.

Classic xlwings registers worksheet functions with *Import Functions*:
``xlwings.udfs.import_udfs`` writes a VBA module ``xlwings_udfs`` (one
``Function NAME(args)`` wrapper per function), imports it into the workbook and calls
``Application.MacroOptions`` with each function's description, category and argument
descriptions. That code imports pywin32, so it runs only on Windows. Here the pywin32
modules are stubbed, ``xlcomp/udfs.py`` is loaded with xlwings' real decorators
(``xlfunc``/``xlarg``, which on Linux ``xlwings.func`` does not use), and a fake workbook
records the VBA file and every ``MacroOptions`` call. The expected signatures come from
the function contract, ``docs/functions.md``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import xlwings

from xlcomp import udfs

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "functions.md"
BOOK_NAME = "negotiation.xlsm"

# VBA keywords that cannot name a parameter (VBA language reference, "Keywords").
_VBA_KEYWORDS = """and as boolean byref byte byval call case const currency date decimal declare
    defbool defbyte defcur defdate defdbl defdec defint deflng deflnglng deflngptr defobj
    defsng defstr defvar dim do double each else elseif empty end endif enum eqv erase
    error event exit false for friend function get global gosub goto if imp implements
    in integer is let lib like long longlong longptr loop lset me mod new next not
    nothing null on option optional or paramarray preserve private property public
    raiseevent redim rem resume return rset select set single static step stop string
    sub then to true type typeof until variant wend while with withevents xor"""
VBA_RESERVED = frozenset(_VBA_KEYWORDS.split())


class _ComError(Exception):
    """Stands in for pywintypes.com_error."""


class _Components:
    """``Workbook.VBProject.VBComponents``: records the VBA files imported."""

    def __init__(self) -> None:
        self.imported: list[str] = []

    def __call__(self, name: str) -> Any:
        raise _ComError(f"no component {name}")  # a first import: nothing to remove

    def Remove(self, component: object) -> None:
        raise AssertionError("nothing to remove in a new workbook")

    def Import(self, path: str) -> None:
        self.imported.append(Path(path).read_text(encoding="utf-8"))


@dataclass
class _Application:
    """``Workbook.Application``: an Excel 2016+ that records ``MacroOptions``."""

    Version: str = "16.0"
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def MacroOptions(self, macro: str, **options: Any) -> None:
        self.calls.append((macro, options))

    def Run(self, *args: object) -> None:
        raise AssertionError(f"the import fell back to a macro: {args}")


@dataclass
class _Workbook:
    """The few members of an Excel Workbook COM object that ``import_udfs`` touches."""

    Name: str
    Application: _Application = field(default_factory=_Application)
    VBProject: types.SimpleNamespace = field(
        default_factory=lambda: types.SimpleNamespace(VBComponents=_Components())
    )


@dataclass(frozen=True)
class Imported:
    """What Import Functions produced for ``xlcomp.udfs``."""

    vba: str
    options: dict[str, dict[str, Any]]
    """Function name -> its MacroOptions keyword arguments."""
    module: types.ModuleType
    """``xlcomp/udfs.py`` as loaded with xlwings' Windows decorators."""


def _pywin32_stubs() -> dict[str, types.ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pythoncom.IID_IDispatch = object()  # type: ignore[attr-defined]
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a: None  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    return {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
    }


@pytest.fixture(scope="module")
def imported() -> Imported:
    """Run xlwings' Import Functions on ``xlcomp.udfs`` against a recording workbook."""
    with pytest.MonkeyPatch.context() as mp:
        for name, stub in _pywin32_stubs().items():
            mp.setitem(sys.modules, name, stub)
        mp.delitem(sys.modules, "xlwings.udfs", raising=False)
        xlw_udfs = importlib.import_module("xlwings.udfs")
        try:
            mp.setattr(xlw_udfs, "__pro__", False)
            mp.setattr(xlwings, "func", xlw_udfs.xlfunc)
            mp.setattr(xlwings, "arg", xlw_udfs.xlarg)
            mp.setattr(xlwings, "ret", xlw_udfs.xlret)
            path = Path(udfs.__file__)
            spec = importlib.util.spec_from_file_location("xlcomp.udfs", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)  # not in sys.modules: xlcomp.udfs stays as it was
            mp.setitem(
                xlw_udfs.udf_modules,
                "xlcomp.udfs",
                {"filename": str(path), "filetime": None, "module": module},
            )
            book = _Workbook(BOOK_NAME)
            xlw_udfs.import_udfs("xlcomp.udfs", book)
        finally:
            sys.modules.pop("xlwings.udfs", None)
            if hasattr(xlwings, "udfs"):
                delattr(xlwings, "udfs")
    (vba,) = book.VBProject.VBComponents.imported
    prefix = f"'{BOOK_NAME}'!"
    options = {}
    for macro, kwargs in book.Application.calls:
        assert macro.startswith(prefix), macro
        options[macro.removeprefix(prefix)] = kwargs
    return Imported(vba=vba, options=options, module=module)


def _contract() -> dict[str, list[tuple[str, bool]]]:
    """Each function of the contract: its arguments, and whether each is optional."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for m in re.finditer(r"^\| `([A-Z]+)\((.*?)\)` \|", CONTRACT.read_text(), re.MULTILINE):
        args = []
        for part in m.group(2).split(", "):
            name = re.sub(r"=.*$", "", part.strip())
            args.append((name.strip("[]"), name.startswith("[")))
        found[m.group(1)] = args
    return found


CONTRACT_FUNCTIONS = _contract()


def _defaults() -> dict[tuple[str, str], str]:
    """(function, argument) -> the default the contract gives, as written there."""
    found: dict[tuple[str, str], str] = {}
    for m in re.finditer(r"^\| `([A-Z]+)\((.*?)\)` \|", CONTRACT.read_text(), re.MULTILINE):
        for d in re.finditer(r"\[(\w+)\]=(\"[^\"]*\"|[^,)]+)", m.group(2)):
            found[(m.group(1), d.group(1))] = d.group(2).strip('"')
    return found


def test_contract_lists_every_function() -> None:
    """The contract's table and ``udfs.__all__`` name the same 16 functions."""
    assert sorted(CONTRACT_FUNCTIONS) == sorted(udfs.__all__)
    assert len(udfs.__all__) == 16


def test_vba_module_has_one_function_per_worksheet_function(imported: Imported) -> None:
    """The generated module wraps exactly the functions of ``__all__``, nothing else."""
    got = re.findall(r"^(?:Function|Sub) (\w+)\(", imported.vba, re.MULTILINE)
    assert sorted(got) == sorted(udfs.__all__)
    assert imported.vba.startswith('Attribute VB_Name = "xlwings_udfs"')


@pytest.mark.parametrize("name", sorted(CONTRACT_FUNCTIONS), ids=str)
def test_function_line_matches_the_contract(imported: Imported, name: str) -> None:
    """``Function NAME(a, b, Optional c)``: the contract's arguments, in order, Optional
    exactly where the contract has a default."""
    args = ", ".join(("Optional " if opt else "") + arg for arg, opt in CONTRACT_FUNCTIONS[name])
    exp = f"Function {name}({args})"
    lines = [ln for ln in imported.vba.splitlines() if ln.startswith(f"Function {name}(")]
    assert lines == [exp]


@pytest.mark.parametrize("name", sorted(CONTRACT_FUNCTIONS), ids=str)
def test_wrapper_calls_python_by_the_same_name(imported: Imported, name: str) -> None:
    """The wrapper calls ``xlcomp.udfs.NAME`` with every argument, from this workbook."""
    args = ", ".join(arg for arg, _ in CONTRACT_FUNCTIONS[name])
    exp = (
        f'{name} = XLPy.CallUDF("xlcomp.udfs", "{name}", Array({args}), '
        "ThisWorkbook, Application.Caller)"
    )
    assert exp in [ln.strip() for ln in imported.vba.splitlines()]


@pytest.mark.parametrize("name", sorted(CONTRACT_FUNCTIONS), ids=str)
def test_wizard_description_and_category(imported: Imported, name: str) -> None:
    """The Wizard shows the docstring as a one-line description under category xlcomp."""
    opts = imported.options[name]
    description = opts["Description"]
    assert description == getattr(udfs, name).__doc__
    assert "\n" not in description and 20 <= len(description) <= 255
    assert not description.startswith("Python function")  # xlwings' placeholder
    assert opts["Category"] == "xlcomp"


@pytest.mark.parametrize("name", sorted(CONTRACT_FUNCTIONS), ids=str)
def test_every_argument_is_described(imported: Imported, name: str) -> None:
    """One description per argument, one line, at most 255 characters (Excel's limit);
    an optional argument's says Optional and gives the contract's default."""
    docs = imported.options[name]["ArgumentDescriptions"]
    contract = CONTRACT_FUNCTIONS[name]
    assert len(docs) == len(contract)
    defaults = _defaults()
    for (arg, optional), doc in zip(contract, docs, strict=True):
        where = f"{name}({arg})"
        assert doc and "\n" not in doc and len(doc) <= 255, where
        assert not doc.startswith("Positional argument"), f"{where} has no doc="
        assert doc.startswith("Optional") == optional, where
        default = defaults.get((name, arg))
        if default:
            shown = {default, f'"{default}"'}
            if _is_rate(default):
                shown.add(f"{float(default) * 100:g}%")
            assert any(f"default {s}" in doc for s in shown), f"{where}: {doc!r} vs {default}"


def _is_rate(text: str) -> bool:
    try:
        return 0 < float(text) < 1
    except ValueError:
        return False


@pytest.mark.parametrize("name", sorted(CONTRACT_FUNCTIONS), ids=str)
def test_every_argument_arrives_as_a_2d_range(imported: Imported, name: str) -> None:
    """``ndim=2`` on every argument: the calling convention of docs/architecture.md."""
    xlfunc = getattr(imported.module, name).__xlfunc__
    assert [a["options"].get("ndim") for a in xlfunc["args"]] == [2] * len(xlfunc["args"])
    assert xlfunc["name"] == name


def test_names_are_valid_vba(imported: Imported) -> None:
    """No argument is a VBA keyword and no function name reads as a cell reference."""
    for name, contract in CONTRACT_FUNCTIONS.items():
        assert not re.fullmatch(r"[A-Z]{1,3}[0-9]+", name), name
        bad = [arg for arg, _ in contract if arg.lower() in VBA_RESERVED]
        assert bad == [], f"{name}: {bad}"
    assert all(len(line) < 1024 for line in imported.vba.splitlines())
