"""``xlcomp demo``: the guide's scenario, computed by the worksheet functions.

The numbers go through :mod:`xlcomp.worksheet` exactly as Excel's cells would send
them (the bands and levels as ranges with a header row), so the demo shows what the
workbook shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlcomp import worksheet as ws
from xlcomp.core.models import GuideData
from xlcomp.core.script import format_rate
from xlcomp.core.tables import band_rows, level_rows


@dataclass(frozen=True)
class Line:
    """One line of the demo's table: a label and its value, already formatted."""

    label: str
    value: str


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _money(v: Any) -> str:
    return f"${v:,.0f}" if _is_number(v) else str(v)


def _num(v: Any, digits: int = 2) -> str:
    return f"{v:,.{digits}f}" if isinstance(v, float) else str(v)


def scenario_lines(guide: GuideData) -> list[tuple[str, list[Line]]]:
    """The demo's sections, each a title and its lines."""
    s = guide.scenario
    bands = band_rows(guide.bands)
    levels = level_rows(guide.levels)
    region, level = s.region, s.level
    offer = {"base": s.offer_base, "equity": s.offer_equity, "bonus": s.offer_bonus_pct}
    tc = ws.TOTALCOMP(s.offer_base, s.offer_equity, s.offer_bonus_pct, s.offer_signon)
    grant = s.offer_equity * 4
    years = [
        ws.YEARTC(float(y), s.offer_base, grant, s.offer_bonus_pct, s.offer_signon)
        for y in range(1, 5)
    ]
    four_year = sum(y for y in years if isinstance(y, float))

    offer_lines = []
    for comp, value in [*offer.items(), ("tc", tc)]:
        lo = ws.BANDLOOKUP(region, level, comp, bands, "min")
        hi = ws.BANDLOOKUP(region, level, comp, bands, "max")
        pct = ws.BANDPERCENTILE(value, region, level, comp, bands)
        ratio = ws.COMPARATIO(value, region, level, comp, bands)
        if comp == "bonus":
            shown, band = format_rate(value), f"{format_rate(lo)}–{format_rate(hi)}"
        else:
            shown, band = _money(value), f"{_money(lo)}–{_money(hi)}"
        name = "total comp" if comp == "tc" else comp
        offer_lines.append(
            Line(
                name,
                f"{shown:>10}  band {band:<21} percentile {_num(pct):>6}  "
                f"compa-ratio {_num(ratio, 4)}",
            )
        )
    offer_lines.append(Line("year-1 TC (YEARTC)", _money(years[0])))
    offer_lines.append(Line("4-year TC", _money(four_year)))

    anchor, target, floor = (
        r[0] for r in ws.COUNTERTARGET(tc, s.competing_tc, None, None, s.floor)
    )
    split = [
        r[0]
        for r in ws.COUNTERSPLIT(
            target,
            region,
            level,
            bands,
            s.offer_base,
            s.offer_equity,
            s.offer_bonus_pct,
            None,
            s.offer_signon,
        )
    ]
    split_tc = ws.TOTALCOMP(*split)
    # The bar for accepting as is: the best alternative plus the ask, never below the
    # floor — the template's private_accept_at.
    guide_target = ws.COUNTERTARGET(0.0, s.competing_tc)[1][0]
    accept_at = max(guide_target, floor) if _is_number(floor) else guide_target
    counter = [
        Line("competing offer", _money(s.competing_tc)),
        Line("accept as is at (competing offer + 5%, the guide's target)", _money(accept_at)),
        Line("anchor (open with)", _money(anchor)),
        Line("target", _money(target)),
        Line("floor (walk away below)", _money(floor)),
        Line("split: base", _money(split[0])),
        Line("split: equity", _money(split[1])),
        Line("split: bonus", format_rate(split[2]) if isinstance(split[2], float) else split[2]),
        Line("split: sign-on (one payment)", _money(split[3])),
        Line("split: total comp (TOTALCOMP, sign-on over 4 years)", _money(split_tc)),
        Line("verdict on the offer", str(ws.OFFERVERDICT(tc, floor, accept_at))),
    ]
    levels_lines = [
        Line(
            f"{s.company or 'this'} {level} at {e.company}",
            str(ws.LEVELMAP(s.company, level, e.company, levels)),
        )
        for e in guide.levels.entries
        if s.company and e.company.casefold() != s.company.casefold()
    ]
    # The script asks for the counter split, as the template's does.
    base, equity, bonus, signon = split
    script = ws.COUNTERSCRIPT(s.competing_tc, base, equity, bonus, s.floor, signon, s.company)
    checks = ws.CHECKBANDS(bands)
    check_lines = (
        [Line("CHECKBANDS", checks)]
        if isinstance(checks, str)
        else [Line(f"problem {i}", row[0]) for i, row in enumerate(checks, 1)]
    )
    return [
        (f"Offer — {region}, {level} (TOTALCOMP, BANDPERCENTILE, COMPARATIO)", offer_lines),
        ("Counter-offer (COUNTERTARGET, COUNTERSPLIT, OFFERVERDICT)", counter),
        ("Level equivalents (LEVELMAP)", levels_lines),
        ("Script (COUNTERSCRIPT)", [Line("", str(script))]),
        ("Band checks (CHECKBANDS)", check_lines),
    ]


