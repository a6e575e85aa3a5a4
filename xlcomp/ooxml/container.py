"""What kind of file a would-be workbook is, and whether its zip directory is sane.

Both questions are answered from the raw bytes, before :mod:`zipfile` builds an entry for
each name in the central directory: a few MiB of hostile zip can list millions of entries,
and building them all is a memory bomb of its own. The walk here only counts them.

Formats told apart (first bytes):

- ``PK\\x03\\x04`` a zip (every OOXML package starts with its first part);
- ``D0 CF 11 E0 A1 B1 1A E1`` an OLE2 compound file: an encrypted OOXML workbook (it holds a
  stream named ``EncryptedPackage``) or a legacy ``.xls``;
- anything else: not a zip; text is recognised to say so.
"""

from __future__ import annotations

import struct

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_LOCAL = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CD_ENTRY_SIZE = 46
_TEXT_BYTES = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D} | frozenset(range(0x80, 0x100))


class ContainerError(Exception):
    """The bytes are not a sane zip; the message is the reason (no file name)."""

    def __init__(self, message: str, *, unsafe: bool = False) -> None:
        super().__init__(message)
        self.unsafe = unsafe


def not_zip_reason(blob: bytes) -> str | None:
    """Why ``blob`` is not a zip at all, or None when it starts like one."""
    if not blob:
        return "empty file"
    if blob.startswith((ZIP_LOCAL, ZIP_EMPTY)):
        return None
    if blob.startswith(CFB_SIGNATURE):
        if ENCRYPTED_PACKAGE in blob:
            return "encrypted workbook: remove the password in Excel first"
        return "not a zip file: an OLE2 compound file (a legacy .xls?): save it as .xlsx in Excel"
    if blob.startswith(b"%PDF"):
        return "not a zip file: looks like a PDF"
    if _looks_like_text(blob[:4096]):
        head = blob[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((b"<?xml", b"<!doctype html", b"<html", b"<table")):
            return "not a zip file: looks like XML or HTML text"
        return "not a zip file: looks like text"
    return "not a zip file"


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text (UTF-8, Latin-1 or UTF-16 with a BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    printable = sum(1 for byte in head if byte in _TEXT_BYTES)
    return printable >= 0.95 * len(head)


def count_entries(blob: bytes, max_entries: int) -> int:
    """The number of entries of the zip in ``blob``, refusing more than ``max_entries``.

    Raises :class:`ContainerError` when the end-of-archive record or the central directory is
    missing or broken (a truncated download), or when there are too many entries.
    """
    eocd = _find_eocd(blob)
    if eocd is None:
        raise ContainerError("truncated or corrupt zip (no end-of-archive record)")
    _, disk, cd_disk, _, declared, cd_size, cd_offset, _ = _EOCD.unpack_from(blob, eocd)
    cd_end = eocd
    locator = eocd - _ZIP64_LOCATOR.size
    if locator >= 0 and blob.startswith(b"PK\x06\x07", locator):
        _, _, zip64_offset, _ = _ZIP64_LOCATOR.unpack_from(blob, locator)
        if zip64_offset + _ZIP64_EOCD.size > locator or not blob.startswith(
            b"PK\x06\x06", zip64_offset
        ):
            raise ContainerError("truncated or corrupt zip (bad zip64 end-of-archive record)")
        fields = _ZIP64_EOCD.unpack_from(blob, zip64_offset)
        disk, cd_disk, declared, cd_size, cd_offset = fields[4], fields[5], *fields[7:10]
        cd_end = zip64_offset
    if disk != 0 or cd_disk != 0:
        raise ContainerError("truncated or corrupt zip (a multi-volume archive)")
    if declared > max_entries:
        raise ContainerError(
            f"too many parts ({declared:,}, over the limit of {max_entries:,})", unsafe=True
        )
    if cd_offset + cd_size != cd_end:
        raise ContainerError("truncated or corrupt zip (central directory out of place)")
    count = 0
    pos = cd_offset
    while pos < cd_end:
        if pos + _CD_ENTRY_SIZE > cd_end or not blob.startswith(b"PK\x01\x02", pos):
            raise ContainerError("truncated or corrupt zip (broken central directory)")
        name_len, extra_len, comment_len = struct.unpack_from("<3H", blob, pos + 28)
        pos += _CD_ENTRY_SIZE + name_len + extra_len + comment_len
        count += 1
        if count > max_entries:
            raise ContainerError(
                f"too many parts (more than the limit of {max_entries:,})", unsafe=True
            )
    if pos != cd_end:
        raise ContainerError("truncated or corrupt zip (broken central directory)")
    return count


def _find_eocd(blob: bytes) -> int | None:
    """Offset of the end-of-central-directory record (the last one that fits), or None."""
    start = max(0, len(blob) - _EOCD.size - 0xFFFF)
    pos = blob.rfind(b"PK\x05\x06", start)
    while pos >= 0:
        if pos + _EOCD.size <= len(blob):
            (comment_len,) = struct.unpack_from("<H", blob, pos + 20)
            if pos + _EOCD.size + comment_len <= len(blob):
                return pos
        pos = blob.rfind(b"PK\x05\x06", start, pos)
    return None
