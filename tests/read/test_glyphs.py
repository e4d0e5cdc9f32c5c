"""Glyphs in, and what the matcher learns: mislabelled samples are outvoted; a digit that blur
broke apart, a line through an empty region, or digits too small to read, are reported, not read."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ddrcore.capture.base import Image
from ddrcore.cli.footage import Degradation, degrade, draw_frame
from ddrcore.read.engines.glyph import (
    MIN_MARGIN,
    NEAR_COPY,
    Feature,
    GlyphEngine,
    GlyphLearner,
    art_to_glyph,
    glyph_feature,
)
from ddrcore.read.preprocess import blur_problem, crop, edge_blur_px, score_ink, segment, with_blur
from ddrcore.read.profiles import InkRule, load_profile

_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _text_mask(text: str, scale: float = 1.2, thickness: int = 3) -> Image:
    """White-on-black text with room around it, as an ink mask."""
    (w, h), base = cv2.getTextSize(text, _FONT, scale, thickness)
    mask = np.zeros((h + base + 20, w + 20), np.uint8)
    cv2.putText(mask, text, (10, h + 10), _FONT, scale, 255, thickness, cv2.LINE_AA)
    _, binary = cv2.threshold(mask, 127, 255, cv2.THRESH_BINARY)
    return binary


def _digit_glyph(digit: str, scale: float, thickness: int) -> Image:
    mask = _text_mask(digit, scale, thickness)
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def test_a_mislabelled_sample_is_outvoted() -> None:
    """Evidence for NEAR_COPY: a mislabelled sample is 0.96 and more alike to one of its true
    digit's samples (generated footage); a smeared digit that merely resembles another, at
    most 0.87."""
    styles = [(scale, thickness) for scale in (1.0, 1.2, 1.4) for thickness in (2, 3, 4)]
    learner = GlyphLearner()
    learner.load({d: [glyph_feature(_digit_glyph(d, s, t)) for s, t in styles] for d in "0123456789"})
    # Tesseract read three zeros as "6" with high confidence.
    misread = [glyph_feature(_digit_glyph("0", s, t)) for s, t in styles[:3]]
    learner.samples["6"] += misread

    templates = learner.templates()
    assert not any(np.array_equal(t, m) for t in templates["6"] for m in misread)
    assert len(templates["6"]) == len(styles) and len(templates["0"]) == len(styles)

    zero = _digit_glyph("0", *styles[1])  # drawn like one of the misread ones
    assert GlyphEngine(learner.samples).match(zero).margin < MIN_MARGIN, "kept, the misread zeros tie with 6"
    cleaned = GlyphEngine(templates).match(zero)
    assert cleaned.digit == "0" and cleaned.margin >= MIN_MARGIN


def test_a_mislabelled_soft_sample_is_outvoted_by_its_neighbours() -> None:
    # DDR digits 12 px high in a soft 640x360 video: Tesseract calls a "4" a "3" now and then.
    # The sample is no near copy of any other "4" (smeared its own way), so only its nearest
    # samples, which are 4s, can tell it is not a "3".
    soft = Degradation(scale=0.5, blur_sigma=0.8, jpeg_quality=70, noise_sigma=2.0)
    samples = _soft_samples("ddr-world", soft, {"3": 12, "4": 40})
    learner = GlyphLearner()
    learner.load({digit: features[:12] for digit, features in samples.items() if len(features) >= 4})
    odd_four = min(samples["4"][12:], key=lambda f: max(float(f @ g) for g in learner.samples["4"]))
    assert max(float(odd_four @ g) for g in learner.samples["4"]) < NEAR_COPY, "the footage has a 4 unlike the others"
    learner.samples["3"] = [*learner.samples["3"], odd_four]

    templates = learner.templates()
    assert not any(np.array_equal(t, odd_four) for t in templates["3"])
    assert len(templates["3"]) >= 10 and len(templates["4"]) >= 10, "the rightly labelled samples stay"
    assert GlyphEngine(templates).match_features(odd_four[None, :])[0].digit == "4"


def _soft_samples(name: str, soft: Degradation, wanted: dict[str, int]) -> dict[str, list[Feature]]:
    """Glyph features of each digit cut from generated frames of ``name`` seen through ``soft``,
    labelled with the scores drawn, until there are as many as ``wanted`` of those digits."""
    profile = load_profile(name)
    rng = np.random.default_rng(4)
    samples: dict[str, list[Feature]] = {digit: [] for digit in "0123456789"}
    while any(len(samples[digit]) < count for digit, count in wanted.items()):
        scores = [int(score) for score in rng.integers(100_000, 1_000_000, 2)]
        frame = degrade(draw_frame(profile, scores[0], scores[1], rng), soft, rng)
        regions = profile.regions_in(frame.shape[1], frame.shape[0])
        for player, score in zip(("p1", "p2"), scores, strict=True):
            pixels = crop(frame, regions[player])
            mask = score_ink(pixels, profile.ink)
            glyphs = segment(mask, profile.format.max_digits, profile.ink.bold_font, mask.shape[0] / regions[player].h)
            if not glyphs.problem and len(glyphs.images) == len(str(score)):
                for digit, image in zip(str(score), glyphs.images, strict=True):
                    samples[digit].append(glyph_feature(image))
    return samples


def test_a_digit_broken_apart_is_reported_not_dropped() -> None:
    mask = _text_mask("753,173")
    whole = segment(mask, max_digits=7)
    assert whole.problem == "" and len(whole.images) == 6, "the comma is dropped, the digits kept"

    # Blur broke the "5" across its middle: neither half is digit-tall, and without the
    # check both would be dropped and the score read as "73173".
    assert segment(_broken_across_middle(mask, [1]), max_digits=7).problem == "a digit broken apart"


def test_digits_broken_apart_left_of_the_rest_are_reported() -> None:
    # Both 5s of "558" broke (a small, blurred DDR score): no whole digit lies left of their
    # pieces, and without the check the score read as a sure "8".
    mask = _text_mask("558")
    assert segment(mask, max_digits=7).problem == ""
    assert segment(_broken_across_middle(mask, [0, 1]), max_digits=7).problem == "a digit broken apart"


def test_a_digit_run_into_its_comma_is_reported() -> None:
    """Evidence for _RUN_TOGETHER_WIDTH and _RUN_TOGETHER_TALLER (and the comma cut): on generated songs of every
    profile, 23 of about 1,700 reads of digits blurred 0.8 px or more at 640x360 and 768x432
    had a digit run into its neighbour or comma; never a crisp capture or a larger one."""
    # A soft 640x360 capture of "328,439": blur filled the "8" and joined it to the comma below
    # it. The joined glyph matched a "6" better than any "8" learned.
    mask = _text_mask("328,439")
    assert segment(mask, max_digits=9).problem == ""
    eight, comma = _glyph_columns(mask)[2:4]
    joined = mask.copy()
    rows = np.flatnonzero(np.any(mask[:, comma] > 0, axis=1))
    joined[rows[0] : rows[0] + 3, eight[-1] - 2 : comma[-1] + 1] = 255
    # The comma hangs below the digits on both sides: it is cut off, and the 8 is left whole
    # (to be read, or refused where matcher and Tesseract disagree on what is left).
    glyphs = segment(joined, max_digits=9)
    assert glyphs.problem == "" and len(glyphs.images) == 6
    assert abs(glyphs.images[2].shape[1] - eight.size) <= 1
    # Where no cut leaves a digit (the comma's ink runs through the whole glyph), the glyph is
    # refused as two run together.
    smeared = mask.copy()
    smeared[rows[0] : rows[-1] + 1, eight[0] : comma[-1] + 1] = 255
    assert segment(smeared, max_digits=9).problem != ""


def test_a_digit_run_into_the_decimal_point_is_reported_where_the_font_is_known() -> None:
    """Evidence for _RUN_TOGETHER_OF_WIDEST: ITG's 3x5 font (widest digit 0.6 of its height),
    soft songs at 640x360-896x504 (2 seeds, 69,120 glyphs): every digit at most 0.667 wide,
    real frames 0.609; a "7" run into the decimal point 0.87-0.89."""
    # ITG's "17.31" in a soft 640x360 capture: blur ran the "7" into the point beside it. The
    # joined glyph is no taller than a digit, only wider than any digit of the font, and it
    # read as a "1" that Tesseract confirmed.
    itg = load_profile("itg-percent")
    assert itg.glyphs is not None
    assert itg.widest_digit == 0.6  # 3x5 blocks
    mask = _art_mask(itg.glyphs, "17.31")
    assert segment(mask, 5, widest_digit=itg.widest_digit).problem == ""
    seven, point = _glyph_columns(mask)[1:3]
    joined = mask.copy()
    block = point.size  # the point is one block square
    joined[-_GAP - block : -_GAP, seven[-1] : point[0]] = 255  # the gap along the baseline
    assert segment(joined, 5).problem == ""  # without the font's widths it passes
    # With them, the point (ink only along the bottom) is cut off and the 7 stands alone.
    cut = segment(joined, 5, widest_digit=itg.widest_digit)
    assert cut.problem == "" and len(cut.images) == 4
    assert cut.images[1].shape[1] == seven.size
    # Joined higher up (no columns of bottom ink only), it cannot be cut: run together.
    high = mask.copy()
    high[-_GAP - 3 * block : -_GAP, seven[-1] : point[-1] + 1] = 255
    assert segment(high, 5, widest_digit=itg.widest_digit).problem == "digits run together"


_GAP = 12


def _art_mask(art: dict[str, tuple[str, ...]], text: str) -> Image:
    """A profile's glyph art set as a line of text, a block apart (a point is one block on the
    baseline)."""
    point = art_to_glyph(("#",))
    block = point.shape[1]
    glyphs = [point if ch == "." else art_to_glyph(art[ch]) for ch in text]
    height = max(g.shape[0] for g in glyphs)
    mask = np.zeros((height + 2 * _GAP, sum(g.shape[1] + block for g in glyphs) + 2 * _GAP), np.uint8)
    x = _GAP
    for g in glyphs:
        mask[_GAP + height - g.shape[0] : _GAP + height, x : x + g.shape[1]] = g
        x += g.shape[1] + block
    return mask


def test_a_piece_ending_above_the_baseline_is_part_of_a_digit() -> None:
    # "881,455" where blur left the 4 only its stem (a "1") and, beside it, a piece of its
    # crossbar below the digits' middle: not a comma, which reaches down to the baseline.
    tight = _text_mask("881,155")
    stem = _glyph_columns(tight)[4]
    # Room between the comma and the stem, where the 4's crossbar was.
    mask = np.hstack([tight[:, : stem[0]], np.zeros((tight.shape[0], 10), np.uint8), tight[:, stem[0] :]])
    stem = stem + 10
    assert segment(mask, max_digits=7).problem == ""
    rows = np.flatnonzero(np.any(mask[:, stem] > 0, axis=1))
    top, height = int(rows[0]), int(rows[-1] - rows[0] + 1)
    piece = mask.copy()
    size = round(0.3 * height)
    piece[top + round(0.55 * height) : top + round(0.55 * height) + size, stem[0] - size - 2 : stem[0] - 2] = 255
    assert segment(piece, max_digits=7).problem == "a digit broken apart"


def _broken_across_middle(mask: Image, glyphs: list[int]) -> Image:
    """The mask with the glyphs at these positions (runs of inked columns, left to right)
    cut across their middle."""
    rows = np.flatnonzero(np.any(mask > 0, axis=1))
    top, height = rows[0], rows[-1] - rows[0] + 1
    runs = _glyph_columns(mask)
    broken = mask.copy()
    cut = slice(top + round(0.45 * height), top + round(0.58 * height))
    for i in glyphs:
        broken[cut, runs[i][0] : runs[i][-1] + 1] = 0
    return broken


def _glyph_columns(mask: Image) -> list[NDArray[np.intp]]:
    """Each glyph's columns: the runs of inked columns, left to right."""
    inked = np.flatnonzero(np.any(mask > 0, axis=0))
    return np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1)


