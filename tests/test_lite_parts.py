"""The xlwings Lite parts: layout as Lite saves it, declarations, round trip, safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import require_shared
from xlcomp import lite
from xlcomp.errors import WorkbookError
from xlcomp.ooxml import Package, write_package

# ----------------------------------------------------------------------------- evidence
# The layout xlwings Lite writes, stated as a fixture of our own (docs/lite.md says how it
# was established from workbooks Lite saved: element order, namespaces, the add-in's
# reference, property encoding, CRLF after the declaration). The id, store locale and
# values are placeholders of ours; only the structure is Lite's.
EXTENSION_ID = "{0C0FFEE0-0000-4000-8000-000000000001}"
LITE_SAVED_REQUIREMENTS = "xlwings==0.36.17  # required\npydantic>=2.10,<3"
LITE_SAVED_WEBEXTENSION = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11"'
    b' id="{0C0FFEE0-0000-4000-8000-000000000001}">'
    b'<we:reference id="wa200008175" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
    b"<we:alternateReferences>"
    b'<we:reference id="WA200008175" version="1.0.0.0" store="WA200008175" storeType="OMEX"/>'
    b"</we:alternateReferences>"
    b"<we:properties>"
    b'<we:property name="main.py" value="MAIN_PY"/>'
    b'<we:property name="pyodideVersion" value="&quot;0.27.5&quot;"/>'
    b'<we:property name="addinVersion" value="&quot;1.0.0.0-18&quot;"/>'
    b'<we:property name="requirements.txt" value="&quot;xlwings==0.36.17  # required\\n'
    b'pydantic&gt;=2.10,&lt;3&quot;"/>'
    b"</we:properties>"
    b"<we:bindings/>"
    b'<we:snapshot xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
    b"<we:extLst>"
    b'<a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    b' uri="{D87F86FE-615C-45B5-9D79-34F1136793EB}"><we:containsCustomFunctions/></a:ext>'
    b'<a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    b' uri="{7C84B067-C214-45C3-A712-C9D94CD141B2}"><we:customFunctionIdList/></a:ext>'
    b"</we:extLst>"
    b"</we:webextension>"
)
LITE_SAVED_TASKPANES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11">'
    b'<wetp:taskpane dockstate="right" visibility="0" width="438" row="3">'
    b'<wetp:webextensionref xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    b' r:id="rId1"/></wetp:taskpane></wetp:taskpanes>'
)
LITE_SAVED_TASKPANES_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/webextension"'
    b' Target="webextension1.xml"/></Relationships>'
)
# The [Content_Types].xml overrides and the _rels/.rels relationship Lite adds.
LITE_SAVED_OVERRIDES = {
    "/xl/webextensions/taskpanes.xml": "application/vnd.ms-office.webextensiontaskpanes+xml",
    "/xl/webextensions/webextension1.xml": "application/vnd.ms-office.webextension+xml",
}
LITE_SAVED_ROOT_REL = (
    "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes",
    "xl/webextensions/taskpanes.xml",
)
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def corpus_dir() -> Path:
    """The shared folder of Excel-made workbooks (beside the checkout in CI)."""
    return require_shared("corpus", "excel-made")


@pytest.fixture
def plain_book(tmp_path: Path) -> Path:
    """A small workbook written by openpyxl, as the template builder writes one."""
    path = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Offer"
    wb.active["B1"] = 240000
    wb.save(path)
    return path


def with_lite(path: Path, files: dict[str, str] | None = None) -> Package:
    """The package at ``path`` with Lite parts for ``files`` (default: a one-line main.py)."""
    pkg = Package.open(path)
    lite.add_lite_parts(pkg, files or {"main.py": "x = 1\n"}, lite.lite_requirements())
    return pkg


def reopen(pkg: Package, tmp_path: Path, name: str = "out.xlsx") -> Package:
    """Write ``pkg`` to disk and read it back."""
    out = tmp_path / name
    write_package(pkg, out)
    return Package.open(out)


# ------------------------------------------------------------------------------ layout


def test_webextension_matches_lite_saved_part() -> None:
    """Given an id, store and values, our part has Lite's layout byte for byte."""
    exp = LITE_SAVED_WEBEXTENSION
    got = lite.webextension_xml(
        [
            ("main.py", "MAIN_PY"),
            ("pyodideVersion", lite.encode_value("0.27.5")),
            ("addinVersion", lite.encode_value("1.0.0.0-18")),
            ("requirements.txt", lite.encode_value(LITE_SAVED_REQUIREMENTS)),
        ],
        extension_id=EXTENSION_ID,
        store="en-US",
    )
    assert got == exp


