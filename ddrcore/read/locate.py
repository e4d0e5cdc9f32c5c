"""Find both score regions in a frame by themselves.

First the profile's own regions, scaled to the frame: when either reads a score there, the
game fills the frame and they are the answer. Otherwise the game is somewhere inside the
frame at some scale: find lines of digit-like ink, pair a left line with a right line of
the same height and baseline, and from each pair work out where the game area must be for
the profile's regions to hold them (scores may be aligned by their right edge, left edge or
centre). A hypothesis counts only if both scores then read and parse; a menu gives none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2

from ..base.regions import Region, RelativeRegion
from ..capture.base import Image
from .preprocess import ink_mask
from .profiles import PLAYERS, InkRule, Player, Profile
from .reader import FrameRead, ScoreReader

# Locating rules: the one place this stage's thresholds live, each with why in one line; the
# evidence is tests/read/test_locate.py (real frames at 0.5-1.5x, inside larger frames, menus).
#
# A score digit is between these fractions of the frame's height, and narrower than this.
_MIN_DIGIT_OF_FRAME, _MAX_DIGIT_OF_FRAME = 1 / 120, 1 / 6
_MAX_DIGIT_WIDTH_OF_HEIGHT = 1.2
# Blobs on one line: heights and baselines within this of the taller, gaps under this.
_LINE_TOLERANCE = 0.25
_MAX_GAP_OF_HEIGHT = 1.3
# Two lines are the two players' scores when this alike in height and baseline.
_PAIR_SIZE_TOLERANCE, _PAIR_BASE_TOLERANCE = 0.2, 0.3
# Only the most alike pairs are tried: each costs two reads.
_MAX_PAIRS = 40
# Every game here is drawn 16:9.
_GAME_ASPECT = 9 / 16
# Scores sit against one side of their box (or centred), a little inside it: the side and
# that margin, in digit heights, to try (the read decides).
_TIGHTEN = (0.03, 0.06)
# A read found by searching must be surer than one at a known place.
_MIN_SEARCH_CONFIDENCE = 0.8
# Every profile's boxes are drawn close around the digits (the digits fill 45-82% of their
# height, in real and generated frames alike).
_MIN_DIGIT_OF_REGION, _MAX_DIGIT_OF_REGION = 0.38, 0.9
# The game is drawn over at least this much of the frame's width, and at most a little more
# than all of it (a game cropped at the sides).
_MIN_GAME_OF_FRAME, _MAX_GAME_OF_FRAME = 0.3, 1.05
# Where a score sits in its box: the side it is aligned to, and its padding in digit heights.
_ANCHORS = (
    ("right", 0.4),
    ("right", 0.8),
    ("right", 0.0),
    ("left", 0.4),
    ("left", 0.8),
    ("left", 0.0),
    ("centre", 0.0),
)
# For profiles whose ink is the minority side of a threshold, search bright ink instead.
_SEARCH_INK = InkRule("bright", 180, 255)


@dataclass(frozen=True, slots=True)
class Located:
    """Where the scores are, what was read there, and how it was found ("profile" or "search")."""

    p1: Region
    p2: Region
    read: FrameRead
    method: str

    @property
    def regions(self) -> dict[Player, Region]:
        return {"p1": self.p1, "p2": self.p2}


@dataclass(frozen=True, slots=True)
class _Line:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def locate(frame: Image, reader: ScoreReader) -> Located | None:
    """Both score regions of ``frame`` (pixels), or None when no scores can be found."""
    height, width = frame.shape[:2]
    profile = reader.profile
    defaults = profile.regions_in(width, height)
    at_defaults = reader.read_at(frame, defaults)
    if at_defaults.p1.score is not None and at_defaults.p2.score is not None:
        return Located(defaults["p1"], defaults["p2"], at_defaults, "profile")
    guesses = list(_hypotheses(frame, profile))
    for tighten in (0.0, *_TIGHTEN):
        for guess in guesses:
            regions = _tightened(guess, tighten)
            read = reader.read_at(frame, regions)
            if _convincing(read):
                return Located(regions["p1"], regions["p2"], read, "search")
    if at_defaults.p1.score is not None or at_defaults.p2.score is not None:
        return Located(defaults["p1"], defaults["p2"], at_defaults, "profile")  # one player playing
    return None


def _convincing(read: FrameRead) -> bool:
    """Whether a searched pair of reads is surely two scores: both read with confidence, and
    not two lone glyphs (often a stray stroke read as "1" on each side)."""
    both = (read.p1, read.p2)
    if any(r.score is None or r.confidence < _MIN_SEARCH_CONFIDENCE for r in both):
        return False
    return max(len(r.text) for r in both) >= 2


def _tightened(regions: dict[Player, Region], fraction: float) -> dict[Player, Region]:
    """The guess made smaller by ``fraction`` on each side: a guess a few pixels off takes in
    a sliver of what surrounds the score, which can be enough to spoil the ink threshold."""
    out = {}
    for player, r in regions.items():
        dx, dy = round(r.w * fraction), round(r.h * fraction)
        out[player] = Region(r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy)
    return out


def _hypotheses(frame: Image, profile: Profile) -> Iterator[dict[Player, Region]]:
    height, width = frame.shape[:2]
    p1, p2 = profile.regions["p1"], profile.regions["p2"]
    seen: set[tuple[Region, Region]] = set()
    for left, right in _pairs(_lines(frame, profile)):
        for game_width in _game_widths(left, right, p1, p2):
            if not _MIN_GAME_OF_FRAME * width <= game_width <= _MAX_GAME_OF_FRAME * width:
                continue
            game_height = game_width * _GAME_ASPECT
            for anchor, padding in _ANCHORS:
                ox = _origin_x(left, p1, game_width, anchor, padding * left.h)
                oy = (left.y + left.h / 2) - (p1.y + p1.h / 2) * game_height
                regions = {p: _place(profile.regions[p], ox, oy, game_width, game_height) for p in PLAYERS}
                if not _MIN_DIGIT_OF_REGION * regions["p1"].h <= left.h <= _MAX_DIGIT_OF_REGION * regions["p1"].h:
                    continue  # not sized like these boxes' digits: other numbers (a results screen's)
                key = (regions["p1"], regions["p2"])
                if key in seen or not all(_inside(r, width, height) for r in regions.values()):
                    continue
                seen.add(key)
                yield regions


def _game_widths(left: _Line, right: _Line, p1: RelativeRegion, p2: RelativeRegion) -> list[float]:
    """The game width each alignment implies: the lines sit where the regions' right edges,
    left edges or centres do."""
    widths = []
    for a, b, ra, rb in (
        (left.right, right.right, p1.x + p1.w, p2.x + p2.w),
        (left.x, right.x, p1.x, p2.x),
        (left.x + left.w / 2, right.x + right.w / 2, p1.x + p1.w / 2, p2.x + p2.w / 2),
    ):
        if rb != ra:
            widths.append((b - a) / (rb - ra))
    return widths


def _origin_x(left: _Line, p1: RelativeRegion, game_width: float, anchor: str, padding: float) -> float:
    """Where the game's left edge is if P1's digits sit ``padding`` pixels inside the
    ``anchor`` side of P1's region."""
    if anchor == "right":
        return left.right + padding - (p1.x + p1.w) * game_width
    if anchor == "left":
        return left.x - padding - p1.x * game_width
    return left.x + left.w / 2 - (p1.x + p1.w / 2) * game_width


