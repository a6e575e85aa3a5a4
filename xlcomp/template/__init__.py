"""The negotiation workbook template, built by code with openpyxl.

One module per sheet (``guide``, ``data_sheets`` for Bands and Levels, ``offer``,
``compare``, ``checks`` for Checks and xlwings.conf), sharing named styles
(:mod:`~xlcomp.template.styles`) and defined names (:mod:`~xlcomp.template.book`).
:func:`build_bytes` gives the same bytes for the same data, so the committed
``workbooks/negotiation.xlsx`` can be checked against the builder.
"""

from xlcomp.template.builder import (
    SHEETS,
    build_bytes,
    build_workbook,
    workbook_bytes,
    write_template,
)

__all__ = ["SHEETS", "build_bytes", "build_workbook", "workbook_bytes", "write_template"]
