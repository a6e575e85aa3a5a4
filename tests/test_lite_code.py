"""The Lite main.py: generated from the package, same functions, runs with only its requirements."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import os
import shutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import xlcomp
from xlcomp import lite, udfs
from xlcomp.core.guide import load_guide
from xlcomp.core.tables import band_rows, level_rows
from xlcomp.lite_codegen import CodegenError, generate_lite_code, generate_main_py
from xlcomp.ooxml import Package

from .test_lite_parts import corpus_dir

PACKAGE_DIR = Path(xlcomp.__file__).resolve().parent
GUIDE = load_guide()
BANDS = band_rows(GUIDE.bands)
LEVELS = level_rows(GUIDE.levels)
# Not seed data: the spec's log-normal check (band 180,000–270,000, P10/P90).
LOGNORMAL_BANDS = [
    ["region", "level", "component", "min", "max"],
    ["Test", "L", "base", 180000, 270000],
]
SF, SENIOR = "San Francisco", "Senior SWE"

# (id, function, args): every function, the spec's worked numbers, ranges and errors.
CALLS: list[tuple[str, str, list[Any]]] = [
    ("totalcomp", "TOTALCOMP", [240000, 80000, 0.15]),
    ("totalcomp-text-rate", "TOTALCOMP", [240000, 80000, "15%"]),
    ("totalcomp-floats-2d", "TOTALCOMP", [[[240000.0]], [[80000.0]], [[0.15]], None, None]),
    ("totalcomp-column", "TOTALCOMP", [[[240000], [200000], ["x"]], 80000, 0.15, None, None]),
    ("totalcomp-whole-percent", "TOTALCOMP", [240000, 80000, 15]),
    ("yeartc-1", "YEARTC", [1, 240000, 320000, 0.15, 20000]),
    ("yeartc-custom", "YEARTC", [2, 240000, 320000, 0.15, None, "5/15/40/40"]),
    ("vestschedule", "VESTSCHEDULE", [320000, "5/15/40/40", 12]),
    ("equityvalue", "EQUITYVALUE", [40000, 12.5, 2.5, 4, 0.3]),
    ("bandlookup", "BANDLOOKUP", [SF, SENIOR, "base", BANDS]),
    ("bandlookup-spread", "BANDLOOKUP", [SF, SENIOR, "equity", BANDS, "spread"]),
    ("bandlookup-unknown", "BANDLOOKUP", ["SFO", SENIOR, "base", BANDS]),
    ("bandpercentile", "BANDPERCENTILE", [240000, SF, SENIOR, "base", BANDS]),
    (
        "bandpercentile-lognormal",
        "BANDPERCENTILE",
        [240000, "Test", "L", "base", LOGNORMAL_BANDS, "lognormal", 10, 90],
    ),
    ("comparatio", "COMPARATIO", [240000, SF, SENIOR, "base", BANDS]),
    ("regionadjust", "REGIONADJUST", [240000, SF, "Remote US", BANDS]),
    ("levelmap", "LEVELMAP", ["Together AI", SENIOR, "Google", LEVELS]),
    ("countertarget", "COUNTERTARGET", [0, 295000]),
    ("countersplit", "COUNTERSPLIT", [309750, SF, SENIOR, BANDS, 220000, 60000, 0.1]),
    ("offerverdict", "OFFERVERDICT", [[[300000], [280000], [250000]], 275000, 309750]),
    ("counterscript", "COUNTERSCRIPT", [295000, 245000, 85000, 0.15, 275000, 0, "Together AI"]),
    ("checkbands", "CHECKBANDS", [BANDS]),
    ("equityexit", "EQUITYEXIT", [40000, 100000000, 10000000000, 2, 0.1, 2]),
    ("equityexit-too-many-shares", "EQUITYEXIT", [2e8, 1e8, 1e9]),
    ("unvested", "UNVESTED", [400000, 45352, 46357]),
    ("unvested-text-dates", "UNVESTED", [400000, "2024-03-01", "2026-12-01", "25/25/25/25", 12]),
    ("yeartc-refresh", "YEARTC", [2, 240000, 320000, 0.15, 0, "25/25/25/25", 80000]),
    ("yeartc-signon-by-year", "YEARTC", [2, 180000, 400000, 0, "50000/25000", "5/15/40/40"]),
    ("totalcomp-signon-row", "TOTALCOMP", [180000, 100000, 0, [[50000, 25000]]]),
    ("bandpercentile-bonus-whole", "BANDPERCENTILE", [12, SF, SENIOR, "bonus", BANDS]),
    ("bandpercentile-bonus-text", "BANDPERCENTILE", ["12%", SF, SENIOR, "bonus", BANDS]),
    ("checkbands-not-a-table", "CHECKBANDS", [None]),
]

# The spec's worked numbers ("Worked numbers from the guide"), computed by hand there.
WORKED = {
    "totalcomp": 356000,
    "bandpercentile": 91.67,
    "comparatio": 1.1163,
    "regionadjust": 215441.86,
    "bandpercentile-lognormal": 70.44,
    "equityexit": 3160000,
    "unvested": 125000,
    "unvested-text-dates": 125000,
    "yeartc-refresh": 376000,
    "yeartc-signon-by-year": 265000,
    "totalcomp-signon-row": 298750,
}
WORKED_PLACES = {
    "bandpercentile": 2,
    "comparatio": 4,
    "regionadjust": 2,
    "bandpercentile-lognormal": 2,
}

RUNNER = textwrap.dedent(
    """
    import importlib.util, json, sys
    assert importlib.util.find_spec("xlcomp") is None, "xlcomp must not be importable here"


    def like_wasm_runtime(name):
        # How xlwings Server's Wasm runtime loads code: exec in a new module, then register.
        spec = importlib.util.spec_from_loader(name, loader=None)
        module = importlib.util.module_from_spec(spec)
        exec(open("main.py", encoding="utf-8").read(), module.__dict__)
        sys.modules[name] = module
        return module


    def run(module, calls):
        results = {}
        for call_id, name, args in calls:
            try:
                results[call_id] = ["ok", getattr(module, name)(*args)]
            except Exception as exc:
                results[call_id] = ["raised", type(exc).__name__, str(exc)]
        return results


    calls = json.load(open(sys.argv[1]))
    import main
    out = {"functions": sorted(n for n in dir(main) if n.isupper() and callable(getattr(main, n)))}
    out["results"] = run(main, calls)
    like_wasm_runtime("custom_functions")
    rerun = like_wasm_runtime("custom_functions")  # a second run while the first is registered
    out["same_when_loaded_like_lite"] = run(rerun, calls) == out["results"]
    import pydantic, xlwings
    out["versions"] = {"pydantic": pydantic.VERSION, "xlwings": xlwings.__version__}
    print(json.dumps(out))
    """
)


def package_result(name: str, args: list[Any]) -> Any:
    """What the package's classic worksheet function returns for ``args``."""
    return getattr(udfs, name)(*args)


