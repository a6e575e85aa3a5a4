"""The built-in data file and a user's data files: loaded, validated, every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlcomp.core.guide import builtin_text, load_guide
from xlcomp.core.models import GuideData
from xlcomp.errors import DataError


def test_builtin_guide_has_the_guide_numbers(guide: GuideData) -> None:
    """Three regions × (base, equity, bonus, tc) and the seven-company mapping."""
    assert guide.bands.regions() == ["San Francisco", "Seattle", "Remote US"]
    assert len(guide.bands.bands) == 12
    sf = {b.component: (b.min, b.max) for b in guide.bands.bands if b.region == "San Francisco"}
    assert sf == {
        "base": (185000, 245000),
        "equity": (50000, 85000),
        "bonus": (0.10, 0.15),
        "tc": (222000, 312000),
    }
    assert {(e.company, e.level) for e in guide.levels.entries} == {
        ("Together AI", "Senior SWE"),
        ("Google", "L5"),
        ("Meta", "E5"),
        ("OpenAI", "IC3"),
        ("Anthropic", "Senior SWE"),
        ("Amazon", "SDE III"),
        ("Apple", "ICT4"),
    }
    assert {e.rung for e in guide.levels.entries} == {"Senior"}
    assert len(guide.levers) == 4 and guide.sources and guide.premiums
    assert all(b.company == "Together AI" and b.as_of for b in guide.bands.bands)


def test_scenario_is_the_guides(guide: GuideData) -> None:
    """SF Senior SWE, 240K / 80K / 15 %, competing 295K, floor 275K."""
    s = guide.scenario
    assert (s.region, s.level) == ("San Francisco", "Senior SWE")
    assert (s.offer_base, s.offer_equity, s.offer_bonus_pct) == (240000, 80000, 0.15)
    assert (s.competing_tc, s.floor) == (295000, 275000)


def test_models_are_frozen(guide: GuideData) -> None:
    """Models cannot be changed after they are made."""
    with pytest.raises(Exception, match="frozen"):
        guide.scenario.floor = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("min = 185000", 'min = "lots"'), ["bands[0].min", "valid number"]),
        (('component = "base"', 'component = "stock"'), ["bands[0].component"]),
        (("[scenario]", "[scenario]\nsurprise = 1"), ["scenario.surprise", "Extra inputs"]),
        (('rung = "Senior"', "rung = 5"), ["levels[0].rung"]),
        (("[meta]", "[meta\n"), ["not valid TOML"]),
    ],
    ids=["non-number", "bad-component", "unknown-key", "wrong-type", "bad-toml"],
)
def test_bad_data_file_names_the_place(
    tmp_path: Path, change: tuple[str, str], words: list[str]
) -> None:
    """A bad data file is one DataError naming the file and the bad key."""
    path = tmp_path / "mine.toml"
    path.write_text(builtin_text().replace(*change, 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_guide(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_data_file(tmp_path: Path) -> None:
    """A data file that does not exist is a DataError naming it."""
    with pytest.raises(DataError, match="cannot read data file"):
        load_guide(tmp_path / "nope.toml")
