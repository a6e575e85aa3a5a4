"""Writes replace a workbook atomically: SIGKILL at any moment leaves the old or the new file.

The kill test runs each in-place writer (``WRITERS``: ``write_package`` in a loop and once,
plus every in-place command of ``tests/commands.py``) and SIGKILLs it at random moments
spread over its run. After every kill the workbook must open (zipfile, CRCs, and
``open_workbook``) and hold all-old or all-new parts; at the end, one more clean run leaves
no temporary file. The seed is printed on failure (set ``XLCOMP_KILL_SEED`` to replay).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bump_generation import TOKEN
from tests.commands import COMMANDS, PYTHON, ROOT, Command, command_env
from tests.hostile import deflated, sheet_xml, workbook_parts, write_zip
from xlcomp.errors import WorkbookError
from xlcomp.ooxml import (
    Package,
    atomic_write_bytes,
    atomic_writer,
    open_workbook,
    remove_stale_temps,
    write_package,
)
from xlcomp.ooxml.atomic import temp_name_pattern

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")

BUMP = str(ROOT / "tests" / "bump_generation.py")
KILLS = 10


@dataclass(frozen=True)
class InPlaceWriter:
    """A process that rewrites BOOK in place: once, or (``looping``) again and again."""

    id: str
    argv: Callable[[Path], list[str]]
    looping: bool


def in_place(command: Command) -> InPlaceWriter:
    """The kill-test writer of an in-place command of ``tests/commands.py``."""
    return InPlaceWriter(command.id, lambda book: command.argv(book, book), False)


WRITERS = [
    InPlaceWriter("write_package-loop", lambda book: [PYTHON, BUMP, "--loop", str(book)], True),
    InPlaceWriter("write_package-once", lambda book: [PYTHON, BUMP, str(book)], False),
] + [in_place(c) for c in COMMANDS if c.writes == "in-place" and c.accepts_minimal]
# ``update`` needs a negotiation workbook: its kill test is in tests/test_update.py.


def make_book(path: Path, sheets: int = 4, rows: int = 15_000) -> Path:
    """A workbook of a few MB whose every part carries the generation token GEN000000001."""
    parts = workbook_parts(sheet=sheet_xml(rows))
    for i in range(2, sheets + 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(rows)
    entries = [deflated(n, (t + "<!--GEN000000001-->").encode()) for n, t in parts.items()]
    return write_zip(path, entries)


def read_parts(book: Path) -> dict[str, bytes]:
    """The parts of ``book`` after proving it a sound zip and a workbook the library opens."""
    with zipfile.ZipFile(book) as archive:
        assert archive.testzip() is None
        parts = {name: archive.read(name) for name in archive.namelist()}
    open_workbook(book)
    return parts


def generations(parts: dict[str, bytes]) -> set[int]:
    """The generation tokens found across all parts."""
    return {int(m.group(1)) for data in parts.values() for m in TOKEN.finditer(data)}


def temps(book: Path) -> list[Path]:
    """Temporary files of writes to ``book``."""
    pattern = temp_name_pattern(book)
    return [p for p in book.parent.iterdir() if pattern.fullmatch(p.name)]


def run_to_end(argv: list[str]) -> float:
    """Run ``argv`` uninterrupted; its duration in seconds."""
    start = time.monotonic()
    subprocess.run(argv, check=True, env=command_env(), cwd=ROOT, capture_output=True)
    return time.monotonic() - start


def reference_run(
    writer: InPlaceWriter, book: Path, scratch: Path
) -> tuple[dict[str, bytes], float]:
    """What one complete run makes of ``book`` (run on a copy), and how long it takes."""
    scratch.mkdir(exist_ok=True)
    copy = scratch / book.name
    shutil.copyfile(book, copy)
    argv = writer.argv(copy)
    if writer.looping:  # one iteration of the loop
        argv = [a for a in argv if a != "--loop"]
    seconds = run_to_end(argv)
    return read_parts(copy), seconds


def kill_at_random(
    writer: InPlaceWriter, book: Path, scratch: Path, rng: random.Random
) -> tuple[str | None, int]:
    """SIGKILL ``writer`` on ``book`` KILLS times at random moments spread over its run.

    Returns the first problem found after a kill (None when every kill left the old or the
    new workbook) and how many kills landed while a temporary file was being written.
    """
    mid_write = 0
    seconds = 0.0
    for i in range(KILLS):
        before = read_parts(book)
        if not writer.looping or not seconds:
            after, seconds = reference_run(writer, book, scratch)
        window = seconds * (3 if writer.looping else 1.1)
        delay = window * (i + rng.random()) / KILLS  # stratified: kills spread over the run
        proc = subprocess.Popen(
            writer.argv(book),
            env=command_env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        mid_write += bool([t for t in temps(book) if t.stat().st_size > 0])
        at = f"kill {i} at {delay:.3f}s of {seconds:.3f}s"
        try:
            got = read_parts(book)
        except Exception as exc:
            return f"{at}: the workbook does not open: {exc!r}", mid_write
        gens = generations(got)
        if list(got) != list(before) or len(gens) != 1:
            return f"{at}: torn workbook (generations {sorted(gens)})", mid_write
        if writer.looping and min(gens) < min(generations(before)):
            return f"{at}: went back a generation", mid_write
        if not writer.looping and got not in (before, after):
            return f"{at}: neither the old nor the new workbook", mid_write
    return None, mid_write


def new_seed() -> int:
    """The random seed of a kill run (``XLCOMP_KILL_SEED`` replays one)."""
    return int(os.environ.get("XLCOMP_KILL_SEED", random.SystemRandom().randrange(2**32)))


@pytest.mark.slow
@pytest.mark.parametrize("writer", WRITERS, ids=[w.id for w in WRITERS])
def test_sigkill_leaves_old_or_new_workbook(writer: InPlaceWriter, tmp_path: Path) -> None:
    """Killed at random moments, the writer leaves a workbook that opens, all-old or all-new."""
    seed = new_seed()
    book = make_book(tmp_path / "book.xlsx")
    problem, mid_write = kill_at_random(writer, book, tmp_path / "ref", random.Random(seed))
    assert problem is None, f"{problem} (seed {seed})"
    if writer.looping:
        assert mid_write >= 1, f"no kill landed during a write (seed {seed})"
    for leftover in temps(book):  # a later run: leftovers are older than FRESH_SECONDS
        os.utime(leftover, (time.time() - 60, time.time() - 60))
    run_to_end([a for a in writer.argv(book) if a != "--loop"])
    read_parts(book)
    assert temps(book) == [], f"temporary files left (seed {seed})"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "ref"]


@pytest.mark.slow
def test_kill_harness_catches_a_writer_that_is_not_atomic(tmp_path: Path) -> None:
    """The same kills catch a writer that rewrites the file in place without a temp file."""
    seed = new_seed()
    naive = InPlaceWriter(
        "naive", lambda book: [PYTHON, BUMP, "--naive", "--loop", str(book)], True
    )
    book = make_book(tmp_path / "book.xlsx")
    problem, _ = kill_at_random(naive, book, tmp_path / "ref", random.Random(seed))
    assert problem is not None, f"ten kills of a non-atomic writer found nothing (seed {seed})"


def test_failed_write_leaves_target_and_no_temp(tmp_path: Path) -> None:
    """An error inside the write leaves the target as it was and no temporary file."""
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_write_package_refusing_a_bad_part_name_writes_nothing(tmp_path: Path) -> None:
    """A package with an unsafe part name is not written; the original stays, no temp."""
    book = make_book(tmp_path / "book.xlsx", sheets=1, rows=10)
    exp = book.read_bytes()
    pkg = Package.open(book)
    pkg.parts["../evil"] = b"x"
    with pytest.raises(WorkbookError, match=r"cannot write part '\.\./evil'"):
        write_package(pkg, book)
    assert book.read_bytes() == exp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_write_into_missing_folder_is_a_workbook_error(tmp_path: Path) -> None:
    """Writing where no folder exists raises a one-line WorkbookError naming the target."""
    target = tmp_path / "nowhere" / "out.xlsx"
    with pytest.raises(WorkbookError, match=r"out\.xlsx: cannot write \(No such file"):
        atomic_write_bytes(target, b"data")


def test_mode_is_kept_and_new_files_follow_umask(tmp_path: Path) -> None:
    """Replacing keeps the target's permission bits; a new file gets 0o666 less the umask."""
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"x")
    old.chmod(0o640)
    atomic_write_bytes(old, b"y")
    assert (old.read_bytes(), old.stat().st_mode & 0o777) == (b"y", 0o640)
    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "new.xlsx"
    atomic_write_bytes(new, b"z")
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask


def test_symlink_stays_a_link(tmp_path: Path) -> None:
    """Writing through a symbolic link replaces the file it points to, not the link."""
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"old")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_stale_temps_of_dead_writers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    """A leftover temp with a free lock goes; a locked one or a fresh empty one stays."""
    import fcntl

    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    dead = tmp_path / f".book.xlsx.{'a' * 16}.tmp"
    dead.write_bytes(b"partial zip")
    live = tmp_path / f".book.xlsx.{'b' * 16}.tmp"
    live.write_bytes(b"being written")
    fresh = tmp_path / f".book.xlsx.{'c' * 16}.tmp"
    fresh.write_bytes(b"")
    other = tmp_path / ".other.xlsx.dddddddddddddddd.tmp"
    other.write_bytes(b"not ours")
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert remove_stale_temps(target) == [dead]
        atomic_write_bytes(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["book.xlsx", live.name, fresh.name, other.name]
    )
    os.utime(fresh, (time.time() - 60, time.time() - 60))
    assert sorted(remove_stale_temps(target)) == sorted([live, fresh])
