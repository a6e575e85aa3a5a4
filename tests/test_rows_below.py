"""Rows a recruiter types directly under the Bands table are taken in, by every command.

LibreOffice does not grow an Excel table when rows are typed under it, so a recruiter on
Linux adds "New York" below the table. ``check`` checks those rows at their own cells and
says they were read as the table's, ``build --data`` builds them in, and ``update`` grows
the table over them. A lone note under a table is not a row.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.commands import XLCOMP, command_env
from xlcomp.ooxml import open_workbook
from xlcomp.refresh.book import read_book

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbooks" / "negotiation.xlsx"
SOURCE = "Recruiter's survey"
NEW_YORK = [
    ("New York", "Senior SWE", "base", 190000, 250000),
    ("New York", "Senior SWE", "equity", 52000, 88000),
    ("New York", "Senior SWE", "bonus", 0.10, 0.15),
    ("New York", "Senior SWE", "tc", 250000, 360000),
]


def edited(tmp_path: Path, rows: list[tuple[object, ...]], name: str = "edited.xlsx") -> Path:
    """The template with ``rows`` typed under the Bands table (row 14 on), via openpyxl."""
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb["Bands"]
    for i, row in enumerate(rows, 14):
        for j, value in enumerate(row, 1):
            ws.cell(row=i, column=j, value=value)
    path = tmp_path / name
    wb.save(path)
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*XLCOMP, *map(str, args)], capture_output=True, text=True, env=command_env(), cwd=ROOT
    )


def bands_table(path: Path) -> tuple[str, list[str]]:
    book = read_book(open_workbook(path))
    t = next(t for t in book.tables if t.name == "Bands")
    sheet = next(s for s in book.sheets if s.index == t.sheet)
    regions = [str(sheet.cells[(r, 1)].value) for r in range(t.data_r1, t.data_r2 + 1)]
    return f"A{t.r1}:H{t.r2}", regions


def test_check_takes_the_rows_in_and_says_so(tmp_path: Path) -> None:
    book = edited(tmp_path, [(*r, "Together AI", SOURCE, "2026") for r in NEW_YORK])
    got = run("check", book, "--json")
    report = json.loads(got.stdout)
    assert report["tables"]["Bands"]["rows"] == 16
    assert report["tables"]["Bands"]["below"] == 4
    # New York's published tc is checked like any row: 250,000 against 190,000 × 1.10 +
    # 52,000 = 261,000 is 4.2 % below (inside 5 %); 360,000 against 250,000 × 1.15 +
    # 88,000 = 375,500 is 4.1 % below: no problem. The guide's three tc rows remain.
    assert [p["cell"] for p in report["problems"]] == ["D5", "D9", "D13"]
    text = run("check", book)
    assert "16 rows, 4 of them typed below the table" in text.stderr


def test_check_names_a_bad_row_below_at_its_cell(tmp_path: Path) -> None:
    rows = [(*r, "Together AI", SOURCE, "2026") for r in NEW_YORK]
    rows[2] = ("New York", "Senior SWE", "bonus", 10, 15, "Together AI", SOURCE, "2026")
    got = run("check", edited(tmp_path, rows))
    assert got.returncode == 1
    assert any(
        line.startswith("Bands!E16: New York / Senior SWE") for line in got.stdout.splitlines()
    )


def test_a_lone_note_under_the_table_is_not_a_row(tmp_path: Path) -> None:
    book = edited(tmp_path, [("Updated by Ann, March",)])
    report = json.loads(run("check", book, "--json").stdout)
    assert report["tables"]["Bands"] == {"sheet": "Bands", "ref": "A1:H13", "rows": 12}


def test_build_data_builds_them_in(tmp_path: Path) -> None:
    book = edited(tmp_path, [(*r, "Together AI", SOURCE, "2026") for r in NEW_YORK])
    out = tmp_path / "rebuilt.xlsx"
    got = run("build", "--data", book, "-o", out)
    assert got.returncode == 0, got.stderr
    ref, regions = bands_table(out)
    assert ref == "A1:H17" and regions[-4:] == ["New York"] * 4


@pytest.mark.parametrize("source_is_book", [True, False])
def test_update_grows_the_table_over_them(tmp_path: Path, source_is_book: bool) -> None:
    book = edited(tmp_path, [(*r, "Together AI", SOURCE, "2026") for r in NEW_YORK])
    assert bands_table(book)[0] == "A1:H13"
    source = (
        book
        if source_is_book
        else edited(
            tmp_path, [(*r, "Together AI", SOURCE, "2026") for r in NEW_YORK], "master.xlsx"
        )
    )
    got = run("update", book, "--from", source)
    assert got.returncode == 0, got.stderr
    ref, regions = bands_table(book)
    assert ref == "A1:H17" and regions[-4:] == ["New York"] * 4
    assert "4 row(s) typed below the table Bands were read as its rows" in got.stdout
    again = json.loads(run("check", book, "--json").stdout)
    assert again["tables"]["Bands"] == {"sheet": "Bands", "ref": "A1:H17", "rows": 16}