def test_a_line_through_an_empty_region_is_not_a_one() -> None:
    one = _text_mask("1")
    assert segment(one, max_digits=7).problem == ""

    # A stroke of background reaching into an empty region from its bottom edge.
    stroke = one.shape[0] // 5
    line = np.zeros_like(one)
    line[stroke:, stroke : 2 * stroke] = 255
    assert segment(line, max_digits=7).problem == "a digit is cut by the region's edge"


def test_digits_too_small_to_read_surely_are_reported() -> None:
    """Evidence for MIN_DIGIT_PX: learned and read at 640x360 and 704x396 (2 seeds x 300
    frames each), 11 of 173 reads of digits under 8.5 px were wrong; of 1,701 at 8.5 px and
    more, none."""
    # The same 24 px mask, enlarged 2x and 3x from the capture: 12 px and 8 px digits.
    mask = _text_mask("123")
    assert segment(mask, max_digits=7, scale=2.0).problem == ""
    assert segment(mask, max_digits=7, scale=3.0).problem == "digits 8 px high, too small to read surely"


def test_edge_blur_is_measured_in_captured_pixels() -> None:
    sharp = np.full((40, 120, 3), 30, np.uint8)
    sharp[10:30, 40:80] = 230
    assert edge_blur_px(sharp) < 1.0, "a crisp edge"
    for sigma in (1.5, 2.5):
        soft = cv2.GaussianBlur(sharp, (0, 0), sigma)
        assert 0.9 * sigma < edge_blur_px(soft) < 1.3 * sigma


