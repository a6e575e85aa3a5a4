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


def convert(
    src: Path,
    target_format: str,
    outdir: Path,
    *,
    recalc: Recalc = "never",
    timeout: float = 180,
) -> Path:
    """Convert ``src`` with ``soffice --headless --convert-to``; the written file."""
    exe = soffice()
    ext = target_format.split(":", 1)[0]
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
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise WorkbookError(f"{src}: LibreOffice did not finish in {timeout:g} s") from None
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
    exe = soffice()
    ext = target_format.split(":", 1)[0]
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
            subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise WorkbookError(
                f"{len(srcs)} files: LibreOffice did not finish in {timeout:g} s"
            ) from None
    written = {src: outdir / f"{src.stem}.{ext}" for src in srcs}
    return {src: out for src, out in written.items() if out.exists() and out.stat().st_size}
