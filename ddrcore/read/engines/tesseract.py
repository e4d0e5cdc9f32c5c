"""Tesseract, tuned for one line of digits: a digit whitelist, single-line page mode,
dictionaries off. Two ways in: pytesseract (a process per call) and tesserocr (in-process)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from ...base.errors import EngineError
from .base import DigitText

if TYPE_CHECKING:
    from ...capture.base import Image
    from ..preprocess import Glyphs

# Tesseract vouches for a line when its lowest word confidence / 100 is at least this: on
# the game fonts its wrong reads sit below, most right ones above (the footage tests).
TESSERACT_SURE = 0.6
# Tesseract reads a clean line of digits this many pixels high, spaced and padded so, best
# (a size it was trained on); and ordinary text weights: game digits are thinned to this.
_LINE_HEIGHT_PX, _LINE_GAP_PX, _LINE_PAD_PX = 40, 10, 16
_STROKE_OF_HEIGHT = 0.15
# A pytesseract call (a process) longer than this is a hung Tesseract, not a slow one.
_TIMEOUT_S = 2.0
_VARIABLES = {
    "tessedit_char_whitelist": "0123456789",
    "load_system_dawg": "0",
    "load_freq_dawg": "0",
}
_INSTALL_HINT = (
    "Tesseract is not installed: install it (Debian/Ubuntu: sudo apt-get install tesseract-ocr; "
    "macOS: brew install tesseract; Windows: winget install UB-Mannheim.TesseractOCR) "
    "or set its path"
)


def find_tesseract(explicit: str | None = None) -> str:
    """The tesseract executable: ``explicit``, $TESSERACT_CMD, or PATH; EngineError if none.

    A path the user gave that is wrong is an error of its own, never silently replaced.
    """
    if explicit:
        if Path(explicit).is_file():
            return explicit
        raise EngineError(f"Tesseract not found at {explicit}: correct the Tesseract path or leave it empty")
    for candidate in (os.environ.get("TESSERACT_CMD"), shutil.which("tesseract")):
        if candidate and Path(candidate).is_file():
            return candidate
    for default in (r"C:\Program Files\Tesseract-OCR\tesseract.exe", "/opt/homebrew/bin/tesseract"):
        if Path(default).is_file():
            return default
    raise EngineError(_INSTALL_HINT)


def find_tessdata(tesseract_cmd: str | None = None) -> str:
    """A folder holding eng.traineddata, for the in-process engine."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    if tesseract_cmd:
        candidates.append(str(Path(tesseract_cmd).parent / "tessdata"))
    candidates += [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/opt/homebrew/share/tessdata",
        "/usr/local/share/tessdata",
        r"C:\Program Files\Tesseract-OCR\tessdata",
    ]
    for folder in candidates:
        if folder and (Path(folder) / "eng.traineddata").is_file():
            return folder
    raise EngineError("eng.traineddata not found: install tesseract-ocr-eng or set TESSDATA_PREFIX")


