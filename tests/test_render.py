"""`xlcomp render`: PDF and PNG pictures of a workbook through LibreOffice."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from xlcomp.cli import main
from xlcomp.errors import ToolMissingError


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A two-sheet workbook with a number and a formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Offer"
    ws["A1"], ws["B1"], ws["B2"] = "Base", 240000, "=B1*2"
    wb.create_sheet("Notes")["A1"] = "hello"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


@pytest.mark.libreoffice
def test_render_pdf_has_a_page_per_sheet(book: Path, tmp_path: Path) -> None:
    """The PDF is non-empty and has one page for each of the two sheets."""
    out = tmp_path / "out.pdf"
    assert main(["render", str(book), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+2$", info.stdout, re.M), info.stdout


@pytest.mark.libreoffice
def test_render_png_per_sheet_and_one_sheet(book: Path, tmp_path: Path) -> None:
    """PNG: one picture per sheet, or exactly OUT.png for --sheet."""
    out = tmp_path / "pics" / "out.png"
    out.parent.mkdir()  # xlcomp writes the file named, never the folders above it
    assert main(["render", str(book), "-o", str(out)]) == 0
    for name in ("Offer", "Notes"):
        pic = out.with_name(f"out-{name}.png")
        assert pic.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    single = tmp_path / "offer.png"
    assert main(["render", str(book), "-o", str(single), "--sheet", "offer"]) == 0
    assert single.stat().st_size > 1000


def test_render_unknown_sheet(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown sheet is one line naming the sheets there are."""
    assert main(["render", str(book), "-o", str(tmp_path / "x.png"), "--sheet", "Nope"]) == 2
    err = capsys.readouterr().err
    assert "no sheet named 'Nope' (sheets: Offer, Notes)" in err


def test_render_without_libreoffice_says_how_to_install(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no soffice on PATH the error says how to install LibreOffice."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    from xlcomp.render import render

    with pytest.raises(ToolMissingError, match="apt-get install libreoffice-calc-nogui"):
        render(book, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
