"""The graphics thread's side of reading an OBS source: on each of OBS's frames, map the part
staged on the last one, hand it to the worker's feed, and stage the next part it asks for.

Built on OBS's UI thread (it binds OBS's graphics calls through ctypes and loads OpenCV's
colour conversion there), used on the graphics thread, where rendering must happen; it never
waits for the worker.
"""

from __future__ import annotations

import time

import numpy as np

from .libobs import NativeObsError, SourcePixels, graphics_library
from .source_feed import SourceFeed, rgba_to_bgr


class SourcePump:
    def __init__(self, feed: SourceFeed) -> None:
        self.feed = feed
        self.problem = ""
        self.pixels: SourcePixels | None = None
        try:
            self.pixels = SourcePixels(graphics_library())
        except NativeObsError as exc:
            self.problem = f"reading OBS sources is unavailable here ({exc}); capture the screen instead"
        rgba_to_bgr(np.zeros((2, 2, 4), np.uint8))  # loads the conversion now, not on a tick

    def follow(self, name: str) -> None:
        """Read OBS source ``name`` from now on (UI thread)."""
        if self.feed.name != name:
            self.feed = SourceFeed(name)

    def pump(self) -> float | None:
        """One frame's work; the time it took in microseconds, or None when there was none."""
        feed, pixels = self.feed, self.pixels
        if pixels is None:
            feed.report(None, self.problem)
            return None
        started = time.perf_counter()
        worked = False
        staged = pixels.staged
        if staged is not None:
            image = pixels.map(rgba_to_bgr)
            if image is not None:
                feed.deliver(staged.seq, image, wake=False)  # woken at the tick's end: wake()
            worked = True
        source, state = pixels.state(feed.name)  # one lookup a tick, for the state and the render
        try:
            feed.report(None if state.problem else (state.width, state.height), state.problem)
            request = feed.wanted()
            if source and request is not None and not state.problem and pixels.staged is None:
                box = request.box
                part = (0, 0, state.width, state.height) if box is None else (box.x, box.y, box.w, box.h)
                worked = pixels.stage(source, part, request.seq) or worked
        finally:
            pixels.release(source)
        return (time.perf_counter() - started) * 1e6 if worked else None

    def wake(self) -> None:
        """At the end of the timer's tick: the worker may take the frame delivered in it."""
        self.feed.wake()

    def close(self) -> None:
        """Free the GPU objects (through a GIL-releasing handle)."""
        if self.pixels is not None:
            self.pixels.close()
            self.pixels = None
