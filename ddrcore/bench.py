"""Reads/s and exact-read rate per engine on the shipped clip, measured in one run.

Frames are decoded before timing. "per-crop pytesseract" is the baseline users run today:
pytesseract on each raw score crop, with no preprocessing.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable

from .assets import DEMO_CLIP, DEMO_TRUTH
from .capture import video_frames
from .engines import ENGINE_NAMES, make_engine
from .errors import DdrError, EngineError
from .parse import Score
from .preprocess import Image, crop
from .profiles import PLAYERS, Profile, load_profile
from .reader import ScoreReader


def _truth() -> dict[int, tuple[Score | None, Score | None]]:
    rows: dict[int, tuple[Score | None, Score | None]] = {}
    with DEMO_TRUTH.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p1 = int(row["p1"]) if row["p1"] else None
            p2 = int(row["p2"]) if row["p2"] else None
            rows[int(row["frame"])] = (p1, p2)
    return rows


def _measure(
    read_pair: Callable[[Image], tuple[Score | None, Score | None]],
    frames: list[tuple[int, Image]],
    truth: dict[int, tuple[Score | None, Score | None]],
) -> tuple[float, float, float]:
    exact = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for index, frame in frames:
        exact += read_pair(frame) == truth[index]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(frames) / wall, cpu / len(frames) * 1000, exact / len(frames)


def run_bench(frame_count: int = 60, baseline_frames: int = 8) -> str:
    if not DEMO_CLIP.is_file() or not DEMO_TRUTH.is_file():
        raise DdrError(f"the demo clip or its truth is missing under {DEMO_CLIP.parent}")
    profile = load_profile("stepmania")
    truth = _truth()
    every = max(1, len(truth) // (frame_count * 2))
    decoded = [(round(t * 30), f) for t, f in video_frames(DEMO_CLIP, every)]
    warmup, frames = decoded[: len(decoded) // 2], decoded[len(decoded) // 2 :][:frame_count]
    lines = [f"bench on {DEMO_CLIP.name}: {len(frames)} two-player frames per engine, decoding excluded", ""]
    lines.append(f"{'engine':<28} {'reads/s':>9} {'ms CPU/read':>12} {'exact':>7}")
    results: dict[str, float] = {}
    for name in ENGINE_NAMES:
        try:
            reader = ScoreReader(profile, make_engine(name, profile))
        except EngineError as exc:
            lines.append(f"{name:<28} unavailable: {exc}")
            continue
        label = name
        if name in ("auto", "glyph"):
            for _, frame in warmup:  # let auto learn the digits, as it does in the first seconds of play
                reader.read(frame)
            label = f"{name} (after learning)" if name == "auto" else name

        def read_pair(frame: Image, r: ScoreReader = reader) -> tuple[Score | None, Score | None]:
            result = r.read(frame)
            return result.p1.score, result.p2.score

        sample = frames if name != "pytesseract" else frames[:baseline_frames]
        rate, cpu_ms, exact = _measure(read_pair, sample, truth)
        results[name] = rate
        lines.append(f"{label:<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
    try:
        baseline = _baseline_reader()
        rate, cpu_ms, exact = _measure(lambda f: baseline(f, profile), frames[:baseline_frames], truth)
        lines.append(f"{'per-crop pytesseract (raw)':<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
        lines.append("")
        for name, r in results.items():
            lines.append(f"{name}: {r / rate:.1f}x the reads/s of per-crop pytesseract")
    except EngineError as exc:
        lines.append(f"per-crop pytesseract unavailable: {exc}")
    return "\n".join(lines)


def _baseline_reader() -> Callable[[Image, Profile], tuple[Score | None, Score | None]]:
    from .engines.tesseract import find_tesseract

    try:
        import pytesseract
    except ImportError:
        raise EngineError("pytesseract is not installed") from None
    pytesseract.pytesseract.tesseract_cmd = find_tesseract()

    def read(frame: Image, profile: Profile) -> tuple[Score | None, Score | None]:
        h, w = frame.shape[:2]
        out: list[Score | None] = []
        for player in PLAYERS:
            text = pytesseract.image_to_string(
                crop(frame, profile.regions[player].to_pixels(w, h)),
                config="--psm 7 -c tessedit_char_whitelist=0123456789,",
                timeout=5,
            )
            digits = text.replace(",", "").strip().lstrip("0") or ("0" if "0" in text else "")
            out.append(int(digits) if digits.isdigit() else None)
        return out[0], out[1]

    return read
