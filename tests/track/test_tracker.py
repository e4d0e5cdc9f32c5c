"""Tracker properties (hypothesis): hold, single misreads, new songs, falling ITG scores."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddrcore.read.profiles import load_profile
from ddrcore.track.tracker import SCREEN_CHANGE_S, TrackRules, TrackState, track

DDR = TrackRules(load_profile("ddr-world").motion, hold_s=1.0)
ITG = TrackRules(load_profile("itg-percent").motion, hold_s=1.0)


def _run(rules: TrackRules, reads: list[tuple[float, int | float | None, int | float | None]]) -> list[TrackState]:
    state = TrackState()
    out = []
    for t, p1, p2 in reads:
        state = track(state, t, p1, p2, rules)
        out.append(state)
    return out


@st.composite
def rising_match(draw: st.DrawFn) -> list[tuple[float, int | float | None, int | float | None]]:
    steps = draw(st.integers(10, 80))
    dt = draw(st.sampled_from([0.1, 0.25, 0.5]))
    p1 = p2 = 0
    reads: list[tuple[float, int | float | None, int | float | None]] = []
    for i in range(steps):
        p1 += draw(st.integers(0, 20000))
        p2 += draw(st.integers(0, 20000))
        reads.append((i * dt, p1, p2))
    return reads


@settings(max_examples=200, deadline=None)
@given(rising_match())
def test_leader_never_changes_faster_than_hold(
    reads: list[tuple[float, int | float | None, int | float | None]],
) -> None:
    assert _hold_broken(_run(DDR, reads), DDR.hold_s) == []


def _hold_broken(states: list[TrackState], hold_s: float) -> list[tuple[float, float]]:
    """(when a leader took over, when the next one did) for each leader shown less than
    ``hold_s``. The first leader of a song (after none) is shown at once, by design: only a
    change from one leader to another counts."""
    return [
        (before.lead.since_s, after.lead.since_s)
        for before, after in itertools.pairwise(states)
        if before.lead.leader is not None
        and after.lead.leader not in (None, before.lead.leader)
        and before.lead.since_s is not None
        and after.lead.since_s is not None
        and after.lead.since_s - before.lead.since_s < hold_s - 1e-9
    ]


def test_the_hold_check_catches_a_tracker_that_does_not_hold() -> None:
    """The property above can fail: a tracker with no hold flips on every crossing."""
    flapping: list[tuple[float, int | float | None, int | float | None]] = [
        (i * 0.1, 1000 * i + (300 if (i // 3) % 2 else 0), 1000 * i + (0 if (i // 3) % 2 else 300)) for i in range(60)
    ]
    assert _hold_broken(_run(replace(DDR, hold_s=0.0), flapping), DDR.hold_s)
    assert _hold_broken(_run(DDR, flapping), DDR.hold_s) == []


@settings(max_examples=200, deadline=None)
@given(rising_match(), st.integers(0, 1000), st.integers(0, 2_000_000), st.booleans())
def test_single_misread_never_changes_leader(
    reads: list[tuple[float, int | float | None, int | float | None]], where: int, misread: int, on_p1: bool
) -> None:
    # P1 is always far ahead; one arbitrary misread must never hand the lead to P2.
    ahead = [(t, (p1 or 0) + 5_000_000 if p1 is not None else None, p2) for t, p1, p2 in reads]
    i = where % len(ahead)
    t, p1, p2 = ahead[i]
    ahead[i] = (t, misread, p2) if on_p1 else (t, p1, misread)
    for state in _run(DDR, ahead):
        assert state.lead.leader in (None, "p1")


def test_new_song_resets_cleanly() -> None:
    song1 = [(i * 0.25, 10000 * i, 8000 * i) for i in range(40)]
    gap = [(10 + i * 0.25, None, None) for i in range(8)]
    song2 = [(12 + i * 0.25, 7000 * i, 9000 * i) for i in range(40)]
    states = _run(DDR, song1 + gap + song2)
    assert states[len(song1) - 1].lead.leader == "p1"
    assert states[len(song1) + len(gap) - 1].lead.leader is None
    assert states[-1].lead.leader == "p2"
    assert states[-1].lead.p1 is not None and states[-1].lead.p1 < 400_000


def test_new_song_without_a_gap_falls_back_to_zero() -> None:
    song1 = [(i * 0.25, 10000 * i, 8000 * i) for i in range(40)]
    song2 = [(10 + i * 0.25, 7000 * i, 9000 * i) for i in range(40)]
    states = _run(DDR, song1 + song2)
    assert states[-1].lead.leader == "p2"
    assert states[-1].lead.p2 == 9000 * 39 or states[-1].lead.p2 == 9000 * 38


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 1.5))
def test_itg_score_that_really_falls_is_followed(drop: float) -> None:
    reads: list[tuple[float, int | float | None, int | float | None]] = []
    for i in range(20):
        reads.append((i * 0.5, round(20 + 0.3 * i, 2), 20.0))
    top = reads[-1][1]
    assert isinstance(top, float)
    for i in range(20, 30):
        reads.append((i * 0.5, round(top - drop, 2), 20.0))
    final = _run(ITG, reads)[-1]
    assert final.lead.p1 == round(top - drop, 2)


def test_ddr_lower_read_is_a_misread() -> None:
    reads: list[tuple[float, int | float | None, int | float | None]] = [
        (i * 0.25, 500000 + 1000 * i, 400000) for i in range(10)
    ]
    reads.append((2.5, 300000, 400000))  # impossible: a DDR score never falls mid-song
    reads.append((2.75, 511000, 400000))
    states = _run(DDR, reads)
    assert all(s.lead.p1 is None or s.lead.p1 >= 500000 for s in states)


def test_unsure_reads_keep_the_leader_and_gone_scores_clear_it() -> None:
    """Digits on screen but unread keep the last settled leader and scores (a read that is
    refused for a while mid-song); scores that are gone (results, menu) clear them."""
    song = [(i * 0.25, 10000 * i, 8000 * i) for i in range(20)]
    state = _run(DDR, song)[-1]
    assert state.lead.leader == "p1"
    kept = state.lead
    shown_s = song[-2][0]  # the median of the last three (rising) reads: the middle one
    for i in range(40):  # 10 s of both players unsure
        t = 5 + i * 0.25
        state = track(state, t, None, None, DDR, present=(True, True))
        # The same leader, said to be kept, not read; its numbers old once stale_s has passed.
        stale = t - shown_s > DDR.stale_s
        assert state.lead == replace(kept, fresh=False, stale=stale)
    state = track(state, 15.0, 150_000, 160_000, DDR, present=(True, True))
    assert state.lead.p2 == kept.p2 or state.lead.leader == "p1"  # one read never changes the leader
    state = track(state, 15.25, None, None, DDR, present=(False, False))
    assert state.lead.leader == "p1", "gone for a moment (a capture hiccup) keeps the scores"
    state = track(state, 15.25 + SCREEN_CHANGE_S, None, None, DDR, present=(False, False))
    assert state.lead.leader is None and state.lead.p1 is None


def _song_then_gone(interval_s: float, gone_s: float) -> tuple[list[TrackState], float, list[float]]:
    """A 5 s song read every ``interval_s``, then both scores gone for ``gone_s``: the states
    while gone, when the scores went, and the times of the reads while gone."""
    song: list[tuple[float, int | float | None, int | float | None]] = [
        (i * interval_s, 10000 * i, 8000 * i) for i in range(int(5 / interval_s))
    ]
    gone_at = song[-1][0] + interval_s
    times = [gone_at + k * interval_s for k in range(int(gone_s / interval_s) + 1)]
    states = _run(DDR, [*song, *((t, None, None) for t in times)])
    return states[len(song) :], gone_at, times


@pytest.mark.parametrize("interval_s", [0.033, 0.1, 0.25])
def test_a_capture_hiccup_keeps_the_scores_at_any_read_rate(interval_s: float) -> None:
    """Both scores gone for 0.1 s (three dropped frames at 30 reads/s) is no screen change."""
    states, _, _ = _song_then_gone(interval_s, 0.1)
    assert all(s.lead.leader == "p1" for s in states)


@pytest.mark.parametrize("interval_s", [0.033, 0.25, 1.0])
def test_a_screen_change_is_the_same_time_at_any_read_rate(interval_s: float) -> None:
    """Both scores gone: dropped once they have been gone SCREEN_CHANGE_S (or the slower
    per-player lost_s, at one read a second), however many reads that spans."""
    states, gone_at, times = _song_then_gone(interval_s, SCREEN_CHANGE_S + 2 * interval_s)
    cleared = [t for t, s in zip(times, states, strict=True) if s.lead.leader is None]
    assert cleared and cleared[0] - gone_at <= max(SCREEN_CHANGE_S + interval_s, DDR.lost_s)
    assert cleared[0] - gone_at >= min(SCREEN_CHANGE_S, DDR.lost_s - interval_s) - 1e-9


def test_unsure_is_not_kept_for_ever() -> None:
    state = _run(DDR, [(i * 0.25, 10000 * i, 8000 * i) for i in range(20)])[-1]
    state = track(state, 5.0 + DDR.unsure_keep_s + 0.1, None, None, DDR, present=(True, True))
    assert state.lead.leader is None


def test_a_new_leader_is_confirmed_only_by_reads_that_show_it() -> None:
    """P2 takes the lead just before the results screen: scores kept through unread frames
    never finish the hold, so the results screen never names P2."""
    reads: list[tuple[float, int | float | None, int | float | None]] = [
        (i * 0.1, 10000 * i, 9000 * i) for i in range(30)
    ]
    reads += [(3.0 + i * 0.1, 290_000 + 100 * i, 300_000 + 1000 * i) for i in range(5)]  # P2 ahead for 0.5 s
    state = _run(DDR, reads)[-1]
    for i in range(15):  # then only one player's digits show, unread, for 1.5 s
        state = track(state, 3.5 + i * 0.1, None, None, DDR, present=(True, False))
        assert state.lead.leader in ("p1", None)


def test_a_new_leaders_hold_counts_from_the_first_read_that_shows_it() -> None:
    """The vote on each score lags the reads by one; the hold does not wait for it: a lead
    change read at t is shown at the first read from t + hold on, not a read later."""
    dt = 1 / 15
    reads = [(i * dt, 10_000 + 100 * i, 10_500 + 50 * i) for i in range(60)]  # P2 leads, P1 gains
    change = next(i for i, (_, p1, p2) in enumerate(reads) if p1 > p2)
    states = _run(DDR, reads)
    assert states[change - 1].lead.leader == "p2"
    shown = next(i for i, s in enumerate(states) if s.lead.leader == "p1")
    assert reads[shown][0] - reads[change][0] == min(
        reads[i][0] - reads[change][0] for i in range(change, 60) if reads[i][0] - reads[change][0] >= DDR.hold_s - 1e-9
    )


def test_an_unsure_read_does_not_restart_a_new_leaders_hold() -> None:
    """Digits changing under compression read unsure now and then (kept, not gone): such a
    read is no evidence against the new leader the reads before it showed."""
    dt = 1 / 15
    reads = [(i * dt, 10_000 + 100 * i, 10_500 + 50 * i) for i in range(60)]
    change = next(i for i, (_, p1, p2) in enumerate(reads) if p1 > p2)
    state, shown_at = TrackState(), None
    for i, (t, p1, p2) in enumerate(reads):
        unsure = i in (change + 1, change + 3)
        state = track(state, t, None if unsure else p1, p2, DDR, present=(True, True))
        if shown_at is None and state.lead.leader == "p1":
            shown_at = t
    assert shown_at is not None and shown_at - reads[change][0] < DDR.hold_s + dt


@given(rising_match(), st.data())
@settings(max_examples=60, deadline=None)
def test_no_score_older_than_stale_s_is_shown(
    reads: list[tuple[float, int | float | None, int | float | None]], data: st.DataObject
) -> None:
    """Whatever reads go unread (unsure), a state that is not stale shows only scores that
    were read within stale_s (the median of three reads around a run of unsure ones is an
    old read, and must count as old)."""
    unread = data.draw(st.sets(st.integers(0, len(reads) - 1)))
    state = TrackState()
    seen: list[tuple[float, int | float | None, int | float | None]] = []
    for i, (t, p1, p2) in enumerate(reads):
        if i in unread:
            state = track(state, t, None, None, DDR, present=(True, True))
        else:
            state = track(state, t, p1, p2, DDR)
            seen.append((t, p1, p2))
        if state.lead.p1 is not None and not state.lead.stale:
            recent = [(a, b) for tt, a, b in seen if t - tt <= DDR.stale_s]
            assert state.lead.p1 in [a for a, _ in recent], (t, state.lead, recent)
        if state.lead.p2 is not None and not state.lead.stale:
            recent = [(a, b) for tt, a, b in seen if t - tt <= DDR.stale_s]
            assert state.lead.p2 in [b for _, b in recent], (t, state.lead, recent)


def test_stale_scores_keep_their_leader_without_numbers() -> None:
    state = _run(DDR, [(i * 0.25, 10000 * i, 8000 * i) for i in range(20)])[-1]
    shown_s = 4.5  # the median of the last three reads, 4.25-4.75 s
    for t in (5.0, 5.25, 5.5):
        state = track(state, t, None, None, DDR, present=(True, True))
    assert not state.lead.stale, "up to 1.0 s since the read shown: within stale_s"
    state = track(state, shown_s + DDR.stale_s + 0.25, None, None, DDR, present=(True, True))
    assert state.lead.stale and state.lead.leader == "p1"
    state = track(state, 6.5, 200_000, 160_000, DDR)
    state = track(state, 6.75, 202_000, 162_000, DDR)
    assert not state.lead.stale, "fresh reads again: the numbers are back"
