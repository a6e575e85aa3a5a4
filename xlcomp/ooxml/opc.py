"""The OPC model of a workbook package: namespaces, relationships, content types, parts.

Every command reads the package through this module, so the knowledge of how an OOXML
package is wired lives once:

- **Namespaces** of both conformance classes. A *Strict* workbook (ISO/IEC 29500 Strict,
  namespaces ``http://purl.oclc.org/ooxml/...``) is normalised to *Transitional* when the
  package is opened (:func:`normalise_strict`), so that every reader below sees one
  vocabulary; a Strict file is therefore read, never silently skipped, and written back as
  Transitional (which Excel and LibreOffice open).
- **Relationships**: :func:`relationships` gives each relationship of a part with its
  target resolved to a part name (ECMA-376 Part 2, §9.3); :func:`rels_part_of` names the
  relationships part of a part.
- **Content types**: :func:`content_types` and :func:`content_type_of` (Part 2, §10.1).
- **Removal**: :func:`remove_parts` drops parts with every relationship pointing at them
  and their content-type overrides, so the package stays valid.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlcomp.ooxml.names import name_key
from xlcomp.ooxml.xml import parse

if TYPE_CHECKING:
    from xlcomp.ooxml.package import Package

__all__ = [
    "CONTENT_TYPES",
    "NS_CT",
    "NS_MAIN",
    "NS_PKG_REL",
    "NS_REL",
    "ROOT_RELS",
    "Relationship",
    "content_type_of",
    "content_types",
    "is_strict",
    "normalise_strict",
    "relationships",
    "rels_part_of",
    "remove_parts",
    "source_of_rels",
]

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_SPREADSHEET_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"

# Strict namespace -> Transitional namespace (ISO/IEC 29500-1:2016 Annex A and Part 4).
# Relationship types use the same roots: ".../officeDocument/relationships/worksheet" is
# ".../officeDocument/2006/relationships/worksheet" in Transitional.
STRICT_TO_TRANSITIONAL: tuple[tuple[bytes, bytes], ...] = (
    (
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
        b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
        b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/math",
        b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/bibliography",
        b"http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/sharedTypes",
        b"http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
        b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/chartDrawing",
        b"http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/chart",
        b"http://schemas.openxmlformats.org/drawingml/2006/chart",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/picture",
        b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/diagram",
        b"http://schemas.openxmlformats.org/drawingml/2006/diagram",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/main",
        b"http://schemas.openxmlformats.org/drawingml/2006/main",
    ),
)
_STRICT_ROOT = b"http://purl.oclc.org/ooxml/"
XML_EXTENSIONS = frozenset({"xml", "rels", "vml"})


@dataclass(frozen=True)
class Relationship:
    """One ``<Relationship>`` of a part: its id, type URI, and target.

    ``target`` is the part name the relationship points to (``xl/worksheets/sheet1.xml``),
    resolved against the source part's folder; for an external relationship
    (``TargetMode="External"``) it is the target as written (a URL or a file path).
    """

    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The last segment of the type (``worksheet``, ``table``, ``image``)."""
        return self.type.rsplit("/", 1)[-1]


def rels_part_of(part: str) -> str:
    """The relationships part of ``part``: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``;
    the package itself (``""``) -> ``_rels/.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def source_of_rels(rels_part: str) -> str | None:
    """The part whose relationships ``rels_part`` holds (``""`` for the package), or None
    when ``rels_part`` is not a relationships part name."""
    folder, base = posixpath.split(rels_part)
    if not base.endswith(".rels") or posixpath.basename(folder) != "_rels":
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def resolve_target(source: str, target: str) -> str:
    """A relationship target as a part name, relative to ``source``'s folder (§9.3.3)."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    folder = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join("/", folder, target)).lstrip("/")


def relationships(pkg: Package, part: str) -> list[Relationship]:
    """Each relationship of ``part`` (``""`` for the package's own), in document order.

    Raises :class:`xlcomp.errors.WorkbookError` when the relationships part is not
    well-formed XML.
    """
    rels_name = ROOT_RELS if part == "" else rels_part_of(part)
    found = _find(pkg, rels_name)
    if found is None:
        return []
    root = parse(pkg.parts[found], part=found, source=pkg.path)
    out = []
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        external = rel.get("TargetMode") == "External"
        raw = rel.get("Target", "")
        target = raw if external else resolve_target(part, raw)
        out.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), target, external))
    return out


def content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str]]:
    """Extension (lower case) -> content type, and part name key -> content type."""
    found = _find(pkg, CONTENT_TYPES)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if found is None:
        return defaults, overrides
    root = parse(pkg.parts[found], part=found, source=pkg.path)
    for node in root:
        local = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        ctype = node.get("ContentType", "")
        if local == "Default":
            defaults[node.get("Extension", "").lower()] = ctype
        elif local == "Override":
            overrides[name_key(node.get("PartName", "").lstrip("/"))] = ctype
    return defaults, overrides


