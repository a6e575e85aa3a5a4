"""An attack corpus for ``xlcomp share``: workbooks that hide a private value somewhere.

Every case starts from one small offer workbook whose private values are distinctive and
worked by hand:

- competing offer ``Offer!B4`` = 296,417 (private by the name ``private_competing_tc``);
- floor ``Offer!B5`` = 271,903 (private by the "Private input" cell style);
- uplift ``Offer!B7`` = 0.0737, written 7.37 % (``private_uplift``);
- competing company ``Offer!B8`` = "Quuxcorp" (``private_competing_company``, 8 letters);
- derived ``Offer!B9`` = ROUND(296,417 × 1.0737, 0) = ROUND(318,262.93) = 318,263;
- derived ``Offer!B10`` = 296,417 + 271,903 = 568,320.

Each case then hides one of them (or a form of one) in one more place a workbook can hold
a number or a name, built with openpyxl, XlsxWriter or by editing the package's XML, and
says what share must do: write a copy holding no written form of any of them (``clean``),
write it with a warning naming both cells (``warn``, a coincidence), or refuse in one line
(``refuse``). ``python -m tests.attack_corpus DIR`` writes the corpus to a folder.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import NamedStyle
from openpyxl.workbook.defined_name import DefinedName

COMPETING = 296417
FLOOR = 271903
UPLIFT = 0.0737
COMPANY = "Quuxcorp"
DERIVED_UPLIFTED = 318263  # ROUND(296417 * 1.0737, 0)
DERIVED_SUM = 568320  # 296417 + 271903
PRIVATE_NUMBERS = (COMPETING, FLOOR, UPLIFT, DERIVED_UPLIFTED, DERIVED_SUM)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_OVERRIDE = '<Override PartName="/{part}" ContentType="{ctype}"/>'
REL = '<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode}/>'
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


@dataclass
class Case:
    """One attack: its class, name, how to build it, and what share must do."""

    klass: str
    name: str
    build: Callable[[Path], Path]
    expect: str = "clean"  # clean | warn | refuse
    extra_numbers: tuple[float, ...] = ()
    """More values that must not appear (derived values the case adds, worked by hand)."""
    allowed: dict[str, set[str]] = field(default_factory=dict)
    """For ``warn``: part -> written forms that may stay (the coincidence cell)."""
    extra_texts: tuple[str, ...] = ()
    """Exact texts that must not appear (a private date's written forms, ...)."""


# --- the base workbook -------------------------------------------------------------------


def base_openpyxl(path: Path, *, keep: bool = False) -> openpyxl.Workbook:
    """The offer workbook (see the module docstring) as an openpyxl workbook."""
    wb = openpyxl.Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = "Guide"
    guide["A1"] = "Negotiation workbook"
    o = wb.create_sheet("Offer")
    rows = [
        ("base", 150000),
        ("equity", 60000),
        ("bonus", 0.15),
        ("competing", COMPETING),
        ("floor", FLOOR),
        ("total", "=B1+B2+B1*B3"),
        ("uplift", UPLIFT),
        ("company", COMPANY),
        ("uplifted", "=ROUND(B4*(1+B7),0)"),
        ("sum", "=B4+B5"),
    ]
    for i, (label, value) in enumerate(rows, start=1):
        o.cell(i, 1, label)
        o.cell(i, 2, value)
    for name, ref in (
        ("private_competing_tc", "Offer!$B$4"),
        ("private_uplift", "Offer!$B$7"),
        ("private_competing_company", "Offer!$B$8"),
    ):
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    wb.add_named_style(NamedStyle(name="Private input"))
    o["B5"].style = "Private input"
    if not keep:
        wb.save(path)
    return wb


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def edit_package(
    path: Path,
    *,
    change: dict[str, Callable[[bytes], bytes]] | None = None,
    add: dict[str, bytes] | None = None,
    out: Path | None = None,
) -> Path:
    """Rewrite the package at ``path``: ``change`` parts through functions, ``add`` parts."""
    change = change or {}
    add = add or {}
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name, fn in change.items():
        parts[name] = fn(parts.get(name, b""))
    parts.update(add)
    target = out or path
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return target


def add_override(part: str, ctype: str) -> Callable[[bytes], bytes]:
    """A content-types edit declaring ``part``."""

    def fn(data: bytes) -> bytes:
        return data.replace(
            b"</Types>", CT_OVERRIDE.format(part=part, ctype=ctype).encode() + b"</Types>"
        )

    return fn


def add_default(ext: str, ctype: str) -> Callable[[bytes], bytes]:
    """A content-types edit declaring an extension."""

    def fn(data: bytes) -> bytes:
        if f'Extension="{ext}"'.encode() in data:
            return data
        return data.replace(
            b"</Types>", f'<Default Extension="{ext}" ContentType="{ctype}"/></Types>'.encode()
        )

    return fn


def add_rel(
    rid: str, rtype: str, target: str, *, external: bool = False
) -> Callable[[bytes], bytes]:
    """A relationships edit adding one relationship (creating the part if needed)."""

    def fn(data: bytes) -> bytes:
        if not data:
            data = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                b'relationships"></Relationships>'
            )
        mode = ' TargetMode="External"' if external else ""
        rel = REL.format(rid=rid, rtype=rtype, target=target, mode=mode)
        return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    return fn


