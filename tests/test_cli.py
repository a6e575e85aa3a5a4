"""The command line on the shipped data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xlcomp.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_demo_prints_the_scenario(capsys: object) -> None:
    """`xlcomp demo` prints TC, percentiles, counter, split, verdict, script and checks."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    for text in [
        "$356,000",  # TOTALCOMP(240000, 80000, 15%)
        "91.67",  # base percentile
        "1.1163",  # base compa-ratio
        "$309,750",  # the guide's target: 295,000 × 1.05
        "$373,800",  # target: 356,000 × 1.05
        "$411,180",  # anchor: 373,800 × 1.10
        "$275,000",  # the floor given
        "$29,000",  # sign-on: (373,800 − 366,750) × 4 = 28,200, asked as 29,000
        "$374,000",  # the split's TOTALCOMP: 366,750 + 29,000 / 4
        "accept",  # 356,000 ≥ 309,750, the competing offer plus 5 %
        "L5",
        "SDE III",
        "$374K a year",  # the script quotes TOTALCOMP of the split
        "253,500–366,750",
        "240,600–348,950",
        "226,600–329,000",
    ]:
        assert text in out, text


def test_demo_as_a_process() -> None:
    """`python -m xlcomp demo` exits 0 and prints no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "xlcomp", "demo"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_with_bad_data_file(tmp_path: Path, capsys: object) -> None:
    """A bad --data file: one line naming the file, exit 2."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\n")
    assert main(["demo", "--data", str(bad)]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert str(bad) in err and "Traceback" not in err


def test_refresh_command_on_a_workbook(tmp_path: Path, capsys: object) -> None:
    """`xlcomp refresh BOOK -o OUT` computes our function and prints one summary line."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 240000, 80000, 0.15
    ws["D1"] = "=TOTALCOMP(A1,B1,C1)"
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb.save(src)
    assert main(["refresh", str(src), "-o", str(out)]) == 0
    assert "1 formulas computed" in capsys.readouterr().out  # type: ignore[attr-defined]
    got = openpyxl.load_workbook(out, data_only=True).active["D1"].value
    assert got == 356000  # 240,000 + 80,000 + 36,000


def test_refresh_command_on_a_text_file(tmp_path: Path, capsys: object) -> None:
    """A text file named .xlsx: one line naming the file, exit 2, nothing written."""
    src = tmp_path / "notes.xlsx"
    src.write_text("hello")
    assert main(["refresh", str(src), "-o", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert str(src) in err and "Traceback" not in err
    assert not (tmp_path / "o.xlsx").exists()


def test_demo_builds_and_refreshes_the_workbook(capsys: object) -> None:
    """The demo builds the template, refreshes it and reads the same numbers back."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    section = out[out.index("The workbook, built and refreshed") :]
    assert "could not be evaluated" not in section
    for name, exp in [
        ("offer_tc", "$356,000"),  # 240,000 + 80,000 + 36,000
        ("private_counter_target", "$373,800"),  # 356,000 × 1.05
        ("private_split_signon", "$29,000"),  # (373,800 − 366,750) × 4 -> 29,000
        ("private_split_tc", "$374,000"),  # 245,000 × 1.15 + 85,000 + 29,000 / 4
        ("private_verdict", "accept"),  # 356,000 ≥ 295,000 × 1.05
    ]:
        line = next(line for line in section.splitlines() if f"[{name}]" in line)
        assert line.rstrip().endswith(exp), line
    path = Path(out.split("The workbook is at ")[1].split(" (open")[0])
    assert path.exists() and path.suffix == ".xlsx"


def test_demo_into_a_closed_pipe() -> None:
    """`xlcomp demo | head -1` prints no traceback when the reader goes away."""
    proc = subprocess.run(
        f"{sys.executable} -m xlcomp demo | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.startswith("xlcomp demo")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
