"""Numbers and words as a person or Excel writes them, found in the text of any part.

:func:`written_numbers` finds every number in a text in the forms people and Excel write:
grouping commas, spaces or apostrophes (``296,417``, ``296 417``), currency signs
(``$``, ``€``, ``£``, ``¥``), ``K``/``M``/``B``/``bn`` suffixes (``$296.4K``), percent
(``7.37%``), scientific notation (``2.96417E+05``). Each carries the precision it was
written at: ``$296.4K`` is 296,400 give or take 50, so it *is* 296,417.

:class:`Secrets` holds the values a shared copy must not hold (numbers and text, each
with the cell it came from) and says where a text holds one of them:

- a number matches when the written number, at its written precision, is the value; to
  tell a value from the digits of any layout number, the written form must carry at least
  three significant digits, or two with a currency sign, suffix or percent, or two inside
  human text (a comment, a string, a title); values of fewer than two significant digits
  (0, 1, 5 %, 40) are not looked for: they are everywhere;
- a text matches as a whole word (or words), case-insensitively, whatever its length.

:func:`part_texts` gives the places of an XML part a value can be written in: attribute
values (except layout attributes: cell references, style ids, sizes), text nodes, and the
joined text of each rich-text container (a shared string, a comment, a paragraph of a
drawing or a VML text box), so that ``$296,`` + ``417`` split over two runs is found.
Any encoding (UTF-8, UTF-16) is read; a part that is not XML is read as text.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from xlcomp.ooxml.opc import decode_part
from xlcomp.ooxml.xml import safe_parser

__all__ = ["Hit", "Secrets", "Written", "part_texts", "written_numbers"]

_NUMBER = re.compile(
    r"(?<![\w.$€£¥])"
    r"(?P<sign>[-−])?"
    r"(?P<cur>[$€£¥])?\s?"
    r"(?P<num>\d{1,3}(?:(?P<sep>[,\u00a0\u202f\u2009 '’])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?"
    r"|\d+(?:\.\d+)?|\.\d+)"
    r"(?:[eE](?P<exp>[+-]?\d{1,3}))?"
    r"(?:\s?(?P<suf>bn|mm|[kKmMbB%](?![A-Za-z])))?"
    r"(?![\d.]\d|[A-Za-z\d])",
)
_EUROPEAN = re.compile(
    r"(?<![\w.,$€£¥])"
    r"(?P<sign>[-−])?"
    r"(?P<cur>[$€£¥])?\s?"
    r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d{1,2}(?!\d))"
    r"(?:\s?(?P<suf>bn|mm|[kKmMbB%](?![A-Za-z])))?"
    r"(?![\d.,]\d|[A-Za-z\d])",
)
"""The continental European forms: ``296.417`` (dots group thousands), ``296.417,50``,
``7,37%`` (a decimal comma). Read as well as, not instead of, the English reading."""
_SCALE = {"k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9, "%": 1e-2}


@dataclass(frozen=True)
class Written:
    """One number as written: its value, how far off the written precision allows,
    its significant digits, whether it carries a sign of money, scale or percent."""

    value: float
    tolerance: float
    digits: int
    decorated: bool
    raw: str


def written_numbers(text: str) -> Iterator[Written]:
    """Every number written in ``text``.

    >>> [(w.value, w.tolerance) for w in written_numbers("$296.4K and 7.37%")]
    [(296400.0, 50.0), (0.0737, 5e-05)]
    """
    for m in _NUMBER.finditer(text):
        num = m.group("num")
        sep = m.group("sep")
        digits_text = num.replace(sep, "") if sep else num
        try:
            base = float(digits_text)
        except ValueError:
            continue
        decimals = len(digits_text.split(".", 1)[1]) if "." in digits_text else 0
        exp = int(m.group("exp")) if m.group("exp") else 0
        suffix = (m.group("suf") or "").lower()
        scale = _SCALE.get(suffix, 1.0) * 10.0**exp
        significant = len(digits_text.replace(".", "").lstrip("0"))
        if significant == 0:
            continue
        value = base * scale
        if m.group("sign"):
            value = -value
        tolerance = 0.5 * 10.0**-decimals * scale
        decorated = bool(m.group("cur") or suffix or sep or m.group("exp"))
        yield Written(value, tolerance, significant, decorated, m.group(0).strip())
    for m in _EUROPEAN.finditer(text):
        whole, _, decimals_text = m.group("num").replace(".", "").partition(",")
        digits_text = f"{whole}.{decimals_text}" if decimals_text else whole
        suffix = (m.group("suf") or "").lower()
        scale = _SCALE.get(suffix, 1.0)
        significant = len(digits_text.replace(".", "").lstrip("0"))
        if significant == 0:
            continue
        value = float(digits_text) * scale * (-1 if m.group("sign") else 1)
        tolerance = 0.5 * 10.0 ** -len(decimals_text) * scale
        decorated = bool(m.group("cur") or suffix or "." in m.group("num"))
        yield Written(value, tolerance, significant, decorated, m.group(0).strip())


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (
    # (pattern, order of year/month/day groups or "dm"/"md" for both readings)
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<a>\d{1,2})[-/.](?P<b>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?!\d)"),
    re.compile(
        rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[-\s.]*(?P<m>{_MONTH})\.?[-\s,]*(?P<y>\d{{4}}|\d{{2}})(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w])(?P<m>{_MONTH})\.?[-\s]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[-\s]*(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
)
_EPOCH = date(1899, 12, 30)


def written_dates(text: str) -> Iterator[Written]:
    """Every date written in ``text`` as Excel's date serial (days since 1899-12-30):
    ``2027-03-15``, ``3/15/2027`` and ``15/3/2027`` (both orders are read when both are
    dates), ``15.03.2027``, ``15 March 2027``, ``March 15, 2027``, ``15-Mar-27``.

    >>> [w.value for w in written_dates("reply by 15 March 2027")]
    [46461.0]
    """
    for pattern in _DATES:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            year = int(groups["y"])
            if year < 100:
                year += 2000 if year < 30 else 1900
            if groups.get("m"):
                key = groups["m"].lower()
                readings = [(_MONTHS[key], int(groups["d"]))]
            elif len(m.group(1)) == 4:  # year first: y-m-d
                readings = [(int(groups["a"]), int(groups["b"]))]
            else:
                a, b = int(groups["a"]), int(groups["b"])
                readings = [(a, b), (b, a)]
            for month, day in readings:
                try:
                    serial = (date(year, month, day) - _EPOCH).days
                except ValueError:
                    continue
                yield Written(float(serial), 0.0, 5, True, m.group(0).strip())


def significant_digits(value: float) -> int:
    """How many digits ``value`` has as a short decimal, leading zeros aside (``0.0737``
    -> 3; ``296417`` -> 6; ``300000`` -> 6; ``0.05`` -> 1)."""
    if value == 0 or not math.isfinite(value):
        return 0
    text = f"{abs(value):.12g}"
    mantissa = text.split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


@dataclass(frozen=True)
class Hit:
    """A removed value found in a text: where the value came from and what was written."""

    source: str
    written: str


class Secrets:
    """The numbers and texts a shared copy must not contain, each with its source cell."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        numbers: list[tuple[float, str]] = []
        words: dict[str, str] = {}
        for source, value in values.items():
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float):
                v = float(value)
                if math.isfinite(v) and significant_digits(v) >= 2:
                    numbers.append((abs(v), source))
            elif isinstance(value, str):
                text = " ".join(value.split())
                if text:
                    words.setdefault(text.casefold(), source)
        numbers.sort()
        self._keys = [v for v, _ in numbers]
        self._sources = [s for _, s in numbers]
        self._words = words
        self._word_re: re.Pattern[str] | None = None
        if words:
            alternatives = sorted(words, key=len, reverse=True)
            body = "|".join(r"\s+".join(map(re.escape, w.split(" "))) for w in alternatives)
            self._word_re = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def __bool__(self) -> bool:
        return bool(self._keys or self._words)

    def numbers(self) -> list[float]:
        """The numbers looked for (absolute values)."""
        return list(self._keys)

    def number_hits(self, text: str, *, human: bool) -> list[Hit]:
        """The removed numbers ``text`` writes (see the module docstring for the rule)."""
        if not self._keys:
            return []
        hits = []
        for w in (*written_numbers(text), *written_dates(text)):
            needed = 2 if (w.decorated or human) else 3
            if w.digits < needed:
                continue
            x = abs(w.value)
            slack = w.tolerance + 1e-9 * max(x, 1.0)
            i = bisect.bisect_left(self._keys, x - slack)
            while i < len(self._keys) and self._keys[i] <= x + slack:
                v = self._keys[i]
                if significant_digits(v) >= 2 and (w.digits >= 2 or v == x):
                    hits.append(Hit(self._sources[i], w.raw))
                    break
                i += 1
        return hits

    def word_hits(self, text: str) -> list[Hit]:
        """The removed texts ``text`` holds as whole words, case-insensitively."""
        if self._word_re is None:
            return []
        hits = []
        for m in self._word_re.finditer(text):
            key = " ".join(m.group(0).split()).casefold()
            hits.append(Hit(self._words.get(key, "?"), m.group(0)))
        return hits

    def hits(self, text: str, *, human: bool = True) -> list[Hit]:
        """Removed numbers and texts in ``text``."""
        return self.number_hits(text, human=human) + self.word_hits(text)

    def number_source(self, value: float) -> str | None:
        """The source of the removed number equal to ``value`` (to 1e-9), if any."""
        x = abs(float(value))
        slack = 1e-9 * max(x, 1.0)
        i = bisect.bisect_left(self._keys, x - slack)
        if i < len(self._keys) and self._keys[i] <= x + slack:
            return self._sources[i]
        return None

    def is_word(self, text: str) -> str | None:
        """The source of the removed text equal to the whole of ``text``, if any."""
        return self._words.get(" ".join(text.split()).casefold())


