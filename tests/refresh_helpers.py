"""Helpers for the refresh tests: package comparison, LibreOffice runs, workbook makers."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Any

_CELL = re.compile(rb"<(c)\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_T = re.compile(rb"\s+t=\"[^\"]*\"")
_V = re.compile(rb"<v>.*?</v>|<v/>", re.S)
_FULL_CALC = re.compile(
    rb"\s+fullCalcOnLoad=(\"[^\"]*\"|'[^']*')|<(\w+:)?calcPr fullCalcOnLoad=\"1\"/>"
)


def zip_parts(path: Path) -> list[tuple[str, bytes]]:
    """Every part of a package, in zip order."""
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def mask_values(xml: bytes) -> bytes:
    """A sheet's XML with every cell's cached value and type removed."""

    def sub(m: re.Match[bytes]) -> bytes:
        attrs = _T.sub(b"", m.group(2))
        inner = _V.sub(b"", m.group(4) or b"")
        return b"<c" + attrs + b">" + inner + b"</c>"

    return _CELL.sub(sub, xml)


def assert_lossless(before: Path, after: Path) -> list[str]:
    """Assert only sheet cell values and fullCalcOnLoad differ; return the changed parts."""
    a, b = zip_parts(before), zip_parts(after)
    assert [n for n, _ in a] == [n for n, _ in b], "part names or order changed"
    changed = []
    for (name, old), (_, new) in zip(a, b, strict=True):
        if old == new:
            continue
        changed.append(name)
        if name.startswith("xl/worksheets/sheet"):
            assert mask_values(old) == mask_values(new), f"{name}: more than values changed"
        elif name == "xl/workbook.xml":
            assert _FULL_CALC.sub(b"", old) == _FULL_CALC.sub(b"", new), (
                f"{name}: more than fullCalcOnLoad changed"
            )
        else:
            raise AssertionError(f"{name} changed")
    return changed


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A small valid RGB PNG (for an image in a test workbook)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def libreoffice_convert(src: Path, outdir: Path, profile: Path, recalc: bool) -> Path:
    """Open ``src`` in LibreOffice (recalculating on load or never) and save it as xlsx."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        XCU.format(mode=0 if recalc else 1), encoding="utf-8"
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / (src.stem + ".xlsx")
    assert out.exists(), f"LibreOffice wrote nothing for {src}"
    return out


def cached_values(path: Path) -> dict[tuple[str, str], Any]:
    """Cached value of every cell, by (sheet, cell), read with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[(ws.title, c.coordinate)] = c.value
    return out


def formula_cells(path: Path) -> list[tuple[str, str]]:
    """(sheet, cell) of every formula, read with openpyxl."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, ArrayFormula) or c.data_type == "f":
                    out.append((ws.title, c.coordinate))
    return out


def array_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, cell) of every cell covered by an array formula, read with openpyxl."""
    import openpyxl
    from openpyxl.utils.cell import get_column_letter, range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(path)
    out = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, ArrayFormula):
                    c1, r1, c2, r2 = range_boundaries(c.value.ref)
                    for r in range(r1, r2 + 1):
                        for col in range(c1, c2 + 1):
                            out.add((ws.title, f"{get_column_letter(col)}{r}"))
    return out


def recalculated_by_libreoffice(book: Path, tmp: Path) -> Any:
    """``book`` recalculated in full by LibreOffice, loaded with openpyxl (values only)."""
    import openpyxl

    from xlcomp.libreoffice import convert

    copy = tmp / "copy.xlsx"
    copy.write_bytes(book.read_bytes())
    outdir = tmp / "lo"
    outdir.mkdir()
    return openpyxl.load_workbook(convert(copy, "xlsx", outdir, recalc="always"), data_only=True)


def error_cells(wb: Any) -> list[str]:
    """``Sheet!A1=#ERR`` for every cell of ``wb`` holding an error value."""
    return [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("#")
    ]
