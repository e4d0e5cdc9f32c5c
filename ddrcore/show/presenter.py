"""The latest read -> what to show now: the text and the leader whose scene to cut to, with
the operator's override on top. One rule for the OBS script and for ``watch``.

:meth:`Presenter.press` may be called from any thread (OBS's hotkey thread). The override is
one immutable value, replaced under a lock held only for that replacement, so a press and an
override running out at the same moment never lose the press. Everything else runs on the
thread that applies the results.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from ..base.scores import Leader, leader_of
from ..read.profiles import ScoreFormat
from ..track.momentum import MatchStats
from ..track.override import Action, Override, describe, in_force, press
from ..track.tracker import LeadState
from .present import Wording, forced_text, leader_text


@dataclass(frozen=True, slots=True)
class Showing:
    """``text`` to show (None: keep what is shown); ``leader`` whose scene to want, unless
    ``keep_scene`` (frozen: no scene changes)."""

    text: str | None
    leader: Leader | None
    keep_scene: bool = False


@dataclass
class _OverrideCell:
    """The operator's override, replaced only under ``lock`` (held for the replacement alone)."""

    override: Override | None = None
    revision: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _clinched_now(lead: LeadState, stats: MatchStats) -> LeadState:
    """A leader who has clinched the song (scores from the game) is named at once: the hold
    keeps a lead from flapping, and a clinched lead can never change again."""
    outlook = stats.outlook
    if outlook is None or outlook.clinched is None or lead.stale or lead.leader == outlook.clinched:
        return lead
    if leader_of(lead.p1, lead.p2) != outlook.clinched:
        return lead  # the scores held do not show it yet (a read behind)
    return replace(lead, leader=outlook.clinched)


class Presenter:
    def __init__(
        self, wording: Wording, fmt: ScoreFormat, override_s: float, previous: Presenter | None = None
    ) -> None:
        """``previous``: the presenter before a settings edit, whose override stays in force."""
        self.wording, self.format, self.override_s = wording, fmt, override_s
        # Templates that cannot be filled in give no text (the settings say why), only scenes.
        self.texts_ok = not wording.problem(fmt)
        # Shared with the presenter before a settings edit: a press on either counts.
        self._cell: _OverrideCell = previous._cell if previous is not None else _OverrideCell()

    @property
    def revision(self) -> int:
        """Grows with each press and when an override runs out: the result must be applied
        again even when no new read came."""
        return self._cell.revision

    def press(self, action: Action, now_s: float) -> None:
        cell = self._cell
        with cell.lock:
            cell.override = press(cell.override, action, now_s, self.override_s)
            cell.revision += 1

    def override(self, now_s: float) -> Override | None:
        cell = self._cell
        with cell.lock:
            current = in_force(cell.override, now_s)
            if current is None and cell.override is not None:
                cell.override = None  # it ran out (a press made since would be in force)
                cell.revision += 1
            return current

    def showing(self, lead: LeadState, stats: MatchStats, now_s: float) -> Showing:
        current = self.override(now_s)
        if current is not None and current.frozen:
            return Showing(None, None, keep_scene=True)
        if current is not None and current.leader is not None:
            text = forced_text(current.leader, lead, self.format, self.wording, stats) if self.texts_ok else None
            return Showing(text, current.leader)
        lead = _clinched_now(lead, stats)
        # While another leader is pending, the scores already contradict the one still named:
        # it is named without numbers (kept through the hold, numbers would go stale).
        shown = lead if lead.settled else lead.without_numbers()
        text = leader_text(shown, self.format, self.wording, stats) if self.texts_ok else None
        return Showing(text, lead.leader)

    def status(self, now_s: float) -> str:
        """The override in words for the status line ("" when automatic)."""
        current = self.override(now_s)
        return describe(current, now_s, (self.wording.p1_name, self.wording.p2_name)) if current else ""