def test_small_digits_in_a_soft_capture_are_reported() -> None:
    """Evidence for MIN_DIGIT_PX per pixel of blur and _BLUR_CHECKED_BELOW_PX: StepMania songs
    learned and read at one soft size (640x360 to 1024x576, blur sigma 0-1.0): three of the
    five under 8.5 px per pixel of blur read wrong scores, none of the thirteen from 8.6 up;
    blur was never measured above 1.3 px. For SOFT_BLUR_PX: crisp crops measure 0.58-0.82
    on every profile, blurred 0.6 px and more 0.85-1.4; in a soft capture Tesseract misread a
    digit the way the matcher was unsure of it (4 wrong scores on the generic songs at
    640x360-768x432 before the rule)."""
    # "123" captured 9-10 px high: legible when crisp, not when edges smear 1.3 px (a scaled,
    # soft video, where a StepMania "3" read as a "1").
    glyphs = [_digit_glyph(d, 1.2, 3) for d in "123"]
    gap = np.zeros((glyphs[0].shape[0], 14), np.uint8)
    line = np.pad(np.hstack([glyphs[0], gap, glyphs[1], gap, glyphs[2]]), 12)
    crop = cv2.cvtColor(cv2.resize(line, None, fx=0.36, fy=0.36, interpolation=cv2.INTER_AREA), cv2.COLOR_GRAY2BGR)
    for blur, problem in ((0.0, ""), (1.5, "digits 10 px high and blurred, too small to read surely")):
        pixels = cv2.GaussianBlur(crop, (0, 0), blur) if blur else crop
        mask = score_ink(pixels, InkRule("otsu", 0, 255))
        glyphs = segment(mask, max_digits=7, scale=mask.shape[0] / pixels.shape[0])
        assert glyphs.problem == "" and len(glyphs.images) == 3
        assert blur_problem(with_blur(glyphs, pixels)) == problem
