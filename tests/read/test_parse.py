from __future__ import annotations

import pytest

from ddrcore.base.errors import RegionError
from ddrcore.base.regions import Region
from ddrcore.read.parse import format_score, parse_score
from ddrcore.read.profiles import load_profile, profile_names


def test_profiles_load() -> None:
    assert profile_names() == ["ddr-world", "generic", "itg-percent", "stepmania"]
    for name in profile_names():
        assert load_profile(name).name == name


@pytest.mark.parametrize(
    ("profile", "digits", "glyphs", "expected"),
    [
        ("ddr-world", "123456", 6, 123456),
        ("ddr-world", "1000000", 7, 1000000),
        ("ddr-world", "1000001", 7, None),  # over the range
        ("ddr-world", "0123", 4, None),  # a bright leading zero is never drawn
        ("ddr-world", "12345", 6, None),  # digits and glyphs disagree
        ("stepmania", "27584496", 8, 27584496),
        ("itg-percent", "1548", 4, 15.48),
        ("itg-percent", "10000", 5, 100.0),
        ("itg-percent", "10001", 5, None),
        ("itg-percent", "050", 3, 0.5),
        ("generic", "007", 3, 7),
        ("generic", "", 0, None),
    ],
)
def test_parse_score(profile: str, digits: str, glyphs: int, expected: float | None) -> None:
    assert parse_score(digits, glyphs, load_profile(profile).format)[0] == expected


def test_format_score_as_the_game_writes_it() -> None:
    assert format_score(123456, load_profile("ddr-world").format) == "0,123,456"
    assert format_score(27584496, load_profile("stepmania").format) == "027,584,496"
    assert format_score(15.4, load_profile("itg-percent").format) == "15.40"


def test_region_parse_and_bounds() -> None:
    assert Region.parse("1, 2,3,4") == Region(1, 2, 3, 4)
    with pytest.raises(RegionError):
        Region.parse("1,2,3")
    with pytest.raises(RegionError, match="outside"):
        Region(0, 0, 10, 10).check_inside(5, 5)
    with pytest.raises(RegionError, match="zero size"):
        Region(0, 0, 0, 10).check_inside(50, 50)
