"""LibreOffice opens the template, computes its native formulas and prints every sheet."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlcomp import libreoffice
from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.template import SHEETS, build_bytes, workbook_bytes

pytestmark = pytest.mark.libreoffice

# The heading each sheet's page starts with.
HEADINGS = {
    "Guide": "Offer negotiation workbook",
    "Bands": "Region",
    "Levels": "Rung",
    "Offer": "Your offer",
    "Compare": "Compare offers",
    "Checks": "Band checks",
    "xlwings.conf": "UDF Modules",
}
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _convert_all_sheets_to_csv(book: Path, out: Path) -> None:
    """One LibreOffice conversion writing every sheet as ``<book>-<sheet>.csv``."""
    with libreoffice.profile() as user:
        subprocess.run(
            [
                libreoffice.soffice(),
                f"-env:UserInstallation={user}",
                "--headless",
                "--norestore",
                "--convert-to",
                CSV_FILTER,
                "--outdir",
                str(out),
                str(book),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )


@pytest.fixture(scope="module")
def guide() -> GuideData:
    """The built-in data."""
    return load_guide()


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, guide: GuideData) -> Path:
    """The template printed to PDF by LibreOffice (one conversion for the module)."""
    work = tmp_path_factory.mktemp("pdf")
    book = work / "negotiation.xlsx"
    book.write_bytes(build_bytes(guide))
    return libreoffice.convert(book, "pdf", work)


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_pdf_has_one_page_per_sheet(pdf: Path) -> None:
    """Every sheet prints on exactly one page: seven pages."""
    assert _page_count(pdf) == len(SHEETS)


@pytest.mark.parametrize(("page", "sheet"), list(enumerate(SHEETS, 1)), ids=list(SHEETS))
def test_each_page_is_its_sheet(pdf: Path, page: int, sheet: str) -> None:
    """Page N shows sheet N's heading, and its footer names the sheet and the page."""
    text = _page_text(pdf, page)
    assert HEADINGS[sheet] in text
    assert sheet in text and f"Page {page} of {len(SHEETS)}" in text


def test_pages_render_to_pictures(pdf: Path, tmp_path: Path) -> None:
    """pdftoppm turns every page into a picture (what `xlcomp render` shows)."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == len(SHEETS)
    assert all(p.stat().st_size > 1000 for p in pictures)


@pytest.fixture(scope="module")
def sheets_csv(
    tmp_path_factory: pytest.TempPathFactory, guide: GuideData
) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice computed it, plus a Probe sheet of table references."""
    work = tmp_path_factory.mktemp("csv")
    wb = load_workbook(io.BytesIO(build_bytes(guide)))
    probe = wb.create_sheet("Probe")
    probe["A1"] = "=ROWS(Bands[[#All]])"
    probe["A2"] = "=COLUMNS(Bands[[#All]])"
    probe["A3"] = "=COUNTA(Bands[Region])"
    probe["A4"] = "=ROWS(Levels[[#All]])"
    probe["A5"] = "=INDEX(Bands[[#All]],1,4)"
    book = work / "probed.xlsx"
    book.write_bytes(workbook_bytes(wb))
    _convert_all_sheets_to_csv(book, work)
    out = {}
    for name in [*SHEETS, "Probe"]:
        path = work / f"probed-{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            out[name] = list(csv.reader(fh))
    return out


def _column(rows: list[list[str]], col: int, first: int, count: int) -> list[str]:
    return [rows[r][col] for r in range(first, first + count)]


def test_libreoffice_computes_the_drop_down_lists(
    sheets_csv: dict[str, list[list[str]]], guide: GuideData
) -> None:
    """The distinct-value formulas list every region, level and company of the tables."""
    bands, levels = sheets_csv["Bands"], sheets_csv["Levels"]
    regions, band_levels = guide.bands.regions(), guide.bands.levels()
    companies = guide.levels.companies()
    assert _column(bands, 9, 1, len(regions) + 1) == [*regions, ""]  # J2:J…
    assert _column(bands, 10, 1, len(band_levels) + 1) == [*band_levels, ""]  # K2:K…
    assert _column(levels, 4, 1, len(companies) + 1) == [*companies, ""]  # E2:E…


def test_libreoffice_reads_the_tables_with_their_header(
    sheets_csv: dict[str, list[list[str]]], guide: GuideData
) -> None:
    """Bands[[#All]] is the table with its header row, as the functions are given it."""
    got = [row[0] for row in sheets_csv["Probe"][:5]]
    exp = [
        str(len(guide.bands.bands) + 1),
        "8",
        str(len(guide.bands.bands)),
        str(len(guide.levels.entries) + 1),
        "Min",
    ]
    assert got == exp


def test_libreoffice_computes_the_native_formulas(
    sheets_csv: dict[str, list[list[str]]], guide: GuideData
) -> None:
    """The grant (equity × years of the schedule), the Compare vesting years, the title."""
    offer, compare = sheets_csv["Offer"], sheets_csv["Compare"]
    grant = guide.scenario.offer_equity * 4
    assert offer[13][0] == "Equity grant (all years)"
    assert float(offer[13][1]) == grant
    assert compare[12][1:5] == ["4", "4", "4", "4"]
    s = guide.scenario
    assert offer[0][0] == f"Your offer — {s.level} at {s.company}, {s.region}"
    assert compare[0][0] == f"Compare offers — {s.level}, {s.region}"