def content_type_of(
    name: str,
    types: tuple[dict[str, str], dict[str, str]] | None = None,
    *,
    pkg: Package | None = None,
) -> str:
    """The content type of part ``name`` (override first, then the extension's default)."""
    if types is None:
        assert pkg is not None, "pass the content types or the package"
        types = content_types(pkg)
    defaults, overrides = types
    ext = posixpath.splitext(name)[1].lstrip(".").lower()
    return overrides.get(name_key(name), defaults.get(ext, ""))


def is_xml_part(name: str, ctype: str) -> bool:
    """Whether a part of this name and content type holds XML."""
    ext = posixpath.splitext(name)[1].lstrip(".").lower()
    return ext in XML_EXTENSIONS or ctype.endswith("xml") or name == CONTENT_TYPES


def is_strict(pkg: Package) -> bool:
    """Whether the package's main relationship uses the Strict namespaces."""
    found = _find(pkg, ROOT_RELS)
    return found is not None and _STRICT_ROOT in pkg.parts[found]


def normalise_strict(pkg: Package) -> list[str]:
    """Rewrite every Strict namespace URI of every XML part to its Transitional twin.

    Returns the parts changed. Only namespace URIs (and the relationship type URIs built
    on them) change; prefixes, element order and every other byte stay. Parts are decoded
    in their own encoding (UTF-8 or UTF-16) and re-encoded the same way.
    """
    types = content_types(pkg)
    changed = []
    for name in list(pkg.parts):
        if not is_xml_part(name, content_type_of(name, types)):
            continue
        data = pkg.parts[name]
        encoding = xml_encoding(data)
        if encoding == "utf-8":
            if _STRICT_ROOT not in data:
                continue
            new = data
            for strict, transitional in STRICT_TO_TRANSITIONAL:
                new = new.replace(strict, transitional)
        else:
            text = data.decode(encoding, "replace")
            if _STRICT_ROOT.decode() not in text:
                continue
            for strict, transitional in STRICT_TO_TRANSITIONAL:
                text = text.replace(strict.decode(), transitional.decode())
            new = text.encode(encoding)
        if new != data:
            pkg.parts[name] = new
            changed.append(name)
    return changed


_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_encoding(data: bytes) -> str:
    """The encoding of an XML part (its byte-order mark, else its declaration, else UTF-8):
    ``utf-8``, ``utf-16`` (with a BOM), ``utf-16-le``/``utf-16-be`` (without)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.startswith(b"<\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<"):
        return "utf-16-be"
    m = _DECL_ENCODING.match(data)
    if m is not None:
        declared = m.group(1).decode("ascii").lower()
        if declared not in ("utf-8", "utf8"):
            try:
                b"".decode(declared)
            except LookupError:
                return "utf-8"
            return declared
    return "utf-8"


def decode_part(data: bytes) -> str:
    """An XML (or any text) part as text, in whatever encoding it is written; never raises."""
    return data.decode(xml_encoding(data), "replace")


def remove_parts(pkg: Package, parts: Iterable[str]) -> list[str]:
    """Drop ``parts``, their relationships parts, every relationship whose target is one of
    them, and their content-type overrides. Returns the parts actually removed.

    Relationships parts are rewritten with lxml (namespace prefixes kept); a relationships
    part left with no relationship is kept empty, which OPC allows.
    """
    from lxml import etree

    doomed = {name_key(p) for p in parts if p in pkg.parts}
    # A removed part's own relationships go with it.
    for name in list(pkg.parts):
        source = source_of_rels(name)
        if source is not None and source != "" and name_key(source) in doomed:
            doomed.add(name_key(name))
    removed = [n for n in pkg.parts if name_key(n) in doomed]
    for name in removed:
        del pkg.parts[name]
        pkg.infos.pop(name, None)
    for name in list(pkg.parts):
        source = source_of_rels(name)
        if source is None:
            continue
        root = parse(pkg.parts[name], part=name, source=pkg.path)
        drop = [
            rel
            for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship")
            if rel.get("TargetMode") != "External"
            and name_key(resolve_target(source, rel.get("Target", ""))) in doomed
        ]
        if drop:
            for rel in drop:
                rel.getparent().remove(rel)
            pkg.parts[name] = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    ct_name = _find(pkg, CONTENT_TYPES)
    if ct_name is not None:
        root = parse(pkg.parts[ct_name], part=ct_name, source=pkg.path)
        drop = [
            node
            for node in root
            if isinstance(node.tag, str)
            and node.tag.endswith("Override")
            and name_key(node.get("PartName", "").lstrip("/")) in doomed
        ]
        if drop:
            for node in drop:
                root.remove(node)
            pkg.parts[ct_name] = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    return removed


def _find(pkg: Package, name: str) -> str | None:
    """The part named ``name`` ignoring case (OPC part names are case-insensitive)."""
    if name in pkg.parts:
        return name
    key = name_key(name)
    return next((n for n in pkg.parts if name_key(n) == key), None)
