"""The package layer on valid input: part-name rules, Excel's own files, lazy parts, writes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.conftest import shared_files
from tests.hostile import deflated, stored, workbook_entries, write_zip
from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.ooxml import Package, open_workbook, parse, write_package
from xlcomp.ooxml.limits import format_size
from xlcomp.ooxml.names import part_name_problem

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILES = shared_files("corpus/excel-made", "*.xls[xm]")

NAMES = [
    ("xl/workbook.xml", None),
    ("[Content_Types].xml", None),
    ("xl/worksheets/_rels/sheet1.xml.rels", None),
    ("[trash]/0000.dat", None),
    ("xl/media/Bild äöü 1.png", None),
    ("customXml/item1.xml", None),
    ("xl/", None),
    ("", "empty name"),
    ("../../x", "'..' segment (path traversal)"),
    ("xl/../../x", "'..' segment (path traversal)"),
    ("xl/./workbook.xml", "'.' segment"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/x", "drive letter (absolute Windows path)"),
    ("xl\\..\\x", "backslash (Windows path)"),
    ("xl//workbook.xml", "empty segment"),
    ("xl/workbook.", "segment ending with a dot"),
    ("xl/a\x00b", "control character"),
    ("xl/a\nb", "control character"),
    ("xl%2F..%2Fx", "percent-encoded slash"),
    ("x" * 1025, "longer than 1024 characters"),
]


@pytest.mark.parametrize(("name", "exp"), NAMES, ids=[repr(n)[:30] for n, _ in NAMES])
def test_part_name_rules(name: str, exp: str | None) -> None:
    """Valid part names pass, each kind of unsafe name gets its reason."""
    assert part_name_problem(name, 1024) == exp


@pytest.mark.parametrize(
    ("n", "exp"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1 KiB"), (1536, "1.5 KiB"), (2 << 30, "2 GiB")],
)
def test_format_size(n: int, exp: str) -> None:
    """Sizes read as people write them."""
    assert format_size(n) == exp


@pytest.mark.shared("corpus/excel-made")
def test_corpus_present() -> None:
    """The Excel-made corpus is beside the checkout (shared/corpus/excel-made)."""
    assert len(CORPUS_FILES) >= 31


@pytest.mark.parametrize("book", CORPUS_FILES)
def test_excel_made_workbooks_open_and_round_trip(book: Path, tmp_path: Path) -> None:
    """Every workbook Excel saved opens, parses, and is written back with identical parts."""
    pkg = open_workbook(book)
    assert pkg.workbook_part == "xl/workbook.xml"
    for name in pkg.parts:
        if name.endswith((".xml", ".rels")):
            parse(pkg.parts[name], part=name, source=book)
    out = tmp_path / book.name
    write_package(pkg, out)
    with zipfile.ZipFile(book) as exp_zip, zipfile.ZipFile(out) as got_zip:
        exp = [(i.filename, i.compress_type, i.date_time) for i in exp_zip.infolist()]
        got = [(i.filename, i.compress_type, i.date_time) for i in got_zip.infolist()]
        assert got == exp
        for name in exp_zip.namelist():
            assert got_zip.read(name) == exp_zip.read(name), name


def test_parts_behave_like_the_dict_they_replace(tmp_path: Path) -> None:
    """Assigning keeps a part's place, new parts append, del removes; infos stay unaltered."""
    book = write_zip(tmp_path / "b.xlsx", workbook_entries())
    pkg = Package.open(book)
    names = list(pkg.parts)
    info = pkg.infos["xl/workbook.xml"]
    size = info.file_size
    pkg.parts["xl/workbook.xml"] = pkg.parts["xl/workbook.xml"] + b"<!-- edited -->"
    pkg.parts["xl/new.xml"] = b"<new/>"
    del pkg.parts["xl/_rels/workbook.xml.rels"]
    exp = [n for n in names if n != "xl/_rels/workbook.xml.rels"] + ["xl/new.xml"]
    assert list(pkg.parts) == exp
    assert "xl/new.xml" in pkg.parts and pkg.parts.get("missing") is None
    with zipfile.ZipFile(io.BytesIO(pkg.to_bytes())) as archive:
        assert archive.namelist() == exp
        assert archive.read("xl/workbook.xml").endswith(b"<!-- edited -->")
    assert pkg.infos["xl/workbook.xml"] is info and info.file_size == size


def test_folder_entries_are_skipped(tmp_path: Path) -> None:
    """Zip folder entries (written by some zip tools) are not parts."""
    entries = [stored("xl/", b""), *workbook_entries()]
    pkg = open_workbook(write_zip(tmp_path / "b.xlsx", entries))
    assert "xl/" not in pkg.parts and "xl/workbook.xml" in pkg.parts


@pytest.mark.parametrize(
    ("name", "reason"),
    [("../x", "'..' segment"), ("XL/WORKBOOK.XML", "same as 'xl/workbook.xml' ignoring case")],
    ids=["traversal", "duplicate"],
)
def test_unsafe_names_are_not_written(name: str, reason: str, tmp_path: Path) -> None:
    """A caller's part name that would be unsafe in a zip stops the write."""
    pkg = Package.open(write_zip(tmp_path / "b.xlsx", workbook_entries()))
    pkg.parts[name] = b"x"
    with pytest.raises(WorkbookError, match=reason):
        pkg.to_bytes()


def test_binary_workbook_is_named(tmp_path: Path) -> None:
    """An .xlsb workbook is refused as such."""
    xlsb = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/xl/workbook.bin" ContentType="{xlsb}"/></Types>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    )
    entries = [
        deflated("[Content_Types].xml", types.encode()),
        deflated("_rels/.rels", rels.encode()),
        deflated("xl/workbook.bin", b"\x83\x01\x00"),
    ]
    with pytest.raises(WorkbookError, match=r"binary workbook \(\.xlsb\) is not supported"):
        open_workbook(write_zip(tmp_path / "b.xlsx", entries))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    """A missing path and a folder get one-line errors naming them."""
    with pytest.raises(WorkbookError, match=r"nope\.xlsx: cannot read \(No such file"):
        Package.open(tmp_path / "nope.xlsx")
    with pytest.raises(WorkbookError, match=r"cannot read|not a regular file"):
        Package.open(tmp_path)


def test_non_utf_encoding_is_refused() -> None:
    """XML in a multi-byte encoding other than UTF-8 or UTF-16 gets a one-line error."""
    data = b'<?xml version="1.0" encoding="Shift_JIS"?><a/>'
    with pytest.raises(WorkbookError, match="not well-formed XML"):
        parse(data, part="xl/a.xml")


def test_unsafe_error_is_a_workbook_error() -> None:
    """Callers that catch WorkbookError also catch every safety refusal."""
    assert issubclass(UnsafeWorkbookError, WorkbookError)
