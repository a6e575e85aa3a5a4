"""The ``xlcomp`` command line.

Every command reports a problem as one line naming the file, sheet and cell; ``--debug``
shows the traceback as well. Exit status: 0 done, 1 done but the result has problems
(``check`` found some, a refreshed cell shows an error, ``build --data`` refused tables
with problems), 2 nothing was done (a file or option cannot be used), 130 interrupted.

Before a command does any work, :func:`main` checks its paths with :mod:`xlcomp.files`
(the one place for it): inputs that are not workbooks are named by their format, and an
output is refused when it is the input itself, when its suffix does not say what it will
hold, or when its folder is missing or cannot be written (xlcomp never creates the folders
above what you name).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlcomp.errors import InputError, XlcompError

if TYPE_CHECKING:
    from xlcomp.check_book import Report
    from xlcomp.core.models import GuideData
    from xlcomp.refresh import ErrorCell

EXIT_PROBLEMS = 1
EXIT_ERROR = 2
SHOWN_ERRORS = 10
"""Error cells listed one per line; the rest are counted."""


def _version() -> str:
    from xlcomp import __version__

    return __version__


class _VersionAction(argparse.Action):
    """``--version``: the installed version, read from the package metadata only when
    asked (importing ``importlib.metadata`` costs every other command ~30 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


# --------------------------------------------------------------------------- paths


def _workbook_suffixes(book: str) -> list[str]:
    """The suffix a copy of ``book`` must carry: the kind of its content (.xlsx, .xlsm)."""
    from xlcomp.files import workbook_suffix

    suffix = workbook_suffix(book)
    return [suffix] if suffix else []


def _paths_demo(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input

    if args.data is not None:
        check_input(args.data, data=True)


def _paths_build(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input, check_output

    inputs = []
    if args.data is not None:
        check_input(args.data, data=True)
        inputs.append(args.data)
    check_output(args.output, inputs=inputs, suffixes=[".xlsx"], what="the workbook")


def _paths_check(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input

    check_input(args.book)


def _paths_refresh(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input, check_output

    check_input(args.book)
    if args.output is not None:
        check_output(
            args.output,
            inputs=[args.book],
            suffixes=_workbook_suffixes(args.book),
            what="the refreshed workbook",
            in_place_hint="leave out -o to refresh it in place",
        )


def _paths_share(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input, check_output

    check_input(args.book)
    # A shared copy never carries macros (share keeps only the parts it reads): .xlsx.
    # With --keep-private the copy is the workbook as it was, macros and all.
    check_output(
        args.output,
        inputs=[args.book],
        suffixes=_workbook_suffixes(args.book) if args.keep_private else [".xlsx"],
        what="the copy",
        in_place_hint="name another file for the copy (share never writes over its input)",
    )


def _paths_render(args: argparse.Namespace) -> None:
    from xlcomp.files import check_input, check_output

    check_input(args.book)
    check_output(args.output, inputs=[args.book], suffixes=[".pdf", ".png"], what="the picture")


def _paths_lite_extract(args: argparse.Namespace) -> None:
    from xlcomp.files import check_folder_output, check_input

    check_input(args.book)
    check_folder_output(args.directory, inputs=[args.book])


def _paths_update(args: argparse.Namespace) -> None:
    from xlcomp.files import check_folder_output, check_input

    if Path(args.source).suffix.lower() != ".csv":  # a CSV of bands is a source here
        check_input(args.source, data=True)
    for book in args.books:
        if not Path(book).is_dir():
            check_input(book)
    if args.output is not None:
        check_folder_output(args.output, inputs=args.books)


# --------------------------------------------------------------------------- commands


def _load_data(data: str | None, *, print_findings: bool) -> tuple[GuideData, int]:
    """The guide from a data file (TOML) or an edited workbook's tables; the exit status.

    A workbook's tables are checked as ``xlcomp check`` does; every problem is printed.
    Problems that make a worksheet function fail (a bonus of 15, min above max, a
    duplicate, a missing band) stop here with status 1 and nothing written; a published
    tc range off its components is a warning only (the guide's own data has three).
    """
    from xlcomp.core.guide import load_guide
    from xlcomp.files import WORKBOOK_SUFFIXES, sniff

    if data is None:
        return load_guide(), 0
    if Path(data).suffix.lower() in WORKBOOK_SUFFIXES:
        is_book = True
    else:
        kind = sniff(data)
        is_book = kind is not None and kind.workbook
    if not is_book:
        return load_guide(data), 0
    from xlcomp.check_book import check_workbook, guide_from_workbook

    report = check_workbook(data)
    blocking = [f for f in report.findings if not f.warning]
    if print_findings:
        for finding in report.findings:
            label = "warning: " if finding.warning else ""
            print(f"{label}{finding}", file=sys.stderr)
    if blocking:
        n = len(blocking)
        raise _ProblemsFoundError(
            f"{data}: {n} problem{'s' * (n != 1)} in its tables would make the functions "
            "fail: nothing written; fix them (xlcomp check lists them) and build again"
        )
    return guide_from_workbook(data, load_guide()), 0


class _ProblemsFoundError(XlcompError):
    """The command ran and found problems (exit 1), already listed above its message."""


def _demo(args: argparse.Namespace) -> int:
    from xlcomp.demo import build_and_refresh, render, scenario_lines, workbook_lines

    guide, _ = _load_data(args.data, print_findings=True)
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
    from xlcomp.template import write_template

    guide, status = _load_data(args.data, print_findings=True)
    path = write_template(guide, args.output)
    if args.lite:
        from xlcomp.lite import build_lite

        build_lite(path, path)
    print(f"wrote {path}")
    return status


def _tolerance(text: str) -> float:
    from xlcomp.core.values import to_rate

    rate = to_rate(text, "--tolerance")
    if rate < 0:
        raise InputError(
            "--tolerance",
            f"{text} is negative: the gap allowed is 0 or more, e.g. 5% or 0.05",
        )
    return rate


def _print_check(report: Report, as_json: bool) -> None:
    if as_json:
        print(report.to_json())
        return
    for finding in report.findings:
        print(finding)
    print(report.summary(), file=sys.stderr if report.findings else sys.stdout)


def _check(args: argparse.Namespace) -> int:
    from xlcomp.check_book import check_workbook

    report = check_workbook(args.book, _tolerance(args.tolerance))
    _print_check(report, args.json)
    return EXIT_PROBLEMS if report.findings else 0


def _render(args: argparse.Namespace) -> int:
    from xlcomp.render import render_workbook

    result = render_workbook(Path(args.book), Path(args.output), sheet=args.sheet)
    for path in result.written:
        print(f"wrote {path}")
    _print_errors(result.errors, "the pictures show")
    return EXIT_PROBLEMS if result.errors else 0


def _print_errors(errors: Sequence[ErrorCell], what: str) -> None:
    """The first error cells, one per line, then how many more (on stderr)."""
    for cell in errors[:SHOWN_ERRORS]:
        print(f"xlcomp: {cell}", file=sys.stderr)
    if len(errors) > SHOWN_ERRORS:
        print(f"xlcomp: … and {len(errors) - SHOWN_ERRORS} more error cells", file=sys.stderr)
    if errors:
        n = len(errors)
        print(
            f"xlcomp: {what} {n} cell{'s' * (n != 1)} with an error: fix the inputs they "
            "name and run the command again",
            file=sys.stderr,
        )


def _refresh(args: argparse.Namespace) -> int:
    from xlcomp.refresh import refresh_workbook
    from xlcomp.refresh.progress import terminal_progress

    with terminal_progress() as progress:
        report = refresh_workbook(args.book, args.output, progress=progress)
    for failure in report.failed:
        print(f"xlcomp: cannot evaluate {failure}", file=sys.stderr)
    _print_errors(report.errors, "the workbook has")
    print(report.summary())
    return 0 if report.clean else EXIT_PROBLEMS


def _share(args: argparse.Namespace) -> int:
    from xlcomp.share import share_workbook

    report = share_workbook(
        args.book, args.output, keep_private=args.keep_private, strict=args.strict
    )
    for failure in report.refresh_failures:
        print(f"xlcomp: cannot evaluate {failure}", file=sys.stderr)
    errors = list(getattr(report, "errors", []))
    _print_errors(errors, "the copy has")
    for warning in report.warnings:
        print(f"xlcomp: warning: {warning}", file=sys.stderr)
    if report.scrubbed:
        print(f"scrubbed parts: {', '.join(report.scrubbed)}")
    for part, why in report.dropped.items():
        print(f"dropped {part}: {why}")
    print(f"note: {report.note}")
    print(report.summary())
    return EXIT_PROBLEMS if report.refresh_failures or errors else 0


def _lite_extract(args: argparse.Namespace) -> int:
    from xlcomp.lite import lite_extract

    for path in lite_extract(args.book, args.directory):
        print(f"wrote {path}")
    return 0


def _update(args: argparse.Namespace) -> int:
    from xlcomp.errors import SourceError
    from xlcomp.update import FAILED, load_source, summary, to_json, update_books

    if args.jobs < 1:
        print(f"xlcomp: error: --jobs {args.jobs}: give 1 or more", file=sys.stderr)
        return EXIT_ERROR
    try:
        source = load_source(args.source)
    except SourceError as exc:
        for problem in exc.problems:
            print(f"{exc.origin}: {problem}", file=sys.stderr)
        n = len(exc.problems)
        print(f"{exc.origin}: {n} problem{'s' * (n != 1)}; nothing written", file=sys.stderr)
        return EXIT_PROBLEMS
    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="update", unit="book", file=sys.stderr, leave=False)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(done - bar.n)

    try:
        results = update_books(
            args.books, source, args.output, dry_run=args.dry_run, jobs=args.jobs, progress=progress
        )
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(to_json(source, results, args.dry_run))
    else:
        for note in source.notes:
            print(f"note: {source.origin}: {note}")
        for result in results:
            failed = result.status == FAILED
            print("\n".join(result.lines()), file=sys.stderr if failed else sys.stdout)
        print(summary(results, args.dry_run))
    return EXIT_PROBLEMS if any(r.status == FAILED for r in results) else 0


# --------------------------------------------------------------------------- the parser


def _command(
    sub: Any,
    name: str,
    help: str,
    run: Callable[[argparse.Namespace], int],
    paths: Callable[[argparse.Namespace], None],
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help)
    parser.set_defaults(run=run, paths=paths)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="xlcomp",
        description="Price and negotiate a job offer in a spreadsheet.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = (
        "a .toml data file, or an .xlsx workbook whose Bands and Levels tables you edited, "
        "instead of the built-in data"
    )

    demo = _command(sub, "demo", "the guide's scenario on the built-in data", _demo, _paths_demo)
    demo.add_argument("--data", metavar="FILE", help=data_help)

    build = _command(sub, "build", "build the negotiation workbook template", _build, _paths_build)
    build.add_argument("--data", metavar="FILE", help=data_help)
    build.add_argument(
        "--lite", action="store_true", help="carry the functions inside it, for xlwings Lite"
    )
    build.add_argument(
        "-o",
        "--output",
        metavar="OUT.xlsx",
        default="negotiation.xlsx",
        help="where to write it, in an existing folder (default: negotiation.xlsx)",
    )

    check = _command(
        sub, "check", "validate the Bands and Levels tables of a workbook", _check, _paths_check
    )
    check.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.add_argument(
        "--tolerance",
        default="5%",
        metavar="RATE",
        help="gap allowed between published and derived tc ranges, 0 or more (default 5%%)",
    )

    refresh = _command(
        sub,
        "refresh",
        "recompute every formula without Excel and store the values",
        _refresh,
        _paths_refresh,
    )
    refresh.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    refresh.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write a refreshed copy here (same kind as BOOK, in an existing folder) "
        "instead of refreshing BOOK in place",
    )

    share = _command(
        sub,
        "share",
        "a copy safe to send: our cells as values, private cells removed",
        _share,
        _paths_share,
    )
    share.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm); never changed")
    share.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="where to write the copy: a new .xlsx name in an existing folder (macros are "
        "never shared; with --keep-private the copy keeps BOOK's kind, .xlsx or .xlsm)",
    )
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

    extract = _command(
        sub,
        "lite-extract",
        "write the xlwings Lite code embedded in a workbook to a folder",
        _lite_extract,
        _paths_lite_extract,
    )
    extract.add_argument(
        "book", metavar="BOOK", help="a workbook built with `xlcomp build --lite` (.xlsx)"
    )
    extract.add_argument(
        "directory",
        metavar="DIR",
        help="folder for main.py and requirements.txt (created if missing; its parent must "
        "exist); files of those names in it are replaced",
    )

    render = _command(
        sub, "render", "pictures of the sheets through LibreOffice", _render, _paths_render
    )
    render.add_argument("book", metavar="BOOK", help="the workbook (.xlsx, .xlsm)")
    render.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.pdf|OUT.png",
        help="a PDF with a page per sheet, or PNG pictures (OUT-<sheet>.png for each sheet "
        "unless --sheet is given), in an existing folder",
    )
    render.add_argument("--sheet", metavar="NAME", help="only this sheet (PNG: one picture)")
    update = _command(
        sub,
        "update",
        "new bands and levels into workbooks already handed out, keeping every input",
        _update,
        _paths_update,
    )
    update.add_argument(
        "books", nargs="+", metavar="BOOK", help="workbooks (.xlsx, .xlsm) or folders of them"
    )
    update.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SOURCE",
        help="the new truth: a .toml data file, a .csv of bands, or a workbook's tables",
    )
    update.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="write the updated copies into this folder (created if missing; its parent must "
        "exist) instead of updating BOOK in place; never BOOK's own folder",
    )
    update.add_argument(
        "--dry-run", action="store_true", help="print the change report, write nothing"
    )
    update.add_argument("--json", action="store_true", help="print the report as JSON")
    update.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="update N workbooks at once (processes)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.paths(args)
        status: int = args.run(args)
        return status
    except _ProblemsFoundError as exc:
        if args.debug:
            raise
        print(f"xlcomp: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
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