def lite_expectation(classic: Any) -> list[Any]:
    """What main.py must do for a classic result: return it, or raise for one error."""
    if isinstance(classic, str) and classic.startswith("#XLCOMP! "):
        return ["raised", "LiteCellError", classic]
    return ["ok", classic]


# ------------------------------------------------------------------------ static checks


@pytest.fixture(scope="module")
def main_py() -> str:
    """The generated main.py of the package as it is now."""
    return generate_main_py()


def decorated_functions(source: str) -> dict[str, ast.FunctionDef]:
    """The module-level functions of ``source`` decorated with Lite's ``@func``."""
    tree = ast.parse(source)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            (isinstance(d, ast.Name) and d.id == "func")
            or (isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "func")
            for d in node.decorator_list
        ):
            found[node.name] = node
    return found


def test_same_functions_as_classic(main_py: str) -> None:
    """main.py defines exactly the package's worksheet functions, with Lite's @func."""
    assert sorted(decorated_functions(main_py)) == sorted(udfs.__all__)


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

    fake.func, fake.arg, fake.ret = func, arg, arg  # type: ignore[attr-defined]
    return fake


def run_with_recorder(
    source: str, filename: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Execute ``source`` with the recording xlwings; its namespace."""
    monkeypatch.setitem(sys.modules, "xlwings", recording_xlwings())
    return load_like_wasm_runtime(source, f"recorded_{Path(filename).stem}", monkeypatch)


def load_like_wasm_runtime(
    source: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Run ``source`` as xlwings Server's Wasm runtime loads code: exec, then register."""
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.delitem(sys.modules, name, raising=False)
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, name, module)
    return module.__dict__