LAYOUT_ATTRIBUTES = frozenset(
    {
        "r",
        "ref",
        "sqref",
        "spans",
        "s",
        "t",
        "ht",
        "width",
        "min",
        "max",
        "style",
        "xfId",
        "numFmtId",
        "fontId",
        "fillId",
        "borderId",
        "dxfId",
        "count",
        "uniqueCount",
        "id",
        "Id",
        "idx",
        "sheetId",
        "localSheetId",
        "x",
        "y",
        "cx",
        "cy",
        "l",
        "b",
        "w",
        "h",
        "rot",
        "dpi",
        "zoomScale",
        "zoomScaleNormal",
        "zoomScalePageLayoutView",
        "defaultRowHeight",
        "defaultColWidth",
        "baseColWidth",
        "outlineLevel",
        "outlineLevelRow",
        "outlineLevelCol",
        "topLeftCell",
        "activeTab",
        "windowWidth",
        "windowHeight",
        "xWindow",
        "yWindow",
        "tabRatio",
        "firstSheet",
        "activeCell",
        "xSplit",
        "ySplit",
        "calcId",
        "lastEdited",
        "lowestEdited",
        "rupBuild",
        "priority",
        "rgb",
        "indexed",
        "theme",
        "tint",
        "iCs",
        "sz",
        "spcFirstLastPara",
        "anchorCtr",
        "lIns",
        "tIns",
        "rIns",
        "bIns",
        "dist",
        "dir",
        "algn",
        "blurRad",
        "pos",
        "ang",
        "paperSize",
        "scale",
        "fitToWidth",
        "fitToHeight",
        "horizontalDpi",
        "verticalDpi",
        "copies",
        "left",
        "right",
        "top",
        "bottom",
        "header",
        "footer",
        "headerRowCount",
        "totalsRowCount",
        "totalsRowShown",
        "headerRowDxfId",
        "dataDxfId",
        "uniqueName",
        "queryTableFieldId",
        "tabSelected",
        "workbookViewId",
        "pane",
        "state",
        "spid",
        "shapeId",
        "rowOff",
        "colOff",
        "row",
        "col",
        "objectId",
        "cellRange",
        "selectionPane",
        "level",
        "mod",
        "lumMod",
        "lumOff",
        "alpha",
        "shade",
        "satMod",
        "pitchFamily",
        "charset",
        "panose",
        "kern",
        "baseline",
        "spc",
        "vert",
        "wrap",
        "rtlCol",
        "fontAlgn",
        "marL",
        "marR",
        "indent",
        "lvl",
        "defTabSz",
        "lang",
        "altLang",
        "o:spid",
        "coordsize",
        "coordorigin",
        "spt",
        "path",
        "strokeweight",
        "fillcolor",
        "color",
        "color2",
        "opacity",
        "origin",
        "position",
        "inset",
        "v",
        "xml:space",
    }
)
"""Attributes that hold layout, references or ids, never a value a person typed."""

