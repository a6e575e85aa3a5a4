"""xlwings Lite: the workbook carries its own Python code.

xlwings Lite is a free Office add-in (store id ``wa200008175``) that runs Python in the
browser runtime of Excel on Windows, Mac and the web. It keeps the code of a workbook
inside the workbook, as Office.js document settings of its web extension. This module
writes and reads those parts exactly as Lite itself stores them (layout measured on
workbooks saved by Lite, see ``docs/lite.md``)::

    _rels/.rels                                + rel. type .../webextensiontaskpanes
    [Content_Types].xml                        + two Overrides
    xl/webextensions/taskpanes.xml             the task pane, docked right
    xl/webextensions/_rels/taskpanes.xml.rels  rId1 -> webextension1.xml
    xl/webextensions/webextension1.xml         <we:property name="main.py" value="…"/>, …

A property value is the text as a JSON string (non-ASCII kept, ``/`` written ``\\/``),
XML-escaped into the attribute: ``print("a/b")`` is stored as
``value="&quot;print(\\&quot;a\\/b\\&quot;)&quot;"``.

The code itself comes from :func:`generate_lite_code` (:mod:`xlcomp.lite_codegen`),
generated from the package's own modules at build time; :func:`build_lite` puts both
together for ``xlcomp build --lite`` and :func:`lite_extract` reads them back out.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from xlcomp.errors import PathError, WorkbookError
from xlcomp.files import check_folder_output
from xlcomp.lite_codegen import generate_lite_code
from xlcomp.ooxml import (
    CONTENT_TYPES,
    NS_PKG_REL,
    NS_REL,
    ROOT_RELS,
    Package,
    atomic_write_bytes,
    open_workbook,
    relationships,
    write_package,
)
from xlcomp.ooxml.opc import NS_CT

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "ADDIN_ID",
    "LITE_MIN_XLWINGS",
    "XLWINGS_VERSION",
    "add_lite_parts",
    "build_lite",
    "decode_value",
    "encode_value",
    "extract_lite",
    "generate_lite_code",
    "has_lite",
    "lite_extract",
    "lite_requirements",
    "write_lite_files",
]

ADDIN_ID = "wa200008175"
"""The xlwings Lite add-in in the Office store (AppSource WA200008175)."""
ADDIN_REFERENCE_VERSION = "1.0.0.0"
"""``version`` of ``<we:reference>``: the store manifest version every Lite workbook carries."""
STORE = "en-US"
"""Store locale of the reference (Lite writes the author's locale, e.g. ``en-IN``)."""

XLWINGS_VERSION = "0.37.8"
"""xlwings that Lite installs for the workbook: the version the package itself is tested
with (in pyproject's range), at or above what the current add-in asks for; see docs/lite.md."""
LITE_MIN_XLWINGS = "0.36.17"
"""The oldest xlwings the current add-in (1.0.0.103) accepts for its custom-function features."""
PYDANTIC_REQUIREMENT = "pydantic>=2.10,<3"
"""Pyodide ships pydantic 2.10.5 (0.27.x), 2.10.6 (0.28/0.29), 2.12.5 (newer recipes)."""
PYODIDE_VERSION = "0.27.5"
"""``pyodideVersion`` as Lite 1.0.0.0-18 records it; Lite rewrites it when it saves."""
ADDIN_VERSION = "1.0.0.0-18"
"""``addinVersion`` as Lite records it; Lite rewrites it when it saves."""

WEBEXTENSION_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xlcomp:xlwings-lite")).upper() + "}"
"""Fixed id of our web extension part, so that a build is byte-for-byte reproducible."""

WEBEXTENSION_PART = "xl/webextensions/webextension1.xml"
TASKPANES_PART = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS_PART = "xl/webextensions/_rels/taskpanes.xml.rels"
CONTENT_TYPES_PART = CONTENT_TYPES
ROOT_RELS_PART = ROOT_RELS

REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"

NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_PKG_RELS = NS_PKG_REL
NS_R = NS_REL
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
"""Every part Excel writes starts with this line (CRLF), then the document on one line."""

SETTINGS = ("pyodideVersion", "addinVersion")
"""Lite's own settings; every other property whose name ends in .py/.txt is a file."""
REQUIREMENTS = "requirements.txt"
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.(?:py|txt|toml)\Z")
"""Names we accept for embedded files: plain names, no folders, no leading dot."""

