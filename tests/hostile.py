"""Hostile and broken files posing as workbooks, built on demand in a test's tmp folder.

Every case of :data:`CASES` builds one file and says how xlcomp must refuse it: the reason
its one-line error gives, whether it is an attack (:class:`UnsafeWorkbookError`) or just
not a workbook (:class:`WorkbookError`), the part the message names, and the earliest step
that refuses it (``Package.open`` from the zip directory alone, ``open_workbook`` when it
checks the workbook and the XML prologs, or ``read`` when a part is read in full).

Zips are written by hand (:func:`write_zip`) so that a test can lie in headers, repeat or
misname entries, and stream a 2 GiB bomb to disk as 2 MiB without ever holding 2 GiB:
deflate output of zeros, flushed every MiB, repeats byte for byte, so the bomb's payload is
one 1 KiB piece written 2048 times, and its CRC is computed over a reused 1 MiB of zeros.
"""

from __future__ import annotations

import functools
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xlcomp.ooxml.limits import GiB, MiB

STORED = 0
DEFLATED = 8
_DOS_DATE_1980 = 0x21  # 1980-01-01

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CANARY = "XLCOMP-SECRET-CANARY-7f3a"
"""Text of the local file the external-entity case points at; must never show up."""


# --------------------------------------------------------------------------- zip writing


@dataclass
class RawEntry:
    """One zip entry exactly as written: the header fields may lie about the payload."""

    name: str | bytes
    chunks: Callable[[], Iterator[bytes]]
    crc: int
    compress_size: int
    file_size: int
    method: int = DEFLATED
    flags: int = 0


def deflated(name: str | bytes, payload: bytes) -> RawEntry:
    """An honest deflated entry."""
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = comp.compress(payload) + comp.flush()
    return RawEntry(name, lambda: iter((data,)), zlib.crc32(payload), len(data), len(payload))


def stored(name: str | bytes, payload: bytes) -> RawEntry:
    """An honest stored (uncompressed) entry."""
    return RawEntry(
        name, lambda: iter((payload,)), zlib.crc32(payload), len(payload), len(payload), STORED
    )


def write_zip(path: Path, entries: list[RawEntry]) -> Path:
    """Write ``entries`` as a zip at ``path``, streaming each payload; return ``path``."""
    central: list[bytes] = []
    with open(path, "wb") as fh:
        for entry in entries:
            name = entry.name.encode("utf-8") if isinstance(entry.name, str) else entry.name
            flags = entry.flags | (0x800 if not name.isascii() else 0)
            offset = fh.tell()
            fh.write(
                struct.pack(
                    "<4s5H3L2H",
                    b"PK\x03\x04",
                    20,
                    flags,
                    entry.method,
                    0,
                    _DOS_DATE_1980,
                    entry.crc,
                    entry.compress_size,
                    entry.file_size,
                    len(name),
                    0,
                )
            )
            fh.write(name)
            for chunk in entry.chunks():
                fh.write(chunk)
            central.append(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    flags,
                    entry.method,
                    0,
                    _DOS_DATE_1980,
                    entry.crc,
                    entry.compress_size,
                    entry.file_size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        start = fh.tell()
        directory = b"".join(central)
        fh.write(directory)
        count = len(entries)
        fh.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
        )
    return path


@functools.cache
def _repeated_crc(block: bytes, times: int) -> int:
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return crc


def repeated_block_entry(
    name: str, block: bytes, times: int, *, declared_size: int | None = None
) -> RawEntry:
    """An entry inflating to ``block * times``, streamed: its payload is one deflated piece
    (flushed so that it stands alone) repeated ``times`` times, then an empty final block.

    ``declared_size`` makes the header lie about the inflated size (CRC and payload stay
    those of the real content).
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    final = comp.flush()

    def chunks() -> Iterator[bytes]:
        for _ in range(times):
            yield piece
        yield final

    size = len(block) * times
    return RawEntry(
        name,
        chunks,
        _repeated_crc(block, times),
        len(piece) * times + len(final),
        size if declared_size is None else declared_size,
    )


# --------------------------------------------------------------------------- a real workbook


def _content_types(extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{extra}</Types>"
    )


def sheet_xml(rows: int = 3, marker: str = "") -> str:
    """A worksheet with ``rows`` rows of a label, a number and a formula."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>row {r}{marker}</t></is></c>'
        f'<c r="B{r}"><v>{r * 1.5}</v></c><c r="C{r}"><f>B{r}*2</f><v>{r * 3.0}</v></c></row>'
        for r in range(1, rows + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheetData>{cells}</sheetData>'
        "</worksheet>"
    )


