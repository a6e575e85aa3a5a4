"""The code of an xlwings Lite workbook, generated from the package's own source.

xlwings Lite runs one ``main.py`` stored in the workbook, with only what it can install
from ``requirements.txt`` (pure-Python wheels and Pyodide's own builds such as
pydantic); ``xlcomp`` itself is not installable there. So the build flattens the modules
the worksheet functions need into one self-contained ``main.py``:

1. start at the xlwings face, :mod:`xlcomp.udfs`, whose functions are written from the
   catalogue (:func:`xlcomp.worksheet.face.face_source` of
   :mod:`xlcomp.worksheet.catalogue`: the same text classic xlwings runs), and follow
   its ``xlcomp`` imports (plus :mod:`xlcomp.lite_face`), giving e.g. errors →
   core.models → core.values → … → worksheet.functions → lite_face → udfs, each module
   after the modules it imports;
2. parse each module with :mod:`ast`; drop its ``xlcomp`` imports and hoist its other
   imports to the top; rename a top-level name only where two modules (or a builtin)
   would clash in one namespace (``check._money`` → ``_check__money``); turn
   ``_ws.TOTALCOMP`` into the function's flattened name;
3. rewrite the worksheet functions of ``udfs`` to Lite's decorators
   (``@xw.func(category=…)`` → ``@func``, ``@xw.arg(…)`` → ``@arg(…)``) and wrap their
   results in ``lite_result`` (a single error raises, so Lite shows ``#VALUE!`` with
   the message; see :mod:`xlcomp.lite_face`).

There is no hand-kept copy: change a function in the package (its catalogue entry, its
core formula), rebuild, and main.py changes with it. Whatever the generator cannot
flatten safely (a name bound locally that it would have to rename, ``import xlcomp.x``
without ``as``, a module used as a value) stops the build with a :class:`CodegenError`
naming the module and the name.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import sys
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

from xlcomp.errors import XlcompError

__all__ = ["ENTRY", "FACE", "CodegenError", "generate_lite_code", "generate_main_py"]

PACKAGE = "xlcomp"
ENTRY = "xlcomp.udfs"
"""The module whose decorated functions become the workbook's functions."""
CATALOGUE_FILE = "worksheet/catalogue.py"
FACE_FILE = "worksheet/face.py"
"""The catalogue of functions and the writer of the face's source, in the package."""
FACE = "xlcomp.lite_face"
"""The module that decides how a result is shown in Lite (:func:`lite_result`)."""
RESULT_HOOK = "lite_result"
ENTRY_NOTE = (
    "For xlwings Lite the decorators below are Lite's (from xlwings import func, arg), and\n"
    "each result passes through lite_result: a call that fails as a whole raises, so the\n"
    "cell shows #VALUE! with the message on its error flag."
)

XLWINGS_DECORATORS = ("func", "arg", "ret")
"""Decorators that exist, with the same meaning, in classic xlwings and in Lite."""
LITE_FUNC_OPTIONS = frozenset({"volatile"})
"""Options of ``@func`` Lite understands; classic-only ones (category, …) are dropped."""

_BUILTINS = frozenset(dir(builtins))

PREAMBLE_IMPORTS = ("gc", "sys", "types")
PREAMBLE = '''
def _register_this_module(namespace: dict[str, Any]) -> None:
    """Make sys.modules[__name__] this module while the file runs.

    A loader may run this file in a fresh module before registering it (as xlwings
    Server's Wasm runtime does) or while an older run is still registered. dataclasses
    and pydantic resolve annotations through sys.modules[cls.__module__], so they would
    fail or pick up the older run's classes.
    """
    name = namespace.get("__name__")
    current = sys.modules.get(name) if isinstance(name, str) else None
    if not isinstance(name, str) or (current is not None and vars(current) is namespace):
        return
    for owner in gc.get_referrers(namespace):
        if isinstance(owner, types.ModuleType) and vars(owner) is namespace:
            sys.modules[name] = owner
            return


_register_this_module(globals())
'''.strip("\n")
"""Emitted before the package's code; see :func:`generate_main_py`."""


class CodegenError(XlcompError):
    """The package's source cannot be flattened into one Lite main.py."""


@dataclass
class _Module:
    """One module of the package, parsed, with its xlcomp imports resolved."""

    name: str
    path: Path
    tree: ast.Module
    deps: list[str] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)
    """local alias -> imported xlcomp module (``_ws`` -> ``xlcomp.worksheet``)."""
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """local name -> (xlcomp module, name there) for ``from xlcomp.x import y``."""