def render(sections: list[tuple[str, list[Line]]], width: int = 100) -> str:
    """The sections as text, labels aligned, long values wrapped."""
    import textwrap

    out: list[str] = []
    for title, lines in sections:
        out.append("")
        out.append(title)
        out.append("-" * min(len(title), width))
        label_w = max((len(line.label) for line in lines), default=0)
        for line in lines:
            if not line.label:
                out.extend("  " + t for t in textwrap.wrap(line.value, width - 2))
                continue
            indent = " " * (label_w + 4)
            wrapped = textwrap.wrap(line.value, width - len(indent)) or [""]
            out.append(f"  {line.label:<{label_w}}  {wrapped[0]}")
            out.extend(indent + w for w in wrapped[1:])
    return "\n".join(out)


# --- the workbook round trip -----------------------------------------------------------

WORKBOOK_NAMES = [
    ("offer_tc", "total comp (TOTALCOMP)"),
    ("offer_tc_year1", "year-1 TC (YEARTC)"),
    ("offer_tc_4yr", "4-year TC"),
    ("private_counter_anchor", "anchor"),
    ("private_counter_target", "target"),
    ("private_counter_floor", "floor"),
    ("private_verdict", "verdict"),
    ("private_split_base", "split: base"),
    ("private_split_equity", "split: equity"),
    ("private_split_bonus_pct", "split: bonus"),
    ("private_split_signon", "split: sign-on"),
    ("private_split_tc", "split: total comp"),
    ("private_script", "script"),
]


@dataclass(frozen=True)
class WorkbookRun:
    """The template built, refreshed and read back."""

    path: str
    summary: str
    values: dict[str, Any]
    checks: list[str]


def build_and_refresh(guide: GuideData, folder: str) -> WorkbookRun:
    """Build the template into ``folder``, refresh it, and read the named results from
    the recalculation the refresh wrote (the values the file now holds)."""
    from pathlib import Path

    from xlcomp.refresh import refresh_with_values
    from xlcomp.refresh.book import split_ref
    from xlcomp.template import write_template

    path = write_template(guide, Path(folder) / "negotiation.xlsx")
    report, recalc = refresh_with_values(path)
    sheets = {name: i for i, name in enumerate(recalc.book.sheet_names)}

    def cell(sheet: str, ref: str) -> Any:
        return _as_read(recalc.value((sheets[sheet], *split_ref(ref))))

    values: dict[str, Any] = {}
    wanted = {name for name, _ in WORKBOOK_NAMES}
    for defined in recalc.book.names:
        if defined.name in wanted and defined.local_sheet is None:
            sheet, _, ref = defined.text.rpartition("!")
            values[defined.name] = cell(sheet.strip("'").replace("''", "'"), ref)
    checks = [
        str(v)
        for v in (cell("Checks", f"A{row}") for row in range(6, 26))
        if v not in (None, "") and not str(v).startswith("#N/A")
    ]
    return WorkbookRun(str(path), report.summary(), values, checks)


def _as_read(v: Any) -> Any:
    """A recalculated value as a workbook reader gives it: a blank is None, an error its
    text (``#N/A``), anything else itself."""
    from xlcomp.refresh.values import EMPTY, is_error

    if v is EMPTY:
        return None
    return str(v) if is_error(v) else v


def workbook_lines(run: WorkbookRun) -> list[Line]:
    """The values read back from the refreshed workbook."""
    lines = []
    for name, label in WORKBOOK_NAMES:
        v: Any = run.values.get(name)
        shown = format_rate(float(v)) if name.endswith("pct") and _is_number(v) else _money(v)
        lines.append(Line(f"{label}  [{name}]", shown))
    lines.extend(Line(f"Checks row {i}", text) for i, text in enumerate(run.checks, 1))
    return lines
