"""The operator's overrides and the song summary, as the presenter decides them, and the live
chart's picture: pure rules, tested without OBS (the real-OBS tests drive them by hotkey)."""

from __future__ import annotations

import numpy as np
import pytest

from ddrcore.base.scores import leader_of, margin_of
from ddrcore.read.profiles import load_profile
from ddrcore.show.chart import ChartStyle, draw_chart, obs_colour
from ddrcore.show.present import Wording
from ddrcore.show.presenter import Presenter
from ddrcore.track.momentum import Momentum, Sample, SongCurve
from ddrcore.track.tracker import LeadState

FMT = load_profile("ddr-world").format
WORDING = Wording(summary_format="{winner} wins by {margin}", p1_name="Ana", p2_name="Bo")


def _lead(p1: int, p2: int) -> LeadState:
    return LeadState(leader_of(p1, p2), p1, p2, margin_of(p1, p2))


def test_a_forced_leader_holds_for_its_time_then_hands_back() -> None:
    presenter = Presenter(WORDING, FMT, override_s=30)
    lead, stats = _lead(500_000, 480_000), Momentum().stats
    assert presenter.showing(lead, stats, 0.0).text == "Ana leads by 20,000"
    presenter.press("p2", 10.0)
    forced = presenter.showing(lead, stats, 10.0)
    # Bo is forced although the scores say Ana: no margin the scores contradict.
    assert (forced.text, forced.leader, forced.keep_scene) == ("Bo leads", "p2", False)
    assert "Bo leads for 25 s more" in presenter.status(15.0)
    assert presenter.showing(lead, stats, 39.9).leader == "p2"
    back = presenter.showing(lead, stats, 40.0)
    assert (back.text, back.leader) == ("Ana leads by 20,000", "p1") and presenter.status(40.0) == ""
    presenter.press("p1", 41.0)  # forcing the leader the scores show keeps the usual text
    assert presenter.showing(lead, stats, 41.0).text == "Ana leads by 20,000"
    presenter.press("tie", 42.0)
    assert presenter.showing(lead, stats, 42.0).text == "Tie"


def test_freeze_holds_until_pressed_again_and_automatic_cancels() -> None:
    presenter = Presenter(WORDING, FMT, override_s=30)
    lead, stats = _lead(500_000, 480_000), Momentum().stats
    revision = presenter.revision
    presenter.press("freeze", 0.0)
    assert presenter.revision > revision
    frozen = presenter.showing(_lead(100, 900), stats, 1000.0)  # long after any timed override
    assert frozen.text is None and frozen.keep_scene
    assert "frozen" in presenter.status(1000.0)
    presenter.press("freeze", 1001.0)
    assert presenter.showing(lead, stats, 1001.0).text == "Ana leads by 20,000"
    presenter.press("p2", 1002.0)
    presenter.press("automatic", 1003.0)
    assert presenter.showing(lead, stats, 1003.0).leader == "p1"
    # An override in force survives a settings edit (a new presenter).
    presenter.press("p2", 1004.0)
    edited = Presenter(Wording(text_format="{leader} +{margin}", p1_name="Ana", p2_name="Bo"), FMT, 30, presenter)
    assert edited.showing(lead, stats, 1005.0).leader == "p2"


def test_the_summary_shows_from_the_results_screen_until_the_next_song() -> None:
    presenter = Presenter(WORDING, FMT, override_s=30)
    momentum = Momentum(new_song_below=1000)
    for i in range(100):
        momentum.update(i / 10, _lead(10_000 * i, 9_000 * i))
    lead = _lead(990_000, 891_000)
    assert presenter.showing(lead, momentum.stats, 0).text == "Ana leads by 99,000"
    for i in range(3):
        momentum.update(10 + i / 10, LeadState())
    assert presenter.showing(LeadState(), momentum.stats, 0).text == "Ana wins by 99,000"
    momentum.update(20, _lead(0, 0))  # the next song: the summary gives way
    assert presenter.showing(_lead(0, 0), momentum.stats, 0).text == "Tie"
    assert presenter.showing(LeadState(), momentum.stats, 0).text == ""  # idle text until the song counts


def test_the_chart_is_see_through_in_the_players_colours() -> None:
    style = ChartStyle("Ana", "Bo", obs_colour(0xFFFF0000), obs_colour(0xFF0000FF))
    assert style.p1_colour == (255, 0, 0) and style.p2_colour == (0, 0, 255)  # OBS's ABGR -> BGR
    curve = SongCurve()
    for i in range(600):
        t = i / 10
        p1, p2 = 10_000 * t + 3_000 * np.sin(t), 10_000 * t - 3_000 * np.sin(t)
        curve.add(Sample(t, p1, p2, leader_of(p1, p2)))
    picture = draw_chart(curve, style, ("600,000", "590,000"))
    assert picture.shape == (300, 800, 4)
    assert picture[5, 400, 3] < 255  # the backdrop lets the game show through
    colours = {tuple(int(c) for c in px[:3]) for px in picture.reshape(-1, 4) if px[3] == 255}
    assert (255, 0, 0) in colours and (0, 0, 255) in colours
    empty = draw_chart(SongCurve(), style)
    assert not np.array_equal(picture, empty)


def test_a_new_song_starts_a_new_chart_and_the_results_keep_the_last() -> None:
    momentum = Momentum(new_song_below=1000)
    for i in range(100):
        momentum.update(i / 10, _lead(10_000 * i, 9_000 * i))
    song_one = list(momentum.song_curve.times)
    for i in range(5):
        momentum.update(10 + i / 10, LeadState())  # results: the last song's curve stays
    assert list(momentum.song_curve.times) == song_one and len(song_one) == 100
    for i in range(3):
        momentum.update(20 + i / 10, _lead(10 * i, 10 * i))
    assert [round(t, 1) for t in momentum.song_curve.times] == [0.0, 0.1, 0.2]


def test_a_press_as_an_override_runs_out_is_never_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hotkey thread presses P2 just as the timer finds the P1 override run out (between
    its look and its write): the press stands."""
    import threading

    from ddrcore.show import presenter as presenting

    shown = Presenter(WORDING, FMT, 1.0)
    shown.press("p1", 0.0)
    expire = presenting.in_force
    pressing: list[threading.Thread] = []

    def in_force_while_pressed(current: object, now_s: float) -> object:
        result = expire(current, now_s)  # type: ignore[arg-type]
        if not pressing:  # the other thread presses now, between the look and the write
            pressing.append(threading.Thread(target=shown.press, args=("p2", now_s)))
            pressing[0].start()
            pressing[0].join(0.2)
        return result

    monkeypatch.setattr(presenting, "in_force", in_force_while_pressed)
    assert shown.override(1.0) is None  # P1 ran out
    pressing[0].join(5)
    current = shown.override(1.0)
    assert current is not None and current.leader == "p2"
