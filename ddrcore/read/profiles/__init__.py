"""Game profiles: how each game draws its score, as data files beside this module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ...base.errors import ProfileError
from ...base.regions import Region, RelativeRegion

PROFILE_DIR = Path(__file__).parent

# The game a new user starts with (the settings' default; the command line's too): the free
# game anyone can try.
DEFAULT_PROFILE = "stepmania"

Player = Literal["p1", "p2"]
PLAYERS: tuple[Player, Player] = ("p1", "p2")


@dataclass(frozen=True, slots=True)
class ScoreFormat:
    """How a score is written.

    ``decimals`` fixed decimals; at most ``max_digits`` significant digits; the game pads to
    ``pad_digits`` with dim zeros and groups thousands with ``grouping``. ``leading_zeros``:
    whether a read may start with a zero (games that dim them never draw a bright one).
    """

    decimals: int
    max_digits: int
    pad_digits: int
    grouping: str
    min: float
    max: float
    leading_zeros: bool = False


@dataclass(frozen=True, slots=True)
class InkRule:
    """Which pixels are score ink. ``bright``: HSV value >= v_min and saturation <= s_max.
    ``otsu``: the minority side of an Otsu threshold on brightness. ``bold_font``: the digits
    are far bolder than text, so general OCR gets them thinned first."""

    mode: Literal["bright", "otsu"]
    v_min: int
    s_max: int
    bold_font: bool = False
    # The game draws coloured art over its score at times (Simply Love's arrows scroll across
    # it): a read with strongly coloured ink on or beside the digits' line is refused.
    art_over_digits: bool = False


@dataclass(frozen=True, slots=True)
class MotionRule:
    """How a score may move between reads, per second of game time.

    ``monotonic`` scores never fall within a song; a fall to at most ``reset_below`` is a new song.
    """

    monotonic: bool
    max_rise_per_s: float
    max_drop_per_s: float
    reset_below: float


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title: str
    notes: str
    format: ScoreFormat
    ink: InkRule
    regions: dict[Player, RelativeRegion]
    motion: MotionRule
    glyphs: dict[str, tuple[str, ...]] | None

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def widest_digit(self) -> float:
        """The width over the height of the widest digit in the profile's glyph art (the game's
        font), or 0.0 where the profile has none."""
        if not self.glyphs:
            return 0.0
        return max(max(len(row) for row in art) / len(art) for art in self.glyphs.values())

    def regions_in(self, width: int, height: int) -> dict[Player, Region]:
        """The profile's score regions in a width x height frame, in pixels."""
        return {p: self.regions[p].to_pixels(width, height) for p in PLAYERS}


def profile_names() -> list[str]:
    """The names of the shipped profiles, sorted."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.json"))


def load_profile(name: str) -> Profile:
    """Load a shipped profile by name; ProfileError names the valid choices."""
    path = PROFILE_DIR / f"{name}.json"
    if name not in profile_names():
        raise ProfileError(f"unknown profile {name!r}; choose one of: {', '.join(profile_names())}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _profile_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"profile file {path} is malformed: {exc}") from None


def _profile_from_dict(data: dict[str, Any]) -> Profile:
    regions = {p: RelativeRegion(*(float(v) for v in data["regions"][p])) for p in PLAYERS}
    glyphs = data.get("glyphs")
    return Profile(
        name=str(data["name"]),
        title=str(data["title"]),
        notes=str(data.get("notes", "")),
        format=ScoreFormat(**data["format"]),
        ink=InkRule(**data["ink"]),
        regions=regions,
        motion=MotionRule(**data["motion"]),
        glyphs={k: tuple(v) for k, v in glyphs.items()} if glyphs else None,
    )
