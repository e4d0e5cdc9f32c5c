"""The OBS script's settings, hotkeys and buttons: one table that the script builds its
defaults and properties from, and that the README's settings table is checked against.

The keys are a contract (they are stored in users' scene collections): never rename one.
Importing this module loads nothing heavy (OBS calls it before the packages are on the path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..read.engines import DEFAULT_ENGINE, ENGINE_NAMES
from ..read.profiles import DEFAULT_PROFILE, profile_names
from ..track.override import OVERRIDE_S

if TYPE_CHECKING:
    from ..live.values import LiveConfig
    from ..show.present import SceneChoice, Wording

Kind = Literal["bool", "int", "text", "list", "file", "folder", "colour"]
# Where a list's choices come from: fixed ones here, or OBS's sources and scenes at the time.
Choices = Literal["", "profiles", "engines", "capture", "text_sources", "image_sources", "scenes", "scores_from"]


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    label: str
    default: bool | int | str
    kind: Kind
    choices: Choices = ""
    limits: tuple[int, int, int] = (0, 0, 1)  # int: min, max, step
    file_filter: str = ""


def _region(player: str) -> list[Setting]:
    return [
        Setting(f"{player}_{key}", f"{player.upper()} region {label} (px)", 0, "int", limits=(0, 16384, 1))
        for key, label in (("x", "left"), ("y", "top"), ("w", "width"), ("h", "height"))
    ]


# OBS colours are 0xAABBGGRR: P1 blue and P2 red, as StepMania draws them.
P1_COLOUR = 0xFFFF8C28
P2_COLOUR = 0xFF3C3CEB

SETTINGS: tuple[Setting, ...] = (
    Setting("enabled", "Enabled", True, "bool"),
    Setting("scores_from", "Scores from", "ocr", "list", "scores_from"),
    Setting("game_file", "Game file (empty: find it)", "", "file", file_filter="*.json"),
    Setting("ocr_fallback", "When the game file stops, read the capture (OCR)", False, "bool"),
    Setting("profile", "Game profile", DEFAULT_PROFILE, "list", "profiles"),
    Setting("capture", "Capture", "screen", "list", "capture"),
    Setting("monitor", "Monitor (1 = first)", 1, "int", limits=(1, 16, 1)),
    *_region("p1"),
    *_region("p2"),
    Setting("auto_locate", "Find the regions again when reads keep failing", False, "bool"),
    Setting("interval_ms", "Update interval (ms)", 250, "int", limits=(33, 5000, 1)),
    Setting("engine", "OCR engine", DEFAULT_ENGINE, "list", "engines"),
    Setting("hold_ms", "New leader must hold (ms)", 1000, "int", limits=(0, 10000, 100)),
    Setting("tesseract_path", "Tesseract program (empty: find it)", "", "file"),
    Setting("templates_file", "Template file (empty: learn the digits)", "", "file", file_filter="*.npz"),
    Setting("text_source", "Text source", "", "list", "text_sources"),
    Setting("text_format", "Text while a player leads", "{leader} leads by {margin}", "text"),
    Setting("tie_text", "Text while tied", "Tie", "text"),
    Setting("idle_text", "Text while no score is read", "", "text"),
    Setting("summary_format", "Text after a song (results screen; empty: the idle text)", "", "text"),
    Setting("p1_name", "Player 1 name", "Player 1", "text"),
    Setting("p2_name", "Player 2 name", "Player 2", "text"),
    Setting("pace_window_s", "Pace over the last (s)", 5, "int", limits=(1, 60, 1)),
    Setting("switch_scenes", "Switch scenes automatically", False, "bool"),
    Setting("scene_p1", "Scene while P1 leads", "", "list", "scenes"),
    Setting("scene_p2", "Scene while P2 leads", "", "list", "scenes"),
    Setting("scene_tie", "Scene while tied", "", "list", "scenes"),
    Setting("override_s", "Override lasts (s)", OVERRIDE_S, "int", limits=(1, 600, 1)),
    Setting("override_text", "Text while a leader is forced", "{leader} leads", "text"),
    Setting("clinched_text", "Text once the leader has clinched (game file; empty: as leading)", "", "text"),
    Setting("leader_only_text", "Text while the scores are unclear (the leader kept)", "{leader} leads", "text"),
    Setting("stale_ms", "Hide scores not read for (ms)", 1000, "int", limits=(100, 10000, 100)),
    Setting("unsure_keep_s", "Keep the leader through unclear reads for (s)", 15, "int", limits=(0, 120, 1)),
    Setting("chart_source", "Chart image source", "", "list", "image_sources"),
    Setting("p1_color", "P1 colour (chart)", P1_COLOUR, "colour"),
    Setting("p2_color", "P2 colour (chart)", P2_COLOUR, "colour"),
    Setting("log_dir", "Song log folder (songs.csv; empty: no log)", "", "folder"),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)
DEFAULTS: dict[str, bool | int | str] = {s.key: s.default for s in SETTINGS}

# Hotkeys (Settings -> Hotkeys): the names are a contract too (saved in the scene collection).
HOTKEYS: dict[str, str] = {
    "obs_ddr.pause": "obs-ddr: pause / resume",
    "obs_ddr.locate": "obs-ddr: find score regions",
    "obs_ddr.force_p1": "obs-ddr: P1 leads (override)",
    "obs_ddr.force_p2": "obs-ddr: P2 leads (override)",
    "obs_ddr.force_tie": "obs-ddr: tie (override)",
    "obs_ddr.freeze": "obs-ddr: freeze text and scene",
    "obs_ddr.automatic": "obs-ddr: automatic now",
}
# The override hotkeys' actions (see ddrcore.track.override), and their buttons' labels.
OVERRIDE_HOTKEYS: dict[str, str] = {
    "obs_ddr.force_p1": "p1",
    "obs_ddr.force_p2": "p2",
    "obs_ddr.force_tie": "tie",
    "obs_ddr.freeze": "freeze",
    "obs_ddr.automatic": "automatic",
}
OVERRIDE_BUTTONS: dict[str, str] = {
    "p1": "Override: P1 leads",
    "p2": "Override: P2 leads",
    "tie": "Override: tie",
    "freeze": "Freeze / unfreeze",
    "automatic": "Automatic now",
}


def fixed_choices(choices: Choices) -> list[tuple[str, str]]:
    """A list setting's fixed (label, value) pairs; OBS's sources and scenes come from OBS."""
    if choices == "profiles":
        return [(p, p) for p in profile_names()]
    if choices == "engines":
        return [(e, e) for e in ENGINE_NAMES]
    if choices == "scores_from":
        return [("screen or source (OCR)", "ocr"), ("game file (StepMania/ITGmania with obs-ddr's module)", "game")]
    return []


@dataclass(frozen=True)
class ScriptConfig:
    """What the OBS script runs with: the worker's config and what the timer applies."""

    live: LiveConfig
    wording: Wording
    scenes: SceneChoice
    enabled: bool
    text_source: str
    switch_scenes: bool
    chart_source: str
    override_s: int
    # Why the settings cannot all be used (each replaced by its default meanwhile).
    problems: list[str] = field(default_factory=list)


