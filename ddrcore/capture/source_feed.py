"""Frames from an OBS source for the reader: a meeting point between the worker, which asks
for a part of the source's picture, and OBS's graphics-thread timer, which renders that
part and hands it over. The worker never calls OBS; the timer never waits.

The worker's request stands: the timer renders the part on each of its ticks from a little
before the worker's next read is due (it reads at a steady pace) until the worker has it,
so a read finds a frame already mapped, no older than a tick, instead of waiting two ticks
for one (render, then map) each time.

To the worker a :class:`SourceFeed` is a capture like the screen's (``size``, ``grab``,
``close``), so everything after it reads exactly as it reads the screen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..base.errors import ImageError
from ..base.regions import Region
from ..capture.base import Image

# The worker waits this long for a frame before it says the source sends none (the timer
# renders one within two of its ticks, 0.1 s at most at the slowest interval a stream reads).
FRAME_WAIT_S = 2.0
# A frame mapped longer ago than this is not handed out (the worker waits for the next):
# a tick at 24 fps, the slowest rate OBS is run at, and a little more.
FRESH_S = 0.05
# The timer starts rendering this long before the worker's next read is due, so the frame is
# mapped when it comes: a tick and a half at 30 fps (render on one tick, map on the next).
AHEAD_S = 0.05


@dataclass(frozen=True, slots=True)
class FrameRequest:
    """What the worker wants: ``box`` of the source (None: all of it); ``seq`` changes with
    the box, so a frame of an earlier box is never handed out."""

    box: Region | None
    seq: int


@dataclass(frozen=True, slots=True)
class _Frame:
    number: int
    time_s: float
    image: Image


class SourceFeed:
    """One OBS source's pixels, fed by OBS's timer (``report``, ``wanted``, ``deliver``) to
    the worker (``size``, ``grab``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._arrived = threading.Event()
        self._size: tuple[int, int] | None = None
        self._problem = f"waiting for OBS to show source {name!r}"
        self._heard = False  # the timer has reported the source's state at least once
        self._request: FrameRequest | None = None
        self._waiting = False  # the worker is in grab
        self._last_grab_s: float | None = None
        self._period_s = 0.0  # between the worker's last two grabs
        self._frame: _Frame | None = None
        self._frames = 0
        self._taken = 0  # the number of the last frame handed out
        self._closed = False

    # OBS's timer

    def report(self, size: tuple[int, int] | None, problem: str = "") -> None:
        """The source's size now, or why it has none (missing, no video, not producing)."""
        with self._lock:
            self._size, self._problem, self._heard = size, problem, True
        if problem:
            self._arrived.set()  # a waiting grab learns of it at once

    def wanted(self) -> FrameRequest | None:
        """The part of the picture to render now (None: nothing is due): while the worker
        waits for a frame, and from AHEAD_S before its next read is due until a period
        after (a worker later than that is busy or stopped: it is waited for)."""
        with self._lock:
            request, waiting, last, period = self._request, self._waiting, self._last_grab_s, self._period_s
        if request is None or waiting:
            return request
        if last is None:
            return None
        due = last + period
        return request if due - AHEAD_S <= time.monotonic() <= due + period else None

    def deliver(self, seq: int, image: Image, wake: bool = True) -> None:
        """The picture rendered for request ``seq`` (BGR, the requested box in the source's
        pixels). ``wake=False``: a waiting worker learns of it at :meth:`wake`, when the
        timer is done with the GIL (woken at once, it would take the GIL from the timer at
        the timer's next call into OBS, and the timer would wait for its read)."""
        with self._lock:
            if self._request is None or self._request.seq != seq:
                return
            self._frames += 1
            self._frame = _Frame(self._frames, time.monotonic(), image)
        if wake:
            self._arrived.set()

    def wake(self) -> None:
        """Let a waiting worker see the frame delivered without waking it."""
        if self._frame is not None and self._frame.number > self._taken:
            self._arrived.set()

    # The worker

    @property
    def size(self) -> tuple[int, int]:
        """The source's width and height; ImageError while it has none (at once when the
        timer has said why, so a source renamed away is reported, not waited out)."""
        deadline = time.monotonic() + FRAME_WAIT_S
        while True:
            with self._lock:
                size, problem, heard = self._size, self._problem, self._heard
            if size is not None or heard or time.monotonic() > deadline or self._closed:
                break
            time.sleep(0.02)
        if size is None:
            raise ImageError(problem or f"OBS source {self.name!r} sends no picture")
        return size

    def grab(self, box: Region | None = None) -> tuple[float, Image]:
        """(time, BGR pixels) of ``box`` of the source (all of it when None), as the timer
        rendered it, newer than the last grab's; ImageError when the source has a problem or
        sends nothing in time."""
        with self._lock:
            if self._problem:
                raise ImageError(self._problem)
            now = time.monotonic()
            if self._last_grab_s is not None:
                self._period_s = now - self._last_grab_s
            self._last_grab_s = now
            if self._request is None or self._request.box != box:
                seq = self._request.seq + 1 if self._request is not None else 1
                self._request, self._frame = FrameRequest(box, seq), None
            self._waiting = True
            self._arrived.clear()
        try:
            return self._next_frame()
        finally:
            with self._lock:
                self._waiting = False

    def _next_frame(self) -> tuple[float, Image]:
        deadline = time.monotonic() + FRAME_WAIT_S
        while not self._closed:
            with self._lock:
                frame, problem = self._frame, self._problem
                if problem:
                    raise ImageError(problem)
                # deliver keeps only frames of the current box: new and fresh is enough
                if frame is not None and frame.number > self._taken and time.monotonic() - frame.time_s <= FRESH_S:
                    self._taken = frame.number
                    return frame.time_s, frame.image
                self._arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._arrived.wait(remaining)
        raise ImageError(f"OBS source {self.name!r} sent no picture in {FRAME_WAIT_S:.0f} s (is OBS rendering?)")

    def close(self) -> None:
        self._closed = True
        self._arrived.set()


def rgba_to_bgr(rows: Image) -> Image:
    """OBS's RGBA pixels (a view of mapped GPU memory) as the reader's BGR: the one copy."""
    import cv2

    bgr: Image = cv2.cvtColor(rows, cv2.COLOR_RGBA2BGR)
    return bgr
