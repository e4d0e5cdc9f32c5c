"""One failed capture never blanks what is shown: the live reader keeps the lead and the
match through it (and lets them go only when failures last), in the worker and in the script."""

from __future__ import annotations

import threading
import time

import numpy as np

from ddrcore.base.errors import ImageError
from ddrcore.base.regions import Region
from ddrcore.cli.footage import draw_frame
from ddrcore.live.session import ReadConfig
from ddrcore.live.values import LiveConfig, LiveStatus
from ddrcore.live.worker import KEEP_THROUGH_ERRORS_S, LiveReader
from ddrcore.read.profiles import load_profile

P1, P2 = 123_456_789, 98_765_432


class HiccupCapture:
    """A game frame (P1 ahead), whose grabs fail while ``failing`` is set."""

    def __init__(self) -> None:
        self.frame = draw_frame(load_profile("stepmania"), P1, P2, np.random.default_rng(3))
        self.failing = threading.Event()
        self.failures = 0

    @property
    def size(self) -> tuple[int, int]:
        return self.frame.shape[1], self.frame.shape[0]

    def grab(self, box: Region | None = None) -> tuple[float, np.ndarray]:
        if self.failing.is_set():
            self.failures += 1
            raise ImageError("capture device busy (injected)")
        part = self.frame if box is None else self.frame[box.y : box.y + box.h, box.x : box.x + box.w]
        return time.monotonic(), part.copy()

    def close(self) -> None:
        pass


def _watch(reader: LiveReader, seconds: float) -> list[LiveStatus]:
    seen, out = -1, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = reader.status
        if status.seq != seen:
            seen = status.seq
            out.append(status)
        time.sleep(0.005)
    return out


def _reading(capture: HiccupCapture) -> LiveReader:
    config = LiveConfig(ReadConfig("stepmania", hold_ms=1000), interval_ms=33, capture="Card")
    return LiveReader(config, lambda name: capture)  # type: ignore[arg-type,return-value]


def _leading(reader: LiveReader) -> LiveStatus:
    """The first status that names P1 the leader (the frame shows P1 ahead)."""
    deadline = time.monotonic() + 20
    while reader.status.lead.leader != "p1" and time.monotonic() < deadline:
        time.sleep(0.05)
    status = reader.status
    assert status.lead.leader == "p1", status
    return status


def test_one_capture_error_keeps_the_lead_and_the_match() -> None:
    capture = HiccupCapture()
    with _reading(capture) as reader:
        status = _leading(reader)
        since, song = status.lead.since_s, status.match.song_seq
        capture.failing.set()
        while capture.failures == 0:
            time.sleep(0.001)
        capture.failing.clear()
        statuses = _watch(reader, 1.5)
    assert capture.failures == 1
    assert any("injected" in s.problem for s in statuses), "the failure was reported"
    assert all(s.lead.leader == "p1" and s.lead.p1 == P1 for s in statuses), [s.lead for s in statuses]
    assert statuses[-1].lead.since_s == since, "the same lead goes on: not a new one after a restart"
    assert statuses[-1].match.song_seq == song, "the same song goes on"
    assert not statuses[-1].problem


def test_failures_that_last_let_the_lead_go() -> None:
    capture = HiccupCapture()
    with _reading(capture) as reader:
        _leading(reader)
        capture.failing.set()
        failing_from = time.monotonic()
        statuses = _watch(reader, KEEP_THROUGH_ERRORS_S + 2.0)
    gone = [s for s in statuses if s.lead.leader is None]
    assert gone, "a lead is not shown for ever while nothing can be read"
    assert all(s.problem for s in gone)
    assert capture.failures >= 2
    assert time.monotonic() - failing_from >= KEEP_THROUGH_ERRORS_S