# Characters XML 1.0 does not allow even as references; JSON can carry them as \\uXXXX.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def encode_value(text: str) -> str:
    """The JSON string Lite stores for ``text`` (before XML escaping)."""
    encoded = json.dumps(text, ensure_ascii=False).replace("/", "\\/")
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def decode_value(value: str) -> object:
    """The Python value of a stored (already XML-unescaped) property value."""
    return json.loads(value)


def _attr(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute, the way Office writes it."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def lite_requirements() -> str:
    """The requirements.txt of the generated code: xlwings (required by Lite) and pydantic."""
    return f"xlwings=={XLWINGS_VERSION}  # required\n{PYDANTIC_REQUIREMENT}"


# --------------------------------------------------------------------------- writing


def webextension_xml(
    properties: list[tuple[str, str]],
    *,
    extension_id: str = WEBEXTENSION_ID,
    store: str = STORE,
) -> bytes:
    """The webextension part holding ``properties`` (name, JSON text) in the given order."""
    props = "".join(
        f'<we:property name="{_attr(name)}" value="{_attr(value)}"/>' for name, value in properties
    )
    return (
        XML_DECLARATION
        + f'<we:webextension xmlns:we="{NS_WE}" id="{_attr(extension_id)}">'
        + f'<we:reference id="{ADDIN_ID}" version="{ADDIN_REFERENCE_VERSION}"'
        + f' store="{_attr(store)}" storeType="OMEX"/>'
        + "<we:alternateReferences>"
        + f'<we:reference id="{ADDIN_ID.upper()}" version="{ADDIN_REFERENCE_VERSION}"'
        + f' store="{ADDIN_ID.upper()}" storeType="OMEX"/>'
        + "</we:alternateReferences>"
        + f"<we:properties>{props}</we:properties>"
        + "<we:bindings/>"
        + f'<we:snapshot xmlns:r="{NS_R}"/>'
        + "<we:extLst>"
        + f'<a:ext xmlns:a="{NS_A}" uri="{{D87F86FE-615C-45B5-9D79-34F1136793EB}}">'
        + "<we:containsCustomFunctions/></a:ext>"
        + f'<a:ext xmlns:a="{NS_A}" uri="{{7C84B067-C214-45C3-A712-C9D94CD141B2}}">'
        + "<we:customFunctionIdList/></a:ext>"
        + "</we:extLst>"
        + "</we:webextension>"
    ).encode("utf-8")


def taskpanes_xml() -> bytes:
    """The task-pane part: Lite's pane docked right, closed until the user opens Lite."""
    return (
        XML_DECLARATION
        + f'<wetp:taskpanes xmlns:wetp="{NS_WETP}">'
        + '<wetp:taskpane dockstate="right" visibility="0" width="438" row="3">'
        + f'<wetp:webextensionref xmlns:r="{NS_R}" r:id="rId1"/>'
        + "</wetp:taskpane></wetp:taskpanes>"
    ).encode("utf-8")


def taskpanes_rels_xml() -> bytes:
    """The relationships of the task-pane part: rId1 -> webextension1.xml."""
    return (
        XML_DECLARATION
        + f'<Relationships xmlns="{NS_PKG_RELS}">'
        + f'<Relationship Id="rId1" Type="{REL_WEBEXTENSION}" Target="webextension1.xml"/>'
        + "</Relationships>"
    ).encode("utf-8")


def _parse(pkg: Package, name: str) -> Element:
    """Parse part ``name`` of ``pkg`` safely (no entities, no DTDs)."""
    try:
        data = pkg.parts[name]
    except KeyError:
        raise WorkbookError(f"{pkg.path}: part {name} is missing") from None
    try:
        root: Element = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises several unrelated types
        raise WorkbookError(f"{pkg.path}: part {name} is not well-formed XML ({exc})") from exc
    return root


def _insert_before_close(data: bytes, element: str, *, part: str, pkg: Package) -> bytes:
    """``data`` with ``element`` inserted just before the root's closing tag.

    Everything else stays byte-for-byte as it was.
    """
    end = data.rstrip()
    close = end.rfind(b"</")
    if close < 0 or not end.endswith(b">"):
        raise WorkbookError(f"{pkg.path}: part {part} has no closing root tag")
    return data[:close] + element.encode("utf-8") + data[close:]


def _rels_of(root: Element) -> list[Element]:
    return [e for e in root if e.tag == f"{{{NS_PKG_RELS}}}Relationship"]


def _add_override(pkg: Package, part_name: str, content_type: str) -> None:
    """Declare ``part_name`` in [Content_Types].xml (once)."""
    root = _parse(pkg, CONTENT_TYPES_PART)
    target = "/" + part_name
    for e in root:
        if e.tag == f"{{{NS_CT}}}Override" and e.get("PartName", "").lower() == target.lower():
            if e.get("ContentType") != content_type:
                raise WorkbookError(
                    f"{pkg.path}: {CONTENT_TYPES_PART} declares {target} as "
                    f"{e.get('ContentType')}, expected {content_type}"
                )
            return
    element = f'<Override PartName="{_attr(target)}" ContentType="{_attr(content_type)}"/>'
    pkg.parts[CONTENT_TYPES_PART] = _insert_before_close(
        pkg.parts[CONTENT_TYPES_PART], element, part=CONTENT_TYPES_PART, pkg=pkg
    )


def _add_root_relationship(pkg: Package, rel_type: str, target: str) -> None:
    """Link ``target`` from _rels/.rels with ``rel_type`` under the next free rIdN."""
    root = _parse(pkg, ROOT_RELS_PART)
    rels = _rels_of(root)
    for e in rels:
        if e.get("Type") == rel_type:
            if e.get("Target", "").lstrip("/") != target:
                raise WorkbookError(
                    f"{pkg.path}: {ROOT_RELS_PART} already links a {rel_type.rsplit('/', 1)[-1]} "
                    f"part at {e.get('Target')}"
                )
            return
    used = {e.get("Id") for e in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    element = f'<Relationship Id="rId{n}" Type="{_attr(rel_type)}" Target="{_attr(target)}"/>'
    pkg.parts[ROOT_RELS_PART] = _insert_before_close(
        pkg.parts[ROOT_RELS_PART], element, part=ROOT_RELS_PART, pkg=pkg
    )


def _check_files(files: Mapping[str, str], pkg: Package) -> None:
    if "main.py" not in files:
        raise WorkbookError(f"{pkg.path}: xlwings Lite needs a main.py (got {sorted(files)})")
    for name in files:
        if not FILE_NAME.match(name) or name == REQUIREMENTS or name in SETTINGS:
            raise WorkbookError(f"{pkg.path}: {name!r} cannot be stored as an xlwings Lite file")


def add_lite_parts(pkg: Package, files: Mapping[str, str], requirements: str) -> None:
    """Add the xlwings Lite parts holding ``files`` (name -> text) and ``requirements``.

    ``files`` must hold ``main.py``; Lite reads only main.py (further names are stored as
    further properties in the same way). On a workbook that already carries Lite code,
    the code and requirements are replaced and every other Lite setting is kept; the
    result is then the same as on a fresh workbook, so the build is idempotent.
    """
    _check_files(files, pkg)
    code = [(name, encode_value(files[name])) for name in _file_order(files)]
    settings = [
        ("pyodideVersion", encode_value(PYODIDE_VERSION)),
        ("addinVersion", encode_value(ADDIN_VERSION)),
    ]
    reqs = [(REQUIREMENTS, encode_value(requirements))]

    found = _find_lite(pkg)
    if found is None:
        if any(name.startswith("xl/webextensions/") for name in pkg.parts):
            raise WorkbookError(
                f"{pkg.path}: already holds another Office add-in (xl/webextensions/); "
                "cannot add xlwings Lite beside it"
            )
        pkg.parts[WEBEXTENSION_PART] = webextension_xml(code + settings + reqs)
        pkg.parts[TASKPANES_PART] = taskpanes_xml()
        pkg.parts[TASKPANES_RELS_PART] = taskpanes_rels_xml()
        _add_override(pkg, TASKPANES_PART, CT_TASKPANES)
        _add_override(pkg, WEBEXTENSION_PART, CT_WEBEXTENSION)
        _add_root_relationship(pkg, REL_TASKPANES, TASKPANES_PART)
        return

    part, root = found
    kept: list[tuple[str, str]] = []
    for prop in root.iter(f"{{{NS_WE}}}property"):
        name = prop.get("name", "")
        if name in SETTINGS or name == REQUIREMENTS or _is_file_name(name):
            continue
        kept.append((name, prop.get("value", "")))
    reference = root.find(f"{{{NS_WE}}}reference")
    pkg.parts[part] = webextension_xml(
        code + settings + reqs + kept,
        extension_id=root.get("id", WEBEXTENSION_ID),
        store=(reference.get("store") if reference is not None else None) or STORE,
    )


def _file_order(files: Mapping[str, str]) -> list[str]:
    """main.py first (as Lite writes it), then the other files by name."""
    return ["main.py", *sorted(n for n in files if n != "main.py")]


def _is_file_name(name: str) -> bool:
    return name.endswith((".py", ".toml")) or name == REQUIREMENTS


# --------------------------------------------------------------------------- reading


def _webextension_parts(pkg: Package) -> Iterator[str]:
    """Every web extension part reachable from the package's task panes, in order (read
    through the package model's relationships)."""
    for rel in relationships(pkg, ""):
        if rel.type != REL_TASKPANES or rel.external:
            continue
        for inner in relationships(pkg, rel.target):
            if inner.type == REL_WEBEXTENSION and not inner.external and inner.target in pkg.parts:
                yield inner.target


def _find_lite(pkg: Package) -> tuple[str, Element] | None:
    """The xlwings Lite web extension part and its parsed root, if the package has one."""
    for part in _webextension_parts(pkg):
        root = _parse(pkg, part)
        reference = root.find(f"{{{NS_WE}}}reference")
        if reference is not None and reference.get("id", "").lower() == ADDIN_ID:
            return part, root
    return None


def has_lite(pkg: Package) -> bool:
    """Whether ``pkg`` carries xlwings Lite code."""
    return _find_lite(pkg) is not None


def extract_lite(pkg: Package) -> dict[str, str]:
    """The files stored by xlwings Lite in ``pkg``: main.py, requirements.txt, any others."""
    found = _find_lite(pkg)
    if found is None:
        raise WorkbookError(f"{pkg.path}: holds no xlwings Lite code (no add-in {ADDIN_ID})")
    part, root = found
    files: dict[str, str] = {}
    for prop in root.iter(f"{{{NS_WE}}}property"):
        name = prop.get("name", "")
        if name in SETTINGS or not _is_file_name(name):
            continue
        try:
            value = decode_value(prop.get("value", ""))
        except ValueError as exc:
            raise WorkbookError(f"{pkg.path}: {part}: {name} is not a JSON string ({exc})") from exc
        if not isinstance(value, str):
            raise WorkbookError(f"{pkg.path}: {part}: {name} is not a JSON string")
        files[name] = value
    if "main.py" not in files:
        raise WorkbookError(f"{pkg.path}: {part} has no main.py")
    return files


def write_lite_files(files: Mapping[str, str], directory: str | os.PathLike[str]) -> list[Path]:
    """Write extracted ``files`` into ``directory``; the paths written.

    ``directory`` is created when missing, the folders above it never are (the rule of every
    command: :mod:`xlcomp.files`). Names come from a workbook, so only plain file names are
    accepted: no folders, no ``..``, no leading dot.
    """
    target = Path(directory)
    for name in files:
        if not FILE_NAME.match(name):
            raise WorkbookError(f"refusing to write embedded file {name!r}: not a plain file name")
    check_folder_output(target)
    try:
        target.mkdir(exist_ok=True)
    except OSError as exc:
        raise PathError(f"{target}: cannot create the folder ({exc.strerror or exc})") from None
    written = []
    for name, text in files.items():
        path = target / name
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)
    return written


# --------------------------------------------------------------------------- building


def build_lite(src_xlsx: str | os.PathLike[str], out_xlsx: str | os.PathLike[str]) -> None:
    """Copy the workbook ``src_xlsx`` to ``out_xlsx`` with the generated Lite code added.

    ``src_xlsx`` is any built workbook (``xlcomp build``); the result opens in Excel with
    the free xlwings Lite add-in and needs nothing else. ``out_xlsx`` may be ``src_xlsx``.
    """
    pkg = open_workbook(src_xlsx)
    add_lite_parts(pkg, generate_lite_code(), lite_requirements())
    write_package(pkg, out_xlsx)


def lite_extract(book: str | os.PathLike[str], directory: str | os.PathLike[str]) -> list[Path]:
    """``xlcomp lite-extract BOOK DIR``: write the Lite code of ``book`` into ``directory``."""
    return write_lite_files(extract_lite(open_workbook(book)), directory)