def test_taskpanes_parts_match_lite_saved_parts() -> None:
    """The task-pane part and its relationships are the bytes Lite saves."""
    assert lite.taskpanes_xml() == LITE_SAVED_TASKPANES
    assert lite.taskpanes_rels_xml() == LITE_SAVED_TASKPANES_RELS


def test_built_parts_have_lite_settings_and_order(plain_book: Path) -> None:
    """Properties come in Lite's order: main.py, pyodideVersion, addinVersion, requirements."""
    pkg = with_lite(plain_book)
    root = SafeET.fromstring(pkg.parts[lite.WEBEXTENSION_PART])
    names = [p.get("name") for p in root.iter(f"{{{lite.NS_WE}}}property")]
    assert names == ["main.py", "pyodideVersion", "addinVersion", "requirements.txt"]
    ref = root.find(f"{{{lite.NS_WE}}}reference")
    assert ref is not None
    assert (ref.get("id"), ref.get("storeType")) == ("wa200008175", "OMEX")


def test_parts_are_well_formed(plain_book: Path, tmp_path: Path) -> None:
    """Every part we add or touch parses as XML after a write and re-read."""
    pkg = reopen(with_lite(plain_book), tmp_path)
    for name in (
        lite.WEBEXTENSION_PART,
        lite.TASKPANES_PART,
        lite.TASKPANES_RELS_PART,
        lite.CONTENT_TYPES_PART,
        lite.ROOT_RELS_PART,
    ):
        SafeET.fromstring(pkg.parts[name])


def test_parts_declared_in_content_types(plain_book: Path) -> None:
    """[Content_Types].xml overrides both XML parts with Lite's content types; rels by Default."""
    root = SafeET.fromstring(with_lite(plain_book).parts[lite.CONTENT_TYPES_PART])
    overrides = {e.get("PartName"): e.get("ContentType") for e in root.iter(f"{CT}Override")}
    for part, ctype in LITE_SAVED_OVERRIDES.items():
        assert overrides[part] == ctype
    defaults = {e.get("Extension"): e.get("ContentType") for e in root.iter(f"{CT}Default")}
    assert defaults["rels"] == "application/vnd.openxmlformats-package.relationships+xml"


def test_taskpanes_linked_from_root_rels(plain_book: Path) -> None:
    """_rels/.rels links the task panes with Lite's relationship type under a fresh Id."""
    root = SafeET.fromstring(with_lite(plain_book).parts[lite.ROOT_RELS_PART])
    rels = list(root.iter(f"{RELS}Relationship"))
    got = [
        (r.get("Type"), r.get("Target")) for r in rels if r.get("Type") == LITE_SAVED_ROOT_REL[0]
    ]
    assert got == [LITE_SAVED_ROOT_REL]
    ids = [r.get("Id") for r in rels]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.parametrize(
    ("existing", "exp"),
    [(["rId1", "rId2", "rId3"], "rId4"), (["rId1", "rId3"], "rId2"), (["rId2"], "rId1")],
    ids=["after-last", "fills-gap", "first-free"],
)
def test_root_relationship_takes_first_free_id(
    plain_book: Path, existing: list[str], exp: str
) -> None:
    """The new relationship gets the first rIdN not in use."""
    pkg = Package.open(plain_book)
    body = "".join(
        f'<Relationship Id="{rid}" Type="urn:x-test:{i}" Target="t{i}.xml"/>'
        for i, rid in enumerate(existing)
    )
    pkg.parts[lite.ROOT_RELS_PART] = (
        f'<?xml version="1.0"?>\n<Relationships xmlns="{RELS[1:-1]}">{body}</Relationships>'
    ).encode()
    lite.add_lite_parts(pkg, {"main.py": ""}, "")
    root = SafeET.fromstring(pkg.parts[lite.ROOT_RELS_PART])
    got = [r.get("Id") for r in root if r.get("Type") == lite.REL_TASKPANES]
    assert got == [exp]


