"""Progress display for long refreshes: a tqdm bar on a terminal, nothing elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO


@contextmanager
def terminal_progress(
    desc: str = "refresh", stream: TextIO | None = None, min_total: int = 500
) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar on ``stream`` if it is a tty.

    Yields None when the stream is not a terminal (logs, pipes, CI), so callers can pass
    it straight to :func:`xlcomp.refresh.refresh_workbook`. Workbooks with fewer than
    ``min_total`` formulas get no bar: they finish before one would be read.
    """
    out = stream if stream is not None else sys.stderr
    if not (hasattr(out, "isatty") and out.isatty()):
        yield None
        return
    from tqdm import tqdm

    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if total < min_total:
            return
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="cell", file=out, leave=False)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
