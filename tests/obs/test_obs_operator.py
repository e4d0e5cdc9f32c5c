"""The operator's features in a real OBS, reading a Media Source (nothing on the X screen),
beside another Python script that listens to scene changes (the freeze case of issue 15):
overrides by hotkey through obs-websocket (TriggerHotkeyByName), the live chart in an Image
Source, the song summary on the results screen and the song log of a video of two songs."""

from __future__ import annotations

import base64
import csv
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ddrcore.base.scores import leader_of
from ddrcore.capture.base import Image
from ddrcore.cli.footage import Degradation, degrade, encode_video

from .. import realfont
from ..conftest import TwoSongs
from ..display import virtual_display
from ..obs_headless import ObsBuild
from .test_obs_e2e import SCENES, SCREEN, obs_with_scenes, script_settings
from .test_obs_source import CAPTURE_COST, CAPTURE_LIMIT_S
from .test_obs_threads import WATCHER

INTERVAL_MS = 50
OVERRIDE_S = 4
FPS = 30


def _media(video: Path, looping: bool) -> dict[str, Any]:
    return {
        "id": "ffmpeg_source",
        "versioned_id": "ffmpeg_source",
        "name": "Match",
        "settings": {"is_local_file": True, "local_file": str(video), "looping": looping},
    }


def _text(client: Any) -> str:
    return str(client.get_input_settings("Leader").input_settings.get("text", ""))


def _program(client: Any) -> str:
    return str(client.get_current_program_scene().current_program_scene_name)


def _until(check: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _p1_always_ahead(path: Path, seconds: float, size: tuple[int, int]) -> None:
    """A real-font song in which P1 leads by 20,000 throughout, both scores rising."""

    def frames() -> Iterator[tuple[float, Image, int | None, int | None]]:
        rng = np.random.default_rng(1)
        for i in range(int(seconds * FPS)):
            base = 2_000 * i // 10 * 10
            p1, p2 = base + 20_000, base
            yield i / FPS, degrade(realfont.composite(p1, p2), Degradation(), rng), p1, p2

    encode_video(path, size, FPS, frames())


def test_overrides_by_hotkey_in_a_real_obs(obs_build: ObsBuild, frames_dir: Path, tmp_path: Path) -> None:
    """Also a 1080p source: the profile's regions (all 0) follow its size, and the graphics
    thread's cost per read at 1080p is measured."""
    video = tmp_path / "p1-ahead.mp4"
    _p1_always_ahead(video, 40, (1920, 1080))
    profile_regions = {f"{p}_{k}": 0 for p in ("p1", "p2") for k in "xywh"}
    settings = script_settings(
        "ddr-world", INTERVAL_MS, capture="Match", override_s=OVERRIDE_S, text_format="{leader} leads {p1} - {p2}",
        **profile_regions,
    )  # fmt: skip
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(
            obs_build,
            display,
            tmp_path,
            settings,
            more_scripts=(WATCHER,),
            inputs=(_media(video, looping=True),),
            fps=FPS,
        ) as (
            client,
            log_path,
            _,
        ),
    ):
        client.create_scene("BRB")
        assert _until(lambda: _text(client).startswith("Player 1 leads ") and _program(client) == SCENES["p1"], 30)

        # P2 forced: the text and the scene, for override_s; then automatic by itself.
        client.trigger_hotkey_by_name("obs_ddr.force_p2")
        assert _until(lambda: _text(client) == "Player 2 leads" and _program(client) == SCENES["p2"], 2)
        forced_at = time.monotonic()
        time.sleep(OVERRIDE_S / 2)
        assert _text(client) == "Player 2 leads" and _program(client) == SCENES["p2"]
        assert _until(lambda: _text(client).startswith("Player 1 leads "), OVERRIDE_S + 2)
        handed_back_s = time.monotonic() - forced_at
        assert OVERRIDE_S - 0.5 <= handed_back_s <= OVERRIDE_S + 1.5, handed_back_s
        assert _until(lambda: _program(client) == SCENES["p1"], 2)

        # Freeze holds the text (which otherwise changes with every score) past override_s.
        client.trigger_hotkey_by_name("obs_ddr.freeze")
        time.sleep(0.5)
        frozen = _text(client)
        time.sleep(OVERRIDE_S + 1)
        assert _text(client) == frozen and _program(client) == SCENES["p1"]
        client.trigger_hotkey_by_name("obs_ddr.freeze")
        assert _until(lambda: _text(client) != frozen, 2)

        # A forced tie, cancelled by "automatic now" long before its time.
        client.trigger_hotkey_by_name("obs_ddr.force_tie")
        assert _until(lambda: _text(client) == "Tie" and _program(client) == SCENES["tie"], 2)
        client.trigger_hotkey_by_name("obs_ddr.automatic")
        assert _until(lambda: _text(client).startswith("Player 1 leads ") and _program(client) == SCENES["p1"], 2)

        # An override never pulls the program away from a scene the script does not own.
        client.set_current_program_scene("BRB")
        client.trigger_hotkey_by_name("obs_ddr.force_p2")
        assert _until(lambda: _text(client) == "Player 2 leads", 2)
        time.sleep(1)
        assert _program(client) == "BRB"
        client.set_current_program_scene(SCENES["tie"])
        client.trigger_hotkey_by_name("obs_ddr.automatic")
        assert _until(lambda: _program(client) == SCENES["p1"], 3)  # a switch logs the timings
        log = log_path.read_text(errors="replace")
    costs = [m for m in CAPTURE_COST.finditer(log)]
    assert costs, log[-2000:]
    median_us, max_us = int(costs[-1].group(1)), int(costs[-1].group(2))
    print(f"1080p source, graphics thread per read: median {median_us} us, max {max_us} us, n={costs[-1].group(3)}")
    assert median_us / 1e6 < CAPTURE_LIMIT_S


