"""`xlcomp check`: every problem of a workbook's Bands and Levels tables, at its cell."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table

from xlcomp.check_book import Finding, check_workbook
from xlcomp.cli import main
from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.errors import WorkbookError
from xlcomp.template import build_bytes


@pytest.fixture(scope="module")
def guide() -> GuideData:
    """The built-in data."""
    return load_guide()


@pytest.fixture(scope="module")
def template_bytes(guide: GuideData) -> bytes:
    """The template built from the built-in data."""
    return build_bytes(guide)


@pytest.fixture
def template(tmp_path: Path, template_bytes: bytes) -> Path:
    """A fresh copy of the template on disk."""
    path = tmp_path / "negotiation.xlsx"
    path.write_bytes(template_bytes)
    return path


def _edit(
    path: Path, edits: dict[str, object], extra: dict[str, list[object]] | None = None
) -> Path:
    """A copy of the workbook at ``path`` with ``Sheet!A1`` cells set and rows appended."""
    wb = load_workbook(path)
    for where, value in edits.items():
        sheet, coord = where.split("!")
        wb[sheet][coord] = value
    for sheet, row in (extra or {}).items():
        ws = wb[sheet]
        table = next(iter(ws.tables.values()))
        last = int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for j, value in enumerate(row, 1):
            ws.cell(row=last + 1, column=j, value=value)
        table.ref = f"{table.ref.split(':')[0]}:{table.ref.split(':')[1][0]}{last + 1}"
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def _gap(published: float, derived: float) -> str:
    return f"{abs(published - derived) / derived * 100:.1f}% below"


def test_the_guides_own_table_yields_the_published_tc_findings(
    template: Path, guide: GuideData
) -> None:
    """The guide's published tc rows sit 12–18 % below the derived ranges, in all regions."""
    report = check_workbook(template)
    exp = []
    for region in guide.bands.regions():
        (base,) = guide.bands.matching(region, "Senior SWE", "base")
        (equity,) = guide.bands.matching(region, "Senior SWE", "equity")
        (bonus,) = guide.bands.matching(region, "Senior SWE", "bonus")
        (tc,) = guide.bands.matching(region, "Senior SWE", "tc")
        d_min = base.min * (1 + bonus.min) + equity.min
        d_max = base.max * (1 + bonus.max) + equity.max
        assert tc.row is not None
        exp.append((f"D{tc.row + 1}", region, _gap(tc.min, d_min), _gap(tc.max, d_max)))
    assert [f.cell for f in report.findings] == [e[0] for e in exp] == ["D5", "D9", "D13"]
    for finding, (_, region, low, high) in zip(report.findings, exp, strict=True):
        assert finding.sheet == "Bands" and finding.table == "Bands"
        assert finding.message.startswith(f"{region} / Senior SWE")
        assert f"{low} / {high}" in finding.message
    assert str(report.findings[0]).startswith("Bands!D5: San Francisco / Senior SWE")
    assert report.rows == {"Bands": 12, "Levels": 7}


def test_every_problem_of_an_edited_workbook_at_once(template: Path) -> None:
    """A recruiter's mistakes are all reported, each at its own cell."""
    edited = _edit(
        template,
        {
            "Bands!D3": 90000,  # SF equity min above its max (85,000)
            "Bands!E4": 15,  # SF bonus max in whole percents
            "Bands!A7": None,  # Seattle equity: no region
            "Bands!D11": "ten",  # Remote US equity min not a number
            "Levels!B3": None,  # Google: no level
        },
        {
            "Bands": ["San Francisco", "Senior SWE", "base", 1, 2, "Together AI"],
            "Levels": ["Meta", "E5", "Staff"],
        },
    )
    got = {f.cell: f for f in check_workbook(edited).findings}
    exp = {
        "D3": "min 90,000 is above max 85,000",
        "E4": "whole percents",
        "A7": "region is empty",
        "D11": "'ten' is not a number",
        "C14": "is a duplicate of row 2",
        "C6": "Seattle / Senior SWE (Together AI) has no equity band",
        "C10": "Remote US / Senior SWE (Together AI) has no equity band",
        "B3": "level is empty",
        "C9": "Meta E5 is on rung 'Staff' here and on rung 'Senior' in row 4",
    }
    assert set(got) == set(exp)
    for cell, fragment in exp.items():
        assert fragment in got[cell].message, (cell, got[cell].message)
    assert {f.sheet for f in got.values() if f.cell in ("B3", "C9")} == {"Levels"}


