"""`xlcomp share` on the negotiation template, the way a candidate uses it.

Every private input of the template gets a distinctive value (a number like 301,654
that appears nowhere else, a company name nobody else uses); the workbook is refreshed
and shared; then every part of the decompressed copy is scanned for those values and for
every value computed from them, in every form a person or Excel writes them.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.refresh_helpers import error_cells, recalculated_by_libreoffice
from xlcomp.ooxml import open_workbook, write_package
from xlcomp.refresh import refresh_workbook
from xlcomp.refresh.book import read_book
from xlcomp.refresh.parser import cell_name
from xlcomp.refresh.patch import patch_sheet
from xlcomp.share import _formula_cells, analyse, leak_forms, share_workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbooks" / "negotiation.xlsx"


def _with_distinct_inputs(src: Path, out: Path) -> dict[str, object]:
    """Copy ``src`` with a distinctive value in each private input; those values."""
    pkg = open_workbook(src)
    book = read_book(pkg)
    found = analyse(pkg)
    inputs = sorted(found.private - _formula_cells(book))
    chosen: dict[str, object] = {}
    by_sheet: dict[int, dict[tuple[int, int], object]] = {}
    for n, (s, r, c) in enumerate(inputs):
        old = book.sheets[[sh.index for sh in book.sheets].index(s)].cells[(r, c)].value
        if isinstance(old, float) and old >= 1000:
            new: object = 300654.0 + 1000.0 * n  # 300,654; 301,654; ...
        elif isinstance(old, str) and old.strip():
            new = f"Zyxwvutsr Holdings {n}"
        else:
            continue
        by_sheet.setdefault(s, {})[(r, c)] = new
        chosen[f"{book.sheet_names[s]}!{cell_name(r, c)}"] = new
    for sheet in book.sheets:
        if sheet.index in by_sheet:
            pkg.parts[sheet.part], _ = patch_sheet(sheet, by_sheet[sheet.index])
    write_package(pkg, out)
    return chosen


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The template with distinctive inputs, refreshed, and its shared copy."""
    tmp = tmp_path_factory.mktemp("share-template")
    src = tmp / "candidate.xlsx"
    chosen = _with_distinct_inputs(TEMPLATE, src)
    refreshed = tmp / "refreshed.xlsx"
    refresh_workbook(src, refreshed)
    pkg = open_workbook(refreshed)
    found = analyse(pkg)
    out = tmp / "shared.xlsx"
    report = share_workbook(src, out)
    return {
        "src": src,
        "refreshed": refreshed,
        "out": out,
        "chosen": chosen,
        "found": found,
        "report": report,
    }


def test_every_private_input_was_made_distinctive(shared: dict[str, object]) -> None:
    """Competing offer, floor and the Compare offers all carry a distinctive value."""
    chosen = shared["chosen"]
    assert isinstance(chosen, dict)
    numbers = [v for v in chosen.values() if isinstance(v, float)]
    texts = [v for v in chosen.values() if isinstance(v, str)]
    assert len(numbers) >= 6 and texts
    refreshed = openpyxl.load_workbook(shared["refreshed"], data_only=True)  # type: ignore[arg-type]
    for ref, value in chosen.items():
        sheet, cell = ref.split("!")
        got = refreshed[sheet][cell].value
        if isinstance(got, datetime.datetime):  # a date cell reads back as a date
            got = float((got - datetime.datetime(1899, 12, 30)).days)
        assert got == value