class PytesseractEngine:
    """Tesseract through pytesseract: one process per call, ~175 ms a crop."""

    name = "pytesseract"

    def __init__(self, tesseract_cmd: str | None = None) -> None:
        try:
            import pytesseract
        except ImportError:
            raise EngineError("pytesseract is not installed: pip install pytesseract") from None
        self._pytesseract: Any = pytesseract
        pytesseract.pytesseract.tesseract_cmd = find_tesseract(tesseract_cmd)
        variables = " ".join(f"-c {k}={v}" for k, v in _VARIABLES.items())
        self._config = f"--psm 7 {variables}"

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        image = line_image(glyphs)
        try:
            data = self._pytesseract.image_to_data(
                image, config=self._config, output_type=self._pytesseract.Output.DICT, timeout=_TIMEOUT_S
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
            raise EngineError(f"Tesseract timed out after {_TIMEOUT_S} s: {exc}") from None
        except self._pytesseract.TesseractNotFoundError:
            raise EngineError(_INSTALL_HINT) from None
        words = [(t, float(c)) for t, c in zip(data["text"], data["conf"], strict=False) if t.strip()]
        digits = "".join(ch for t, _ in words for ch in t if ch.isdigit())
        confidence = min((c for _, c in words), default=0.0) / 100
        return DigitText(digits, max(0.0, confidence), sure=confidence >= TESSERACT_SURE)

    def close(self) -> None:
        pass


class TesserocrEngine:
    """libtesseract in-process through tesserocr: the same answers, ~25x faster."""

    name = "tesserocr"

    def __init__(self, tesseract_cmd: str | None = None) -> None:
        try:
            import tesserocr
        except ImportError:
            raise EngineError("tesserocr is not installed: pip install tesserocr") from None
        from PIL import Image

        self._image_from_array: Any = Image.fromarray
        if tesseract_cmd:
            find_tesseract(tesseract_cmd)
        path = find_tessdata(tesseract_cmd)
        try:
            self._api: Any = tesserocr.PyTessBaseAPI(
                path=path.rstrip("/\\") + "/", lang="eng", psm=tesserocr.PSM.SINGLE_LINE, variables=_VARIABLES
            )
        except RuntimeError as exc:
            raise EngineError(f"tesserocr could not start with tessdata at {path}: {exc}") from None

    def read_digits(self, glyphs: Glyphs) -> DigitText:
        self._api.SetImage(self._image_from_array(line_image(glyphs)))
        text = self._api.GetUTF8Text()
        digits = "".join(ch for ch in text if ch.isdigit())
        words = self._api.AllWordConfidences()
        confidence = min(words, default=0) / 100
        return DigitText(digits, max(0.0, float(confidence)), sure=confidence >= TESSERACT_SURE)

    def close(self) -> None:
        self._api.End()


def thin_to(glyph: Image, stroke: int) -> Image:
    """Erode a bold glyph until its strokes are about ``stroke`` pixels wide."""
    _, glyph_binary = cv2.threshold(glyph, 127, 255, cv2.THRESH_BINARY)
    # A zero border: a glyph that is ink edge to edge (a solid block) has no background to
    # measure distances from, and its distances would all be "infinite".
    bordered = cv2.copyMakeBorder(glyph_binary, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    distance = cv2.distanceTransform(bordered, cv2.DIST_L2, 3)
    inside = distance[distance > 0]
    if inside.size == 0:
        return glyph
    # Distances inside a stroke of width W spread evenly over 0..W/2: their median is W/4.
    width = 4 * float(np.median(inside))
    steps = int((width - stroke) // 2)
    if steps <= 0:
        return glyph
    return cv2.erode(glyph_binary, np.ones((3, 3), np.uint8), iterations=steps)


def line_image(
    glyphs: Glyphs, height: int = _LINE_HEIGHT_PX, gap: int = _LINE_GAP_PX, pad: int = _LINE_PAD_PX
) -> Image:
    """The glyphs re-set as one clean line, black on white, each scaled to ``height``.

    Tesseract reads such a line far better than the raw crop: no dim zeros, no shadows,
    no background, and a size it was trained on.
    """
    scaled = []
    for glyph in glyphs.images:
        factor = height / glyph.shape[0]
        width = max(1, round(glyph.shape[1] * factor))
        resized = cv2.resize(glyph, (width, height), interpolation=cv2.INTER_AREA)
        scaled.append(thin_to(resized, round(_STROKE_OF_HEIGHT * height)) if glyphs.bold_font else resized)
    total = sum(g.shape[1] for g in scaled) + gap * (len(scaled) - 1) + 2 * pad
    line = np.zeros((height + 2 * pad, max(total, 2 * pad)), np.uint8)
    x = pad
    for g in scaled:
        line[pad : pad + height, x : x + g.shape[1]] = g
        x += g.shape[1] + gap
    return cv2.bitwise_not(line)
