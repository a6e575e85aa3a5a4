"""``xlcomp update``: new bands into a candidate's workbook, inputs kept, outputs recomputed.

The candidate is the Seattle persona (210K base, 300K grant over four years = 75K a year,
12 % bonus, $25K sign-on, competing 330K, floor 300K), built from the template and
refreshed as a candidate's workbook would be. The source raises the SF and Seattle maxima,
adds Austin and removes Remote US. The expected report numbers are worked by hand below.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.commands import XLCOMP, command_env
from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.ooxml import open_workbook
from xlcomp.refresh import refresh_workbook
from xlcomp.refresh.book import read_book
from xlcomp.refresh.values import EMPTY
from xlcomp.table_rows import Extent
from xlcomp.template import write_template
from xlcomp.update import load_source, update_book, update_books

ROOT = Path(__file__).resolve().parent.parent

PERSONA = {
    "region": "Seattle",
    "level": "Senior SWE",
    "offer_base": 210_000.0,
    "offer_equity": 75_000.0,  # the 300K grant over 25/25/25/25
    "offer_bonus_pct": 0.12,
    "offer_signon": 25_000.0,
    "competing_tc": 330_000.0,
    "floor": 300_000.0,
}

# (region, component, min, max): SF and Seattle maxima rose, Austin added, Remote US gone.
NEW_BANDS = [
    ("San Francisco", "base", 185000, 252000),
    ("San Francisco", "equity", 50000, 88000),
    ("San Francisco", "bonus", 0.10, 0.15),
    ("San Francisco", "tc", 222000, 320000),
    ("Seattle", "base", 176000, 245000),
    ("Seattle", "equity", 47000, 85000),
    ("Seattle", "bonus", 0.10, 0.15),
    ("Seattle", "tc", 211000, 310000),
    ("Austin", "base", 160000, 215000),
    ("Austin", "equity", 42000, 72000),
    ("Austin", "bonus", 0.10, 0.15),
    ("Austin", "tc", 195000, 270000),
]


def source_toml(bands: list[tuple[str, str, float, float]] = NEW_BANDS) -> str:
    """The built-in data file with its bands replaced by ``bands``."""
    text = Path(ROOT / "xlcomp" / "data" / "guide.toml").read_text(encoding="utf-8")
    start = text.index("[[bands]]")
    end = text.index("[band_defaults]")
    rows = "".join(
        f'[[bands]]\nregion = "{r}"\nlevel = "Senior SWE"\ncomponent = "{c}"\n'
        f"min = {lo}\nmax = {hi}\n\n"
        for r, c, lo, hi in bands
    )
    return text[:start] + rows + text[end:]


def with_persona(guide: GuideData) -> GuideData:
    return guide.model_copy(update={"scenario": guide.scenario.model_copy(update=PERSONA)})


def candidate_book(path: Path) -> Path:
    """The persona's workbook: the template with the persona's inputs, refreshed."""
    write_template(with_persona(load_guide()), path)
    refresh_workbook(path)
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def cells(path: Path) -> dict[tuple[str, int, int], Any]:
    """(sheet, row, col) -> cached value of every cell; formulas as ('=', text)."""
    book = read_book(open_workbook(path))
    out: dict[tuple[str, int, int], Any] = {}
    for sheet in book.sheets:
        for (r, c), cell in sheet.cells.items():
            out[(sheet.name, r, c)] = (cell.value, cell.formula)
    return out


def table_values(path: Path, name: str) -> list[list[Any]]:
    book = read_book(open_workbook(path))
    t = next(t for t in book.tables if t.name == name)
    sheet = next(s for s in book.sheets if s.index == t.sheet)
    return [
        [
            None
            if (r, c) not in sheet.cells or sheet.cells[(r, c)].value is EMPTY
            else sheet.cells[(r, c)].value
            for c in range(t.c1, t.c2 + 1)
        ]
        for r in range(t.r1, t.r2 + 1)
    ]


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The persona's workbook before and after the update, and one built fresh."""
    tmp = tmp_path_factory.mktemp("update")
    src = tmp / "master.toml"
    src.write_text(source_toml(), encoding="utf-8")
    before = candidate_book(tmp / "before.xlsx")
    after = tmp / "after.xlsx"
    after.write_bytes(before.read_bytes())
    result = update_book(after, load_source(src))
    fresh = tmp / "fresh.xlsx"
    write_template(with_persona(load_guide(src)), fresh)
    refresh_workbook(fresh)
    return {"before": before, "after": after, "fresh": fresh, "result": result, "src": src}


