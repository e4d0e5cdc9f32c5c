"""Whole songs in each game's own font, rendered and captured at random (tests/randomised.py),
read as ``analyze`` reads a video (reader, then tracker, then the rows it writes) from an
empty store: every lead change that holds reaches the text, no wrong leader stands beyond
the hold and one read after a true change, and no row shows a score the game stopped
showing more than ``stale_s`` ago."""

from __future__ import annotations

import pytest

from ddrcore.live.session import ReadConfig, make_reader, make_tracker

from .. import randomised

SONG_S = 60.0
READS_PER_S = 10.0
SONGS_PER_PROFILE = 2
MIN_LEAD_CHANGES = 4
HOLD_S = 1.0


@pytest.mark.parametrize("song_index", range(SONGS_PER_PROFILE))
@pytest.mark.parametrize("profile", randomised.PROFILES)
def test_a_randomised_song_is_followed_without_a_stale_or_wrong_number(
    profile: str, song_index: int, frames_dir: object, tesseract: str
) -> None:
    seed = randomised.seed_for(f"song-{profile}-{song_index}")
    print(f"\n{profile} song {song_index}: seed {seed} (replay: OBS_DDR_SEED={randomised.run_seed()})")
    config = ReadConfig(profile, hold_ms=int(HOLD_S * 1000), keep_learned=False)
    reader, tracker = make_reader(config), make_tracker(config)
    stale_s = tracker.rules.stale_s
    interval = 1 / READS_PER_S
    rows: list[randomised.Row] = []
    # What analyze writes: the leader, and the scores unless they are stale.
    shown: list[tuple[float, object, object]] = []
    with reader:
        for frame in randomised.song(profile, SONG_S, READS_PER_S, seed):
            p1 = reader.read_region(frame.p1.image, frame.p1.region)
            p2 = reader.read_region(frame.p2.image, frame.p2.region)
            lead = tracker.update(frame.time_s, p1.score, p2.score, (p1.present, p2.present))
            rows.append((frame.time_s, frame.p1.score, frame.p2.score, p1.score, p2.score, lead.leader))
            numbers = lead.without_numbers() if lead.stale else lead
            shown.append((frame.time_s, numbers.p1, numbers.p2))

    changes = randomised.held_lead_changes(rows, HOLD_S)
    assert changes >= MIN_LEAD_CHANGES, f"the song has {changes} lead changes"

    # Each number shown is one the game showed within stale_s.
    stale_rows = []
    for t, p1, p2 in shown:
        p1_recent, p2_recent = randomised.recent_scores(rows, t, stale_s)
        if (p1 is not None and p1 not in p1_recent) or (p2 is not None and p2 not in p2_recent):
            stale_rows.append((t, p1, p2))
    late, wrong = randomised.lead_problems(rows, HOLD_S, interval)
    refused = sum(1 for *_, leader in rows if leader is None)
    print(
        f"{profile} song {song_index}: {changes} lead changes; {refused}/{len(rows)} reads without a leader;"
        f" stale rows {len(stale_rows)}, late changes {len(late)}, wrong leaders {len(wrong)}"
    )
    assert not stale_rows, stale_rows[:5]
    assert not late, late
    assert not wrong, wrong[:5]
