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


class FallbackEngine:
    """Glyph matching first; Tesseract for reads the glyphs are unsure of."""

    name = "auto"

    def __init__(self, glyph: GlyphEngine, fallback: OcrEngine | None) -> None:
        self.glyph = glyph
        self.fallback = fallback

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        first = self.glyph.read_digits(glyphs)
        if first.confidence >= MIN_SIMILARITY or self.fallback is None:
            return first
        return self.fallback.read_digits(glyphs)
