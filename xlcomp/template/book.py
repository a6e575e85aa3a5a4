"""The workbook under construction: the openpyxl workbook, its data and its names.

Every sheet module writes into one :class:`Book`. Cells that other formulas, other
tools or ``xlcomp share`` need to find get a workbook-level defined name
(``offer_base`` → ``Offer!$B$8``), so formulas read like the spec
(``=TOTALCOMP(offer_base, offer_equity, offer_bonus_pct, offer_signon)``) and the
anchors survive layout changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils.cell import absolute_coordinate, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from xlcomp.core.models import GuideData
from xlcomp.template import styles

# The tables as the functions receive them: with the header row. See docs/template.md
# ("Table references") for why ``Bands[[#All]]`` and not the bare ``Bands``.
BANDS = "Bands[[#All]]"
LEVELS = "Levels[[#All]]"

# The word a defined name carries when its cells are private to the candidate.
PRIVATE = "private"


@dataclass
class Book:
    """The workbook being built and what the sheet modules share."""

    wb: Workbook
    guide: GuideData
    names: dict[str, str] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        """The offer's currency (from the data's ``meta.currency``)."""
        return self.guide.meta.currency

    @property
    def money(self) -> str:
        """The whole-money number format."""
        return styles.money_format(self.currency)

    @property
    def price(self) -> str:
        """The money-with-cents number format (share prices)."""
        return styles.price_format(self.currency)

    @property
    def company(self) -> str:
        """The company making the offer: the scenario's, else the data's."""
        return self.guide.scenario.company or self.guide.meta.company

    def name(self, name: str, sheet: str, ref: str) -> str:
        """Define ``name`` as ``sheet!ref`` (one range, made absolute); returns ``name``."""
        if name in self.names:
            raise ValueError(f"defined name {name!r} is defined twice")
        target = f"{quote_sheetname(sheet)}!{absolute_coordinate(ref)}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        self.names[name] = target
        return name

    def formula_name(self, name: str, formula: str) -> str:
        """Define ``name`` as a formula (a dynamic range); returns ``name``."""
        if name in self.names:
            raise ValueError(f"defined name {name!r} is defined twice")
        self.wb.defined_names[name] = DefinedName(name, attr_text=formula)
        self.names[name] = formula
        return name
