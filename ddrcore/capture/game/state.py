"""What the game module writes (``Save/obs-ddr.json``), as frozen values: per player the exact
dance points and judgments, the song, the screen. :func:`parse_state` takes the file's text
and refuses anything that is not a whole file of the known format, in one line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ...base.errors import GameFileError

FORMAT = 1
# Scores from the game file are Simply Love's percents: written, charted and logged as ITG's.
SCORE_PROFILE = "itg-percent"
GAMEPLAY = "ScreenGameplay"


@dataclass(frozen=True, slots=True)
class Notes:
    """What the chart holds: rows with a tap or a hold head, holds, rolls, mines."""

    taps: int = 0
    holds: int = 0
    rolls: int = 0
    mines: int = 0


def shown_percent(points: int, possible: int) -> float | None:
    """Dance points as the game shows them: the share of ``possible``, cut to 2 decimals as
    the engine cuts it (after its nudge of 1e-6, which makes 387/1730 22.37, not 22.36)."""
    if possible <= 0:
        return None
    if points >= possible:
        return 100.0
    share = Fraction(max(points, 0), possible) + Fraction(1, 10**6)
    return int(share * 10_000) / 100


@dataclass(frozen=True, slots=True)
class PlayerState:
    joined: bool = False
    name: str = ""
    difficulty: str = ""
    meter: int = 0
    actual: int = 0
    # Dance points possible on what has been judged so far, and on the whole chart.
    possible_now: int = 0
    possible: int = 0
    failed: bool = False
    judgments: dict[str, int] = field(default_factory=dict)
    notes: Notes = field(default_factory=Notes)
    position_s: float | None = None
    ex: float | None = None

    @property
    def percent(self) -> float | None:
        """The score as Simply Love shows it."""
        return shown_percent(self.actual, self.possible)


@dataclass(frozen=True, slots=True)
class GameState:
    seq: int
    time_s: float
    screen: str
    p1: PlayerState = field(default_factory=PlayerState)
    p2: PlayerState = field(default_factory=PlayerState)
    title: str = ""
    artist: str = ""
    length_s: float | None = None
    weights: dict[str, int] = field(default_factory=dict)
    # What the module's previous write cost the game, in ms.
    cost_ms: float | None = None

    @property
    def playing(self) -> bool:
        return self.screen == GAMEPLAY

    @property
    def results(self) -> bool:
        return "Evaluation" in self.screen and "Summary" not in self.screen

    def scores(self) -> tuple[float | None, float | None]:
        """Each joined player's percent on a gameplay or results screen; None elsewhere."""
        if not (self.playing or self.results):
            return None, None
        return (self.p1.percent if self.p1.joined else None), (self.p2.percent if self.p2.joined else None)


def parse_state(text: str) -> GameState:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GameFileError(f"the game file is not whole JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict) or "seq" not in data or "screen" not in data:
        raise GameFileError("the game file is not one obs-ddr's game module wrote")
    if data.get("format") != FORMAT:
        raise GameFileError(
            f"the game file has format {data.get('format')!r}, this obs-ddr reads {FORMAT}: "
            "install the module again (python -m ddrcore game-module install)"
        )
    try:
        players = data.get("players") or {}
        song = data.get("song") or {}
        return GameState(
            seq=int(data["seq"]),
            time_s=float(data.get("time") or 0.0),
            screen=str(data["screen"]),
            p1=_player(players.get("P1")),
            p2=_player(players.get("P2")),
            title=str(song.get("title", "")),
            artist=str(song.get("artist", "")),
            length_s=_number(song.get("length")),
            weights={str(k): int(v) for k, v in (data.get("weights") or {}).items()},
            cost_ms=_number(data.get("cost_ms")),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise GameFileError(f"the game file has a malformed value ({exc})") from None


def _player(data: Any) -> PlayerState:
    if not isinstance(data, dict) or not data.get("joined"):
        return PlayerState()
    notes = data.get("notes") or {}
    return PlayerState(
        joined=True,
        name=str(data.get("name", "")),
        difficulty=str(data.get("difficulty", "")),
        meter=int(data.get("meter") or 0),
        actual=int(data.get("actual") or 0),
        possible_now=int(data.get("possible_now") or 0),
        possible=int(data.get("possible") or 0),
        failed=bool(data.get("failed", False)),
        judgments={str(k): int(v) for k, v in (data.get("judgments") or {}).items()},
        notes=Notes(*(int(notes.get(k) or 0) for k in ("taps", "holds", "rolls", "mines"))),
        position_s=_number(data.get("position")),
        ex=_number(data.get("ex")),
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
