"""A workbook package: its parts, read once, written back atomically.

A part keeps its exact bytes and its zip entry (name, date, compression), so that a
writer can copy every part it does not change byte-for-byte.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xlcomp.errors import WorkbookError


@dataclass
class Package:
    """The parts of an OOXML package, in their order in the zip."""

    path: Path
    parts: dict[str, bytes] = field(default_factory=dict)
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Package:
        """Read every part of the package at ``path``."""
        p = Path(path)
        try:
            with zipfile.ZipFile(p) as zf:
                pkg = cls(p)
                for info in zf.infolist():
                    pkg.parts[info.filename] = zf.read(info)
                    pkg.infos[info.filename] = info
        except (OSError, zipfile.BadZipFile) as exc:
            raise WorkbookError(f"{p}: not a readable workbook ({exc})") from exc
        return pkg

    def to_bytes(self) -> bytes:
        """The package as a zip, each part with its original entry settings."""
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in self.parts.items():
                info = self.infos.get(name)
                if info is None:
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return buf.getvalue()


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then replace ``target``."""
    t = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{t.name}.", suffix=".tmp", dir=t.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, t)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_package(pkg: Package, target: str | os.PathLike[str]) -> None:
    """Write ``pkg`` to ``target`` atomically."""
    atomic_write_bytes(target, pkg.to_bytes())