def test_inputs_unchanged_and_tables_hold_new_rows(updated: dict[str, Any]) -> None:
    before, after = cells(updated["before"]), cells(updated["after"])
    inputs = [(r, 2) for r in range(5, 13)] + [(r, 7) for r in range(5, 10)]
    for r, c in inputs:
        assert after[("Offer", r, c)] == before[("Offer", r, c)], (r, c)
    assert after[("Offer", 8, 2)][0] == 210_000
    bands = table_values(updated["after"], "Bands")
    assert len(bands) == 1 + len(NEW_BANDS)
    assert [(r[0], r[2], r[3], r[4]) for r in bands[1:]] == [
        (reg, comp, float(lo), float(hi)) for reg, comp, lo, hi in NEW_BANDS
    ]
    assert table_values(updated["after"], "Levels") == table_values(updated["fresh"], "Levels")


def test_outputs_equal_a_fresh_build(updated: dict[str, Any]) -> None:
    """Every formula cell of the updated workbook holds what a fresh build computes."""
    after, fresh = cells(updated["after"]), cells(updated["fresh"])
    formulas = [k for k, (_, f) in fresh.items() if f is not None]
    assert len(formulas) > 100
    for k in formulas:
        got, want = after[k][0], fresh[k][0]
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-12), k
        else:
            assert got == want, k
    assert table_values(updated["after"], "Bands") == table_values(updated["fresh"], "Bands")


def test_other_parts_byte_for_byte(updated: dict[str, Any]) -> None:
    before, after = parts(updated["before"]), parts(updated["after"])
    assert list(before) == list(after)
    touched = {n for n in before if before[n] != after[n]}
    allowed = {"xl/workbook.xml"} | {
        n for n in before if n.startswith(("xl/worksheets/sheet", "xl/tables/"))
    }
    assert touched <= allowed
    assert "xl/tables/table1.xml" not in touched  # 12 rows in, 12 rows out
    assert "xl/worksheets/sheet2.xml" in touched  # the Bands sheet


DENVER = [
    ("Denver", "base", 158000, 210000),
    ("Denver", "equity", 40000, 70000),
    ("Denver", "bonus", 0.10, 0.15),
    ("Denver", "tc", 190000, 265000),
]


@pytest.mark.parametrize(("bands", "last"), [(NEW_BANDS + DENVER, 17), (NEW_BANDS[:8], 9)])
def test_table_grows_and_shrinks_with_everything_on_its_extent(
    tmp_path: Path, updated: dict[str, Any], bands: list[tuple[str, str, float, float]], last: int
) -> None:
    src = tmp_path / "src.toml"
    src.write_text(source_toml(bands), encoding="utf-8")
    book = tmp_path / "c.xlsx"
    book.write_bytes(updated["before"].read_bytes())
    result = update_book(book, load_source(src))
    assert result.status == "updated", result.message
    got = parts(book)
    table = got["xl/tables/table1.xml"].decode()
    assert f'ref="A1:H{last}"' in table and f'<autoFilter ref="A1:H{last}"/>' in table
    area = re.search(
        r'<definedName name="_xlnm.Print_Area" localSheetId="1">([^<]*)<',
        got["xl/workbook.xml"].decode(),
    )
    assert area is not None and re.fullmatch(rf"'Bands'!\$A\$1:\$[A-Z]+\${last}", area.group(1))
    assert table_values(book, "Bands")[1:] == [
        [
            r,
            "Senior SWE",
            c,
            float(lo),
            float(hi),
            "Together AI",
            "Together AI Global Negotiation Guide (Levels.fyi, Blind)",
            "2025-2026",
        ]
        for r, c, lo, hi in bands
    ]
    after = cells(book)
    below = [k for k in after if k[0] == "Bands" and k[1] > last and k[2] <= 8]
    assert below == []  # the rows the table gave up are empty in its columns
    fresh = tmp_path / "fresh.xlsx"
    write_template(with_persona(load_guide(src)), fresh)
    refresh_workbook(fresh)
    want = cells(fresh)
    for k, (value, formula) in want.items():
        if formula is not None:
            assert after[k][0] == (pytest.approx(value) if isinstance(value, float) else value), k
    before = parts(updated["before"])
    for name in before:
        if not name.startswith(("xl/worksheets/sheet", "xl/tables/", "xl/workbook.xml")):
            assert got[name] == before[name], name


