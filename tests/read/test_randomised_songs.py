"""Whole songs in each game's own font, rendered and captured at random (tests/randomised.py),
read as ``analyze`` reads a video (reader, then tracker, then the rows it writes) from an
empty store: every lead change that holds reaches the text, no wrong leader stands beyond
the hold and one read after a true change, and no row shows a score the game stopped
showing more than ``stale_s`` ago."""

from __future__ import annotations

import itertools

import pytest

from ddrcore.base.scores import leader_of
from ddrcore.live.session import ReadConfig, make_reader, make_tracker

from .. import randomised

SONG_S = 60.0
READS_PER_S = 10.0
SONGS_PER_PROFILE = 2
MIN_LEAD_CHANGES = 4
HOLD_S = 1.0


def _spans(leaders: list[tuple[float, str | None]]) -> list[tuple[str | None, float, float]]:
    spans: list[tuple[str | None, float, float]] = []
    for t, leader in leaders:
        if spans and spans[-1][0] == leader:
            spans[-1] = (leader, spans[-1][1], t)
        else:
            spans.append((leader, t, t))
    return spans


@pytest.mark.parametrize("song_index", range(SONGS_PER_PROFILE))
@pytest.mark.parametrize("profile", randomised.PROFILES)
def test_a_randomised_song_is_followed_without_a_stale_or_wrong_number(
    profile: str, song_index: int, frames_dir: object, tesseract: str
) -> None:
    seed = randomised.seed_for(f"song-{profile}-{song_index}")
    print(f"\n{profile} song {song_index}: seed {seed} (replay: OBS_DDR_SEED={seed})")
    config = ReadConfig(profile, hold_ms=int(HOLD_S * 1000), keep_learned=False)
    reader, tracker = make_reader(config), make_tracker(config)
    stale_s = tracker.rules.stale_s
    interval = 1 / READS_PER_S
    truth: list[tuple[float, int | float, int | float]] = []
    rows: list[randomised.Row] = []
    shown: list[tuple[float, str | None, object, object, bool]] = []
    with reader:
        for frame in randomised.song(profile, SONG_S, READS_PER_S, seed):
            p1 = reader.read_region(frame.p1.image, frame.p1.region)
            p2 = reader.read_region(frame.p2.image, frame.p2.region)
            lead = tracker.update(frame.time_s, p1.score, p2.score, (p1.present, p2.present))
            truth.append((frame.time_s, frame.p1.score, frame.p2.score))
            shown.append((frame.time_s, lead.leader, lead.p1, lead.p2, lead.stale))
            rows.append((frame.time_s, frame.p1.score, frame.p2.score, p1.score, p2.score, lead.leader))

    true_leaders = [(t, leader_of(a, b)) for t, a, b in truth]
    held = [s for s in _spans(true_leaders) if s[0] in ("p1", "p2") and s[2] - s[1] >= HOLD_S + 0.5]
    changes = sum(1 for a, b in itertools.pairwise(held) if a[0] != b[0])
    assert changes >= MIN_LEAD_CHANGES, f"the song has {changes} lead changes"

    # Numbers shown (the rows analyze writes): each one the game showed within stale_s.
    stale_rows = []
    for t, _, p1, p2, stale in shown:
        if stale or p1 is None:
            continue
        recent = [(a, b) for tt, a, b in truth if t - stale_s - 1e-9 <= tt <= t]
        if p1 not in [a for a, _ in recent] or (p2 is not None and p2 not in [b for _, b in recent]):
            stale_rows.append((t, p1, p2, recent[-1]))
    late, wrong = randomised.lead_problems(rows, HOLD_S, interval)
    refused = sum(1 for _, s, *_ in shown if s is None)
    print(
        f"{profile} song {song_index}: {changes} lead changes; {refused}/{len(shown)} reads without a leader;"
        f" stale rows {len(stale_rows)}, late changes {len(late)}, wrong leaders {len(wrong)}"
    )
    assert not stale_rows, stale_rows[:5]
    assert not late, late
    assert not wrong, wrong[:5]
