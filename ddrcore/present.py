"""Who leads -> what the stream shows: the leader text from a template, and the scene to cut to."""

from __future__ import annotations

import string
from dataclasses import dataclass

from .parse import Score, format_score
from .profiles import ScoreFormat
from .reader import Leader
from .tracker import LeadState

PLACEHOLDERS: tuple[str, ...] = ("leader", "p1", "p2", "margin", "p1_name", "p2_name")


@dataclass(frozen=True, slots=True)
class Wording:
    """The texts the stream shows; each may use any of :data:`PLACEHOLDERS` in braces."""

    text_format: str = "{leader} leads by {margin}"
    tie_text: str = "Tie"
    idle_text: str = ""
    p1_name: str = "Player 1"
    p2_name: str = "Player 2"

    def problem(self) -> str:
        """Why one of the templates cannot be used ("" when all are fine)."""
        for label, template in (
            ("text format", self.text_format),
            ("tie text", self.tie_text),
            ("idle text", self.idle_text),
        ):
            problem = template_problem(template)
            if problem:
                return f"{label}: {problem}"
        return ""


@dataclass(frozen=True, slots=True)
class SceneChoice:
    """The scene for each leader ("" = no switch for that state)."""

    p1: str = ""
    p2: str = ""
    tie: str = ""

    def scene_for(self, leader: Leader | None) -> str:
        return {"p1": self.p1, "p2": self.p2, "tie": self.tie}.get(leader or "", "")

    def owns(self, scene: str) -> bool:
        """Whether ``scene`` is one of ours: we only ever cut away from our own scenes."""
        return bool(scene) and scene in (self.p1, self.p2, self.tie)


def template_problem(template: str) -> str:
    """Why ``template`` cannot be filled in ("" when it can): unknown placeholders, bad braces."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as exc:
        return f"{exc} (write {{{{ and }}}} for literal braces)"
    for field in fields:
        if field not in PLACEHOLDERS:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            shown = f"{{{field}}}" if field else "{}"
            return f"unknown placeholder {shown}; use {known}"
    return ""


def leader_text(state: LeadState, fmt: ScoreFormat, wording: Wording) -> str:
    """The text for ``state``. The templates must have passed :meth:`Wording.problem`."""
    if state.leader is None:
        template = wording.idle_text
    elif state.leader == "tie":
        template = wording.tie_text
    else:
        template = wording.text_format
    names = {"p1": wording.p1_name, "p2": wording.p2_name}
    values = {
        "leader": names.get(state.leader or "", ""),
        "p1": _score(state.p1, fmt),
        "p2": _score(state.p2, fmt),
        "margin": _margin(state.margin, fmt),
        "p1_name": wording.p1_name,
        "p2_name": wording.p2_name,
    }
    return template.format_map(values)


def _score(value: Score | None, fmt: ScoreFormat) -> str:
    return "" if value is None else format_score(value, fmt)


def _margin(value: Score | None, fmt: ScoreFormat) -> str:
    if value is None:
        return ""
    if fmt.decimals:
        return f"{value:.{fmt.decimals}f}"
    return f"{int(value):,}".replace(",", fmt.grouping)
