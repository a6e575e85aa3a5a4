"""Every command treats a user's mistakes kindly (issue 12).

The command line runs as a subprocess on the shipped workbook and on copies edited with
openpyxl the way a recruiter edits them (a bonus of 15, min above max); each refusal is one
line on stderr, with the exit status the CLI documents (1: done but the result has problems,
2: nothing done), and the input file is byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from xlcomp import lite
from xlcomp.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "workbooks" / "negotiation.xlsx"
XLCOMP = [sys.executable, "-m", "xlcomp"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m xlcomp ARGS`` as a user runs it."""
    return subprocess.run(
        [*XLCOMP, *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT, check=False
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The only non-empty stderr line (asserting there is exactly one, and no traceback)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A copy of the shipped workbook."""
    path = tmp_path / "offer.xlsx"
    path.write_bytes(SHIPPED.read_bytes())
    return path


def edited(tmp_path: Path, name: str, edits: dict[str, object]) -> Path:
    """The shipped workbook with ``{"Sheet!A1": value}`` typed in, saved by openpyxl."""
    wb = openpyxl.load_workbook(SHIPPED)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    path = tmp_path / name
    wb.save(path)
    return path


# --------------------------------------------------------------------- 1. fresh clone


def test_tests_needing_shared_skip_outside_ci_and_fail_in_ci(tmp_path: Path) -> None:
    """Without ../shared a corpus test is skipped saying where the files come from; in CI
    (CI=true) the same test fails."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["XLCOMP_SHARED"] = str(tmp_path / "no-shared")
    argv = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
    test = "tests/test_ooxml_package.py::test_corpus_present"
    local = subprocess.run(
        [*argv, test], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )
    assert local.returncode == 0, local.stdout
    assert "1 skipped" in local.stdout
    assert "../shared" in local.stdout and "not part of this repository" in local.stdout
    ci = subprocess.run(
        [*argv, test], capture_output=True, text=True, cwd=ROOT, env={**env, "CI": "true"}
    )
    assert ci.returncode != 0
    assert "required in CI" in ci.stdout


# ------------------------------------------------------- 3. never over the input


def _links(book: Path, kind: str, suffix: str = ".xlsx") -> Path:
    """Another name for ``book``: the same path, ./path, a symbolic link or a hard link."""
    if kind == "same":
        return book
    if kind == "dotted":
        return book.parent / "." / book.name
    other = book.parent / f"other-{kind}{suffix}"
    if kind == "symlink":
        other.symlink_to(book)
    else:
        os.link(book, other)
    return other


WRITERS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "share": lambda book, out: ["share", book, "-o", out],
    "share --keep-private": lambda book, out: ["share", book, "-o", out, "--keep-private"],
    "refresh -o": lambda book, out: ["refresh", book, "-o", out],
    "build --data": lambda book, out: ["build", "--data", book, "-o", out],
}


@pytest.mark.parametrize("kind", ["same", "dotted", "symlink", "hardlink"])
@pytest.mark.parametrize("command", list(WRITERS))
def test_output_over_the_input_is_refused(book: Path, command: str, kind: str) -> None:
    """Writing the output over the input is refused, however the input is named again."""
    before = digest(book)
    out = _links(book, kind)
    proc = run(*WRITERS[command](book, out))
    assert proc.returncode == 2, proc.stderr
    assert "is the input" in one_line(proc)
    assert digest(book) == before


def test_render_over_the_input_through_a_link_is_refused(book: Path) -> None:
    """render's PDF named by a link to the workbook is refused before LibreOffice runs."""
    before = digest(book)
    link = book.parent / "picture.pdf"
    link.symlink_to(book)
    proc = run("render", book, "-o", link)
    assert proc.returncode == 2
    assert "is the input" in one_line(proc)
    assert digest(book) == before


def test_refresh_o_the_input_says_how_to_refresh_in_place(book: Path) -> None:
    """refresh BOOK -o BOOK points to the in-place form instead."""
    proc = run("refresh", book, "-o", book)
    assert proc.returncode == 2
    assert "leave out -o to refresh it in place" in one_line(proc)


# ------------------------------------------- 4 and 8. outputs that cannot be written


def _unwritable_folder(tmp_path: Path) -> Path:
    """A read-only folder that this user really cannot write (root ignores the mode)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        probe = folder / "probe"
        probe.write_bytes(b"")
    except OSError:
        return folder
    probe.unlink()
    folder.chmod(0o755)
    pytest.skip("this user can write a read-only folder (root): the other routes cover it")


BAD_FOLDERS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "under a file": (lambda tmp: _touch(tmp / "a-file") / "x", "is a file, not a folder"),
    "missing folder": (lambda tmp: tmp / "missing" / "x", "does not exist (create it first)"),
    "/proc": (lambda tmp: Path("/proc/xlcomp-test/x"), "/proc"),
    "read-only": (lambda tmp: _unwritable_folder(tmp) / "x", "cannot write in the folder"),
}


def _touch(path: Path) -> Path:
    path.write_text("not a folder")
    return path


OUTPUTS: dict[str, tuple[Callable[[Path, Path], list[str | Path]], str]] = {
    "render png": (lambda book, out: ["render", book, "-o", out], ".png"),
    "render pdf": (lambda book, out: ["render", book, "-o", out], ".pdf"),
    "share": (lambda book, out: ["share", book, "-o", out], ".xlsx"),
    "refresh -o": (lambda book, out: ["refresh", book, "-o", out], ".xlsx"),
    "build": (lambda book, out: ["build", "-o", out], ".xlsx"),
    "build --data": (lambda book, out: ["build", "--data", book, "-o", out], ".xlsx"),
    "lite-extract": (lambda book, out: ["lite-extract", book, out], ""),
}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
@pytest.mark.parametrize("where", list(BAD_FOLDERS))
@pytest.mark.parametrize("command", list(OUTPUTS))
def test_unwritable_output_is_one_line_exit_2(
    book: Path, tmp_path: Path, command: str, where: str
) -> None:
    """Every command with an output, every unwritable place: one line, exit 2, no
    traceback, nothing created, the input unchanged."""
    argv, suffix = OUTPUTS[command]
    make, reason = BAD_FOLDERS[where]
    out = Path(str(make(tmp_path)) + suffix)
    before = digest(book)
    proc = run(*argv(book, out))
    assert proc.returncode == 2, proc.stderr
    line = one_line(proc)
    assert line.startswith("xlcomp: error: ") and reason in line, line
    assert not out.exists()
    assert not (tmp_path / "missing").exists()
    assert digest(book) == before


def test_lite_extract_into_an_existing_file_is_refused(book: Path, tmp_path: Path) -> None:
    """lite-extract BOOK DIR where DIR is a file: one line, the file untouched."""
    target = _touch(tmp_path / "notes.txt")
    proc = run("lite-extract", book, target)
    assert proc.returncode == 2
    assert one_line(proc) == (
        f"xlcomp: error: {target} is a file, not a folder: name a new or existing folder"
    )
    assert target.read_text() == "not a folder"


def test_output_that_is_a_folder_is_refused(book: Path, tmp_path: Path) -> None:
    """-o naming an existing folder says so (not a suffix lecture)."""
    folder = tmp_path / "out.xlsx"
    folder.mkdir()
    proc = run("share", book, "-o", folder)
    assert proc.returncode == 2
    assert "is a folder" in one_line(proc)


def test_lite_extract_creates_the_folder_named_not_its_parents(tmp_path: Path) -> None:
    """The one folder rule: the folder named is made, the folders above it are not."""
    lite_book = tmp_path / "lite.xlsx"
    assert run("build", "--lite", "-o", lite_book).returncode == 0
    ok = run("lite-extract", lite_book, tmp_path / "code")
    assert ok.returncode == 0, ok.stderr
    assert sorted(p.name for p in (tmp_path / "code").iterdir()) == ["main.py", "requirements.txt"]
    deep = run("lite-extract", lite_book, tmp_path / "a" / "b")
    assert deep.returncode == 2
    assert "does not exist" in one_line(deep)
    assert not (tmp_path / "a").exists()


# ----------------------------------------------------- 5. cells that computed errors


def test_refresh_names_error_cells_and_exits_1(tmp_path: Path) -> None:
    """A bonus typed as 15 on the Offer sheet: the first ten error cells, then a count,
    the summary counts them, exit 1."""
    path = edited(tmp_path, "bonus15.xlsx", {"Offer!B10": 15})
    proc = run("refresh", path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    listed = [line for line in lines if re.match(r"xlcomp: \w+!\$?[A-Z]+\d+: ", line)]
    assert len(listed) == 10
    # TOTALCOMP's cell on the Offer sheet, with the function's own message.
    assert (
        "xlcomp: Offer!B20: #XLCOMP! bonus_pct: 15 looks like a whole percent: enter 15% or 0.15"
    ) in listed
    # Listed in sheet, row, column order; the bonus's row of the band table (row 19),
    # which reads the rate as TOTALCOMP does, first.
    assert listed[0].startswith("xlcomp: Offer!B19: #XLCOMP! bonus_pct: 15 looks like")
    places = [re.match(r"xlcomp: Offer!([A-Z]+)(\d+)", line) for line in listed]
    assert all(places)
    order = [(int(m.group(2)), len(m.group(1)), m.group(1)) for m in places if m]
    assert order == sorted(order)
    more = re.search(r"… and (\d+) more error cells", proc.stderr)
    total = re.search(r"; (\d+) cells show an error", proc.stdout)
    assert more and total, proc.stderr + proc.stdout
    assert int(more.group(1)) + 10 == int(total.group(1))


def test_refresh_counts_errors_worked_by_hand(tmp_path: Path) -> None:
    """Two error cells by hand (#XLCOMP! and #DIV/0!), one good cell, and an array
    formula two rows taller than its result, whose #N/A padding is not an error."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Offer"
    ws["A1"] = "=TOTALCOMP(240000, 80000, 15)"  # 15 is a whole percent: refused
    ws["A2"] = "=1/0"
    ws["A3"] = "=TOTALCOMP(240000, 80000, 0.15)"  # 356,000
    ws["B1"] = ArrayFormula("B1:B5", "=COUNTERTARGET(0, 295000)")  # 3 values, 2 x #N/A
    path = tmp_path / "small.xlsx"
    wb.save(path)
    proc = run("refresh", path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[:2] == [
        "xlcomp: Offer!A1: #XLCOMP! bonus_pct: 15 looks like a whole percent: enter 15% or 0.15",
        "xlcomp: Offer!A2: #DIV/0!",
    ]
    assert "; 2 cells show an error" in proc.stdout
    values = openpyxl.load_workbook(path, data_only=True)["Offer"]
    assert values["A3"].value == 356000
    # COUNTERTARGET(0, 295000): anchor 295,000 x 1.05 x 1.10, target x 1.05, floor.
    assert [values[f"B{r}"].value for r in (1, 2, 3)] == pytest.approx([340725, 309750, 295000])


def test_shipped_workbook_refreshes_clean(book: Path) -> None:
    """The shipped workbook has no error cell: exit 0 (the Checks sheet's padding too)."""
    proc = run("refresh", book)
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stdout + proc.stderr


def test_share_names_error_cells_of_the_copy(tmp_path: Path) -> None:
    """share recomputes too: a copy whose kept cells show errors exits 1 and names them."""
    path = edited(tmp_path, "bonus15.xlsx", {"Offer!B10": 15})
    before = digest(path)
    proc = run("share", path, "-o", tmp_path / "copy.xlsx")
    assert proc.returncode == 1
    assert (
        "xlcomp: Offer!B20: #XLCOMP! bonus_pct: 15 looks like a whole percent: enter 15% or 0.15"
    ) in proc.stderr.splitlines()
    assert digest(path) == before


# ------------------------------------------------------------ 6. summaries and advice


def test_check_advises_only_the_typo_end(tmp_path: Path) -> None:
    """A bonus band 0.10-15: the advice is about max 15 only."""
    path = edited(tmp_path, "band15.xlsx", {"Bands!E4": 15})
    proc = run("check", path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        "Bands!E4: San Francisco / Senior SWE (Together AI) bonus max 15 is in whole "
        "percents: enter 0.15 or 15% (the band would be 0.1–0.15)"
    )
    assert "0.001" not in proc.stdout


def test_check_does_not_echo_a_whole_percent_as_min_above_max(tmp_path: Path) -> None:
    """Bonus min typed 12 with max 0.15: one problem (the typo), not also min > max."""
    path = edited(tmp_path, "min12.xlsx", {"Bands!D4": 12})
    proc = run("check", path)
    sf = [line for line in proc.stdout.splitlines() if line.startswith("Bands!D4")]
    assert sf == [
        "Bands!D4: San Francisco / Senior SWE (Together AI) bonus min 12 is in whole "
        "percents: enter 0.12 or 12% (the band would be 0.12–0.15)"
    ]


def test_check_prints_problems_in_row_order(tmp_path: Path) -> None:
    """Problems come by sheet, row, column, whatever check found them in."""
    path = edited(tmp_path, "order.xlsx", {"Bands!D10": 999999})  # Remote US base min > max
    proc = run("check", path)
    cells = [line.split(":")[0] for line in proc.stdout.splitlines()]
    # SF tc gap (row 5), Seattle tc gap (row 9), Remote base (row 10); Remote's tc is not
    # compared with a broken base.
    assert cells == ["Bands!D5", "Bands!D9", "Bands!D10"]


@pytest.mark.parametrize("tolerance", ["-1", "-5%", "-0.01"])
def test_check_refuses_a_negative_tolerance(book: Path, tolerance: str) -> None:
    """--tolerance below zero is refused in one line naming the option."""
    proc = run("check", book, f"--tolerance={tolerance}")
    assert proc.returncode == 2
    assert "--tolerance" in one_line(proc) and "negative" in proc.stderr


@pytest.mark.parametrize(
    ("edits", "cell", "text"),
    [
        ({"Bands!E4": 15}, "Bands!E4", "bonus max 15 is in whole percents"),
        ({"Bands!D2": 300000}, "Bands!D2", "min 300,000 is above max 245,000"),
    ],
    ids=["bonus 15", "min above max"],
)
def test_build_data_reports_what_check_reports_and_writes_nothing(
    tmp_path: Path, edits: dict[str, object], cell: str, text: str
) -> None:
    """build --data with tables the functions would refuse: check's lines, exit 1, and no
    workbook (a copy full of #XLCOMP! is not what a recruiter wants to send)."""
    path = edited(tmp_path, "edited.xlsx", edits)
    out = tmp_path / "rebuilt.xlsx"
    before = digest(path)
    proc = run("build", "--data", path, "-o", out)
    assert proc.returncode == 1
    checked = run("check", path)
    problem = next(line for line in checked.stdout.splitlines() if line.startswith(cell))
    assert text in problem
    assert problem in proc.stderr.splitlines()
    assert "nothing written" in proc.stderr.splitlines()[-1]
    assert not out.exists()
    assert digest(path) == before


def test_build_data_from_the_shipped_workbook_still_builds(book: Path, tmp_path: Path) -> None:
    """The guide's own published tc gaps are warnings: the rebuild is written, exit 0."""
    out = tmp_path / "rebuilt.xlsx"
    proc = run("build", "--data", book, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    assert [w.split(":")[1].strip() for w in warnings] == ["Bands!D5", "Bands!D9", "Bands!D13"]


# --------------------------------------------------------------- 8. file formats


def _as_format(book: Path, tmp_path: Path, suffix: str) -> Path:
    """The workbook in another format: legacy .xls and .ods bytes, or CSV text."""
    out = tmp_path / f"bands{suffix}"
    if suffix == ".xls":
        out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    elif suffix == ".ods":
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            zf.writestr("content.xml", "<office:document-content/>")
    else:
        out.write_text("region,level,component,min,max\nSan Francisco,Senior SWE,base,1,2\n")
    return out


FORMATS = {
    ".xls": "a legacy Excel 97-2003 workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".csv": "a CSV text file",
}
READERS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "check": lambda f, out: ["check", f],
    "refresh": lambda f, out: ["refresh", f],
    "share": lambda f, out: ["share", f, "-o", out],
    "render": lambda f, out: ["render", f, "-o", out.with_suffix(".pdf")],
    "lite-extract": lambda f, out: ["lite-extract", f, out.parent / "code"],
    "build --data": lambda f, out: ["build", "--data", f, "-o", out],
}


@pytest.mark.parametrize("suffix", list(FORMATS))
@pytest.mark.parametrize("command", list(READERS))
def test_other_formats_are_named_with_what_to_do(
    book: Path, tmp_path: Path, command: str, suffix: str
) -> None:
    """.xls, .ods and .csv: one line naming the format and how to get an .xlsx (build
    --data also offers a .toml data file); never a codec error."""
    source = _as_format(book, tmp_path, suffix)
    before = digest(source)
    out = tmp_path / "out.xlsx"
    proc = run(*READERS[command](source, out))
    assert proc.returncode == 2
    line = one_line(proc)
    assert FORMATS[suffix] in line and "save it as .xlsx" in line, line
    assert "codec" not in line
    if command == "build --data":
        assert ".toml data file" in line
    assert digest(source) == before
    assert not out.exists()


def test_build_data_with_a_legacy_xls_has_no_codec_error(tmp_path: Path) -> None:
    """The issue's exact case: build --data base.xls."""
    base = tmp_path / "base.xls"
    base.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    proc = run("build", "--data", base, cwd=tmp_path)
    assert proc.returncode == 2
    assert one_line(proc) == (
        f"xlcomp: error: {base}: a legacy Excel 97-2003 workbook (.xls), not an .xlsx: save "
        "it as .xlsx (Excel Workbook) in Excel or LibreOffice and use that file, or put the "
        "tables in a .toml data file (the format of xlcomp/data/guide.toml)"
    )
    assert not (tmp_path / "negotiation.xlsx").exists()


@pytest.mark.parametrize("name", ["out.xls", "out.ods", "out.txt", "out.xlsm", "out"])
@pytest.mark.parametrize("command", ["share", "refresh -o", "build"])
def test_output_suffix_must_match_the_content(
    book: Path, tmp_path: Path, command: str, name: str
) -> None:
    """An .xlsx written under another name is refused, naming the right one."""
    argv = {
        "share": ["share", book, "-o"],
        "refresh -o": ["refresh", book, "-o"],
        "build": ["build", "-o"],
    }[command]
    out = tmp_path / name
    proc = run(*argv, out)
    assert proc.returncode == 2
    assert one_line(proc).endswith(f"is an .xlsx file; name it {Path(name).stem}.xlsx")
    assert not out.exists()


def _as_xlsm(book: Path) -> Path:
    """The workbook declared macro-enabled, as Excel saves an .xlsm."""
    xlsm = book.with_suffix(".xlsm")
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            zout.writestr(info, data)
    return xlsm


def test_a_macro_enabled_workbook_keeps_its_suffix(book: Path, tmp_path: Path) -> None:
    """refresh/share of an .xlsm write an .xlsm: an .xlsx name is refused."""
    xlsm = _as_xlsm(book)
    bad = run("refresh", xlsm, "-o", tmp_path / "copy.xlsx")
    assert bad.returncode == 2
    assert one_line(bad).endswith("is an .xlsm file; name it copy.xlsm")
    good = run("refresh", xlsm, "-o", tmp_path / "copy.xlsm")
    assert good.returncode == 0, good.stderr


def test_render_suffix(book: Path, tmp_path: Path) -> None:
    """render writes .pdf or .png only."""
    proc = run("render", book, "-o", tmp_path / "offer.jpg")
    assert proc.returncode == 2
    assert one_line(proc).endswith("the picture is a .pdf or .png file; name it offer.pdf")


# ---------------------------------------------------------------- 9. small CLI gaps


def test_version_comes_from_the_package_metadata() -> None:
    """xlcomp --version prints the installed distribution's version."""
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"xlcomp {importlib.metadata.version('xlcomp')}"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert importlib.metadata.version("xlcomp") == pyproject["project"]["version"]


def test_every_option_and_argument_has_help() -> None:
    """No option or positional argument of any command is left without help text."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    missing = []
    for name, command in {"xlcomp": parser, **sub.choices}.items():
        for action in command._actions:
            if action.dest in ("help", "command"):
                continue
            if not action.help:
                missing.append(f"{name} {action.option_strings or action.dest}")
    assert missing == []


def test_lite_pins_an_xlwings_the_package_range_allows() -> None:
    """The Lite requirements pin one xlwings, inside pyproject's range (so the package's
    own tests run the same xlwings) and at or above what the current add-in requires."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    spec = next(d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings"))
    pinned = Version(lite.XLWINGS_VERSION)
    assert pinned in SpecifierSet(spec.removeprefix("xlwings"))
    assert pinned >= Version(lite.LITE_MIN_XLWINGS)
    assert f"xlwings=={lite.XLWINGS_VERSION}  # required" in lite.lite_requirements()
    assert f"xlwings=={lite.XLWINGS_VERSION}" in (ROOT / "docs" / "lite.md").read_text()