# ------------------------------------------------------------------------------ loading


def _module_path(root: Path, dotted: str) -> Path | None:
    """The source file of module ``dotted`` inside the package at ``root``, if any."""
    parts = dotted.split(".")[1:]
    base = root.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _absolute(module: _Module, node: ast.ImportFrom) -> str:
    """The absolute module name of a (possibly relative) ``from … import``."""
    if node.level == 0:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    if node.level > 1:
        package = package[: -(node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _is_ours(dotted: str) -> bool:
    return dotted == PACKAGE or dotted.startswith(PACKAGE + ".")


def _from_file(path: Path, name: str) -> types.ModuleType:
    """Run the module at ``path`` (of a package being built) under a private name."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CodegenError(f"{path}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise CodegenError(f"{path.name}: cannot be loaded ({type(exc).__name__}: {exc})") from exc
    finally:
        del sys.modules[name]
    return module


def _entry_source(root: Path, path: Path) -> str:
    """The source of the entry: the face written from the package's catalogue.

    A package without a catalogue (a hand-written ``udfs.py``) is read as it is.
    """
    catalogue = root / CATALOGUE_FILE
    face = root / FACE_FILE
    if not (catalogue.is_file() and face.is_file()):
        return path.read_text(encoding="utf-8")
    if root.resolve() == Path(__file__).resolve().parent:
        from xlcomp.worksheet.face import face_source

        return face_source()
    entries = _from_file(catalogue, "_xlcomp_build_catalogue").CATALOGUE
    source: str = _from_file(face, "_xlcomp_build_face").face_source(entries)
    return source


def _load(root: Path, dotted: str) -> _Module:
    path = _module_path(root, dotted)
    if path is None:
        raise CodegenError(f"{dotted}: no source file under {root}")
    try:
        text = _entry_source(root, path) if dotted == ENTRY else path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise CodegenError(f"{dotted}: cannot parse ({exc})") from exc
    module = _Module(dotted, path, tree)
    for node in _top_level_imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_ours(alias.name):
                    continue
                if alias.asname is None:
                    raise CodegenError(f"{dotted}: 'import {alias.name}' needs 'as <name>'")
                _add_dep(module, alias.name, root)
                module.modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if not _is_ours(source):
                continue
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name == "*":
                    raise CodegenError(f"{dotted}: 'from {source} import *' is not supported")
                sub = f"{source}.{alias.name}"
                if _module_path(root, sub) is not None:
                    _add_dep(module, sub, root)
                    module.modules[local] = sub
                    continue
                if source == PACKAGE:
                    raise CodegenError(
                        f"{dotted}: import {alias.name} from its defining module, "
                        f"not from the {PACKAGE} package"
                    )
                _add_dep(module, source, root)
                module.names[local] = (source, alias.name)
    top = _top_level_imports(tree)
    for inner in ast.walk(tree):
        if isinstance(inner, ast.Import | ast.ImportFrom) and inner not in top:
            names = [a.name for a in inner.names]
            source = _absolute(module, inner) if isinstance(inner, ast.ImportFrom) else ""
            if _is_ours(source) or any(_is_ours(n) for n in names):
                raise CodegenError(
                    f"{dotted}: line {inner.lineno}: an {PACKAGE} import inside a function"
                )
    return module


def _add_dep(module: _Module, dep: str, root: Path) -> None:
    if _module_path(root, dep) is None:
        raise CodegenError(f"{module.name}: imports {dep}, which has no source file")
    if dep not in module.deps:
        module.deps.append(dep)


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports at module level, including those inside top-level ``if`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If):
            stack.extend(node.body + node.orelse)
    return found


def _ordered_modules(root: Path) -> list[_Module]:
    """Every module the entry needs, each after the modules it imports."""
    loaded: dict[str, _Module] = {}
    order: list[_Module] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            raise CodegenError(f"import cycle: {cycle}")
        if name in loaded:
            return
        visiting.append(name)
        module = _load(root, name)
        deps = [FACE, *module.deps] if name == ENTRY else module.deps
        for dep in deps:
            visit(dep)
        visiting.pop()
        loaded[name] = module
        order.append(module)

    visit(ENTRY)
    return order


# ------------------------------------------------------------------------------ naming


def _defined(tree: ast.Module) -> list[str]:
    """Names a module binds at top level itself (not by importing)."""
    names: list[str] = []

    def targets(node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Tuple | ast.List):
            for elt in node.elts:
                targets(elt)

    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                targets(t)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets(node.target)
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for attr in ("body", "orelse", "finalbody"):
                stack.extend(getattr(node, attr, []))
            for handler in getattr(node, "handlers", []):
                stack.extend(handler.body)
    return [n for n in dict.fromkeys(names) if n != "__all__"]


def _external_bindings(module: _Module) -> dict[str, str]:
    """local name -> what it is bound to, for the module's non-xlcomp top-level imports."""
    bound: dict[str, str] = {}
    for node in _top_level_imports(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_ours(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else alias.name.split(".")[0]
        else:
            source = _absolute(module, node)
            if _is_ours(source) or source == "__future__":
                continue
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    return bound


def _locally_bound(tree: ast.Module) -> set[str]:
    """Names bound in a nested scope: arguments, locals, comprehension targets, …"""
    bound: set[str] = set()
    scopes = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def inside(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.arg):
                bound.add(sub.arg)
            elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                bound.add(sub.id)
            elif isinstance(
                sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.ExceptHandler
            ):
                if sub.name:
                    bound.add(sub.name)
            elif isinstance(sub, ast.Global | ast.Nonlocal):
                bound.update(sub.names)
            elif isinstance(sub, ast.alias):
                bound.add(sub.asname or sub.name.split(".")[0])

    def expressions(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, scopes):
                inside(sub)

    def module_level(stmts: list[ast.stmt]) -> None:
        for st in stmts:
            if isinstance(st, ast.FunctionDef | ast.AsyncFunctionDef):
                inside(st.args)
                for sub in st.body:
                    inside(sub)
                for dec in st.decorator_list:
                    expressions(dec)
            elif isinstance(st, ast.ClassDef):
                for sub in st.body:
                    inside(sub)
                for expr in [*st.bases, *st.decorator_list]:
                    expressions(expr)
            elif isinstance(st, ast.If | ast.For | ast.While | ast.With | ast.Try):
                for attr in ("body", "orelse", "finalbody"):
                    module_level(getattr(st, attr, []))
                for handler in getattr(st, "handlers", []):
                    module_level(handler.body)
            else:
                expressions(st)

    module_level(tree.body)
    return bound


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _plan_names(modules: list[_Module]) -> dict[str, dict[str, str]]:
    """For each module: local name -> its name in the flattened main.py."""
    defined = {m.name: _defined(m.tree) for m in modules}
    owners: dict[str, list[str]] = {}
    for m in modules:
        for n in defined[m.name]:
            owners.setdefault(n, []).append(m.name)
    externals: dict[str, str] = {}
    for m in modules:
        for local, target in _external_bindings(m).items():
            if externals.setdefault(local, target) != target:
                raise CodegenError(
                    f"{m.name}: '{local}' is imported as {target} here but as "
                    f"{externals[local]} elsewhere; rename one of them"
                )
    reserved = _BUILTINS | set(XLWINGS_DECORATORS) | {*PREAMBLE_IMPORTS, "_register_this_module"}
    taken = set(owners) | set(externals) | reserved
    plan: dict[str, dict[str, str]] = {}
    for m in modules:
        names: dict[str, str] = {}
        for n in defined[m.name]:
            clash = len(owners[n]) > 1 or n in reserved or n in externals
            if m.name == ENTRY or not clash:
                if n in externals and m.name == ENTRY:
                    raise CodegenError(f"{m.name}: '{n}' is both defined and imported")
                names[n] = n
                continue
            new = f"_{_short(m.name)}_{n}"
            if new in taken:
                raise CodegenError(f"{m.name}: cannot rename '{n}': '{new}' is taken")
            taken.add(new)
            names[n] = new
        for local, (source, name) in m.names.items():
            if name not in plan[source]:
                raise CodegenError(f"{m.name}: imports '{name}' from {source}, which has none")
            names[local] = plan[source][name]
        for local in _external_bindings(m):
            names.setdefault(local, local)
        plan[m.name] = names
    return plan


# ---------------------------------------------------------------------------- rewriting


class _Rename(ast.NodeTransformer):
    """Apply a module's renames and resolve ``alias.attr`` of imported xlcomp modules."""

    def __init__(
        self, module: _Module, renames: dict[str, str], plan: dict[str, dict[str, str]]
    ) -> None:
        self.module = module
        self.renames = renames
        self.plan = plan

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.module.modules:
            target = self.module.modules[node.value.id]
            names = self.plan[target]
            if node.attr not in names:
                raise CodegenError(
                    f"{self.module.name}: line {node.lineno}: {target} has no '{node.attr}'"
                )
            return ast.copy_location(ast.Name(id=names[node.attr], ctx=node.ctx), node)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.module.modules:
            raise CodegenError(
                f"{self.module.name}: line {node.lineno}: module '{node.id}' used as a value"
            )
        new = self.renames.get(node.id)
        if new is not None and new != node.id:
            return ast.copy_location(ast.Name(id=new, ctx=node.ctx), node)
        return node


class _WrapReturns(ast.NodeTransformer):
    """``return x`` -> ``return lite_result(x)`` in one function, not in nested ones."""

    def __init__(self, hook: str) -> None:
        self.hook = hook

    def visit_Return(self, node: ast.Return) -> ast.AST:
        if node.value is None:
            return node
        call = ast.Call(func=ast.Name(id=self.hook, ctx=ast.Load()), args=[node.value], keywords=[])
        return ast.copy_location(ast.Return(value=call), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return node


def _xlwings_names(module: _Module) -> tuple[set[str], dict[str, str]]:
    """Local names of the xlwings module, and of decorators imported from it."""
    modules: set[str] = set()
    decorators: dict[str, str] = {}
    for node in _top_level_imports(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "xlwings":
                    modules.add(alias.asname or "xlwings")
        elif node.module == "xlwings" and node.level == 0:
            for alias in node.names:
                if alias.name in XLWINGS_DECORATORS:
                    decorators[alias.asname or alias.name] = alias.name
    return modules, decorators


def _decorator_kind(
    node: ast.expr, modules: set[str], decorators: dict[str, str]
) -> tuple[str, ast.Call | None] | None:
    """(``func``/``arg``/``ret``, the call if any) for an xlwings decorator, else None."""
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call is not None else node
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id in modules
        and target.attr in XLWINGS_DECORATORS
    ):
        return target.attr, call
    if isinstance(target, ast.Name) and target.id in decorators:
        return decorators[target.id], call
    return None


def _lite_decorators(
    fn: ast.FunctionDef, modules: set[str], decorators: dict[str, str], used: set[str]
) -> bool:
    """Rewrite ``fn``'s xlwings decorators to Lite's; whether it is a worksheet function."""
    new: list[ast.expr] = []
    is_function = False
    for dec in fn.decorator_list:
        kind = _decorator_kind(dec, modules, decorators)
        if kind is None:
            new.append(dec)
            continue
        name, call = kind
        used.add(name)
        ref = ast.Name(id=name, ctx=ast.Load())
        if name == "func":
            is_function = True
            keywords = [k for k in (call.keywords if call else []) if k.arg in LITE_FUNC_OPTIONS]
            new.append(ast.Call(func=ref, args=[], keywords=keywords) if keywords else ref)
        else:
            assert call is not None, "@arg and @ret are always called"
            new.append(ast.Call(func=ref, args=call.args, keywords=call.keywords))
    fn.decorator_list = new
    return is_function


def _comment(text: str) -> list[str]:
    return [("# " + line).rstrip() for line in text.strip().splitlines()]


@dataclass
class _Section:
    module: _Module
    docstring: str | None
    body: list[ast.stmt]


def _strip(module: _Module) -> _Section:
    """The module's body without its docstring, imports and (except the entry) __all__."""
    body = list(module.tree.body)
    docstring = ast.get_docstring(module.tree, clean=True)
    if docstring is not None:
        body = body[1:]

    def keep(node: ast.stmt) -> ast.stmt | None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            return None
        if isinstance(node, ast.If):
            node.body = [k for k in (keep(n) for n in node.body) if k is not None]
            node.orelse = [k for k in (keep(n) for n in node.orelse) if k is not None]
            return node if node.body else None
        if module.name != ENTRY and isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return None
        return node

    return _Section(module, docstring, [k for k in (keep(n) for n in body) if k is not None])


def _hoisted_imports(modules: list[_Module], xlwings_used: set[str]) -> list[str]:
    """The non-xlcomp imports of all modules, deduplicated, grouped like isort would."""
    plain: dict[str, str | None] = {}
    froms: dict[str, dict[str, str | None]] = {}
    for m in modules:
        for node in _top_level_imports(m.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if not _is_ours(alias.name) and not (
                        m.name == ENTRY and alias.name == "xlwings"
                    ):
                        plain.setdefault(alias.name, alias.asname)
            else:
                source = _absolute(m, node)
                if _is_ours(source) or source == "__future__":
                    continue
                if m.name == ENTRY and source == "xlwings":
                    continue
                for alias in node.names:
                    froms.setdefault(source, {}).setdefault(alias.name, alias.asname)
    for name in PREAMBLE_IMPORTS:
        plain.setdefault(name, None)
    froms.setdefault("typing", {}).setdefault("Any", None)
    if xlwings_used:
        for name in sorted(xlwings_used):
            froms.setdefault("xlwings", {}).setdefault(name, None)
    lines = [f"import {n}" + (f" as {a}" if a else "") for n, a in sorted(plain.items())]
    for source in sorted(froms):
        names = ", ".join(n + (f" as {a}" if a else "") for n, a in sorted(froms[source].items()))
        lines.append(f"from {source} import {names}")
    return lines


def generate_main_py(package_dir: str | Path | None = None) -> str:
    """The text of the Lite main.py, flattened from the package at ``package_dir``."""
    root = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    modules = _ordered_modules(root)
    plan = _plan_names(modules)
    hook = plan[FACE][RESULT_HOOK]

    entry = next(m for m in modules if m.name == ENTRY)
    xw_modules, xw_decorators = _xlwings_names(entry)
    xlwings_used: set[str] = set()
    functions: list[str] = []

    sections: list[_Section] = []
    for module in modules:
        renames = {k: v for k, v in plan[module.name].items() if k != v}
        clashes = (set(renames) | set(module.modules)) & _locally_bound(module.tree)
        if clashes:
            raise CodegenError(
                f"{module.name}: cannot flatten: {', '.join(sorted(clashes))} "
                "is also bound inside a function; rename it there"
            )
        section = _strip(module)
        renamer = _Rename(module, plan[module.name], plan)
        section.body = [renamer.visit(node) for node in section.body]
        for node in section.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                node.name = plan[module.name].get(node.name, node.name)
        if module.name == ENTRY:
            for node in section.body:
                if isinstance(node, ast.FunctionDef) and _lite_decorators(
                    node, xw_modules, xw_decorators, xlwings_used
                ):
                    functions.append(node.name)
                    wrap = _WrapReturns(hook)
                    node.body = [wrap.visit(stmt) for stmt in node.body]
            if any(
                isinstance(n, ast.Name) and n.id in xw_modules
                for node in section.body
                for n in ast.walk(node)
            ):
                raise CodegenError(f"{ENTRY}: uses xlwings beyond @func/@arg/@ret")
        sections.append(section)

    out: list[str] = [
        '"""The xlcomp worksheet functions for xlwings Lite.',
        "",
        "Generated by `xlcomp build --lite` from the xlcomp package; do not edit: edit the",
        "package and rebuild. One file, because xlwings Lite runs the main.py stored in the",
        "workbook and xlcomp itself cannot be installed there. Sections, in order:",
        "",
        *[f"    {m.path.relative_to(root.parent).as_posix()}" for m in modules],
        "",
        "Worksheet functions (Excel names):",
        *textwrap.wrap(
            ", ".join(functions) + ".", width=88, initial_indent="    ", subsequent_indent="    "
        ),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *_hoisted_imports(modules, xlwings_used),
        "",
        "",
        PREAMBLE,
    ]
    for section in sections:
        rel = section.module.path.relative_to(root.parent).as_posix()
        out += ["", "", f"# {'=' * 76}", f"# {rel}", f"# {'=' * 76}"]
        if section.docstring:
            out += _comment(section.docstring)
        if section.module.name == ENTRY:
            out += ["#", *_comment(ENTRY_NOTE)]
        previous: ast.stmt | None = None
        for node in section.body:
            spaced = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            if previous is None or isinstance(node, spaced) or isinstance(previous, spaced):
                out += ["", ""]
            out.append(ast.unparse(ast.fix_missing_locations(node)))
            previous = node
    text = "\n".join(out) + "\n"
    compile(text, "main.py", "exec")  # a build never embeds code that cannot run
    return text


def generate_lite_code(package_dir: str | Path | None = None) -> dict[str, str]:
    """The files of the Lite workbook's code: ``{"main.py": …}``."""
    return {"main.py": generate_main_py(package_dir)}
