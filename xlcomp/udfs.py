"""The worksheet functions, for Excel through xlwings (``UDF Modules = xlcomp.udfs``).

Every function here is declared once, in :mod:`xlcomp.worksheet.catalogue`, and this
module is its xlwings face: :func:`xlcomp.worksheet.face.face_source` writes one
ordinary function per entry, decorated with ``@xw.func(category="xlcomp")`` and an
``@xw.arg(name, ndim=2, doc=...)`` per argument, and this module runs that source in
its own namespace. So xlwings sees real functions: their Python name is the Excel name
(classic xlwings registers a function under it), ``inspect.signature`` gives the
arguments (optional ones default to None), the docstring is the Function Wizard's
description and each ``doc`` its help for an argument. Each calls the plain-Python
function of :mod:`xlcomp.worksheet.functions`. ``tests/test_vba.py`` runs xlwings' own
"Import Functions" code on this module; ``tests/test_catalogue.py`` checks it against
the catalogue.
"""

from __future__ import annotations

from typing import Any

from xlcomp.worksheet.face import face_source

__all__: list[str] = []  # set by the face's source, below

SOURCE = face_source()
"""The Python source of this module's functions (the same text Lite's main.py carries);
it imports xlwings and decorates each function with ``xw.func`` and ``xw.arg``."""

exec(compile(SOURCE, f"<{__name__}: written from the catalogue>", "exec"), globals())


def __getattr__(name: str) -> Any:
    """For type checkers: the functions are set by the face's source, above."""
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
