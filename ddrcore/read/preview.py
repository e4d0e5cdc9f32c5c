"""A picture of what was read: the frame with both score regions drawn and the values read."""

from __future__ import annotations

from pathlib import Path

import cv2

from ..base.errors import ImageError
from ..base.regions import Region
from ..capture.base import Image
from .profiles import Player
from .reader import ScoreRead

_COLOURS: dict[Player, tuple[int, int, int]] = {"p1": (255, 160, 0), "p2": (40, 40, 255)}


def draw_preview(frame: Image, regions: dict[Player, Region], reads: dict[Player, ScoreRead], note: str = "") -> Image:
    """A copy of ``frame`` with each region boxed and labelled with its read (or why none)."""
    picture = frame.copy()
    for player, region in regions.items():
        colour = _COLOURS[player]
        cv2.rectangle(picture, (region.x, region.y), (region.x + region.w, region.y + region.h), colour, 2)
        read = reads.get(player)
        if read is None:
            label = f"{player.upper()}: not read"
        elif read.score is None:
            label = f"{player.upper()}: ? {read.problem}"
        else:
            label = f"{player.upper()}: {read.score} ({read.confidence:.2f})"
        _label(picture, label, region.x, max(18, region.y - 6), colour)
    if note:
        _label(picture, note, 8, picture.shape[0] - 10, (0, 200, 255))
    return picture


def write_preview(path: Path, picture: Image) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), picture):
        raise ImageError(f"could not write the preview to {path}")


def _label(picture: Image, text: str, x: int, y: int, colour: tuple[int, int, int]) -> None:
    for thickness, ink in ((4, (0, 0, 0)), (1, colour)):
        cv2.putText(picture, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, ink, thickness, cv2.LINE_AA)
