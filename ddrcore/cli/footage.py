"""Footage with known truth: 2-player score panels drawn the way each game draws them,
on busy backgrounds, through what streams do to pixels (scaling, blur, JPEG, noise).

Used by the tests (accuracy on hundreds of frames per profile) and to make the demo clip.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PilImage
from PIL import ImageDraw, ImageFont

from ..base.regions import Region
from ..base.scores import Score
from ..capture.base import Image
from ..read.engines.glyph import art_to_glyph
from ..read.parse import format_score
from ..read.profiles import PLAYERS, Player, Profile
from .assets import FONT

BASE_SIZE = (1280, 720)
Rng = np.random.Generator


@dataclass(frozen=True, slots=True)
class Degradation:
    scale: float = 1.0
    blur_sigma: float = 0.0
    jpeg_quality: int = 0  # 0: no JPEG round trip
    noise_sigma: float = 0.0

    @classmethod
    def random(cls, rng: Rng) -> Degradation:
        return cls(
            scale=float(rng.uniform(0.5, 1.5)),
            blur_sigma=float(rng.choice([0.0, rng.uniform(0.3, 1.0)])),
            jpeg_quality=int(rng.choice([0, int(rng.integers(40, 95))])),
            noise_sigma=float(rng.choice([0.0, rng.uniform(1.0, 5.0)])),
        )


@dataclass(frozen=True, slots=True, eq=False)
class SynthFrame:
    image: Image
    p1: Score | None
    p2: Score | None
    degradation: Degradation


def random_score(profile: Profile, rng: Rng) -> Score:
    """A score somewhere in the profile's range, small ones and zero included."""
    fmt = profile.format
    top = min(fmt.max, 10 ** (fmt.max_digits - fmt.decimals) - 1)
    kind = rng.random()
    if kind < 0.1:
        value: float = 0.0
    elif kind < 0.3:
        value = float(rng.uniform(0, top / 1000))
    else:
        value = float(rng.uniform(0, top))
    if fmt.decimals:
        return float(round(round(value * 10**fmt.decimals) / 10**fmt.decimals, fmt.decimals))
    return int(value)


def random_frame(profile: Profile, rng: Rng, scale: float | None = None) -> SynthFrame:
    """One gameplay frame with random scores: ties, one player absent, or a menu (no scores).
    ``scale``: capture at this size of 720p (else a random one, 0.5-1.5)."""
    kind = rng.random()
    p1: Score | None = random_score(profile, rng)
    p2: Score | None = random_score(profile, rng)
    if kind < 0.1:
        p2 = p1
    elif kind < 0.18:
        p1 = None
    elif kind < 0.26:
        p2 = None
    elif kind < 0.32:
        p1 = p2 = None
    image = draw_frame(profile, p1, p2, rng, menu=p1 is None and p2 is None)
    degradation = Degradation.random(rng)
    if scale is not None:
        degradation = replace(degradation, scale=scale)
    return SynthFrame(degrade(image, degradation, rng), p1, p2, degradation)


def random_frames(profile: Profile, count: int, seed: int, scale: float | None = None) -> Iterator[SynthFrame]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield random_frame(profile, rng, scale)


def draw_frame(profile: Profile, p1: Score | None, p2: Score | None, rng: Rng, menu: bool = False) -> Image:
    """A 1280x720 BGR frame: a busy background, and each present player's score panel."""
    frame = _background(rng, menu)
    _draw_panels(frame, profile, p1, p2, rng)
    return frame


def _draw_panels(frame: Image, profile: Profile, p1: Score | None, p2: Score | None, rng: Rng) -> None:
    scores: dict[Player, Score | None] = {"p1": p1, "p2": p2}
    leader_score = max((s for s in scores.values() if s is not None), default=None)
    for player in PLAYERS:
        score = scores[player]
        if score is not None:
            _draw_panel(frame, profile, player, score, trailing=score != leader_score, rng=rng)


def degrade(image: Image, degradation: Degradation, rng: Rng) -> Image:
    """What capture and streaming do: rescale, blur, noise, JPEG."""
    h, w = image.shape[:2]
    size = (round(w * degradation.scale), round(h * degradation.scale))
    out = cv2.resize(image, size, interpolation=cv2.INTER_AREA if degradation.scale < 1 else cv2.INTER_LINEAR)
    if degradation.blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), degradation.blur_sigma)
    if degradation.noise_sigma > 0:
        noise = rng.normal(0, degradation.noise_sigma, out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if degradation.jpeg_quality:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, degradation.jpeg_quality])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            out = decoded
    return out


