"""``xlcomp share`` in bounded memory: the budget it estimates before reading a workbook.

A workbook just under the budget is shared under 400 MB (peak resident memory of the
``python -m xlcomp share`` process itself, from ``/proc/self/status``); one just over is
refused in one line before anything is inflated or read, and nothing is written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.commands import OWN_PEAK_SOURCE
from xlcomp.ooxml.limits import (
    SHARE_BASE,
    SHARE_BUDGET,
    MiB,
    ShareCost,
    format_size,
)
from xlcomp.share import ShareRefusedError, _range_areas, share_workbook

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COLS = 3


def _letters(c: int) -> str:
    out = ""
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def _sheet(rows: int, cols: int = COLS) -> bytes:
    """A data sheet of ``rows`` x ``cols`` numbers (r + c + 0.25), raw XML."""
    letters = [_letters(c) for c in range(1, cols + 1)]
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letters[c]}{r}"><v>{r * 7 + c}.25</v></c>' for c in range(cols))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def write_book(path: Path, rows: int, *, names: str = "", sheet: bytes | None = None) -> None:
    """A one-sheet workbook ``Data`` (``rows`` x 3 numbers unless ``sheet`` is given) with a
    private name on ``Data!$A$1`` and the defined names ``names`` (raw XML)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conten'
            'tType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="appli'
            'cation/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override'
            ' PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            f'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/offi'
            'ceDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{R}">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets><definedNames>'
            f'<definedName name="private_first">Data!$A$1</definedName>{names}</definedNames>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            f'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/work'
            'sheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else _sheet(rows),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _cost_of(src: Path, rows: int) -> ShareCost:
    """The estimate's terms for a book of ``write_book``, from its zip directory (by hand:
    the cells are the rows times 3, there is no formula)."""
    with zipfile.ZipFile(src) as zf:
        sheet_bytes = zf.getinfo("xl/worksheets/sheet1.xml").file_size
        xml_bytes = sum(i.file_size for i in zf.infolist()) - sheet_bytes
    return ShareCost(
        file_size=src.stat().st_size,
        sheet_bytes=sheet_bytes,
        xml_bytes=xml_bytes,
        cells=rows * COLS,
    )


def _book_at_budget(src: Path, below: bool) -> int:
    """Write at ``src`` the book of ``write_book`` whose estimate is just under the budget
    (``below``) or just over it; its rows. Two corrections of a first guess."""
    rows = 300_000
    for _ in range(3):
        write_book(src, rows)
        cost = _cost_of(src, rows)
        per_row = (cost.estimate() - SHARE_BASE) / rows
        target = SHARE_BUDGET - 200 * per_row if below else SHARE_BUDGET + 200 * per_row
        rows = int(rows + (target - cost.estimate()) / per_row)
    write_book(src, rows)
    return rows


PEAK = (
    OWN_PEAK_SOURCE + "import runpy, sys\n"
    "sys.argv = ['xlcomp', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('xlcomp', run_name='__main__')\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "print('peak', peak(), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _share(src: Path, out: Path) -> tuple[int, str, int]:
    """``python -m xlcomp share src -o out`` in a child: exit code, stderr, its own peak
    resident memory in KiB (VmHWM: a child's ru_maxrss starts from its parent's)."""
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, "share", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1].split()[1]) if lines and lines[-1].startswith("peak ") else -1
    return proc.returncode, "\n".join(lines[:-1]), peak


@pytest.mark.slow
def test_book_just_under_the_budget_shares_under_400_mb(tmp_path: Path) -> None:
    src, out = tmp_path / "big.xlsx", tmp_path / "out.xlsx"
    rows = _book_at_budget(src, below=True)
    assert 0.99 * SHARE_BUDGET < _cost_of(src, rows).estimate() <= SHARE_BUDGET
    code, err, peak_kib = _share(src, out)
    assert code == 0, err
    print(f"share peak {peak_kib / 1024:.0f} MiB on {rows:,} rows x {COLS}")
    assert 0 < peak_kib <= 400 * 1000, f"peak {peak_kib / 1024:.0f} MiB on {rows:,} rows"
    copy = openpyxl.load_workbook(out, read_only=True)
    data = copy["Data"]
    assert next(data.iter_rows(min_row=1, max_row=1, values_only=True))[:3] == (None, 8.25, 9.25)
    last = next(data.iter_rows(min_row=rows, max_row=rows, values_only=True))
    assert last[:3] == (rows * 7 + 0.25, rows * 7 + 1.25, rows * 7 + 2.25)
    copy.close()


def test_book_just_over_the_budget_is_refused_in_one_line(tmp_path: Path) -> None:
    src, out = tmp_path / "big.xlsx", tmp_path / "out.xlsx"
    rows = _book_at_budget(src, below=False)
    assert SHARE_BUDGET < _cost_of(src, rows).estimate() < 1.01 * SHARE_BUDGET
    code, err, peak_kib = _share(src, out)
    assert code != 0
    assert not out.exists()
    assert len(err.splitlines()) == 1, err
    assert str(src) in err
    assert f"{rows * COLS + 0:,} cells" in err  # the measure ...
    assert f"over the {format_size(SHARE_BUDGET)} xlcomp share allows" in err  # ... the limit ...
    assert "another workbook" in err  # ... and what to do
    assert "Traceback" not in err
    # Refused before the cells were read: the child never grew near a book's size.
    assert 0 < peak_kib < 150 * 1024, peak_kib


