"""Values of other workbooks as the file caches them: the external-link parts.

A formula such as ``='[1]Pay Bands'!$B$2`` reads a cell of another workbook. Excel keeps
the last values it saw in the part ``xl/externalLinks/externalLinkN.xml`` (the N-th
``<externalReference>`` of the workbook part is ``[N]``), and shows them until the link
is updated; LibreOffice does the same. Refresh reads those cached values, so such a
formula keeps the number the workbook shows instead of becoming #REF!.
"""

from __future__ import annotations

from typing import Any

from xlcomp.ooxml import NS_MAIN, NS_REL, Package, relationships
from xlcomp.ooxml import parse as parse_xml
from xlcomp.refresh.parser import col_index
from xlcomp.refresh.values import EMPTY, to_error

__all__ = ["ExternalSheet", "external_sheets"]

ExternalSheet = dict[tuple[int, int], Any]
"""The cached cells of one sheet of another workbook, by (row, column)."""


def _cell_value(t: str | None, text: str | None) -> Any:
    if text is None:
        return EMPTY
    if t in (None, "n"):
        try:
            return float(text)
        except ValueError:
            return EMPTY
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "e":
        return to_error(text)
    return text  # "s" and "str": the text itself (no shared-string table here)


def external_sheets(pkg: Package, workbook_part: str) -> dict[str, ExternalSheet]:
    """Cached cells of every external sheet, keyed ``"[N]SHEET NAME"`` (upper case)."""
    root = parse_xml(pkg.parts[workbook_part], part=workbook_part)
    targets = {rel.id: rel.target for rel in relationships(pkg, workbook_part) if not rel.external}
    out: dict[str, ExternalSheet] = {}
    refs = root.iter(f"{{{NS_MAIN}}}externalReference")
    for n, ref in enumerate(refs, start=1):
        part = targets.get(ref.get(f"{{{NS_REL}}}id") or "")
        if part is None or part not in pkg.parts:
            continue
        link = parse_xml(pkg.parts[part], part=part)
        names = [el.get("val", "") for el in link.iter(f"{{{NS_MAIN}}}sheetName")]
        sheets: list[ExternalSheet] = [{} for _ in names]
        for data in link.iter(f"{{{NS_MAIN}}}sheetData"):
            sid = int(data.get("sheetId", "-1"))
            if not 0 <= sid < len(sheets):
                continue
            cells = sheets[sid]
            for row in data.iter(f"{{{NS_MAIN}}}row"):
                for cell in row.iter(f"{{{NS_MAIN}}}cell"):
                    ref_text = cell.get("r", "")
                    letters = ref_text.rstrip("0123456789")
                    digits = ref_text[len(letters) :]
                    if not letters or not digits:
                        continue
                    v = cell.find(f"{{{NS_MAIN}}}v")
                    cells[(int(digits), col_index(letters))] = _cell_value(
                        cell.get("t"), v.text if v is not None else None
                    )
        for name, cells in zip(names, sheets, strict=True):
            out[f"[{n}]{name}".upper()] = cells
    return out
