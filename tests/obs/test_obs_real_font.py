"""A real-font DDR World song in a real OBS: the leader shows from the song's first frames
(the opening 0 - 0 is a tie), never goes blank until the results screen, and every lead
change that holds reaches the text and the scene. The glyphs are learned from nothing."""

from __future__ import annotations

import time
from pathlib import Path

from .. import realfont
from ..display import show, virtual_display
from ..obs_headless import ObsBuild
from .test_obs_e2e import (
    GAME,
    HOLD_MS,
    SCENES,
    SCREEN,
    _collapse,
    _leaders_that_hold,
    follow_while_playing,
    obs_with_scenes,
    script_settings,
)
from .test_obs_threads import WATCHER

LEAD_IN_S = 4.0  # the 0 - 0 before the song's first step, longer than the player takes to show
TEXT_FORMAT = "{leader} leads by {margin}"


def test_a_real_font_ddr_song_in_obs(obs29: ObsBuild, frames_dir: Path, tmp_path: Path) -> None:
    video = tmp_path / "ddr-song.mp4"
    truth = realfont.write_song_video(video, 50, 30, seed=4, lead_in_s=LEAD_IN_S)
    settings = script_settings("ddr-world", 50, tie_text="Tie", text_format=TEXT_FORMAT)
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(obs29, display, tmp_path, settings, more_scripts=(WATCHER,)) as (client, log_path, _),
    ):
        time.sleep(3)
        with show(display, video, *GAME, loop=False) as player:
            # show() waits 1.5 s for the window, the video already playing.
            observed = follow_while_playing(client, player, time.monotonic() - 1.5, 90)
        log = log_path.read_text(errors="replace")
    for line in log.splitlines():
        if "obs-ddr:" in line:
            print(line)
    assert "Traceback" not in log, log[-3000:]
    texts = [text for _, text, _ in observed]
    # From the song's first frames: the opening tie shows before the first step.
    assert any(text == "Tie" for t, text, _ in observed if t < LEAD_IN_S), _collapse(texts)[:5]
    # Never blank from the first text until the results screen.
    first = next(i for i, text in enumerate(texts) if text)
    end = max(i for i, (t, _, _) in enumerate(observed) if t < truth[-1][0] - 1.5)
    blank = [round(observed[i][0], 1) for i in range(first, end) if not texts[i]]
    assert blank == [], f"the text went blank at {blank}"
    expected = _leaders_that_hold(truth, HOLD_MS / 1000)
    names = {"Player 1": "p1", "Player 2": "p2"}
    leaders = _collapse([names[t.split(" leads")[0]] for t in texts if " leads by " in t])
    assert leaders == expected, (leaders, expected)
    scenes = _collapse([s for _, _, s in observed if s and s != SCENES["tie"]])
    assert scenes == [SCENES[p] for p in expected]
    assert texts[-1] == "", "on the results screen the idle text (empty) shows"
