"""The whole product in a real OBS Studio: the shipped match clip plays on a virtual screen,
OBS runs obs_ddr.py from its scene collection, and obs-websocket shows the text source and
the program scene following the true leader, with no flapping."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path
from typing import Any

from ddrcore.cli.assets import DEMO_CLIP, DEMO_TRUTH
from ddrcore.read.profiles import load_profile

from ..conftest import ROOT
from ..display import show, virtual_display
from ..obs_headless import ObsBuild, running_obs

SCREEN = (1920, 1080)
GAME = (1280, 720)
SCENES = {"p1": "P1 leads", "p2": "P2 leads", "tie": "Tied"}
HOLD_MS = 1000
TEXT_FORMAT = "{leader} leads {p1} - {p2} by {margin}"
LEADS = re.compile(r"^(Player 1|Player 2) leads ([\d,]+) - ([\d,]+) by ([\d,]+)$")


def script_settings(profile: str, interval_ms: int, **extra: object) -> dict[str, object]:
    """obs_ddr.py's settings for the tests' scenes and text source, with the profile's regions
    in pixels of a 1280x720 game."""
    settings: dict[str, object] = {
        "profile": profile,
        "interval_ms": interval_ms,
        "hold_ms": HOLD_MS,
        "text_source": "Leader",
        "text_format": TEXT_FORMAT,
        "switch_scenes": True,
        "scene_p1": SCENES["p1"],
        "scene_p2": SCENES["p2"],
        "scene_tie": SCENES["tie"],
    }
    for player, relative in load_profile(profile).regions.items():
        region = relative.to_pixels(*GAME)
        settings |= {f"{player}_x": region.x, f"{player}_y": region.y, f"{player}_w": region.w, f"{player}_h": region.h}
    return settings | extra


def obs_with_scenes(obs: ObsBuild, display: str, home: Path, settings: dict[str, object], **options: Any) -> Any:
    """A real OBS with the tests' three scenes (tied first) and text source, running obs_ddr.py."""
    return running_obs(
        obs, display, home, list(SCENES.values()), SCENES["tie"], "Leader", ROOT / "obs_ddr.py", settings, **options
    )


def follow_while_playing(client: Any, player: Any, started: float, limit_s: float) -> list[tuple[float, str, str]]:
    """(seconds since ``started``, the leader text, the program scene) every 0.1 s while the
    player plays, then once more 2 s after it ends (the results screen)."""

    def sample() -> tuple[float, str, str]:
        text = client.get_input_settings("Leader").input_settings.get("text", "")
        return time.monotonic() - started, text, client.get_current_program_scene().current_program_scene_name

    observed = []
    while player.poll() is None and time.monotonic() - started < limit_s:
        observed.append(sample())
        time.sleep(0.1)
    time.sleep(2)
    return [*observed, sample()]


def _truth() -> list[tuple[float, int | None, int | None]]:
    with DEMO_TRUTH.open() as rows:
        return [
            (float(r["time_s"]), int(r["p1"]) if r["p1"] else None, int(r["p2"]) if r["p2"] else None)
            for r in csv.DictReader(rows)
        ]


def _leaders_that_hold(truth: list[tuple[float, int | None, int | None]], hold_s: float) -> list[str]:
    """The true p1/p2 lead changes, leaving out leads shorter than the hold time."""
    spans: list[tuple[str, float, float]] = []
    for t, p1, p2 in truth:
        leader = "none" if p1 is None or p2 is None else "tie" if p1 == p2 else "p1" if p1 > p2 else "p2"
        if spans and spans[-1][0] == leader:
            spans[-1] = (leader, spans[-1][1], t)
        else:
            spans.append((leader, t, t))
    held = [leader for leader, start, end in spans if leader in ("p1", "p2") and end - start >= hold_s + 0.5]
    return [leader for i, leader in enumerate(held) if i == 0 or held[i - 1] != leader]


def _collapse(values: list[str]) -> list[str]:
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


