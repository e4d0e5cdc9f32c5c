"""One frame -> both players' scores: crop, keep the ink, cut glyphs, OCR, parse."""

from __future__ import annotations

from dataclasses import dataclass

from ..base.regions import Region
from ..base.scores import Leader, Score, leader_of, margin_of
from ..capture.base import Image
from .engines.base import OcrEngine
from .parse import parse_score
from .preprocess import art_over_digits, blur_problem, crop, score_ink, segment, with_blur
from .profiles import Player, Profile

# What an unsure read says when the engine gives no reason of its own.
UNSURE_DIGITS = "digits unclear: the two readers disagree (a sharper or larger capture helps)"
# Regions whose last read is kept (two players; more only while regions are being moved).
_REMEMBERED_REGIONS = 4


@dataclass(frozen=True, slots=True)
class ScoreRead:
    """One player's score as read from one frame.

    ``score`` is None when no score could be read for sure; ``text`` is the digits the engine
    read; ``confidence`` is 0..1; ``problem`` says why ``score`` is None (empty otherwise).
    ``present``: the region holds a score's digits, read or not (False: no score on screen
    there, as on menus and results screens).
    """

    score: Score | None
    text: str
    confidence: float
    problem: str = ""
    present: bool = True


@dataclass(frozen=True, slots=True)
class FrameRead:
    p1: ScoreRead
    p2: ScoreRead

    @property
    def leader(self) -> Leader | None:
        return leader_of(self.p1.score, self.p2.score)

    @property
    def margin(self) -> Score | None:
        return margin_of(self.p1.score, self.p2.score)

    @property
    def present(self) -> tuple[bool, bool]:
        """Whether each region holds a score's digits, read or not (for the tracker)."""
        return self.p1.present, self.p2.present


class ScoreReader:
    """Reads both players' scores from frames of one game. Use from one thread."""

    def __init__(self, profile: Profile, engine: OcrEngine, regions: dict[Player, Region] | None = None) -> None:
        self.profile = profile
        self.engine = engine
        self.regions = regions
        # The last read of each region and the pixels it was read from: between score changes
        # a live capture grabs the same pixels again and again, and they read the same.
        self._last: dict[Region, tuple[bytes, ScoreRead]] = {}
        self._widest_digit = profile.widest_digit

    def regions_for(self, width: int, height: int) -> dict[Player, Region]:
        """The regions to read in a width x height frame; RegionError if one is outside it."""
        regions = self.regions if self.regions is not None else self.profile.regions_in(width, height)
        for player, region in regions.items():
            region.check_inside(width, height, f"{player.upper()} region")
        return regions

    def close(self) -> None:
        """Close the engine (a learning engine saves what it learned)."""
        self.engine.close()

    def __enter__(self) -> ScoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, frame: Image) -> FrameRead:
        return self.read_at(frame, self.regions_for(frame.shape[1], frame.shape[0]))

    def read_at(self, frame: Image, regions: dict[Player, Region]) -> FrameRead:
        """Read the given regions, which the caller has checked lie inside ``frame``."""
        return FrameRead(self.read_region(frame, regions["p1"]), self.read_region(frame, regions["p2"]))

    def read_region(self, frame: Image, region: Region) -> ScoreRead:
        pixels = crop(frame, region)
        key = pixels.tobytes()
        last = self._last.get(region)
        if last is not None and last[0] == key:
            return last[1]
        read = self._read_pixels(pixels, region)
        if len(self._last) >= _REMEMBERED_REGIONS:
            self._last.clear()
        self._last[region] = (key, read)
        return read

    def _read_pixels(self, pixels: Image, region: Region) -> ScoreRead:
        profile = self.profile
        mask = score_ink(pixels, profile.ink)
        scale = mask.shape[0] / region.h
        fmt = profile.format
        glyphs = segment(
            mask, fmt.max_digits, profile.ink.bold_font, scale, self._widest_digit, fmt.decimals, bool(fmt.grouping)
        )
        glyphs = with_blur(glyphs, pixels)
        problem = glyphs.problem or blur_problem(glyphs)
        if not problem and profile.ink.art_over_digits:
            problem = art_over_digits(pixels, glyphs, scale, profile.ink)
        if problem:
            return ScoreRead(None, "", 0.0, problem, glyphs.digits_there)
        read = self.engine.read_digits(glyphs)
        if not read.sure:
            return ScoreRead(None, read.digits, read.confidence, read.problem or UNSURE_DIGITS)
        score, problem = parse_score(read.digits, len(glyphs.images), profile.format)
        return ScoreRead(score, read.digits, read.confidence, problem)