def test_no_private_or_derived_value_in_any_part(shared: dict[str, object]) -> None:
    """No form of a private input or of a value computed from one is in the copy."""
    found = shared["found"]
    chosen = shared["chosen"]
    assert isinstance(chosen, dict)
    public = {
        c.value
        for ws in openpyxl.load_workbook(shared["out"], data_only=True)  # type: ignore[arg-type]
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    values = list(chosen.values()) + [
        v
        for v in found.values.values()
        if v not in public  # type: ignore[attr-defined]
    ]
    forms = {f for v in values for f in leak_forms(v)}
    assert "300654" in forms and "$300.7K" in forms and "301K" in forms
    with zipfile.ZipFile(shared["out"]) as zf:  # type: ignore[arg-type]
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8", "replace")
            for form in forms:
                pattern = r"(?<![\w.])" + re.escape(form) + r"(?!\d|\.\d)"
                assert not re.search(pattern, text), f"{form!r} in {name}"


def test_derived_cells_found_from_formulas(tmp_path: Path) -> None:
    """With only the inputs marked private, share empties the same cells (the closure)."""
    pkg = open_workbook(TEMPLATE)
    book = read_book(pkg)
    full = analyse(pkg)
    # Unmark every output: rename the private names (in the names and in every formula
    # that uses them) and rename the "Private output" style. Inputs keep their style.
    for part in [book.workbook_part, *(sheet.part for sheet in book.sheets)]:
        pkg.parts[part] = pkg.parts[part].replace(b"private_", b"secret_")
    pkg.parts["xl/styles.xml"] = pkg.parts["xl/styles.xml"].replace(
        b'name="Private output"', b'name="Computed output"'
    )
    src = tmp_path / "inputs-only.xlsx"
    write_package(pkg, src)
    reduced = analyse(open_workbook(src))
    formulas = _formula_cells(book)
    assert reduced.private == full.private - formulas  # only the inputs are marked now
    assert reduced.private | reduced.derived == full.private | full.derived


@pytest.mark.libreoffice
def test_libreoffice_recalculating_the_shared_template(
    shared: dict[str, object], tmp_path: Path
) -> None:
    """LibreOffice, recalculating everything, shows no error cell in the shared copy."""
    wb = recalculated_by_libreoffice(Path(shared["out"]), tmp_path)  # type: ignore[arg-type]
    assert error_cells(wb) == []


def test_every_public_number_is_still_shown(shared: dict[str, object]) -> None:
    """Every number of the refreshed template outside the removed cells is in the copy,
    unchanged: the shared template still shows numbers for everything public."""
    found = shared["found"]
    removed = {
        (s, r, c)
        for s, r, c in found.private | found.derived  # type: ignore[attr-defined]
    }
    before = openpyxl.load_workbook(shared["refreshed"], data_only=True)  # type: ignore[arg-type]
    after = openpyxl.load_workbook(shared["out"], data_only=True)  # type: ignore[arg-type]
    checked = 0
    for s, ws in enumerate(before.worksheets):
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, bool) or not isinstance(v, int | float):
                    continue
                if (s, cell.row, cell.column) in removed:
                    continue
                assert after[ws.title][cell.coordinate].value == pytest.approx(v), (
                    f"{ws.title}!{cell.coordinate}"
                )
                checked += 1
    assert checked > 90  # 101 numbers in the template today


def test_strict_template_is_shared_like_transitional(
    shared: dict[str, object], tmp_path: Path
) -> None:
    """The issue's recipe: the template saved with Strict namespaces shares the same cells
    emptied as the Transitional one, and none of the distinctive values survive."""
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(shared["src"]) as zin, zipfile.ZipFile(strict, "w") as zout:  # type: ignore[arg-type]
        for name in zin.namelist():
            data = zin.read(name)
            if name.endswith((".xml", ".rels")):
                data = data.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                ).replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                )
            zout.writestr(name, data, zipfile.ZIP_DEFLATED)
    out = tmp_path / "shared.xlsx"
    report = share_workbook(strict, out)
    first = shared["report"]
    assert report.private == first.private  # type: ignore[attr-defined]
    assert report.derived == first.derived  # type: ignore[attr-defined]
    chosen = shared["chosen"]
    assert isinstance(chosen, dict)
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8", "replace")
            for value in chosen.values():
                for form in leak_forms(value):
                    assert form not in text, f"{form!r} in {name}"


def test_the_template_as_built_shares_without_a_warning(tmp_path: Path) -> None:
    """The template's example private inputs equal public inputs it declares: the current
    job's vesting ``25/25/25/25`` (``Offer!B86``) is the offer's (``offer_schedule``,
    Offer!B12), the competing bonus 0.15 (Compare!C7) is ``offer_bonus_pct`` and the
    bands' targets (a table), the competing base 200,000 (Compare!C6) a band's max
    (Bands!D13). Those cells are public by the author's choice: no warning, --strict
    shares too, and the private cells are still emptied."""
    import subprocess
    import sys

    for extra in ([], ["--strict"]):
        out = tmp_path / f"shared{len(extra)}.xlsx"
        proc = subprocess.run(
            [sys.executable, "-m", "xlcomp", "share", str(TEMPLATE), "-o", str(out), *extra],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert "warning" not in proc.stderr, proc.stderr
        copy = openpyxl.load_workbook(out)
        assert copy["Offer"]["B86"].value is None
        assert copy["Offer"]["B12"].value == "25/25/25/25"
        assert copy["Compare"]["C7"].value is None and copy["Compare"]["C6"].value is None
        assert copy["Offer"]["B10"].value == 0.15 and copy["Bands"]["D13"].value == 200000


def test_a_private_value_typed_in_an_unnamed_cell_still_warns(tmp_path: Path) -> None:
    """The same vesting schedule typed in a plain unnamed cell (Guide!H2) is not declared
    public: it is a coincidence to tell, naming both cells."""
    src, out = tmp_path / "typed.xlsx", tmp_path / "shared.xlsx"
    wb = openpyxl.load_workbook(TEMPLATE)
    wb["Guide"]["H2"] = "25/25/25/25"
    wb.save(src)
    report = share_workbook(src, out)
    assert len(report.warnings) == 1, report.warnings
    assert report.warnings[0].startswith(
        "Offer!B86 was removed but its value '25/25/25/25' is also in "
    )
    assert "Guide!H2" in report.warnings[0]