def test_report_by_hand(updated: dict[str, Any]) -> None:
    """The persona's numbers, worked by hand from the old and new Seattle bands.

    Offer TC = 210,000 × 1.12 + 75,000 + 25,000 / 4 = 316,450.
    base: (210,000 − 176,000) / (233,000 − 176,000) = 59.6 → / (245,000 − 176,000) = 49.3;
    compa-ratio 210,000 / 204,500 = 1.03 → 210,000 / 210,500 = 1.00.
    equity: 28,000 / 34,000 = 82.4 → 28,000 / 38,000 = 73.7; 75,000 / 64,000 = 1.17 →
    75,000 / 66,000 = 1.14.
    TC: 105,450 / 85,000 = 124.1 → 105,450 / 99,000 = 106.5; 316,450 / 253,500 = 1.25 →
    316,450 / 260,500 = 1.21.
    Bonus (12 % in 10–15 %, 40.0) and the counter (from the competing offer and the floor)
    do not move.
    """
    result = updated["result"]
    assert result.status == "updated"
    text = "\n".join(result.lines())
    for line in (
        "San Francisco / Senior SWE / base: max 245,000 → 252,000",
        "Seattle / Senior SWE / base: max 233,000 → 245,000",
        "Seattle / Senior SWE / equity: max 81,000 → 85,000",
        "Seattle / Senior SWE / tc: max 296,000 → 310,000",
        "Austin / Senior SWE / bonus 10%–15%",
        "Remote US / Senior SWE / base 166,000–220,000",
        "base percentile 59.6 → 49.3",
        "equity percentile 82.4 → 73.7",
        "TC percentile 124.1 → 106.5",
        "base compa-ratio 1.03 → 1.00",
        "equity compa-ratio 1.17 → 1.14",
        "TC compa-ratio 1.25 → 1.21",
    ):
        assert f"    {line}\n" in text + "\n", line
    assert [c.text for c in result.bands_added] == [
        "Austin / Senior SWE / base 160,000–215,000",
        "Austin / Senior SWE / equity 42,000–72,000",
        "Austin / Senior SWE / bonus 10%–15%",
        "Austin / Senior SWE / tc 195,000–270,000",
    ]
    assert len(result.bands_removed) == 4 and len(result.bands_changed) == 6
    labels = {c.what for c in result.candidate}
    assert "bonus percentile" not in labels and "verdict" not in labels
    assert "counter target" not in labels


def test_region_removed_under_the_candidate(tmp_path: Path) -> None:
    """The candidate's own region leaves the bands: the report names the input cell."""
    src = tmp_path / "no-seattle.toml"
    src.write_text(source_toml([b for b in NEW_BANDS if b[0] != "Seattle"]), encoding="utf-8")
    book = candidate_book(tmp_path / "c.xlsx")
    result = update_book(book, load_source(src))
    texts = [c.text for c in result.candidate]
    assert "region 'Seattle' no longer in the bands: Offer!B6" in texts
    assert any(t.startswith("base percentile 59.6 → #XLCOMP! region 'Seattle'") for t in texts)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*XLCOMP, *map(str, args)],
        capture_output=True,
        text=True,
        env=command_env(),
        cwd=ROOT,
        timeout=600,
    )