@pytest.fixture
def both_faces(
    main_py: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(classic udfs, Lite main) namespaces, decorated through the recording xlwings."""
    classic_src = (PACKAGE_DIR / "udfs.py").read_text(encoding="utf-8")
    # udfs.py runs the face's source in its namespace: the recorder sees its decorators
    return (
        run_with_recorder(classic_src, "udfs.py", monkeypatch),
        run_with_recorder(main_py, "main.py", monkeypatch),
    )


@pytest.mark.parametrize("name", sorted(udfs.__all__))
def test_same_signature_docs_and_args(
    both_faces: tuple[dict[str, Any], dict[str, Any]], name: str
) -> None:
    """Arguments, defaults, wizard text and @arg options are those of the classic function."""
    classic, lite_ns = both_faces[0][name], both_faces[1][name]
    assert inspect.signature(lite_ns) == inspect.signature(classic)
    assert inspect.getdoc(lite_ns) == inspect.getdoc(classic)
    exp, got = classic.__recorded__, lite_ns.__recorded__
    assert got["args"] == exp["args"]
    assert set(got["args"]) == set(inspect.signature(classic).parameters)
    assert set(got["func"]) <= lite_mod_options()


def lite_mod_options() -> set[str]:
    """Options of @func that Lite understands (classic-only ones are dropped)."""
    from xlcomp.lite_codegen import LITE_FUNC_OPTIONS

    return set(LITE_FUNC_OPTIONS)


def _optional_imports(tree: ast.Module) -> set[int]:
    """ids of the imports under ``try: … except ImportError`` (numpy, when installed)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            found.update(
                id(sub)
                for stmt in node.body
                for sub in ast.walk(stmt)
                if isinstance(sub, ast.Import | ast.ImportFrom)
            )
    return found


def test_imports_only_stdlib_and_requirements(main_py: str) -> None:
    """main.py imports the standard library, pydantic and xlwings only (anything else
    only optionally, under ``except ImportError``); never xlcomp."""
    allowed = set(sys.stdlib_module_names) | {"pydantic", "xlwings"}
    tree = ast.parse(main_py)
    optional = _optional_imports(tree)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = [node.module or ""]
        else:
            continue
        for mod in mods:
            assert mod.split(".")[0] in allowed | {"__future__"}, mod
    assert "xlcomp" not in {n.split(".")[0] for n in _imported(tree)}


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    optional = _optional_imports(tree)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_requirements_name_what_main_imports(main_py: str) -> None:
    """requirements.txt: xlwings pinned and marked required for Lite, pydantic 2.10+."""
    lines = lite.lite_requirements().splitlines()
    assert lines == [f"xlwings=={lite.XLWINGS_VERSION}  # required", "pydantic>=2.10,<3"]
    third_party = {n.split(".")[0] for n in _imported(ast.parse(main_py))} - set(
        sys.stdlib_module_names
    )
    assert third_party - {"__future__"} == {"pydantic", "xlwings"}


def test_generation_is_deterministic() -> None:
    """Two builds give the same main.py, so the built workbook is reproducible."""
    assert generate_main_py() == generate_main_py()
    assert generate_lite_code() == {"main.py": generate_main_py()}


# ---------------------------------------------------------------------- regeneration


def package_copy(tmp_path: Path) -> Path:
    """A copy of the package's source in ``tmp_path``."""
    dst = tmp_path / "xlcomp"
    shutil.copytree(PACKAGE_DIR, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


@pytest.mark.parametrize(
    ("module", "old", "new", "exp"),
    [
        (
            "worksheet/catalogue.py",
            '"Annual total comp: base + equity',
            '"Yearly total comp: base + equity',
            '"""Yearly total comp: base + equity',
        ),
        (
            "core/comp.py",
            'DEFAULT_SCHEDULE = "25/25/25/25"',
            'DEFAULT_SCHEDULE = "40/30/20/10"',
            "'40/30/20/10'",
        ),
        (
            "worksheet/cells.py",
            'ERROR_PREFIX = "#XLCOMP! "',
            'ERROR_PREFIX = "#COMP! "',
            "'#COMP! '",
        ),
        (
            "worksheet/catalogue.py",
            'Parameter("rounds", "count", "Funding rounds before the exit", 0)',
            'Parameter("rounds", "count", "Funding rounds before the exit", 1)',
            "@arg('rounds', ndim=2, doc='Optional funding rounds before the exit (default 1)')",
        ),
    ],
    ids=["summary", "core-constant", "worksheet-constant", "catalogue-default"],
)
def test_changing_the_package_changes_main_py(
    tmp_path: Path, module: str, old: str, new: str, exp: str
) -> None:
    """Editing a function or constant in the package and rebuilding changes main.py."""
    src = package_copy(tmp_path)
    before = generate_main_py(src)
    path = src / module
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    after = generate_main_py(src)
    assert after != before
    assert exp in after and exp not in before


def test_changed_formula_changes_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed core formula is what the regenerated main.py computes."""
    src = package_copy(tmp_path)
    path = src / "core" / "comp.py"
    text = path.read_text(encoding="utf-8")
    assert "+ total / signon_years" in text
    path.write_text(text.replace("+ total / signon_years", "+ total / signon_years / 2"), "utf-8")
    namespace = load_like_wasm_runtime(generate_main_py(src), "changed_main", monkeypatch)
    got = namespace["TOTALCOMP"](240000, 80000, 0.15, 40000, 4)
    assert got == 240000 + 80000 + 36000 + 5000


# ------------------------------------------------------------------ generator errors


def fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A tiny package named xlcomp with ``files`` plus the lite_face the build needs."""
    root = tmp_path / "xlcomp"
    root.mkdir()
    (root / "__init__.py").write_text("")
    base = {
        "errors.py": "class XlcompError(Exception):\n    pass\n",
        "worksheet.py": 'ERROR_PREFIX = "#X! "\n',
        "lite_face.py": (
            "from xlcomp.errors import XlcompError\n"
            "from xlcomp.worksheet import ERROR_PREFIX\n"
            "def lite_result(v):\n    return v\n"
        ),
    }
    for name, text in {**base, **files}.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("udfs_src", "match"),
    [
        ("import xlcomp.worksheet\n", "needs 'as <name>'"),
        ("from xlcomp import worksheet as w\nX = w\n", "used as a value"),
        ("from xlcomp.worksheet import NOPE\n", "which has none"),
        ("def f():\n    from xlcomp.worksheet import ERROR_PREFIX\n", "inside a function"),
        ("from xlcomp import XlcompError\n", "from its defining module"),
    ],
    ids=["plain-import", "module-as-value", "missing-name", "nested-import", "package-reexport"],
)
def test_unflattenable_source_is_refused(tmp_path: Path, udfs_src: str, match: str) -> None:
    """Source the generator cannot flatten safely stops the build with a clear error."""
    root = fake_package(tmp_path, {"udfs.py": udfs_src})
    with pytest.raises(CodegenError, match=match):
        generate_main_py(root)


def test_local_binding_of_renamed_name_is_refused(tmp_path: Path) -> None:
    """A clashing name that is also a local variable is not renamed blindly."""
    root = fake_package(
        tmp_path,
        {
            "a.py": "def helper():\n    return 1\ndef use(helper=2):\n    return helper\n",
            "udfs.py": "from xlcomp.a import use\ndef helper():\n    return 3\n",
        },
    )
    with pytest.raises(CodegenError, match="helper is also bound inside a function"):
        generate_main_py(root)


def test_clashing_and_builtin_names_are_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same names in two modules, or a builtin's name, keep each module's meaning."""
    root = fake_package(
        tmp_path,
        {
            "a.py": "def max(x):\n    return 'a'\ndef helper():\n    return 'a-helper'\n"
            "def use_a():\n    return max(1), helper()\n",
            "b.py": "def helper():\n    return 'b-helper'\n"
            "def use_b():\n    return helper(), max(1, 2)\n",
            "udfs.py": (
                "import xlwings as xw\n"
                "from xlcomp.a import use_a\nfrom xlcomp.b import use_b\n"
                "@xw.func(category='c')\n@xw.arg('x', ndim=2, doc='d')\n"
                "def F(x=None):\n    return [use_a(), use_b()]\n"
            ),
        },
    )
    namespace = load_like_wasm_runtime(generate_main_py(root), "fake_main", monkeypatch)
    assert namespace["F"]() == [("a", "a-helper"), ("b-helper", 2)]


# ------------------------------------------------------------------ the clean-venv run


@pytest.fixture(scope="module")
def lite_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only what requirements.txt names.

    pydantic is held to 2.10.5, the oldest version Pyodide ships (0.27.x), so the code
    is checked against what xlwings Lite actually installs.
    """
    root = tmp_path_factory.mktemp("lite-venv")
    env = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    reqs = root / "requirements.txt"
    reqs.write_text(lite.lite_requirements(), encoding="utf-8")
    constraints = root / "constraints.txt"
    constraints.write_text("pydantic==2.10.5\n", encoding="utf-8")
    python = env / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(reqs), "-c", str(constraints)],
        check=True,
    )
    return python


