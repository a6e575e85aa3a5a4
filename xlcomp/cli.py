"""The ``xlcomp`` command line.

Every command reports a problem as one line naming the file, sheet and cell, and exits
non-zero; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xlcomp.errors import XlcompError

EXIT_PROBLEMS = 1
EXIT_ERROR = 2


def _demo(args: argparse.Namespace) -> int:
    from xlcomp.core.guide import load_guide
    from xlcomp.demo import render, scenario_lines

    guide = load_guide(args.data)
    s = guide.scenario
    print(f"xlcomp demo — {guide.meta.title}")
    print(
        f"Scenario: {s.region}, {s.level}; offer base {s.offer_base:,.0f}, equity "
        f"{s.offer_equity:,.0f}/yr, bonus {s.offer_bonus_pct:.0%}; competing offer "
        f"{s.competing_tc:,.0f}; floor {s.floor:,.0f}"
    )
    print(render(scenario_lines(guide)))
    return 0


def _build(args: argparse.Namespace) -> int:
    from xlcomp.core.guide import load_guide
    from xlcomp.template import write_template

    path = write_template(load_guide(args.data), args.output)
    print(f"wrote {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from xlcomp.check_book import check_workbook
    from xlcomp.core.values import to_rate

    report = check_workbook(args.book, to_rate(args.tolerance, "--tolerance"))
    if args.json:
        print(report.to_json())
    else:
        for finding in report.findings:
            print(finding)
        print(report.summary(), file=sys.stderr if report.findings else sys.stdout)
    return EXIT_PROBLEMS if report.findings else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="xlcomp",
        description="Price and negotiate a job offer in a spreadsheet.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="the guide's scenario on the built-in data")
    demo.add_argument("--data", metavar="FILE", help="a data file instead of the built-in data")
    demo.set_defaults(run=_demo)

    build = sub.add_parser("build", help="build the negotiation workbook template")
    build.add_argument("--data", metavar="FILE", help="a data file instead of the built-in data")
    build.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default="negotiation.xlsx",
        help="where to write it (default: negotiation.xlsx)",
    )
    build.set_defaults(run=_build)

    check = sub.add_parser("check", help="validate the Bands and Levels tables of a workbook")
    check.add_argument("book", metavar="BOOK", help="the workbook (.xlsx)")
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.add_argument(
        "--tolerance",
        default="5%",
        metavar="RATE",
        help="gap allowed between published and derived tc ranges (default 5%%)",
    )
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except XlcompError as exc:
        if args.debug:
            raise
        print(f"xlcomp: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("xlcomp: interrupted", file=sys.stderr)
        return 130