LAYOUT_ELEMENTS = frozenset(
    {
        "tint",
        "shade",
        "comp",
        "inv",
        "gray",
        "alpha",
        "alphaOff",
        "alphaMod",
        "hue",
        "hueOff",
        "hueMod",
        "sat",
        "satOff",
        "satMod",
        "lum",
        "lumOff",
        "lumMod",
        "red",
        "redOff",
        "redMod",
        "green",
        "greenOff",
        "greenMod",
        "blue",
        "blueOff",
        "blueMod",
        "gamma",
        "invGamma",
        "srgbClr",
        "sysClr",
        "schemeClr",
        "prstClr",
        "scrgbClr",
        "hslClr",
        "gs",
        "sz",
        "color",
        "bgColor",
        "fgColor",
        "family",
        "scheme",
        "charset",
        "vertAlign",
        "u",
        "b",
        "i",
        "strike",
        "outline",
        "shadow",
        "condense",
        "extend",
        "crossAx",
        "axId",
        "idx",
        "order",
        "orientation",
        "delete",
        "majorTickMark",
        "minorTickMark",
        "tickLblPos",
        "crosses",
        "auto",
        "lblAlgn",
        "lblOffset",
        "noMultiLvlLbl",
        "gapWidth",
        "overlap",
        "barDir",
        "grouping",
        "varyColors",
        "roundedCorners",
        "style",
        "ptCount",
        "showLegendKey",
        "showVal",
        "showCatName",
        "showSerName",
        "showPercent",
        "showBubbleSize",
        "legendPos",
        "overlay",
        "plotVisOnly",
        "dispBlanksAs",
        "date1904",
        "lang",
        "firstSliceAng",
        "holeSize",
        "explosion",
        "smooth",
        "marker",
        "symbol",
        "size",
        "bandFmts",
        "scatterStyle",
        "radarStyle",
        "wireframe",
        "rotX",
        "rotY",
        "rAngAx",
        "perspective",
        "depthPercent",
        "hPercent",
        "thickness",
        "prstDash",
        "headEnd",
        "tailEnd",
        "miter",
        "round",
        "bevel",
        "ln",
        "spPr",
    }
)
"""Elements whose attributes are colours, sizes, flags or chart layout, never a value."""

