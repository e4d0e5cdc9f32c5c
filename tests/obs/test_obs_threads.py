"""Threading in a real OBS: beside another Python script that listens to frontend events,
scene switches never freeze OBS (obs-studio #3385), and a long run leaks neither memory nor
threads."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path
from typing import Any

from ddrcore.cli.assets import DEMO_CLIP

from ..conftest import ROOT
from ..display import show, virtual_display
from ..obs_headless import ObsBuild, obs_process_figures
from .test_obs_e2e import (
    GAME,
    HOLD_MS,
    LEADS,
    SCENES,
    SCREEN,
    _collapse,
    _leaders_that_hold,
    _truth,
    obs_with_scenes,
    script_settings,
)

WATCHER = ROOT / "tests" / "obs_scripts" / "scene_watcher.py"
WATCHED = re.compile(r"scene-watcher: scene changed to (.+)$")
# A Media Source of the match in every scene: the program's picture changes while OBS renders.
MATCH_IN_SCENE = {
    "id": "ffmpeg_source",
    "versioned_id": "ffmpeg_source",
    "name": "Match",
    "settings": {"is_local_file": True, "local_file": str(DEMO_CLIP), "looping": True},
    "item": {"pos": {"x": 0.0, "y": 60.0}, "scale": {"x": 0.25, "y": 0.25}},
}
# Soak: how long it runs in the suite, and how far OBS's figures may drift in that time
# (measured here: +1.0 MiB and +-2 threads of OBS's own in 120 s; a leak of one frame's
# crop per read would be 60 MiB).
SOAK_S = 120.0
SOAK_RSS_GROWTH_KIB = 10_000
SOAK_THREAD_GROWTH = 2


def _settings(interval_ms: int) -> dict[str, object]:
    return script_settings("stepmania", interval_ms)


def _screenshot(client: Any, scene: str) -> str:
    return str(client.get_source_screenshot(scene, "jpg", 160, 90, 50).image_data)


def test_scene_switches_beside_a_frontend_event_script_never_freeze_obs(obs_build: ObsBuild, tmp_path: Path) -> None:
    observed: list[tuple[str, str]] = []
    pictures: list[str] = []
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(
            obs_build,
            display,
            tmp_path,
            _settings(interval_ms=50),
            more_scripts=(WATCHER,),
            inputs=(MATCH_IN_SCENE,),
        ) as (client, log_path, _),
    ):
        time.sleep(3)
        with show(display, DEMO_CLIP, *GAME, loop=False) as player:
            started = time.monotonic()
            next_picture = started
            while player.poll() is None and time.monotonic() - started < 60:
                text = client.get_input_settings("Leader").input_settings.get("text", "")
                scene = client.get_current_program_scene().current_program_scene_name
                observed.append((text, scene))
                if time.monotonic() >= next_picture:
                    pictures.append(_screenshot(client, scene))
                    next_picture += 1.0
                time.sleep(0.1)
            time.sleep(2)
            observed.append(
                (
                    client.get_input_settings("Leader").input_settings.get("text", ""),
                    client.get_current_program_scene().current_program_scene_name,
                )
            )
            pictures.append(_screenshot(client, observed[-1][1]))
        log = log_path.read_text(errors="replace")

    for line in log.splitlines():
        if "obs-ddr:" in line or "scene-watcher" in line:
            print(line)
    assert "Traceback" not in log, log[-3000:]
    assert "scene-watcher: listening" in log, log[-3000:]
    expected = _leaders_that_hold(_truth(), HOLD_MS / 1000)
    assert len(expected) >= 3
    # Every lead change that holds switches the scene.
    scenes = _collapse([s for _, s in observed if s != SCENES["tie"]])
    assert scenes == [SCENES[p] for p in expected], _collapse([s for _, s in observed])
    # The text keeps following to the end of the song.
    leading = [m for m in (LEADS.match(t) for t, _ in observed) if m]
    assert _collapse(["p1" if m.group(1) == "Player 1" else "p2" for m in leading]) == expected
    assert observed[-1][0] == "", "after the song the idle text (empty) shows"
    # The other script's callback ran for every switch, in order.
    watched = _collapse([m.group(1).strip() for m in (WATCHED.search(line) for line in log.splitlines()) if m])
    assert [s for s in watched if s != SCENES["tie"]] == scenes, watched
    # OBS kept rendering: the program's picture (the match playing in it) kept changing.
    changes = sum(a != b for a, b in itertools.pairwise(pictures))
    assert changes >= 0.8 * (len(pictures) - 1), f"{changes} changes in {len(pictures)} screenshots"


def test_soak_memory_and_threads_stay_flat(obs29: ObsBuild, tmp_path: Path) -> None:
    """Reading at 30 reads/s while a match loops: OBS's resident memory and thread count
    stay flat, and the script logs no warning. OBS_DDR_SOAK_S makes it longer by hand."""
    import os

    soak_s = float(os.environ.get("OBS_DDR_SOAK_S", SOAK_S))
    figures: list[tuple[float, int, int]] = []
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(
            obs29,
            display,
            tmp_path,
            _settings(interval_ms=33),
            more_scripts=(WATCHER,),
        ) as (client, log_path, pid),
        show(display, DEMO_CLIP, *GAME, loop=True),
    ):
        time.sleep(15)  # loaded, learned the digits, caches warm: the figures from here on
        started = time.monotonic()
        while time.monotonic() - started < soak_s:
            figures.append((time.monotonic() - started, *obs_process_figures(pid)))
            assert client.get_current_program_scene().current_program_scene_name in SCENES.values()
            time.sleep(5)
        figures.append((time.monotonic() - started, *obs_process_figures(pid)))
        log = log_path.read_text(errors="replace")
    for t, rss, threads in figures:
        print(f"soak t={t:.0f}s rss={rss} KiB threads={threads}")
    ours = [line for line in log.splitlines() if "obs-ddr:" in line]
    for line in ours:
        print(line)
    assert ours, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    # script_log's WARNING and ERROR lines carry these levels in OBS's log.
    assert not [line for line in ours if "warning:" in line.lower() or "error:" in line.lower()], ours
    (_, rss_start, threads_start), (_, rss_end, threads_end) = figures[0], figures[-1]
    assert rss_end - rss_start <= SOAK_RSS_GROWTH_KIB * max(1.0, soak_s / SOAK_S), figures
    assert threads_end - threads_start <= SOAK_THREAD_GROWTH, figures
