"""Who leads -> what the stream shows: the leader text from a template, and the scene to cut to.

Every template may use every placeholder (:data:`PLACEHOLDERS`). While a song plays they
describe it; in the song summary (results screen) they describe the song just finished.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from ..base.scores import Leader, Score, leader_of, margin_of
from ..read.parse import format_score, plain_score
from ..read.profiles import ScoreFormat
from ..track.momentum import MatchStats, SongResult
from ..track.predict import Outlook
from ..track.tracker import LeadState

# The predictions, filled only with scores from the game.
OUTLOOK_PLACEHOLDERS: tuple[str, ...] = (
    "p1_max", "p2_max", "p1_min", "p2_min", "p1_win_chance", "p2_win_chance", "clinched",
)  # fmt: skip
PLACEHOLDERS: tuple[str, ...] = (
    "leader", "p1", "p2", "margin", "p1_name", "p2_name",
    "p1_rate", "p2_rate", "gap_trend", "catch_up", "lead_changes", "biggest_lead",
    "winner", "duration", *OUTLOOK_PLACEHOLDERS,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Wording:
    """The texts the stream shows; each may use any of :data:`PLACEHOLDERS` in braces."""

    text_format: str = "{leader} leads by {margin}"
    tie_text: str = "Tie"
    idle_text: str = ""
    p1_name: str = "Player 1"
    p2_name: str = "Player 2"
    # Shown from the moment a song's scores are gone until the next song ("": the idle text).
    summary_format: str = ""
    # Shown while an operator forces a leader the scores do not show (or cannot show yet).
    override_text: str = "{leader} leads"
    # Shown while the leader is kept through unsure reads but the scores are older than
    # ``stale_ms``: a leader with no numbers, which may be out of date.
    leader_only_text: str = "{leader} leads"
    # Shown once the leader can no longer be caught (scores from the game only; "": the text
    # format goes on).
    clinched_text: str = ""

    def problem(self, fmt: ScoreFormat | None = None) -> str:
        """Why one of the templates cannot be used ("" when all are fine).

        With the game's ``fmt``, format specs (``{margin:,}``) are tried on scores of its kind,
        so a spec that cannot format them is refused here, not on every tick.
        """
        for label, template in (
            ("text format", self.text_format),
            ("tie text", self.tie_text),
            ("idle text", self.idle_text),
            ("summary format", self.summary_format),
            ("override text", self.override_text),
            ("leader-only text", self.leader_only_text),
            ("clinched text", self.clinched_text),
        ):
            problem = template_problem(template)
            if not problem and fmt is not None:
                problem = _spec_problem(template, fmt, self)
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


def leader_text(state: LeadState, fmt: ScoreFormat, wording: Wording, stats: MatchStats | None = None) -> str:
    """The text for ``state``: while nobody leads after a song, its summary (when there is a
    ``summary_format``), else the idle text. The templates must have passed :meth:`Wording.problem`."""
    stats = stats or MatchStats()
    if state.leader is None:
        song = stats.last_song
        if song is not None and not stats.in_song and wording.summary_format:
            return summary_text(song, fmt, wording)
        template = wording.idle_text
    elif state.stale:
        # Old numbers are wrong numbers: only who leads, and no score at all in the fields.
        state = state.without_numbers()
        template = wording.tie_text if state.leader == "tie" else wording.leader_only_text
    elif state.leader == "tie":
        template = wording.tie_text
    elif wording.clinched_text and stats.outlook is not None and stats.outlook.clinched == state.leader:
        template = wording.clinched_text
    else:
        template = wording.text_format
    return template.format_map(_values(state, fmt, wording, stats))


def summary_text(song: SongResult, fmt: ScoreFormat, wording: Wording) -> str:
    """The summary of a finished song (a tied song shows the tie text)."""
    state = LeadState(song.winner, song.p1, song.p2, song.margin)
    stats = MatchStats(lead_changes=song.lead_changes, biggest_lead=song.biggest_lead, last_song=song)
    template = wording.tie_text if song.winner == "tie" else wording.summary_format
    return template.format_map(_values(state, fmt, wording, stats))


def forced_text(leader: Leader, state: LeadState, fmt: ScoreFormat, wording: Wording, stats: MatchStats) -> str:
    """The text while an operator forces ``leader``: the usual text when the scores agree,
    else the override text (the tie text for a tie), never a margin the scores contradict."""
    if leader_of(state.p1, state.p2) == leader:
        return leader_text(LeadState(leader, state.p1, state.p2, margin_of(state.p1, state.p2)), fmt, wording, stats)
    forced = LeadState(leader, state.p1, state.p2, None)
    template = wording.tie_text if leader == "tie" else wording.override_text
    return template.format_map(_values(forced, fmt, wording, stats))


class Field:
    """A placeholder's value: written as the game writes it; a format spec pads that text
    (``{p1:>12}``) or, when it is a number's spec, formats the number (``{margin:,}`` ->
    ``12,340``, ``{margin:.1f}``)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: Score | str | None) -> None:
        self.text = text
        self.value = value

    def __format__(self, spec: str) -> str:
        try:
            return format(self.text, spec)
        except ValueError:
            if self.value is None:
                return ""  # no score yet: nothing to format
            return format(self.value, spec)

    def __str__(self) -> str:
        return self.text


