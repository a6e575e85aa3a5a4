"""The commands the hostile-file and kill tests run, and a runner that measures their memory.

Each :class:`Command` builds an argv for a workbook (and an output path for commands that
write a copy). Add the real commands here as they land, e.g.::

    Command("refresh", lambda book, out: [*XLCOMP, "refresh", str(book)], writes="in-place")
    Command("check", lambda book, out: [*XLCOMP, "check", str(book)], writes="nothing")
    Command("share", lambda book, out: [*XLCOMP, "share", str(book), "-o", str(out)],
            writes="copy")

and every hostile file and the benign control run through them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
XLCOMP = [PYTHON, "-m", "xlcomp"]
SELFCHECK = [PYTHON, "-m", "xlcomp.ooxml.selfcheck"]


@dataclass(frozen=True)
class Command:
    """A command that reads a workbook: ``argv(book, out)``; ``writes`` says what it writes."""

    id: str
    argv: Callable[[Path, Path], list[str]]
    writes: str
    """'nothing', 'in-place' (replaces BOOK) or 'copy' (writes OUT)."""
    accepts_minimal: bool = True
    """Whether it succeeds on the minimal benign workbook (``check`` would not: no tables)."""


COMMANDS: list[Command] = [
    Command("selfcheck", lambda book, out: [*SELFCHECK, str(book)], "nothing"),
    Command(
        "selfcheck-rewrite", lambda book, out: [*SELFCHECK, "--rewrite", str(book)], "in-place"
    ),
    Command("selfcheck-copy", lambda book, out: [*SELFCHECK, str(book), "-o", str(out)], "copy"),
]


@dataclass(frozen=True)
class Outcome:
    """What a finished command did."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss: int
    """Peak resident memory of the command's process, in bytes (from ``wait4``)."""
    seconds: float


def command_env() -> dict[str, str]:
    """The environment for a command: the checkout importable, no inherited debug flags."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("PYTHONTRACEMALLOC", None)
    return env


def run_measured(argv: list[str], *, timeout: float = 120.0) -> Outcome:
    """Run ``argv`` to the end and measure its peak memory with ``os.wait4`` (POSIX)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=command_env(), cwd=ROOT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise TimeoutError(f"{argv} ran over {timeout} s")
            time.sleep(0.005)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        out.seek(0)
        err.seek(0)
        return Outcome(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss * scale,
            seconds,
        )
