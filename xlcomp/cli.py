"""The ``xlcomp`` command line.

Every command reports a problem as one line naming the file, sheet and cell, and exits
non-zero; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from xlcomp.errors import XlcompError

EXIT_PROBLEMS = 1
EXIT_ERROR = 2


def _demo(args: argparse.Namespace) -> int:
    from xlcomp.core.guide import load_guide
    from xlcomp.demo import build_and_refresh, render, scenario_lines, workbook_lines

    guide = load_guide(args.data)
    s = guide.scenario
    print(f"xlcomp demo — {guide.meta.title}")
    print(
        f"Scenario: {s.region}, {s.level}; offer base {s.offer_base:,.0f}, equity "
        f"{s.offer_equity:,.0f}/yr, bonus {s.offer_bonus_pct:.0%}; competing offer "
        f"{s.competing_tc:,.0f}; floor {s.floor:,.0f}"
    )
    print(render(scenario_lines(guide)))
    folder = tempfile.mkdtemp(prefix="xlcomp-demo-")
    run = build_and_refresh(guide, folder)
    print(render([(f"The workbook, built and refreshed — {run.summary}", workbook_lines(run))]))
    print(f"\nThe workbook is at {run.path} (open it in Excel or LibreOffice).")
    return 0


def _build(args: argparse.Namespace) -> int:
    from xlcomp.core.guide import load_guide
    from xlcomp.template import write_template

    data = args.data
    if data is not None and Path(data).suffix.lower() in (".xlsx", ".xlsm"):
        from xlcomp.check_book import guide_from_workbook

        guide = guide_from_workbook(data, load_guide())
    else:
        guide = load_guide(data)
    path = write_template(guide, args.output)
    if args.lite:
        from xlcomp.lite import build_lite

        build_lite(path, path)
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


def _render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from xlcomp.render import render

    written = render(Path(args.book), Path(args.output), sheet=args.sheet)
    for path in written:
        print(f"wrote {path}")
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from xlcomp.refresh import refresh_workbook
    from xlcomp.refresh.progress import terminal_progress

    with terminal_progress() as progress:
        report = refresh_workbook(args.book, args.output, progress=progress)
    for failure in report.failed:
        print(f"xlcomp: cannot evaluate {failure}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else EXIT_PROBLEMS


def _share(args: argparse.Namespace) -> int:
    from xlcomp.share import share_workbook

    report = share_workbook(
        args.book, args.output, keep_private=args.keep_private, strict=args.strict
    )
    for failure in report.refresh_failures:
        print(f"xlcomp: cannot evaluate {failure}", file=sys.stderr)
    for warning in report.warnings:
        print(f"xlcomp: warning: {warning}", file=sys.stderr)
    if report.scrubbed:
        print(f"scrubbed parts: {', '.join(report.scrubbed)}")
    for part, why in report.dropped.items():
        print(f"dropped {part}: {why}")
    print(f"note: {report.note}")
    print(report.summary())
    return EXIT_PROBLEMS if report.refresh_failures else 0


def _lite_extract(args: argparse.Namespace) -> int:
    from xlcomp.lite import lite_extract

    for path in lite_extract(args.book, args.directory):
        print(f"wrote {path}")
    return 0


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
        "--lite", action="store_true", help="carry the functions inside it, for xlwings Lite"
    )
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

    refresh = sub.add_parser(
        "refresh", help="recompute every formula without Excel and store the values"
    )
    refresh.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    refresh.add_argument("-o", "--output", metavar="OUT", help="write here instead of in place")
    refresh.set_defaults(run=_refresh)

    share = sub.add_parser(
        "share", help="a copy safe to send: our cells as values, private cells removed"
    )
    share.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    share.add_argument("-o", "--output", required=True, metavar="OUT")
    share.add_argument(
        "--keep-private",
        action="store_true",
        help="keep private cells (a copy for yourself); still store our functions as values",
    )
    share.add_argument(
        "--strict",
        action="store_true",
        help="refuse when a kept cell merely equals a removed private value (default: warn)",
    )
    share.set_defaults(run=_share)

    extract = sub.add_parser(
        "lite-extract", help="write the xlwings Lite code embedded in a workbook to a folder"
    )
    extract.add_argument("book", metavar="BOOK")
    extract.add_argument("directory", metavar="DIR")
    extract.set_defaults(run=_lite_extract)

    render = sub.add_parser("render", help="pictures of the sheets through LibreOffice")
    render.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    render.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.png")
    render.add_argument("--sheet", metavar="NAME", help="only this sheet (PNG: one picture)")
    render.set_defaults(run=_render)
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
    except BrokenPipeError:  # `xlcomp demo | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