def test_bad_source_writes_nothing(tmp_path: Path) -> None:
    book = tmp_path / "c.xlsx"
    book.write_bytes((ROOT / "workbooks" / "negotiation.xlsx").read_bytes())
    original = book.read_bytes()
    bad = tmp_path / "bands.csv"
    bad.write_text(
        "REGION,Level,component,MIN,max\n"
        "Seattle,Senior SWE,base,250000,200000\n"
        "Seattle,Senior SWE,equity,47000,81000\n"
        "Seattle,Senior SWE,bonus,10,15\n"
        ",Senior SWE,tc,1,2\n",
        encoding="utf-8",
    )
    out = run("update", book, "--from", bad, "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    lines = out.stderr.splitlines()
    assert (
        f"{bad}: line 2, column min: Seattle / Senior SWE base: min 250,000 is above max 200,000"
        in lines
    )
    assert any(
        line.startswith(f"{bad}: line 4, column max:") and "whole percents" in line
        for line in lines
    )
    assert f"{bad}: line 5, column region: region is empty" in lines
    assert lines[-1] == f"{bad}: 3 problems; nothing written"
    assert book.read_bytes() == original
    assert not (tmp_path / "out").exists()


def test_csv_and_workbook_sources_give_the_same_tables(
    tmp_path: Path, updated: dict[str, Any]
) -> None:
    """A CSV of bands (headers in any case) and a master workbook update alike."""
    csv_path = tmp_path / "bands.csv"
    lines = ["Region,LEVEL,Component,Min,Max,Company,Source,As_of"]
    guide = load_guide(updated["src"])
    for b in guide.bands.bands:
        lines.append(
            f"{b.region},{b.level},{b.component},{b.min:g},{b.max:g},{b.company},"
            f'"{b.source}",{b.as_of}'
        )
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    a = tmp_path / "a.xlsx"
    b = tmp_path / "b.xlsx"
    a.write_bytes(updated["before"].read_bytes())
    b.write_bytes(updated["before"].read_bytes())
    assert update_book(a, load_source(csv_path)).status == "updated"
    assert update_book(b, load_source(updated["after"])).status == "updated"
    assert table_values(a, "Bands") == table_values(updated["after"], "Bands")
    assert table_values(b, "Bands") == table_values(updated["after"], "Bands")
    assert cells(b) == cells(updated["after"])
    again = update_book(b, load_source(updated["after"]))
    assert again.status == "unchanged" and not again.candidate


def test_twenty_books_two_jobs_one_corrupt(tmp_path: Path, updated: dict[str, Any]) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    data = updated["before"].read_bytes()
    for i in range(20):
        (folder / f"cand{i:02d}.xlsx").write_bytes(data[:5000] if i == 7 else data)
    (folder / "notes.txt").write_text("not a workbook")
    out = run("update", folder, "--from", updated["src"], "--jobs", "2", "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["summary"] == {"updated": 19, "unchanged": 0, "skipped": 0, "failed": 1}
    failed = [b for b in report["books"] if b["status"] == "failed"]
    assert [Path(b["book"]).name for b in failed] == ["cand07.xlsx"]
    assert (folder / "cand07.xlsx").read_bytes() == data[:5000]
    want = parts(updated["after"])
    for i in (0, 8, 19):
        assert parts(folder / f"cand{i:02d}.xlsx") == want


def test_not_a_negotiation_workbook_is_skipped(tmp_path: Path, updated: dict[str, Any]) -> None:
    import openpyxl

    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(other)
    good = tmp_path / "good.xlsx"
    good.write_bytes(updated["before"].read_bytes())
    results = update_books([other, good], load_source(updated["src"]))
    assert [(r.status, r.message) for r in results] == [
        ("skipped", "not a negotiation workbook: no table Bands"),
        ("updated", ""),
    ]


def test_output_folder_never_over_the_input(tmp_path: Path, updated: dict[str, Any]) -> None:
    book = tmp_path / "c.xlsx"
    book.write_bytes(updated["before"].read_bytes())
    original = book.read_bytes()
    out = run("update", book, "--from", updated["src"], "-o", tmp_path)
    assert out.returncode == 2
    assert "would write over this workbook" in out.stderr and "Traceback" not in out.stderr
    assert book.read_bytes() == original
    (tmp_path / "x").mkdir()
    twin = tmp_path / "x" / "c.xlsx"
    twin.write_bytes(original)
    out = run("update", book, twin, "--from", updated["src"], "-o", tmp_path / "o")
    assert out.returncode == 2 and "would both be written" in out.stderr
    out = run("update", book, "--from", updated["src"], "-o", tmp_path / "o")
    assert out.returncode == 0, out.stderr
    assert book.read_bytes() == original
    assert parts(tmp_path / "o" / "c.xlsx") == parts(updated["after"])


def test_dry_run_writes_nothing(tmp_path: Path, updated: dict[str, Any]) -> None:
    book = tmp_path / "c.xlsx"
    book.write_bytes(updated["before"].read_bytes())
    out = run("update", book, "--from", updated["src"], "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "    base percentile 59.6 → 49.3" in out.stdout.splitlines()
    assert out.stdout.splitlines()[-1].endswith("(dry run: nothing written)")
    assert book.read_bytes() == updated["before"].read_bytes()


@pytest.mark.parametrize(
    ("text", "home", "want"),
    [
        ("'Bands'!$A$1:$H$13", None, "'Bands'!$A$1:$H$20"),
        ("Bands!A2:A13", None, "Bands!A2:A20"),
        ("SUM(D2:D13)", "Bands", "SUM(D2:D20)"),
        ("SUM(D2:D13)", "Offer", "SUM(D2:D13)"),  # another sheet's D2:D13
        ("Bands!A2:A12", None, "Bands!A2:A12"),  # not the table's extent
        ("Bands!J2:J13", None, "Bands!J2:J13"),  # beside the table
        ("'Bands'!$A$1:$M$13", None, "'Bands'!$A$1:$M$20"),  # a print area wider than it
        ("Bands!B1:M13", None, "Bands!B1:M13"),  # neither inside nor covering
        ('COUNTIF(Bands!A2:A13,"Bands!A2:A13")', None, 'COUNTIF(Bands!A2:A20,"Bands!A2:A13")'),
        ("'Other Bands'!A2:A13", None, "'Other Bands'!A2:A13"),
    ],
)
def test_extent_moves_only_the_tables_ranges(text: str, home: str | None, want: str) -> None:
    extent = Extent("Bands", c1=1, c2=8, header=1, first=2, old_last=13, new_last=20)
    assert extent.move(text, home) == want


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")
def test_sigkill_leaves_old_or_new_workbook(tmp_path: Path, updated: dict[str, Any]) -> None:
    """The kill test of refresh, applied to update: SIGKILLed at random moments spread over
    its run, ``update`` leaves the old workbook or the new one, never a torn one, and the
    next run leaves no temporary file."""
    from tests.test_atomic_kill import KILLS, new_seed, read_parts, run_to_end, temps

    seed = new_seed()
    rng = random.Random(seed)
    old = updated["before"].read_bytes()
    book = tmp_path / "book.xlsx"
    argv = [*XLCOMP, "update", str(book), "--from", str(updated["src"])]
    ref = tmp_path / "ref"
    ref.mkdir()
    copy = ref / "book.xlsx"
    copy.write_bytes(old)
    seconds = run_to_end([*XLCOMP, "update", str(copy), "--from", str(updated["src"])])
    new_parts, old_parts = read_parts(copy), parts(updated["before"])
    outcomes = set()
    for i in range(KILLS):
        book.write_bytes(old)
        delay = seconds * 1.1 * (i + rng.random()) / KILLS
        proc = subprocess.Popen(
            argv, env=command_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = read_parts(book)
        assert got in (old_parts, new_parts), f"kill {i} at {delay:.3f}s: torn (seed {seed})"
        outcomes.add("new" if got == new_parts else "old")
    assert "old" in outcomes, f"no kill landed before the write (seed {seed})"
    for leftover in temps(book):
        os.utime(leftover, (time.time() - 60, time.time() - 60))
    book.write_bytes(old)
    run_to_end(argv)
    assert read_parts(book) == new_parts
    assert temps(book) == [], f"temporary files left (seed {seed})"


@pytest.mark.libreoffice
def test_libreoffice_opens_the_grown_table(tmp_path: Path, updated: dict[str, Any]) -> None:
    """LibreOffice opens the updated workbook and, recalculating everything, reads the grown
    table: the drop-down list of regions (a distinct list over Bands[Region]) holds the
    four regions of the new rows, Denver's from rows 14–17 included."""
    import openpyxl

    from xlcomp.libreoffice import convert

    src = tmp_path / "src.toml"
    src.write_text(source_toml(NEW_BANDS + DENVER), encoding="utf-8")
    book = tmp_path / "c.xlsx"
    book.write_bytes(updated["before"].read_bytes())
    assert update_book(book, load_source(src)).status == "updated"
    outdir = tmp_path / "lo"
    outdir.mkdir()
    wb = openpyxl.load_workbook(convert(book, "xlsx", outdir, recalc="always"), data_only=True)
    ws = wb["Bands"]
    assert [ws[f"J{r}"].value or "" for r in range(2, 7)] == [
        "San Francisco",
        "Seattle",
        "Austin",
        "Denver",
        "",
    ]
    assert [ws[f"A{r}"].value for r in (14, 17, 18)] == ["Denver", "Denver", None]
    assert wb["Offer"]["B8"].value == 210_000


def test_lite_parts_and_private_marks_kept(tmp_path: Path, updated: dict[str, Any]) -> None:
    """A workbook carrying xlwings Lite keeps its Lite parts and private names as they were."""
    from xlcomp.lite import build_lite

    book = tmp_path / "lite.xlsx"
    book.write_bytes(updated["before"].read_bytes())
    build_lite(book, book)
    before = parts(book)
    assert any("webextension" in n for n in before)
    assert update_book(book, load_source(updated["src"])).status == "updated"
    after = parts(book)
    assert list(after) == list(before)
    for name in before:
        if not name.startswith(("xl/worksheets/sheet", "xl/tables/", "xl/workbook.xml")):
            assert after[name] == before[name], name
    names = re.findall(rb"<definedName [^>]*>[^<]*</definedName>", after["xl/workbook.xml"])
    assert names == re.findall(
        rb"<definedName [^>]*>[^<]*</definedName>", before["xl/workbook.xml"]
    )


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
    min_size=1,
    max_size=12,
)
_VALUE = st.one_of(
    _TEXT, st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 10**7)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_VALUE, min_size=8, max_size=8), min_size=1, max_size=40))
