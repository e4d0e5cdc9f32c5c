"""The game file, polled: each call reads it whole and says what the game shows now, or why
it cannot (missing, half-written, stopped changing: one line each). The file is only read."""

from __future__ import annotations

import time
from pathlib import Path

from ...base.errors import GameFileError
from .state import GameState, parse_state


class GameFeed:
    """Reads ``path`` (a file the game module writes, maybe over a network share)."""

    def __init__(self, path: Path, stale_s: float) -> None:
        """``stale_s``: during gameplay the module writes ~10 times a second; a file unchanged
        this long shows scores the game may no longer show (it closed, hung, or the share
        stopped syncing)."""
        self.path = path
        self.stale_s = stale_s
        self._last: GameState | None = None
        self._text = ""
        self._changed_at = 0.0

    def poll(self) -> tuple[float, GameState]:
        """(when, on time.monotonic's clock; the game's state). A song's state read again is
        as old as its first sighting, as a score is as old as its read; a menu or results
        screen, written once, is now (the scores are gone from it for as long as it stays)."""
        now = time.monotonic()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GameFileError(
                f"game file {self.path} not found: is the game running with obs-ddr's module "
                "(python -m ddrcore game-module install)?"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise GameFileError(f"game file {self.path} cannot be read ({exc})") from None
        if not text.strip():
            raise GameFileError(f"game file {self.path} is empty (being written?)")
        last = self._last
        if last is None or text != self._text:  # between writes the same text is read again
            state = parse_state(text)
            self._last, self._text, self._changed_at = state, text, now
            return now, state
        state = last
        if state.playing and now - self._changed_at > self.stale_s:
            raise GameFileError(
                f"game file {self.path} has not changed for {now - self._changed_at:.0f} s during a song: "
                "the game is closed or stuck"
            )
        return (self._changed_at if state.playing else now), state