def _values(state: LeadState, fmt: ScoreFormat, wording: Wording, stats: MatchStats | None = None) -> dict[str, Field]:
    stats = stats or MatchStats()
    names = {"p1": wording.p1_name, "p2": wording.p2_name}
    leader = names.get(state.leader or "", "")
    biggest = stats.biggest_lead
    biggest_text = f"{names[biggest.player]} by {_margin(biggest.margin, fmt)}" if biggest else ""
    catch_up = f"catches up in ~{stats.catch_up_s:.0f} s" if stats.catch_up_s is not None else ""
    song = stats.last_song
    winner = names.get(song.winner, "") if song is not None else ""
    duration = f"{int(song.duration_s) // 60}:{int(song.duration_s) % 60:02d}" if song is not None else ""
    return {
        "leader": Field(leader, leader),
        "p1": _score(state.p1, fmt),
        "p2": _score(state.p2, fmt),
        "margin": _margin(state.margin, fmt),
        "p1_name": Field(wording.p1_name, wording.p1_name),
        "p2_name": Field(wording.p2_name, wording.p2_name),
        "p1_rate": _rate(stats.p1_rate, fmt),
        "p2_rate": _rate(stats.p2_rate, fmt),
        "gap_trend": _rate(stats.gap_trend, fmt, signed=True),
        "catch_up": Field(catch_up, stats.catch_up_s),
        "lead_changes": Field(str(stats.lead_changes), stats.lead_changes),
        "biggest_lead": Field(biggest_text, biggest.margin if biggest else None),
        "winner": Field(winner, winner),
        "duration": Field(duration, song.duration_s if song is not None else None),
        **_outlook_values(stats.outlook, fmt, names),
    }


def _outlook_values(outlook: Outlook | None, fmt: ScoreFormat, names: dict[str, str]) -> dict[str, Field]:
    """The predictions (scores from the game only): empty fields while there are none."""
    if outlook is None:
        return {key: Field("", None) for key in OUTLOOK_PLACEHOLDERS}
    clinched = names.get(outlook.clinched or "", "")
    return {
        "p1_max": _score(outlook.p1.best, fmt),
        "p2_max": _score(outlook.p2.best, fmt),
        "p1_min": _score(outlook.p1.worst, fmt),
        "p2_min": _score(outlook.p2.worst, fmt),
        "p1_win_chance": Field(f"{outlook.p1_chance:.0%}", outlook.p1_chance),
        "p2_win_chance": Field(f"{outlook.p2_chance:.0%}", outlook.p2_chance),
        "clinched": Field(clinched, clinched),
    }


def _rate(value: float | None, fmt: ScoreFormat, signed: bool = False) -> Field:
    """Points (percent) per second, written like the game's scores: grouped, or its decimals."""
    if value is None:
        return Field("", None)
    sign = "+" if signed else ""
    if fmt.decimals:
        return Field(f"{value:{sign}.{fmt.decimals}f}", value)
    return Field(f"{round(value):{sign},}".replace(",", fmt.grouping), value)


def _score(value: Score | None, fmt: ScoreFormat) -> Field:
    return Field("" if value is None else format_score(value, fmt), value)


def _margin(value: Score | None, fmt: ScoreFormat) -> Field:
    if value is None:
        return Field("", None)
    return Field(plain_score(value, fmt), value if fmt.decimals else int(value))


def _spec_problem(template: str, fmt: ScoreFormat, wording: Wording) -> str:
    """Why ``template``'s format specs cannot format this game's scores ("" when they can)."""
    sample_scores = (float(fmt.max), float(fmt.min)) if fmt.decimals else (int(fmt.max), int(fmt.min))
    high, low = sample_scores
    song = SongResult(0.0, 90.0, high, low, "p1", high - low, 1, None)
    stats = MatchStats(True, 1, high, low, high - low, 10.0, 2, None, song)
    for state in (LeadState("p1", high, low, high - low), LeadState()):
        try:
            template.format_map(_values(state, fmt, wording, stats))
            template.format_map(_values(state, fmt, wording))
        except (ValueError, TypeError) as exc:
            return f"{exc} (a format spec after ':' must suit a number, e.g. {{margin:,}})"
    return ""
