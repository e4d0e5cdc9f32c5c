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
    return (small / norm).ravel() if norm > 0 else small.ravel()


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
        others = [s for d, s in zip(self._digits, similarities) if d != self._digits[best]]
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

    def __init__(self, samples_per_digit: int = 24, templates_per_digit: int = 3, min_samples: int = 4) -> None:
        self.samples: dict[str, list[Feature]] = {}
        self.samples_per_digit = samples_per_digit
        self.templates_per_digit = templates_per_digit
        self.min_samples = min_samples

    def add(self, glyphs: Glyphs, digits: str) -> None:
        for glyph, digit in zip(glyphs.images, digits):
            bucket = self.samples.setdefault(digit, [])
            if len(bucket) < self.samples_per_digit:
                bucket.append(glyph_feature(glyph))

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
# Tesseract misreads game digits at confidences up to ~0.8; below this it must agree with
# the glyph matcher's best guess to count.
FALLBACK_CONFIDENCE = 0.85


class AutoEngine:
    """Glyph matching when it has templates and is sure; Tesseract otherwise.

    Confident Tesseract reads teach the glyph matcher the game's digits; once all ten are
    learned, most reads never reach Tesseract.
    """

    name = "auto"

    def __init__(self, glyph: GlyphEngine, fallback: OcrEngine | None, learner: GlyphLearner | None = None) -> None:
        self.glyph = glyph
        self.fallback = fallback
        self.learner = learner
        self._base_templates = glyph.templates

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        first = self.glyph.read_digits(glyphs) if self.glyph.has_templates else DigitText("", 0.0)
        if first.confidence >= MIN_SIMILARITY or self.fallback is None:
            return first
        second = self.fallback.read_digits(glyphs)
        if first.digits and second.digits == first.digits:
            second = DigitText(second.digits, max(second.confidence, first.confidence, MIN_SIMILARITY))
        elif second.confidence < FALLBACK_CONFIDENCE:
            second = DigitText(second.digits, 0.0)
        if self.learner is not None and second.confidence >= LEARN_CONFIDENCE and len(second.digits) == len(glyphs.images):
            self.learner.add(glyphs, second.digits)
            if self.learner.complete:
                self.glyph = GlyphEngine({**self.learner.templates(), **self._base_templates})
        return second