TEXT_CONTAINERS = frozenset({"si", "is", "text", "p", "textbox", "rich", "comment", "tx"})
"""Elements whose text runs read as one text (rich text, paragraphs, comments)."""


@dataclass(frozen=True)
class Place:
    """Where a text sits in a part: ``element`` (lxml), the attribute (or None for its
    text; ``"*"`` for a container's joined text), and whether a person wrote it."""

    element: Any
    attribute: str | None
    text: str
    human: bool


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_SCHEMA_URI = re.compile(
    r"^(?:https?://(?:schemas\.(?:openxmlformats|microsoft)\.(?:org|com)|purl\.oclc\.org/ooxml"
    r"|www\.w3\.org|purl\.org/dc)/|urn:schemas-microsoft-com:|application/vnd\.|image/)"
)


def is_schema_name(value: str) -> bool:
    """Whether an attribute value is a namespace, relationship type or content type URI
    (``.../officeDocument/2006/relationships/worksheet``): no person typed its digits."""
    return bool(_SCHEMA_URI.match(value))


def parse_any(data: bytes) -> Any | None:
    """The part's XML tree (any declared encoding), or None when it is not XML."""
    try:
        return etree.fromstring(data, safe_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None


def iter_places(root: Any) -> Iterator[Place]:
    """Every attribute value, text node and joined text container of a parsed part."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            if el.text:  # a comment or processing instruction
                yield Place(el, None, el.text, True)
            continue
        layout = _local(el.tag) in LAYOUT_ELEMENTS
        for name, value in el.attrib.items():
            if layout and _local(name) == "val":
                continue
            local = _local(name)
            if local in LAYOUT_ATTRIBUTES or name.startswith("{http://www.w3.org/2000/xmlns"):
                continue
            if value and not is_schema_name(value):
                yield Place(el, name, value, local in ("descr", "title", "name", "textlink"))
        local = _local(el.tag)
        if el.text and el.text.strip():
            yield Place(el, None, el.text, local in ("t", "title", "description", "subject"))
        if el.tail and el.tail.strip():
            yield Place(el, "#tail", el.tail, True)
        if local in TEXT_CONTAINERS and len(el):
            joined = "".join(el.itertext())
            if joined.strip():
                yield Place(el, "*", joined, True)


_TAG = re.compile(r"<[^>]*>")


def part_texts(data: bytes) -> Iterator[tuple[str, bool]]:
    """Every text of a part where a value can be written: ``(text, human)`` pairs.

    An XML part gives its :func:`iter_places`; anything else (a binary, broken XML) is
    decoded as text in its own encoding and read with tags removed, as human text.
    """
    root = parse_any(data)
    if root is not None:
        for place in iter_places(root):
            yield place.text, place.human
        return
    text = decode_part(data)
    from html import unescape

    yield unescape(_TAG.sub(" ", text)), True
    yield unescape(_TAG.sub("", text)), True
