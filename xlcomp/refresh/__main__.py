"""``python -m xlcomp.refresh BOOK [-o OUT]``: refresh one workbook (used by the benchmark)."""

from __future__ import annotations

import argparse
import sys

from xlcomp.errors import XlcompError
from xlcomp.refresh import refresh_workbook
from xlcomp.refresh.progress import terminal_progress


def main(argv: list[str] | None = None) -> int:
    """Refresh BOOK; print a summary line, and one line per formula that failed."""
    ap = argparse.ArgumentParser(prog="python -m xlcomp.refresh", description=__doc__)
    ap.add_argument("book")
    ap.add_argument("-o", "--out", default=None)
    args = ap.parse_args(argv)
    try:
        with terminal_progress() as progress:
            report = refresh_workbook(args.book, args.out, progress=progress)
    except XlcompError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for failure in report.failed:
        print(f"cannot evaluate {failure}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
