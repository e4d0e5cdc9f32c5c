"""The reader's own behaviour around the engines: unchanged pixels are not read twice."""

from __future__ import annotations

from ddrcore.cli.footage import random_frames
from ddrcore.read.engines.base import DigitText
from ddrcore.read.engines.glyph import GlyphEngine
from ddrcore.read.preprocess import Glyphs
from ddrcore.read.profiles import load_profile
from ddrcore.read.reader import ScoreReader


class CountingEngine:
    """The real glyph engine (ITG's shipped glyph art), counting what it is asked to read."""

    name = "counting"

    def __init__(self, engine: GlyphEngine) -> None:
        self.engine = engine
        self.calls = 0

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        self.calls += 1
        return self.engine.read_digits(glyphs)

    def close(self) -> None:
        self.engine.close()


def test_unchanged_regions_are_not_read_again() -> None:
    profile = load_profile("itg-percent")
    engine = CountingEngine(GlyphEngine.for_profile(profile))
    reader = ScoreReader(profile, engine)
    frame = next(f for f in random_frames(profile, 40, seed=5) if f.p1 is not None and f.p2 is not None)

    read = reader.read(frame.image)
    assert engine.calls == 2
    assert (read.p1.score, read.p2.score) == (frame.p1, frame.p2)

    again = reader.read(frame.image.copy())  # the same pixels in another buffer
    assert engine.calls == 2
    assert again == read

    changed = frame.image.copy()
    region = profile.regions_in(changed.shape[1], changed.shape[0])["p2"]
    changed[region.y, region.x] ^= 1  # one pixel of P2's region, a little different
    mixed = reader.read(changed)
    assert engine.calls == 3  # P2 read again, P1 not
    assert mixed == read
