"""Benchmark: ``xlcomp refresh`` against LibreOffice on a 2,000-row pipeline workbook.

Each row of the pipeline sheet holds seven formulas: TOTALCOMP, BANDPERCENTILE against
the bands range, COMPARATIO, ROUND, IF, a product with a cell of another sheet, and SUM.
LibreOffice gets the same workbook with our three functions replaced by equivalent
native arithmetic (band min/max looked up with SUMIFS), since it cannot call Python.

Both are timed as whole processes, as a user runs them:

* ours: ``python -m xlcomp.refresh pipeline.xlsx -o out.xlsx``
* LibreOffice: ``soffice --headless --convert-to xlsx`` with a fresh profile whose
  ``OOXMLRecalcMode`` is 0 (always recalculate on load), so it recalculates and saves.

The table shows the median of ``--runs`` runs after one warm-up, the ratio, and each
process's peak resident memory. Not a unit test: ``python bench/refresh_bench.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


def _measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``cmd`` run as its own process tree."""
    helper = [sys.executable, __file__, "--measure-child", json.dumps(cmd)]
    out = subprocess.run(helper, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["seconds"]), float(data["rss_mb"])


def _measure_child(cmd: list[str]) -> None:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(proc.returncode)
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_mb": rss_kb / 1024}))


def _libreoffice_profile(folder: Path) -> str:
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return folder.resolve().as_uri()


def main(argv: list[str] | None = None) -> int:
    """Build the workbooks, time both tools, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, default=None, help="keep the workbooks here")
    ap.add_argument("--measure-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure_child is not None:
        _measure_child(json.loads(args.measure_child))
        return 0
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="xlcomp-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        ours_in, lo_in = work / "pipeline.xlsx", work / "pipeline_native.xlsx"
        make_pipeline(ours_in, args.rows, native=False)
        make_pipeline(lo_in, args.rows, native=True)
        ours_cmd = [
            sys.executable,
            "-m",
            "xlcomp.refresh",
            str(ours_in),
            "-o",
            str(work / "pipeline_refreshed.xlsx"),
        ]
        rows = []
        _measure(ours_cmd)  # warm-up: file cache, bytecode
        ours = [_measure(ours_cmd) for _ in range(args.runs)]
        rows.append(("xlcomp refresh", ours))
        if soffice:
            profile = _libreoffice_profile(Path(tmp) / "lo-profile")
            outdir = work / "lo-out"
            lo_cmd = [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(outdir),
                str(lo_in),
            ]
            _measure(lo_cmd)  # warm-up: the first start initialises the profile
            lo = [_measure(lo_cmd) for _ in range(args.runs)]
            rows.append(("LibreOffice", lo))
        print(f"{args.rows} rows x 7 formulas, median of {args.runs} runs after a warm-up")
        print(f"{'tool':<16}{'seconds':>10}{'peak RSS MB':>14}")
        med = {}
        for name, runs in rows:
            secs = statistics.median(s for s, _ in runs)
            rss = max(m for _, m in runs)
            med[name] = secs
            print(f"{name:<16}{secs:>10.2f}{rss:>14.0f}")
        if "LibreOffice" in med:
            print(
                f"ratio xlcomp/LibreOffice: {med['xlcomp refresh'] / med['LibreOffice']:.2f}x"
                " (limit 4x)"
            )
        else:
            print("LibreOffice not found: no ratio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
