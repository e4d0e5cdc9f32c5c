"""What each player can still reach, from the game's exact numbers: the most (every step
left perfect: Simply Love's subtractive rule), the least (every step left missed, every hold
dropped, every mine hit), whether the song is clinched, and a win chance.

Pure: the game's state in, an :class:`Outlook` out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..base.scores import Leader
from ..capture.game.state import GameState, PlayerState, shown_percent

TAP_JUDGMENTS = ("W1", "W2", "W3", "W4", "W5", "Miss")
HOLD_JUDGMENTS = ("Held", "LetGo", "MissedHold")
# Before a player has been judged, each judgment counts as if seen this many times: the
# first steps move the chance gently, and no mix is ever taken as certain.
PRIOR_COUNT = 1.0
# Only a clinched song is certain: until then the model's chance is shown at most this sure.
UNSURE_CHANCE_CAP = 0.99


@dataclass(frozen=True, slots=True)
class PlayerOutlook:
    """Percent scores, shown as the game shows them: ``best`` and ``worst`` still possible."""

    best: float
    worst: float
    # The dance points still to be won or lost: their mean and variance under this player's
    # judgment mix so far (see :func:`win_chance`).
    mean_final: float
    var_final: float


@dataclass(frozen=True, slots=True)
class Outlook:
    p1: PlayerOutlook
    p2: PlayerOutlook
    # The player whose least still possible is above the other's most (None: nobody yet).
    clinched: Leader | None
    p1_chance: float
    p2_chance: float


def outlook_of(state: GameState) -> Outlook | None:
    """The outlook of a 2-player song in play (None: not both joined, or no chart yet)."""
    if not (state.playing or state.results) or not (state.p1.joined and state.p2.joined):
        return None
    if state.p1.possible <= 0 or state.p2.possible <= 0:
        return None
    p1, p2 = (_player(p, state.weights) for p in (state.p1, state.p2))
    clinched: Leader | None = None
    if p1.worst > p2.best:
        clinched = "p1"
    elif p2.worst > p1.best:
        clinched = "p2"
    chance = min(max(win_chance(p1, p2), 1 - UNSURE_CHANCE_CAP), UNSURE_CHANCE_CAP)
    if clinched is not None:
        chance = 1.0 if clinched == "p1" else 0.0
    return Outlook(p1, p2, clinched, chance, 1.0 - chance)


def win_chance(p1: PlayerOutlook, p2: PlayerOutlook) -> float:
    """P1's chance to finish ahead: the two final percents as independent normals (each
    step left adds one judgment drawn from the player's mix so far), P(P1 - P2 > 0)."""
    spread = math.sqrt(p1.var_final + p2.var_final)
    gap = p1.mean_final - p2.mean_final
    if spread == 0:
        return 1.0 if gap > 0 else 0.0 if gap < 0 else 0.5
    return 0.5 * (1.0 + math.erf(gap / (spread * math.sqrt(2.0))))


def _player(p: PlayerState, weights: dict[str, int]) -> PlayerOutlook:
    taps_left, holds_left, mines_left = _left(p)
    if p.failed:
        taps_left = holds_left = mines_left = 0
    best_points = p.actual if p.failed else p.actual + (p.possible - p.possible_now)
    worst_points = (
        p.actual
        + taps_left * min((weights.get(j, 0) for j in TAP_JUDGMENTS), default=0)
        + holds_left * min((weights.get(j, 0) for j in HOLD_JUDGMENTS), default=0)
        + mines_left * min(weights.get("HitMine", 0), 0)
    )
    tap_mean, tap_var = _mix(p, TAP_JUDGMENTS, weights)
    hold_mean, hold_var = _mix(p, HOLD_JUDGMENTS, weights)
    mean_points = p.actual + taps_left * tap_mean + holds_left * hold_mean
    var_points = taps_left * tap_var + holds_left * hold_var
    scale = 100.0 / p.possible
    return PlayerOutlook(
        best=shown_percent(best_points, p.possible) or 0.0,
        worst=shown_percent(worst_points, p.possible) or 0.0,
        mean_final=min(max(mean_points, 0.0), float(p.possible)) * scale,
        var_final=var_points * scale * scale,
    )


def _left(p: PlayerState) -> tuple[int, int, int]:
    """Tap rows, holds (and rolls) and mines not yet judged."""
    judged = p.judgments
    taps = p.notes.taps - sum(judged.get(j, 0) for j in TAP_JUDGMENTS)
    holds = p.notes.holds + p.notes.rolls - sum(judged.get(j, 0) for j in HOLD_JUDGMENTS)
    mines = p.notes.mines - judged.get("HitMine", 0) - judged.get("AvoidMine", 0)
    return max(taps, 0), max(holds, 0), max(mines, 0)


def _mix(p: PlayerState, kinds: tuple[str, ...], weights: dict[str, int]) -> tuple[float, float]:
    """The mean and variance of the dance points of one more judgment of ``kinds``."""
    counts = [p.judgments.get(j, 0) + PRIOR_COUNT for j in kinds]
    total = sum(counts)
    values = [weights.get(j, 0) for j in kinds]
    mean = sum(c * v for c, v in zip(counts, values, strict=True)) / total
    var = sum(c * (v - mean) ** 2 for c, v in zip(counts, values, strict=True)) / total
    return mean, var
