"""Frame sources, all yielding (time_s, BGR frame): image files, video files, the screen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..base.errors import ImageError
from ..base.regions import Region
from ..capture.base import Image


def load_image(path: str | Path) -> Image:
    """A BGR image; ImageError if the file is missing or not an image."""
    file = Path(path)
    if not file.is_file():
        raise ImageError(f"image {file} does not exist")
    image = cv2.imread(str(file), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageError(f"image {file} could not be decoded (corrupt or not an image)")
    return image


def video_frames(path: str | Path, every: int = 1) -> Iterator[tuple[float, Image]]:
    """Every ``every``-th frame of a video with its time in seconds."""
    file = Path(path)
    if not file.is_file():
        raise ImageError(f"video {file} does not exist")
    capture = cv2.VideoCapture(str(file))
    try:
        if not capture.isOpened():
            raise ImageError(f"video {file} could not be opened (corrupt or unsupported)")
        fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        index = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if index % every == 0:
                yield index / fps, frame
            index += 1
        if index == 0:
            raise ImageError(f"video {file} has no readable frames")
    finally:
        capture.release()


def video_frame_count(path: str | Path) -> int:
    capture = cv2.VideoCapture(str(path))
    try:
        return int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    finally:
        capture.release()


class ScreenCapture:
    """Grabs one monitor with mss. Create and use it in one thread (mss handles are per thread)."""

    def __init__(self, monitor: int = 1) -> None:
        import mss

        try:
            self._mss: Any = mss.MSS()
            monitors = self._mss.monitors
        except mss.ScreenShotError as exc:
            raise ImageError(f"cannot capture the screen: {exc}") from None
        if not 1 <= monitor < len(monitors):
            self.close()
            raise ImageError(f"monitor {monitor} does not exist: this screen has monitors 1..{len(monitors) - 1}")
        self.monitor = monitors[monitor]

    @property
    def size(self) -> tuple[int, int]:
        return int(self.monitor["width"]), int(self.monitor["height"])

    def grab(self, box: Region | None = None) -> tuple[float, Image]:
        """The whole monitor, or only ``box`` of it (pixels relative to the monitor): grabbing
        just the score regions costs a fraction of a full screen."""
        import mss

        area = self.monitor
        if box is not None:
            area = {"left": area["left"] + box.x, "top": area["top"] + box.y, "width": box.w, "height": box.h}
        try:
            shot = self._mss.grab(area)
        except mss.ScreenShotError as exc:
            raise ImageError(f"cannot capture the screen: {exc}") from None
        frame = np.asarray(shot, dtype=np.uint8)[:, :, :3]
        return time.monotonic(), np.ascontiguousarray(frame)

    def close(self) -> None:
        self._mss.close()
