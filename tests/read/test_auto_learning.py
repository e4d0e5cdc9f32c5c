"""What ``auto`` believes of Tesseract alone, before the matcher knows all ten digits.

Tesseract here is a stand-in that says what a real one said on generated soft footage (the
songs in test_footage_accuracy show the real engines together); the glyphs are real.
"""

from __future__ import annotations

import cv2
import numpy as np

from ddrcore.capture.base import Image
from ddrcore.read.engines.base import DigitText
from ddrcore.read.engines.glyph import LEARNING_SMALL_DIGITS, AutoEngine, GlyphEngine, GlyphLearner, glyph_feature
from ddrcore.read.engines.tesseract import TESSERACT_SURE
from ddrcore.read.preprocess import Glyphs

_FONT = cv2.FONT_HERSHEY_SIMPLEX


class _Says:
    """A Tesseract that reads every glyph line as ``digits`` at ``confidence``."""

    name = "tesserocr"

    def __init__(self, digits: str, confidence: float) -> None:
        self.read = DigitText(digits, confidence, sure=confidence >= TESSERACT_SURE)

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        return self.read

    def close(self) -> None:
        pass


def _glyph(digit: str, thickness: int = 3) -> Image:
    mask = np.zeros((60, 50), np.uint8)
    cv2.putText(mask, digit, (8, 48), _FONT, 1.3, 255, thickness, cv2.LINE_AA)
    _, binary = cv2.threshold(mask, 127, 255, cv2.THRESH_BINARY)
    ys, xs = np.nonzero(binary)
    return binary[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _glyphs(digits: str, source_height: float = 20.0) -> Glyphs:
    images = tuple(_glyph(d) for d in digits)
    return Glyphs(images=images, digit_height=images[0].shape[0], source_height=source_height)


def _learning(tesseract: _Says) -> tuple[AutoEngine, GlyphLearner]:
    learner = GlyphLearner()
    return AutoEngine(GlyphEngine({}), tesseract, learner), learner


def test_a_lone_digit_is_read_alone_only_as_zero() -> None:
    # A one-digit score is a song's start. Tesseract read a lone soft DDR "0" as "4" at 0.91.
    auto, learner = _learning(_Says("4", 0.91))
    assert not auto.read_digits(_glyphs("0")).sure
    assert learner.samples == {}, "nor is it learned"

    auto, learner = _learning(_Says("0", 0.91))
    assert auto.read_digits(_glyphs("0")) == DigitText("0", 0.91, sure=True)
    assert len(learner.samples["0"]) == 1


def test_small_digits_only_teach_until_all_ten_are_learned() -> None:
    """Evidence for TESSERACT_ALONE_MIN_PX: Tesseract's reads at 0.85 and more on generated DDR
    songs (640x360-896x504, crisp to blurred 1 px): 19 wrong of 520 under 15 px (a "4" as a
    "3" at 0.95), 5 of 386 at 15-17 px (caught by the lone-digit rule or the digits already
    learned), none of 116 at 18 px and up. Randomised renderings later showed the 15-17 px
    ones wrong at 0.90-0.93 too (test_randomised)."""
    auto, learner = _learning(_Says("427", 0.95))
    read = auto.read_digits(_glyphs("427", source_height=12.0))
    assert not read.sure and read.problem == LEARNING_SMALL_DIGITS
    assert {d: len(f) for d, f in learner.samples.items()} == {"4": 1, "2": 1, "7": 1}
    assert not auto.read_digits(_glyphs("427", source_height=17.0)).sure
    assert auto.read_digits(_glyphs("427", source_height=18.0)) == DigitText("427", 0.95, sure=True)


def test_tesseract_alone_is_not_believed_against_the_digits_learned_so_far() -> None:
    # Four samples each of "0" and "6" (not yet all ten digits): Tesseract calls a "0" a "6".
    auto, learner = _learning(_Says("160", 0.93))
    learner.load({d: [glyph_feature(_glyph(d, t)) for t in (2, 3, 4, 5)] for d in "06"})
    read = auto.read_digits(_glyphs("100"))
    assert not read.sure
    assert len(learner.samples["6"]) == 4 and "1" not in learner.samples, "and it teaches nothing"

    # A digit not learned yet ("1") is believed; one learned and agreeing ("0") too.
    auto, learner = _learning(_Says("100", 0.93))
    learner.load({d: [glyph_feature(_glyph(d, t)) for t in (2, 3, 4, 5)] for d in "06"})
    assert auto.read_digits(_glyphs("100")) == DigitText("100", 0.93, sure=True)
    assert len(learner.samples["1"]) == 1
