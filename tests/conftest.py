"""Shared fixtures, the LibreOffice rule and the shared-folder rule.

Tests marked ``libreoffice`` need ``soffice``. On a developer's machine without it they
are skipped with a note on how to install it; in CI (``CI`` set) a missing LibreOffice
is a failure, never a skip.

Tests marked ``shared`` need the product's shared folder (``../shared`` beside the
checkout: the Excel-made corpus of workbooks), which a clone of this repository does not
have. They are skipped outside CI with a note saying where the files come from, and fail
in CI. :func:`shared_path` and :func:`shared_files` are the only way tests reach it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.core.tables import band_rows, level_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XLCOMP_SHARED") or ROOT.parent / "shared")
"""The product's shared folder: ``../shared`` beside the checkout, or ``$XLCOMP_SHARED``."""
CORPUS = SHARED / "corpus" / "excel-made"
SHARED_MISSING = (
    "needs {path} from the product's shared folder (the corpus of Excel-made workbooks), "
    "which is not part of this repository: it sits beside the checkout as ../shared in the "
    "project's workspace and in CI (set XLCOMP_SHARED to use another place)"
)


def in_ci() -> bool:
    """Whether the tests run in CI (``CI`` set, and not to false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def shared_path(*parts: str) -> Path:
    """A path inside the shared folder (it may not exist: see :func:`shared_files`)."""
    return SHARED.joinpath(*parts)


def require_shared(*parts: str) -> Path:
    """The path ``SHARED/parts``, or the test is skipped (outside CI) or fails (in CI)."""
    path = shared_path(*parts)
    if not path.exists():
        message = SHARED_MISSING.format(path=path)
        if in_ci():
            pytest.fail(f"{message} (required in CI)", pytrace=False)
        pytest.skip(message)
    return path


def shared_files(folder: str, pattern: str) -> list[Any]:
    """The files of ``SHARED/folder`` matching ``pattern``, as parameters of a test.

    When the folder is missing there is one parameter, marked ``shared``, so that the
    test is skipped with the reason (outside CI) or fails (in CI) instead of vanishing.
    """
    found = sorted(shared_path(folder).glob(pattern))
    if found:
        return [pytest.param(p, id=p.name, marks=pytest.mark.shared) for p in found]
    return [pytest.param(shared_path(folder), id="shared-missing", marks=pytest.mark.shared)]


def _shared_missing(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("shared")
    if marker is None:
        return None
    needed = [shared_path(*str(arg).split("/")) for arg in marker.args] or [CORPUS]
    for path in needed:
        if not path.exists():
            return SHARED_MISSING.format(path=path)
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = _shared_missing(item)
    if missing is not None:
        if in_ci():
            pytest.fail(f"{missing} (required in CI)", pytrace=False)
        pytest.skip(missing)
    if "libreoffice" not in item.keywords:
        return
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    message = "LibreOffice is not installed: apt-get install libreoffice-calc-nogui poppler-utils"
    if in_ci():
        pytest.fail(f"{message} (required in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def guide() -> GuideData:
    """The built-in data (the guide's numbers)."""
    return load_guide()


@pytest.fixture(scope="session")
def bands(guide: GuideData) -> list[list[object]]:
    """The guide's bands as Excel hands a range: a header row, then data rows."""
    return band_rows(guide.bands)


@pytest.fixture(scope="session")
def levels(guide: GuideData) -> list[list[object]]:
    """The guide's level mapping as a range with a header row."""
    return level_rows(guide.levels)
