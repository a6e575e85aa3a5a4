"""A workbook package: its parts, checked before a byte is inflated, read lazily, written safely.

:meth:`Package.open` reads the file once into memory (so a later in-place write can replace
it, even on Windows, and every part comes from the same snapshot) and refuses, from the zip
directory alone: files that are not zips (empty, text, encrypted workbooks), truncated zips,
too many parts, unsafe or duplicate part names, encrypted entries, compression other than
deflate, and parts whose declared sizes or ratios pass :mod:`xlcomp.ooxml.limits`. A part
is inflated only when a caller reads it, through a reader that stops at the part's declared
size even if the zip header lies, and checks its CRC.

A part keeps its exact bytes and its zip entry (name, date, compression), so that a writer
can copy every part it does not change byte-for-byte:

>>> pkg = Package.open("book.xlsx")                       # doctest: +SKIP
>>> pkg.parts["xl/worksheets/sheet1.xml"] = new_xml       # doctest: +SKIP
>>> write_package(pkg, "book.xlsx")                       # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.ooxml.atomic import atomic_write_bytes, atomic_writer
from xlcomp.ooxml.container import ContainerError, count_entries, not_zip_reason
from xlcomp.ooxml.limits import DEFAULT_LIMITS, Limits, format_size
from xlcomp.ooxml.names import name_key, part_name_problem

__all__ = ["Package", "PartMap", "atomic_write_bytes", "write_package"]

_CHUNK = 64 * 1024
WRITE_LEVEL = 2
"""zlib level of the parts a package writes. Measured on the 36 MB sheet of a 50,000-row
workbook: level 2 deflates it in 0.3 s to 7.2 MB, zlib's default (6) in 1.0 s to 6.2 MB;
a refresh is timed by the person waiting for it, the file is read once by Excel."""
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    OSError,
)


def _corrupt(path: Path, detail: str) -> WorkbookError:
    return WorkbookError(f"{path}: truncated or corrupt zip ({detail})")


class _Source:
    """The snapshot of a package file and its zip directory; inflates parts on demand."""

    def __init__(self, path: Path, blob: bytes, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.path = path
        self.blob = blob
        self.archive = archive
        self.limits = limits

    def stream(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes in chunks; never more than its declared (and allowed) size."""
        limit = min(info.file_size, self.limits.max_part_size)
        got = 0
        try:
            with self.archive.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    got += len(chunk)
                    if got > limit:
                        raise UnsafeWorkbookError(
                            f"{self.path}: part {info.filename!r} inflates past its declared "
                            f"size of {format_size(info.file_size)}"
                        )
                    yield chunk
        except _ZIP_ERRORS as exc:
            raise _corrupt(self.path, f"part {info.filename!r}: {exc}") from exc
        if got != info.file_size:
            raise _corrupt(
                self.path,
                f"part {info.filename!r} holds {got} bytes, its header says {info.file_size}",
            )

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The whole part."""
        return b"".join(self.stream(info))


class PartMap(MutableMapping[str, bytes]):
    """Part name -> bytes, in zip order; a part read from a file is inflated on first access.

    It behaves like the ``dict`` it replaces: assigning a new name appends a part, assigning
    an existing name keeps its place, ``del`` removes it.
    """

    def __init__(
        self, source: _Source | None = None, infos: Iterable[zipfile.ZipInfo] = ()
    ) -> None:
        self._source = source
        self._pending: dict[str, zipfile.ZipInfo] = {}
        self._data: dict[str, bytes | None] = {}
        self._pieces: dict[str, list[bytes]] = {}
        for info in infos:
            self._pending[info.filename] = info
            self._data[info.filename] = None

    def __getitem__(self, name: str) -> bytes:
        data = self._data[name]
        if data is None:
            pieces = self._pieces.pop(name, None)
            if pieces is not None:
                data = b"".join(pieces)
            else:
                data = self._read(name)
                del self._pending[name]
            self._data[name] = data
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"part {name!r}: bytes expected, got {type(data).__name__}")
        self._data[name] = bytes(data)
        self._pending.pop(name, None)
        self._pieces.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self._data[name]
        self._pending.pop(name, None)
        self._pieces.pop(name, None)

    def set_pieces(self, name: str, pieces: list[bytes]) -> None:
        """Set part ``name`` to the bytes of ``pieces`` joined, without joining them:
        a writer streams them into the zip, a reader of the part joins them once. A
        large rewritten sheet then never exists twice (its pieces and its join)."""
        for piece in pieces:
            if not isinstance(piece, bytes):
                raise TypeError(f"part {name!r}: bytes expected, got {type(piece).__name__}")
        self._data[name] = None
        self._pending.pop(name, None)
        self._pieces[name] = pieces

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n!r}: {'...' if v is None else len(v)}" for n, v in self._data.items())
        return f"PartMap({{{shown}}})"

    def is_loaded(self, name: str) -> bool:
        """Whether the part is in memory (read already, or set by a caller)."""
        return self._data[name] is not None or name in self._pieces

    def peek(self, name: str) -> bytes:
        """The part's bytes without keeping them in memory afterwards."""
        data = self._data[name]
        if data is not None:
            return data
        pieces = self._pieces.get(name)
        return b"".join(pieces) if pieces is not None else self._read(name)

    def stream(self, name: str) -> Iterator[bytes]:
        """The part's bytes in chunks (only as much is inflated as the caller consumes)."""
        data = self._data[name]
        if data is not None:
            return iter((data,))
        pieces = self._pieces.get(name)
        if pieces is not None:
            return iter(pieces)
        assert self._source is not None
        return self._source.stream(self._pending[name])

    def pieces(self, name: str) -> list[bytes] | None:
        """The pieces of a part set by :meth:`set_pieces` and not read since, else None."""
        return self._pieces.get(name)

    def _read(self, name: str) -> bytes:
        assert self._source is not None
        return self._source.read(self._pending[name])


