"""The operator takes over: force a leader for a while, or freeze what is shown, then hand
back to the reader. Pure values; the OBS script keeps the current one and applies it.

Forcing P1, P2 or a tie lasts ``override_s`` and ends by itself; freezing lasts until it is
pressed again; "automatic" ends either at once. Either way, the scene rule stays the
script's: it only ever cuts away from scenes it owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["p1", "p2", "tie", "freeze", "automatic"]
ACTIONS: tuple[Action, ...] = ("p1", "p2", "tie", "freeze", "automatic")
# Long enough to cover a misread stretch or a replay, short enough that a forgotten
# override hands back within the song.
OVERRIDE_S = 30


@dataclass(frozen=True, slots=True)
class Override:
    """``leader`` forced until ``until_s`` (monotonic clock), or ``frozen`` until pressed again."""

    leader: Literal["p1", "p2", "tie"] | None = None
    until_s: float | None = None

    @property
    def frozen(self) -> bool:
        return self.leader is None


def press(current: Override | None, action: Action, now_s: float, override_s: float) -> Override | None:
    """The override after the operator pressed ``action`` at ``now_s``."""
    if action == "automatic":
        return None
    if action == "freeze":
        return None if current is not None and current.frozen else Override()
    return Override(action, now_s + max(1.0, override_s))


def in_force(current: Override | None, now_s: float) -> Override | None:
    """``current`` while it lasts; None once it has run out."""
    if current is None or current.until_s is None or now_s < current.until_s:
        return current
    return None


def describe(current: Override, now_s: float, names: tuple[str, str]) -> str:
    """The status line's words for an override in force."""
    if current.frozen:
        return "Override: text and scene frozen (press Freeze again, or Automatic now)"
    who = {"p1": f"{names[0]} leads", "p2": f"{names[1]} leads", "tie": "tie"}[current.leader or "tie"]
    left = max(0, round((current.until_s or now_s) - now_s))
    return f"Override: {who} for {left} s more, then automatic (Automatic now hands back at once)"
