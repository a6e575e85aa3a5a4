"""`xlcomp share` against the attack corpus (tests/attack_corpus.py), as an outsider checks it.

For each case: run ``python -m xlcomp share`` as a subprocess, then decompress every part
of the copy, decode it in its own encoding (UTF-16 too), and search the text with and
without its tags for every written form of every private and derived value, with a
search written here (not share's own): 0 hits, or a one-line refusal and no file.
Run the corpus alone with ``.venv/bin/python -m pytest -q tests/test_share_attacks.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tests.attack_corpus import (
    COMPANY,
    COMPETING,
    FLOOR,
    PRIVATE_NUMBERS,
    Case,
    cases,
)
from tests.commands import OWN_PEAK_SOURCE
from tests.refresh_helpers import error_cells

CASES = cases()


def written_forms(value: float) -> set[str]:
    """How people and Excel write ``value`` (worked out here, independently of share)."""
    if abs(value) < 1:
        pct = value * 100
        forms = {f"{value:g}", f"{pct:.2f}%", f"{pct:.2f} %", f"{pct:.1f}%"}
        return forms | {f.replace(".", ",") for f in forms if "%" in f}  # decimal comma
    v = round(value)
    forms = {
        str(v),
        f"{v:,}",
        f"{v:,}".replace(",", " "),
        f"{v:,}".replace(",", "\u00a0"),
        f"${v:,}",
        f"{v / 1000:.1f}K",
        f"{round(v / 1000)}K",
        f"{v / 1000:,.0f}K",
        f"{v:.5E}",
        f"{v:.5e}",
        f"{v:.4E}",
        f"{v / 1e6:.3f}M",
        f"{float(v)!r}",
        f"{v:.2f}",
        f"{v:,}".replace(",", "."),  # continental grouping
    }
    return forms


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace")
    return data.decode("utf-8", "replace")


def _views(data: bytes) -> list[str]:
    from html import unescape

    text = _decode(data)
    views = [text, unescape(re.sub(r"<[^>]*>", " ", text)), unescape(re.sub(r"<[^>]*>", "", text))]
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        views.append(data.decode("utf-16-le", "replace"))
        views.append(data[1:].decode("utf-16-le", "replace"))
    return views


def hits_in(
    path: Path,
    numbers: tuple[float, ...],
    allowed: dict[str, set[str]],
    texts: tuple[str, ...] = (),
) -> list[str]:
    """Every written form of ``numbers``, each of ``texts`` and the private company name
    (in any case) in ``path``."""
    found = []
    patterns = [
        (form, re.compile(r"(?<![\w.,$])" + re.escape(form) + r"(?![\w]|[.,]\d)"))
        for v in numbers
        for form in written_forms(v)
    ]
    patterns += [
        (t, re.compile(r"(?<![\w.,$])" + re.escape(t) + r"(?![\w]|[.,]\d)")) for t in texts
    ]
    patterns.append((COMPANY, re.compile(rf"(?<!\w){COMPANY}(?!\w)", re.IGNORECASE)))
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.startswith("xl/worksheets/") and "sheet" in allowed:
                for form in allowed["sheet"]:
                    data = data.replace(f"<v>{form}</v>".encode(), b"<v></v>")
            for view in _views(data):
                for form, pattern in patterns:
                    if pattern.search(view):
                        found.append(f"{form!r} in {name}")
    return sorted(set(found))


def _share(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xlcomp", "share", str(src), "-o", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, Path]]:
    folder = tmp_path_factory.mktemp("attacks")
    built = {}
    for case in CASES:
        built[case.name] = (case, case.build(folder / f"{case.klass}-{case.name}.xlsx"))
    return built


def test_the_corpus_covers_every_class() -> None:
    """Cases per class (the issue's classes and more places a workbook holds a value)."""
    counts = Counter(case.klass for case in CASES)
    assert counts == {
        "strict": 1,
        "drawing": 4,
        "vml": 2,
        "table": 2,
        "styles": 1,
        "binary": 8,
        "forms": 9,
        "values": 9,
        "derived": 7,
        "crash": 4,
        "output": 3,
        "coincidence": 1,
        "other": 9,
    }
    assert len({case.name for case in CASES}) == len(CASES) == 60


def test_the_source_holds_the_values(corpus: dict[str, tuple[Case, Path]]) -> None:
    """The search would find them: every attack's source holds a private value's form."""
    for name, (case, path) in corpus.items():
        if case.expect == "refuse":
            continue
        assert hits_in(path, PRIVATE_NUMBERS + case.extra_numbers, {}, case.extra_texts), name


@pytest.mark.parametrize("case", CASES, ids=[f"{c.klass}-{c.name}" for c in CASES])
def test_attack(case: Case, corpus: dict[str, tuple[Case, Path]], tmp_path: Path) -> None:
    """0 hits of any written form of any private or derived value, or a one-line refusal."""
    _, src = corpus[case.name]
    out = tmp_path / "shared.xlsx"
    proc = _share(src, out)
    if case.expect == "refuse":
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "refusing" in proc.stderr and "Traceback" not in proc.stderr
        assert not out.exists()
        return
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    numbers = PRIVATE_NUMBERS + case.extra_numbers
    assert hits_in(out, numbers, case.allowed, case.extra_texts) == []
    if case.expect == "warn":
        assert "warning:" in proc.stderr and "was removed but its value" in proc.stderr
    else:
        assert "warning:" not in proc.stderr, proc.stderr
    # openpyxl reads the copy (well-formed parts, consistent relationships).
    wb = openpyxl.load_workbook(out)
    assert wb["Offer"]["B4"].value is None and wb["Offer"]["B5"].value is None
    assert wb["Offer"]["B1"].value == 150000  # public inputs stay
    assert wb["Offer"]["B6"].value == "=B1+B2+B1*B3"  # native public formula stays live


def test_strict_workbook_is_read(corpus: dict[str, tuple[Case, Path]], tmp_path: Path) -> None:
    """The issue's Strict recipe: private cells are found (not everything kept): B4, B7,
    B8 by name, B5 by style; B9 and B10 computed from them."""
    _, src = corpus["strict-namespaces"]
    out = tmp_path / "shared.xlsx"
    proc = _share(src, out)
    assert proc.returncode == 0, proc.stderr
    assert "4 private inputs and 2 cells computed from them emptied" in proc.stdout


def test_macro_workbook_is_shared_as_xlsx(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """An .xlsm loses vbaProject.bin and is written as .xlsx, the summary says why; an
    .xlsm name for the copy is refused in one line (the copy holds no macros)."""
    _, src = corpus["vba-project"]
    assert src.suffix == ".xlsm"
    refused = _share(src, tmp_path / "shared.xlsm")
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("the copy is an .xlsx file; name it shared.xlsx")
    assert not list(tmp_path.glob("shared.*"))
    written = tmp_path / "shared.xlsx"
    proc = _share(src, written)
    assert proc.returncode == 0, proc.stderr
    assert written.exists()
    assert "dropped xl/vbaProject.bin: VBA macros (shared as .xlsx)" in proc.stdout
    with zipfile.ZipFile(written) as zf:
        assert "xl/vbaProject.bin" not in zf.namelist()
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
    guide = openpyxl.load_workbook(written)["Guide"]
    notes = [c.value for c in guide["A"] if c.value and "xlcomp share" in str(c.value)]
    assert "VBA macros (shared as .xlsx): xl/vbaProject.bin" in notes[0]


def test_coincidence_warns_naming_both_cells(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """A public base equal to a private example value: written, one warning, both cells;
    --strict refuses in one line."""
    _, src = corpus["public-base-equals-private-example"]
    out = tmp_path / "shared.xlsx"
    proc = _share(src, out)
    assert proc.returncode == 0
    assert "Compare!B1 was removed but its value 150,000 is also in Offer!B1" in proc.stderr
    assert openpyxl.load_workbook(out)["Offer"]["B1"].value == 150000
    refused = _share(src, tmp_path / "strict.xlsx", "--strict")
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "strict.xlsx").exists()


def test_custom_property_types_stay_valid(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """The vt:i4 property quoting 296,417 goes whole; the other property stays typed."""
    _, src = corpus["vt-i4-property"]
    out = tmp_path / "shared.xlsx"
    assert _share(src, out).returncode == 0
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("docProps/custom.xml").decode()
    assert "<vt:i4>" not in xml and 'name="Competing"' not in xml
    assert "<vt:lpwstr>Platform</vt:lpwstr>" in xml


def test_shared_formula_child_keeps_a_value(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """Master D4 (=B4*2) and child D5 (=B5*2) read private cells and go; child D6 (=B6*2,
    public: 2 × 232,500 = 465,000) keeps its value, without a dangling shared formula."""
    _, src = corpus["shared-formula-orphan"]
    out = tmp_path / "shared.xlsx"
    assert _share(src, out).returncode == 0
    o = openpyxl.load_workbook(out)["Offer"]
    assert o["D4"].value is None and o["D5"].value is None
    assert o["D6"].value == 465000  # 150,000 + 60,000 + 150,000 × 0.15 = 232,500; × 2
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet2.xml").decode()
    assert 'si="0"' not in sheet


def test_external_link_formula_keeps_its_value(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """The external-link cache goes; the formula reading it keeps its value (4,321, the
    cached A2) instead of pointing at a dropped part."""
    _, src = corpus["external-link-cache"]
    out = tmp_path / "shared.xlsx"
    proc = _share(src, out)
    assert proc.returncode == 0, proc.stderr
    assert "dropped xl/externalLinks/externalLink1.xml: external-link cache" in proc.stdout
    guide = openpyxl.load_workbook(out)["Guide"]
    assert guide["B9"].value == 4321
    with zipfile.ZipFile(out) as zf:
        assert b"externalReference" not in zf.read("xl/workbook.xml")


def test_pivot_output_emptied_and_parts_named(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """The pivot's output (the sum 568,320) is emptied; its parts are dropped and named."""
    _, src = corpus["pivot-output"]
    out = tmp_path / "shared.xlsx"
    proc = _share(src, out)
    assert proc.returncode == 0, proc.stderr
    assert "dropped xl/pivotTables/pivotTable1.xml: pivot table" in proc.stdout
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert not [n for n in names if "pivot" in n.lower()]
        assert b"pivotCache" not in zf.read("xl/workbook.xml")
    assert openpyxl.load_workbook(out)["Guide"]["F3"].value is None


@pytest.mark.libreoffice
def test_libreoffice_opens_every_copy_without_new_errors(
    corpus: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    """LibreOffice opens each shared copy; a full recalculation shows no error cell that
    the original did not show. Every original and copy is recalculated in one LibreOffice
    run (a start per file made this the slowest test of the suite)."""
    from xlcomp.libreoffice import convert_many

    books = tmp_path / "books"
    books.mkdir()
    pairs: dict[str, tuple[Path, Path]] = {}
    for name, (case, src) in corpus.items():
        if case.expect == "refuse":
            continue
        out = tmp_path / f"{name}.xlsx"
        proc = _share(src, out)
        assert proc.returncode == 0, proc.stderr
        shared = out if out.exists() else out.with_suffix(".xlsx")
        before, after = books / f"{name}-before.xlsx", books / f"{name}-after.xlsx"
        before.write_bytes(src.read_bytes())
        after.write_bytes(shared.read_bytes())
        pairs[name] = (before, after)
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    done = convert_many(
        [p for pair in pairs.values() for p in pair], "xlsx", outdir, recalc="always"
    )
    for name, (before, after) in pairs.items():
        assert before in done and after in done, f"LibreOffice could not open {name}"
        old = {
            e.split("=", 1)[0]
            for e in error_cells(openpyxl.load_workbook(done[before], data_only=True))
        }
        new_errors = [
            e
            for e in error_cells(openpyxl.load_workbook(done[after], data_only=True))
            if e.split("=", 1)[0] not in old
        ]
        assert new_errors == [], (name, new_errors)


def test_whole_sheet_private_name_in_bounded_memory(tmp_path: Path) -> None:
    """A private name over a whole sheet (Compare!$1:$1048576) of 100,000 cells is clipped to
    the used range: share finishes under 400 MB."""
    import resource

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Compare"
    for r in range(1, 20_001):
        ws.append([r, r * 2, r * 3, r * 5, r * 7])
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["private_compare"] = DefinedName(
        "private_compare", attr_text="Compare!$1:$1048576"
    )
    src = tmp_path / "big.xlsx"
    wb.save(src)
    code = (
        "import resource, sys\n"
        "from xlcomp.share import share_workbook\n"
        + OWN_PEAK_SOURCE
        + f"share_workbook({str(src)!r}, {str(tmp_path / 'out.xlsx')!r})\n"
        "print(peak())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    peak_kib = int(proc.stdout.strip().splitlines()[-1])
    assert peak_kib < 400 * 1024, f"{peak_kib / 1024:.0f} MiB"
    del resource
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["Compare"]["A1"].value is None


def test_forms_search_is_not_share_s(tmp_path: Path) -> None:
    """The search above finds what it must (a check of the checker)."""
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.xml", f"<r><t>$296,</t><t>417</t></r><x> {FLOOR / 1000:.1f}K</x>")
        zf.writestr("b.xml", "7.37%".encode("utf-16"))
        zf.writestr("c.xml", "quuxcorp")
    found = hits_in(path, PRIVATE_NUMBERS, {})
    assert "'$296,417' in a.xml" in found and "'271.9K' in a.xml" in found
    assert "'7.37%' in b.xml" in found and "'Quuxcorp' in c.xml" in found
    assert COMPETING == 296417
