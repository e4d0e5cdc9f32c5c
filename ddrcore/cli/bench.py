"""Reads/s, CPU time per read and exact-read rate per engine, measured in one run, on the
shipped clip and on generated footage of every profile.

Frames are decoded (or drawn) before timing, and OpenCV runs on one thread, so reads/s is
what one core does; the fast engines' reads/s is their best of a few passes, since a busy
machine slows a pass by a quarter and more. "per-crop pytesseract" is the baseline users run
today: pytesseract on each raw score crop, with no preprocessing. The learning engines learn
into a temporary template store first, as they do in the first seconds of play; ``glyph``
then reads with what was learned (or the profile's own glyphs) and nothing else.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from ..base.errors import DdrError, EngineError
from ..base.scores import Score
from ..capture.base import Image
from ..capture.screen import video_frames
from ..read.engines import DEFAULT_ENGINE, ENGINE_NAMES, make_engine
from ..read.engines.base import FEATURE_SIZE
from ..read.engines.glyph import AutoEngine, GlyphEngine
from ..read.preprocess import crop, score_ink
from ..read.profiles import Profile, load_profile, profile_names
from ..read.reader import ScoreReader
from .assets import DEMO_CLIP, DEMO_TRUTH, demo_truth
from .footage import random_frames

Truth = tuple[Score | None, Score | None]
Sample = list[tuple[Image, Truth]]
_ENGINES = ENGINE_NAMES
_FAST_ENGINES = (DEFAULT_ENGINE, "glyph")
_PASSES = 3


def run_bench(frame_count: int = 60, baseline_frames: int = 8, profiles: list[str] | None = None) -> str:
    if not DEMO_CLIP.is_file() or not DEMO_TRUTH.is_file():
        raise DdrError(f"the demo clip or its truth is missing under {DEMO_CLIP.parent}")
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    lines = [
        f"obs-ddr bench: {frame_count} two-player frames per engine and footage "
        f"({baseline_frames} for the pytesseract ones), decoding excluded, OpenCV on one thread; "
        f"auto and glyph: the best of {_PASSES} passes",
    ]
    try:
        warmup, frames = _clip_frames(frame_count)
        lines += _section(
            f"shipped clip {DEMO_CLIP.name} (stepmania)", load_profile("stepmania"), warmup, frames, baseline_frames
        )
        for name in profiles or profile_names():
            profile = load_profile(name)
            warm = [(f.image, (f.p1, f.p2)) for f in random_frames(profile, 200, seed=99)]
            sample = [(f.image, (f.p1, f.p2)) for f in random_frames(profile, frame_count, seed=7)]
            lines += _section(
                f"generated footage, {name} (scaled 0.5-1.5x, blur, JPEG, noise)",
                profile,
                warm,
                sample,
                baseline_frames,
            )
        lines += ["", _chart_redraw()]
    finally:
        cv2.setNumThreads(threads)
    return "\n".join(lines)


def _chart_redraw(redraws: int = 30) -> str:
    """The live chart's redraw (draw + PNG encode + atomic write) of a 3-minute song read 30
    times a second, at the size OBS shows it."""
    import math

    from ..show.chart import CHART_SIZE, ChartStyle, draw_chart, write_chart
    from ..track.momentum import Sample as SongSample
    from ..track.momentum import SongCurve

    song = SongCurve()
    for i in range(180 * 30):
        t = i / 30
        swing = 8_000 * math.sin(t / 4)
        p1, p2 = int(5_000 * t + swing), int(5_000 * t - swing)
        song.add(SongSample(t, p1, p2, "p1" if p1 > p2 else "p2"))
    draw_ms, total_ms = [], []
    with tempfile.TemporaryDirectory() as folder:
        write_chart(Path(folder) / "chart.png", draw_chart(song, ChartStyle()))  # warm-up: fonts, caches
        for _ in range(redraws):
            started = time.perf_counter()
            picture = draw_chart(song, ChartStyle(), ("900,000", "890,000"))
            drawn = time.perf_counter()
            write_chart(Path(folder) / "chart.png", picture)
            draw_ms.append((drawn - started) * 1000)
            total_ms.append((time.perf_counter() - started) * 1000)
    draw_ms.sort()
    total_ms.sort()
    w, h = CHART_SIZE
    return (
        f"live chart {w}x{h}, {len(song.times)} reads: draw median {draw_ms[len(draw_ms) // 2]:.2f} ms, "
        f"max {draw_ms[-1]:.2f} ms; with PNG encode and atomic write median {total_ms[len(total_ms) // 2]:.2f} ms, "
        f"max {total_ms[-1]:.2f} ms"
    )


def _clip_frames(frame_count: int) -> tuple[Sample, Sample]:
    truth = demo_truth()
    every = max(1, len(truth) // (frame_count * 2))
    decoded: Sample = [(frame, truth[round(t * 30)]) for t, frame in video_frames(DEMO_CLIP, every)]
    return decoded[: len(decoded) // 2], decoded[len(decoded) // 2 :][:frame_count]


def _section(title: str, profile: Profile, warmup: Sample, frames: Sample, baseline_frames: int) -> list[str]:
    lines = ["", title, f"  {'engine':<28} {'reads/s':>9} {'ms CPU/read':>12} {'exact':>7}"]
    rates: dict[str, float] = {}
    with _private_store():
        for name in _ENGINES:
            try:
                reader = ScoreReader(profile, make_engine(name, profile))
            except EngineError as exc:
                lines.append(f"  {name:<28} unavailable: {exc}")
                continue
            label = name
            if name == "auto":  # learn the digits first, as in the first seconds of play
                for image, _ in warmup:
                    reader.read(image)
                if isinstance(reader.engine, AutoEngine):
                    reader.engine.save()  # what it learned, for glyph below
                label = "auto (after warm-up)"

            sample = frames[:baseline_frames] if name == "pytesseract" else frames
            rate, cpu_ms, exact = _measure(_pair_reader(reader), sample)
            reader.close()
            # The fast engines again, each time as a fresh reader (no region remembered): the
            # best pass is the engine's speed, the others met a busy machine.
            for _ in range(_PASSES - 1 if name in _FAST_ENGINES else 0):
                again = ScoreReader(profile, make_engine(name, profile))
                rate, cpu_ms = max((rate, cpu_ms), _measure(_pair_reader(again), sample)[:2])
                again.close()
            rates[name] = rate
            lines.append(f"  {label:<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
        bare = _bare_matcher(profile)
        if bare is not None:
            rate, cpu_ms, exact = max(_measure(bare, frames) for _ in range(_PASSES))
            rates["bare matcher"] = rate
            lines.append(f"  {'bare matcher (yardstick)':<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
    with _private_store():
        # From an empty store, learning included: the stream's first seconds, end to end.
        cold = ScoreReader(profile, make_engine("auto", profile))
        rate, cpu_ms, exact = _measure(_pair_reader(cold), frames)
        cold.close()
        rates["auto cold"] = rate
        lines.append(f"  {'auto cold (empty store)':<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
    lines.append(_cold_start(profile, frames))
    try:
        baseline = _baseline_reader(profile)
    except EngineError as exc:
        lines.append(f"  per-crop pytesseract unavailable: {exc}")
        return lines
    rate, cpu_ms, exact = _measure(baseline, frames[:baseline_frames])
    lines.append(f"  {'per-crop pytesseract (raw)':<28} {rate:>9.1f} {cpu_ms:>12.2f} {exact:>7.1%}")
    lines.append("  " + ", ".join(f"{name} {r / rate:.0f}x" for name, r in rates.items()) + " the reads/s of raw")
    if "glyph" in rates and "bare matcher" in rates:
        lines.append(f"  glyph reads at {rates['glyph'] / rates['bare matcher']:.2f}x the bare matcher's rate")
    return lines


_COLD_STARTS = 5


def _cold_start(profile: Profile, frames: Sample) -> str:
    """What the first read costs from an empty template store (the stream's first frame):
    making the auto engine (Tesseract starts), then the first read; the median and the most
    of a few fresh stores."""
    ready_ms: list[float] = []
    first_ms: list[float] = []
    for i in range(_COLD_STARTS):
        with _private_store():
            started = time.perf_counter()
            reader = ScoreReader(profile, make_engine("auto", profile))
            ready = time.perf_counter()
            reader.read(frames[i % len(frames)][0])
            first_ms.append((time.perf_counter() - ready) * 1000)
            ready_ms.append((ready - started) * 1000)
            reader.close()
    ready_ms.sort()
    first_ms.sort()
    return (
        f"  cold start (empty store): auto ready in {ready_ms[len(ready_ms) // 2]:.0f} ms, "
        f"first read {first_ms[len(first_ms) // 2]:.1f} ms (most {first_ms[-1]:.1f} ms)"
    )


def _pair_reader(reader: ScoreReader) -> Callable[[Image], Truth]:
    def read_pair(image: Image) -> Truth:
        result = reader.read(image)
        return result.p1.score, result.p2.score

    return read_pair


@contextmanager
def _private_store() -> Iterator[None]:
    """Learn into a temporary template store: the bench never reads or changes the user's."""
    previous = os.environ.get("OBS_DDR_DATA")
    with tempfile.TemporaryDirectory(prefix="obs-ddr-bench-") as folder:
        os.environ["OBS_DDR_DATA"] = folder
        try:
            yield
        finally:
            if previous is None:
                del os.environ["OBS_DDR_DATA"]
            else:
                os.environ["OBS_DDR_DATA"] = previous


def _measure(read_pair: Callable[[Image], Truth], frames: Sample) -> tuple[float, float, float]:
    exact = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for image, truth in frames:
        exact += read_pair(image) == truth
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(frames) / wall, cpu / len(frames) * 1000, exact / len(frames)


def _bare_matcher(profile: Profile) -> Callable[[Image], Truth] | None:
    """The yardstick the speed floor was set against, run on the same frames with
    ``glyph``'s templates: binarise, label, shrink each digit-sized component to 20x20,
    nearest template. Nothing else: no layout or sureness checks (so it reads wrong where
    ``glyph`` says unsure), no cache. Its features are written out per glyph, as a plain
    matcher computes them, on purpose: :func:`glyph_features` is the batched path under test."""
    engine = make_engine("glyph", profile)
    if not isinstance(engine, GlyphEngine) or not engine.has_templates:
        return None
    digits = [d for d, features in engine.templates.items() for _ in features]
    templates = np.stack([f for features in engine.templates.values() for f in features])
    size = FEATURE_SIZE

    def read(frame: Image) -> Truth:
        out: list[Score | None] = []
        for region in profile.regions_in(frame.shape[1], frame.shape[0]).values():
            mask = score_ink(crop(frame, region), profile.ink)
            _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            tallest = max((h for _, _, _, h, _ in stats[1:]), default=0)
            text = ""
            for i in sorted(range(1, len(stats)), key=lambda i: stats[i][0]):
                x, y, w, h, _ = stats[i]
                if h < 0.6 * tallest:
                    continue
                side = max(w, h)
                y0, x0 = (side - h) // 2, (side - w) // 2
                square = np.zeros((side, side), np.uint8)
                square[y0 : y0 + h, x0 : x0 + w] = (labels[y : y + h, x : x + w] == i) * 255
                small = cv2.GaussianBlur(cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA), (3, 3), 0)
                feature = small.astype(np.float32).ravel()
                feature -= feature.mean()
                feature /= max(float(np.linalg.norm(feature)), 1e-6)
                text += digits[int(np.argmax(templates @ feature))]
            out.append(int(text) / 10**profile.format.decimals if text else None)
        return out[0], out[1]

    return read


def _baseline_reader(profile: Profile) -> Callable[[Image], Truth]:
    from ..read.engines.tesseract import find_tesseract

    try:
        import pytesseract
    except ImportError:
        raise EngineError("pytesseract is not installed") from None
    pytesseract.pytesseract.tesseract_cmd = find_tesseract()
    decimals = profile.format.decimals

    def read(frame: Image) -> Truth:
        out: list[Score | None] = []
        for region in profile.regions_in(frame.shape[1], frame.shape[0]).values():
            text = pytesseract.image_to_string(
                crop(frame, region),
                config="--psm 7 -c tessedit_char_whitelist=0123456789,.",
                timeout=5,
            )
            digits = "".join(ch for ch in text if ch.isdigit())
            out.append((int(digits) / 10**decimals if decimals else int(digits)) if digits else None)
        return out[0], out[1]

    return read
