"""What each player can still reach, from exact numbers: the most (all the rest perfect), the
least (all the rest missed), clinched only once the leader's least beats the other's most,
and a win chance that is even for equal players and certain only when clinched."""

from __future__ import annotations

from dataclasses import replace

from ddrcore.capture.game.state import GameState, Notes, PlayerState
from ddrcore.track.predict import UNSURE_CHANCE_CAP, outlook_of

# Simply Love's ITG weights (the real game's are checked in tests/capture/test_simply_love.py).
ITG = {"W1": 5, "W2": 4, "W3": 2, "W4": 0, "W5": -6, "Miss": -12, "HitMine": -6, "Held": 5, "LetGo": 0}


def player(fantastic: int, missed: int, taps: int = 100, holds: int = 0) -> PlayerState:
    actual = fantastic * 5 - missed * 12
    return PlayerState(
        joined=True,
        actual=actual,
        possible_now=(fantastic + missed) * 5,
        possible=(taps + holds) * 5,
        judgments={"W1": fantastic, "Miss": missed},
        notes=Notes(taps=taps, holds=holds),
    )


def game(p1: PlayerState, p2: PlayerState) -> GameState:
    return GameState(1, 0.0, "ScreenGameplay", p1, p2, weights=ITG)


def test_most_and_least_still_possible() -> None:
    outlook = outlook_of(game(player(40, 0), player(40, 0)))
    assert outlook is not None
    # 40 of 100 taps perfect: 60 more perfect is 100 %; 60 misses take 720 of the 200 won.
    assert (outlook.p1.best, outlook.p1.worst) == (100.0, 0.0)
    outlook = outlook_of(game(player(95, 0), player(95, 5, taps=100)))
    assert outlook is not None
    assert outlook.p1.best == 100.0 and outlook.p1.worst == 83.0  # (475 - 5 x 12) / 500
    assert outlook.p2.best == 83.0  # 415 + 0 left: the misses cost it for good


def test_clinched_only_when_the_least_beats_the_other_most() -> None:
    close = outlook_of(game(player(95, 0), player(94, 5, taps=100)))
    assert close is not None and close.clinched is None  # P1 could fall to 83.00, P2 still reach 83.00
    sure = outlook_of(game(player(96, 0), player(94, 5, taps=100)))
    assert sure is not None and sure.clinched == "p1"
    assert (sure.p1_chance, sure.p2_chance) == (1.0, 0.0)


def test_the_chance_is_even_for_equals_and_never_certain_before_clinched() -> None:
    even = outlook_of(game(player(50, 2), player(50, 2)))
    assert even is not None and even.p1_chance == 0.5
    far = outlook_of(game(player(60, 0), player(40, 20)))
    assert far is not None and far.clinched is None
    assert 0.5 < far.p1_chance <= UNSURE_CHANCE_CAP and far.p2_chance >= 1 - UNSURE_CHANCE_CAP


def test_no_outlook_without_two_players_or_on_a_menu() -> None:
    one = game(player(10, 0), PlayerState())
    assert outlook_of(one) is None
    assert outlook_of(replace(game(player(10, 0), player(10, 0)), screen="ScreenSelectMusic")) is None
