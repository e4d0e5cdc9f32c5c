"""Glyph matching: classify each digit glyph against the game's own digit shapes.

Game fonts never change, so comparing a glyph with ten reference shapes is both faster and
more reliable than general OCR. References come from the profile (drawn as text art) or
from a learned template store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
from numpy.typing import NDArray

from . import DigitText, OcrEngine

if TYPE_CHECKING:
    from ..preprocess import Glyphs, Image
    from ..profiles import Profile

FEATURE_SIZE = 20
# Below this similarity, or this margin over the runner-up, a glyph is not trusted.
MIN_SIMILARITY = 0.72
MIN_MARGIN = 0.04
_ART_BLOCK_PX = 8

Feature = NDArray[np.float32]


def glyph_feature(glyph: Image) -> Feature:
    """A unit vector describing a glyph's shape, comparable across sizes.

    The glyph is centred in a square (so a narrow "1" stays narrow), shrunk to a fixed size,
    blurred a little (so a one-pixel shift costs little), and normalised.
    """
    h, w = glyph.shape
    side = max(h, w)
    square = np.zeros((side, side), np.uint8)
    x0, y0 = (side - w) // 2, (side - h) // 2
    square[y0 : y0 + h, x0 : x0 + w] = glyph
    small = cv2.resize(square, (FEATURE_SIZE, FEATURE_SIZE), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)
    small -= small.mean()
    norm = float(np.linalg.norm(small))
    return ((small / norm) if norm > 0 else small).ravel().astype(np.float32)


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

    def __init__(self, templates: Mapping[str, list[Feature]]) -> None:
        self.templates = dict(templates)
        self._digits: list[str] = []
        rows: list[Feature] = []
        for digit, features in sorted(templates.items()):
            for feature in features:
                self._digits.append(digit)
                rows.append(feature)
        self._matrix = np.stack(rows) if rows else np.zeros((0, FEATURE_SIZE * FEATURE_SIZE), np.float32)

    @classmethod
    def for_profile(cls, profile: Profile) -> GlyphEngine:
        templates: dict[str, list[Feature]] = {}
        if profile.glyphs:
            for digit, art in profile.glyphs.items():
                templates[digit] = [glyph_feature(art_to_glyph(art))]
        return cls(templates)

    @property
    def has_templates(self) -> bool:
        return set(self._digits) >= set("0123456789")

    def match(self, glyph: Image) -> GlyphMatch:
        similarities = self._matrix @ glyph_feature(glyph)
        best = int(np.argmax(similarities))
        others = [s for d, s in zip(self._digits, similarities, strict=False) if d != self._digits[best]]
        margin = float(similarities[best] - max(others, default=-1.0))
        return GlyphMatch(self._digits[best], float(similarities[best]), margin)

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        if not self.has_templates or not glyphs.images:
            return DigitText("", 0.0)
        matches = [self.match(g) for g in glyphs.images]
        digits = "".join(m.digit for m in matches)
        trusted = all(m.similarity >= MIN_SIMILARITY and m.margin >= MIN_MARGIN for m in matches)
        confidence = min(m.similarity for m in matches)
        return DigitText(digits, confidence if trusted else min(confidence, MIN_SIMILARITY - 0.01))


class GlyphLearner:
    """Collects glyphs labelled by confident Tesseract reads and turns them into templates.

    Each digit's templates are the few samples most like the others of their label (medoids),
    so an occasional mislabelled sample is outvoted instead of learned.
    """

    def __init__(self, samples_per_digit: int = 48, templates_per_digit: int = 48, min_samples: int = 4) -> None:
        self.samples: dict[str, list[Feature]] = {}
        self.samples_per_digit = samples_per_digit
        self.templates_per_digit = templates_per_digit
        self.min_samples = min_samples

    def add(self, glyphs: Glyphs, digits: str, positions: list[int] | None = None) -> bool:
        """Keep the glyphs at ``positions`` (all by default) labelled by ``digits``; True if any was new."""
        added = False
        for i in range(len(digits)) if positions is None else positions:
            bucket = self.samples.setdefault(digits[i], [])
            if len(bucket) < self.samples_per_digit:
                bucket.append(glyph_feature(glyphs.images[i]))
                added = True
        return added

    @property
    def complete(self) -> bool:
        return all(len(self.samples.get(d, ())) >= self.min_samples for d in "0123456789")

    def templates(self) -> dict[str, list[Feature]]:
        learned: dict[str, list[Feature]] = {}
        for digit, features in self.samples.items():
            if len(features) < self.min_samples:
                continue
            matrix = np.stack(features)
            centrality = (matrix @ matrix.T).mean(axis=1)
            best = np.argsort(centrality)[::-1][: self.templates_per_digit]
            learned[digit] = [features[i] for i in best]
        return learned


# A Tesseract read this sure (and the right length) labels its glyphs for learning.
LEARN_CONFIDENCE = 0.9
# Tesseract misreads game digits at confidences up to ~0.8; alone (nothing learned yet) it
# must be at least this sure.
FALLBACK_CONFIDENCE = 0.85
# Templates cut from the game's own pixels match a clean glyph at 0.95 and more; a glyph
# below this is smeared (a digit changing under video compression) and needs a second opinion.
LEARNED_SURE = 0.9


# How far a glyph's best digit must stand above the runner-up to be read without a second opinion.
CLEAR_MARGIN = 0.08


def _sure(match: GlyphMatch, similarity: float, margin: float = MIN_MARGIN) -> bool:
    return match.similarity >= similarity and match.margin >= margin


class AutoEngine:
    """Glyph matching where it is sure; a second opinion from Tesseract where it is not.

    Per glyph: a sure glyph match stands; an unsure one counts only if Tesseract reads the
    same digit there; if they differ the read is unsure as a whole (never a guess). Before
    the matcher knows all ten digits, confident Tesseract reads stand alone and teach it.
    """

    name = "auto"

    def __init__(self, glyph: GlyphEngine, fallback: OcrEngine | None, learner: GlyphLearner | None = None) -> None:
        self.glyph = glyph
        self.fallback = fallback
        self.learner = learner
        self._base_templates = glyph.templates
        self._sure_similarity = LEARNED_SURE if learner is not None else MIN_SIMILARITY

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        if not glyphs.images:
            return DigitText("", 0.0)
        if not self.glyph.has_templates:
            return self._tesseract_alone(glyphs)
        matches = [self.glyph.match(g) for g in glyphs.images]
        digits = "".join(m.digit for m in matches)
        confidence = min(m.similarity for m in matches)
        unsure = [i for i, m in enumerate(matches) if not _sure(m, self._sure_similarity)]
        if not unsure:
            return DigitText(digits, confidence)
        if self.fallback is None:
            return DigitText(digits, min(confidence, MIN_SIMILARITY - 0.01))
        second = self.fallback.read_digits(glyphs)
        if len(second.digits) == len(digits) and all(second.digits[i] == digits[i] for i in unsure):
            # Two engines agree: good labels for the glyphs the matcher was unsure of.
            self._learn(glyphs, digits, unsure)
            return DigitText(digits, max(confidence, MIN_SIMILARITY))
        credible = len(second.digits) == len(digits) and second.confidence >= FALLBACK_CONFIDENCE
        if not credible and len(matches) > 1 and all(_sure(m, MIN_SIMILARITY, CLEAR_MARGIN) for m in matches):
            # Tesseract is lost (small, blurred digits) while every glyph still has one clear
            # best match: the matcher alone is the better reader there. Not for a lone glyph:
            # any stray stroke looks like a "1".
            return DigitText(digits, max(confidence, MIN_SIMILARITY))
        return DigitText(digits, 0.0)

    def _learn(self, glyphs: Glyphs, digits: str, positions: list[int] | None = None) -> None:
        if self.learner is None:
            return
        if self.learner.add(glyphs, digits, positions) and self.learner.complete:
            self.glyph = GlyphEngine({**self.learner.templates(), **self._base_templates})

    def _tesseract_alone(self, glyphs: Glyphs) -> DigitText:
        if self.fallback is None:
            return DigitText("", 0.0)
        read = self.fallback.read_digits(glyphs)
        if read.confidence < FALLBACK_CONFIDENCE:
            return DigitText(read.digits, 0.0)
        if read.confidence >= LEARN_CONFIDENCE and len(read.digits) == len(glyphs.images):
            self._learn(glyphs, read.digits)
        return read