def _background(rng: Rng, menu: bool) -> Image:
    w, h = BASE_SIZE
    top, bottom = rng.integers(0, 200, 3), rng.integers(0, 200, 3)
    ramp = np.linspace(0, 1, h)[:, None, None]
    frame = (top * (1 - ramp) + bottom * ramp).astype(np.uint8).repeat(w, axis=1)
    frame = np.ascontiguousarray(frame)
    for _ in range(int(rng.integers(5, 25))):
        colour = tuple(int(c) for c in rng.integers(0, 220, 3))
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        if rng.random() < 0.5:
            cv2.circle(frame, centre, int(rng.integers(10, 150)), colour, int(rng.choice([-1, 3, 8])))
        else:
            end = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.line(frame, centre, end, colour, int(rng.integers(2, 12)))
    if menu:  # menus are full of bright text and numbers, just not where scores go
        for _ in range(int(rng.integers(4, 12))):
            text = rng.choice(["SELECT MUSIC", "STAGE 1", "RESULTS", "OPTIONS", "180 BPM", "LEVEL 12", "98.76%"])
            org = (int(rng.integers(0, w - 200)), int(rng.integers(30, h)))
            cv2.putText(
                frame, str(text), org, cv2.FONT_HERSHEY_DUPLEX, float(rng.uniform(0.6, 1.8)), (255, 255, 255), 2
            )
    return frame


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _draw_panel(frame: Image, profile: Profile, player: Player, score: Score, trailing: bool, rng: Rng) -> None:
    region = profile.regions[player].to_pixels(*BASE_SIZE)
    text = format_score(score, profile.format)
    dim, bright = _split_dim(text, profile)
    if profile.name == "itg-percent":
        _draw_block_text(frame, profile, region, bright, grey=trailing)
        return
    if profile.name == "stepmania":
        panel = (90, 40, 20) if player == "p1" else (30, 30, 90)
        cv2.rectangle(
            frame, (region.x - 10, region.y - 2), (region.x + region.w + 10, region.y + region.h + 2), panel, -1
        )
    elif profile.name == "generic":
        cv2.rectangle(frame, (region.x, region.y), (region.x + region.w, region.y + region.h), (20, 20, 20), -1)
    rgb = np.ascontiguousarray(frame[:, :, ::-1])
    canvas = PilImage.fromarray(rgb)
    draw = ImageDraw.Draw(canvas, "RGBA")
    font = _font(round(region.h * 0.62))
    right = region.x + region.w - round(region.h * 0.2)
    baseline_y = region.y + round(region.h * 0.15)
    full_width = draw.textlength(dim + bright, font=font)
    x = right - full_width
    dim_fill, bright_fill, outline, shadow = _colours(profile, player)
    if dim:
        draw.text((x, baseline_y), dim, font=font, fill=dim_fill, stroke_width=2 if outline else 0, stroke_fill=outline)
    x_bright = x + draw.textlength(dim, font=font)
    if shadow:
        draw.text((x_bright + 3, baseline_y + 3), bright, font=font, fill=shadow)
    draw.text(
        (x_bright, baseline_y),
        bright,
        font=font,
        fill=bright_fill,
        stroke_width=2 if outline else 0,
        stroke_fill=outline or bright_fill,
    )
    frame[:] = np.asarray(canvas)[:, :, ::-1]


def _split_dim(text: str, profile: Profile) -> tuple[str, str]:
    """Split a padded score into its dim leading zeros and its bright significant part."""
    if not profile.format.pad_digits:
        return "", text
    for i, ch in enumerate(text):
        if ch not in "0,":
            return text[:i], text[i:]
    last_zero = text.rfind("0")
    return text[:last_zero], text[last_zero:]


_Rgba = tuple[int, int, int, int]


def _colours(profile: Profile, player: Player) -> tuple[_Rgba, _Rgba, _Rgba | None, _Rgba | None]:
    """(dim, bright, outline, shadow) in RGBA, as each game draws them."""
    if profile.name == "ddr-world":
        return (150, 175, 190, 90), (255, 255, 255, 255), (20, 20, 40, 255), (250, 200, 20, 255)
    if profile.name == "stepmania":
        if player == "p1":
            return (50, 95, 160, 255), (110, 190, 255, 255), None, None
        return (150, 45, 45, 255), (255, 110, 100, 255), None, None
    return (0, 0, 0, 0), (235, 235, 235, 255), None, None


