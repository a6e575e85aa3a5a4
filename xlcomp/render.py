"""``xlcomp render``: pictures of a workbook's sheets, through LibreOffice.

The PDF has one page per sheet (LibreOffice's "whole sheet on one page" export), so
page N is sheet N and a PNG can be made of one sheet. What LibreOffice is shown is a
refreshed copy whose cells calling our functions hold their values (``share
--keep-private``), so the pictures show current numbers and never ``#NAME?``; the
workbook itself is not changed.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xlcomp.errors import PathError, WorkbookError
from xlcomp.files import check_output
from xlcomp.libreoffice import convert, pdftoppm
from xlcomp.ooxml import atomic_write_bytes, open_workbook, workbook_sheets
from xlcomp.refresh import ErrorCell
from xlcomp.share import share_workbook

PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def sheet_names(book: Path) -> list[str]:
    """The workbook's visible sheet names, in order (the PDF's page order), read through
    the package model (the workbook part its relationship names, Transitional or Strict)."""
    pkg = open_workbook(book)
    return [s.name for s in workbook_sheets(pkg) if s.state not in ("hidden", "veryHidden")]


@dataclass
class Rendered:
    """What :func:`render_workbook` wrote, and the cells the pictures show as errors."""

    written: list[Path]
    errors: list[ErrorCell] = field(default_factory=list)


def render(book: Path, out: Path, *, sheet: str | None = None, dpi: int = 110) -> list[Path]:
    """Render ``book`` to ``out`` (.pdf or .png); the files written (see
    :func:`render_workbook`)."""
    return render_workbook(book, out, sheet=sheet, dpi=dpi).written


def render_workbook(book: Path, out: Path, *, sheet: str | None = None, dpi: int = 110) -> Rendered:
    """Render ``book`` to ``out`` (.pdf or .png): the files written and the error cells shown.

    A PNG is one picture per sheet: ``OUT.png`` for one sheet (``sheet=`` or a one-sheet
    workbook), else ``OUT-<sheet>.png`` for each. ``out`` must be in an existing, writable
    folder; every file is written atomically. Raises :class:`~xlcomp.errors.PathError` for
    an output that cannot be written (checked before LibreOffice starts),
    :class:`~xlcomp.errors.WorkbookError` when the workbook cannot be read or drawn.
    """
    suffix = out.suffix.lower()
    check_output(out, inputs=[book], suffixes=[".pdf", ".png"], what="the picture", flag="")
    names = sheet_names(book)
    if sheet is not None:
        matches = [i for i, n in enumerate(names) if n.casefold() == sheet.casefold()]
        if not matches:
            raise PathError(f"{book}: no sheet named {sheet!r} (sheets: {', '.join(names)})")
    with tempfile.TemporaryDirectory(prefix="xlcomp-render-") as tmp:
        # LibreOffice knows none of our functions and recomputes array formulas on
        # load: show it a refreshed copy with our cells stored as values.
        src = Path(tmp) / ("book" + book.suffix.lower())
        shared = share_workbook(book, src, keep_private=True, note=False)
        errors = list(shared.errors)
        pdf = convert(src, PDF_FILTER, Path(tmp), recalc="never")
        if suffix == ".pdf":
            atomic_write_bytes(out, pdf.read_bytes())
            return Rendered([out], errors)
        pages = list(enumerate(names, start=1))
        if sheet is not None:
            pages = [(matches[0] + 1, names[matches[0]])]
        written = []
        for page, name in pages:
            target = out if len(pages) == 1 else out.with_name(f"{out.stem}-{name}{out.suffix}")
            prefix = Path(tmp) / f"page{page}"
            proc = subprocess.run(
                [
                    pdftoppm(),
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdf),
                    str(prefix),
                ],
                capture_output=True,
                text=True,
            )
            made = prefix.with_suffix(".png")
            if proc.returncode != 0 or not made.exists():
                raise WorkbookError(
                    f"{book}: pdftoppm failed on page {page} ({proc.stderr.strip()})"
                )
            atomic_write_bytes(target, made.read_bytes())
            written.append(target)
        return Rendered(written, errors)