def _place(relative: RelativeRegion, ox: float, oy: float, game_width: float, game_height: float) -> Region:
    return Region(
        round(ox + relative.x * game_width),
        round(oy + relative.y * game_height),
        round(relative.w * game_width),
        round(relative.h * game_height),
    )


def _inside(region: Region, width: int, height: int) -> bool:
    return (
        region.w > 0
        and region.h > 0
        and region.x >= 0
        and region.y >= 0
        and (region.x + region.w <= width and region.y + region.h <= height)
    )


def _lines(frame: Image, profile: Profile) -> list[_Line]:
    """Runs of digit-sized ink blobs side by side on one baseline."""
    rule = profile.ink if profile.ink.mode == "bright" else _SEARCH_INK
    mask = ink_mask(frame, rule)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    lowest, highest = _MIN_DIGIT_OF_FRAME * frame.shape[0], _MAX_DIGIT_OF_FRAME * frame.shape[0]
    blobs = sorted(
        (
            tuple(b)
            for b in stats[1:count, :4].tolist()
            if lowest <= b[3] <= highest and b[2] <= _MAX_DIGIT_WIDTH_OF_HEIGHT * b[3]
        ),
        key=lambda b: b[0],
    )
    lines: list[list[tuple[int, int, int, int]]] = []
    for blob in blobs:
        x, y, _, h = blob
        for line in lines:
            lx, ly, lw, lh = line[-1]
            same_size = abs(h - lh) <= _LINE_TOLERANCE * max(h, lh)
            same_base = abs((y + h) - (ly + lh)) <= _LINE_TOLERANCE * max(h, lh)
            if same_size and same_base and 0 <= x - (lx + lw) <= _MAX_GAP_OF_HEIGHT * max(h, lh):
                line.append(blob)
                break
        else:
            lines.append([blob])
    out = []
    for line in lines:
        x0, y0 = min(b[0] for b in line), min(b[1] for b in line)
        x1, y1 = max(b[0] + b[2] for b in line), max(b[1] + b[3] for b in line)
        out.append(_Line(x0, y0, x1 - x0, y1 - y0))
    return out


def _pairs(lines: list[_Line]) -> list[tuple[_Line, _Line]]:
    """Left/right pairs of lines that could be the two players' scores, most alike first."""
    pairs = []
    for left in lines:
        for right in lines:
            if right.x <= left.right + 2 * left.h:
                continue
            size = abs(left.h - right.h) / max(left.h, right.h)
            base = abs(left.bottom - right.bottom) / max(left.h, right.h)
            if size <= _PAIR_SIZE_TOLERANCE and base <= _PAIR_BASE_TOLERANCE:
                pairs.append((size + base, left, right))
    pairs.sort(key=lambda p: p[0])
    return [(left, right) for _, left, right in pairs[:_MAX_PAIRS]]