def workbook_parts(sheet: str | None = None, content_types: str | None = None) -> dict[str, str]:
    """The parts of a minimal valid workbook (one sheet), in the order Excel writes them."""
    return {
        "[Content_Types].xml": content_types or _content_types(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet or sheet_xml(),
    }


def workbook_entries(**replace: str) -> list[RawEntry]:
    """Deflated entries of :func:`workbook_parts`."""
    return [deflated(name, text.encode()) for name, text in workbook_parts(**replace).items()]


def benign(tmp: Path) -> Path:
    """A small valid workbook: the control every command must accept."""
    return write_zip(tmp / "benign.xlsx", workbook_entries())


# --------------------------------------------------------------------------- XML attacks


def billion_laughs(root: str = "worksheet") -> str:
    """Ten levels of ten references: 10^9 ``lol`` (3 GB) from under 1 KB."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{entities}]>\n'
        f'<{root} xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        f"<is><t>&lol9;</t></is></c></row></sheetData></{root}>"
    )


def laughs_in_sheet(tmp: Path) -> Path:
    return write_zip(tmp / "laughs-sheet.xlsx", workbook_entries(sheet=billion_laughs()))


def laughs_in_content_types(tmp: Path) -> Path:
    types = billion_laughs("Types").replace(
        f'<Types xmlns="{SHEET_NS}"><sheetData>',
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><x>',
    )
    return write_zip(tmp / "laughs-types.xlsx", workbook_entries(content_types=types))


def secret_file(tmp: Path) -> Path:
    """A local file holding :data:`CANARY`, the target of the external-entity case."""
    secret = tmp / "secret.txt"
    secret.write_text(CANARY)
    return secret


def xxe_sheet(target_url: str) -> str:
    """A sheet whose cell A1 pulls in ``target_url`` through an external entity."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target_url}">]>\n'
        f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>"
    )


def xxe_local_file(tmp: Path) -> Path:
    url = secret_file(tmp).resolve().as_uri()
    return write_zip(tmp / "xxe.xlsx", workbook_entries(sheet=xxe_sheet(url)))


def xxe_parameter_entity(tmp: Path, url: str = "http://127.0.0.1:9/evil.dtd") -> Path:
    """An external DTD pulled by a parameter entity (the blind, out-of-band variant)."""
    sheet = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE worksheet [<!ENTITY % ext SYSTEM "{url}"> %ext;]>\n'
        f'<worksheet xmlns="{SHEET_NS}"><sheetData/></worksheet>'
    )
    return write_zip(tmp / "xxe-param.xlsx", workbook_entries(sheet=sheet))


def deep_nesting(tmp: Path) -> Path:
    """A sheet nested 100,000 elements deep (a stack-exhaustion attack on parsers)."""
    depth = 100_000
    sheet = f'<worksheet xmlns="{SHEET_NS}">' + "<x>" * depth + "</x>" * depth + "</worksheet>"
    return write_zip(tmp / "deep.xlsx", workbook_entries(sheet=sheet))


# --------------------------------------------------------------------------- zip attacks

BOMB_SIZE = 2 * GiB


