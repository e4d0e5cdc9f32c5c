"""A song (or a whole recorded match) -> its chart: a PNG with transparency. Both scores
above, the margin below (filled in the colour of who leads), lead changes marked, the
players' names and scores in their colours. The one renderer: the live chart an OBS image
source shows, and ``analyze --chart`` and the demo's chart of a video.

Drawn with OpenCV (no matplotlib in OBS's interpreter), in the worker, and written whole
(:mod:`..base.atomic`), so the image source never loads half a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ..base.atomic import write_bytes_atomic
from ..base.errors import ImageError
from ..capture.base import Image
from ..track.momentum import Sample, SongCurve
from ..track.tracker import LeadState

Bgr = tuple[int, int, int]
Bgra = tuple[int, int, int, int]
CHART_SIZE = (800, 300)
# The backdrop stays see-through enough to show the game behind it, dark enough for the lines.
_BACKDROP_ALPHA = 170
# The time axis spans at least this much, so a song's first seconds do not fill the width.
_MIN_SPAN_S = 30.0
_PAD = 10
# The dashes of the most-still-possible levels.
_DASH_PX = 6
_TEXT_SCALE = 0.55
_WHITE = (255, 255, 255)
_GREY = (150, 150, 150)


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """Names and colours (BGR) of the players, as the settings give them."""

    p1_name: str = "Player 1"
    p2_name: str = "Player 2"
    p1_colour: Bgr = (255, 140, 40)
    p2_colour: Bgr = (60, 60, 235)
    size: tuple[int, int] = CHART_SIZE


def obs_colour(value: int) -> Bgr:
    """An OBS colour setting (0xAABBGGRR) as BGR."""
    return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)


def draw_chart(
    curve: SongCurve,
    style: ChartStyle,
    describe: tuple[str, str] = ("", ""),
    ceilings: tuple[float, float] | None = None,
) -> Image:
    """The chart of a song's ``curve`` as a BGRA picture; ``describe``: the two score texts to
    label; ``ceilings``: each player's most still possible (scores from the game), drawn as a
    dashed line of their colour at the chart's right end."""
    width, height = style.size
    picture = _backdrop(width, height).copy()
    colours: dict[str, Bgra] = {"p1": (*style.p1_colour, 255), "p2": (*style.p2_colour, 255)}
    header = 26
    scores_box = (_PAD, header, width - 2 * _PAD, int((height - header) * 0.62) - _PAD)
    margin_top = scores_box[1] + scores_box[3] + _PAD
    margin_box = (_PAD, margin_top, width - 2 * _PAD, height - margin_top - _PAD)
    x = 0
    for name, text, key in ((style.p1_name, describe[0], "p1"), (style.p2_name, describe[1], "p2")):
        x = _text(picture, f"{name} {text}".strip(), x + _PAD, 18, colours[key]) + 2 * _PAD
    if not curve.times:
        return picture
    times, p1, p2 = (np.frombuffer(column, np.float64) for column in (curve.times, curve.p1, curve.p2))
    span = max(_MIN_SPAN_S, float(times[-1]))
    clock = f"{int(times[-1]) // 60}:{int(times[-1]) % 60:02d}"
    (clock_w, _), _ = cv2.getTextSize(clock, cv2.FONT_HERSHEY_SIMPLEX, _TEXT_SCALE, 1)
    _text(picture, clock, width - _PAD - clock_w, 18, (*_GREY, 255))
    changes = np.frombuffer(curve.lead_changes, np.float64)
    _lead_changes(picture, changes, span, (scores_box[1], margin_box[1] + margin_box[3]))
    top = max(float(p1.max()), float(p2.max()), *(ceilings or ()), 1e-9)
    for values, key in ((p1, "p1"), (p2, "p2")):
        _line(picture, scores_box, times / span, values / top, colours[key])
    if ceilings is not None:
        for ceiling, key in zip(ceilings, ("p1", "p2"), strict=True):
            _ceiling(picture, scores_box, float(times[-1]) / span, ceiling / top, colours[key])
    _margin(picture, margin_box, times / span, p1 - p2, colours)
    return picture


def match_curve(states: list[tuple[float, LeadState]]) -> SongCurve:
    """A recorded match's reads (time, lead) as one curve, for its chart: every read with both
    scores, at its time in the video."""
    curve = SongCurve()
    for t, lead in states:
        if lead.p1 is not None and lead.p2 is not None:
            curve.add(Sample(t, lead.p1, lead.p2, lead.leader))
        else:
            curve.break_run()
    return curve