@dataclass
class Package:
    """The parts of an OOXML package, in their order in the zip.

    ``parts`` maps each part name (``xl/workbook.xml``) to its bytes, ``infos`` to its zip
    entry. ``workbook_part`` is set by :func:`xlcomp.ooxml.open_workbook`.
    """

    path: Path
    parts: MutableMapping[str, bytes] = field(default_factory=PartMap)
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    workbook_part: str | None = None
    strict: bool = False
    """Whether the file was Strict Open XML (its parts are normalised to Transitional)."""
    original_bytes: bytes | None = field(default=None, repr=False, compare=False)
    """The file as read (the snapshot every check was made on); None for a new package."""

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Package:
        """Check the package at ``path`` against ``limits``; its parts are read on access.

        Raises :class:`WorkbookError` (:class:`UnsafeWorkbookError` for a limit or an unsafe
        name) with a one-line message naming the file and the reason.
        """
        p = Path(path)
        blob = _read_file(p, limits)
        reason = not_zip_reason(blob)
        if reason is not None:
            raise WorkbookError(f"{p}: {reason}")
        try:
            count_entries(blob, limits.max_parts)
        except ContainerError as exc:
            error = UnsafeWorkbookError if exc.unsafe else WorkbookError
            raise error(f"{p}: {exc}") from exc
        try:
            archive = zipfile.ZipFile(io.BytesIO(blob))
            entries = archive.infolist()
        except _ZIP_ERRORS as exc:
            raise _corrupt(p, str(exc)) from exc
        infos = _check_entries(p, blob, entries, limits)
        source = _Source(p, blob, archive, limits)
        return cls(
            p,
            PartMap(source, infos),
            {info.filename: info for info in infos},
            original_bytes=blob,
        )

    def stream(self, name: str) -> Iterator[bytes]:
        """The bytes of part ``name`` in chunks, inflating no more than is consumed."""
        if isinstance(self.parts, PartMap):
            return self.parts.stream(name)
        return iter((self.parts[name],))

    def write_to(self, fh: BinaryIO) -> None:
        """Write the package as a zip to ``fh``, each part with its original entry settings.

        Parts never read are inflated one at a time and not kept, so writing a package costs
        the memory of its largest part, not of all of them.
        """
        seen: dict[str, str] = {}
        for name in self.parts:
            problem = part_name_problem(name, DEFAULT_LIMITS.max_name_length)
            if problem is None and name.endswith("/"):
                problem = "a folder name"
            if problem is None and name_key(name) in seen:
                problem = f"same as {seen[name_key(name)]!r} ignoring case"
            if problem is not None:
                raise WorkbookError(f"{self.path}: cannot write part {name!r}: {problem}")
            seen[name_key(name)] = name
        with zipfile.ZipFile(fh, "w") as archive:
            for name in self.parts:
                if isinstance(self.parts, PartMap):
                    pieces = self.parts.pieces(name)
                    if pieces is not None:
                        _write_pieces(archive, self._entry(name), pieces)
                        continue
                    data = self.parts.peek(name)
                else:
                    data = self.parts[name]
                archive.writestr(self._entry(name), data, compresslevel=WRITE_LEVEL)

    def to_bytes(self) -> bytes:
        """The package as a zip, each part with its original entry settings."""
        buf = io.BytesIO()
        self.write_to(buf)
        return buf.getvalue()

    def _entry(self, name: str) -> zipfile.ZipInfo:
        """A fresh zip entry for ``name`` (the original's settings; never the original object,
        which :mod:`zipfile` would alter while writing)."""
        original = self.infos.get(name)
        if original is None:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            return entry
        entry = zipfile.ZipInfo(name, date_time=original.date_time)
        entry.compress_type = original.compress_type
        entry.create_system = original.create_system
        entry.external_attr = original.external_attr
        entry.comment = original.comment
        return entry