def test_any_rows_read_back_and_nothing_beside_them_moves(rows: list[list[Any]]) -> None:
    """Property: whatever rows are written (XML-special text, control characters, numbers),
    the table reads them back, its ref and print area end on the last one, and every cell
    beside the table keeps its bytes."""
    from xlcomp.core.tables import looks_like_row
    from xlcomp.table_rows import read_table_rows, replace_table_rows

    pkg = open_workbook(ROOT / "workbooks" / "negotiation.xlsx")
    book = read_book(pkg)
    current = read_table_rows(book, "Bands", looks_like_row)
    beside = {
        k: current.sheet.xml[c.start : c.end] for k, c in current.sheet.cells.items() if k[1] > 8
    }
    replace_table_rows(pkg, book, current, rows, lambda row: "row")
    after = read_book(pkg)
    last = len(rows) + 1
    t = next(t for t in after.tables if t.name == "Bands")
    assert (t.r1, t.c1, t.r2, t.c2) == (1, 1, last, 8)
    sheet = next(s for s in after.sheets if s.name == "Bands")
    got = [
        [
            None
            if (r, c) not in sheet.cells or sheet.cells[(r, c)].value is EMPTY
            else sheet.cells[(r, c)].value
            for c in range(1, 9)
        ]
        for r in range(2, last + 1)
    ]
    assert got == [[float(v) if not isinstance(v, str) else v for v in row] for row in rows]
    assert not [k for k in sheet.cells if k[1] <= 8 and k[0] > last]
    assert {k: sheet.xml[c.start : c.end] for k, c in sheet.cells.items() if k[1] > 8} == beside
    assert re.search(rb"'Bands'!\$A\$1:\$[A-Z]+\$%d<" % last, pkg.parts["xl/workbook.xml"])