def zip_bomb(tmp: Path) -> Path:
    """A workbook whose sheet inflates to 2 GiB of zeros, in about 2 MiB on disk."""
    entries = workbook_entries()
    entries[-1] = repeated_block_entry("xl/worksheets/sheet1.xml", bytes(MiB), BOMB_SIZE // MiB)
    return write_zip(tmp / "bomb.xlsx", entries)


def lying_bomb(tmp: Path) -> Path:
    """The 2 GiB bomb with a header that claims the sheet inflates to 400 bytes."""
    entries = workbook_entries()
    real = f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode().ljust(MiB, b" ")
    entries[-1] = repeated_block_entry(
        "xl/worksheets/sheet1.xml", real, BOMB_SIZE // MiB, declared_size=400
    )
    return write_zip(tmp / "lying-bomb.xlsx", entries)


def high_ratio_part(tmp: Path) -> Path:
    """A 64 MiB image of zeros in 64 KiB: under the size limits, 1000x over the ratio limit."""
    entries = workbook_entries()
    entries.append(repeated_block_entry("xl/media/image1.png", bytes(MiB), 64))
    return write_zip(tmp / "high-ratio.xlsx", entries)


def total_over_limit(tmp: Path) -> Path:
    """Three 200 MiB parts inflating 45x each: every part passes, their 600 MiB total does not."""
    block = random.Random(8).randbytes(16 * 1024) * 64
    entries = workbook_entries()
    entries += [repeated_block_entry(f"xl/media/image{i}.bin", block, 200) for i in (1, 2, 3)]
    return write_zip(tmp / "total.xlsx", entries)


def too_many_parts(tmp: Path) -> Path:
    """A workbook followed by 50,000 empty parts (the zip directory as a memory bomb)."""
    entries = workbook_entries() + [stored(f"p/{i}", b"") for i in range(50_000)]
    return write_zip(tmp / "many.xlsx", entries)


def _with_extra_entry(tmp: Path, file: str, name: str | bytes) -> Path:
    entries = workbook_entries()
    entries.append(deflated(name, b"pwned"))
    return write_zip(tmp / file, entries)


def traversal_name(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "traversal.xlsx", "../../x")


def absolute_name(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "absolute.xlsx", "/tmp/x")


def backslash_name(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "backslash.xlsx", "xl\\..\\..\\x")


def drive_name(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "drive.xlsx", "C:/Windows/x")


def nul_name(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "nul.xlsx", "xl/styles.xml\x00../../x")


def duplicate_name(tmp: Path) -> Path:
    entries = workbook_entries()
    entries.append(deflated("xl/worksheets/sheet1.xml", sheet_xml(marker=" (second)").encode()))
    return write_zip(tmp / "duplicate.xlsx", entries)


def duplicate_name_case(tmp: Path) -> Path:
    return _with_extra_entry(tmp, "duplicate-case.xlsx", "XL/Workbook.xml")


def encrypted_entry(tmp: Path) -> Path:
    """A zip whose sheet entry is flagged as encrypted with a zip password."""
    entries = workbook_entries()
    entries[-1].flags |= 0x1
    return write_zip(tmp / "zipcrypto.xlsx", entries)


def bzip2_entry(tmp: Path) -> Path:
    """A sheet compressed with bzip2 (method 12), which no workbook uses."""
    entries = workbook_entries()
    entries[-1].method = 12
    return write_zip(tmp / "bzip2.xlsx", entries)


# --------------------------------------------------------------------------- not workbooks


def truncated_zip(tmp: Path) -> Path:
    """The first half of a valid workbook (a broken download)."""
    whole = benign(tmp).read_bytes()
    (tmp / "benign.xlsx").unlink()
    path = tmp / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def truncated_tail(tmp: Path) -> Path:
    """A valid workbook without its last 10 bytes (the end-of-archive record cut)."""
    whole = benign(tmp).read_bytes()
    (tmp / "benign.xlsx").unlink()
    path = tmp / "cut-tail.xlsx"
    path.write_bytes(whole[:-10])
    return path


def text_file(tmp: Path) -> Path:
    path = tmp / "salaries.xlsx"
    path.write_text("name,base,bonus\nAda,200000,0.15\nGrace,185000,0.1\n")
    return path


def html_file(tmp: Path) -> Path:
    path = tmp / "export.xlsx"
    path.write_text("<html><body><table><tr><td>base</td></tr></table></body></html>\n")
    return path


def empty_file(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def plain_zip(tmp: Path) -> Path:
    """A zip of a text file: a zip, not an Office document."""
    return write_zip(tmp / "plain.xlsx", [deflated("readme.txt", b"hello")])


def no_workbook_part(tmp: Path) -> Path:
    """An Office package whose workbook part is missing."""
    entries = [e for e in workbook_entries() if e.name != "xl/workbook.xml"]
    return write_zip(tmp / "no-workbook.xlsx", entries)


def word_document(tmp: Path) -> Path:
    """A .docx package renamed .xlsx."""
    doc_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{doc_type}"/></Types>'
    )
    rels = (
        f'<?xml version="1.0"?>\n<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    parts = {"[Content_Types].xml": types, "_rels/.rels": rels, "word/document.xml": doc}
    return write_zip(tmp / "letter.xlsx", [deflated(n, t.encode()) for n, t in parts.items()])


# --------------------------------------------------------------------------- OLE2 files

_SECTOR = 512
_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB version 3) holding ``streams`` in the root storage.

    Streams are padded to at least 4096 bytes so that they live in regular sectors (no mini
    stream). Layout: sector 0 the FAT, sector 1 the directory, then each stream's sectors.
    Entries are linked in a degenerate (all black, left-leaning) tree in CFB name order.
    """
    padded = {name: data.ljust(4096, b"\0") for name, data in streams.items()}
    assert len(padded) <= 3 and all(len(d) % _SECTOR == 0 for d in padded.values())
    fat = [_FAT, _END]
    starts: dict[str, int] = {}
    for name, data in padded.items():
        count = len(data) // _SECTOR
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END]
    assert len(fat) <= _SECTOR // 4
    fat += [_FREE] * (_SECTOR // 4 - len(fat))

    order = sorted(padded, key=lambda n: (len(n), n.upper()))
    ids = {name: i + 1 for i, name in enumerate(order)}

    def entry(
        name: str, kind: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        raw = name.encode("utf-16-le")
        return struct.pack(
            "<64sHBB3L16sL16sLQ",
            raw,
            len(raw) + 2,
            kind,
            1,
            left,
            right,
            child,
            b"",
            0,
            b"",
            start,
            size,
        )

    directory = entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, ids[order[-1]], _END, 0)
    for i, name in enumerate(order):
        left = ids[order[i - 1]] if i else _NOSTREAM
        directory += entry(name, 2, left, _NOSTREAM, _NOSTREAM, starts[name], len(padded[name]))
    directory = directory.ljust(_SECTOR, b"\0")
    for offset in range((len(order) + 1) * 128, _SECTOR, 128):  # unused entries
        directory = (
            directory[: offset + 68]
            + struct.pack("<3L", *([_NOSTREAM] * 3))
            + directory[offset + 80 :]
        )

    header = struct.pack(
        "<8s16s5H6s9L",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"",
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"",
        0,
        1,
        1,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    )
    difat = struct.pack("<109L", 0, *([_FREE] * 108))
    body = struct.pack(f"<{_SECTOR // 4}L", *fat) + directory + b"".join(padded.values())
    return header + difat + body


def encrypted_workbook(tmp: Path) -> Path:
    """What Excel writes for a workbook with a password to open: an OLE2 file holding
    ``EncryptionInfo`` (agile encryption, version 4.4) and ``EncryptedPackage``."""
    info = struct.pack("<HHL", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        b'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>'
    )
    package = struct.pack("<Q", 6000) + random.Random(5).randbytes(8184)
    path = tmp / "locked.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


def legacy_xls(tmp: Path) -> Path:
    """An Excel 97-2003 workbook (an OLE2 file with a ``Workbook`` stream) named .xlsx."""
    path = tmp / "old.xlsx"
    path.write_bytes(compound_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"}))
    return path


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Hostile:
    """A hostile or broken file and how it must be refused."""

    id: str
    build: Callable[[Path], Path]
    reason: str
    """Text the one-line error must contain (after the file name)."""
    unsafe: bool
    """An attack: UnsafeWorkbookError. Otherwise a plain WorkbookError (not a workbook)."""
    stage: str
    """The earliest step that refuses it: 'Package.open', 'open_workbook' or 'read'."""
    part: str | None = None
    """The part the message names, if any."""
    tags: frozenset[str] = field(default_factory=frozenset)


DTD = "refused XML with a DTD"
CASES: list[Hostile] = [
    Hostile(
        "billion-laughs-sheet",
        laughs_in_sheet,
        DTD,
        True,
        "open_workbook",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "billion-laughs-content-types",
        laughs_in_content_types,
        DTD,
        True,
        "open_workbook",
        "[Content_Types].xml",
    ),
    Hostile(
        "xxe-local-file", xxe_local_file, DTD, True, "open_workbook", "xl/worksheets/sheet1.xml"
    ),
    Hostile(
        "xxe-parameter-entity",
        xxe_parameter_entity,
        DTD,
        True,
        "open_workbook",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "deep-nesting",
        deep_nesting,
        "over the parser's safety limits",
        True,
        "read",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "zip-bomb-2gib",
        zip_bomb,
        "would inflate to 2 GiB, over the 256 MiB limit per part",
        True,
        "Package.open",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "zip-bomb-lying-header",
        lying_bomb,
        "truncated or corrupt zip",
        False,
        "open_workbook",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "high-ratio-part",
        high_ratio_part,
        "over the 200x limit",
        True,
        "Package.open",
        "xl/media/image1.png",
    ),
    Hostile(
        "total-over-limit",
        total_over_limit,
        "in total, over the 512 MiB limit",
        True,
        "Package.open",
    ),
    Hostile("too-many-parts", too_many_parts, "too many parts", True, "Package.open"),
    Hostile(
        "path-traversal",
        traversal_name,
        "'..' segment (path traversal)",
        True,
        "Package.open",
        "../../x",
    ),
    Hostile("absolute-name", absolute_name, "absolute path", True, "Package.open", "/tmp/x"),
    Hostile("backslash-name", backslash_name, "backslash", True, "Package.open"),
    Hostile("drive-letter-name", drive_name, "drive letter", True, "Package.open"),
    Hostile("nul-in-name", nul_name, "control character", True, "Package.open"),
    Hostile(
        "duplicate-name",
        duplicate_name,
        "duplicate part name",
        True,
        "Package.open",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "duplicate-name-case",
        duplicate_name_case,
        "same as 'xl/workbook.xml' ignoring case",
        True,
        "Package.open",
        "XL/Workbook.xml",
    ),
    Hostile(
        "zip-encrypted-entry",
        encrypted_entry,
        "is encrypted",
        False,
        "Package.open",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile(
        "bzip2-entry",
        bzip2_entry,
        "compression method 12",
        True,
        "Package.open",
        "xl/worksheets/sheet1.xml",
    ),
    Hostile("truncated-zip", truncated_zip, "truncated or corrupt zip", False, "Package.open"),
    Hostile("truncated-tail", truncated_tail, "truncated or corrupt zip", False, "Package.open"),
    Hostile("text-file", text_file, "not a zip file: looks like text", False, "Package.open"),
    Hostile(
        "html-file", html_file, "not a zip file: looks like XML or HTML text", False, "Package.open"
    ),
    Hostile("empty-file", empty_file, "empty file", False, "Package.open"),
    Hostile("plain-zip", plain_zip, "no workbook part", False, "open_workbook"),
    Hostile(
        "no-workbook-part",
        no_workbook_part,
        "no workbook part",
        False,
        "open_workbook",
        "xl/workbook.xml",
    ),
    Hostile(
        "word-document",
        word_document,
        "no workbook part",
        False,
        "open_workbook",
        "word/document.xml",
    ),
    Hostile(
        "encrypted-workbook",
        encrypted_workbook,
        "encrypted workbook: remove the password in Excel first",
        False,
        "Package.open",
    ),
    Hostile("legacy-xls", legacy_xls, "OLE2 compound file", False, "Package.open"),
]