@lru_cache(maxsize=4)
def _backdrop(width: int, height: int) -> Image:
    picture = np.empty((height, width, 4), np.uint8)
    picture[:, :] = (20, 20, 20, _BACKDROP_ALPHA)
    return picture


def write_chart(path: Path, picture: Image) -> None:
    # Light compression and one fixed row filter: a chart is mostly flat colour, and the
    # default adaptive filters cost three times the encode for no smaller file (see the bench).
    options = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_SUB]
    ok, png = cv2.imencode(".png", picture, options)
    if not ok:
        raise ImageError("could not encode the chart")
    try:
        write_bytes_atomic(path, png.tobytes(), durable=False)
    except OSError as exc:
        raise ImageError(f"cannot write the chart {path}: {exc.strerror or exc}") from exc


def _text(picture: Image, text: str, x: int, y: int, colour: tuple[int, ...]) -> int:
    """Draw ``text`` at (x, y); the x where it ends."""
    cv2.putText(picture, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, _TEXT_SCALE, colour, 1, cv2.LINE_AA)
    (w, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, _TEXT_SCALE, 1)
    return x + w


def _ceiling(picture: Image, box: tuple[int, int, int, int], now: float, level: float, colour: Bgra) -> None:
    """A dashed level from now to the box's right edge: the most a player can still reach."""
    x0, y0, w, h = box
    y = round(y0 + (1 - min(max(level, 0.0), 1.0)) * (h - 1))
    start = round(x0 + min(max(now, 0.0), 1.0) * (w - 1))
    for x in range(start, x0 + w, 2 * _DASH_PX):
        cv2.line(picture, (x, y), (min(x + _DASH_PX, x0 + w - 1), y), colour, 1, cv2.LINE_8)


def _points(box: tuple[int, int, int, int], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Fractions of the box (y up) -> pixel points, at most one per pixel column."""
    x0, y0, w, h = box
    px = np.round(x0 + np.clip(xs, 0, 1) * (w - 1)).astype(np.int32)
    py = np.round(y0 + (1 - np.clip(ys, 0, 1)) * (h - 1)).astype(np.int32)
    keep = np.ones(len(px), bool)
    keep[:-1] = px[1:] != px[:-1]  # the last sample of each column
    return np.stack([px[keep], py[keep]], axis=1)


def _line(picture: Image, box: tuple[int, int, int, int], xs: np.ndarray, ys: np.ndarray, colour: Bgra) -> None:
    cv2.polylines(picture, [_points(box, xs, ys)], False, colour, 2, cv2.LINE_AA)


def _margin(
    picture: Image, box: tuple[int, int, int, int], xs: np.ndarray, gap: np.ndarray, colours: dict[str, Bgra]
) -> None:
    """P1 - P2 around a zero line: above it in P1's colour, below in P2's."""
    x0, y0, w, h = box
    reach = max(float(np.abs(gap).max()), 1e-9)
    points = _points(box, xs, 0.5 + gap / reach / 2)
    zero = y0 + (h - 1) // 2
    for key, side in (("p1", np.minimum), ("p2", np.maximum)):
        clipped = points.copy()
        clipped[:, 1] = side(clipped[:, 1], zero)
        polygon = np.concatenate([clipped, [[clipped[-1, 0], zero], [clipped[0, 0], zero]]])
        fill = (*(int(c * 0.6) for c in colours[key][:3]), 220)
        cv2.fillPoly(picture, [polygon], fill, cv2.LINE_AA)
    cv2.line(picture, (x0, zero), (x0 + w - 1, zero), (*_GREY, 255), 1)


def _lead_changes(picture: Image, changes: np.ndarray, span: float, rows: tuple[int, int]) -> None:
    """A dashed line at each of the song's lead changes (``SongCurve.lead_changes``)."""
    x0, w = _PAD, picture.shape[1] - 2 * _PAD
    for t in changes:
        x = int(x0 + min(t / span, 1.0) * (w - 1))
        for y in range(rows[0], rows[1], 8):
            cv2.line(picture, (x, y), (x, min(y + 4, rows[1])), (*_WHITE, 200), 1)