def test_zip_entries_like_excel(plain_book: Path, tmp_path: Path) -> None:
    """New parts are deflated entries dated 1980-01-01, as Excel writes them."""
    out = tmp_path / "z.xlsx"
    write_package(with_lite(plain_book), out)
    with zipfile.ZipFile(out) as zf:
        for name in (lite.WEBEXTENSION_PART, lite.TASKPANES_PART, lite.TASKPANES_RELS_PART):
            info = zf.getinfo(name)
            assert (info.compress_type, info.date_time) == (
                zipfile.ZIP_DEFLATED,
                (1980, 1, 1, 0, 0, 0),
            )


# ---------------------------------------------------------------------------- encoding


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        ("0.27.5", '"0.27.5"'),
        ("a/b", '"a\\/b"'),
        ("caf\u00e9 \u2264", '"caf\u00e9 \u2264"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("l1\nl2\tx", '"l1\\nl2\\tx"'),
        ("it's", '"it\'s"'),
        ("\ufffe", '"\\ufffe"'),
    ],
    ids=["plain", "slash", "non-ascii-kept", "quote", "newline-tab", "apostrophe", "non-xml-char"],
)
def test_encode_value(text: str, exp: str) -> None:
    """Values are JSON strings with non-ASCII kept and '/' escaped, as Lite writes them."""
    assert lite.encode_value(text) == exp
    assert lite.decode_value(exp) == text


def test_attribute_escaping_matches_lite() -> None:
    """XML escaping of a value: & < > and double quote, apostrophes raw."""
    got = lite.webextension_xml([("main.py", lite.encode_value("a<b & c>'d'"))])
    assert b"value=\"&quot;a&lt;b &amp; c&gt;'d'&quot;\"" in got


# --------------------------------------------------------------------------- round trip


@settings(max_examples=60, deadline=None)
@given(code=st.text(), extra=st.text())
def test_round_trip_any_text(code: str, extra: str) -> None:
    """Whatever text is stored comes back unchanged after write and re-read."""
    wb = openpyxl.Workbook()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "a.xlsx"
        wb.save(src)
        pkg = Package.open(src)
        files = {"main.py": code, "helpers.py": extra}
        lite.add_lite_parts(pkg, files, "xlwings==0.36.17  # required")
        got = lite.extract_lite(reopen(pkg, Path(tmp)))
    assert got == {**files, "requirements.txt": "xlwings==0.36.17  # required"}


def test_other_parts_unchanged(tmp_path: Path) -> None:
    """Adding Lite to an Excel-made macro workbook leaves every other part byte-identical."""
    src = corpus_dir() / "macro01.xlsm"
    before = Package.open(src)
    after = reopen(with_lite(src), tmp_path, "m.xlsm")
    for name, data in before.parts.items():
        if name in (lite.CONTENT_TYPES_PART, lite.ROOT_RELS_PART):
            continue
        assert after.parts[name] == data, name
    added = set(after.parts) - set(before.parts)
    assert added == {lite.WEBEXTENSION_PART, lite.TASKPANES_PART, lite.TASKPANES_RELS_PART}


@pytest.mark.parametrize("part", [lite.CONTENT_TYPES_PART, lite.ROOT_RELS_PART])
def test_touched_parts_only_gain_one_element(tmp_path: Path, part: str) -> None:
    """[Content_Types].xml and _rels/.rels keep their bytes around the inserted elements."""
    src = corpus_dir() / "chart_bar01.xlsx"
    exp = Package.open(src).parts[part]
    got = with_lite(src).parts[part]
    close = exp.rstrip().rfind(b"</")
    assert got.startswith(exp[:close])
    assert got.endswith(exp[close:])


