"""What every capture gives: pictures as NumPy arrays, and the protocol the live reader reads
through (the screen, an OBS source's feed, a capture device, a stream or a file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from numpy.typing import NDArray

if TYPE_CHECKING:
    from ..base.regions import Region

# OpenCV's stubs type every result loosely (integer or floating); our images are uint8 arrays.
Image = NDArray[Any]


class Capture(Protocol):
    """Where the worker's frames come from: ``grab`` returns (monotonic seconds, picture) of
    the whole picture or of ``box`` of it. Made and used on one thread."""

    @property
    def size(self) -> tuple[int, int]: ...

    def grab(self, box: Region | None = None) -> tuple[float, Image]: ...

    def close(self) -> None: ...
