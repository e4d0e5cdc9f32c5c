"""Frames from a capture device, a stream URL (RTSP, HTTP) or a video file, for reading on
a machine of its own (``ddrcore watch --source``). A file plays at its own speed, as a live
stream would: each grab returns the frame for the time since it started, skipping the
frames a slower reader missed."""

from __future__ import annotations

import time
from typing import Any

from ..base.errors import ImageError, SourceEndedError
from ..base.regions import Region
from ..capture.base import Image


def open_stream(source: str) -> Any:
    """An OpenCV VideoCapture of ``source``: a device number, a URL or a file."""
    import cv2

    target: int | str = int(source) if source.isdigit() else source
    capture = cv2.VideoCapture(target)
    if not capture.isOpened():
        raise ImageError(f"cannot open the video source {source!r} (no such device, file or stream?)")
    return capture


class StreamCapture:
    """A video source as the reader's capture (``size``, ``grab``, ``close``)."""

    def __init__(self, source: str) -> None:
        import cv2

        self.source = source
        self._capture = open_stream(source)
        self._is_file = not source.isdigit() and "://" not in source
        self._fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 30.0)
        self._started: float | None = None
        self._index = -1
        self._frame: Image | None = None

    @property
    def size(self) -> tuple[int, int]:
        if self._frame is None:
            self._next()
        assert self._frame is not None
        return int(self._frame.shape[1]), int(self._frame.shape[0])

    def _next(self) -> None:
        ok, frame = self._capture.read()
        if not ok:
            if self._is_file:
                raise SourceEndedError(f"the video {self.source!r} ended")
            raise ImageError(f"the video source {self.source!r} sends no more frames (unplugged?)")
        self._frame = frame
        self._index += 1

    def grab(self, box: Region | None = None) -> tuple[float, Image]:
        now = time.monotonic()
        if self._started is None:
            self._started = now
            if self._frame is None:
                self._next()
        elif self._is_file:
            # A file at its own speed: the frame due now, however many were missed.
            due = int((now - self._started) * self._fps)
            while self._index < due:
                self._next()
        else:
            self._next()
        assert self._frame is not None
        frame = self._frame
        if box is not None:
            frame = frame[box.y : box.y + box.h, box.x : box.x + box.w]
        return now, frame

    def close(self) -> None:
        self._capture.release()
