"""Loading a data file (the package's ``data/guide.toml`` or a user's) into GuideData.

Every problem of the file is reported at once, each naming its place
(``bands[3].max: Input should be a valid number``).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xlcomp.core.models import GuideData
from xlcomp.errors import DataError

BUILTIN = "guide.toml"


def builtin_text() -> str:
    """The text of the package's own data file."""
    return resources.files("xlcomp.data").joinpath(BUILTIN).read_text(encoding="utf-8")


def parse_guide(text: str, origin: str = BUILTIN) -> GuideData:
    """GuideData from the TOML ``text``; ``origin`` names it in messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{origin}: not valid TOML ({exc})") from None
    return from_mapping(raw, origin)


def from_mapping(raw: dict[str, Any], origin: str) -> GuideData:
    """GuideData from a parsed mapping, applying ``band_defaults`` to every band."""
    data = dict(raw)
    defaults = data.pop("band_defaults", {}) or {}
    bands = [{**defaults, **b, "row": i + 1} for i, b in enumerate(data.get("bands", []))]
    levels = [{**lv, "row": i + 1} for i, lv in enumerate(data.get("levels", []))]
    data["bands"] = {"bands": bands}
    data["levels"] = {"entries": levels}
    try:
        return GuideData.model_validate(data)
    except ValidationError as exc:
        lines = [f"{_where(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise DataError(f"{origin}: " + "; ".join(lines)) from None


def load_guide(path: str | Path | None = None) -> GuideData:
    """The built-in data, or the data file at ``path``."""
    if path is None:
        return parse_guide(builtin_text())
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{p}: cannot read data file ({exc})") from None
    return parse_guide(text, str(p))


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the data file spells it: ``bands[3].max``."""
    parts = list(loc)
    if len(parts) > 1 and (parts[0], parts[1]) in {("bands", "bands"), ("levels", "entries")}:
        del parts[1]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
