"""The game file as obs-ddr reads it: the percent the game shows, a half-written, foreign or
old-format file refused in one line, a file that stops changing mid-song called stale, and
where ``--game-file auto`` looks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from ddrcore.base.errors import GameFileError
from ddrcore.capture.game.feed import GameFeed
from ddrcore.capture.game.places import FILE_NAME, find_game_file, user_folders
from ddrcore.capture.game.state import FORMAT, parse_state, shown_percent


def state_json(seq: int = 1, screen: str = "ScreenGameplay", **players: dict[str, Any]) -> str:
    return json.dumps({"format": FORMAT, "seq": seq, "time": seq / 10, "screen": screen, "players": players})


def test_the_percent_is_cut_as_the_engine_cuts_it() -> None:
    # Simply Love drew 387 of 1730 dance points as 22.37 (../shared/games/stepmania-5.1 README).
    assert shown_percent(387, 1730) == 22.37
    assert shown_percent(1729, 1730) == 99.94
    assert shown_percent(1730, 1730) == 100.0
    assert shown_percent(-40, 1730) == 0.0
    assert shown_percent(5, 0) is None


def test_a_whole_file_is_read_and_anything_else_refused_in_one_line() -> None:
    p1 = {"joined": True, "actual": 387, "possible_now": 400, "possible": 1730, "judgments": {"W1": 70}}
    state = parse_state(state_json(7, P1=p1, P2={"joined": False}))
    assert (state.seq, state.playing, state.p1.actual, state.p1.judgments["W1"]) == (7, True, 387, 70)
    assert state.scores() == (22.37, None)
    half = state_json(7, P1=p1)[:50]
    for text, words in (
        (half, "not whole JSON"),
        ('{"name": "a song list"}', "not one obs-ddr's game module wrote"),
        (json.dumps({"format": FORMAT + 1, "seq": 1, "screen": "x"}), "install the module again"),
        (json.dumps({"format": FORMAT, "seq": "many", "screen": "x"}), "malformed"),
    ):
        with pytest.raises(GameFileError, match=words) as caught:
            parse_state(text)
        assert "\n" not in str(caught.value)


def test_menus_and_results_show_no_scores() -> None:
    p = {"joined": True, "actual": 100, "possible_now": 100, "possible": 200}
    assert parse_state(state_json(screen="ScreenSelectMusic", P1=p, P2=p)).scores() == (None, None)
    results = parse_state(state_json(screen="ScreenEvaluationStage", P1=p, P2=p))
    assert results.results and not results.playing


def test_the_feed_says_missing_then_reads_then_calls_a_still_file_stale(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    feed = GameFeed(path, stale_s=0.3)
    with pytest.raises(GameFileError, match="not found: is the game running"):
        feed.poll()
    path.write_text(state_json(1), encoding="utf-8")
    assert feed.poll()[1].seq == 1
    time.sleep(0.4)
    with pytest.raises(GameFileError, match="has not changed for"):
        feed.poll()
    path.write_text(state_json(2), encoding="utf-8")
    assert feed.poll()[1].seq == 2
    # On a menu the module writes once: a file that stays is no problem there.
    path.write_text(state_json(3, screen="ScreenSelectMusic"), encoding="utf-8")
    feed.poll()
    time.sleep(0.4)
    assert feed.poll()[1].screen == "ScreenSelectMusic"
    before = path.read_bytes()
    path.write_text("", encoding="utf-8")
    with pytest.raises(GameFileError, match="empty"):
        feed.poll()
    assert before  # the feed only reads: what it was given stays as it was
    path.write_bytes(before)
    assert path.read_bytes() == before


def test_auto_finds_the_newest_file_and_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(GameFileError, match="looked in") as caught:
        find_game_file(tmp_path)
    assert str(user_folders(tmp_path)[0]) in str(caught.value)
    older, newer = (user_folders(tmp_path)[i] / "Save" / FILE_NAME for i in (0, 1))
    for path in (older, newer):
        path.parent.mkdir(parents=True)
        path.write_text(state_json(), encoding="utf-8")
    now = time.time()
    os.utime(older, (now - 60, now - 60))
    assert find_game_file(tmp_path) == newer


def test_the_module_is_said_to_write_where_each_game_keeps_its_save_folder(tmp_path: Path) -> None:
    """ITGmania's user folder for an ITGmania install (on Linux a dot folder, ~/.itgmania), and
    beside the game when it runs portable."""
    from ddrcore.capture.game.places import save_folder

    (user_folders(tmp_path)[1] / "Save").mkdir(parents=True)  # StepMania 5.1 was played here too
    assert save_folder(tmp_path / "ITGmania", tmp_path) == user_folders(tmp_path)[0] / "Save"
    portable = tmp_path / "portable-game"
    portable.mkdir()
    (portable / "Portable.ini").write_text("", encoding="utf-8")
    assert save_folder(portable, tmp_path) == portable / "Save"
