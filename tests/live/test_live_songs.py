"""The live reader (the worker OBS and `watch` run) on whole randomised songs in each game's
own font (tests/randomised.py), from an empty store: every lead change that holds reaches
the text; the text never shows a number the game stopped showing more than ``stale_s`` ago;
no wrong leader stands beyond the hold and a read after a true change."""

from __future__ import annotations

import re
import threading
import time

import cv2
import numpy as np
import pytest

from ddrcore.base.regions import Region
from ddrcore.live.session import ReadConfig
from ddrcore.live.values import LiveConfig, LiveStatus
from ddrcore.live.worker import LiveReader
from ddrcore.read.parse import format_score
from ddrcore.read.profiles import load_profile
from ddrcore.show.present import Wording
from ddrcore.show.presenter import Presenter

from .. import randomised

SONG_S = 60.0
FPS = 10.0
HOLD_S = 1.0
# Room around each player's crop in the composed frame.
PAD = 8


class SongCapture:
    """A randomised song as a capture: the n-th grab is the song's n-th frame, stamped with
    the song's own time, both players' crops side by side at fixed places (the regions)."""

    def __init__(self, profile: str, seed: int) -> None:
        self.frames = list(randomised.song(profile, SONG_S, FPS, seed))
        crops = [(f.p1, f.p2) for f in self.frames]
        self.box_h = max(s.region.h for pair in crops for s in pair) + 2 * PAD
        self.box_w = max(s.region.w for pair in crops for s in pair) + 2 * PAD
        self.regions = (Region(0, 0, self.box_w, self.box_h), Region(self.box_w, 0, self.box_w, self.box_h))
        self.next = 0
        self.done = threading.Event()
        # Set by the test once it has seen the status of the last grab: the next grab waits
        # for it, so each status is known to come from the grab before it.
        self.seen = threading.Event()
        self.truth: list[tuple[float, int | float, int | float]] = []

    @property
    def size(self) -> tuple[int, int]:
        return 2 * self.box_w, self.box_h

    def _place(self, sample: randomised.Sample) -> np.ndarray:
        r = sample.region
        crop = sample.image[r.y : r.y + r.h, r.x : r.x + r.w]
        bottom, right = self.box_h - r.h - PAD, self.box_w - r.w - PAD
        return cv2.copyMakeBorder(crop, PAD, bottom, PAD, right, cv2.BORDER_REPLICATE)

    def grab(self, box: Region | None = None) -> tuple[float, np.ndarray]:
        if self.next:
            self.seen.wait(5.0)
            self.seen.clear()
        frame = self.frames[min(self.next, len(self.frames) - 1)]
        if self.next >= len(self.frames) - 1:
            self.done.set()
        self.next += 1
        self.truth.append((frame.time_s, frame.p1.score, frame.p2.score))
        picture = np.hstack([self._place(frame.p1), self._place(frame.p2)])
        part = picture if box is None else picture[box.y : box.y + box.h, box.x : box.x + box.w]
        return frame.time_s, np.ascontiguousarray(part)

    def close(self) -> None:
        pass


@pytest.mark.parametrize("song_index", range(2))
@pytest.mark.parametrize("profile", randomised.PROFILES)
def test_the_live_reader_follows_a_randomised_song(profile: str, song_index: int, frames_dir: object) -> None:
    seed = randomised.seed_for(f"live-song-{profile}-{song_index}")
    print(f"\n{profile} live song {song_index}: seed {seed} (replay: OBS_DDR_SEED={randomised.run_seed()})")
    capture = SongCapture(profile, seed)
    p1, p2 = capture.regions
    read = ReadConfig(profile, p1=p1, p2=p2, hold_ms=int(HOLD_S * 1000), keep_learned=False)
    config = LiveConfig(read, interval_ms=33, capture="Song")
    fmt = load_profile(profile).format
    wording = Wording(text_format="{leader} leads by {margin}: {p1} - {p2}", tie_text="Tie {p1}")
    presenter = Presenter(wording, fmt, override_s=30)
    # Each new status with the grabs made by then: it comes from the last of them.
    statuses: list[tuple[int, LiveStatus]] = []
    with LiveReader(config, lambda name: capture) as reader:  # type: ignore[arg-type,return-value]
        seen = -1
        while not capture.done.is_set():
            status = reader.status
            if status.seq != seen and status.seq > 0:
                seen = status.seq
                statuses.append((len(capture.truth), status))
                capture.seen.set()
            time.sleep(0.002)
    truth = capture.truth
    stale_s = 1.0
    stale_texts: list[object] = []
    rows: list[randomised.Row] = []
    for grabs, status in statuses:
        t, true_p1, true_p2 = truth[grabs - 1]
        read_p1 = status.p1.score if status.p1 is not None else None
        read_p2 = status.p2.score if status.p2 is not None else None
        rows.append((t, true_p1, true_p2, read_p1, read_p2, status.lead.leader))
        text = presenter.showing(status.lead, status.match, t).text or ""
        numbers = re.findall(r"[\d.,]+\d", text.split(":", 1)[1]) if ":" in text else []
        if numbers:
            # Each player's number is one the game showed within stale_s (one may be kept
            # from an earlier read while the other moves on).
            p1_recent, p2_recent = randomised.recent_scores(rows, t, stale_s)
            if numbers[-2] not in {format_score(v, fmt) for v in p1_recent} or numbers[-1] not in {
                format_score(v, fmt) for v in p2_recent
            }:
                stale_texts.append((t, text))
    late, wrong = randomised.lead_problems(rows, HOLD_S, 1 / FPS)
    shown = [(r[0], r[5]) for r in rows]
    print(
        f"{profile} live song {song_index}: {len(shown)} reads shown, {sum(1 for _, s in shown if s is None)} without"
        f" a leader; stale texts {len(stale_texts)}, late changes {len(late)}, wrong leaders {len(wrong)}"
    )
    assert len(shown) >= 0.8 * len(capture.frames), "the reader kept up"
    assert not stale_texts, stale_texts[:5]
    assert not wrong, wrong[:5]
    assert not late, late
