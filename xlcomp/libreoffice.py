"""Running LibreOffice headless: conversions with a private, throw-away profile.

Each run gets its own user profile (so runs never share a lock or a setting with a
person's LibreOffice) in which the recalculation mode of OOXML files is set:
``never`` shows the values stored in the file (what ``refresh`` wrote), ``always``
recalculates every formula on load.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from xlcomp.errors import ToolMissingError, WorkbookError

Recalc = Literal["always", "never", "prompt"]
_RECALC_VALUE = {"always": 0, "never": 1, "prompt": 2}

INSTALL_HINT = (
    "install it: apt-get install libreoffice-calc-nogui poppler-utils (Debian/Ubuntu), "
    "brew install --cask libreoffice and brew install poppler (macOS)"
)


def soffice() -> str:
    """The path of LibreOffice's ``soffice``; an error saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ToolMissingError(f"LibreOffice (soffice) is not installed; {INSTALL_HINT}")
    return found


def pdftoppm() -> str:
    """The path of poppler's ``pdftoppm``; an error saying how to install it."""
    found = shutil.which("pdftoppm")
    if not found:
        raise ToolMissingError(f"pdftoppm (poppler) is not installed; {INSTALL_HINT}")
    return found


_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


@contextmanager
def profile(recalc: Recalc = "never") -> Iterator[str]:
    """A fresh LibreOffice profile as a ``-env:UserInstallation`` URL."""
    with tempfile.TemporaryDirectory(prefix="xlcomp-lo-") as tmp:
        user = Path(tmp) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(
            _XCU.format(mode=_RECALC_VALUE[recalc]), encoding="utf-8"
        )
        yield Path(tmp).as_uri()


def _soffice_convert(
    srcs: list[Path], target_format: str, outdir: Path, recalc: Recalc, timeout: float, what: str
) -> subprocess.CompletedProcess[str]:
    """One ``soffice --headless --convert-to`` run over ``srcs`` with a fresh profile;
    ``what`` names the input in the one-line error when LibreOffice does not finish."""
    exe = soffice()
    with profile(recalc) as user:
        cmd = [
            exe,
            f"-env:UserInstallation={user}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            *map(str, srcs),
        ]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise WorkbookError(f"{what}: LibreOffice did not finish in {timeout:g} s") from None


def convert(
    src: Path,
    target_format: str,
    outdir: Path,
    *,
    recalc: Recalc = "never",
    timeout: float = 180,
) -> Path:
    """Convert ``src`` with ``soffice --headless --convert-to``; the written file."""
    ext = target_format.split(":", 1)[0]
    proc = _soffice_convert([src], target_format, outdir, recalc, timeout, str(src))
    out = outdir / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {proc.returncode}"
        raise WorkbookError(f"{src}: LibreOffice could not convert it to {ext} ({reason})")
    return out


def convert_many(
    srcs: list[Path],
    target_format: str,
    outdir: Path,
    *,
    recalc: Recalc = "never",
    timeout: float = 600,
) -> dict[Path, Path]:
    """Convert every file of ``srcs`` in one ``soffice --convert-to`` run (one start of
    LibreOffice instead of one per file): source -> written file. The stems of ``srcs``
    must differ, and ``outdir`` must not hold any of them. A file LibreOffice could not
    convert is left out of the answer."""
    if len({src.stem for src in srcs}) != len(srcs):
        raise WorkbookError("convert_many: two files share a name")
    if not srcs:
        return {}
    ext = target_format.split(":", 1)[0]
    _soffice_convert(srcs, target_format, outdir, recalc, timeout, f"{len(srcs)} files")
    written = {src: outdir / f"{src.stem}.{ext}" for src in srcs}
    return {src: out for src, out in written.items() if out.exists() and out.stat().st_size}
