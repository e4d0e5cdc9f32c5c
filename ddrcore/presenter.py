"""The latest read -> what to show now: the text and the leader whose scene to cut to, with
the operator's override on top. One rule for the OBS script and for ``watch``.

:meth:`Presenter.press` may be called from any thread (OBS's hotkey thread): it replaces one
immutable value. Everything else runs on the thread that applies the results.
"""

from __future__ import annotations

from dataclasses import dataclass

from .momentum import MatchStats
from .override import Action, Override, describe, in_force, press
from .present import Wording, forced_text, leader_text
from .profiles import ScoreFormat
from .scores import Leader
from .tracker import LeadState


@dataclass(frozen=True, slots=True)
class Showing:
    """``text`` to show (None: keep what is shown); ``leader`` whose scene to want, unless
    ``keep_scene`` (frozen: no scene changes)."""

    text: str | None
    leader: Leader | None
    keep_scene: bool = False


class Presenter:
    def __init__(
        self, wording: Wording, fmt: ScoreFormat, override_s: float, previous: Presenter | None = None
    ) -> None:
        """``previous``: the presenter before a settings edit, whose override stays in force."""
        self.wording, self.format, self.override_s = wording, fmt, override_s
        # Templates that cannot be filled in give no text (the settings say why), only scenes.
        self.texts_ok = not wording.problem(fmt)
        self._override: Override | None = previous._override if previous is not None else None
        # Grows with each press and when an override runs out: the result must be applied
        # again even when no new read came.
        self.revision = 0

    def press(self, action: Action, now_s: float) -> None:
        self._override = press(self._override, action, now_s, self.override_s)
        self.revision += 1

    def override(self, now_s: float) -> Override | None:
        current = in_force(self._override, now_s)
        if current is None and self._override is not None:
            self._override = None
            self.revision += 1
        return current

    def showing(self, lead: LeadState, stats: MatchStats, now_s: float) -> Showing:
        current = self.override(now_s)
        if current is not None and current.frozen:
            return Showing(None, None, keep_scene=True)
        if current is not None and current.leader is not None:
            text = forced_text(current.leader, lead, self.format, self.wording, stats) if self.texts_ok else None
            return Showing(text, current.leader)
        # A leader that is not yet confirmed would contradict the scores in the text.
        text = leader_text(lead, self.format, self.wording, stats) if lead.settled and self.texts_ok else None
        return Showing(text, lead.leader)

    def status(self, now_s: float) -> str:
        """The override in words for the status line ("" when automatic)."""
        current = self.override(now_s)
        return describe(current, now_s, (self.wording.p1_name, self.wording.p2_name)) if current else ""
