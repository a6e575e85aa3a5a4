"""Commands that rewrite a workbook keep its xlwings Lite parts byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.refresh_helpers import assert_lossless, cached_values, png_bytes, zip_parts
from tests.test_refresh import check_mixed_values, make_mixed
from xlcomp import lite
from xlcomp.ooxml import Package
from xlcomp.refresh import refresh_workbook

LITE_PARTS = (
    lite.WEBEXTENSION_PART,
    lite.TASKPANES_PART,
    lite.TASKPANES_RELS_PART,
    lite.CONTENT_TYPES_PART,
    lite.ROOT_RELS_PART,
)


@pytest.fixture()
def lite_mixed(tmp_path: Path) -> Path:
    """The refresh tests' mixed workbook (charts, image, table, comments, our formulas) + Lite."""
    image = tmp_path / "dot.png"
    image.write_bytes(png_bytes())
    plain = tmp_path / "mixed.xlsx"
    make_mixed(plain, image)
    book = tmp_path / "mixed-lite.xlsx"
    lite.build_lite(plain, book)
    return book


def test_refresh_keeps_lite_parts(lite_mixed: Path, tmp_path: Path) -> None:
    """refresh computes the values and leaves every Lite part (and all else) as it was."""
    out = tmp_path / "refreshed.xlsx"
    refresh_workbook(lite_mixed, out)
    check_mixed_values(cached_values(out))
    changed = assert_lossless(lite_mixed, out)
    assert not set(changed) & set(LITE_PARTS)
    before, after = dict(zip_parts(lite_mixed)), dict(zip_parts(out))
    for part in LITE_PARTS:
        assert after[part] == before[part], part
    assert lite.extract_lite(Package.open(out)) == lite.extract_lite(Package.open(lite_mixed))


def test_refresh_in_place_keeps_lite_code(lite_mixed: Path) -> None:
    """An in-place refresh of a Lite workbook still carries the same main.py."""
    code = lite.extract_lite(Package.open(lite_mixed))
    refresh_workbook(lite_mixed)
    assert lite.extract_lite(Package.open(lite_mixed)) == code


@pytest.mark.libreoffice
def test_other_programs_open_a_lite_workbook(tmp_path: Path) -> None:
    """LibreOffice opens a Lite workbook (it ignores the web extension) and reads its cells."""
    import openpyxl

    from xlcomp.libreoffice import convert

    plain, book = tmp_path / "plain.xlsx", tmp_path / "lite.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "base"
    wb.active["B1"] = 240000
    wb.save(plain)
    lite.build_lite(plain, book)
    csv = convert(book, "csv", tmp_path / "out")
    assert csv.read_text(encoding="utf-8").splitlines()[0] == "base,240000"
