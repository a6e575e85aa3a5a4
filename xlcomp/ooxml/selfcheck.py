"""``python -m xlcomp.ooxml.selfcheck BOOK [--rewrite | -o OUT]``: read a workbook the safe way.

Opens ``BOOK`` with :func:`open_workbook`, reads every part and parses every XML part, then
optionally writes the package back in place (``--rewrite``) or to ``OUT``. It prints one
line and exits 0, or prints ``error: <file>: <reason>`` and exits 1 (a traceback only with
``--debug``). It is what the hostile-file tests run as a command until the real commands
(``refresh``, ``check``, ``share``) join their table; it is also handy to vet a file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xlcomp.errors import XlcompError
from xlcomp.ooxml.opc import content_type_of, content_types, is_xml_part
from xlcomp.ooxml.package import write_package
from xlcomp.ooxml.workbook import open_workbook
from xlcomp.ooxml.xml import parse


def run(book: str, *, out: str | None = None, rewrite: bool = False) -> str:
    """Check ``book``; write it to ``out`` or back in place; return the summary line."""
    pkg = open_workbook(book)
    xml_parts = 0
    size = 0
    types = content_types(pkg)
    for name in pkg.parts:
        data = pkg.parts[name]
        size += len(data)
        if is_xml_part(name, content_type_of(name, types)):
            parse(data, part=name, source=book)
            xml_parts += 1
    target = out or (book if rewrite else None)
    if target is not None:
        write_package(pkg, target)
    wrote = f", written to {target}" if target else ""
    return (
        f"{book}: ok: {len(pkg.parts)} parts ({size:,} bytes), {xml_parts} XML parts parsed, "
        f"workbook part {pkg.workbook_part}{wrote}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m xlcomp.ooxml.selfcheck", description=__doc__)
    parser.add_argument("book", help="the workbook to check")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--rewrite", action="store_true", help="write the workbook back in place")
    group.add_argument("-o", "--out", help="write the workbook to OUT")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    try:
        print(run(args.book, out=args.out, rewrite=args.rewrite))
    except XlcompError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
