"""Glyph matching: classify each digit glyph against the game's own digit shapes.

Game fonts never change, so comparing a glyph with ten reference shapes is both faster and
more reliable than general OCR. References come from the profile (drawn as text art) or
from a learned template store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ...base.errors import TemplateStoreError
from .base import FEATURE_SIZE, DigitText, OcrEngine

if TYPE_CHECKING:
    from ...capture.base import Image
    from ..preprocess import Glyphs
    from ..profiles import Profile
    from .store import SampleStore

# Matching rules: the one place this stage's thresholds live. Each says why in one line;
# the evidence is the test named, or the footage grids (tests/read/test_footage_accuracy.py) and
# the real-font tests (tests/read/test_real_font.py), which hold what was measured.
#
# A glyph is trusted at this similarity to its best digit, this far above the runner-up.
MIN_SIMILARITY = 0.72
MIN_MARGIN = 0.04
# Templates cut from the game's pixels match a clean glyph at 0.95 and up; below this a
# glyph is smeared (a digit changing under compression) and needs a second opinion.
LEARNED_SURE = 0.9
# Read without a second opinion: this clear of the runner-up and this alike to the best
# (a "6" that lost its bowl to blur is a clear "1" at 0.80; test_footage_accuracy's grids).
CLEAR_MARGIN = 0.08
CLEAR_SIMILARITY = 0.85
# Digits under this many captured pixels lose the strokes telling 2, 3, 5, 6, 7, 8, 9 apart;
# their best digit must stand this far above the runner-up (the footage grids at small sizes;
# test_randomised: a 15 px StepMania "3" a "1" at 0.06 clear, a 16 px "2" a "7" at 0.08).
SMALL_DIGIT_PX = 18
SMALL_DIGIT_MARGIN = 0.08
# A crop smeared this far is soft: Tesseract then misreads as the matcher is unsure, so it
# may only confirm the matcher's own choice (test_small_digits_in_a_soft_capture_are_reported).
SOFT_BLUR_PX = 0.9
# Tesseract, unless sure (FALLBACK_CONFIDENCE), may confirm an unsure glyph only this alike to
# its digit: a glyph less alike has ink the templates do not explain (".1" joined, read "3" at
# 0.55 with Tesseract at 0.24; a "6" with its comma, "4" at 0.64 with Tesseract at 0.75).
AGREE_MIN_SIMILARITY = 0.75
# On small digits Tesseract, sure or not, may confirm only a glyph this clear of its runner-up:
# it misreads a blurred "9" or "8" as the "3" or "6" it nearly is (test_randomised, DDR World
# at 14.5-16.5 px: "993,450" read "393,450", "517,960" read "517,360" at 0.003 clear).
AGREE_MIN_MARGIN = 0.08
# Larger digits keep the strokes that tell them apart (the margin there cost ITG 1% of its
# exact reads and caught no wrong one).
AGREE_MARGIN_BELOW_PX = 20
# A digit becomes a template only once this many reads have labelled it: one read (a frame
# with "888,888" gives six samples) is one sighting, and a misread seen once is no evidence.
MIN_SIGHTINGS = 2
# Learning. A Tesseract read this sure (and of the right length) labels its glyphs.
LEARN_CONFIDENCE = 0.9
# Tesseract misreads game digits at up to 0.86 (test_randomised: a "1" read "7" at 0.85, a
# "6" joined to its comma "4" at 0.86): alone, or over a glyph its template does not explain,
# it must be this sure (tests/read/test_auto_learning.py).
FALLBACK_CONFIDENCE = 0.9
# Under this height Tesseract alone is wrong at any confidence ("6,360" read "5,360" at 0.93
# at 17 px, from an empty store): it only teaches until all ten digits are known
# (test_small_digits_only_teach_until_all_ten_are_learned).
TESSERACT_ALONE_MIN_PX = 18
# Under this height, where Tesseract is lost and disagrees, a clear matcher reads alone; not
# above it (a 15 px StepMania "3" blurred to its right side is a clear "1" at 0.87).
MATCHER_ALONE_BELOW_PX = 15
# A mislabelled sample is a near copy (this alike) of another digit's sample; a smeared one
# that merely resembles another is less alike (test_a_mislabelled_sample_is_outvoted).
NEAR_COPY = 0.95
# This many of a sample's most alike samples vote on its label
# (test_a_mislabelled_soft_sample_is_outvoted_by_its_neighbours).
LABEL_NEIGHBOURS = 5
# A lone 0 (a song's start) is read by shape: one hole, centred, tall and round; no other
# digit of any profile's font holds all of these (test_the_first_frame_of_a_song_from_an_empty_store).
_ZERO_ASPECT = (0.45, 1.0)
_ZERO_HOLE_MIN_OF_BOX = 0.04
_ZERO_HOLE_OFF_CENTRE = (0.15, 0.12)
_ZERO_HOLE_MIN_HEIGHT = 0.45
_ZERO_HOLE_MIN_ROUNDNESS = 0.6
# Profile text art is drawn at this many pixels per art cell.
_ART_BLOCK_PX = 8
# What was learned is saved at most this often (a crash loses seconds of learning).
SAVE_EVERY_S = 10.0

LEARNING_SMALL_DIGITS = "learning the game's digits: small ones are read once all ten are known"
LEARNING_DIGITS = "learning this game's digits ({known} of 10 known): keep playing, reads start as Tesseract is sure"
TESSERACT_UNSURE = "Tesseract is unsure of these digits: a sharper or larger capture helps"
# A lone small digit has no neighbours to be told from: a blurred 9 px StepMania "0" (its
# left side under the threshold) was a clear "1" at 0.91 (test_randomised). A song's start
# is read by the zero's shape; any other lone small digit is refused.
LONE_SMALL_DIGIT = "one small digit alone: capture the score larger"
SOFT_UNSURE = "digits blurred: capture the game sharper (its own window or a capture card at full size)"

Feature = NDArray[np.float32]
log = logging.getLogger(__name__)


def glyph_feature(glyph: Image) -> Feature:
    """A unit vector describing a glyph's shape, comparable across sizes (see :func:`glyph_features`)."""
    feature: Feature = glyph_features((glyph,))[0]
    return feature