def test_add_is_idempotent(plain_book: Path, tmp_path: Path) -> None:
    """Adding the same code twice gives the same package as adding it once."""
    once = with_lite(plain_book, {"main.py": "a = 1\n"})
    twice = reopen(once, tmp_path)
    lite.add_lite_parts(twice, {"main.py": "a = 1\n"}, lite.lite_requirements())
    assert twice.parts == once.parts


def test_replacing_code_keeps_other_lite_settings(plain_book: Path, tmp_path: Path) -> None:
    """New code replaces main.py and old modules; Lite's own other properties stay."""
    pkg = with_lite(plain_book, {"main.py": "old\n", "old_helper.py": "x\n"})
    setting = '<we:property name="xlwingsSettingsWorkbook" value="{&quot;a&quot;:1}"/>'
    pkg.parts[lite.WEBEXTENSION_PART] = pkg.parts[lite.WEBEXTENSION_PART].replace(
        b"</we:properties>", setting.encode() + b"</we:properties>"
    )
    lite.add_lite_parts(pkg, {"main.py": "new\n"}, "pydantic")
    assert lite.extract_lite(pkg) == {"main.py": "new\n", "requirements.txt": "pydantic"}
    assert setting.encode() in pkg.parts[lite.WEBEXTENSION_PART]


# ------------------------------------------------------------------------------- errors


def test_extract_without_lite_names_the_file(plain_book: Path) -> None:
    """A workbook without Lite code is a one-line error naming the file."""
    with pytest.raises(WorkbookError, match=r"plain\.xlsx: holds no xlwings Lite code"):
        lite.extract_lite(Package.open(plain_book))


@pytest.mark.parametrize(
    "files",
    [{"helpers.py": "x"}, {"main.py": "", "../evil.py": ""}, {"main.py": "", "a/b.py": ""}],
    ids=["no-main", "traversal", "folder"],
)
def test_add_rejects_bad_file_sets(plain_book: Path, files: dict[str, str]) -> None:
    """Code without main.py or with non-plain names is refused."""
    with pytest.raises(WorkbookError):
        lite.add_lite_parts(Package.open(plain_book), files, "")


@pytest.mark.parametrize(
    "name",
    ["../x.py", "/etc/x.py", ".bashrc.py", "a\\b.py", "dir/x.py", "x.exe"],
    ids=["dotdot", "absolute", "hidden", "backslash", "folder", "extension"],
)
def test_write_files_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    """Names read from a workbook never leave the target folder."""
    with pytest.raises(WorkbookError, match="not a plain file name"):
        lite.write_lite_files({name: "x"}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_write_files_writes_utf8(tmp_path: Path) -> None:
    """Extracted files are written as UTF-8 text into the folder."""
    paths = lite.write_lite_files({"main.py": "s = 'caf\u00e9'\n"}, tmp_path / "code")
    assert [p.name for p in paths] == ["main.py"]
    assert (tmp_path / "code" / "main.py").read_text(encoding="utf-8") == "s = 'caf\u00e9'\n"


def test_other_web_addin_is_refused(plain_book: Path) -> None:
    """A workbook that already carries another Office add-in is not silently merged."""
    pkg = Package.open(plain_book)
    pkg.parts["xl/webextensions/webextension1.xml"] = b"<x/>"
    with pytest.raises(WorkbookError, match="another Office add-in"):
        lite.add_lite_parts(pkg, {"main.py": ""}, "")


def test_broken_webextension_is_a_workbook_error(plain_book: Path) -> None:
    """A malformed Lite part is reported as a WorkbookError, not a parser traceback."""
    pkg = with_lite(plain_book)
    pkg.parts[lite.WEBEXTENSION_PART] = b"<we:webextension"
    with pytest.raises(WorkbookError, match="not well-formed"):
        lite.extract_lite(pkg)


def test_entity_expansion_refused(plain_book: Path) -> None:
    """An XML bomb in the Lite part is refused, not expanded."""
    pkg = with_lite(plain_book)
    pkg.parts[lite.WEBEXTENSION_PART] = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;</a>'
    )
    with pytest.raises(WorkbookError):
        lite.extract_lite(pkg)
