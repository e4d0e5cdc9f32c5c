"""Score values and who leads: the small vocabulary below the reader, the tracker and the
presentation, with no dependency of its own (the tracker imports without NumPy or OpenCV)."""

from __future__ import annotations

from typing import Literal

Score = int | float
Leader = Literal["p1", "p2", "tie"]


def leader_of(p1: Score | None, p2: Score | None) -> Leader | None:
    if p1 is None or p2 is None:
        return None
    if p1 == p2:
        return "tie"
    return "p1" if p1 > p2 else "p2"


def margin_of(p1: Score | None, p2: Score | None) -> Score | None:
    if p1 is None or p2 is None:
        return None
    margin = abs(p1 - p2)
    return round(margin, 2) if isinstance(margin, float) else margin
