"""DDR World footage in the game's own font: the real bright digit glyphs
(../shared/frames/ddr-world/digits) composited onto real gameplay frames, laid out as the
game lays them out, then degraded as a capture or a stream degrades it. The frames and
glyphs are read from ../shared; nothing cut from them ships in the product."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ddrcore.capture.base import Image
from ddrcore.cli.footage import Degradation, degrade, encode_video

from .conftest import FRAMES

DDR = FRAMES / "ddr-world"
# At 1280x720: P1's seven digit slots (left edges), the digits' top, P2's offset.
SLOTS_X = (170, 203, 234, 268, 304, 336, 366)
SLOT_W = 27
TOP_Y = 648
P2_SHIFT = 720
# Commas follow the first and the fourth digit: a slanted stroke, its top below mid-height.
COMMA_AFTER = (0, 3)
COMMA = np.array([(29, 23), (35, 23), (29, 36), (25, 36)])
# The bright digits' dark outline and yellow drop shadow (BGR), as the game draws them.
OUTLINE_BGR = (38, 24, 12)
SHADOW_BGR = (40, 200, 248)
SHADOW_OFFSET = (4, 4)


@lru_cache(maxsize=1)
def glyphs() -> dict[str, np.ndarray]:
    """The real bright digits, as 0/255 masks 33 px tall."""
    masks = {}
    for digit in "0123456789":
        rgba = cv2.imread(str(DDR / "digits" / f"{digit}.png"), cv2.IMREAD_UNCHANGED)
        masks[digit] = np.where(rgba[:, :, 3] >= 128, 255, 0).astype(np.uint8)
    return masks


@lru_cache(maxsize=4)
def _frame(name: str) -> Image:
    frame = cv2.imread(str(DDR / name), cv2.IMREAD_COLOR)
    assert frame is not None, name
    return frame


def _bright_digits(score: int) -> str:
    """The part of the padded 7-digit score the game draws bright (at least the last digit)."""
    text = f"{score:07d}"
    return text.lstrip("0") or "0"


def _score_mask(score: int, shift_x: int) -> tuple[np.ndarray, np.ndarray]:
    """(bright ink, the cells they cover) for one player's score on a 1280x720 frame."""
    ink = np.zeros((720, 1280), np.uint8)
    cells = np.zeros_like(ink)
    bright = _bright_digits(score)
    first = len(SLOTS_X) - len(bright)
    for slot, digit in zip(range(first, len(SLOTS_X)), bright, strict=True):
        mask = glyphs()[digit]
        h, w = mask.shape
        x = shift_x + SLOTS_X[slot] + (SLOT_W - w) // 2
        ink[TOP_Y : TOP_Y + h, x : x + w] |= mask
        cells[TOP_Y - 3 : TOP_Y + h + 8, shift_x + SLOTS_X[slot] - 3 : shift_x + SLOTS_X[slot] + SLOT_W + 10] = 255
        if slot in COMMA_AFTER and slot < len(SLOTS_X) - 1:
            comma = COMMA + np.array([shift_x + SLOTS_X[slot], TOP_Y])
            cv2.fillConvexPoly(ink, comma.astype(np.int32), 255)
    return ink, cells


def composite(p1: int | None, p2: int | None) -> Image:
    """A real 1280x720 gameplay frame showing scores ``p1`` and ``p2`` (None: that player's
    region shows what the real frame shows there: none for P1 in the solo frame)."""
    base = _frame("gameplay_duo_ready.png") if p1 is not None else _frame("gameplay_solo_p2.png")
    if p1 is None and p2 is None:
        return _frame("menu_results.png").copy()
    base_name = "gameplay_duo_ready.png" if p1 is not None else "gameplay_solo_p2.png"
    frame = base.copy()
    for score, shift in ((p1, 0), (p2, P2_SHIFT)):
        if score is None:
            continue
        ink, _ = _score_mask(score, shift)
        # Work on the score's neighbourhood only: whole-frame passes would cost 70 ms a frame.
        (y0, y1, x0, x1), cleared = _cleared(base_name, shift, len(_bright_digits(score)))
        _draw_bright(frame[y0:y1, x0:x1], cleared, ink[y0:y1, x0:x1])
    return frame


@lru_cache(maxsize=64)
def _cleared(name: str, shift: int, bright: int) -> tuple[tuple[int, int, int, int], Image]:
    """The neighbourhood (y0, y1, x0, x1) of a score of ``bright`` bright digits, and the real
    frame there with those digits' cells inpainted away. Both depend on nothing else, so they
    are made once (inpainting and finding the cells were most of a composite's time)."""
    _, cells = _score_mask(10 ** (bright - 1), shift)  # any score with that many bright digits
    ys, xs = np.nonzero(cells)
    y0, y1, x0, x1 = int(ys.min()) - 6, int(ys.max()) + 7, int(xs.min()) - 6, int(xs.max()) + 7
    area = _frame(name)[y0:y1, x0:x1]
    return (y0, y1, x0, x1), cv2.inpaint(area, cells[y0:y1, x0:x1], 3, cv2.INPAINT_TELEA)


