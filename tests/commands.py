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
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OWN_PEAK_SOURCE = (
    "import resource\n"
    "def peak():\n"
    "    # VmHWM: this process's own peak in KiB (a child's ru_maxrss starts from its parent's)\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1])\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)
"""Source of ``peak()`` for a measured child (``python -c``): its own peak resident KiB."""

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
XLCOMP = [PYTHON, "-m", "xlcomp"]
SELFCHECK = [PYTHON, "-m", "xlcomp.ooxml.selfcheck"]
GUIDE_TOML = str(ROOT / "xlcomp" / "data" / "guide.toml")


@dataclass(frozen=True)
class Command:
    """A command that reads a workbook: ``argv(book, out)``; ``writes`` says what it writes."""

    id: str
    argv: Callable[[Path, Path], list[str]]
    writes: str
    """'nothing', 'in-place' (replaces BOOK) or 'copy' (writes OUT)."""
    accepts_minimal: bool = True
    """Whether it succeeds on the minimal benign workbook (``check`` would not: no tables)."""
    edits: bool = False
    """Whether its output differs from its input on purpose (``share`` adds a note)."""


COMMANDS: list[Command] = [
    Command("selfcheck", lambda book, out: [*SELFCHECK, str(book)], "nothing"),
    Command(
        "selfcheck-rewrite", lambda book, out: [*SELFCHECK, "--rewrite", str(book)], "in-place"
    ),
    Command("selfcheck-copy", lambda book, out: [*SELFCHECK, str(book), "-o", str(out)], "copy"),
    Command("refresh", lambda book, out: [*XLCOMP, "refresh", str(book)], "in-place"),
    Command(
        "refresh-copy", lambda book, out: [*XLCOMP, "refresh", str(book), "-o", str(out)], "copy"
    ),
    Command(
        "share", lambda book, out: [*XLCOMP, "share", str(book), "-o", str(out)], "copy", edits=True
    ),
    Command(
        "check", lambda book, out: [*XLCOMP, "check", str(book)], "nothing", accepts_minimal=False
    ),
    Command(
        "build-data",
        lambda book, out: [*XLCOMP, "build", "--data", str(book), "-o", str(out)],
        "copy",
        accepts_minimal=False,
    ),
    Command(
        "render",
        lambda book, out: [*XLCOMP, "render", str(book), "-o", str(out.with_suffix(".pdf"))],
        "nothing",
        accepts_minimal=False,
    ),
    Command(
        "update",
        lambda book, out: [*XLCOMP, "update", str(book), "--from", GUIDE_TOML],
        "in-place",
        accepts_minimal=False,
    ),
    Command(
        "update-copy",
        lambda book, out: [
            *XLCOMP,
            "update",
            str(book),
            "--from",
            GUIDE_TOML,
            "-o",
            str(out.parent),
        ],
        "copy",
        accepts_minimal=False,
    ),
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


_WRAPPER = """
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(argv: list[str], *, timeout: float = 120.0) -> Outcome:
    """Run ``argv`` to the end and measure its peak memory (POSIX).

    The peak comes from ``wait4`` in a small Python launcher, not in this process: on Linux
    a child's ``ru_maxrss`` starts from the peak of the process that spawned it, and a test
    process that has built a few hostile files is bigger than the command under test.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "maxrss"
        out_path, err_path = Path(folder) / "out", Path(folder) / "err"
        start = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                [PYTHON, "-c", _WRAPPER, str(report), *argv],
                stdout=out,
                stderr=err,
                env=command_env(),
                cwd=ROOT,
                start_new_session=True,
            )
            try:
                returncode = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise
        seconds = time.monotonic() - start
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        return Outcome(
            returncode,
            out_path.read_text(errors="replace"),
            err_path.read_text(errors="replace"),
            int(report.read_text()) * scale,
            seconds,
        )
