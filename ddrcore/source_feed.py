"""Frames from an OBS source for the reader: a meeting point between the worker, which asks
for a part of the source's picture and waits, and OBS's graphics-thread timer, which
renders that part and hands it over. The worker never calls OBS; the timer never waits.

To the worker a :class:`SourceFeed` is a capture like the screen's (``size``, ``grab``,
``close``), so everything after it reads exactly as it reads the screen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .errors import ImageError
from .preprocess import Image
from .regions import Region

# The worker waits this long for a frame before it says the source sends none (the timer
# renders one within two of its ticks, 0.1 s at most at the slowest interval a stream reads).
FRAME_WAIT_S = 2.0


@dataclass(frozen=True, slots=True)
class FrameRequest:
    """What the worker wants: ``box`` of the source (None: all of it), request number ``seq``."""

    box: Region | None
    seq: int


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
        self._seq = 0
        self._frame: tuple[int, float, Image] | None = None
        self._closed = False

    # OBS's timer

    def report(self, size: tuple[int, int] | None, problem: str = "") -> None:
        """The source's size now, or why it has none (missing, no video, not producing)."""
        with self._lock:
            self._size, self._problem, self._heard = size, problem, True
        if problem:
            self._arrived.set()  # a waiting grab learns of it at once

    def wanted(self) -> FrameRequest | None:
        """The part of the picture the worker waits for (None: nothing is asked)."""
        with self._lock:
            return self._request

    def deliver(self, seq: int, image: Image) -> None:
        """The picture for request ``seq`` (BGR, the requested box in the source's pixels)."""
        with self._lock:
            if self._request is None or self._request.seq != seq:
                return
            self._frame, self._request = (seq, time.monotonic(), image), None
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
        rendered it; ImageError when the source has a problem or sends nothing in time."""
        with self._lock:
            if self._problem:
                raise ImageError(self._problem)
            self._seq += 1
            seq = self._seq
            self._request = FrameRequest(box, seq)
            self._arrived.clear()
        deadline = time.monotonic() + FRAME_WAIT_S
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closed:
                break
            self._arrived.wait(remaining)
            with self._lock:
                frame, problem = self._frame, self._problem
                if problem:
                    self._request = None
                    raise ImageError(problem)
                if frame is not None and frame[0] == seq:
                    self._frame = None
                    return frame[1], frame[2]
                self._arrived.clear()
        with self._lock:
            self._request = None
        raise ImageError(f"OBS source {self.name!r} sent no picture in {FRAME_WAIT_S:.0f} s (is OBS rendering?)")

    def close(self) -> None:
        self._closed = True
        self._arrived.set()


def rgba_to_bgr(rows: Image) -> Image:
    """OBS's RGBA pixels (a view of mapped GPU memory) as the reader's BGR: the one copy."""
    import cv2

    bgr: Image = cv2.cvtColor(rows, cv2.COLOR_RGBA2BGR)
    return bgr
