"""Tesseract, tuned for one line of digits: a digit whitelist, single-line page mode,
dictionaries off. Two ways in: pytesseract (a process per call) and tesserocr (in-process)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EngineError
from ..preprocess import line_image
from . import DigitText

if TYPE_CHECKING:
    from ..preprocess import Glyphs

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
        return DigitText(digits, max(0.0, confidence))

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
        return DigitText(digits, max(0.0, float(confidence)))

    def close(self) -> None:
        self._api.End()
