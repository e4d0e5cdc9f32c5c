"""Art over ITG's digits, as the real game showed it (tests/capture/test_simply_love.py): drawn
with Simply Love's own glyphs (cut from the real frames) on its black band, then covered the
way the real match covered them. Each case reads exactly without the art, and is refused with
it, never read as the number the art leaves showing."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ddrcore.read.engines import make_engine
from ddrcore.read.profiles import load_profile
from ddrcore.read.reader import ScoreRead, ScoreReader

from .. import randomised
from ..randomised import CLEAN_CAPTURE, Rendering

# Simply Love's score band, and the navy of a song's foreground pane that covered a leading 6.
BAND_BGR = (20, 20, 20)
NAVY_BGR = (31, 20, 11)
PLAIN = Rendering(False, False, 0, 0.0, 1.0, 0, (0, 0), (0, 0, 0), False, 1.0, (1.0, 1.0, 1.0))


def _drawn(score: float) -> tuple[np.ndarray, randomised.Region, np.ndarray]:
    """The score on the band at the game's size: the image, its region and the ink mask."""
    image, region, _ = randomised.render(randomised.font("itg-percent"), score, PLAIN, np.random.default_rng(7))
    flat = image[0, 0].copy()
    band = np.all(image == flat, axis=2)
    image[band] = BAND_BGR
    captured, moved = randomised.capture(image, region, CLEAN_CAPTURE, np.random.default_rng(7))
    ink = cv2.cvtColor(captured, cv2.COLOR_BGR2HSV)[:, :, 2] > 128
    return captured, moved, ink


def _read(image: np.ndarray, region: randomised.Region) -> ScoreRead:
    profile = load_profile("itg-percent")
    with ScoreReader(profile, make_engine("auto", profile)) as reader:
        return reader.read_region(image, region)


@pytest.fixture(autouse=True)
def _empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frames_dir: Path) -> None:
    monkeypatch.setenv("OBS_DDR_DATA", str(tmp_path))


def test_a_dark_pane_over_the_leading_digit_refuses_the_read(tesseract: str) -> None:
    image, region, ink = _drawn(66.08)
    assert _read(image, region).score == pytest.approx(66.08)
    columns = np.flatnonzero(ink.any(axis=0))
    first = columns[0]
    # The first digit ends where the ink's first gap begins.
    end = first + int(np.argmin(ink[:, first:].any(axis=0)))
    covered = image.copy()
    covered[:, max(0, first - (end - first)) : end + 1] = NAVY_BGR
    read = _read(covered, region)
    assert read.score is None, read
    assert "art" in read.problem


def test_ink_hanging_under_a_digit_is_no_comma_in_a_score_without_commas(tesseract: str) -> None:
    image, region, ink = _drawn(35.24)
    assert _read(image, region).score == pytest.approx(35.24)
    boxes = sorted(cv2.boundingRect(c) for c in _components(ink))
    x, y, w, h = boxes[1]  # the "5"
    # A mine's explosion: a spark joined under the "5"'s right half, reaching below the line,
    # and a black spike across its right stem. The "5"'s left half is what cutting the spark
    # off as a comma would leave: a sure "1", as in the real match.
    spark = image.copy()
    spark[y + h - 2 : y + h + max(3, round(0.15 * h)), x + w // 2 : x + w] = (200, 200, 200)
    spark[y + round(0.6 * h) : y + round(0.7 * h), x + w // 2 : x + w + 2] = (0, 0, 0)
    read = _read(spark, region)
    assert read.score != pytest.approx(31.24), read
    assert read.score is None or read.score == pytest.approx(35.24), read


def _components(ink: np.ndarray) -> list[np.ndarray]:
    contours, _ = cv2.findContours(ink.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [c for c in contours if cv2.contourArea(c) > 20]