def _draw_block_text(frame: Image, profile: Profile, region: Region, text: str, grey: bool) -> None:
    """ITG's 3x5 block font, right-aligned: the profile's own glyph art, scaled up."""
    if not profile.glyphs:
        raise ValueError(f"profile {profile.name} has no glyph art to draw")
    cv2.rectangle(
        frame, (region.x - 20, region.y - 8), (region.x + region.w + 20, region.y + region.h + 8), (0, 0, 0), -1
    )
    block = round(region.h * 0.82 / 5)
    colour = (172, 172, 172) if grey else (255, 255, 255)
    x = region.x + region.w - round(block * 0.3)
    top = region.y + round(region.h * 0.09)
    for ch in reversed(text):
        if ch == ".":
            x -= block + block // 2
            cv2.rectangle(frame, (x, top + 4 * block), (x + block - 1, top + 5 * block - 1), colour, -1)
            x -= block // 2
            continue
        glyph = art_to_glyph(profile.glyphs[ch])
        gw = glyph.shape[1] // 8 * block
        x -= gw
        scaled = cv2.resize(glyph, (gw, 5 * block), interpolation=cv2.INTER_NEAREST)
        frame[top : top + 5 * block, x : x + gw][scaled > 0] = colour
        x -= block


def song_scores(profile: Profile, seconds: float, fps: float, seed: int) -> list[tuple[Score | None, Score | None]]:
    """Both players' scores through one song with lead changes, a tie start, and an end screen.

    The leader swaps about every few seconds; the last second shows no scores.
    """
    rng = np.random.default_rng(seed)
    fmt = profile.format
    frames = int(seconds * fps)
    # Average a third of the fastest rise the profile allows, so the peaks stay plausible.
    final = min(fmt.max * 0.9, profile.motion.max_rise_per_s * seconds * 0.35)
    per_frame = final / max(frames, 1)
    rates = np.array([1.0, 1.0])
    values = np.zeros(2)
    out: list[tuple[Score | None, Score | None]] = []
    swap_every = int(fps * rng.uniform(3.0, 5.0))
    for i in range(frames):
        if i < fps:  # both at zero at the start: a tie
            pass
        elif i >= frames - fps:
            out.append((None, None))
            continue
        else:
            rates = np.array([1.3, 0.8]) if i // swap_every % 2 == 0 else np.array([0.7, 1.4])
            values += rates * per_frame * rng.uniform(0.5, 1.5, 2)
            if not profile.motion.monotonic and rng.random() < 0.05:
                values -= per_frame * 3 * rng.random(2)  # ITG: misses cost points
            values = np.clip(values, 0, fmt.max)
        pair = tuple(round(float(v), fmt.decimals) for v in values) if fmt.decimals else tuple(int(v) for v in values)
        out.append((pair[0], pair[1]))
    return out


def song_frames(
    profile: Profile, seconds: float, fps: float, seed: int, scale: float = 1.0
) -> Iterator[tuple[float, Image, Score | None, Score | None]]:
    """Frames of one song (see :func:`song_scores`) with their true scores: (time_s, frame, p1, p2)."""
    rng = np.random.default_rng(seed)
    size = (round(BASE_SIZE[0] * scale) // 2 * 2, round(BASE_SIZE[1] * scale) // 2 * 2)
    background = _background(rng, menu=False)
    for i, (p1, p2) in enumerate(song_scores(profile, seconds, fps, seed)):
        frame = background.copy()
        _draw_panels(frame, profile, p1, p2, rng)
        if size != BASE_SIZE:
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        yield i / fps, frame, p1, p2


def write_match_video(
    profile: Profile, path: Path, seconds: float, fps: float, seed: int, scale: float = 1.0
) -> list[tuple[float, Score | None, Score | None]]:
    """Render a song to an H.264 video (ffmpeg) and return the truth as (time_s, p1, p2)."""
    size = (round(BASE_SIZE[0] * scale) // 2 * 2, round(BASE_SIZE[1] * scale) // 2 * 2)
    return encode_video(path, size, fps, song_frames(profile, seconds, fps, seed, scale), crf=26)


def encode_video(
    path: Path,
    size: tuple[int, int],
    fps: float,
    frames: Iterator[tuple[float, Image, Score | None, Score | None]],
    crf: int = 23,
) -> list[tuple[float, Score | None, Score | None]]:
    """Encode (time_s, BGR frame, p1, p2) frames to H.264 at ``size`` (ffmpeg); the truth."""
    command = [
        "ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{size[0]}x{size[1]}", "-r", str(fps), "-i", "-",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-pix_fmt", "yuv420p", str(path),
    ]  # fmt: skip
    truth = []
    with subprocess.Popen(command, stdin=subprocess.PIPE) as encoder:
        assert encoder.stdin is not None
        for t, frame, p1, p2 in frames:
            sized = frame if frame.shape[1::-1] == size else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            encoder.stdin.write(np.ascontiguousarray(sized).tobytes())
            truth.append((t, p1, p2))
        encoder.stdin.close()
    if encoder.returncode:
        raise RuntimeError(f"ffmpeg failed with exit code {encoder.returncode}")
    return truth
