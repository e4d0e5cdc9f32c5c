"""Frames from elsewhere than the screen: an OBS source's feed (the worker asks, OBS's timer
answers), and a video file played at its own speed for `watch --source`."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from ddrcore.base.errors import ImageError
from ddrcore.base.regions import Region
from ddrcore.capture.source_feed import SourceFeed
from ddrcore.capture.stream import StreamCapture


def _timer(
    feed: SourceFeed,
    pictures: dict[str, np.ndarray],
    stop: threading.Event,
    tick_s: float = 0.01,
    renders: list[float] | None = None,
) -> None:
    """What OBS's timer does each tick (every ``tick_s``): map what the last tick rendered,
    report the size, render what is wanted now (with ``pictures["now"]``, which the test may
    change meanwhile; each render's time goes to ``renders``)."""
    staged = None
    while not stop.is_set():
        picture = pictures["now"]
        if staged is not None:
            box, seq = staged
            part = picture if box is None else picture[box.y : box.y + box.h, box.x : box.x + box.w]
            feed.deliver(seq, part.copy())
            staged = None
        feed.report((picture.shape[1], picture.shape[0]))
        request = feed.wanted()
        if request is not None:
            staged = (request.box, request.seq)
            if renders is not None:
                renders.append(time.monotonic())
        time.sleep(tick_s)


def test_a_feed_hands_the_worker_the_part_it_asked_for() -> None:
    picture = np.arange(720 * 1280 * 3, dtype=np.uint32).reshape(720, 1280, 3).astype(np.uint8)
    feed = SourceFeed("Capture card")
    stop = threading.Event()
    timer = threading.Thread(target=_timer, args=(feed, {"now": picture}, stop))
    timer.start()
    try:
        assert feed.size == (1280, 720)
        _, part = feed.grab(Region(100, 600, 300, 60))
        assert np.array_equal(part, picture[600:660, 100:400])
        _, whole = feed.grab()
        assert whole.shape == picture.shape
    finally:
        stop.set()
        timer.join()


@pytest.mark.parametrize(("period_s", "renders_per_read"), [(0.05, 2), (0.25, 3)])
def test_the_frame_is_rendered_ahead_of_a_steady_reader(period_s: float, renders_per_read: int) -> None:
    """A worker reading at a steady pace finds its frame mapped and waiting, no older than a
    tick, instead of waiting two ticks for one; and frames are rendered only around its reads."""
    picture = np.zeros((72, 128, 3), np.uint8)
    feed = SourceFeed("Capture card")
    stop, renders = threading.Event(), []
    timer = threading.Thread(target=_timer, args=(feed, {"now": picture}, stop, 1 / 30, renders))  # 30 fps
    timer.start()
    waits, ages = [], []
    try:
        assert feed.size == (128, 72)
        for _ in range(3):  # its pace is learned from its first reads
            feed.grab(Region(0, 0, 10, 10))
            time.sleep(period_s)
        renders.clear()
        for _ in range(16):
            started = time.monotonic()
            t, _ = feed.grab(Region(0, 0, 10, 10))
            waits.append(time.monotonic() - started)
            ages.append(time.monotonic() - t)
            time.sleep(max(0.0, period_s - (time.monotonic() - started)))
    finally:
        stop.set()
        timer.join()
    # Waiting for a frame from scratch takes a render tick and a map tick: 33-67 ms.
    assert sorted(waits)[len(waits) // 2] < 0.02, waits
    assert max(ages) <= 0.05 + 0.02, ages
    # At 4 reads/s, not every one of the timer's 30 ticks renders.
    # Not every one of the timer's 30 ticks a second renders: at 4 reads/s, 7.5 would.
    assert len(renders) <= 16 * renders_per_read, len(renders)


def test_a_feed_says_why_there_is_no_picture() -> None:
    feed = SourceFeed("Capture card")
    feed.report(None, "OBS source 'Capture card' is not producing video (capture card unplugged, media stopped?)")
    with pytest.raises(ImageError, match="not producing video"):
        feed.grab(Region(0, 0, 10, 10))
    silent = SourceFeed("Frozen")
    silent.report((640, 360))
    started = time.monotonic()
    with pytest.raises(ImageError, match="sent no picture"):
        silent.grab()  # nobody answers: the worker is told, not hung
    assert time.monotonic() - started < 5


def test_a_source_renamed_away_is_reported_at_once_not_waited_out() -> None:
    """The timer says the source is gone: asking its size fails with that reason at once.
    (Waiting out the frame timeout instead hid a rename shorter than it from the status.)"""
    feed = SourceFeed("Match")
    feed.report((1280, 720))
    assert feed.size == (1280, 720)
    feed.report(None, "OBS source 'Match' not found: pick it again (renamed or removed?)")
    started = time.monotonic()
    with pytest.raises(ImageError, match="not found"):
        _ = feed.size
    assert time.monotonic() - started < 0.5
    fresh = SourceFeed("Later")  # nothing heard yet: it waits for the timer's first word
    threading.Timer(0.3, fresh.report, args=((640, 360),)).start()
    assert fresh.size == (640, 360)


def test_a_file_plays_at_its_own_speed(tmp_path: Path) -> None:
    import cv2

    video = tmp_path / "count.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    for i in range(90):
        frame = np.zeros((48, 64, 3), np.uint8)
        frame[:, :] = (i * 2, i * 2, i * 2)
        writer.write(frame)
    writer.release()
    stream = StreamCapture(str(video))
    assert stream.size == (64, 48)
    first = float(stream.grab()[1].mean())
    time.sleep(1.0)
    later = float(stream.grab(Region(0, 0, 32, 24))[1].mean())
    stream.close()
    # About 30 frames on (60 grey levels): a slow reader skips frames, it does not fall behind.
    assert 40 <= later - first <= 80, (first, later)


def test_a_missing_stream_is_one_clear_line() -> None:
    with pytest.raises(ImageError, match="cannot open the video source"):
        StreamCapture("/nowhere/match.mp4")


def test_a_source_that_changes_size_keeps_reading_with_the_profiles_regions() -> None:
    """A capture card switching from 720p to 1080p: regions set in its old pixels are reported
    as such; the profile's regions (all 0) follow the new size and keep reading."""
    import cv2

    from ddrcore.cli.footage import draw_frame
    from ddrcore.live.session import ReadConfig
    from ddrcore.live.values import LiveConfig
    from ddrcore.live.worker import LiveReader
    from ddrcore.read.profiles import load_profile

    profile = load_profile("stepmania")
    small = draw_frame(profile, 123_456_789, 98_765_432, np.random.default_rng(3))
    pictures = {"now": small}
    feed = SourceFeed("Card")
    stop = threading.Event()

    def until(reader: LiveReader, check: object, timeout_s: float = 20) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if check(reader.status):  # type: ignore[operator]
                return True
            time.sleep(0.05)
        return False

    thread = threading.Thread(target=_timer, args=(feed, pictures, stop))
    thread.start()
    region = profile.regions["p1"].to_pixels(1280, 720)
    other = profile.regions["p2"].to_pixels(1280, 720)
    readers: list[LiveReader] = []
    try:
        # One reader at a time, as in OBS (a second waits for the first to stop).
        for regions, after in (((region, other), "changed size from 1280x720 to 1920x1080"), ((None, None), "")):
            pictures["now"] = small
            config = LiveConfig(ReadConfig("stepmania", p1=regions[0], p2=regions[1]), interval_ms=50, capture="Card")
            reader = LiveReader(config, lambda name: feed)
            readers.append(reader)
            assert reader.start()
            assert until(reader, lambda s: s.lead.p1 == 123_456_789), reader.status
            pictures["now"] = cv2.resize(small, (1920, 1080), interpolation=cv2.INTER_LINEAR)
            if after:
                assert until(reader, lambda s, text=after: text in s.problem), reader.status
            else:
                time.sleep(1)
                assert until(reader, lambda s: not s.problem and s.p1 is not None and s.p1.score == 123_456_789)
            assert reader.stop()
    finally:
        for reader in readers:
            reader.stop()
        stop.set()
        thread.join()


def test_the_timer_wakes_the_worker_only_when_its_tick_is_done() -> None:
    """Woken at once, the worker would take the GIL from OBS's timer at the timer's next call
    into OBS (1.8 ms a tick instead of 0.8 in a real OBS at 30 reads/s)."""
    feed = SourceFeed("Card")
    feed.report((64, 48))
    got: list[float] = []
    worker = threading.Thread(target=lambda: got.append(feed.grab(Region(0, 0, 8, 8))[0]))
    worker.start()
    deadline = time.monotonic() + 2
    while (request := feed.wanted()) is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert request is not None
    feed.deliver(request.seq, np.zeros((8, 8, 3), np.uint8), wake=False)
    time.sleep(0.03)  # within FRESH_S: the frame stays good to take
    assert got == [], "not before the tick's end"
    feed.wake()
    worker.join(2)
    assert len(got) == 1
