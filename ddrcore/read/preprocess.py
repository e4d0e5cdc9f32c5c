"""Crop a score region, keep the score's ink, and cut it into digit glyphs.

Every game here draws leading zeros dim and significant digits bright, so "ink" is the
bright part and the digits it holds are the score. Commas and decimal points are small
and dropped: the profile's format puts the decimal point back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from statistics import median

import cv2
import numpy as np
from numpy.typing import NDArray

from ..base.regions import Region
from ..capture.base import Image
from .profiles import InkRule

# Segmentation rules: the one place this stage's thresholds live. Each says why in one line;
# the evidence is the test named (tests/read/test_glyphs.py unless said), or the footage grids
# (tests/read/test_footage_accuracy.py) and the real-font tests (tests/read/test_real_font.py).
#
# Crop size. Small boxes are enlarged so the ink threshold sees smooth outlines, not blocks;
# large ones shrunk, since extra pixels only cost time.
_MIN_CROP_HEIGHT = 32
_MAX_ENLARGE = 3
_MAX_CROP_HEIGHT = 64
# Specks: a component under this share of the region's pixels (3 at least) is JPEG noise.
_REGION_PX_PER_SPECK = 2000
# The panel's border caught by a region a few pixels too large: a line this long (of the
# region) and this thin (of its length), touching the region's edge.
_FRAME_LINE_LONG = 0.5
_FRAME_LINE_THIN = 0.1
_FRAME_LINE_TALL = 0.9
# Pieces of one glyph broken by blur: they overlap in x by this much of the narrower and are
# this close in y (of the taller); specks scattered down a column stay apart.
_JOIN_X_OVERLAP = 0.5
_JOIN_Y_GAP = 0.25
# Ratios to a digit's height (room for 0.5x-1.5x scaling, blur, compression; real frames).
# A row of digits is at least this tall in its region, and a digit this tall of the tallest.
_MIN_DIGIT_HEIGHT_OF_REGION = 0.25
_DIGIT_HEIGHT_OF_TALLEST = 0.6
# Digits share a height and a baseline within these; a glyph is narrower than this.
_HEIGHT_TOLERANCE = 0.25
_BASELINE_TOLERANCE = 0.2
_MAX_WIDTH_OF_HEIGHT = 1.15
# A glyph this wide splits into at most this many touching digits.
_MAX_DIGITS_TOUCHING = 4
# Centre to centre: a narrow "1" beside a dropped comma is the widest real case (~2.1).
_MAX_PITCH_OF_HEIGHT = 2.6
# Less ink than this share of its box is no digit (an outline, a frame's corner).
_MIN_FILL = 0.12
# Wider than the typical glyph by this, and taller by this: a soft digit run into its comma
# (test_a_digit_run_into_its_comma_is_reported).
_RUN_TOGETHER_WIDTH = 1.3
_RUN_TOGETHER_TALLER = 0.08
# Glyphs narrower than this (of their height) are "1"s, left out of a row's typical width
# (StepMania's "1" is 0.32, its round digits 0.7; test_randomised's StepMania case).
_NARROW_OF_HEIGHT = 0.5
# Wider than the font's widest digit by this: two run together, where the font is known
# (test_a_digit_run_into_the_decimal_point_is_reported_where_the_font_is_known).
_RUN_TOGETHER_OF_WIDEST = 1.25
# A decimal point is ink this low (of a digit's height) only: ITG's is 0.24 tall.
_POINT_OF_HEIGHT = 0.35
# A comma joined to the next digit is cut within this many mask pixels of its typical width.
_COMMA_CUT_SEARCH_PX = 3
# A piece of a digit broken by blur is at least this tall and wide; specks are smaller
# (test_a_digit_broken_apart_is_reported_not_dropped).
_BROKEN_PIECE_OF_HEIGHT = 0.2
# ...and one ending this far above the baseline is no comma or point
# (test_a_piece_ending_above_the_baseline_is_part_of_a_digit).
_ABOVE_BASELINE_OF_HEIGHT = 0.1
# Digits fewer captured pixels high lose thin strokes to blur: a "3" becomes a sure "1"
# (test_digits_too_small_to_read_surely_are_reported).
MIN_DIGIT_PX = 8.5
# Blur matters only below this height; above it digits stayed legible at every blur seen
# (test_small_digits_in_a_soft_capture_are_reported).
_BLUR_CHECKED_BELOW_PX = 1.5 * MIN_DIGIT_PX
# Edge blur from the steepest edges and the ink's levels: percentiles, so specks do not count.
_STEEPEST_EDGE_PERCENTILE = 99.5
_LEVEL_PERCENTILES = (10, 99)

# Ink on the digits' line that no kept glyph covers, this tall (of a digit) in the line's
# middle, is a digit lost to cleaning or joined to other ink: reading on would drop a digit
# ("6,060" as "660" when the 0 touched the light above it; tests/read/test_randomised.py).
_UNEXPLAINED_OF_HEIGHT = 0.4
_LINE_MIDDLE = (0.15, 0.85)
_UNEXPLAINED_MIN_WIDTH = 0.15
# Ink on the line outside the glyphs, as a share of theirs: commas and points hold about 5%.
_SCATTERED_INK = 0.35
# ...and a piece this tall and this wide (of a digit's height), clear of the region's edges,
# is part of a lost digit: the largest separator, StepMania's comma, is 0.44 by 0.32.
_LOST_PIECE = (0.5, 0.4)

# Art over the digits (InkRule.art_over_digits, the real game in tests/capture/test_simply_love.py):
# coloured pixels this saturated and bright on the digits' line hide strokes ("10.86" read "0.86").
_ART_MIN_SATURATION = 150
_ART_MIN_VALUE = 80
# Darker coloured ones too (a dark blue arrow's edge, V 41-69: "64.78" read "64.76"), where they
# lie farther from the ink (of a digit's height) than a drop shadow reaches (test_randomised).
_DARK_ART_MIN_SATURATION = 90
_DARK_ART_MIN_VALUE = 40
_SHADOW_REACH_OF_HEIGHT = 0.45
# Where a hidden leading digit would be (a digit's height left of the first), darker colour
# still hides it: a navy pane, V 31-33, over a leading "6" ("66.08" read "6.08" for 1.2 s).
_HIDING_ART_MIN_VALUE = 25
# ...unless its saturation is the backdrop's as seen between and inside the digits (a flat
# dark backdrop of any colour), measured this far from the ink.
_HIDING_SATURATION_APART = 60
_GAP_FROM_INK_PX = 2
# It hides a digit only if it covers most of that place beyond the shadow's reach: any
# stroke left showing is a lost piece (see _broken_glyph).
_HIDING_SHARE_OF_PLACE = 0.5
# This many such pixels (of a digit's height squared: an arrow's tip over a digit's top), on
# the line widened by a digit each side (a leading digit hidden), refuse the read.
_ART_OF_DIGIT_AREA = 0.03
# A flat backdrop of any colour is no art: pixels within this of the region's median, where
# this share of the region is (digits, outline and shadow can cover more than half of it).
_BACKDROP_TOLERANCE = 40
_BACKDROP_SHARE = 0.4
# The decimal point lies between the digits it separates, give or take this share of a digit's height.
_POINT_SLACK_OF_HEIGHT = 0.15
RUN_TOGETHER = "digits run together"
ART_OVER_DIGITS = "art over the digits (a note passing): some may be hidden"
MISPLACED_POINT = "no decimal point where the game puts it (a digit hidden?)"
UNEXPLAINED_INK = "ink on the digits' line that no digit explains"


@dataclass(frozen=True, slots=True, eq=False)
class Glyphs:
    """The digit glyphs of one score region, left to right.

    ``images`` are binary (0/255, ink = 255) crops; ``problem`` is empty when they look like
    a score, else a short reason (shown as the read's text) why they do not.
    ``digit_height`` is in the mask's pixels, ``source_height`` in the captured frame's
    (the mask may be an enlarged crop). ``bold_font``:
    the game's digits are much bolder than text fonts (general OCR wants them thinned).
    """

    images: tuple[Image, ...] = field(default_factory=tuple)
    digit_height: int = 0
    source_height: float = 0.0
    problem: str = ""
    bold_font: bool = False
    # How far the crop's edges are smeared, in captured pixels (edge_blur_px); measured by
    # with_blur for small digits only, 0.0 where not measured.
    blur_px: float = 0.0
    # Whether the region holds a row of digits, read or not: False when there is no ink of
    # the score's kind, or ink that is laid out like no score (a menu, a results screen).
    digits_there: bool = True
    # The digits' line in the mask's pixels: left, top, right, bottom (empty without glyphs).
    line: tuple[int, int, int, int] = (0, 0, 0, 0)


def crop(frame: Image, region: Region) -> Image:
    """The region's pixels; the caller has checked it lies inside the frame."""
    return frame[region.y : region.y + region.h, region.x : region.x + region.w]


def working_size(pixels: Image) -> Image:
    """The crop at a working size: small ones enlarged (see above); large ones (a 1440p
    capture) shrunk, since extra pixels only cost time."""
    height = max(1, pixels.shape[0])
    if height > _MAX_CROP_HEIGHT:
        factor = _MAX_CROP_HEIGHT / height
        # Linear, not area: area averaging at a fractional factor costs 5x as much here, and
        # a shrink to no less than half keeps every source pixel in the average anyway.
        interpolation = cv2.INTER_LINEAR if factor >= 0.5 else cv2.INTER_AREA
        return cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=interpolation)
    factor = min(_MAX_ENLARGE, -(-_MIN_CROP_HEIGHT // height))
    if factor <= 1:
        return pixels
    return cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def ink_mask(image_bgr: Image, rule: InkRule, at_working_size: bool = False) -> Image:
    """255 where a pixel is score ink under the profile's rule, else 0; with
    ``at_working_size``, the mask of a score crop at :func:`working_size`.

    Colour is converted before scaling: the conversion then runs on the crop's own pixels,
    a fraction of the enlarged ones.
    """
    hsv = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2HSV)
    channels = hsv if rule.mode == "bright" else cv2.extractChannel(hsv, 2)
    if at_working_size:
        channels = working_size(channels)
    return _bright_ink(channels, rule) if rule.mode == "bright" else _otsu_ink(channels)


def score_ink(crop_bgr: Image, rule: InkRule) -> Image:
    """The ink mask of a score crop, at :func:`working_size`."""
    return ink_mask(crop_bgr, rule, at_working_size=True)


def _bright_ink(hsv: Image, rule: InkRule) -> Image:
    return cv2.inRange(hsv, (0, 0, rule.v_min), (255, rule.s_max, 255))


def _otsu_ink(value: Image) -> Image:
    _, mask = cv2.threshold(value, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.bitwise_not(mask) if cv2.countNonZero(mask) > mask.size // 2 else mask


def segment(
    mask: Image,
    max_digits: int,
    bold_font: bool = False,
    scale: float = 1.0,
    widest_digit: float = 0.0,
    decimals: int = 0,
    commas: bool = True,
) -> Glyphs:
    """Cut an ink mask into digit glyphs and check they are laid out like a number.

    ``scale``: the mask's size over the captured crop's (see :func:`working_size`).
    ``widest_digit``: the width over the height of the font's widest digit, where it is known
    (:attr:`Profile.widest_digit`); a glyph much wider is two run together. ``decimals``: the
    score's decimals, whose point must be where the game puts it. ``commas``: whether the game
    groups thousands; where it does not, ink hanging below a digit is no comma to cut off (a
    mine's spike under ITG's "5" left its stem, a sure "1").
    """
    # 16-bit labels: score crops are far below 65,536 components, and OpenCV labels them twice as fast.
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_16U, cv2.CCL_DEFAULT)
    height, width = mask.shape
    component_boxes = _glyph_components(stats.tolist(), width, height)
    if not component_boxes:
        return Glyphs(problem="no ink", digits_there=False)
    cleared = _without_intrusions(mask, labels, component_boxes)
    if cleared is not None:
        _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(cleared, 8, cv2.CV_16U, cv2.CCL_DEFAULT)
        component_boxes = _glyph_components(stats.tolist(), width, height)
        if not component_boxes:
            return Glyphs(problem="no ink", digits_there=False)
    groups = _group_by_column(component_boxes)
    # The components' pixel counts: a glyph's ink without counting it again.
    areas: list[int] = stats[:, cv2.CC_STAT_AREA].tolist()
    tallest = max(box[3] for _, box in groups)
    if tallest < _MIN_DIGIT_HEIGHT_OF_REGION * height:
        return Glyphs(problem="no digits", digits_there=False)
    pieces: list[_Piece] = []
    short: list[_Box] = []
    for members, (x, y, w, h) in groups:
        if h < _DIGIT_HEIGHT_OF_TALLEST * tallest:
            short.append((x, y, w, h))
            continue
        box_labels = labels[y : y + h, x : x + w]
        if len(members) == 1:
            glyph = cv2.inRange(box_labels, members[0], members[0])
            ink = areas[members[0]]
        else:
            glyph = np.isin(box_labels, members).astype(np.uint8) * 255
            ink = sum(areas[i] for i in members)
        pieces.append((glyph, (x, y, w, h), ink))
    pieces = _digits_apart(pieces, commas)
    pieces, points = _without_points(pieces, widest_digit)
    digit_height = int(median([b[3] for _, b, _ in pieces]))
    boxes = [b for _, b, _ in pieces]
    problem = _layout_problem(boxes, digit_height, max_digits, widest_digit)
    # Digits run together or broken apart are a score's digits, unread; any other layout
    # problem is ink that is no score (menus, results screens, background art).
    digits_there = not problem or problem == RUN_TOGETHER
    problem = problem or _broken_glyph(boxes, short, digit_height, mask.shape)
    glyph_ink = sum(ink for _, _, ink in pieces)
    problem = problem or _unexplained_ink(mask if cleared is None else cleared, boxes, digit_height, glyph_ink)
    if not problem and decimals:
        problem = _point_problem(boxes, short, points, digit_height, decimals)
    if not problem and any(_touches_edge(box, width, height) for box in boxes):
        # A cut "8" reads as a clear "1", and so does a stroke of background reaching into an
        # empty region; a region holds its digits with room on every side.
        problem = "a digit is cut by the region's edge"
        digits_there = False
    if not problem and any(ink < _MIN_FILL * w * h for _, (_, _, w, h), ink in pieces):
        problem = "hollow glyph"
        digits_there = False
    source_height = digit_height / scale
    if not problem and source_height < MIN_DIGIT_PX:
        problem = f"digits {source_height:.0f} px high, too small to read surely"
    images = tuple(glyph for glyph, _, _ in pieces)
    top, bottom = min(y for _, y, _, _ in boxes), max(y + h for _, y, _, h in boxes)
    return Glyphs(
        images=images,
        digit_height=digit_height,
        source_height=source_height,
        problem=problem,
        bold_font=bold_font,
        digits_there=digits_there,
        line=(boxes[0][0], top, boxes[-1][0] + boxes[-1][2], bottom),
    )


def art_over_digits(crop_bgr: Image, glyphs: Glyphs, scale: float, rule: InkRule) -> str:
    """Whether coloured art lies over the digits: bright, strongly coloured pixels on their line
    or a digit's width beside it, or darker coloured ones (an arrow's edge) among the digits
    themselves, unless they are the backdrop's colour. "" when none do, else why the read is
    refused (see _ART_MIN_SATURATION)."""
    left, top, right, bottom = (round(v / scale) for v in glyphs.line)
    if right <= left:
        return ""
    reach = round(glyphs.digit_height / scale)
    height, width = crop_bgr.shape[:2]
    x0, x1 = max(0, left - reach), min(width, right + reach)
    line = crop_bgr[max(0, top) : min(height, bottom), x0:x1]
    if line.size == 0:
        return ""
    most = _ART_OF_DIGIT_AREA * reach * reach
    hsv = cv2.cvtColor(line, cv2.COLOR_BGR2HSV)
    dark = cv2.inRange(hsv, (0, _DARK_ART_MIN_SATURATION, _DARK_ART_MIN_VALUE), (255, 255, 255))
    slot = left - x0  # the line's columns left of the first digit
    hiding = cv2.inRange(hsv[:, :slot], (0, _DARK_ART_MIN_SATURATION, _HIDING_ART_MIN_VALUE), (255, 255, 255))
    if cv2.countNonZero(dark) <= most and cv2.countNonZero(hiding) <= most:
        return ""  # bright art is dark art too: most reads stop here
    bright = cv2.inRange(hsv, (0, _ART_MIN_SATURATION, _ART_MIN_VALUE), (255, 255, 255))
    # A flat coloured backdrop behind the score is no art over it: the region's typical colour,
    # where most of the region is that colour (arrows passing leave it far from uniform).
    pixels = crop_bgr.reshape(-1, 3).astype(np.int16)
    backdrop = np.median(pixels, axis=0).astype(np.int16)
    if np.mean(np.abs(pixels - backdrop).max(axis=1) <= _BACKDROP_TOLERANCE) >= _BACKDROP_SHARE:
        near = np.abs(line.astype(np.int16) - backdrop).max(axis=2) <= _BACKDROP_TOLERANCE
        bright[near] = 0
        dark[near] = 0
    # Darker colour farther from the ink than a drop shadow reaches is art too.
    from_ink = cv2.distanceTransform(cv2.bitwise_not(_bright_ink(hsv, rule)), cv2.DIST_L2, 3)
    shadow = from_ink <= _SHADOW_REACH_OF_HEIGHT * reach
    dark[shadow] = 0
    hiding[shadow[:, :slot]] = 0
    hidden = cv2.countNonZero(hiding) > max(most, _HIDING_SHARE_OF_PLACE * np.count_nonzero(~shadow[:, :slot]))
    if hidden:
        # The backdrop as seen between the digits and inside them.
        span = hsv[:, slot : slot + right - left, 1]
        seen = span[from_ink[:, slot : slot + right - left] >= _GAP_FROM_INK_PX]
        if seen.size:
            apart = abs(float(hsv[:, :slot, 1][hiding > 0].mean()) - float(np.median(seen)))
            hidden = apart > _HIDING_SATURATION_APART
    found = max(cv2.countNonZero(bright), cv2.countNonZero(dark))
    return ART_OVER_DIGITS if found > most or hidden else ""


def _digits_apart(pieces: list[_Piece], commas: bool) -> list[_Piece]:
    """Touching digits split, and commas joined to digits cut off where the game has commas."""
    pieces = _split_touching(pieces)
    return _cut_hanging_commas(pieces) if commas else pieces


def _without_points(pieces: list[_Piece], widest_digit: float) -> tuple[list[_Piece], list[float]]:
    """The pieces with decimal points joined to digits cut off (where the font is known),
    and where those points were."""
    if not widest_digit:
        return pieces, []
    cut = [_without_point(piece, widest_digit) for piece in pieces]
    points = [_cut_point(old[1], new[1]) for old, new in zip(pieces, cut, strict=True) if old[1] != new[1]]
    return cut, points


def _cut_point(before: _Box, after: _Box) -> float:
    """Where the point cut off a glyph by _without_point was: the middle of the cut columns."""
    x, _, w, _ = before
    nx, _, nw, _ = after
    return (x + nx) / 2 if nx > x else (nx + nw + x + w) / 2


def _point_problem(boxes: list[_Box], short: list[_Box], cut: list[float], height: int, decimals: int) -> str:
    """Whether the decimal point is missing from between the digits it must separate (the
    last ``decimals`` from the rest), or there is another: a digit hidden under art or lost
    would shift the point ("24.7" with its last digit covered read as "2.47")."""
    if len(boxes) <= decimals:
        return MISPLACED_POINT
    baseline = float(median([y + h for _, y, _, h in boxes]))
    low = [x + w / 2 for x, y, w, h in short if y >= baseline - _POINT_OF_HEIGHT * height - 1]
    found = [p for p in [*low, *cut] if boxes[0][0] < p < boxes[-1][0] + boxes[-1][2]]
    slack = _POINT_SLACK_OF_HEIGHT * height
    before, after = boxes[-decimals - 1], boxes[-decimals]
    between = before[0] + before[2] - slack <= (found[0] if found else -1.0) <= after[0] + slack
    return "" if len(found) == 1 and between else MISPLACED_POINT


def with_blur(glyphs: Glyphs, crop_bgr: Image) -> Glyphs:
    """``glyphs`` with the crop's edge blur measured, if their digits are small enough for
    blur to matter (large ones stay legible at any blur seen)."""
    if glyphs.problem or not 0 < glyphs.source_height < _BLUR_CHECKED_BELOW_PX:
        return glyphs
    return replace(glyphs, blur_px=edge_blur_px(crop_bgr))


def blur_problem(glyphs: Glyphs) -> str:
    """Why these glyphs are too small for how blurred their crop is ("" when they are
    legible): their height over the blur (in captured pixels, at least 1) must reach
    MIN_DIGIT_PX. Needs the blur measured by :func:`with_blur`."""
    if glyphs.source_height / max(1.0, glyphs.blur_px) >= MIN_DIGIT_PX:
        return ""
    return f"digits {glyphs.source_height:.0f} px high and blurred, too small to read surely"


_SQRT_2PI = float(np.sqrt(2 * np.pi))


def edge_blur_px(crop_bgr: Image) -> float:
    """How far the crop's sharpest edges are smeared: the sigma, in captured pixels, of the
    Gaussian blur that smears a sharp edge as much. An edge of contrast C blurred by sigma
    rises at most C / (sigma * sqrt(2 pi)) per pixel. A crisp capture measures 0.6-0.9 (its
    own anti-aliasing); percentiles, not extremes, so noise and JPEG specks do not count."""
    value = cv2.extractChannel(cv2.cvtColor(crop_bgr, cv2.COLOR_BGR2HSV), 2)
    dx = cv2.Sobel(value, cv2.CV_32F, 1, 0, ksize=3, scale=1 / 8)
    dy = cv2.Sobel(value, cv2.CV_32F, 0, 1, ksize=3, scale=1 / 8)
    (steepest,) = _percentiles(cv2.convertScaleAbs(cv2.magnitude(dx, dy)), _STEEPEST_EDGE_PERCENTILE)
    low, high = _percentiles(value, *_LEVEL_PERCENTILES)
    return (high - low) / (_SQRT_2PI * steepest) if steepest > 0 else float("inf")


def _percentiles(image: Image, *percents: float) -> list[int]:
    """The levels below which these percents of an 8-bit image's pixels lie (from its
    histogram: several times faster than np.percentile on a score crop)."""
    counts = np.cumsum(cv2.calcHist([image], [0], None, [256], [0, 256]).ravel())
    levels: list[int] = np.searchsorted(counts, np.array(percents) / 100 * counts[-1]).tolist()
    return levels


_Box = tuple[int, int, int, int]
# A glyph's image, its box in the mask and its count of ink pixels.
_Piece = tuple[Image, _Box, int]


def _touches_edge(box: _Box, width: int, height: int) -> bool:
    x, y, w, h = box
    return x == 0 or y == 0 or x + w == width or y + h == height


def _glyph_components(stats: list[list[int]], width: int, height: int) -> dict[int, _Box]:
    """The box of each component that may be a glyph or part of one: not the background, a
    speck, or the panel's border."""
    noise_area = max(3, height * width // _REGION_PX_PER_SPECK)
    boxes: dict[int, _Box] = {}
    for i, (x, y, w, h, area) in enumerate(stats):
        # The edge test inline: a score has a component per digit, and calls cost more than it.
        on_edge = x == 0 or y == 0 or x + w == width or y + h == height
        if i > 0 and area >= noise_area and not (on_edge and _frame_line((x, y, w, h), area, width, height)):
            boxes[i] = (x, y, w, h)
    return boxes


def _frame_line(box: _Box, area: int, width: int, height: int) -> bool:
    """A thin line along the region's edge (the border of the score's panel, caught when the
    region is a few pixels larger than the panel): no digit is that sparse and that long."""
    if not _touches_edge(box, width, height):
        return False
    _, _, w, h = box
    upright = h >= _FRAME_LINE_LONG * height and w <= max(2, _FRAME_LINE_THIN * h)
    lying = w >= _FRAME_LINE_LONG * width and h <= max(2, _FRAME_LINE_THIN * w)
    sparse = (w >= _FRAME_LINE_LONG * width or h >= _FRAME_LINE_TALL * height) and area < _MIN_FILL * w * h
    return upright or lying or sparse


def _split_touching(pieces: list[_Piece]) -> list[_Piece]:
    """Split a glyph as wide as several digits (neighbours touching after blur or scaling)
    at its thinnest columns."""
    narrow = [b[2] for _, b, _ in pieces if b[2] <= _MAX_WIDTH_OF_HEIGHT * b[3]]
    if not narrow or len(narrow) == len(pieces):
        return pieces
    digit_width = float(median(narrow))
    out: list[_Piece] = []
    for glyph, (x, y, w, h), ink in pieces:
        parts = round(w / digit_width)
        if w <= _MAX_WIDTH_OF_HEIGHT * h or not 2 <= parts <= _MAX_DIGITS_TOUCHING:
            out.append((glyph, (x, y, w, h), ink))
            continue
        ink_per_column = np.count_nonzero(glyph, axis=0)
        cuts = [0]
        for k in range(1, parts):
            guess = round(k * w / parts)
            window = max(1, round(w / parts / 4))
            lo, hi = max(cuts[-1] + 1, guess - window), min(w - 1, guess + window + 1)
            cuts.append(lo + int(np.argmin(ink_per_column[lo:hi])) if hi > lo else guess)
        cuts.append(w)
        for left, right in itertools.pairwise(cuts):
            part = glyph[:, left:right]
            rows = np.flatnonzero(part.any(axis=1))
            if rows.size == 0:
                continue
            top, bottom = int(rows[0]), int(rows[-1]) + 1
            part_ink = int(ink_per_column[left:right].sum())
            out.append((part[top:bottom], (x + left, y + top, right - left, bottom - top), part_ink))
    return out


def _cut_hanging_commas(pieces: list[_Piece]) -> list[_Piece]:
    """Cut off a comma joined to a digit: ink hanging below the other glyphs' baseline at one
    side of a glyph. Joined to the digit after it, the glyph is wider than the rest (DDR
    World's spacing puts a comma's top against the next digit's lower left: "39,830" had its
    comma and "8" as one component); joined to the digit before it, the glyph also reaches
    lower than both its neighbours (DDR World's "6," read as a sure "8"). What is left must
    still read as a digit: where blur filled a soft "8" into its comma, the matcher and
    Tesseract then disagree, and the read is refused."""
    if len(pieces) < 3:
        return pieces
    boxes = [b for _, b, _ in pieces]
    typical_w = round(_typical_width(boxes))
    hang = max(2, _RUN_TOGETHER_TALLER * sorted(b[3] for b in boxes)[len(boxes) // 2])
    out = []
    for i, piece in enumerate(pieces):
        near = _neighbours(boxes, i)
        hangs = _hangs(boxes[i], near, hang)
        if hangs or boxes[i][2] > _RUN_TOGETHER_WIDTH * typical_w:
            # The baseline beside the glyph: a camera's roll tilts the row's, so not the median.
            out.append(_without_comma(piece, typical_w, min(ny + nh for _, ny, _, nh in near), hangs))
        else:
            out.append(piece)
    return out


def _without_comma(piece: _Piece, typical_w: int, baseline: int, hangs: bool) -> _Piece:
    glyph, (x, y, w, h), _ = piece
    below = baseline - y + 1  # the rows under the other glyphs' baseline
    if not 0 < below < h:
        return piece
    tail = np.flatnonzero(glyph[below:].any(axis=0))
    if tail.size == 0:
        return piece
    above = np.count_nonzero(glyph[: baseline - y], axis=0)
    if tail[-1] < w // 2:  # on the left: the digit starts at the thinnest column near its width
        edge = w - typical_w if w > _RUN_TOGETHER_WIDTH * typical_w else int(tail[-1])
    elif hangs and tail[0] >= w // 2:  # on the right: the digit ends where the comma begins
        edge = int(tail[0])
    else:
        return piece
    lo, hi = max(1, edge - _COMMA_CUT_SEARCH_PX), min(w - 1, edge + _COMMA_CUT_SEARCH_PX + 1)
    if hi <= lo:
        return piece
    cut = lo + int(np.argmin(above[lo:hi]))
    left = tail[-1] < w // 2
    digit = glyph[: baseline - y, cut:] if left else glyph[: baseline - y, :cut]
    rows = np.flatnonzero(digit.any(axis=1))
    if rows.size == 0:
        return piece
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    new_x, new_w = (x + cut, w - cut) if left else (x, cut)
    return digit[top:bottom], (new_x, y + top, new_w, bottom - top), int(np.count_nonzero(digit))


def _without_point(piece: _Piece, widest_digit: float) -> _Piece:
    """Cut off a decimal point joined to a digit, where the font is known: a glyph wider than
    any digit whose columns at one end hold ink only near the bottom (ITG's ".1" and "7.",
    refused as run together before; tests/read/test_randomised.py)."""
    glyph, (x, y, w, h), _ = piece
    if w <= _RUN_TOGETHER_OF_WIDEST * widest_digit * h:
        return piece
    high: NDArray[np.bool_] = np.asarray(glyph[: round((1 - _POINT_OF_HEIGHT) * h)].any(axis=0))
    low_only: NDArray[np.bool_] = np.asarray(~high & glyph.any(axis=0))
    left = int(np.argmin(low_only)) if low_only[0] else 0
    right = w - int(np.argmin(low_only[::-1])) if low_only[-1] else w
    # The digit is what lies between the point's columns and the empty ones beside them.
    while left < right and not high[left]:
        left += 1
    while right > left and not high[right - 1]:
        right -= 1
    if (left, right) == (0, w) or right - left < 0.5 * widest_digit * h:
        return piece
    digit = glyph[:, left:right]
    rows = np.flatnonzero(digit.any(axis=1))
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    return digit[top:bottom], (x + left, y + top, right - left, bottom - top), int(np.count_nonzero(digit))


def _without_intrusions(mask: Image, labels: Image, boxes: dict[int, _Box]) -> Image | None:
    """The mask without ink that reaches in from the region's edge and is no digit (a UI
    element above the score, as StepMania's over P2's "012,119,910"), or None when there is
    none. Where the components clear of the edges make a row of digits, a component at the
    edge that ends on the row's baseline but reaches above it is joined to digits from above
    and loses its part above the row; one that starts or ends with the digits otherwise is a
    digit cut by the edge and stays (refused as such); any other goes. ``boxes``: the
    glyph-sized components' boxes, by label."""
    height, width = mask.shape
    inside = [box for box in boxes.values() if not _touches_edge(box, width, height)]
    if len(inside) == len(boxes) or len(inside) < 2:
        return None
    tallest = max(h for _, _, _, h in inside)
    row = [box for box in inside if box[3] >= _DIGIT_HEIGHT_OF_TALLEST * tallest]
    if len(row) < 2:
        return None
    top = int(median([y for _, y, _, _ in row]))
    bottom = int(median([y + h for _, y, _, h in row]))
    slack = max(1, round(_BASELINE_TOLERANCE * (bottom - top)))
    cleared: Image | None = None
    for i, (x, y, w, h) in boxes.items():
        if not _touches_edge((x, y, w, h), width, height):
            continue
        on_baseline, on_top = abs(y + h - bottom) <= slack, abs(y - top) <= slack
        from_above = on_baseline and y < top - slack
        if (on_baseline or on_top) and not from_above:
            continue  # a digit cut by the edge
        if cleared is None:
            cleared = mask.copy()
        rows = slice(y, top) if from_above else slice(y, y + h)
        part = cleared[rows, x : x + w]
        part[labels[rows, x : x + w] == i] = 0
    return cleared


def _group_by_column(boxes: dict[int, _Box]) -> list[tuple[list[int], _Box]]:
    """Join components stacked in one column: pieces of one glyph broken by blur or compression.

    Pieces join when they overlap in x by half the narrower and their vertical gap is small,
    so specks scattered down a column of background stay apart. ``boxes``: each component's
    (x, y, w, h). Returns each group's components and the box around them, left to right.
    """
    groups: list[tuple[list[int], _Box]] = []
    gx = gy = gw = gh = 0
    for i, (x, y, w, h) in sorted(boxes.items(), key=lambda item: item[1][0]):
        if groups:
            # Plain comparisons, not min() and max(): this runs for every component of every read.
            x_overlap = (gx + gw if gx + gw < x + w else x + w) - (gx if gx > x else x)
            y_gap = (gy if gy > y else y) - (gy + gh if gy + gh < y + h else y + h)
            if x_overlap > _JOIN_X_OVERLAP * (w if w < gw else gw) and y_gap < _JOIN_Y_GAP * (h if h > gh else gh):
                x0, y0 = min(gx, x), min(gy, y)
                gx, gy, gw, gh = x0, y0, max(gx + gw, x + w) - x0, max(gy + gh, y + h) - y0
                groups[-1] = ([*groups[-1][0], i], (gx, gy, gw, gh))
                continue
        gx, gy, gw, gh = x, y, w, h
        groups.append(([i], (x, y, w, h)))
    return groups


def _broken_glyph(boxes: list[_Box], short: list[_Box], height: int, region: tuple[int, int]) -> str:
    """A stroke-sized piece on the digits' line, among them or within a digit's pitch of
    them, that reaches above their middle or ends above their baseline, is part of a digit
    that blur broke apart (commas and points sit on the baseline or hang below it; specks and
    the panel's border are thinner or touch the region's edge): dropping it would lose a
    digit and read a wrong score ("753173" as "73173", "558" as "8" when both 5s broke, or
    "881455" as "881155" when the 4 kept only its stem)."""
    if not short:
        return ""
    reach = _MAX_PITCH_OF_HEIGHT * height
    left, right = boxes[0][0] - reach, boxes[-1][0] + boxes[-1][2] + reach
    top = float(median([y for _, y, _, _ in boxes]))
    middle = top + 0.5 * height
    above_baseline = float(median([y + h for _, y, _, h in boxes])) - _ABOVE_BASELINE_OF_HEIGHT * height
    region_height, region_width = region
    for piece in short:
        x, y, w, h = piece
        stroke_sized = h >= _BROKEN_PIECE_OF_HEIGHT * height and w >= _BROKEN_PIECE_OF_HEIGHT * height
        near = left < x + w / 2 < right and not _touches_edge(piece, region_width, region_height)
        on_line = y + h > top and (y < middle or y + h < above_baseline)
        if stroke_sized and near and on_line:
            return "a digit broken apart"
    return ""


def _unexplained_ink(mask: Image, boxes: list[_Box], height: int, glyph_ink: int) -> str:
    """Whether the mask holds ink near the digits that the glyphs do not cover and that is too
    big for a comma or a point: through the line's middle this tall and this wide, not at the
    region's side (light from above or below reaches only into the line's edge; a panel's
    border is a thin line, or at the side), or a piece of a digit this tall and wide anywhere
    on the line, clear of the region's edges (see _UNEXPLAINED_OF_HEIGHT and _LOST_PIECE), or
    pieces on the line that together hold much of the glyphs' ink (_SCATTERED_INK: digits
    that fell apart under the ink threshold, one piece left looking like a "1")."""
    top = int(median([y for _, y, _, _ in boxes]))
    bottom = top + height
    middle_top, middle_bottom = top + round(_LINE_MIDDLE[0] * height), top + round(_LINE_MIDDLE[1] * height)
    uncovered: Image = mask.copy()
    for x, _, w, _ in boxes:
        uncovered[:, max(0, x - 1) : x + w + 1] = 0
    if not cv2.countNonZero(uncovered):
        return ""
    _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(uncovered, 8, cv2.CV_16U, cv2.CCL_DEFAULT)
    region_height, region_width = mask.shape
    scattered = 0
    for x, y, w, h, area in stats[1:].tolist():
        through_middle = min(middle_bottom, y + h) - max(middle_top, y)
        beside = x == 0 or x + w == region_width  # a panel's border or the UI next to it
        if through_middle >= _UNEXPLAINED_OF_HEIGHT * height and w >= _UNEXPLAINED_MIN_WIDTH * height and not beside:
            return UNEXPLAINED_INK
        on_line = y < bottom and y + h > top
        big = h >= _LOST_PIECE[0] * height and w >= _LOST_PIECE[1] * height
        inside = not _touches_edge((x, y, w, h), region_width, region_height)
        if on_line and big and inside:
            return UNEXPLAINED_INK
        scattered += area if on_line and inside else 0
    return UNEXPLAINED_INK if scattered > _SCATTERED_INK * glyph_ink else ""


def _layout_problem(boxes: list[_Box], height: int, max_digits: int, widest_digit: float = 0.0) -> str:
    if len(boxes) > max_digits:
        return f"{len(boxes)} glyphs, more than {max_digits} digits"
    baseline = float(median([y + h for _, y, _, h in boxes]))
    for _x, y, w, h in boxes:
        if abs(h - height) > _HEIGHT_TOLERANCE * height:
            return "glyphs of mixed heights"
        if abs(y + h - baseline) > _BASELINE_TOLERANCE * height:
            return "glyphs off one baseline"
        if w > _MAX_WIDTH_OF_HEIGHT * h:
            return "glyph wider than a digit"
    for (x0, _, w0, _), (x1, _, w1, _) in itertools.pairwise(boxes):
        if (x1 + w1 / 2) - (x0 + w0 / 2) > _MAX_PITCH_OF_HEIGHT * height:
            return "glyphs too far apart"
    if widest_digit and max(w for _, _, w, _ in boxes) > _RUN_TOGETHER_OF_WIDEST * widest_digit * height:
        return RUN_TOGETHER
    taller = height + max(2, _RUN_TOGETHER_TALLER * height)
    tall_widths = [w for _, _, w, h in boxes if h >= taller]
    # The median only when some glyph is that tall: it is the rare case, and reads are counted in microseconds.
    if tall_widths and max(tall_widths) >= _RUN_TOGETHER_WIDTH * _typical_width(boxes):
        return RUN_TOGETHER
    if tall_widths and _hangs_below_neighbours(boxes, taller - height):
        return RUN_TOGETHER
    return ""


def _typical_width(boxes: list[_Box]) -> float:
    """The median width of the glyphs that are not narrow: a "1" is half a round digit's
    width, so "110,011" would make every "0" look like two digits run together."""
    wide = [w for _, _, w, h in boxes if w >= _NARROW_OF_HEIGHT * h]
    return float(median(wide or [w for _, _, w, _ in boxes]))


def _hangs_below_neighbours(boxes: list[_Box], by: float) -> bool:
    """Whether some glyph hangs below its neighbours (see :func:`_hangs`)."""
    return any(_hangs(box, _neighbours(boxes, i), by) for i, box in enumerate(boxes))


def _neighbours(boxes: list[_Box], i: int) -> list[_Box]:
    return boxes[max(0, i - 1) : i] + boxes[i + 1 : i + 2]


def _hangs(box: _Box, near: list[_Box], by: float) -> bool:
    """Whether a glyph reaches ``by`` lower than each of its neighbours and is that much
    taller: a comma joined to it (DDR World's "6," reads as a sure "8"). Neighbours, not the
    row's median, so a camera's slight roll, which moves far glyphs' baselines apart, does not
    count."""
    _, y, _, h = box
    return bool(near) and all(y + h - (ny + nh) >= by and h - nh >= by for _, ny, _, nh in near)
