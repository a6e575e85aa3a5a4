"""Frozen pydantic models: bands, levels, offers and the guide's data.

A band is one row of the regional table, e.g. San Francisco / Senior SWE / base with
min 185,000 and max 245,000 (mid 215,000). Keys (region, level, component, company)
compare case-insensitively with surrounding spaces ignored: ``key(" san francisco ")``
is ``"san francisco"``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Component = Literal["base", "equity", "bonus", "tc"]
COMPONENTS: tuple[Component, ...] = ("base", "equity", "bonus", "tc")
PAY_COMPONENTS: tuple[Component, ...] = ("base", "equity", "bonus")


def key(text: str) -> str:
    """The matching form of a text key: stripped and case-folded."""
    return " ".join(text.split()).casefold()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Band(_Frozen):
    """One band: the min and max of a component for a region and level."""

    region: str
    level: str
    component: Component
    min: float
    max: float
    company: str | None = None
    currency: str | None = None
    source: str | None = None
    as_of: str | None = None
    row: int | None = Field(default=None, description="0-based data row in its table")

    @property
    def mid(self) -> float:
        """The band's midpoint, (min + max) / 2."""
        return (self.min + self.max) / 2


BandKey = tuple[str, str, str]


class BandTable(_Frozen):
    """A bands table: rows of (region, level, component, min, max[, company, ...])."""

    bands: tuple[Band, ...]
    _index: dict[BandKey, list[Band]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: object) -> None:
        index: dict[BandKey, list[Band]] = {}
        for band in self.bands:
            index.setdefault((key(band.region), key(band.level), band.component), []).append(band)
        self._index = index

    def matching(self, region: str, level: str, component: Component) -> list[Band]:
        """Every band with this key (any company)."""
        return self._index.get((key(region), key(level), component), [])

    def regions(self) -> list[str]:
        """Distinct regions in table order, as first spelled."""
        return _distinct(b.region for b in self.bands)

    def levels(self) -> list[str]:
        """Distinct levels in table order, as first spelled."""
        return _distinct(b.level for b in self.bands)

    def companies(self) -> list[str]:
        """Distinct companies in table order, as first spelled."""
        return _distinct(b.company for b in self.bands if b.company)


class LevelEntry(_Frozen):
    """One level of one company, on a rung shared by equivalent levels."""

    company: str
    level: str
    rung: str
    row: int | None = None


class LevelTable(_Frozen):
    """The level mapping: levels of different companies on one rung are equivalent."""

    entries: tuple[LevelEntry, ...]

    def companies(self) -> list[str]:
        """Distinct companies in table order."""
        return _distinct(e.company for e in self.entries)


class Offer(_Frozen):
    """An offer's components: base, annual equity value, bonus target rate, sign-on."""

    base: float = Field(ge=0)
    equity: float = Field(ge=0)
    bonus_pct: float = Field(ge=0)
    signon: float = Field(default=0, ge=0)


class Lever(_Frozen):
    """A negotiation lever of the guide, in the candidate's words."""

    name: str
    text: str


class Premium(_Frozen):
    """A premium the guide argues for, as a range of rates."""

    name: str
    low: float
    high: float
    note: str = ""


class Source(_Frozen):
    """A source the guide cites, with its date."""

    claim: str
    source: str
    date: str


class Meta(_Frozen):
    """What the data is about."""

    title: str
    company: str
    role: str
    currency: str = "USD"
    as_of: str = ""
    summary: str = ""


class Scenario(_Frozen):
    """A negotiation scenario: the offer, the best alternative and the floor."""

    region: str
    level: str
    company: str = ""
    offer_base: float = Field(ge=0)
    offer_equity: float = Field(ge=0)
    offer_bonus_pct: float = Field(ge=0, le=1)
    offer_signon: float = Field(default=0, ge=0)
    competing_tc: float = Field(ge=0)
    competing_company: str = ""
    floor: float = Field(ge=0)


class GuideData(_Frozen):
    """Everything the template is built from: bands, levels, levers, premiums, sources."""

    meta: Meta
    bands: BandTable
    levels: LevelTable
    levers: tuple[Lever, ...] = ()
    premiums: tuple[Premium, ...] = ()
    sources: tuple[Source, ...] = ()
    scenario: Scenario


def _distinct(values: object) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:  # type: ignore[attr-defined]
        if isinstance(v, str):
            seen.setdefault(key(v), v)
    return list(seen.values())
