"""Level equivalence across companies.

Levels of different companies that share a rung are equivalent. With the guide's
mapping (all rung ``Senior``), LEVELMAP("Together AI", "Senior SWE", "Google") is "L5"
and LEVELMAP("Meta", "E5", "Amazon") is "SDE III".
"""

from __future__ import annotations

from xlcomp.core.models import LevelTable, key
from xlcomp.errors import InputError, NotFoundError


def level_map(table: LevelTable, company: str, level: str, to_company: str) -> str:
    """The level at ``to_company`` on the rung of ``company``'s ``level``.

    Several levels of ``to_company`` on one rung are joined with " / ".
    """
    companies = {key(c) for c in table.companies()}
    known = ", ".join(table.companies())
    for arg, name in (("company", company), ("to_company", to_company)):
        if key(name) not in companies:
            raise NotFoundError(arg, f"{name!r} not in levels (known: {known})")
    rungs = {
        e.rung
        for e in table.entries
        if key(e.company) == key(company) and key(e.level) == key(level)
    }
    if not rungs:
        levels = ", ".join(e.level for e in table.entries if key(e.company) == key(company))
        raise NotFoundError("level", f"{level!r} not in levels for {company} (known: {levels})")
    if len({key(r) for r in rungs}) > 1:
        raise InputError(
            "levels", f"{company} {level} sits on several rungs ({', '.join(sorted(rungs))})"
        )
    rung = next(iter(rungs))
    found = [
        e.level
        for e in table.entries
        if key(e.company) == key(to_company) and key(e.rung) == key(rung)
    ]
    if not found:
        raise InputError("to_company", f"{to_company} has no level on rung {rung!r}")
    return " / ".join(dict.fromkeys(found))