@pytest.fixture(scope="module")
def lite_run(tmp_path_factory: pytest.TempPathFactory, lite_env: Path) -> dict[str, Any]:
    """Build a Lite workbook, extract its code into an empty folder, run CALLS there."""
    work = tmp_path_factory.mktemp("lite-run")
    src, book = work / "plain.xlsx", work / "lite.xlsx"
    openpyxl.Workbook().save(src)
    lite.build_lite(src, book)
    code_dir = work / "extracted"
    lite.write_lite_files(lite.extract_lite(Package.open(book)), code_dir)
    extracted = sorted(p.name for p in code_dir.iterdir())
    (code_dir / "run_calls.py").write_text(RUNNER, encoding="utf-8")
    calls = work / "calls.json"
    calls.write_text(json.dumps(CALLS), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [str(lite_env), "-E", "-s", "-B", "run_calls.py", str(calls)],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    result["files"] = extracted
    return result


@pytest.mark.slow
def test_extracted_code_runs_with_only_requirements(lite_run: dict[str, Any]) -> None:
    """The extracted folder holds main.py and requirements.txt; the venv has only those."""
    assert lite_run["files"] == ["main.py", "requirements.txt"]
    assert lite_run["versions"] == {"pydantic": "2.10.5", "xlwings": lite.XLWINGS_VERSION}
    assert lite_run["functions"] == sorted(udfs.__all__)
    assert lite_run["same_when_loaded_like_lite"]


@pytest.mark.slow
@pytest.mark.parametrize(("call_id", "name", "args"), CALLS, ids=[c[0] for c in CALLS])
def test_lite_gives_the_package_results(
    lite_run: dict[str, Any], call_id: str, name: str, args: list[Any]
) -> None:
    """Every call gives the package's result; a single error raises with the same text."""
    exp = lite_expectation(package_result(name, args))
    got = lite_run["results"][call_id]
    assert got == json.loads(json.dumps(exp))


@pytest.mark.slow
@pytest.mark.parametrize("call_id", sorted(WORKED), ids=sorted(WORKED))
def test_lite_gives_the_worked_numbers(lite_run: dict[str, Any], call_id: str) -> None:
    """The spec's worked numbers, computed by the embedded code."""
    status, value = lite_run["results"][call_id]
    assert status == "ok"
    assert round(value, WORKED_PLACES.get(call_id, 6)) == WORKED[call_id]


@pytest.mark.slow
def test_lite_counter_and_checks(lite_run: dict[str, Any]) -> None:
    """COUNTERTARGET(0, 295000) spills 340,725 / 309,750 / 295,000; CHECKBANDS flags 3 regions."""
    status, value = lite_run["results"]["countertarget"]
    assert status == "ok"
    assert [round(r[0], 2) for r in value] == [340725.0, 309750.0, 295000.0]
    status, problems = lite_run["results"]["checkbands"]
    flat = " ".join(r[0] for r in problems)
    assert all(region in flat for region in ("San Francisco", "Seattle", "Remote US"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("call_id", "fragment"),
    [
        ("totalcomp-whole-percent", "15 looks like a whole percent"),
        ("bandlookup-unknown", "SFO"),
    ],
    ids=["whole-percent", "unknown-region"],
)
def test_lite_errors_raise_with_the_message(
    lite_run: dict[str, Any], call_id: str, fragment: str
) -> None:
    """A failed call raises (Lite shows #VALUE! with the message) naming the problem."""
    status, kind, message = lite_run["results"][call_id]
    assert (status, kind) == ("raised", "LiteCellError")
    assert message.startswith("#XLCOMP! ") and fragment in message


@pytest.mark.slow
def test_lite_keeps_element_errors_in_place(lite_run: dict[str, Any]) -> None:
    """In a spilled result a bad element keeps its message in its own position."""
    status, value = lite_run["results"]["totalcomp-column"]
    assert status == "ok"
    assert value[0] == [356000.0] and value[1] == [310000.0]  # 200000 + 80000 + 30000
    assert value[2][0].startswith("#XLCOMP! base:")


# ------------------------------------------------------------------------ build_lite


def test_build_lite_reproducible_and_lossless(tmp_path: Path) -> None:
    """build_lite twice gives identical bytes and keeps an Excel-made macro workbook's parts."""
    src = corpus_dir() / "macro01.xlsm"
    one, two = tmp_path / "one.xlsm", tmp_path / "two.xlsm"
    lite.build_lite(src, one)
    lite.build_lite(one, two)
    assert one.read_bytes() == two.read_bytes()
    before, after = Package.open(src), Package.open(one)
    assert after.parts["xl/vbaProject.bin"] == before.parts["xl/vbaProject.bin"]
    assert lite.extract_lite(after) == {
        "main.py": generate_main_py(),
        "requirements.txt": lite.lite_requirements(),
    }


def test_lite_extract_writes_the_code(tmp_path: Path) -> None:
    """lite-extract BOOK DIR writes main.py and requirements.txt, as built."""
    book = tmp_path / "b.xlsx"
    openpyxl.Workbook().save(book)
    lite.build_lite(book, book)
    paths = lite.lite_extract(book, tmp_path / "code")
    assert sorted(p.name for p in paths) == ["main.py", "requirements.txt"]
    assert (tmp_path / "code" / "main.py").read_text(encoding="utf-8") == generate_main_py()