def _chart_picture(client: Any) -> bytes:
    shot = client.get_source_screenshot("Chart", "png", 400, 150, -1).image_data
    return base64.b64decode(shot.split(",", 1)[1])


def test_chart_summary_and_song_log_in_a_real_obs(obs_build: ObsBuild, two_songs: TwoSongs, tmp_path: Path) -> None:
    video, truth, finals = two_songs.video, two_songs.truth, two_songs.finals
    logs = tmp_path / "logs"
    settings = script_settings(
        "ddr-world", INTERVAL_MS, capture="Match", chart_source="Chart", log_dir=str(logs),
        summary_format="{winner} wins by {margin}", text_format="{leader} leads by {margin}",
    )  # fmt: skip
    chart = {"id": "image_source", "versioned_id": "image_source", "name": "Chart", "settings": {"file": ""}}
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(
            obs_build,
            display,
            tmp_path,
            settings,
            more_scripts=(WATCHER,),
            inputs=(_media(video, looping=False), chart),
            fps=FPS,
        ) as (
            client,
            log_path,
            _,
        ),
    ):
        assert client.get_input_settings("Chart").input_settings["file"].endswith("obs-ddr-chart.png")
        client.trigger_media_input_action("Match", "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART")
        pictures, summaries = [], []
        started = time.monotonic()
        while time.monotonic() - started < truth[-1][0] + 5:
            cursor_s = (client.get_media_input_status("Match").media_cursor or 0) / 1000
            text = _text(client)
            if " wins by " in text and (not summaries or summaries[-1][1] != text):
                summaries.append((cursor_s, text))
            pictures.append((cursor_s, _chart_picture(client)))
            time.sleep(0.5)
        log = log_path.read_text(errors="replace")
    print("\n".join(line for line in log.splitlines() if "obs-ddr:" in line))
    assert "Traceback" not in log
    # The chart changes while a song plays, and stays as it was on the results screen.
    first_song = [p for t, p in pictures if 3 < t < 28]
    assert len(set(first_song)) >= 10, len(set(first_song))
    # The scores go at 31 s and the next song starts at 35 s. The song ends SCREEN_CHANGE_S
    # after its scores go (its last chart is drawn then), and OBS's image source looks at its
    # file about once a second: from 33.5 s on, what shows is that last chart.
    results = [p for t, p in pictures if 33.5 < t < 34.9]
    assert len(results) >= 2 and len(set(results)) == 1
    # The summary: the first song's winner and margin, from the results screen on.
    names = ("Player 1", "Player 2")
    expected = [f"{name} wins by {abs(p1 - p2):,}" for (p1, p2), name in zip(finals, names, strict=True)]
    assert [text for _, text in summaries] == expected, summaries
    assert 31 <= summaries[0][0] <= 33, summaries  # the scores go at 31 s
    # The song log: exactly two rows, the true winners and final scores.
    rows = list(csv.DictReader((logs / "songs.csv").read_text(encoding="utf-8").splitlines()))
    assert [(r["winner"], int(r["p1"]), int(r["p2"])) for r in rows] == [(leader_of(*f), *f) for f in finals]