def script_config(values: Mapping[str, Any], chart_file: str) -> ScriptConfig:
    """The config from the settings' ``values`` (by key); what cannot be used is in ``problems``
    and replaced by its default. ``chart_file``: where the worker writes the chart."""
    from ..base.errors import DdrError
    from ..base.regions import Region
    from ..capture.game.state import SCORE_PROFILE
    from ..live.session import ReadConfig
    from ..live.values import ChartOutput, LiveConfig
    from ..read.profiles import load_profile
    from ..show.chart import ChartStyle, obs_colour
    from ..show.present import SceneChoice, Wording

    problems: list[str] = []
    from_game = str(values["scores_from"]) == "game"
    ocr_fallback = from_game and bool(values["ocr_fallback"])
    profile = SCORE_PROFILE if from_game and not ocr_fallback else str(values["profile"])
    try:
        score_format = load_profile(profile).format
    except DdrError as exc:
        problems.append(str(exc))
        profile = str(DEFAULTS["profile"])
        score_format = load_profile(profile).format
    texts = (
        "text_format", "tie_text", "idle_text", "p1_name", "p2_name", "summary_format", "override_text",
        "leader_only_text", "clinched_text",
    )  # fmt: skip
    wording = Wording(*(str(values[k]) for k in texts))
    wording_problem = wording.problem(score_format)
    if wording_problem:
        problems.append(wording_problem)

    def region(player: str) -> Region | None:
        numbers = [int(values[f"{player}_{k}"]) for k in "xywh"]
        return None if not any(numbers) else Region(*numbers)

    p1, p2 = region("p1"), region("p2")
    if (p1 is None) != (p2 is None):
        problems.append("set both regions, or neither (all zero: the profile's regions)")
        p1 = p2 = None
    read = ReadConfig(
        profile,
        str(values["engine"]) or DEFAULT_ENGINE,
        p1,
        p2,
        int(values["hold_ms"]),
        str(values["tesseract_path"]),
        str(values["templates_file"]),
        stale_ms=int(values["stale_ms"]),
        unsure_keep_s=int(values["unsure_keep_s"]),
    )
    chart_source = str(values["chart_source"])
    names = (wording.p1_name, wording.p2_name)
    chart = None
    if chart_source:
        style = ChartStyle(*names, obs_colour(int(values["p1_color"])), obs_colour(int(values["p2_color"])))
        chart = ChartOutput(chart_file, style)
    live = LiveConfig(
        read,
        int(values["monitor"]),
        max(33, int(values["interval_ms"])),
        bool(values["auto_locate"]),
        str(values["capture"]) or "screen",
        pace_window_s=float(values["pace_window_s"]),
        chart=chart,
        log_dir=str(values["log_dir"]),
        names=names,
        game_file=(str(values["game_file"]) or "auto") if from_game else "",
        ocr_fallback=ocr_fallback,
    )
    scenes = SceneChoice(*(str(values[k]) for k in ("scene_p1", "scene_p2", "scene_tie")))
    return ScriptConfig(
        live,
        wording,
        scenes,
        bool(values["enabled"]),
        str(values["text_source"]),
        bool(values["switch_scenes"]),
        chart_source,
        int(values["override_s"]),
        problems,
    )
