"""Shared fixtures and the LibreOffice rule.

Tests marked ``libreoffice`` need ``soffice``. On a developer's machine without it they
are skipped with a note on how to install it; in CI (``CI`` set) a missing LibreOffice
is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from xlcomp.core.guide import load_guide
from xlcomp.core.models import GuideData
from xlcomp.core.tables import band_rows, level_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "excel-made"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "libreoffice" not in item.keywords:
        return
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    message = "LibreOffice is not installed: apt-get install libreoffice-calc-nogui poppler-utils"
    if os.environ.get("CI"):
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