def _write_pieces(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, pieces: list[bytes]) -> None:
    """Write one part from consecutive pieces, deflating as they come (the zip entry is
    the one :meth:`zipfile.ZipFile.writestr` would write for their join)."""
    entry.file_size = sum(len(p) for p in pieces)
    # What writestr(compresslevel=...) sets (Python 3.13 names it compress_level too).
    entry._compresslevel = WRITE_LEVEL  # type: ignore[attr-defined]
    with archive.open(entry, "w") as out:
        for piece in pieces:
            out.write(piece)


def _read_file(path: Path, limits: Limits) -> bytes:
    """The bytes of the regular file at ``path``, refusing one over ``max_file_size``."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise WorkbookError(f"{path}: not a regular file")
            if st.st_size > limits.max_file_size:
                raise UnsafeWorkbookError(
                    f"{path}: file is {format_size(st.st_size)}, over the "
                    f"{format_size(limits.max_file_size)} limit"
                )
            blob = fh.read(st.st_size + 1)  # read(n) allocates n bytes: never ask for more
    except OSError as exc:
        raise WorkbookError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(blob) != st.st_size:
        raise WorkbookError(f"{path}: the file changed while it was being read")
    return blob


def _check_entries(
    path: Path, blob: bytes, entries: list[zipfile.ZipInfo], limits: Limits
) -> list[zipfile.ZipInfo]:
    """The part entries of a zip, after every name and size check (folder entries dropped)."""
    seen: dict[str, str] = {}
    parts: list[zipfile.ZipInfo] = []
    total = 0
    for info in entries:
        name = info.orig_filename
        problem = part_name_problem(name, limits.max_name_length)
        if problem is None and name != info.filename:
            problem = "altered by the zip reader"
        if problem is not None:
            raise UnsafeWorkbookError(f"{path}: unsafe part name {name!r}: {problem}")
        key = name_key(name)
        if key in seen:
            same = "" if seen[key] == name else f" (same as {seen[key]!r} ignoring case)"
            raise UnsafeWorkbookError(f"{path}: duplicate part name {name!r}{same}")
        seen[key] = name
        if info.flag_bits & 0x1:
            raise WorkbookError(
                f"{path}: part {name!r} is encrypted (a password-protected zip is not a workbook)"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeWorkbookError(
                f"{path}: part {name!r} uses compression method {info.compress_type}; "
                "workbooks use deflate"
            )
        if info.is_dir():
            if info.file_size:
                raise _corrupt(path, f"folder entry {name!r} has contents")
            continue
        if info.file_size > limits.max_part_size:
            raise UnsafeWorkbookError(
                f"{path}: part {name!r} would inflate to {format_size(info.file_size)}, over "
                f"the {format_size(limits.max_part_size)} limit per part (zip bomb?)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise UnsafeWorkbookError(
                f"{path}: part {name!r} would inflate {ratio:.0f}x "
                f"({format_size(info.compress_size)} to {format_size(info.file_size)}), over "
                f"the {limits.max_ratio:g}x limit (zip bomb?)"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _corrupt(path, f"stored part {name!r} has two different sizes")
        if info.header_offset + 30 + info.compress_size > len(blob):
            raise _corrupt(path, f"part {name!r} runs past the end of the file")
        total += info.file_size
        parts.append(info)
    if total > limits.max_total_size:
        raise UnsafeWorkbookError(
            f"{path}: parts would inflate to {format_size(total)} in total, over the "
            f"{format_size(limits.max_total_size)} limit (zip bomb?)"
        )
    return parts


def write_package(pkg: Package, target: str | os.PathLike[str]) -> None:
    """Write ``pkg`` to ``target`` atomically: ``target`` is the old file or the new one."""
    with atomic_writer(target) as fh:
        try:
            pkg.write_to(fh)
        except OSError as exc:
            raise WorkbookError(f"{target}: cannot write ({exc.strerror or exc})") from exc
