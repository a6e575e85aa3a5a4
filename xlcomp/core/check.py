"""CHECKBANDS: every problem of a bands table, at once.

Reported, in table order: what reading the table found (missing columns, empty keys,
non-numbers), a min above its max, negative values, bonus bands in whole percents (15 for
15 %: the advice names only the end that is, ``max 15 ... enter 0.15``),
duplicate keys (naming both rows), a key missing one of base/equity/bonus, and
published ``tc`` rows more than ``tolerance`` away from the range derived from the
components.

The guide's own table fails the last check in all three regions. San Francisco:
derived 185,000 × 1.10 + 50,000 = 253,500 to 245,000 × 1.15 + 85,000 = 366,750;
published 222,000–312,000 is (222,000 − 253,500)/253,500 = 12.4 % below at the min
and (312,000 − 366,750)/366,750 = 14.9 % below at the max.
"""

from __future__ import annotations

from xlcomp.core.models import PAY_COMPONENTS, Band, BandTable, key
from xlcomp.errors import Problem

_KeyWithCompany = tuple[str, str, str]


def _money(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"


def _name(band: Band) -> str:
    company = f" ({band.company})" if band.company else ""
    return f"{band.region} / {band.level}{company}"


def _row(band: Band) -> str:
    return f"bands row {(band.row or 0) + 1}"


def _gap(published: float, derived: float) -> float:
    return (published - derived) / derived if derived else float("inf")


_CENT = 0.01


def _beyond(published: float, derived: float, tolerance: float) -> bool:
    """Whether ``published`` is MORE than ``tolerance`` (a rate) away from ``derived``,
    compared at cents: a value exactly at the tolerance, or equal but for binary
    rounding (185,000 × 1.10 + 50,000 is 253,500.00000000003), is within it."""
    return abs(published - derived) > tolerance * abs(derived) + _CENT / 2


def _describe_gap(gap: float) -> str:
    return f"{abs(gap) * 100:.1f}% {'below' if gap < 0 else 'above'}"


def check_bands(
    table: BandTable, read_problems: list[Problem] | None = None, tolerance: float = 0.05
) -> list[Problem]:
    """Every problem of ``table`` and ``read_problems`` (from reading it), in row order."""
    problems = list(read_problems or [])
    usable: dict[tuple[_KeyWithCompany, str], Band] = {}
    groups: dict[_KeyWithCompany, dict[str, Band]] = {}
    for band in table.bands:
        where = f"{_row(band)}: {_name(band)} {band.component}"
        ok = True
        if band.min < 0 or band.max < 0:
            problems.append(Problem(f"{where} has a negative value", row=band.row, column="min"))
            ok = False
        whole = band.component == "bonus" and (band.min > 1 or band.max > 1)
        if whole:
            problems.append(_whole_percent(where, band))
            ok = False
        # With a whole percent read as a percent, is the band in order? If so, min above
        # max is only the typo's echo and the advice above is the whole story.
        low = band.min / 100 if whole and band.min > 1 else band.min
        high = band.max / 100 if whole and band.max > 1 else band.max
        if band.min > band.max and low > high:
            problems.append(
                Problem(
                    f"{where}: min {_money(band.min)} is above max {_money(band.max)}",
                    row=band.row,
                    column="min",
                )
            )
            ok = False
        k: _KeyWithCompany = (key(band.region), key(band.level), key(band.company or ""))
        first = groups.setdefault(k, {}).get(band.component)
        if first is not None:
            problems.append(
                Problem(
                    f"{where} is a duplicate of {_row(first)}",
                    row=band.row,
                    column="component",
                    other_row=first.row,
                )
            )
            continue
        groups[k][band.component] = band
        if ok:
            usable[(k, band.component)] = band
    for k, components in groups.items():
        some = next(iter(components.values()))
        present = [c for c in PAY_COMPONENTS if c in components]
        missing = [c for c in PAY_COMPONENTS if c not in components]
        if missing:
            problems.append(
                Problem(
                    f"{_name(some)} has no {' or '.join(missing)} band"
                    + (f" (it has {', '.join(present)})" if present else ""),
                    row=some.row,
                    column="component",
                )
            )
            continue
        tc = components.get("tc")
        parts = [usable.get((k, c)) for c in PAY_COMPONENTS]
        if tc is None or (k, "tc") not in usable or any(p is None for p in parts):
            continue
        base, equity, bonus = parts
        assert base is not None and equity is not None and bonus is not None
        d_min = base.min * (1 + bonus.min) + equity.min
        d_max = base.max * (1 + bonus.max) + equity.max
        g_min, g_max = _gap(tc.min, d_min), _gap(tc.max, d_max)
        off_min, off_max = _beyond(tc.min, d_min, tolerance), _beyond(tc.max, d_max, tolerance)
        if off_min or off_max:
            problems.append(
                Problem(
                    f"{_row(tc)}: {_name(tc)} published tc {_money(tc.min)}–{_money(tc.max)} "
                    f"is {_describe_gap(g_min)} / {_describe_gap(g_max)} the range derived "
                    f"from its components ({_money(d_min)}–{_money(d_max)})",
                    row=tc.row,
                    column="min" if off_min else "max",
                    warning=True,
                )
            )
    # In table order: a problem of the table as a whole first, then row by row (stable,
    # so the problems of one row keep the order they were found in).
    problems.sort(key=lambda p: -1 if p.row is None else p.row)
    return problems


def _whole_percent(where: str, band: Band) -> Problem:
    """A bonus band typed in whole percents: advice for the end(s) that are, only."""
    if band.min > 1 and band.max > 1:
        return Problem(
            f"{where} is in whole percents ({band.min:g}–{band.max:g}): enter "
            f"{band.min / 100:g}–{band.max / 100:g} or {band.min:g}%–{band.max:g}%",
            row=band.row,
            column="max",
        )
    end, value = ("max", band.max) if band.max > 1 else ("min", band.min)
    return Problem(
        f"{where} {end} {value:g} is in whole percents: enter {value / 100:g} or {value:g}% "
        f"(the band would be {band.min / 100 if end == 'min' else band.min:g}–"
        f"{band.max / 100 if end == 'max' else band.max:g})",
        row=band.row,
        column=end,
    )
