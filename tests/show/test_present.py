"""What the text says when the scores are old: the leader only, never the old numbers."""

from __future__ import annotations

import csv
from pathlib import Path

from ddrcore.read.profiles import load_profile
from ddrcore.show.present import Wording, leader_text
from ddrcore.track.momentum import Momentum
from ddrcore.track.tracker import LeadState

DDR = load_profile("ddr-world")


def test_stale_scores_show_the_leader_only_text() -> None:
    wording = Wording(text_format="{leader} leads by {margin} ({p1} - {p2})", leader_only_text="{leader} ahead{margin}")
    fresh = LeadState("p1", 500_000, 490_000, 10_000, 0.0)
    assert leader_text(fresh, DDR.format, wording) == "Player 1 leads by 10,000 (0,500,000 - 0,490,000)"
    stale = LeadState("p1", 500_000, 490_000, 10_000, 0.0, fresh=False, stale=True)
    assert leader_text(stale, DDR.format, wording) == "Player 1 ahead", "no number, not even in a field"
    tie = LeadState("tie", 500_000, 500_000, 0, 0.0, fresh=False, stale=True)
    assert leader_text(tie, DDR.format, Wording(tie_text="Tie {p1}")) == "Tie "


def test_stale_scores_are_no_point_of_the_chart_and_do_not_end_the_song() -> None:
    momentum = Momentum.for_game(DDR.motion)
    for i in range(10):
        momentum.update(i * 0.25, LeadState("p1", 10_000 * i + 10, 8_000 * i, 2_000 * i + 10, 0.0))
    points = len(momentum.song_curve.times)
    stale = LeadState("p1", 90_010, 72_000, 18_010, 0.0, fresh=False, stale=True)
    for i in range(8):
        assert momentum.update(3.0 + i * 0.25, stale) is None
    assert len(momentum.song_curve.times) == points
    assert momentum.stats.in_song


def test_analyze_rows_leave_stale_scores_out(tmp_path: Path) -> None:
    """The CSV `analyze` writes: a row whose scores are stale keeps its leader, not its numbers."""
    from ddrcore.cli.commands import _write_csv

    states = [
        (0.0, LeadState("p1", 500_000, 490_000, 10_000, 0.0)),
        (1.5, LeadState("p1", 500_000, 490_000, 10_000, 0.0, fresh=False, stale=True)),
    ]
    path = tmp_path / "rows.csv"
    _write_csv(path, states)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert (rows[0]["p1"], rows[0]["leader"], rows[0]["margin"]) == ("500000", "p1", "10000")
    assert (rows[1]["p1"], rows[1]["p2"], rows[1]["leader"], rows[1]["margin"]) == ("", "", "p1", "")


def test_a_clinched_leader_is_named_at_once_with_the_clinched_text_and_predictions() -> None:
    """Scores from the game: once P1 has clinched, the text says so at once (no hold: the
    lead can never change again), and the prediction placeholders show the bounds."""
    from dataclasses import replace

    from ddrcore.capture.game.state import GameState, Notes, PlayerState
    from ddrcore.show.presenter import Presenter
    from ddrcore.track.momentum import MatchStats
    from ddrcore.track.predict import outlook_of

    weights = {"W1": 5, "Miss": -12}
    p1 = PlayerState(True, actual=480, possible_now=480, possible=500, judgments={"W1": 96}, notes=Notes(taps=100))
    p2 = PlayerState(
        True, actual=410, possible_now=495, possible=500, judgments={"W1": 94, "Miss": 5}, notes=Notes(100)
    )
    outlook = outlook_of(GameState(1, 0.0, "ScreenGameplay", p1, p2, weights=weights))
    assert outlook is not None and outlook.clinched == "p1"
    fmt = load_profile("itg-percent").format
    wording = Wording(
        text_format="{leader} leads {p1} (max {p1_max}, min {p1_min}, {p1_win_chance})",
        clinched_text="{clinched} has clinched",
    )
    stats = replace(MatchStats(), outlook=outlook)
    # The tracker still names P2 (P1's lead is younger than the hold), the scores show P1.
    pending = LeadState("p2", 96.0, 82.0, 14.0, since_s=1.0)
    assert Presenter(wording, fmt, 30).showing(pending, stats, 2.0).text == "Player 1 has clinched"
    assert Presenter(wording, fmt, 30).showing(pending, stats, 2.0).leader == "p1"  # its scene too
    unclinched = replace(stats, outlook=replace(outlook, clinched=None))
    leading = LeadState("p1", 96.0, 82.0, 14.0, since_s=1.0)
    text = Presenter(wording, fmt, 30).showing(leading, unclinched, 2.0).text
    assert text == "Player 1 leads 96.00 (max 100.00, min 86.40, 100%)", text
