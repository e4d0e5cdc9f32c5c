"""The latest result -> the text source and the scene: one driver for the OBS script (through
OBS's own calls) and ``watch`` (through obs-websocket), so both show the same thing by the same
rules: the presenter's text and scene (overrides and freeze included), each applied only when
it changes, scenes only through the switcher's thread.

Runs on the thread that applies results (OBS's graphics-thread timer, or ``watch``'s loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..base.errors import DdrError
from ..base.scores import Leader
from ..track.momentum import MatchStats
from ..track.tracker import LeadState
from .present import SceneChoice
from .presenter import Presenter, Showing
from .switcher import SceneSwitcher

# No scene has been asked for yet (None is a real wish: nobody leads).
_NOTHING_WANTED = "nothing wanted yet"


class TextOut(Protocol):
    def set_text(self, source: str, text: str) -> bool:
        """Write ``text`` into the text source; False when there is no such source (a
        DdrError when the OBS it lives in cannot be reached)."""


@dataclass(frozen=True, slots=True)
class Targets:
    """Where results go: the text source ("" = none) and the scenes, if switching is on."""

    text_source: str = ""
    scenes: SceneChoice = field(default_factory=SceneChoice)
    switch_scenes: bool = False


class Driver:
    def __init__(self, text_out: TextOut, switcher: SceneSwitcher, presenter: Presenter) -> None:
        self.text_out, self.switcher, self.presenter = text_out, switcher, presenter
        self.targets = Targets()
        self.last_text: str | None = None
        self.wanted: Leader | str | None = _NOTHING_WANTED
        # Why the text could not be written ("" when it was).
        self.problem = ""

    def configure(self, presenter: Presenter, targets: Targets) -> None:
        """New settings. The text is written again only into a new text source, and the scene
        asked for again only when the scene choice changed: an edit of anything else (a
        keystroke in a text field) leaves the program scene alone."""
        if targets.text_source != self.targets.text_source:
            self.last_text, self.problem = None, ""
        if (targets.scenes, targets.switch_scenes) != (self.targets.scenes, self.targets.switch_scenes):
            self.wanted = _NOTHING_WANTED
        self.presenter, self.targets = presenter, targets

    def showing(self, lead: LeadState, match: MatchStats, now_s: float) -> Showing:
        return self.presenter.showing(lead, match, now_s)

    def apply_text(self, showing: Showing) -> bool:
        """Write the text if it changed; True when it was written."""
        text, source = showing.text, self.targets.text_source
        if not source or text is None or text == self.last_text:
            return False
        try:
            written = self.text_out.set_text(source, text)
        except DdrError as exc:  # that OBS is out of reach: try again with the next result
            self.problem = str(exc)
            return False
        if not written:
            self.text_source_missing()
            return False
        self.last_text, self.problem = text, ""
        return True

    def text_source_missing(self) -> None:
        self.problem = f"text source {self.targets.text_source!r} not found: pick one in the settings"
        self.last_text = None  # write the text again once the source is back

    def apply_scene(self, showing: Showing) -> bool:
        """Hand the leader's scene to the switcher when it changed (never while frozen); it
        checks, at the moment it switches, that the program is still one of our scenes.
        True when a switch was asked for."""
        if not self.targets.switch_scenes or showing.keep_scene or showing.leader == self.wanted:
            return False
        self.switcher.want(showing.leader, self.targets.scenes)
        self.wanted = showing.leader
        return True
