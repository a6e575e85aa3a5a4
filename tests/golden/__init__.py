"""The template's golden snapshot, and the one command that regenerates it.

The test (``tests/test_template.py``) compares the snapshot of what the builder writes
today with ``negotiation.json``. When a change to the template is intended, regenerate
the file and commit it with the change::

    python -m tests.golden --update      # rewrite negotiation.json
    xlcomp build -o workbooks/negotiation.xlsx   # and the committed workbook
"""

from __future__ import annotations

from pathlib import Path

from xlcomp.core.guide import load_guide
from xlcomp.template import build_bytes
from xlcomp.template.snapshot import dumps, snapshot

GOLDEN = Path(__file__).with_name("negotiation.json")
UPDATE_COMMAND = "python -m tests.golden --update"


def current_text() -> str:
    """The snapshot of the template built from the built-in data, as the file's text."""
    return dumps(snapshot(build_bytes(load_guide())))
