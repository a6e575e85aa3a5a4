"""``xlcomp render``: pictures of a workbook's sheets, through LibreOffice.

The PDF has one page per sheet (LibreOffice's "whole sheet on one page" export), so
page N is sheet N and a PNG can be made of one sheet. What LibreOffice is shown is a
refreshed copy whose cells calling our functions hold their values (``share
--keep-private``), so the pictures show current numbers and never ``#NAME?``; the
workbook itself is not changed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from xlcomp.errors import WorkbookError, XlcompError
from xlcomp.libreoffice import convert, pdftoppm
from xlcomp.ooxml import open_workbook, workbook_sheets
from xlcomp.share import share_workbook

PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def sheet_names(book: Path) -> list[str]:
    """The workbook's visible sheet names, in order (the PDF's page order), read through
    the package model (the workbook part its relationship names, Transitional or Strict)."""
    pkg = open_workbook(book)
    return [s.name for s in workbook_sheets(pkg) if s.state not in ("hidden", "veryHidden")]


def render(book: Path, out: Path, *, sheet: str | None = None, dpi: int = 110) -> list[Path]:
    """Render ``book`` to ``out`` (.pdf or .png); the files written.

    A PNG is one picture per sheet: ``OUT.png`` for one sheet (``sheet=`` or a one-sheet
    workbook), else ``OUT-<sheet>.png`` for each.
    """
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise XlcompError(f"{out}: the output must end in .pdf or .png")
    names = sheet_names(book)
    if sheet is not None:
        matches = [i for i, n in enumerate(names) if n.casefold() == sheet.casefold()]
        if not matches:
            raise XlcompError(f"{book}: no sheet named {sheet!r} (sheets: {', '.join(names)})")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlcomp-render-") as tmp:
        # LibreOffice knows none of our functions and recomputes array formulas on
        # load: show it a refreshed copy with our cells stored as values.
        src = Path(tmp) / ("book" + book.suffix.lower())
        share_workbook(book, src, keep_private=True, note=False)
        pdf = convert(src, PDF_FILTER, Path(tmp), recalc="never")
        if suffix == ".pdf":
            tmp_out = out.with_name(f".{out.name}.tmp")
            shutil.copyfile(pdf, tmp_out)
            tmp_out.replace(out)
            return [out]
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
            shutil.move(str(made), target)
            written.append(target)
        return written
