"""``python -m tests.golden [--update]``: compare (or rewrite) the template's snapshot."""

from __future__ import annotations

import argparse
import difflib
import sys

from tests.golden import GOLDEN, UPDATE_COMMAND, current_text


def main(argv: list[str] | None = None) -> int:
    """Show how the template differs from the golden snapshot; ``--update`` rewrites it."""
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the golden snapshot")
    args = parser.parse_args(argv)
    got = current_text()
    exp = GOLDEN.read_text(encoding="utf-8") if GOLDEN.exists() else ""
    if got == exp:
        print(f"{GOLDEN.name}: up to date")
        return 0
    if args.update:
        GOLDEN.write_text(got, encoding="utf-8")
        print(f"{GOLDEN.name}: rewritten")
        return 0
    sys.stdout.writelines(
        difflib.unified_diff(
            exp.splitlines(keepends=True), got.splitlines(keepends=True), "golden", "built"
        )
    )
    print(f"\n{GOLDEN.name} is out of date: run {UPDATE_COMMAND}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