def glyph_features(glyphs: tuple[Image, ...]) -> NDArray[np.float32]:
    """One row per glyph: a unit vector describing its shape, comparable across sizes.

    Each glyph is centred in a square (so a narrow "1" stays narrow), shrunk to a fixed size,
    blurred a little (so a one-pixel shift costs little), then centred on zero and normalised.
    Shrinking and blurring are linear, so they are one matrix product per side length
    (:func:`_shrink_and_blur`), applied to all squares of that side at once: the digits of
    one score share a height, and per-glyph OpenCV calls cost more than the arithmetic.
    """
    by_side: dict[int, list[int]] = {}
    for i, glyph in enumerate(glyphs):
        by_side.setdefault(max(glyph.shape), []).append(i)
    shrunk: NDArray[Any] = np.empty((len(glyphs), FEATURE_SIZE, FEATURE_SIZE), np.float32)
    for side, members in by_side.items():
        squares = np.zeros((len(members), side, side), np.float32)
        for k, i in enumerate(members):
            h, w = glyphs[i].shape
            y0, x0 = (side - h) // 2, (side - w) // 2
            squares[k, y0 : y0 + h, x0 : x0 + w] = glyphs[i]
        matrix = _shrink_and_blur(side)
        if len(by_side) == 1:  # the usual case: no copy into place
            shrunk = matrix @ squares @ matrix.T
        else:
            shrunk[members] = matrix @ squares @ matrix.T
    rows = shrunk.reshape(len(glyphs), FEATURE_SIZE * FEATURE_SIZE)
    # Sums as products with a vector of ones: on a few short rows, NumPy's per-call overhead
    # is most of the cost, and a matrix-vector product has the least.
    ones = _ones(rows.shape[1])
    rows -= (rows @ ones * np.float32(1 / rows.shape[1]))[:, None]
    norms = np.sqrt((rows * rows) @ ones)
    np.maximum(norms, np.float32(1e-30), out=norms)  # a blank glyph stays all zeros
    rows /= norms[:, None]
    return rows