def chain(*fns: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Several edits of one part, in order."""

    def fn(data: bytes) -> bytes:
        for f in fns:
            data = f(data)
        return data

    return fn


def insert_before(marker: bytes, text: bytes) -> Callable[[bytes], bytes]:
    """An edit inserting ``text`` before the first ``marker``."""

    def fn(data: bytes) -> bytes:
        i = data.find(marker)
        assert i >= 0, marker
        return data[:i] + text + data[i:]

    return fn


def sheet_part(path: Path, title: str) -> str:
    """The part of the sheet called ``title`` (openpyxl numbers sheets in order)."""
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"


# --- cases: one function per attack ------------------------------------------------------


def _label_in_guide(text: str | float) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        wb = base_openpyxl(path, keep=True)
        wb["Guide"]["A3"] = text
        return _save(wb, path)

    return build


def _rich_split(path: Path) -> Path:
    base_openpyxl(path)
    si = (
        b'<si><r><t xml:space="preserve">competing $296,</t></r>'
        b"<r><rPr><b/></rPr><t>417</t></r></si>"
    )

    def ss(data: bytes) -> bytes:
        if not data:
            return (
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="'
                + NS_MAIN.encode()
                + b'" count="1" uniqueCount="1">'
                + si
                + b"</sst>"
            )
        return data.replace(b"</sst>", si + b"</sst>")

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        has_ss = "xl/sharedStrings.xml" in names
        count = zf.read("xl/sharedStrings.xml").count(b"<si>") if has_ss else 0
    cell = f'<c r="A3" t="s"><v>{count}</v></c>'.encode()
    changes: dict[str, Callable[[bytes], bytes]] = {
        "xl/sharedStrings.xml": ss,
        "xl/worksheets/sheet1.xml": lambda d: re.sub(
            rb'(<row r="1"[^>]*>.*?</row>)',
            lambda m: m.group(1) + b'<row r="3">' + cell + b"</row>",
            d,
            count=1,
            flags=re.S,
        ),
    }
    if not has_ss:
        changes["[Content_Types].xml"] = add_override(
            "xl/sharedStrings.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        )
        changes["xl/_rels/workbook.xml.rels"] = add_rel(
            "rIdSS", R + "sharedStrings", "sharedStrings.xml"
        )
    return edit_package(path, change=changes)


def _strict(path: Path) -> Path:
    """The issue's recipe: Transitional main and relationship namespaces -> Strict."""
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["B4"].comment = Comment(f"their offer was {COMPETING:,}", "me")
    _save(wb, path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            parts[name] = data.replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            ).replace(
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _xlsxwriter_book(path: Path, extra: Callable[..., None], *, vba: bytes | None = None) -> Path:
    """The base workbook written by XlsxWriter, then ``extra(wb, offer_sheet)``."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    guide = wb.add_worksheet("Guide")
    guide.write("A1", "Negotiation workbook")
    o = wb.add_worksheet("Offer")
    private_style = wb.add_format({"num_format": "#,##0"})
    values: list[tuple[str, object]] = [
        ("base", 150000),
        ("equity", 60000),
        ("bonus", 0.15),
        ("competing", COMPETING),
        ("floor", FLOOR),
        ("total", "=B1+B2+B1*B3"),
        ("uplift", UPLIFT),
        ("company", COMPANY),
        ("uplifted", "=ROUND(B4*(1+B7),0)"),
        ("sum", "=B4+B5"),
    ]
    for i, (label, value) in enumerate(values):
        o.write(i, 0, label)
        if isinstance(value, str) and value.startswith("="):
            o.write_formula(i, 1, value)
        else:
            o.write(i, 1, value, private_style if i == 4 else None)
    wb.define_name("private_competing_tc", "=Offer!$B$4")
    wb.define_name("private_floor", "=Offer!$B$5")
    wb.define_name("private_uplift", "=Offer!$B$7")
    wb.define_name("private_competing_company", "=Offer!$B$8")
    if vba is not None:
        vba_path = path.with_suffix(".bin")
        vba_path.write_bytes(vba)
        wb.add_vba_project(str(vba_path))
    extra(wb, o)
    wb.close()
    return path


def _textbox(path: Path) -> Path:
    return _xlsxwriter_book(
        path, lambda wb, o: o.insert_textbox("D2", f"competing ${COMPETING:,}", {"width": 200})
    )


def _image_alt_text(path: Path) -> Path:
    from tests.refresh_helpers import png_bytes

    png = path.with_suffix(".png")
    png.write_bytes(png_bytes())
    return _xlsxwriter_book(
        path,
        lambda wb, o: o.insert_image(
            "D2", str(png), {"description": f"floor {FLOOR}", "decorative": False}
        ),
    )


def _linked_shape(path: Path) -> Path:
    return _xlsxwriter_book(
        path, lambda wb, o: o.insert_textbox("D2", "", {"textlink": "=Offer!$B$4"})
    )


def _table_calculated(path: Path) -> Path:
    def extra(wb: object, o: object) -> None:
        o.add_table(  # type: ignore[attr-defined]
            "D1:E3",
            {
                "data": [[1, None], [2, None]],
                "columns": [
                    {"header": "n"},
                    {"header": "scaled", "formula": f"=[@n]*{COMPETING}"},
                ],
            },
        )

    return _xlsxwriter_book(path, extra)


def _table_filter(path: Path) -> Path:
    def extra(wb: object, o: object) -> None:
        o.add_table(
            "D1:E3",
            {
                "data": [[COMPETING, 1], [5, 2]],
                "columns": [{"header": "amount"}, {"header": "k"}],
                "autofilter": True,
            },
        )  # type: ignore[attr-defined]

    _xlsxwriter_book(path, extra)
    # an autofilter criterion quoting the private number, and the table's cell holds it
    # too: the table's own first cell is a copy of B4 typed by hand. A table's cells are
    # public by the workbook's declaration (as a named public input's are), so D2 stays
    # without a warning (a coincidence its author chose); no criterion is left in the
    # table part.
    return edit_package(
        path,
        change={
            "xl/tables/table1.xml": lambda d: re.sub(
                rb"<autoFilter ref=\"([^\"]+)\"\s*/>",
                rb'<autoFilter ref="\1"><filterColumn colId="0"><filters><filter val="$296.4K"/>'
                rb"</filters></filterColumn></autoFilter>",
                d,
            )
        },
    )


def _number_format(path: Path) -> Path:
    def extra(wb: object, o: object) -> None:
        fmt = wb.add_format({"num_format": f'[>={FLOOR}]"high";0'})  # type: ignore[attr-defined]
        o.write("D1", 5, fmt)  # type: ignore[attr-defined]

    return _xlsxwriter_book(path, extra)


def _vba(path: Path) -> Path:
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + f"x = {COMPETING}".encode() * 10
    return _xlsxwriter_book(path.with_suffix(".xlsm"), lambda wb, o: None, vba=blob)


def _macro_sheet(path: Path) -> Path:
    base_openpyxl(path)
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns="{NS_MAIN}" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        f'<sheetData><row r="1"><c r="A1"><f>Offer!B4*2</f><v>{COMPETING * 2}</v></c>'
        f'<c r="B1"><v>{COMPETING}</v></c></row></sheetData></xm:macrosheet>'
    )
    return edit_package(
        path,
        add={"xl/macrosheets/sheet1.xml": sheet.encode()},
        change={
            "[Content_Types].xml": add_override(
                "xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml"
            ),
            "xl/_rels/workbook.xml.rels": add_rel(
                "rIdM1",
                "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                "macrosheets/sheet1.xml",
            ),
            "xl/workbook.xml": lambda d: d.replace(
                b"</sheets>",
                b'<sheet name="Macro1" sheetId="9" r:id="rIdM1" xmlns:r="'
                + NS_R.encode()
                + b'"/></sheets>',
            ),
        },
        out=path,
    )


def _emf(path: Path) -> Path:
    """An EMF picture of the cells (its text records in UTF-16)."""
    from openpyxl.drawing.image import Image  # noqa: F401  (only to show openpyxl cannot)

    base_openpyxl(path)
    emf = (
        b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + f"competing {COMPETING}".encode("utf-16-le")
    )
    drawing = (
        '<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{NS_R}"><xdr:oneCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0'
        "</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        '<xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" '
        'name="Picture 1"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/>'
        '<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect">'
        "<a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>"
        "</xdr:wsDr>"
    )
    part = sheet_part(path, "Offer")
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    return edit_package(
        path,
        add={
            "xl/media/image1.emf": emf,
            "xl/drawings/drawing1.xml": drawing.encode(),
            "xl/drawings/_rels/drawing1.xml.rels": add_rel(
                "rId1", R + "image", "../media/image1.emf"
            )(b""),
        },
        change={
            "[Content_Types].xml": chain(
                add_default("emf", "image/x-emf"),
                add_override(
                    "xl/drawings/drawing1.xml",
                    "application/vnd.openxmlformats-officedocument.drawing+xml",
                ),
            ),
            rels: add_rel("rIdD1", R + "drawing", "../drawings/drawing1.xml"),
            part: lambda d: d.replace(
                b"</worksheet>",
                b'<drawing r:id="rIdD1" xmlns:r="' + NS_R.encode() + b'"/></worksheet>',
            ),
        },
    )


def _binary_part(
    part: str, ctype: str, rtype: str, rid: str, owner: str, data: bytes
) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        base_openpyxl(path)
        owner_part = sheet_part(path, "Offer") if owner == "sheet" else "xl/workbook.xml"
        folder, base = owner_part.rsplit("/", 1)
        rels = f"{folder}/_rels/{base}.rels"
        target = "/" + part
        return edit_package(
            path,
            add={part: data},
            change={
                "[Content_Types].xml": add_override(part, ctype),
                rels: add_rel(rid, rtype, target),
            },
        )

    return build


def _custom_props(encoding: str, *, typed: str = "i4") -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        base_openpyxl(path)
        value = str(COMPETING) if typed != "lpwstr" else f"{COMPANY} bid ${COMPETING / 1000:.1f}K"
        xml = (
            f'<?xml version="1.0" encoding="{encoding.upper()}" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Competing">'
            f"<vt:{typed}>{value}</vt:{typed}></property>"
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Team">'
            "<vt:lpwstr>Platform</vt:lpwstr></property></Properties>"
        )
        data = xml.encode("utf-16") if encoding == "utf-16" else xml.encode()
        return edit_package(
            path,
            add={"docProps/custom.xml": data},
            change={
                "[Content_Types].xml": add_override(
                    "docProps/custom.xml",
                    "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                ),
                "_rels/.rels": add_rel("rIdC1", R + "custom-properties", "docProps/custom.xml"),
            },
        )

    return build


def _chart(title: str, *, utf16: bool = False) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        from openpyxl.chart import BarChart, Reference

        wb = base_openpyxl(path, keep=True)
        o = wb["Offer"]
        chart = BarChart()
        chart.title = title
        chart.add_data(Reference(o, min_col=2, min_row=1, max_row=5))
        o.add_chart(chart, "D2")
        _save(wb, path)
        if utf16:

            def to_utf16(d: bytes) -> bytes:
                body = re.sub(r"^<\?xml[^>]*\?>", "", d.decode("utf-8"))
                return ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16")

            edit_package(path, change={"xl/charts/chart1.xml": to_utf16})
        return path

    return build


def _vml_text(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["A4"].comment = Comment("see the note", "me")
    _save(wb, path)
    return edit_package(
        path,
        change={
            "xl/drawings/commentsDrawing1.vml": lambda d: re.sub(
                rb"(<v:textbox[^>]*>)",
                rb"\1<div>competing <font>$296.4</font><font>K</font></div>",
                d,
                count=1,
            )
        },
    )


def _form_control(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["A4"].comment = Comment("see", "me")
    _save(wb, path)
    return edit_package(
        path,
        change={
            "xl/drawings/commentsDrawing1.vml": lambda d: d.replace(
                b"</x:ClientData>",
                b"<x:FmlaLink>$B$4</x:FmlaLink><x:Val>296417</x:Val></x:ClientData>",
                1,
            )
        },
    )


def _comment_company(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["A2"].comment = Comment(f"call quuxcorp back; {COMPANY} pays well", "me")
    return _save(wb, path)


def _private_constant_name(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb.defined_names["private_bonus_uplift"] = DefinedName(
        "private_bonus_uplift", attr_text="0.0614"
    )
    wb["Offer"]["C1"] = "=B1*(1+private_bonus_uplift)"  # 150000 * 1.0614 = 159,210
    wb["Guide"]["A4"] = "uplift 6.14%"
    return _save(wb, path)


def _whole_sheet_name(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    c = wb.create_sheet("Compare")
    for r in range(1, 40):
        c.cell(r, 1, f"row {r}")
        c.cell(r, 2, 1000 + r)
    c["C3"] = 262144  # a private example value
    wb.defined_names["private_compare"] = DefinedName(
        "private_compare", attr_text="Compare!$1:$1048576"
    )
    return _save(wb, path)


def _whole_column_name(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["D7"] = 262144
    wb.defined_names["private_col"] = DefinedName("private_col", attr_text="Offer!$D:$D")
    return _save(wb, path)


def _pivot(path: Path) -> Path:
    """A pivot table over the private cells: its output cell shows their sum 568,320."""
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["E3"] = "Sum of value"
    wb["Guide"]["F3"] = DERIVED_SUM  # the pivot's output, a plain number in the sheet
    _save(wb, path)
    cache = (
        f'<?xml version="1.0" encoding="UTF-8"?><pivotCacheDefinition xmlns="{NS_MAIN}" '
        f'xmlns:r="{NS_R}" r:id="rId1" recordCount="2"><cacheSource type="worksheet">'
        '<worksheetSource ref="A4:B5" sheet="Offer"/></cacheSource><cacheFields count="2">'
        '<cacheField name="label" numFmtId="0"><sharedItems/></cacheField>'
        f'<cacheField name="value" numFmtId="0"><sharedItems containsNumber="1" minValue="{FLOOR}" '
        f'maxValue="{COMPETING}"/></cacheField></cacheFields></pivotCacheDefinition>'
    )
    records = (
        f'<?xml version="1.0" encoding="UTF-8"?><pivotCacheRecords xmlns="{NS_MAIN}" count="2">'
        f'<r><s v="competing"/><n v="{COMPETING}"/></r><r><s v="floor"/><n v="{FLOOR}"/></r>'
        "</pivotCacheRecords>"
    )
    table = (
        f'<?xml version="1.0" encoding="UTF-8"?><pivotTableDefinition xmlns="{NS_MAIN}" '
        'name="PivotTable1" cacheId="1" dataCaption="Values"><location ref="E3:F3" '
        'firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/><pivotFields count="2">'
        '<pivotField showAll="0"/><pivotField dataField="1" showAll="0"/></pivotFields>'
        '<dataFields count="1"><dataField name="Sum of value" fld="1" baseField="0" '
        'baseItem="0"/></dataFields></pivotTableDefinition>'
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    return edit_package(
        path,
        add={
            "xl/pivotCache/pivotCacheDefinition1.xml": cache.encode(),
            "xl/pivotCache/pivotCacheRecords1.xml": records.encode(),
            "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": add_rel(
                "rId1", R + "pivotCacheRecords", "pivotCacheRecords1.xml"
            )(b""),
            "xl/pivotTables/pivotTable1.xml": table.encode(),
            "xl/pivotTables/_rels/pivotTable1.xml.rels": add_rel(
                "rId1", R + "pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml"
            )(b""),
            "xl/worksheets/_rels/sheet1.xml.rels": add_rel(
                "rIdP1", R + "pivotTable", "../pivotTables/pivotTable1.xml"
            )(b""),
        },
        change={
            "[Content_Types].xml": chain(
                add_override(
                    "xl/pivotCache/pivotCacheDefinition1.xml", ct + "pivotCacheDefinition+xml"
                ),
                add_override("xl/pivotCache/pivotCacheRecords1.xml", ct + "pivotCacheRecords+xml"),
                add_override("xl/pivotTables/pivotTable1.xml", ct + "pivotTable+xml"),
            ),
            "xl/_rels/workbook.xml.rels": add_rel(
                "rIdPC1", R + "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml"
            ),
            "xl/workbook.xml": lambda d: d.replace(
                b"</workbook>",
                b'<pivotCaches><pivotCache cacheId="1" r:id="rIdPC1" xmlns:r="'
                + NS_R.encode()
                + b'"/></pivotCaches></workbook>',
            ),
        },
    )


def _shared_formula_orphan(path: Path) -> Path:
    """A shared formula whose master reads a private cell and whose last child does not."""
    base_openpyxl(path)
    part = sheet_part(path, "Offer")

    def fn(d: bytes) -> bytes:
        cells = b'<c r="D4"><f t="shared" ref="D4:D6" si="0">B4*2</f><v>0</v></c>'
        d = re.sub(
            rb'(<row r="4"[^>]*>.*?)(</row>)',
            lambda m: m.group(1) + cells + m.group(2),
            d,
            count=1,
            flags=re.S,
        )
        d = re.sub(
            rb'(<row r="5"[^>]*>.*?)(</row>)',
            lambda m: m.group(1) + b'<c r="D5"><f t="shared" si="0"/><v>0</v></c>' + m.group(2),
            d,
            count=1,
            flags=re.S,
        )
        d = re.sub(
            rb'(<row r="6"[^>]*>.*?)(</row>)',
            lambda m: m.group(1) + b'<c r="D6"><f t="shared" si="0"/><v>0</v></c>' + m.group(2),
            d,
            count=1,
            flags=re.S,
        )
        return d

    return edit_package(path, change={part: fn})


def _typed_derived(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["C5"] = DERIVED_UPLIFTED  # a private formula's value typed elsewhere
    return _save(wb, path)


def _coincidence(path: Path) -> Path:
    """The issue's example: a public base equal to an example value in a private cell."""
    wb = base_openpyxl(path, keep=True)
    c = wb.create_sheet("Compare")
    c["A1"] = "offer 2 base"
    c["B1"] = 150000  # the same as the public base Offer!B1
    wb.defined_names["private_compare"] = DefinedName("private_compare", attr_text="Compare!$B$1")
    return _save(wb, path)


def _data_table(path: Path) -> Path:
    """An Excel what-if data table over a private value, as Excel writes it: the edge
    formula ``Offer!C19`` = B4 + B1 (296,417 + 150,000 = 446,417), the anchor ``C20``
    holding ``<f t="dataTable" ref="C20:C21" r1="B1"/>`` and the results only as cached
    values: B4 + 100,000 = 396,417 and B4 + 200,000 = 496,417."""
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["C19"] = "=B4+B1"
    _save(wb, path)
    rows = (
        b'<row r="20"><c r="B20"><v>100000</v></c><c r="C20">'
        b'<f t="dataTable" ref="C20:C21" dt2D="0" dtr="0" r1="B1"/><v>396417</v></c></row>'
        b'<row r="21"><c r="B21"><v>200000</v></c><c r="C21"><v>496417</v></c></row>'
    )
    return edit_package(
        path, change={sheet_part(path, "Offer"): insert_before(b"</sheetData>", rows)}
    )


def _external_formula_private(path: Path) -> Path:
    """A formula reading another workbook (``=[1]Offers!A1``) whose cached value is the
    competing offer: computed, never a coincidence."""
    _external_link(path)
    guide = sheet_part(path, "Guide")

    def fn(d: bytes) -> bytes:
        cell = f'<c r="B10"><f>[1]Offers!A1</f><v>{COMPETING}</v></c>'.encode()
        return d.replace(b"</sheetData>", b'<row r="10">' + cell + b"</row></sheetData>")

    return edit_package(path, change={guide: fn})


def _union_name(path: Path) -> Path:
    """A private name over a non-contiguous range ``(Offer!$D$2,Offer!$D$4)``: both areas
    are private (123,457 and 234,568)."""
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["D2"] = 123457
    wb["Offer"]["D4"] = 234568
    wb.defined_names["private_union"] = DefinedName(
        "private_union", attr_text="(Offer!$D$2,Offer!$D$4)"
    )
    return _save(wb, path)


def _company_in_capitals(path: Path) -> Path:
    """The private company written in capitals and in lower case, as a whole cell (not a
    coincidence: a name is the private text itself), in a sentence, and in a comment."""
    wb = base_openpyxl(path, keep=True)
    g = wb["Guide"]
    g["A3"] = COMPANY.upper()
    g["A4"] = COMPANY.lower()
    g["A5"] = f"call {COMPANY.upper()} back"
    g["A6"].comment = Comment(f"{COMPANY.upper()} bid", "me")
    return _save(wb, path)


def _european_prompt(path: Path) -> Path:
    """A data-validation prompt with the floor in continental grouping (271.903)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = base_openpyxl(path, keep=True)
    dv = DataValidation(type="whole", prompt="floor 271.903", showInputMessage=True)
    dv.add("C2")
    wb["Offer"].add_data_validation(dv)
    return _save(wb, path)


def _private_date(path: Path) -> Path:
    """A private reply-by date (2027-03-15, Excel's serial 46461: 2027-03-15 is 46,461
    days after 1899-12-30) written elsewhere as text in three forms."""
    import datetime

    wb = base_openpyxl(path, keep=True)
    o = wb["Offer"]
    o["B12"] = datetime.date(2027, 3, 15)
    o["B12"].number_format = "yyyy-mm-dd"
    wb.defined_names["private_deadline"] = DefinedName("private_deadline", attr_text="Offer!$B$12")
    g = wb["Guide"]
    g["A3"] = "reply by 2027-03-15"
    g["A4"] = "reply by 3/15/2027"
    g["A5"] = "reply by 15 March 2027"
    return _save(wb, path)


def _displayed_equal(path: Path) -> Path:
    """Public numbers that show a private value under their number format: 296,417.4 as
    ``$296,417`` ("$"#,##0) and 296.417 as ``$296.4K`` ("$"0.0"K")."""
    wb = base_openpyxl(path, keep=True)
    g = wb["Guide"]
    g["B3"] = 296417.4
    g["B3"].number_format = '"$"#,##0'
    g["B4"] = 296.417
    g["B4"].number_format = '"$"0.0"K"'
    return _save(wb, path)


def _core_title(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb.properties.title = f"Offer vs {COMPANY}"
    wb.properties.subject = "$296K competing"
    wb.properties.keywords = "2.96417E+05"
    wb.properties.description = f"floor {FLOOR:,}"
    return _save(wb, path)


def _app_company(path: Path) -> Path:
    base_openpyxl(path)
    return edit_package(
        path,
        change={
            "docProps/app.xml": lambda d: d.replace(
                b"</Properties>",
                f"<Company>{COMPANY}</Company><Manager>271 903</Manager></Properties>".encode(),
            )
        },
    )


def _header_footer(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Offer"].oddHeader.center.text = f"Competing ${COMPETING:,}"
    return _save(wb, path)


def _data_validation(path: Path) -> Path:
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = base_openpyxl(path, keep=True)
    dv = DataValidation(type="whole", operator="lessThan", formula1=str(FLOOR))
    dv.prompt = f"below {COMPANY}'s offer"
    dv.add("C1")
    wb["Offer"].add_data_validation(dv)
    return _save(wb, path)


def _conditional_format(path: Path) -> Path:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    wb = base_openpyxl(path, keep=True)
    wb["Offer"].conditional_formatting.add(
        "B1:B3",
        CellIsRule(
            operator="greaterThan", formula=[str(COMPETING)], fill=PatternFill("solid", "FF0000")
        ),
    )
    return _save(wb, path)


def _hyperlink(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    cell = wb["Guide"]["A6"]
    cell.value = "offer letter"
    cell.hyperlink = f"https://example.com/offer?amount={COMPETING}"
    cell.hyperlink.tooltip = f"{COMPANY} letter"
    return _save(wb, path)


def _formula_constant(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["B7"] = f"=150000+{COMPETING}"
    return _save(wb, path)


def _string_formula(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["B8"] = '="vs "&Offer!B8'
    return _save(wb, path)


def _sheet_named_company(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb.create_sheet(COMPANY)
    return _save(wb, path)


def _custom_xml(path: Path) -> Path:
    base_openpyxl(path)
    return edit_package(
        path,
        add={
            "customXml/item1.xml": f"<offer><competing>{COMPETING}</competing></offer>".encode(),
            "customXml/_rels/item1.xml.rels": add_rel(
                "rId1", R + "customXmlProps", "itemProps1.xml"
            )(b""),
            "customXml/itemProps1.xml": b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{1}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>',
        },
        change={
            "xl/_rels/workbook.xml.rels": add_rel(
                "rIdX1", R + "customXml", "../customXml/item1.xml"
            ),
            "[Content_Types].xml": add_override(
                "customXml/itemProps1.xml",
                "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
            ),
        },
    )


def _external_link(path: Path) -> Path:
    """An external-link cache holding the competing offer, and a formula reading another
    cell of that workbook (its value, 4,321, is public and stays as a value)."""
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["B9"] = "=[1]Offers!A2"
    _save(wb, path)
    link = (
        f'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Offers"/></sheetNames>'
        f'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>{COMPETING}</v></cell>'
        '</row><row r="2"><cell r="A2"><v>4321</v></cell></row></sheetData></sheetDataSet>'
        "</externalBook></externalLink>"
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
    return edit_package(
        path,
        add={
            "xl/externalLinks/externalLink1.xml": link.encode(),
            "xl/externalLinks/_rels/externalLink1.xml.rels": add_rel(
                "rId1", R + "externalLinkPath", "offers.xlsx", external=True
            )(b""),
        },
        change={
            "[Content_Types].xml": add_override("xl/externalLinks/externalLink1.xml", ct),
            "xl/_rels/workbook.xml.rels": add_rel(
                "rIdE1", R + "externalLink", "externalLinks/externalLink1.xml"
            ),
            "xl/workbook.xml": lambda d: d.replace(
                b"<definedNames>",
                b'<externalReferences><externalReference r:id="rIdE1" xmlns:r="'
                + NS_R.encode()
                + b'"/></externalReferences><definedNames>',
            ),
        },
    )


def _png_text_chunk(path: Path) -> Path:
    import struct
    import zlib

    from tests.refresh_helpers import png_bytes

    png = png_bytes()
    body = b"tEXt" + b"Comment\x00" + f"competing {COMPETING}".encode()
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    png = png[:33] + chunk + png[33:]
    src = path.with_suffix(".png")
    src.write_bytes(png)

    def extra(wb: object, o: object) -> None:
        o.insert_image("D2", str(src))  # type: ignore[attr-defined]

    return _xlsxwriter_book(path, extra)


def _chart_cache(path: Path) -> Path:
    from openpyxl.chart import BarChart, Reference

    wb = base_openpyxl(path, keep=True)
    o = wb["Offer"]
    chart = BarChart()
    chart.add_data(Reference(o, min_col=2, min_row=4, max_row=5))
    o.add_chart(chart, "D2")
    _save(wb, path)
    # Give the series a cache with the private values, as Excel writes it.
    return edit_package(
        path,
        change={
            "xl/charts/chart1.xml": lambda d: re.sub(
                rb"(<c:f>[^<]*</c:f>)",
                rb"\1<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val=\"2\"/>"
                rb"<c:pt idx=\"0\"><c:v>296417</c:v></c:pt><c:pt idx=\"1\"><c:v>271903</c:v>"
                rb"</c:pt></c:numCache>",
                d,
                count=1,
            )
        },
    )


def _lite_code(path: Path) -> Path:
    from xlcomp.lite import build_lite

    base_openpyxl(path)
    lite = path.with_name(path.stem + "-lite.xlsx")
    build_lite(path, lite)
    # the user typed the competing offer into the Lite code
    return edit_package(
        lite,
        change={
            "xl/webextensions/webextension1.xml": lambda d: d.replace(
                b"</we:properties>",
                b'<we:property name="notes.txt" value="&quot;competing 296417&quot;"/>'
                b"</we:properties>",
            )
        },
        out=path,
    )


def _threaded_comment(path: Path) -> Path:
    base_openpyxl(path)
    part = (
        '<?xml version="1.0" encoding="UTF-8"?><ThreadedComments '
        'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        '<threadedComment ref="B4" id="{1}" personId="{2}"><text>competing 296,417</text>'
        "</threadedComment></ThreadedComments>"
    )
    sheet = sheet_part(path, "Offer")
    folder, base = sheet.rsplit("/", 1)
    return edit_package(
        path,
        add={"xl/threadedComments/threadedComment1.xml": part.encode()},
        change={
            "[Content_Types].xml": add_override(
                "xl/threadedComments/threadedComment1.xml",
                "application/vnd.ms-excel.threadedcomments+xml",
            ),
            f"{folder}/_rels/{base}.rels": add_rel(
                "rIdT1",
                "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                "../threadedComments/threadedComment1.xml",
            ),
        },
    )


def _unknown_part(path: Path) -> Path:
    base_openpyxl(path)
    return edit_package(
        path, add={"xl/notes/secret.txt": f"{COMPANY} {COMPETING}".encode("utf-16")}
    )


def _comment_author(path: Path) -> Path:
    wb = base_openpyxl(path, keep=True)
    wb["Guide"]["A2"].comment = Comment("ask HR", COMPANY)
    return _save(wb, path)


def _rounded_float(path: Path) -> Path:
    """A computed value with float noise shown rounded in a label."""
    wb = base_openpyxl(path, keep=True)
    wb["Offer"]["B11"] = "=B4+114763.00000000006"  # 411,180.00000000006, derived
    wb["Guide"]["A9"] = "target $411,180"
    return _save(wb, path)


def cases() -> list[Case]:
    """Every attack, by class."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    return [
        Case("strict", "strict-namespaces", _strict),
        Case("drawing", "text-box", _textbox),
        Case("drawing", "image-alt-text", _image_alt_text),
        Case("drawing", "linked-shape", _linked_shape),
        Case("drawing", "png-text-chunk", _png_text_chunk),
        Case("vml", "note-text-split", _vml_text),
        Case("vml", "form-control-link", _form_control),
        Case(
            "table", "calculated-column-constant", _table_calculated, extra_numbers=(COMPETING * 2,)
        ),
        Case(
            "table",
            "autofilter-criterion",
            _table_filter,
            allowed={"sheet": {"296417"}},
        ),
        Case("styles", "number-format-threshold", _number_format),
        Case("binary", "vba-project", _vba),
        Case("binary", "macro-sheet", _macro_sheet, extra_numbers=(COMPETING * 2,)),
        Case("binary", "emf-picture", _emf),
        Case(
            "binary",
            "printer-settings",
            _binary_part(
                "xl/printerSettings/printerSettings1.bin",
                ct + "printerSettings",
                R + "printerSettings",
                "rIdPS1",
                "sheet",
                f"x{COMPETING}".encode("utf-16-le"),
            ),
        ),
        Case("binary", "custom-xml", _custom_xml),
        Case("binary", "external-link-cache", _external_link),
        Case("binary", "threaded-comment", _threaded_comment),
        Case("binary", "unknown-part", _unknown_part),
        Case("forms", "rounded-K", _label_in_guide("competing $296.4K")),
        Case("forms", "whole-K", _label_in_guide("about 296K")),
        Case("forms", "scientific", _label_in_guide("2.96417E+05")),
        Case("forms", "space-grouped", _label_in_guide("296 417")),
        Case("forms", "rich-text-split", _rich_split),
        Case("forms", "float-noise-rounded", _rounded_float, extra_numbers=(411180,)),
        Case("forms", "millions", _label_in_guide("sum $0.568M")),
        Case(
            "values",
            "private-constant-name",
            _private_constant_name,
            extra_numbers=(0.0614, 159210),
        ),
        Case("values", "short-text-in-comment", _comment_company),
        Case("values", "small-percent", _label_in_guide("uplift 7.37%")),
        Case("values", "comment-author", _comment_author),
        Case("values", "chart-title-percent", _chart("uplift 7.37% vs Quuxcorp")),
        Case("derived", "pivot-output", _pivot),
        Case(
            "derived",
            "typed-derived-value",
            _typed_derived,
            expect="warn",
            allowed={"sheet": {"318263"}},
        ),
        Case("derived", "formula-constant", _formula_constant, extra_numbers=(446417,)),
        Case("derived", "string-formula", _string_formula),
        Case("derived", "data-table", _data_table, extra_numbers=(446417, 396417, 496417)),
        Case("derived", "external-formula-equal-to-private", _external_formula_private),
        Case("values", "union-private-name", _union_name, extra_numbers=(123457, 234568)),
        Case("values", "company-in-capitals", _company_in_capitals),
        Case(
            "values",
            "private-date-as-text",
            _private_date,
            extra_texts=("2027-03-15", "3/15/2027", "15 March 2027", "46461"),
        ),
        Case("values", "displayed-equals-private", _displayed_equal, extra_texts=("296417.4",)),
        Case("forms", "european-grouping", _label_in_guide("rival 296.417 EUR")),
        Case("forms", "decimal-comma-percent", _label_in_guide("ask 7,37% above the best")),
        Case("other", "european-form-in-validation-prompt", _european_prompt),
        Case("derived", "chart-cache", _chart_cache),
        Case("crash", "utf16-custom-properties", _custom_props("utf-16")),
        Case("crash", "utf16-chart", _chart("Quuxcorp $296K", utf16=True)),
        Case("crash", "whole-sheet-private-name", _whole_sheet_name, extra_numbers=(262144,)),
        Case("crash", "whole-column-private-name", _whole_column_name, extra_numbers=(262144,)),
        Case("output", "vt-i4-property", _custom_props("utf-8")),
        Case("output", "lpwstr-property", _custom_props("utf-8", typed="lpwstr")),
        Case(
            "output",
            "shared-formula-orphan",
            _shared_formula_orphan,
            extra_numbers=(COMPETING * 2,),
        ),
        Case("coincidence", "public-base-equals-private-example", _coincidence, expect="warn"),
        Case("other", "core-properties", _core_title),
        Case("other", "app-properties", _app_company),
        Case("other", "header-footer", _header_footer),
        Case("other", "data-validation", _data_validation),
        Case("other", "conditional-format", _conditional_format),
        Case("other", "hyperlink", _hyperlink),
        Case("other", "sheet-named-after-company", _sheet_named_company, expect="refuse"),
        Case("other", "lite-code", _lite_code, expect="refuse"),
    ]


def main(argv: list[str]) -> int:
    """Write every case to the folder ``argv[0]``."""
    folder = Path(argv[0] if argv else "attack-corpus")
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases():
        built = case.build(folder / f"{case.klass}-{case.name}.xlsx")
        print(f"{case.klass:12} {case.expect:7} {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
