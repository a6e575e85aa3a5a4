"""The package model (xlcomp/ooxml/opc.py) and the number scanner (xlcomp/ooxml/scan.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.attack_corpus import _strict, base_openpyxl
from xlcomp.ooxml import open_workbook, relationships, remove_parts, workbook_sheets
from xlcomp.ooxml.allowlist import classify, clean_image
from xlcomp.ooxml.opc import resolve_target, source_of_rels, xml_encoding
from xlcomp.ooxml.scan import Secrets, significant_digits, written_numbers
from xlcomp.render import sheet_names

# written text -> (value, tolerance): the precision the text was written at, by hand.
WRITTEN = [
    ("$296.4K", 296400.0, 50.0),
    ("296K", 296000.0, 500.0),
    ("2.96417E+05", 296417.0, 0.5),
    ("296 417", 296417.0, 0.5),
    ("296,417", 296417.0, 0.5),
    ("$411,180", 411180.0, 0.5),
    ("7.37%", 0.0737, 0.00005),
    ("€1.25M", 1250000.0, 5000.0),
    ("-5,000.50", -5000.5, 0.005),
    ("0.0737", 0.0737, 0.00005),
]


@pytest.mark.parametrize(("text", "value", "tolerance"), WRITTEN)
def test_written_numbers(text: str, value: float, tolerance: float) -> None:
    (found,) = list(written_numbers(text))
    assert found.value == pytest.approx(value)
    assert found.tolerance == pytest.approx(tolerance)


@pytest.mark.parametrize("text", ["B12", "$B$12", "Sheet2!A1", "12px", "x14ac"])
def test_references_are_not_numbers(text: str) -> None:
    assert list(written_numbers(text)) == []


# text -> whether it writes one of 296,417 / 0.0737 / 411,180.00000000006 / "Quuxcorp"
MATCHES = [
    ("competing $296.4K", True),  # 296,400 ± 50 holds 296,417
    ("about 296K", True),  # 296,000 ± 500
    ("2.96417E+05", True),
    ("$296.3K", False),  # 296,300 ± 50 does not
    ("297K", False),  # 297,000 ± 500: 583 away
    ("uplift 7.37%", True),
    ("uplift 7.38%", False),
    ("target $411,180", True),  # the float noise rounds away
    ("QUUXCORP called", True),  # a word, any case
    ("Quuxcorps", False),  # not the same word
    ("$0.3M", False),  # one significant digit tells nothing
]


@pytest.mark.parametrize(("text", "expected"), MATCHES)
def test_secrets_match_at_written_precision(text: str, expected: bool) -> None:
    secrets = Secrets(
        {"Offer!B4": 296417.0, "Offer!B7": 0.0737, "x": 411180.00000000006, "Offer!B8": "Quuxcorp"}
    )
    assert bool(secrets.hits(text, human=True)) is expected


@given(st.integers(min_value=100, max_value=10**9))
def test_any_integer_is_found_grouped_or_plain(value: int) -> None:
    secrets = Secrets({"A1": float(value)})
    assert secrets.hits(f"{value:,}", human=False)
    assert secrets.hits(str(value), human=False)
    assert secrets.hits(f"{value:.6E}", human=False)


def test_significant_digits() -> None:
    assert [significant_digits(v) for v in (0.0737, 296417, 300000, 0.05, 12)] == [3, 6, 6, 1, 2]


def test_strict_package_is_read_as_transitional(tmp_path: Path) -> None:
    """The issue's Strict recipe: the package model reads sheets, names and relationships."""
    src = _strict(tmp_path / "strict.xlsx")
    with zipfile.ZipFile(src) as zf:
        assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zf.read("xl/workbook.xml")
    pkg = open_workbook(src)
    assert pkg.strict
    assert [s.name for s in workbook_sheets(pkg)] == ["Guide", "Offer"]
    assert sheet_names(src) == ["Guide", "Offer"]
    kinds = {rel.kind for rel in relationships(pkg, pkg.workbook_part or "")}
    assert {"worksheet", "styles"} <= kinds
    assert b"purl.oclc.org" not in pkg.parts["xl/workbook.xml"]


def test_relationship_targets_resolve() -> None:
    assert resolve_target("xl/workbook.xml", "worksheets/sheet1.xml") == "xl/worksheets/sheet1.xml"
    assert resolve_target("xl/drawings/drawing1.xml", "../media/a.png") == "xl/media/a.png"
    assert resolve_target("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert source_of_rels("xl/_rels/workbook.xml.rels") == "xl/workbook.xml"
    assert source_of_rels("_rels/.rels") == ""
    assert source_of_rels("xl/workbook.xml") is None


def test_remove_parts_keeps_the_package_valid(tmp_path: Path) -> None:
    """Removing a sheet's comments drops its relationship and content-type override."""
    wb = base_openpyxl(tmp_path / "x.xlsx", keep=True)
    from openpyxl.comments import Comment

    wb["Offer"]["A1"].comment = Comment("hello", "me")
    wb.save(tmp_path / "x.xlsx")
    pkg = open_workbook(tmp_path / "x.xlsx")
    comments = [n for n in pkg.parts if "comments" in n and n.endswith(".xml")]
    assert comments
    removed = remove_parts(pkg, comments)
    assert set(comments) <= set(removed)
    for part in comments:
        leaf = part.rsplit("/", 1)[-1].encode()
        assert leaf not in pkg.parts["[Content_Types].xml"]
        for name in pkg.parts:
            if name.endswith(".rels"):
                assert leaf not in pkg.parts[name], name
    out = tmp_path / "y.xlsx"
    from xlcomp.ooxml import write_package

    write_package(pkg, out)
    assert openpyxl.load_workbook(out)["Offer"]["A1"].comment is None


def test_classify_by_allow_list(tmp_path: Path) -> None:
    src = base_openpyxl(tmp_path / "x.xlsx")
    del src
    pkg = open_workbook(tmp_path / "x.xlsx")
    pkg.parts["xl/printerSettings/printerSettings1.bin"] = b"\x00"
    parts = classify(pkg)
    assert parts.kept["xl/workbook.xml"] == "workbook"
    assert "printerSettings1.bin" in next(iter(parts.dropped))


def test_clean_image_strips_metadata() -> None:
    import struct
    import zlib

    from tests.refresh_helpers import png_bytes

    png = png_bytes()
    body = b"tEXtComment\x00secret 296417"
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    dirty = png[:33] + chunk + png[33:]
    assert clean_image(dirty) == png
    assert clean_image(b"\x01\x00\x00\x00 EMF") is None


def test_xml_encoding() -> None:
    assert xml_encoding(b'<?xml version="1.0" encoding="UTF-8"?><a/>') == "utf-8"
    assert xml_encoding("<a/>".encode("utf-16")) == "utf-16"
    assert xml_encoding("<a/>".encode("utf-16-le")) == "utf-16-le"
