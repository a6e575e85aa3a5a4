"""Build the negotiation workbook from data, the same bytes every time.

``build_bytes(load_guide())`` is the committed ``workbooks/negotiation.xlsx``. Nothing in
the file depends on the clock or the machine: the document properties carry a fixed date,
every zip entry has the same fixed timestamp and attributes, and the parts are written
in openpyxl's fixed order. (Deflate output can differ between zlib builds, which is why
the drift test compares the parts' contents, not the zip's bytes.)
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from xlcomp.core.models import GuideData
from xlcomp.ooxml import atomic_write_bytes
from xlcomp.template import styles
from xlcomp.template.book import Book
from xlcomp.template.checks import write_checks, write_conf
from xlcomp.template.compare import write_compare
from xlcomp.template.data_sheets import write_bands, write_levels
from xlcomp.template.guide import write_guide
from xlcomp.template.offer import write_offer

SHEETS = ("Guide", "Bands", "Levels", "Offer", "Compare", "Checks", "xlwings.conf")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FIXED_DATE = datetime.datetime(2026, 1, 1)
"""The document's created and modified dates: fixed, so a rebuild changes nothing."""


def build_workbook(guide: GuideData) -> Workbook:
    """The template as an openpyxl workbook, its sheets in :data:`SHEETS` order."""
    wb = Workbook()
    styles.register_styles(wb)
    book = Book(wb, guide)
    write_guide(book)
    write_bands(book)
    write_levels(book)
    write_offer(book)
    write_compare(book)
    write_checks(book)
    write_conf(book)
    assert tuple(wb.sheetnames) == SHEETS, wb.sheetnames
    wb.active = 0
    props = wb.properties
    props.creator = "xlcomp"
    props.lastModifiedBy = None
    props.title = guide.meta.title
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    return wb


def normalize_zip(data: bytes) -> bytes:
    """The zip ``data`` rewritten with fixed entry dates and attributes, same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def workbook_bytes(wb: Workbook) -> bytes:
    """``wb`` as xlsx bytes, without the clock (openpyxl's save stamps the time)."""
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return normalize_zip(buf.getvalue())


def build_bytes(guide: GuideData) -> bytes:
    """The template built from ``guide``, as xlsx bytes."""
    return workbook_bytes(build_workbook(guide))


def write_template(guide: GuideData, target: str | Path) -> Path:
    """Build the template from ``guide`` into ``target`` (atomically); returns the path."""
    path = Path(target)
    atomic_write_bytes(path, build_bytes(guide))
    return path
