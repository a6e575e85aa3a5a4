"""Atomic file replacement: a reader sees the old file or the complete new one, never a mix.

A write goes to a temporary file beside the target, ``.NAME.<16 hex digits>.tmp``, which is
flushed and fsynced, then renamed over the target with :func:`os.replace` (atomic on POSIX
and Windows when both names are in one folder), then the folder is fsynced so that the
rename survives a power cut. Killed at any moment, even by SIGKILL, the target is the
original or the new file. A failed write removes its temporary file; only a killed process
can leave one behind. The next write to the same target removes such leftovers: on POSIX a
temporary file is locked (``flock``) by its writer as long as it lives, so a leftover whose
lock is free belongs to a dead process; on Windows an open file cannot be deleted, so the
delete itself tells. A just-created empty file younger than a few seconds is left alone (its
writer may not have locked it yet).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from xlcomp.errors import WorkbookError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

FRESH_SECONDS = 5.0
"""An empty temporary file younger than this may be a live writer's that is not locked yet."""


def temp_name_pattern(target: Path) -> re.Pattern[str]:
    """The names of the temporary files written for ``target``."""
    return re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{16}}\.tmp")


def remove_stale_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files that killed writers of ``target`` left; return their paths."""
    final = _final_path(Path(target))
    pattern = temp_name_pattern(final)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(final.parent))
    except OSError:
        return removed
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            path = Path(entry.path)
            if _remove_if_orphaned(path):
                removed.append(path)
    return removed


def _remove_if_orphaned(path: Path) -> bool:
    """Delete ``path`` if no living process is writing it."""
    if fcntl is None:
        try:
            os.unlink(path)
        except OSError:  # open by a live writer, or already gone
            return False
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # locked: its writer is alive
            return False
        st = os.fstat(fd)
        if st.st_size == 0 and time.time() - st.st_mtime < FRESH_SECONDS:
            return False
        try:
            os.unlink(path)
        except OSError:
            return False
        return True
    finally:
        os.close(fd)


def _final_path(target: Path) -> Path:
    """Where a write to ``target`` lands: a symbolic link is followed, so it stays a link."""
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def _create_temp(final: Path) -> tuple[int, Path]:
    """Create and lock a new temporary file beside ``final``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
    while True:
        tmp = final.with_name(f".{final.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, tmp


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX only; Windows has no directory handles)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file that replaces ``target`` atomically when the block ends without error.

    If the block raises (or the process dies), ``target`` is untouched and no file is left
    behind (a killed process's temporary file is removed by the next write). The target keeps
    its permission bits; a new target gets the usual ones (``0o666`` less the umask). Errors
    of the file system itself are raised as :class:`WorkbookError` naming ``target``.
    """
    shown = Path(target)
    final = _final_path(shown)
    remove_stale_temps(final)
    try:
        old_mode = stat.S_IMODE(os.stat(final).st_mode)
    except FileNotFoundError:
        old_mode = None
    except OSError as exc:
        raise WorkbookError(f"{shown}: cannot write ({exc.strerror or exc})") from exc
    try:
        fd, tmp = _create_temp(final)
    except OSError as exc:
        raise WorkbookError(f"{shown}: cannot write ({exc.strerror or exc})") from exc
    fh = os.fdopen(fd, "wb")
    done = False
    try:
        yield fh
        try:
            fh.flush()
            os.fsync(fh.fileno())
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), old_mode)
            if fcntl is None:  # Windows cannot rename an open file
                fh.close()
                if old_mode is not None:
                    os.chmod(tmp, old_mode)
            os.replace(tmp, final)
            done = True
            fh.close()
            _fsync_dir(final.parent)
        except OSError as exc:
            raise WorkbookError(f"{shown}: cannot write ({exc.strerror or exc})") from exc
    finally:
        if not done:
            with contextlib.suppress(OSError):
                fh.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(target) as fh:
        try:
            fh.write(data)
        except OSError as exc:
            raise WorkbookError(f"{target}: cannot write ({exc.strerror or exc})") from exc