@lru_cache(maxsize=1)
def _ones(length: int) -> NDArray[np.float32]:
    return np.ones(length, np.float32)


@lru_cache(maxsize=256)
def _shrink_and_blur(side: int) -> NDArray[np.float32]:
    """The FEATURE_SIZE x side matrix M with M @ image = the image's columns area-resized to
    FEATURE_SIZE and blurred 3-tap Gaussian (M @ square @ M.T does both axes). OpenCV builds
    it from the identity, so it is exactly OpenCV's resize and blur, without their rounding
    to 8 bits."""
    resized = cv2.resize(np.eye(side, dtype=np.float32), (side, FEATURE_SIZE), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(resized, (1, 3), 0, borderType=cv2.BORDER_REFLECT_101)
    return blurred.astype(np.float32, copy=False)


def art_to_glyph(rows: tuple[str, ...]) -> Image:
    """Render text art ('#' = ink) as a binary glyph image."""
    cells = np.array([[255 if ch == "#" else 0 for ch in row] for row in rows], np.uint8)
    return np.kron(cells, np.ones((_ART_BLOCK_PX, _ART_BLOCK_PX), np.uint8))


@dataclass(frozen=True, slots=True)
class GlyphMatch:
    digit: str
    similarity: float
    margin: float


class GlyphEngine:
    """Nearest reference shape per glyph (cosine similarity of :func:`glyph_feature`)."""

    name = "glyph"

    def __init__(self, templates: Mapping[str, list[Feature]], sure_similarity: float = MIN_SIMILARITY) -> None:
        self.templates = {d: f for d, f in templates.items() if f}
        # Learned templates (the game's own pixels) match clean glyphs so closely that less
        # means a smeared glyph; drawn reference art never matches that well.
        self.sure_similarity = sure_similarity
        self.labels = sorted(self.templates)
        rows = [feature for digit in self.labels for feature in self.templates[digit]]
        # One column per template, stored contiguous: a product with a transposed view costs
        # NumPy 3x as much.
        self._columns = np.ascontiguousarray(np.stack(rows).T) if rows else np.zeros((FEATURE_SIZE**2, 0), np.float32)
        # Templates are grouped by digit; np.maximum.reduceat takes each digit's best at once.
        counts = [len(self.templates[d]) for d in self.labels]
        self._starts = np.cumsum([0, *counts[:-1]]).astype(np.intp)

    @classmethod
    def for_profile(cls, profile: Profile) -> GlyphEngine:
        templates: dict[str, list[Feature]] = {}
        if profile.glyphs:
            for digit, art in profile.glyphs.items():
                templates[digit] = [glyph_feature(art_to_glyph(art))]
        return cls(templates)

    @property
    def has_templates(self) -> bool:
        return set(self.labels) >= set("0123456789")

    def match(self, glyph: Image) -> GlyphMatch:
        return self.match_all((glyph,))[0]

    def similarities(self, features: NDArray[np.float32]) -> NDArray[np.float32]:
        """One row per glyph (rows of :func:`glyph_features`), one column per digit in
        ``self.labels``: the glyph's similarity to that digit's likest template."""
        per_digit: NDArray[np.float32] = np.maximum.reduceat(features @ self._columns, self._starts, axis=1)
        return per_digit

    def match_all(self, glyphs: tuple[Image, ...]) -> list[GlyphMatch]:
        """Each glyph's best digit, its similarity, and its lead over the best other digit."""
        return self.match_features(glyph_features(glyphs))

    def match_features(self, features: NDArray[np.float32]) -> list[GlyphMatch]:
        """:meth:`match_all` for glyphs already described by :func:`glyph_features` (one row each)."""
        per_digit = self.similarities(features)
        if per_digit.shape[1] < 2:
            per_digit = np.hstack([per_digit, np.full((len(features), 1), -1.0, np.float32)])
        # Python floats and ints up front: one conversion per array, not one per element.
        best_digit = per_digit.argmax(axis=1)
        two_best = np.sort(per_digit, axis=1)[:, :-3:-1]
        labels = self.labels
        return [
            GlyphMatch(labels[i], b, b - s) for i, (b, s) in zip(best_digit.tolist(), two_best.tolist(), strict=True)
        ]

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        if not self.has_templates or not glyphs.images:
            return DigitText("", 0.0)
        matches = self.match_all(glyphs.images)
        digits = "".join(m.digit for m in matches)
        confidence = min(m.similarity for m in matches)
        if not self.unsure(matches, glyphs) or clear_alone(matches, glyphs):
            return DigitText(digits, max(confidence, MIN_SIMILARITY), sure=True)
        return DigitText(digits, 0.0)

    def close(self) -> None:
        pass

    def unsure(self, matches: list[GlyphMatch], glyphs: Glyphs) -> list[int]:
        """The positions whose match is not sure enough to stand alone."""
        margin = SMALL_DIGIT_MARGIN if _small(glyphs) else MIN_MARGIN
        return [i for i, m in enumerate(matches) if not _sure(m, self.sure_similarity, margin)]


class GlyphLearner:
    """Collects glyphs labelled by confident Tesseract reads and turns them into templates.

    A sample that is more like another digit's samples than its own label's, and a near copy
    of one of them, is dropped (see :func:`_agrees_with_label`): an occasional mislabelled
    sample is outvoted, not learned.
    """

    def __init__(self, samples_per_digit: int = 48, templates_per_digit: int = 48, min_samples: int = 4) -> None:
        self.samples: dict[str, list[Feature]] = {}
        self.samples_per_digit = samples_per_digit
        self.templates_per_digit = templates_per_digit
        self.min_samples = min_samples
        # Reads that labelled each digit (see MIN_SIGHTINGS); a store's samples count as many.
        self.sightings: dict[str, int] = {}

    def load(self, samples: dict[str, list[Feature]]) -> None:
        """Start from a store's samples: evidence already (they were learned as such)."""
        self.samples = samples
        self.sightings = {d: max(MIN_SIGHTINGS, len(f)) for d, f in samples.items()}

    def add(self, glyphs: Glyphs, digits: str, positions: list[int] | None = None) -> bool:
        """Keep the glyphs at ``positions`` (all by default) labelled by ``digits``; True if any was new."""
        added = False
        seen: set[str] = set()
        for i in range(len(digits)) if positions is None else positions:
            bucket = self.samples.setdefault(digits[i], [])
            if len(bucket) < self.samples_per_digit:
                bucket.append(glyph_feature(glyphs.images[i]))
                added = True
                seen.add(digits[i])
        for digit in seen:
            self.sightings[digit] = self.sightings.get(digit, 0) + 1
        return added

    def evidence(self, digit: str) -> bool:
        """Whether ``digit`` has enough samples from enough reads to be a template."""
        return len(self.samples.get(digit, ())) >= self.min_samples and self.sightings.get(digit, 0) >= MIN_SIGHTINGS

    @property
    def complete(self) -> bool:
        return all(self.evidence(d) for d in "0123456789")

    def templates(self) -> dict[str, list[Feature]]:
        """Per digit with enough samples: those that agree with their label, most typical first."""
        digits = sorted(d for d in self.samples if self.evidence(d))
        if not digits:
            return {}
        features = [f for d in digits for f in self.samples[d]]
        label = np.array([k for k, d in enumerate(digits) for _ in self.samples[d]])
        agrees = _agrees_with_label(np.stack(features), label, len(digits))
        learned: dict[str, list[Feature]] = {}
        for k, digit in enumerate(digits):
            kept = np.flatnonzero((label == k) & agrees)
            if kept.size == 0:
                continue
            matrix = np.stack([features[i] for i in kept])
            centrality = (matrix @ matrix.T).mean(axis=1)
            learned[digit] = [features[i] for i in kept[np.argsort(centrality)[::-1][: self.templates_per_digit]]]
        return learned


def _agrees_with_label(features: NDArray[np.float32], label: NDArray[np.intp], labels: int) -> NDArray[np.bool_]:
    """Which samples are not another digit's: a sample is dropped when it is more like some
    other label's samples than its own (median similarity, self excluded) and a near copy of
    one of them. Tesseract now and then reads a game's "0" as "6" with high confidence; kept,
    such a sample reads every later "0" as a near tie with "6". A smeared digit that merely
    resembles another (a blurred "3" like a "1") is kept: it makes such reads unsure."""
    similarity = features @ features.T
    np.fill_diagonal(similarity, np.nan)
    rows = np.arange(len(label))
    columns = [similarity[:, label == k] for k in range(labels)]
    typical = np.stack([np.nanmedian(c, axis=1) for c in columns], axis=1)
    closest = np.stack([np.nanmax(c, axis=1) for c in columns], axis=1)
    own = typical[rows, label].copy()
    typical[rows, label] = -np.inf
    likest = typical.argmax(axis=1)
    agrees: NDArray[np.bool_] = (own >= typical[rows, likest]) | (closest[rows, likest] < NEAR_COPY)
    # Near copies of another digit out first: a sample misread several times over would
    # otherwise outvote its true copies among their neighbours.
    kept = np.flatnonzero(agrees)
    agrees[kept] = _neighbours_agree(similarity[np.ix_(kept, kept)], label[kept])
    return agrees


def _neighbours_agree(similarity: NDArray[np.float32], label: NDArray[np.intp]) -> NDArray[np.bool_]:
    """Which samples carry the label of at least half their nearest other samples (the
    diagonal of ``similarity`` is NaN). Tesseract misreads small, soft digits now and then
    (a DDR "4" as "3"); such a sample sits among its true digit's samples and is outvoted
    there, however unlike that digit's typical sample it is."""
    k = min(LABEL_NEIGHBOURS, len(label) - 1)
    if k < 1:
        return np.ones(len(label), np.bool_)
    nearest = np.argpartition(-np.nan_to_num(similarity, nan=-np.inf), k - 1, axis=1)[:, :k]
    same = (label[nearest] == label[:, None]).sum(axis=1)
    agrees: NDArray[np.bool_] = 2 * same >= k
    return agrees


def load_samples(store: SampleStore) -> dict[str, list[Feature]]:
    """The store's samples; a corrupt or foreign store is reported and learning starts afresh
    (the next save replaces it)."""
    try:
        return store.load()
    except TemplateStoreError as exc:
        log.warning("%s: ignoring it and learning the digits again", exc)
        return {}


def _small(glyphs: Glyphs) -> bool:
    return 0 < glyphs.source_height < SMALL_DIGIT_PX


def _soft(glyphs: Glyphs) -> bool:
    return glyphs.blur_px >= SOFT_BLUR_PX


def _sure(match: GlyphMatch, similarity: float, margin: float = MIN_MARGIN) -> bool:
    return match.similarity >= similarity and match.margin >= margin


def clear_alone(matches: list[GlyphMatch], glyphs: Glyphs) -> bool:
    """Whether the matcher alone may read these glyphs although some are below its sure
    similarity (small, blurred digits): every glyph has one clear best digit. Never a lone
    glyph: any stray stroke looks like a "1"."""
    margin = max(CLEAR_MARGIN, SMALL_DIGIT_MARGIN) if _small(glyphs) else CLEAR_MARGIN
    return len(matches) > 1 and all(_sure(m, CLEAR_SIMILARITY, margin) for m in matches)


def looks_like_zero(glyph: Image) -> bool:
    """Whether a binary glyph has the shape of a 0 (see _ZERO_ASPECT and what follows)."""
    h, w = glyph.shape
    if not _ZERO_ASPECT[0] <= w / h <= _ZERO_ASPECT[1]:
        return False
    padded = cv2.copyMakeBorder(glyph, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    contours, hierarchy = cv2.findContours(padded, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    holes = [c for c, links in zip(contours, hierarchy[0], strict=True) if links[3] >= 0]
    boxes = [(cv2.boundingRect(c), cv2.contourArea(c)) for c in holes]
    boxes = [(box, area) for box, area in boxes if box[2] * box[3] >= _ZERO_HOLE_MIN_OF_BOX * w * h]
    if len(boxes) != 1:
        return False
    (x, y, hole_w, hole_h), area = boxes[0]
    centre_x, centre_y = x + hole_w / 2 - 1, y + hole_h / 2 - 1
    return (
        abs(centre_x - w / 2) <= _ZERO_HOLE_OFF_CENTRE[0] * w
        and abs(centre_y - h / 2) <= _ZERO_HOLE_OFF_CENTRE[1] * h
        and hole_h >= _ZERO_HOLE_MIN_HEIGHT * h
        and area >= _ZERO_HOLE_MIN_ROUNDNESS * hole_w * hole_h
    )


class AutoEngine:
    """Glyph matching where it is sure; a second opinion from Tesseract where it is not.

    Per glyph: a sure glyph match stands; an unsure one counts only if Tesseract reads the
    same digit there; if they differ the read is unsure as a whole (never a guess). Before
    the matcher knows all ten digits, confident Tesseract reads stand alone and teach it.
    """

    name = "auto"

    def __init__(
        self,
        glyph: GlyphEngine,
        fallback: OcrEngine | None,
        learner: GlyphLearner | None = None,
        store: SampleStore | None = None,
    ) -> None:
        self.glyph = glyph
        self.fallback = fallback
        self.learner = learner
        self.store = store if learner is not None else None
        self._base_templates = glyph.templates
        self._saved_s: float | None = None
        self._unsaved = False
        # What the learner's samples read so far, before all ten digits are known.
        self._partial: GlyphEngine | None = None
        if learner is not None and self.store is not None:
            learner.load(load_samples(self.store))
            if learner.complete:
                self.glyph = self._learned_engine()
                self._saved_s = time.monotonic()

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        if not glyphs.images:
            return DigitText("", 0.0)
        if len(glyphs.images) == 1 and looks_like_zero(glyphs.images[0]):
            if not self.glyph.has_templates:
                self._learn(glyphs, "0")
            return DigitText("0", LEARNED_SURE, sure=True)
        if len(glyphs.images) == 1 and _small(glyphs):
            return DigitText("", 0.0, LONE_SMALL_DIGIT)  # see LONE_SMALL_DIGIT
        if not self.glyph.has_templates:
            return self._tesseract_alone(glyphs)
        matches = self.glyph.match_all(glyphs.images)
        digits = "".join(m.digit for m in matches)
        confidence = min(m.similarity for m in matches)
        unsure = self.glyph.unsure(matches, glyphs)
        if not unsure:
            return DigitText(digits, confidence, sure=True)
        if _soft(glyphs) and not all(_sure(matches[i], CLEAR_SIMILARITY, MIN_MARGIN) for i in unsure):
            return DigitText(digits, 0.0, SOFT_UNSURE)  # see SOFT_BLUR_PX
        if self.fallback is None:
            return self.glyph.read_digits(glyphs)
        second = self.fallback.read_digits(glyphs)
        same_length = len(second.digits) == len(digits)
        tesseract_sure = second.confidence >= FALLBACK_CONFIDENCE
        # A rendering unlike the templates' (a template file from another capture) is learned
        # from here; a glyph less alike than AGREE_MIN_SIMILARITY needs Tesseract sure.
        least_margin = AGREE_MIN_MARGIN if glyphs.source_height < AGREE_MARGIN_BELOW_PX else 0.0
        explained = all(matches[i].margin >= least_margin for i in unsure) and (
            tesseract_sure or all(matches[i].similarity >= AGREE_MIN_SIMILARITY for i in unsure)
        )
        if explained and same_length and all(second.digits[i] == digits[i] for i in unsure):
            # Two engines agree: good labels for the glyphs the matcher was unsure of.
            self._learn(glyphs, digits, unsure)
            return DigitText(digits, max(confidence, MIN_SIMILARITY), sure=True)
        credible = same_length and tesseract_sure
        small = glyphs.source_height < MATCHER_ALONE_BELOW_PX
        if not credible and small and clear_alone(matches, glyphs):
            # Tesseract is lost (small, blurred digits): the matcher alone is the better reader.
            # Not on larger digits: there Tesseract disagreeing means a glyph lost a stroke (a
            # 15 px StepMania "3" blurred to its right side, a clear "1" at 0.87).
            return DigitText(digits, max(confidence, MIN_SIMILARITY), sure=True)
        return DigitText(digits, 0.0)

    def _learn(self, glyphs: Glyphs, digits: str, positions: list[int] | None = None) -> None:
        if self.learner is None or not self.learner.add(glyphs, digits, positions):
            return
        self._unsaved = True
        self._partial = None
        if self.learner.complete:
            self.glyph = self._learned_engine()
            self.save(force=False)

    def _learned_engine(self) -> GlyphEngine:
        assert self.learner is not None
        return GlyphEngine({**self.learner.templates(), **self._base_templates}, LEARNED_SURE)

    def close(self) -> None:
        self.save()
        if self.fallback is not None:
            self.fallback.close()

    def save(self, force: bool = True) -> None:
        """Write what was learned to the store: at once when first complete, then at most
        every ``SAVE_EVERY_S`` seconds while learning goes on (or now, with ``force``)."""
        if self.store is None or self.learner is None or not self._unsaved:
            return
        now = time.monotonic()
        if not force and self._saved_s is not None and now - self._saved_s < SAVE_EVERY_S:
            return
        self._saved_s, self._unsaved = now, False
        try:
            self.store.save(self.learner.samples)
        except OSError as exc:
            log.warning("could not save the learned digits to %s: %s", self.store.path, exc)

    def _tesseract_alone(self, glyphs: Glyphs) -> DigitText:
        if self.fallback is None:
            return DigitText("", 0.0)
        read = self.fallback.read_digits(glyphs)
        learning = self._learning()
        if read.confidence < FALLBACK_CONFIDENCE:
            return DigitText(read.digits, 0.0, learning)
        if len(read.digits) != len(glyphs.images):
            return read  # reported as not matching the digits seen
        if len(read.digits) == 1 and read.digits != "0":
            # A one-digit score is a song's start: 0. Tesseract reads a lone soft "0" as "4"
            # at 0.91 (DDR at 768x432, blurred), and learned, the "4" would be read back.
            return DigitText(read.digits, 0.0, learning)
        if self._contradicts_learned(glyphs, read.digits):
            return DigitText(read.digits, 0.0, learning)
        if read.confidence >= LEARN_CONFIDENCE:
            self._learn(glyphs, read.digits)
        if 0 < glyphs.source_height < TESSERACT_ALONE_MIN_PX:
            return DigitText(read.digits, 0.0, LEARNING_SMALL_DIGITS)
        return read

    def _learning(self) -> str:
        """What the status says while Tesseract alone cannot vouch for a read."""
        if self.learner is None:
            return TESSERACT_UNSURE
        learner = self.learner
        known = sum(learner.evidence(d) for d in "0123456789")
        return LEARNING_DIGITS.format(known=known)

    def _contradicts_learned(self, glyphs: Glyphs, digits: str) -> bool:
        """Whether a glyph is likelier another digit than Tesseract's, by the digits learned so
        far: less like Tesseract's digit than like another learned one, or, Tesseract's digit
        not learned yet, a near copy of another (a soft DDR "0" that Tesseract calls "6")."""
        if self.learner is None:
            return False
        if self._partial is None:
            self._partial = GlyphEngine(self.learner.templates())
        if not self._partial.templates:
            return False
        labels = self._partial.labels
        similarity = self._partial.similarities(glyph_features(glyphs.images))
        for row, digit in zip(similarity, digits, strict=True):
            best = int(row.argmax())
            own = row[labels.index(digit)] if digit in labels else NEAR_COPY
            if labels[best] != digit and own <= row[best]:
                return True
        return False
