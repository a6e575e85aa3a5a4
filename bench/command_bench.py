"""Benchmark: ``xlcomp refresh``, ``share`` and ``demo`` on the template, as whole processes.

What a user waits for is the whole process: interpreter start, imports, reading, computing
and writing. Each command runs ``--runs`` times after one warm-up (file cache, bytecode) on
a fresh copy of the template (``workbooks/negotiation.xlsx``, or ``--book``); the table
shows the median seconds, the fastest run, the median CPU seconds (user + system,
less sensitive to other load on the machine) and the median peak resident memory.

Goals (issue 15): ``refresh`` at most 0.3 s, ``share`` and ``demo`` at most 0.5 s each.
The exit status is 1 when a median misses its goal. Not a unit test:
``python bench/command_bench.py [--runs 7]``. To see where start-up goes:
``python -X importtime -m xlcomp refresh BOOK 2> imports.txt``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refresh_bench import measure  # the same whole-process measurement

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbooks" / "negotiation.xlsx"
GOALS = {"refresh": 0.3, "share": 0.5, "demo": 0.5}
"""Seconds each command may take on the template, as a whole process."""


def commands(book: Path, work: Path) -> dict[str, list[str]]:
    """The argv of each command, working on ``book`` (a copy) and writing into ``work``."""
    xlcomp = [sys.executable, "-m", "xlcomp"]
    return {
        "refresh": [*xlcomp, "refresh", str(book), "-o", str(work / "refreshed.xlsx")],
        "share": [*xlcomp, "share", str(book), "-o", str(work / "shared.xlsx")],
        "demo": [*xlcomp, "demo"],
    }


def main(argv: list[str] | None = None) -> int:
    """Time each command; print the table; 1 when a goal is missed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--book", type=Path, default=TEMPLATE, help="the workbook (the template)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--only", nargs="+", choices=sorted(GOALS), default=list(GOALS))
    args = ap.parse_args(argv)
    missed = []
    with tempfile.TemporaryDirectory(prefix="xlcomp-bench-") as tmp:
        work = Path(tmp)
        book = work / "book.xlsx"
        shutil.copyfile(args.book, book)
        argvs = commands(book, work)
        print(f"{args.book.name}: whole processes, median (fastest) of {args.runs} runs")
        print("| command | seconds | fastest | CPU | peak RSS | goal |")
        print("|---|---|---|---|---|---|")
        for name in args.only:
            measure(argvs[name])  # warm-up
            runs = [measure(argvs[name]) for _ in range(args.runs)]
            secs = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            cpu = statistics.median(r[2] for r in runs)
            goal = GOALS[name]
            verdict = "ok" if secs <= goal else "MISSED"
            if secs > goal:
                missed.append(name)
            print(
                f"| {name} | {secs:.2f} s | {min(r[0] for r in runs):.2f} s | {cpu:.2f} s "
                f"| {rss:.0f} MB "
                f"| ≤ {goal:g} s {verdict} |"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
