"""Where a number sits in a regional pay band.

Worked numbers (San Francisco, Senior SWE; base band 185,000–245,000, mid 215,000):

* linear percentile of a 240,000 base: 100 × (240,000 − 185,000) / (245,000 − 185,000)
  = 91.67 (range penetration; not clamped: above the band gives more than 100);
* compa-ratio: 240,000 / 215,000 = 1.1163;
* spread: (245,000 − 185,000) / 185,000 = 0.3243;
* region adjustment to Remote US (base mid 193,000): 240,000 × 193,000 / 215,000
  = 215,441.86;
* log-normal percentile, band 180,000–270,000 taken as P10–P90, value 240,000:
  σ = ln(270/180) / (z₉₀ − z₁₀) = 0.4055 / 2.5631 = 0.1582,
  μ = ln 180,000 − σ·z₁₀ = 12.3034, result = 100·Φ((ln 240,000 − μ)/σ) = 70.44.

A ``tc`` band, when the table has no published ``tc`` row for the key, is derived from
the components: min = base.min × (1 + bonus.min) + equity.min, max likewise
(San Francisco: 185,000 × 1.10 + 50,000 = 253,500 to 245,000 × 1.15 + 85,000 = 366,750).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Literal

from xlcomp.core.models import PAY_COMPONENTS, Band, BandTable, Component, key
from xlcomp.errors import InputError, NotFoundError

Stat = Literal["min", "mid", "max", "spread"]
STATS: tuple[Stat, ...] = ("min", "mid", "max", "spread")
Method = Literal["linear", "lognormal"]
METHODS: tuple[Method, ...] = ("linear", "lognormal")

_NORMAL = NormalDist()


def _known(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def find_band(
    table: BandTable,
    region: str,
    level: str,
    component: Component,
    company: str | None = None,
) -> Band:
    """The one band for (region, level, component[, company]), checked for use."""
    candidates = table.matching(region, level, component)
    if not candidates:
        _explain_missing(table, region, level, component)
    if company:
        candidates = [b for b in candidates if b.company and key(b.company) == key(company)]
        if not candidates:
            raise NotFoundError(
                "company",
                f"{company!r} has no {component} band for {region} / {level} "
                f"(known: {_known(table.companies())})",
            )
    if len(candidates) > 1:
        companies = {key(b.company or ""): b.company for b in candidates}
        rows = " and ".join(str((b.row or 0) + 1) for b in candidates[:2])
        if len(companies) > 1 and not company:
            raise InputError(
                "company",
                f"several companies have a {component} band for {region} / {level} "
                f"({_known([c or '(blank)' for c in companies.values()])}): give company",
            )
        raise InputError(
            "bands",
            f"duplicate {component} band for {region} / {level} (rows {rows})",
        )
    band = candidates[0]
    check_band(band)
    return band


def _explain_missing(table: BandTable, region: str, level: str, component: Component) -> None:
    if key(region) not in {key(r) for r in table.regions()}:
        raise NotFoundError("region", f"{region!r} not in bands (known: {_known(table.regions())})")
    if key(level) not in {key(lv) for lv in table.levels()}:
        raise NotFoundError("level", f"{level!r} not in bands (known: {_known(table.levels())})")
    raise InputError("component", f"the bands have no {component} band for {region} / {level}")


def check_band(band: Band) -> None:
    """Refuse a band no calculation can use: min above max, negatives, whole percents."""
    where = f"{band.region} / {band.level} / {band.component}"
    if band.min < 0 or band.max < 0:
        raise InputError("bands", f"{where} has a negative value")
    if band.min > band.max:
        raise InputError("bands", f"{where} has min {band.min:,.6g} above max {band.max:,.6g}")
    if band.component == "bonus" and band.max > 1:
        raise InputError(
            "bands",
            f"{where} looks like whole percents ({band.min:g}–{band.max:g}): enter rates "
            "such as 0.10 or 10%",
        )


def derived_tc(
    table: BandTable, region: str, level: str, company: str | None = None
) -> tuple[float, float]:
    """The tc range from the components: base × (1 + bonus) + equity, at each end."""
    present = [c for c in PAY_COMPONENTS if table.matching(region, level, c)]
    if present and len(present) < len(PAY_COMPONENTS):
        missing = " or ".join(c for c in PAY_COMPONENTS if c not in present)
        raise InputError(
            "component",
            f"the bands have no tc band for {region} / {level}, and no {missing} band "
            "to derive it from",
        )
    base, equity, bonus = (find_band(table, region, level, c, company) for c in PAY_COMPONENTS)
    return (
        base.min * (1 + bonus.min) + equity.min,
        base.max * (1 + bonus.max) + equity.max,
    )


def band_range(
    table: BandTable,
    region: str,
    level: str,
    component: Component,
    company: str | None = None,
) -> tuple[float, float]:
    """(min, max) of a band; for ``tc`` the published row, else the derived range."""
    if component == "tc":
        candidates = table.matching(region, level, "tc")
        if company:
            candidates = [b for b in candidates if b.company and key(b.company) == key(company)]
        if not candidates:
            return derived_tc(table, region, level, company)
    band = find_band(table, region, level, component, company)
    return band.min, band.max


def band_stat(low: float, high: float, stat: Stat) -> float:
    """min, mid = (min + max)/2, max, or spread = (max − min)/min of a band."""
    if stat == "min":
        return low
    if stat == "max":
        return high
    if stat == "mid":
        return (low + high) / 2
    if low == 0:
        raise InputError("stat", "spread is undefined for a band whose min is 0")
    return (high - low) / low


def percentile_linear(value: float, low: float, high: float) -> float:
    """Range penetration, 100 × (value − min)/(max − min); not clamped."""
    if high == low:
        raise InputError("bands", f"the band has no width (min = max = {low:,.6g})")
    return 100 * (value - low) / (high - low)


def percentile_lognormal(
    value: float, low: float, high: float, low_pct: float = 10, high_pct: float = 90
) -> float:
    """100·Φ((ln value − μ)/σ) with the band's ends as its low_pct/high_pct percentiles.

    σ = ln(max/min)/(z_high − z_low) and μ = ln(min) − σ·z_low. A value of 0 or less sits
    at the 0th percentile.
    """
    if low_pct >= high_pct:
        raise InputError("low_pct", f"low_pct {low_pct:g} must be below high_pct {high_pct:g}")
    if low <= 0:
        raise InputError("bands", "a log-normal band needs a min above 0")
    if high == low:
        raise InputError("bands", f"the band has no width (min = max = {low:,.6g})")
    if value <= 0:
        return 0.0
    z_low = _NORMAL.inv_cdf(low_pct / 100)
    z_high = _NORMAL.inv_cdf(high_pct / 100)
    sigma = math.log(high / low) / (z_high - z_low)
    mu = math.log(low) - sigma * z_low
    return 100 * _NORMAL.cdf((math.log(value) - mu) / sigma)


def percentile(
    value: float,
    low: float,
    high: float,
    method: Method = "linear",
    low_pct: float = 10,
    high_pct: float = 90,
) -> float:
    """Where ``value`` sits in the band [low, high], 0–100, by ``method``."""
    if method == "linear":
        return percentile_linear(value, low, high)
    return percentile_lognormal(value, low, high, low_pct, high_pct)


def compa_ratio(value: float, low: float, high: float) -> float:
    """value / band mid."""
    mid = (low + high) / 2
    if mid == 0:
        raise InputError("bands", "the band's mid is 0")
    return value / mid


def only_level(table: BandTable) -> str:
    """The table's level, when it has exactly one; else an error asking for it."""
    levels = table.levels()
    if len(levels) != 1:
        raise InputError("level", f"is required: the bands have several levels ({_known(levels)})")
    return levels[0]


def region_adjust(
    amount: float,
    table: BandTable,
    from_region: str,
    to_region: str,
    level: str | None = None,
    component: Component = "base",
    company: str | None = None,
) -> float:
    """amount × mid(to_region) / mid(from_region), for one level and component."""
    lvl = level if level is not None else only_level(table)
    src = band_range(table, from_region, lvl, component, company)
    dst = band_range(table, to_region, lvl, component, company)
    src_mid = (src[0] + src[1]) / 2
    if src_mid == 0:
        raise InputError("from_region", f"the {from_region} band's mid is 0")
    return amount * ((dst[0] + dst[1]) / 2) / src_mid
