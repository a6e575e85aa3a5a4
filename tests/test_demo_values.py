"""``xlcomp demo`` reads its results from the refresh's recalculation: they must be what
the written workbook holds, as an independent reader (openpyxl) reads it back."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from xlcomp.core.counter import VERDICTS
from xlcomp.core.guide import load_guide
from xlcomp.demo import WORKBOOK_NAMES, build_and_refresh


def test_demo_values_are_the_written_workbook(tmp_path: Path) -> None:
    run = build_and_refresh(load_guide(), str(tmp_path))
    wb = openpyxl.load_workbook(run.path, data_only=True)
    for name, _label in WORKBOOK_NAMES:
        ((sheet, ref),) = wb.defined_names[name].destinations
        on_file = wb[sheet][ref.replace("$", "")].value
        got = run.values[name]
        assert got == on_file and isinstance(got, str) == isinstance(on_file, str), name
    checks = [
        str(row[0].value)
        for row in wb["Checks"].iter_rows(min_row=6, max_row=25, max_col=1)
        if row[0].value not in (None, "") and not str(row[0].value).startswith("#N/A")
    ]
    assert run.checks == checks
    assert run.checks  # the template's bands have problems to report
    assert run.values["private_verdict"] in VERDICTS
