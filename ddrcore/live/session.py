"""What every front end builds from its options: a profile, an engine, a reader, a tracker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..base.regions import Region
from ..read.engines import DEFAULT_ENGINE, make_engine
from ..read.profiles import DEFAULT_PROFILE, Player, load_profile
from ..read.reader import ScoreReader
from ..track.tracker import Tracker, TrackRules


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How to read a match: game profile, OCR engine, regions (None: the profile's), hold,
    and the tesseract executable when it is not on PATH."""

    profile: str = DEFAULT_PROFILE
    engine: str = DEFAULT_ENGINE
    p1: Region | None = None
    p2: Region | None = None
    hold_ms: int = 1000
    tesseract_path: str = ""
    # A template store file to read with (``ddrcore learn`` makes one); "" = the profile's
    # store in the user's data folder.
    templates_file: str = ""
    # Without a template file: keep the digits learned in the user's store (OBS, watch), or
    # learn from nothing for this run only (the command line, unless --learn).
    keep_learned: bool = True
    # Scores not read for this long are hidden; the leader is kept through unsure reads this long.
    stale_ms: int = 1000
    unsure_keep_s: float = 15.0

    @property
    def how(self) -> tuple[object, ...]:
        """What the engine is built from; the regions and the hold can change without it."""
        return (self.profile, self.engine, self.tesseract_path, self.templates_file, self.keep_learned)

    def store_words(self) -> str:
        """Which learned digits are read with, in words (for a status line)."""
        from ..read.engines.store import TemplateStore

        own = TemplateStore(self.profile).path
        if self.templates_file:
            learned = f"learning into {own}" if self.keep_learned else "learning for this run only"
            return f"digits from the template file {self.templates_file}, read only; {learned}"
        if not self.keep_learned:
            return "digits learned for this run only"
        return f"digits from your store {own}"

    @property
    def regions(self) -> dict[Player, Region] | None:
        """The regions given, or None: the profile's."""
        if self.p1 is None or self.p2 is None:
            return None
        return {"p1": self.p1, "p2": self.p2}


def make_reader(config: ReadConfig) -> ScoreReader:
    profile = load_profile(config.profile)
    templates = Path(config.templates_file) if config.templates_file else None
    engine = make_engine(config.engine, profile, config.tesseract_path or None, templates, config.keep_learned)
    return ScoreReader(profile, engine, config.regions)


def make_tracker(config: ReadConfig) -> Tracker:
    profile = load_profile(config.profile)
    rules = TrackRules(
        profile.motion, hold_s=config.hold_ms / 1000, unsure_keep_s=config.unsure_keep_s, stale_s=config.stale_ms / 1000
    )
    return Tracker(rules)