def test_bytes_alone_are_refused_before_inflating(tmp_path: Path) -> None:
    """A worksheet part whose declared size alone passes the budget (48 MiB + 56 MiB x 5
    bytes a byte + the file > 300 MiB) is refused from the zip directory: nothing is
    inflated. (A comment of random hex digits: it does not deflate like a zip bomb.)"""
    src, out = tmp_path / "wide.xlsx", tmp_path / "out.xlsx"
    pad = b"<!--" + os.urandom(28 * MiB).hex().encode() + b"-->"
    sheet = _sheet(10).replace(b"<sheetData>", pad + b"<sheetData>")
    write_book(src, 10, sheet=sheet)
    with pytest.raises(
        ShareRefusedError,
        match=rf"of worksheet XML need about .* over the {format_size(SHARE_BUDGET)}",
    ):
        share_workbook(src, out)
    assert not out.exists()


def test_formulas_reading_many_distinct_ranges_are_refused_before_evaluating(
    tmp_path: Path,
) -> None:
    """A running total over 20,000 rows (``=SUM($A$1:A<r>)`` in column B) reads
    1 + 2 + ... + 20,000 = 200,010,000 cells: 32 bytes each is 6 GB, refused before a
    formula is compiled (evaluating it would take minutes and gigabytes)."""
    n = 20_000
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f>SUM($A$1:A{r})</f></c></row>'
        for r in range(1, n + 1)
    )
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'.encode()
    src, out = tmp_path / "running.xlsx", tmp_path / "out.xlsx"
    write_book(src, 0, sheet=sheet)
    with pytest.raises(ShareRefusedError, match=r"200,010,000 cells read by formulas"):
        share_workbook(src, out)
    assert not out.exists()


def test_shared_formula_children_shift_the_master_range(tmp_path: Path) -> None:
    """The same running total written as one shared formula (children hold no text):
    each child reads the master's range moved to its row, as Excel computes it."""
    n = 20_000
    rows = [
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B20000" si="0">'
        "SUM($A$1:A1)</f></c></row>"
    ]
    rows += [
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f t="shared" si="0"/></c></row>'
        for r in range(2, n + 1)
    ]
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    src, out = tmp_path / "shared.xlsx", tmp_path / "out.xlsx"
    write_book(src, 0, sheet=sheet.encode())
    with pytest.raises(ShareRefusedError, match=r"200,010,000 cells read by formulas"):
        share_workbook(src, out)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # (sheet or None, (row, absolute), (column, absolute), (row, abs), (column, abs))
        ("SUM($A$1:B2)", [(None, (1, True), (1, True), (2, False), (2, False))]),
        ("'My S'!C:C", [(1, (1, True), (3, False), (1_048_576, True), (3, False))]),
        ("Data!3:$5", [(2, (3, False), (1, True), (5, True), (16_384, True))]),
        ('LOG10(A1)&"A1:B2"', []),  # a function name, a string: no range
        ("Nowhere!A1:A3", [(-1, (1, False), (1, False), (3, False), (1, False))]),
    ],
)
def test_range_areas(formula: str, expected: list[object]) -> None:
    assert _range_areas(formula, {"MY S": 1, "DATA": 2}) == expected


def test_blank_private_cell_is_no_removed_value(tmp_path: Path) -> None:
    """A private name over a blank cell removes nothing: the word "empty" in a label and
    the other blank cells stay (the engine's blank is a str whose text is "empty")."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws["A2"] = "empty seats: 3"
    ws["B2"] = 3
    ws["C5"] = 7
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["private_blank"] = DefinedName("private_blank", attr_text="Data!$A$1")
    src, out = tmp_path / "blank.xlsx", tmp_path / "out.xlsx"
    wb.save(src)
    report = share_workbook(src, out)
    assert report.private == ["Data!A1"]
    assert report.warnings == []
    copy = openpyxl.load_workbook(out)["Data"]
    assert copy["A2"].value == "empty seats: 3"
    assert copy["B2"].value == 3
    assert copy["C5"].value == 7


@pytest.mark.slow
def test_whole_column_private_name_over_25000_rows_is_fast_and_warns_once(
    tmp_path: Path,
) -> None:
    """``Notes!$C:$C`` private over 25,000 rows whose numbers (1..25,000) are also in the
    public column A, with ``=A<r>*3`` in column D: every removed number equals a kept
    cell. The coincidences are judged through an index (before: each formula cell
    walked every other formula, about 40 s of CPU here; now about 8) and told in one
    line with the counts (before: one line a cell, 24,991 lines)."""
    import time

    n = 25_000
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Notes"
    for r in range(1, n + 1):
        ws.append([r, "note", r, f"=A{r}*3"])
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["private_notes"] = DefinedName("private_notes", attr_text="Notes!$C:$C")
    src, out = tmp_path / "notes.xlsx", tmp_path / "out.xlsx"
    wb.save(src)
    start = time.process_time()
    report = share_workbook(src, out)
    spent = time.process_time() - start
    assert spent < 30, f"{spent:.1f} s of CPU"
    assert len(report.private) == n  # C1:C25000, clipped to the used range
    assert len(report.warnings) == 1, report.warnings[:3]
    (line,) = report.warnings
    # 1..9 have one significant digit and are not looked for; 10..25,000 are.
    assert line.startswith(f"{n - 9:,} removed cells (Notes!C10:C{n}; first Notes!C10,")
    assert f"also in {n - 9:,} kept cells (first Notes!A10, Notes!A11, Notes!A12)" in line
    copy = openpyxl.load_workbook(out)["Notes"]
    assert copy["A12"].value == 12 and copy["C12"].value is None
