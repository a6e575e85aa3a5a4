"""The README's function table is what ``python -m xlcomp.docs`` writes today."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xlcomp import docs, udfs

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_readme_table_is_current() -> None:
    """The section between the markers equals the generated table."""
    text = README.read_text(encoding="utf-8")
    assert docs.replace_section(text, docs.function_table()) == text, (
        "README.md is out of date: run python -m xlcomp.docs"
    )


def test_check_mode_reports_a_stale_table(tmp_path: Path) -> None:
    """``--check`` exits 1 on an edited table and 0 once it is rewritten."""
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{docs.START}\n| old |\n{docs.END}\n", encoding="utf-8")
    assert docs.main([str(stale), "--check"]) == 1
    assert docs.main([str(stale)]) == 0
    assert docs.main([str(stale), "--check"]) == 0
    assert stale.read_text(encoding="utf-8").startswith("# x\n\n")


def test_missing_markers_are_an_error(tmp_path: Path) -> None:
    """A README without the markers is not rewritten."""
    plain = tmp_path / "README.md"
    plain.write_text("# x\n", encoding="utf-8")
    assert docs.main([str(plain)]) == 1
    assert plain.read_text(encoding="utf-8") == "# x\n"


# The spec's worked numbers (docs/functions.md, "Worked numbers from the guide") and the
# hand-worked numbers of the core modules' docstrings.
WORKED = [
    ("TOTALCOMP", "→ 356,000"),
    ("YEARTC", "→ 376,000"),  # the spec's refresher example
    ("EQUITYEXIT", "→ 3,160,000"),
    ("UNVESTED", "→ 125,000"),
    ("VESTSCHEDULE", "→ spills 16,000; 48,000; 128,000; 128,000"),
    ("EQUITYVALUE", "→ 70,000"),
    ("BANDLOOKUP", "→ 215,000"),
    ("BANDPERCENTILE", "→ 91.67"),
    ("COMPARATIO", "→ 1.1163"),
    ("REGIONADJUST", "→ 215,441.86"),
    ("LEVELMAP", "→ “L5”"),
    ("COUNTERTARGET", "→ spills 340,725; 309,750; 295,000"),
    ("COUNTERSPLIT", "→ spills 227,000; 75,000; 0.13; 0"),
    ("OFFERVERDICT", "→ “accept”"),
    ("COUNTERSCRIPT", "→ “I'm excited about this role. My current competing offer is"),
    ("CHECKBANDS", "→ spills 3 rows"),
]


@pytest.mark.parametrize(("name", "exp"), WORKED, ids=[w[0] for w in WORKED])
def test_examples_give_the_worked_numbers(name: str, exp: str) -> None:
    """Each example, run now, gives the number worked out by hand."""
    assert exp in docs.run_example(name)


def test_every_function_and_argument_is_documented() -> None:
    """All 16 functions, each argument with its Wizard text; optional ones bracketed."""
    found = docs.function_docs()
    assert sorted(f.name for f in found) == sorted(udfs.__all__)
    total = docs.function_docs()[0]
    assert total.signature == "TOTALCOMP(base, equity, bonus_pct, [signon], [signon_years])"
    assert all(a.doc for f in found for a in f.arguments)


ARGS = [
    ("=F(1, 2.5)", [1.0, 2.5]),
    ('=F("a, b", "say ""hi""")', ["a, b", 'say "hi"']),
    ("=F(15%, , 7)", [0.15, None, 7.0]),
    ("=F(Bands, Levels)", ["bands", "levels"]),
]


@pytest.mark.parametrize(("formula", "exp"), ARGS, ids=[a[0] for a in ARGS])
def test_example_arguments_are_what_excel_hands_over(formula: str, exp: list[Any]) -> None:
    """Numbers, percents, quoted text (with doubled quotes), gaps and table names."""
    name, got = docs.example_args(formula)
    assert name == "F"
    tables = docs._tables()
    assert got == [tables[e] if e in ("bands", "levels") else e for e in exp]
