"""Score values and who leads: the small vocabulary below the reader, the tracker and the
presentation, with no dependency of its own (the tracker imports without NumPy or OpenCV)."""

from __future__ import annotations

from collections.abc import Iterable
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


def passes_lead(last_player: Leader | None, now: Leader | None) -> bool:
    """Whether ``now`` is a lead change after ``last_player`` (the last player who led): the
    lead passes from one player to the other. A tie between them is none and keeps the run
    going (P1, tie, P2 is one change; P1, tie, P1 is none). The one definition: the song's
    count, the charts' marks and the command line's lines all use it."""
    return now in ("p1", "p2") and last_player in ("p1", "p2") and now != last_player


def lead_change_indices(leaders: Iterable[Leader | None]) -> list[int]:
    """Where in ``leaders`` (one per read) the lead changes (see :func:`passes_lead`); a read
    with no leader (no scores: between songs) ends the run."""
    changes, last_player = [], None
    for index, leader in enumerate(leaders):
        if leader is None:
            last_player = None
            continue
        if passes_lead(last_player, leader):
            changes.append(index)
        if leader != "tie":
            last_player = leader
    return changes
