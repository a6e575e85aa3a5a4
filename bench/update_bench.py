"""Benchmark: ``xlcomp update`` over a folder of candidate workbooks, ``--jobs 1`` and ``2``.

Twenty copies of the Seattle persona's workbook (the template with the persona's inputs,
refreshed) are updated from a data file whose SF and Seattle maxima rose, with Austin
added and Remote US removed — the case of ``tests/test_update.py``. Each run starts from
fresh copies and is timed as the whole process a recruiter runs:

    python -m xlcomp update BOOKS/ --from master.toml --jobs N

The table shows the median of ``--runs`` runs per ``--jobs`` value. Not a unit test:
``python bench/update_bench.py [--books 20] [--runs 3] [--jobs 1 2]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_update import candidate_book, source_toml  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlcomp-update-bench-") as tmp:
        work = Path(tmp)
        src = work / "master.toml"
        src.write_text(source_toml(), encoding="utf-8")
        original = candidate_book(work / "candidate.xlsx").read_bytes()
        books = work / "books"
        books.mkdir()
        print(f"{args.books} workbooks, median of {args.runs} runs")
        print(f"{'--jobs':>6}  {'seconds':>8}  {'per workbook':>12}")
        for jobs in args.jobs:
            times = []
            for _ in range(args.runs):
                for i in range(args.books):
                    (books / f"candidate{i:02d}.xlsx").write_bytes(original)
                start = time.perf_counter()
                argv = [sys.executable, "-m", "xlcomp", "update", str(books), "--from", str(src)]
                subprocess.run(
                    [*argv, "--jobs", str(jobs)],
                    check=True,
                    cwd=ROOT,
                    capture_output=True,
                )
                times.append(time.perf_counter() - start)
            t = statistics.median(times)
            print(f"{jobs:>6}  {t:>8.2f}  {t / args.books:>12.2f}")


if __name__ == "__main__":
    main()
