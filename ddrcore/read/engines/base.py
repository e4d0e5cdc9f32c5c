"""What every OCR engine is: the protocol and the result type, below the engines and the
factory that chooses one, so no engine imports its package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ..preprocess import Glyphs

    Feature = NDArray[np.float32]

# The glyph matcher's feature: a glyph's shape shrunk to this many pixels a side, as a unit
# vector (``Feature``). The template store keeps features of this size and refuses others.
FEATURE_SIZE = 20


@dataclass(frozen=True, slots=True)
class DigitText:
    """What an engine read: ``digits`` (only 0-9, possibly empty); ``confidence`` in 0..1,
    the engine's own measure, for display; ``sure``: the engine vouches for the digits (each
    engine's rule, see its module); ``problem`` may say why it does not."""

    digits: str
    confidence: float
    problem: str = ""
    sure: bool = False


class OcrEngine(Protocol):
    """Reads the glyphs of one score. Called from the reading thread only."""

    name: str

    def read_digits(self, glyphs: Glyphs) -> DigitText: ...

    def close(self) -> None:
        """Release what the engine holds and keep what it learned (called once, at the end)."""