def test_obs_follows_the_leader_of_a_real_match(obs_build: ObsBuild, tmp_path: Path) -> None:
    settings = script_settings("stepmania", 33, enabled=True, monitor=1)
    truth = _truth()
    true_scores = {"p1": {p1 for _, p1, _ in truth}, "p2": {p2 for _, _, p2 in truth}}

    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(obs_build, display, tmp_path, settings) as (client, log_path, _),
    ):
        time.sleep(3)  # the script loads with the scene collection
        with show(display, DEMO_CLIP, *GAME, loop=False) as player:
            observed = follow_while_playing(client, player, time.monotonic(), 60)
        log = log_path.read_text(errors="replace")

    for line in log.splitlines():
        if "obs-ddr:" in line:
            print(line)  # with -s: reads/s and the timer's time on OBS's thread, for the notes
    assert "obs-ddr" in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    texts = [text for _, text, _ in observed]
    leading = [m for m in (LEADS.match(t) for t in texts) if m]
    assert leading, f"the text never named a leader: {_collapse(texts)}\n{log[-3000:]}"
    for match in leading:
        # Each score shown is one the game really showed, and the named leader is ahead by the margin.
        p1, p2, margin = (int(match.group(i).replace(",", "")) for i in (2, 3, 4))
        assert p1 in true_scores["p1"] and p2 in true_scores["p2"], match.group(0)
        assert (match.group(1) == "Player 1") == (p1 > p2) and margin == abs(p1 - p2), match.group(0)

    expected = _leaders_that_hold(truth, HOLD_MS / 1000)
    assert len(expected) >= 3  # the clip has lead changes worth following
    text_leaders = _collapse(["p1" if m.group(1) == "Player 1" else "p2" for m in leading])
    assert text_leaders == expected, _collapse(texts)
    scene_leaders = _collapse([s for _, _, s in observed if s != SCENES["tie"]])
    assert scene_leaders == [SCENES[p] for p in expected], _collapse([s for _, _, s in observed])
    assert texts[-1] == "", "after the song ends no score is on screen: the idle text (empty) shows"


def test_obs_finds_the_score_regions_by_itself(obs29: ObsBuild, tmp_path: Path) -> None:
    """The regions start wrong (an empty part of the screen); the "find score regions" hotkey
    (the same code as the button), pressed through obs-websocket, puts them right."""
    settings: dict[str, object] = {
        "profile": "stepmania", "interval_ms": 100, "hold_ms": HOLD_MS, "text_source": "Leader",
        "text_format": TEXT_FORMAT, "switch_scenes": True,
        "scene_p1": SCENES["p1"], "scene_p2": SCENES["p2"], "scene_tie": SCENES["tie"],
        "p1_x": 300, "p1_y": 900, "p1_w": 270, "p1_h": 40, "p2_x": 1000, "p2_y": 900, "p2_w": 270, "p2_h": 40,
    }  # fmt: skip
    observed: list[str] = []
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(obs29, display, tmp_path, settings) as (client, log_path, _),
    ):
        time.sleep(3)
        with show(display, DEMO_CLIP, *GAME, loop=False) as player:
            started = time.monotonic()
            time.sleep(1.5)
            client.trigger_hot_key_by_name("obs_ddr.locate")
            while player.poll() is None and time.monotonic() - started < 60:
                observed.append(client.get_input_settings("Leader").input_settings.get("text", ""))
                time.sleep(0.1)
        log = log_path.read_text(errors="replace")
    found = [line for line in log.splitlines() if "found score regions" in line]
    assert found, log[-3000:]
    print(found[0])
    leaders = _collapse([m.group(1) for m in (LEADS.match(t) for t in observed) if m])
    expected = ["Player 1" if p == "p1" else "Player 2" for p in _leaders_that_hold(_truth(), HOLD_MS / 1000)]
    assert len(leaders) >= 3 and leaders == expected[-len(leaders) :], (leaders, expected)
