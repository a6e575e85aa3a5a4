"""A readable snapshot of a workbook: what the golden test of the template compares.

``snapshot(data)`` reloads xlsx bytes with openpyxl and lists, sheet by sheet, every
cell (value or formula, array-formula extent, named style, number format, wrapping),
merged ranges, widths, frozen panes, print setup, data validations, conditional
formats, tables and charts, plus the workbook's defined names and named styles. It is
plain JSON data, sorted, so a change to the template shows as a readable diff.
"""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

Snapshot = dict[str, Any]


def _cell(cell: Any) -> dict[str, Any] | None:
    value = cell.value
    out: dict[str, Any] = {}
    if isinstance(value, ArrayFormula):
        out["formula"] = value.text
        out["array"] = value.ref
    elif cell.data_type == "f":
        out["formula"] = value
    elif isinstance(value, datetime.date):  # a date cell: its ISO form
        out["value"] = value.isoformat()
    elif value is not None:
        out["value"] = value
    if cell.style and cell.style != "Normal":
        out["style"] = cell.style
    if cell.number_format and cell.number_format != "General":
        out["format"] = cell.number_format
    if cell.alignment is not None and cell.alignment.wrap_text:
        out["wrap"] = True
    return out or None


def _text(rich: Any) -> str | None:
    try:
        return "".join(run.t for p in rich.p for run in (p.r or []))
    except AttributeError:
        return None


def _ref(data: Any) -> str | None:
    if data is None:
        return None
    for attr in ("numRef", "strRef"):
        ref = getattr(data, attr, None)
        if ref is not None:
            return str(ref.f)
    return None


def _charts(ws: Worksheet) -> list[dict[str, Any]]:
    out = []
    for chart in ws._charts:
        anchor = chart.anchor._from
        title = chart.title.tx.rich if chart.title and chart.title.tx else None
        out.append(
            {
                "kind": chart.tagname,
                "type": getattr(chart, "type", None),
                "grouping": getattr(chart, "grouping", None),
                "title": _text(title) if title is not None else None,
                "anchor": f"{anchor.col}:{anchor.row}",
                "series": [
                    {
                        "title": s.tx.strRef.f if s.tx and s.tx.strRef else None,
                        "values": _ref(s.val),
                        "categories": _ref(s.cat),
                    }
                    for s in chart.series
                ],
            }
        )
    return out


def _sheet(ws: Worksheet) -> dict[str, Any]:
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            entry = _cell(cell)
            if entry:
                cells[cell.coordinate] = entry
    setup = ws.page_setup
    return {
        "name": ws.title,
        "state": ws.sheet_state,
        "freeze": ws.freeze_panes,
        "gridlines": ws.sheet_view.showGridLines,
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
        "heights": {str(k): d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "print": {
            "area": ws.print_area,
            "orientation": setup.orientation,
            "fit_width": setup.fitToWidth,
            "fit_height": setup.fitToHeight,
        },
        "cells": cells,
        "validations": [
            {
                "cells": str(dv.sqref),
                "type": dv.type,
                "operator": dv.operator,
                "formula1": dv.formula1,
                "formula2": dv.formula2,
                "error": dv.error,
            }
            for dv in ws.data_validations.dataValidation
        ],
        "conditional": [
            {
                "cells": str(cf.sqref),
                "rules": [{"type": r.type, "formula": list(r.formula)} for r in cf.rules],
            }
            for cf in ws.conditional_formatting
        ],
        "tables": [
            {
                "name": t.displayName,
                "ref": t.ref,
                "columns": [c.name for c in t.tableColumns],
                "style": t.tableStyleInfo.name if t.tableStyleInfo else None,
            }
            for t in ws.tables.values()
        ],
        "charts": _charts(ws),
    }


def snapshot(data: bytes) -> Snapshot:
    """The snapshot of the xlsx ``data``."""
    wb = load_workbook(io.BytesIO(data))
    props = wb.properties
    return {
        "sheets": [_sheet(ws) for ws in wb.worksheets],
        "active": wb.active.title if wb.active is not None else None,
        "defined_names": {name: dn.attr_text for name, dn in sorted(wb.defined_names.items())},
        "named_styles": [s if isinstance(s, str) else s.name for s in wb.named_styles],
        "properties": {
            "creator": props.creator,
            "title": props.title,
            "created": props.created.isoformat() if props.created else None,
            "modified": props.modified.isoformat() if props.modified else None,
        },
    }


def dumps(snap: Snapshot) -> str:
    """The snapshot as the golden file's text: indented JSON, keys in a fixed order."""
    return json.dumps(snap, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
