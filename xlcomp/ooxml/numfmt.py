"""The text Excel shows for a number under a cell's number format, for the leak scan.

Only what tells the value at the precision shown is rendered: the first section of the
format code, its literals (quoted text, escaped characters, currency symbols such as
``[$€-407]``), decimals, grouping, scaling by trailing commas, percent and scientific
notation. ``"$"#,##0`` shows 296,417.4 as ``$296,417``; ``"$"0.0"K"`` shows 296.417 as
``$296.4K`` (which a person reads as 296,400 give or take 50). Date and time formats and
``General`` give None: the value is judged as written.
"""

from __future__ import annotations

import math
import re

__all__ = ["BUILTIN_FORMATS", "displayed"]

BUILTIN_FORMATS = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    48: "##0.0E+0",
}
"""Excel's built-in number formats (``numFmtId`` without a ``<numFmt>``) that show a
number other than as ``General``; the date formats (14-22, 45-47) are left out."""

_DATE_TOKEN = re.compile(r"[yYdDhHsS]|[mM](?![^\[]*\])")
_CURRENCY = re.compile(r"\[\$([^\]-]*)(?:-[^\]]*)?\]")


def _first_section(code: str) -> str:
    quoted = False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return code[:i]
    return code


def displayed(value: float, code: str) -> str | None:
    """The text ``code`` shows for ``value`` (see the module doc), or None for General,
    dates and times, text formats and codes this reading does not follow."""
    if not math.isfinite(value):
        return None
    section = _CURRENCY.sub(lambda m: '"' + m.group(1) + '"', _first_section(code))
    section = re.sub(r"\[[^\]]*\]", "", section)  # colours, conditions
    if section.strip().lower() in ("", "general") or "@" in section:
        return None
    prefix: list[str] = []
    suffix: list[str] = []
    pattern: list[str] = []
    unquoted: list[str] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal = section[i + 1 : end]
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            literal = section[i + 1]
            i += 2
        elif ch in "_*" and i + 1 < len(section):
            literal = " " if ch == "_" else ""
            i += 2
        elif ch in "0#?.," or (ch in "Ee" and section[i + 1 : i + 2] in ("+", "-")):
            if ch in "Ee":
                pattern.append(section[i : i + 2])
                i += 2
            else:
                pattern.append(ch)
                i += 1
            continue
        else:
            unquoted.append(ch)
            literal = ch
            i += 1
        (suffix if pattern else prefix).append(literal)
    if _DATE_TOKEN.search("".join(unquoted)) or not pattern:
        return None
    text = "".join(pattern)
    percent = "%" in "".join(prefix + suffix)
    x = abs(value) * (100.0 if percent else 1.0)
    if "E" in text.upper():
        mantissa = re.split(r"[Ee]", text)[0]
        decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
        number = f"{x:.{decimals}E}"
    else:
        stripped = text.rstrip(",")
        x /= 1000.0 ** (len(text) - len(stripped))
        decimals = len(stripped.split(".", 1)[1].replace(",", "")) if "." in stripped else 0
        grouped = "," in stripped.split(".", 1)[0]
        number = f"{x:,.{decimals}f}" if grouped else f"{x:.{decimals}f}"
    sign = "-" if value < 0 else ""
    return f"{sign}{''.join(prefix)}{number}{''.join(suffix)}"
