"""Rewrite a workbook in place with ``write_package``, bumping ``GEN<9 digits>`` in every part.

``python tests/bump_generation.py BOOK`` rewrites once; ``--loop`` rewrites until killed;
``--naive`` writes straight into BOOK (not atomic: for testing the test). A
complete rewrite moves every part from generation N to N+1, so a reader that ever finds
parts of two generations, or a broken zip, has caught a torn write.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from xlcomp.ooxml import open_workbook, write_package

TOKEN = re.compile(rb"GEN(\d{9})")


def bump(book: Path, *, naive: bool = False) -> None:
    """Rewrite ``book`` once with every part one generation on.

    ``naive`` writes straight into the file, as a careless writer would: the kill test must
    catch that.
    """
    pkg = open_workbook(book)
    for name in list(pkg.parts):
        pkg.parts[name] = TOKEN.sub(lambda m: b"GEN%09d" % (int(m.group(1)) + 1), pkg.parts[name])
    if naive:
        with open(book, "wb") as fh:
            pkg.write_to(fh)
    else:
        write_package(pkg, book)


def main(argv: list[str]) -> int:
    """Entry point: ``[--naive] [--loop] BOOK``."""
    book = Path(argv[-1])
    naive = "--naive" in argv
    bump(book, naive=naive)
    while "--loop" in argv:
        bump(book, naive=naive)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
