"""The files a command reads and writes: what a file is, and whether an output may be written.

Every command of ``xlcomp`` checks its paths here before it does any work (``cli.main``):

- **Inputs.** A file that is not an Office Open XML workbook is named by its format with
  what to do: ``bands.ods: an OpenDocument spreadsheet (.ods), not an Excel workbook: save
  it as .xlsx (File > Save As > Excel 2007-365) and run the command on that``. The format is
  told from the first bytes (OLE2 compound file, OpenDocument zip, PDF, text), the name only
  refines what a text file is (CSV, TOML).
- **Outputs.** One rule for every command: xlcomp writes the file (or, for
  ``lite-extract``, the folder) you name, never the folders above it; an output is refused
  when its folder is missing, is a file, or cannot be written; when it is an existing folder
  or device; when it is the input itself (same path, hard link or symbolic link:
  :func:`os.path.samefile`); and when its suffix does not say what it will hold (a workbook
  keeps the kind of its input: ``.xlsx``, or ``.xlsm`` when macros are kept). Refusals are
  :class:`~xlcomp.errors.PathError`, one line, before anything is computed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlcomp.errors import PathError, XlcompError

__all__ = [
    "WORKBOOK_SUFFIXES",
    "FileKind",
    "check_folder_output",
    "check_input",
    "check_output",
    "sniff",
    "workbook_suffix",
]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD = 64 * 1024
_SMALL_PART = 1 << 20

MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ".xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xltm",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": ".xlam",
}
"""Content type of a workbook part -> the suffix Excel insists on for it."""
WORKBOOK_SUFFIXES = frozenset(MAIN_TYPES.values())

_OTHER_OOXML = {
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": (
        "a binary Excel workbook (.xlsb)",
        "save it as .xlsx (Excel Workbook) in Excel",
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "a Word document (.docx), not a workbook",
        "give the path of an .xlsx workbook",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "a PowerPoint presentation (.pptx), not a workbook",
        "give the path of an .xlsx workbook",
    ),
}

SAVE_AS_XLSX = "save it as .xlsx (Excel Workbook) in Excel or LibreOffice and use that file"
TOML_HINT = "or put the tables in a .toml data file (the format of xlcomp/data/guide.toml)"


@dataclass(frozen=True)
class FileKind:
    """What a file is: a description for messages, and whether xlcomp reads it as a workbook."""

    description: str
    advice: str = ""
    suffix: str | None = None
    """For a workbook, the suffix its content calls for (``.xlsx``, ``.xlsm``)."""
    text: bool = False

    @property
    def workbook(self) -> bool:
        """Whether this is an Office Open XML workbook xlcomp can read."""
        return self.suffix in WORKBOOK_SUFFIXES


def _head(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            return fh.read(_HEAD)
    except OSError:
        return None


def _holds(path: Path, needle: bytes, limit: int = 128 << 20) -> bool:
    """Whether the first ``limit`` bytes of the file hold ``needle``."""
    try:
        with open(path, "rb") as fh:
            return needle in fh.read(limit)
    except OSError:
        return False


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the head
            return False
    return True


def _zip_kind(path: Path) -> FileKind | None:
    """What a zip holds, from its small parts; None when it is not a sane zip.

    The zip is opened by :meth:`xlcomp.ooxml.Package.open` (entry count, sizes and ratios
    checked from the zip directory before anything is inflated), so a hostile file costs
    no more here than in the command that reads it next.
    """
    from xlcomp.ooxml import Package

    try:
        pkg = Package.open(path)
        names = list(pkg.parts)
        if "mimetype" in names:
            kind = pkg.parts["mimetype"][:200].decode("ascii", "replace").strip()
            if kind.startswith("application/vnd.oasis.opendocument.spreadsheet"):
                return SUFFIX_KINDS[".ods"]
            if kind.startswith("application/vnd.oasis.opendocument"):
                return FileKind("an OpenDocument file, not a workbook", "give an .xlsx workbook")
        if any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
            return SUFFIX_KINDS[".numbers"]
        if "[Content_Types].xml" not in names:
            return None
        text = pkg.parts["[Content_Types].xml"][:_SMALL_PART].decode("utf-8", "replace")
    except (XlcompError, OSError, ValueError):
        return None
    for ctype, suffix in MAIN_TYPES.items():
        if f'"{ctype}"' in text:
            return FileKind("an Excel workbook", suffix=suffix)
    for ctype, (description, advice) in _OTHER_OOXML.items():
        if f'"{ctype}"' in text:
            return FileKind(description, advice)
    return None


def sniff(path: str | os.PathLike[str]) -> FileKind | None:
    """What the file at ``path`` is, or None when it cannot be told (missing, unreadable,
    a damaged zip: the command that opens it says why)."""
    p = Path(path)
    head = _head(p)
    if not head:
        return None
    suffix = p.suffix.lower()
    if head.startswith(_OLE2):
        if _holds(p, "EncryptedPackage".encode("utf-16-le")):
            return FileKind(
                "a workbook protected by a password",
                "remove the password in Excel (File > Info > Protect Workbook > Encrypt "
                "with Password) and save it as .xlsx",
            )
        return FileKind(
            "a legacy Excel 97-2003 workbook (.xls), not an .xlsx",
            "save it as .xlsx (Excel Workbook) in Excel or LibreOffice and use that file",
        )
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(p)
    if head.startswith(b"%PDF"):
        return FileKind("a PDF document, not a workbook", "give an .xlsx workbook")
    if _looks_like_text(head):
        lead = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
        if lead.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
            return FileKind(
                "an HTML or XML text file (a web page or an XML spreadsheet), not an .xlsx",
                SAVE_AS_XLSX,
                text=True,
            )
        if suffix == ".toml":
            return FileKind(
                "a TOML data file, not a workbook",
                "build a workbook from it with: xlcomp build --data FILE",
                text=True,
            )
        if suffix in (".csv", ".tsv", ".txt") or b"," in head.split(b"\n", 1)[0]:
            return FileKind(
                "a CSV text file, not a workbook",
                "open it in Excel or LibreOffice and save it as .xlsx",
                text=True,
            )
        return FileKind("a text file, not a workbook", SAVE_AS_XLSX, text=True)
    return None


SUFFIX_KINDS: dict[str, FileKind] = {
    ".xls": FileKind(
        "a legacy Excel 97-2003 workbook (.xls), not an .xlsx",
        "save it as .xlsx (Excel Workbook) in Excel or LibreOffice and use that file",
    ),
    ".ods": FileKind(
        "an OpenDocument spreadsheet (.ods), not an Excel workbook",
        "save it as .xlsx in LibreOffice (File > Save As > Excel 2007-365) and use that file",
    ),
    ".csv": FileKind(
        "a CSV text file, not a workbook",
        "open it in Excel or LibreOffice and save it as .xlsx",
        text=True,
    ),
    ".xlsb": FileKind(*_OTHER_OOXML["application/vnd.ms-excel.sheet.binary.macroEnabled.main"]),
    ".numbers": FileKind(
        "an Apple Numbers file, not an Excel workbook",
        "export it to Excel (.xlsx) in Numbers (File > Export To > Excel)",
    ),
}
"""What a file is when its content cannot be told (empty, unreadable), from its name."""


def check_input(path: str | os.PathLike[str], *, data: bool = False) -> FileKind | None:
    """Refuse a file that is not a workbook, naming its format and what to do.

    A file named like a workbook (``.xlsx``, ``.xlsm``, ...) is left to the command, whose
    reading says precisely what is wrong with it (damaged zip, encrypted, hostile). Any
    other name is told by its content (:func:`sniff`), then by its suffix. ``data=True``
    for ``build --data``, which also takes a TOML data file: ``.toml``, or text that is
    neither CSV nor HTML, is returned for the caller to read as TOML. Returns the kind
    found, or None (unknown: the command's own reading reports any problem).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or (data and suffix == ".toml"):
        return None
    kind = sniff(p)
    if kind is not None and kind.workbook:
        return kind
    if kind is None:
        kind = SUFFIX_KINDS.get(suffix) if p.is_file() else None
        if kind is None:
            return None
    table_text = "CSV" in kind.description or "HTML" in kind.description
    if data and kind.text and not table_text:
        return kind
    advice = kind.advice.replace("FILE", str(p))
    if data:
        advice = f"{advice}, {TOML_HINT}"
    raise PathError(f"{p}: {kind.description}: {advice}")


def workbook_suffix(path: str | os.PathLike[str]) -> str | None:
    """The suffix the workbook at ``path`` calls for (``.xlsx``, ``.xlsm``), if known."""
    kind = sniff(path)
    return kind.suffix if kind is not None and kind.workbook else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def _folder_problem(folder: Path) -> str | None:
    """Why files cannot be created in ``folder``, or None."""
    if not folder.exists():
        above = folder
        while not above.exists() and above != above.parent:
            above = above.parent
        if above.exists() and not above.is_dir():
            return f"{above} is a file, not a folder"
        return f"the folder {folder} does not exist (create it first)"
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        fd, probe = tempfile.mkstemp(prefix=".xlcomp-probe-", dir=folder)
    except OSError as exc:
        return f"cannot write in the folder {folder} ({exc.strerror or exc})"
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return None


def check_output(
    out: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    suffixes: Sequence[str] = (),
    what: str = "the output",
    flag: str = "-o",
    in_place_hint: str | None = None,
) -> Path:
    """Refuse an output path that cannot or must not be written; the path, when it may.

    ``suffixes`` are the suffixes the content may carry (the first is suggested);
    ``inputs`` the files the command reads, which it must never write over;
    ``in_place_hint`` what to say instead when the output is the input (``refresh``).
    Raises :class:`~xlcomp.errors.PathError` with one line naming the path.
    """
    p = Path(out)
    shown = f"{flag} {p}" if flag else str(p)
    for source in inputs:
        if _same_file(p, Path(source)):
            hint = in_place_hint or f"name another file for {what}"
            raise PathError(f"{shown} is the input {source} itself: {hint}")
    if suffixes and p.suffix.lower() not in {s.lower() for s in suffixes}:
        good = " or ".join(suffixes)
        stem = p.name[: -len(p.suffix)] if p.suffix else p.name
        raise PathError(
            f"{shown}: {what} is {_article(suffixes[0])} {good} file; name it {stem}{suffixes[0]}"
        )
    if p.exists() or p.is_symlink():
        target = Path(os.path.realpath(p))
        if target.is_dir():
            raise PathError(f"{shown} is a folder: name a file inside it")
        if target.exists() and not target.is_file():
            raise PathError(f"{shown} is not a regular file")
    problem = _folder_problem(Path(os.path.realpath(p)).parent if p.is_symlink() else _parent(p))
    if problem is not None:
        raise PathError(f"{shown}: {problem}")
    return p


def check_folder_output(
    folder: str | os.PathLike[str], *, inputs: Sequence[str | os.PathLike[str]] = ()
) -> Path:
    """Refuse an output folder that cannot be written: it is a file, or it cannot be created
    (its own parent is missing, or read-only) or written into. The folder itself is
    created by the command; the folders above it never are."""
    p = Path(folder)
    for source in inputs:
        if _same_file(p, Path(source)):
            raise PathError(f"{p} is the input {source} itself: name a folder for the files")
    if p.exists():
        if not p.is_dir():
            raise PathError(f"{p} is a file, not a folder: name a new or existing folder")
        problem = _folder_problem(p)
    else:
        problem = _folder_problem(_parent(p))
    if problem is not None:
        raise PathError(f"{p}: {problem}")
    return p


def _parent(p: Path) -> Path:
    return p.parent if str(p.parent) else Path(".")


def _article(suffix: str) -> str:
    return "an" if suffix[1:2].lower() in "aeiox" else "a"
