"""Benchmark: ``xlcomp refresh`` against LibreOffice on pipeline workbooks of 2,000 to 50,000 rows.

Each row of the pipeline sheet holds seven formulas: TOTALCOMP, BANDPERCENTILE against
the bands range, COMPARATIO, ROUND, IF, a product with a cell of another sheet, and SUM.
LibreOffice gets the same workbook with our three functions replaced by equivalent
native arithmetic (band min/max looked up with SUMIFS), since it cannot call Python.

Both are timed as whole processes, as a user runs them:

* ours: ``python -m xlcomp refresh pipeline.xlsx -o out.xlsx``
* LibreOffice: ``soffice --headless --convert-to xlsx`` with a fresh profile whose
  ``OOXMLRecalcMode`` is 0 (always recalculate on load), so it recalculates and saves.

For each size (``--rows``, default 2,000, 10,000 and 50,000) the two tools run in turn,
one run of each after the other, so that a change in the machine's load between runs hits
both alike. The table shows, per size, the median seconds of ``--runs`` runs after one
warm-up, the ratio, and the median peak resident memory of each process tree. The goal
(issue 15): at most half of LibreOffice's time and at most its peak memory, at every
size; the exit status is 1 when it is missed. Not a unit test:
``python bench/refresh_bench.py [--rows 2000 10000 50000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REGIONS = ("San Francisco", "Seattle", "Remote US")
LEVELS = ("SWE II", "Senior SWE", "Staff SWE", "Principal SWE")
# (base min, base max, equity min, equity max, bonus min, bonus max) per level, SF.
LEVEL_BANDS = {
    "SWE II": (140000, 185000, 25000, 50000, 0.08, 0.12),
    "Senior SWE": (185000, 245000, 50000, 85000, 0.10, 0.15),
    "Staff SWE": (230000, 300000, 90000, 160000, 0.12, 0.18),
    "Principal SWE": (280000, 360000, 150000, 260000, 0.15, 0.20),
}
REGION_FACTOR = {"San Francisco": 1.0, "Seattle": 0.95, "Remote US": 0.88}
BANDS = "Bands!$A$1:$E$37"
SIZES = (2_000, 10_000, 50_000)
TIME_GOAL = 0.5
"""Goal: xlcomp's time at most this share of LibreOffice's."""

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _bands_rows() -> list[list[object]]:
    rows: list[list[object]] = [["region", "level", "component", "min", "max"]]
    for region in REGIONS:
        f = REGION_FACTOR[region]
        for level in LEVELS:
            bmin, bmax, emin, emax, pmin, pmax = LEVEL_BANDS[level]
            rows.append([region, level, "base", round(bmin * f), round(bmax * f)])
            rows.append([region, level, "equity", round(emin * f), round(emax * f)])
            rows.append([region, level, "bonus", pmin, pmax])
    return rows


def _native_lookup(stat: str, row: int) -> str:
    col = "D" if stat == "min" else "E"
    return (
        f"SUMIFS(Bands!${col}$2:${col}$37,Bands!$A$2:$A$37,B{row},"
        f'Bands!$B$2:$B$37,C{row},Bands!$C$2:$C$37,"base")'
    )


def row_formulas(row: int, native: bool) -> list[str]:
    """The seven formulas of pipeline row ``row`` (columns G..M)."""
    if native:
        lo, hi = _native_lookup("min", row), _native_lookup("max", row)
        tc = f"=D{row}+E{row}+D{row}*F{row}"
        pct = f"=100*(D{row}-{lo})/({hi}-{lo})"
        ratio = f"=D{row}/(({lo}+{hi})/2)"
    else:
        tc = f"=TOTALCOMP(D{row},E{row},F{row})"
        pct = f'=BANDPERCENTILE(D{row},B{row},C{row},"base",{BANDS})'
        ratio = f'=COMPARATIO(D{row},B{row},C{row},"base",{BANDS})'
    return [
        tc,
        pct,
        ratio,
        f"=ROUND(H{row},1)",
        f'=IF(I{row}>=1,"above mid","below mid")',
        f"=G{row}*Params!$B$1",
        f"=SUM(D{row}:E{row})",
    ]


def make_pipeline(path: Path, rows: int = 2000, native: bool = False) -> None:
    """Write the pipeline workbook (``native``: LibreOffice's variant) with XlsxWriter."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Pipeline")
    bands = wb.add_worksheet("Bands")
    params = wb.add_worksheet("Params")
    for r, values in enumerate(_bands_rows()):
        bands.write_row(r, 0, values)
    params.write_row(0, 0, ["fx", 0.92])
    ws.write_row(
        0,
        0,
        [
            "candidate",
            "region",
            "level",
            "base",
            "equity",
            "bonus",
            "tc",
            "base pct",
            "compa",
            "pct (1dp)",
            "vs mid",
            "tc (EUR)",
            "cash+equity",
        ],
    )
    for i in range(rows):
        r = i + 2
        region = REGIONS[i % 3]
        level = LEVELS[(i // 3) % 4]
        bmin, bmax = LEVEL_BANDS[level][:2]
        f = REGION_FACTOR[region]
        base = round((bmin + (bmax - bmin) * ((i * 37) % 120) / 100) * f)
        equity = 20000 + (i * 7919) % 150000
        bonus = 0.05 + (i % 11) / 100
        ws.write_row(r - 1, 0, [f"cand{i + 1}", region, level, base, equity, bonus])
        for j, formula in enumerate(row_formulas(r, native)):
            ws.write_formula(r - 1, 6 + j, formula)
    wb.close()


Run = tuple[float, float, float]
"""One run: wall seconds, peak RSS (MB), CPU seconds (user + system) of the process tree."""


def measure(cmd: list[str]) -> Run:
    """Wall seconds, peak RSS (MB) and CPU seconds of ``cmd`` run as its own process tree.

    CPU time is shown beside wall time because it depends far less on what else the
    machine runs: on a shared machine the wall-time ratio is the goal, the CPU ratio the
    check that the goal's verdict is not an accident of load.
    """
    helper = [sys.executable, __file__, "--measure-child", json.dumps(cmd)]
    out = subprocess.run(helper, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["seconds"]), float(data["rss_mb"]), float(data["cpu"])


def _measure_child(cmd: list[str]) -> None:
    """Run ``cmd`` once; print its seconds and the peak RSS of its process tree as JSON.

    Run in a fresh helper process, so ``RUSAGE_CHILDREN`` covers ``cmd`` and nothing else
    (for LibreOffice: the ``soffice`` script and the ``soffice.bin`` it waits for).
    ``PYTHONDONTWRITEBYTECODE`` is dropped so that the warm-up writes the bytecode an
    installed package has: else every run compiles xlcomp's sources again (a third of a
    second), a cost no user pays.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(proc.returncode)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "cpu": cpu}))


def _libreoffice_profile(folder: Path) -> str:
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return folder.resolve().as_uri()


@dataclass
class SizeResult:
    """The runs of both tools on one pipeline size: (seconds, peak RSS MB) each."""

    rows: int
    ours: list[Run] = field(default_factory=list)
    libreoffice: list[Run] = field(default_factory=list)

    @staticmethod
    def _median(runs: list[Run], i: int) -> float:
        return statistics.median(r[i] for r in runs)

    def line(self) -> str:
        """One row of the table."""
        ours_s, ours_mb, ours_cpu = (self._median(self.ours, i) for i in range(3))
        if not self.libreoffice:
            return f"| {self.rows:,} | {ours_s:.2f} s | - | - | {ours_mb:.0f} MB | - | - |"
        lo_s, lo_mb, lo_cpu = (self._median(self.libreoffice, i) for i in range(3))
        return (
            f"| {self.rows:,} | {ours_s:.2f} s | {lo_s:.2f} s | {ours_s / lo_s:.2f}x "
            f"| {ours_mb:.0f} MB | {lo_mb:.0f} MB "
            f"| {ours_cpu:.2f} / {lo_cpu:.2f} s = {ours_cpu / lo_cpu:.2f}x |"
        )

    def meets_goals(self) -> bool:
        """Time at most ``TIME_GOAL`` of LibreOffice's, peak memory at most LibreOffice's."""
        if not self.libreoffice:
            return True
        return self._median(self.ours, 0) <= TIME_GOAL * self._median(
            self.libreoffice, 0
        ) and self._median(self.ours, 1) <= self._median(self.libreoffice, 1)


def bench_size(rows: int, runs: int, work: Path, soffice: str | None, profile: str) -> SizeResult:
    """Build the two workbooks of ``rows`` rows and time both tools, run for run.

    The runs alternate (ours, LibreOffice, ours, ...; the first of each pair alternates
    too), so that a change in the machine's load hits both tools alike.
    """
    ours_in, lo_in = work / f"pipeline{rows}.xlsx", work / f"pipeline{rows}_native.xlsx"
    make_pipeline(ours_in, rows, native=False)
    make_pipeline(lo_in, rows, native=True)
    ours_cmd = [
        sys.executable,
        "-m",
        "xlcomp",
        "refresh",
        str(ours_in),
        "-o",
        str(work / f"pipeline{rows}_refreshed.xlsx"),
    ]
    lo_cmd = (
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(work / "lo-out"),
            str(lo_in),
        ]
        if soffice
        else None
    )
    result = SizeResult(rows)
    measure(ours_cmd)  # warm-up: file cache, bytecode
    if lo_cmd:
        measure(lo_cmd)  # warm-up: the first start initialises the profile
    for i in range(runs):
        pair = [("ours", ours_cmd), ("lo", lo_cmd)]
        for who, cmd in pair if i % 2 == 0 else pair[::-1]:
            if cmd is None:
                continue
            (result.ours if who == "ours" else result.libreoffice).append(measure(cmd))
    return result


def main(argv: list[str] | None = None) -> int:
    """Build the workbooks, time both tools, print the table; 1 when a goal is missed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the workbooks here")
    ap.add_argument("--measure-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure_child is not None:
        _measure_child(json.loads(args.measure_child))
        return 0
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    results = []
    with tempfile.TemporaryDirectory(prefix="xlcomp-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        profile = _libreoffice_profile(Path(tmp) / "lo-profile")
        for rows in args.rows:
            results.append(bench_size(rows, args.runs, work, soffice, profile))
    print(
        f"pipeline x 7 formulas a row; whole processes, interleaved; median of {args.runs} "
        "runs after a warm-up; peak RSS of each process tree"
    )
    print("| rows | xlcomp | LibreOffice | ratio | xlcomp peak | LibreOffice peak | CPU time |")
    print("|---|---|---|---|---|---|---|")
    for result in results:
        print(result.line())
    if not soffice:
        print("LibreOffice not found: no ratio")
        return 0
    missed = [r.rows for r in results if not r.meets_goals()]
    print(
        f"goal: at most {TIME_GOAL:g}x LibreOffice's time and at most its peak memory: "
        + ("met" if not missed else f"missed at {', '.join(f'{n:,}' for n in missed)} rows")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