def _moved_tables(tmp_path: Path) -> Path:
    """A workbook whose Bands table starts at B3, columns reordered, a currency added."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws["A1"] = "Our bands"
    header: list[object] = ["Level", "Region", "Component", "Currency", "Max", "Min"]
    rows: list[list[object]] = [
        ["Senior SWE", "Lisbon", "base", "EUR", 90000, 70000],
        ["Senior SWE", "Lisbon", "equity", "EUR", 30000, 10000],
        ["Senior SWE", "Lisbon", "bonus", "EUR", 12, 8],  # whole percents
        ["Senior SWE", "Lisbon", "base", "EUR", 95000, 75000],  # duplicate of row 4
    ]
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            ws.cell(row=3 + i, column=2 + j, value=value)
    ws.add_table(Table(displayName="Bands", ref="B3:G7"))
    levels = wb.create_sheet("Ladder")
    for i, names in enumerate([["Company", "Level", "Rung"], ["Acme", "L4", "Mid"]], 1):
        for j, name in enumerate(names, 1):
            levels.cell(row=i, column=j, value=name)
    levels.add_table(Table(displayName="Levels", ref="A1:C2"))
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    return path


def test_cells_follow_the_table_where_it_is_and_its_header(tmp_path: Path) -> None:
    """Problem cells come from the table's place and its header, not the template's layout."""
    report = check_workbook(_moved_tables(tmp_path))
    got = {f.cell: f.message for f in report.findings}
    # bonus row is sheet row 6; its max (12) sits in column F ("Max"), the duplicate in row 7
    assert set(got) == {"F6", "D7"}
    assert "whole percents" in got["F6"]
    assert "duplicate of row 4" in got["D7"]
    assert {f.sheet for f in report.findings} == {"Data"}
    assert report.tables["Levels"].sheet == "Ladder"


def test_a_sheet_named_bands_serves_when_the_table_is_gone(tmp_path: Path, template: Path) -> None:
    """A table converted back to a range is still read from its sheet, from A1."""
    wb = load_workbook(template)
    del wb["Bands"].tables["Bands"]
    wb["Bands"]["E3"] = 40000  # SF equity max below its min
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    cells = [f.cell for f in check_workbook(path).findings]
    assert "D3" in cells  # min 50,000 above max 40,000


@pytest.mark.parametrize(
    "content",
    [b"name,base\nAnn,1\n", b"PK\x03\x04 truncated", b""],
    ids=["text-file", "truncated-zip", "empty"],
)
def test_a_broken_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    """A file that is no workbook exits 2 with one line naming it, no traceback."""
    path = tmp_path / "offer.xlsx"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"xlcomp: error: {path}: ") and len(err) > len(str(path)) + 20
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_workbook_without_the_tables_is_an_error(tmp_path: Path) -> None:
    """Without a Bands table or sheet, check says so and names the file."""
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(WorkbookError, match=r"empty\.xlsx: no table named Bands"):
        check_workbook(path)


def test_cli_check_prints_each_problem_and_exits_1(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`xlcomp check BOOK` prints `Sheet!Cell: message` lines and exits 1."""
    assert main(["check", str(template)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Bands!D5", "Bands!D9", "Bands!D13"]
    assert "3 problems" in out.err


def test_cli_check_json(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--json` gives the tables checked and every problem as data."""
    assert main(["check", str(template), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["tables"]["Bands"] == {"sheet": "Bands", "ref": "A1:H13", "rows": 12}
    assert [Finding(**p).cell for p in data["problems"]] == ["D5", "D9", "D13"]


def test_cli_check_passes_a_clean_workbook(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the published tc rows removed, nothing is wrong: exit 0."""
    wb = load_workbook(template)
    ws = wb["Bands"]
    keep = [
        r for r in ws.iter_rows(min_row=2, max_row=13, max_col=8, values_only=True) if r[2] != "tc"
    ]
    for row in ws.iter_rows(min_row=2, max_row=13, max_col=8):
        for cell in row:
            cell.value = None
    for i, values in enumerate(keep, 2):
        for j, value in enumerate(values, 1):
            ws.cell(row=i, column=j, value=value)
    ws.tables["Bands"].ref = f"A1:H{len(keep) + 1}"
    path = template.with_name("clean.xlsx")
    wb.save(path)
    assert main(["check", str(path)]) == 0
    assert "no problems" in capsys.readouterr().out


def test_cli_check_tolerance_widens_the_gap_allowed(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a 20 % tolerance the guide's published ranges (at most 15.2 % off) pass."""
    assert main(["check", str(template), "--tolerance", "20%"]) == 0
    assert main(["check", str(template), "--tolerance", "12%"]) == 1
    capsys.readouterr()


def test_cli_build_writes_the_template(tmp_path: Path, template_bytes: bytes) -> None:
    """`xlcomp build -o OUT` writes the same bytes as the builder."""
    out = tmp_path / "book.xlsx"
    assert main(["build", "-o", str(out)]) == 0
    assert out.read_bytes() == template_bytes
    assert load_workbook(io.BytesIO(out.read_bytes())).sheetnames[0] == "Guide"


def test_cli_build_with_a_bad_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data file with a bad band is a one-line error naming the file; nothing is written."""
    data = tmp_path / "bad.toml"
    data.write_text(
        "[meta]\ntitle='t'\ncompany='c'\nrole='r'\n[[bands]]\nregion='X'\n", encoding="utf-8"
    )
    out = tmp_path / "book.xlsx"
    assert main(["build", "--data", str(data), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(data) in err and "Traceback" not in err
    assert not out.exists()


def test_build_from_an_edited_workbook(tmp_path: Path) -> None:
    """`build --data BOOK.xlsx` takes the workbook's tables; the committed one rebuilds itself."""
    import zipfile

    from xlcomp.cli import main

    committed = Path(__file__).resolve().parent.parent / "workbooks" / "negotiation.xlsx"
    out = tmp_path / "rebuilt.xlsx"
    assert main(["build", "--data", str(committed), "-o", str(out)]) == 0
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())


def test_build_from_a_hostile_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`build --data` with a text file named .xlsx: one line naming it, nothing written."""
    from xlcomp.cli import main

    bad = tmp_path / "bands.xlsx"
    bad.write_text("region,level\n")
    out = tmp_path / "out.xlsx"
    assert main(["build", "--data", str(bad), "-o", str(out)]) == 2
    assert str(bad) in capsys.readouterr().err
    assert not out.exists()