def _draw_bright(area: Image, cleared: Image, ink: np.ndarray) -> None:
    """Draw bright digits into ``area`` in place, over ``cleared`` (the area without the dim
    zeros and the bright 0 the frame shows there): a dark outline, a yellow drop shadow,
    anti-aliased white."""
    area[:] = cleared
    kernel = np.ones((3, 3), np.uint8)
    shadow = np.roll(np.roll(ink, SHADOW_OFFSET[1], axis=0), SHADOW_OFFSET[0], axis=1)
    area[cv2.dilate(ink | shadow, kernel, iterations=2) > 0] = OUTLINE_BGR
    area[shadow > 0] = SHADOW_BGR
    area[cv2.dilate(ink, kernel) > 0] = OUTLINE_BGR
    soft = cv2.GaussianBlur(ink.astype(np.float32) / 255, (3, 3), 0.6)[:, :, None]
    area[:] = (area * (1 - soft) + 255 * soft).astype(np.uint8)


@dataclass(frozen=True, slots=True, eq=False)
class RealFontFrame:
    image: Image
    p1: int | None
    p2: int | None
    degradation: Degradation


def random_score(rng: np.random.Generator) -> int:
    kind = rng.random()
    if kind < 0.08:
        return 0
    if kind < 0.25:
        return int(rng.integers(1, 100_000))
    return int(rng.integers(100_000, 1_000_000))


def random_frames(count: int, seed: int, scale: float | None = None) -> Iterator[RealFontFrame]:
    """Frames with random scores through random degradations (0.5-1.5x of 720p unless
    ``scale`` is given)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        p1, p2 = random_score(rng), random_score(rng)
        if rng.random() < 0.1:
            p2 = p1
        degradation = Degradation.random(rng)
        if scale is not None:
            degradation = Degradation(scale, degradation.blur_sigma, degradation.jpeg_quality, degradation.noise_sigma)
        yield RealFontFrame(degrade(composite(p1, p2), degradation, rng), p1, p2, degradation)


def song_scores(seconds: float, fps: float, seed: int, lead_in_s: float = 1.0) -> list[tuple[int | None, int | None]]:
    """A whole song: both at 0 for ``lead_in_s``, then rising to about 990,000 with the lead
    changing every few seconds (a margin that swings around zero), then a second of the
    results screen (no scores). Scores are multiples of 10, as DDR's are."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * fps)
    start, end = int(lead_in_s * fps), frames - int(fps)
    period_s = float(rng.uniform(7.0, 10.0))
    swing = float(rng.uniform(5_000, 9_000))  # below the rise per second: scores never fall
    out: list[tuple[int | None, int | None]] = []
    for i in range(frames):
        if i >= end:
            out.append((None, None))
            continue
        t = max(0, i - start) / fps
        base = 990_000 * t / ((end - start) / fps)
        offset = swing * np.sin(2 * np.pi * t / period_s) * min(1.0, t)
        out.append((int(base + offset) // 10 * 10, int(base - offset) // 10 * 10))
    return out


def song_frames(
    seconds: float, fps: float, seed: int, degradation: Degradation | None = None, lead_in_s: float = 1.0
) -> Iterator[tuple[float, Image, int | None, int | None]]:
    rng = np.random.default_rng(seed)
    degradation = degradation or Degradation()
    for i, (p1, p2) in enumerate(song_scores(seconds, fps, seed, lead_in_s)):
        yield i / fps, degrade(composite(p1, p2), degradation, rng), p1, p2


def write_song_video(
    path: Path, seconds: float, fps: float, seed: int, scale: float = 1.0, lead_in_s: float = 1.0
) -> list[tuple[float, int | None, int | None]]:
    """The song as an H.264 video (ffmpeg), and its truth as (time_s, p1, p2)."""
    size = (round(1280 * scale) // 2 * 2, round(720 * scale) // 2 * 2)
    truth = encode_video(path, size, fps, song_frames(seconds, fps, seed, lead_in_s=lead_in_s))
    return [(t, None if p1 is None else int(p1), None if p2 is None else int(p2)) for t, p1, p2 in truth]


def write_songs_video(
    path: Path, songs: list[tuple[float, int]], fps: float, final_s: float = 2.0, results_s: float = 4.0
) -> list[tuple[float, int | None, int | None]]:
    """Several songs (seconds, seed) one after the other, as one H.264 video; the truth as
    (time_s, p1, p2). As in the game, each song's final scores stay for ``final_s`` (the
    song's end), then ``results_s`` of a screen without scores."""

    def frames() -> Iterator[tuple[float, Image, int | None, int | None]]:
        rng = np.random.default_rng(0)
        start = 0.0
        for seconds, seed in songs:
            last = None
            for t, frame, p1, p2 in song_frames(seconds, fps, seed):
                if p1 is None:
                    break
                last = (frame, p1, p2)
                yield start + t, frame, p1, p2
            assert last is not None
            start += seconds - 1.0  # song_frames ends on a second without scores
            for i in range(int(final_s * fps)):
                yield start + i / fps, *last
            start += final_s
            results = degrade(composite(None, None), Degradation(), rng)
            for i in range(int(results_s * fps)):
                yield start + i / fps, results, None, None
            start += results_s

    return encode_video(path, (1280, 720), fps, frames())


def song_finals(truth: list[tuple[float, int | None, int | None]]) -> list[tuple[int, int]]:
    """The final scores of each song in ``truth``: its last frame with scores before a screen without."""
    finals, last = [], None
    for _, p1, p2 in truth:
        if p1 is None or p2 is None:
            if last is not None:
                finals.append(last)
            last = None
        else:
            last = (p1, p2)
    return finals
