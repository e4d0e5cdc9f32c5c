"""Momentum, songs and the song log, on the game's own font and on the real StepMania clip:
what ``analyze`` (the live reader's definitions) says equals what the true scores say."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ddrcore.base.scores import leader_of, margin_of
from ddrcore.cli.commands import analyze, follow_momentum
from ddrcore.live.session import ReadConfig
from ddrcore.show.songlog import COLUMNS, append_rows
from ddrcore.track.momentum import Momentum
from ddrcore.track.tracker import LeadState

from .. import realfont
from ..conftest import Truth, TwoSongs, labels, run_cli

FPS, EVERY = 20, 2
INTERVAL_S = EVERY / FPS


def _truth_states(truth: Truth) -> list[tuple[float, LeadState]]:
    """The true scores as the tracker would report them if it read every sampled frame right."""
    return [(t, LeadState(leader_of(p1, p2), p1, p2, margin_of(p1, p2))) for t, p1, p2 in truth]


def _near(values: list[float], value: float, slack: float) -> bool:
    return min(values) - slack <= value <= max(values) + slack


@pytest.fixture(scope="module")
def real_font_match(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    video = tmp_path_factory.mktemp("match") / "match.mp4"
    return video, realfont.write_song_video(video, 30, FPS, seed=6)


def test_the_placeholders_on_a_real_font_match_equal_the_truth(real_font_match: tuple[Path, Truth]) -> None:
    """Rates, lead changes and the biggest lead, read from the video, against the same
    definitions on the true scores: within one read interval of the truth."""
    video, truth = real_font_match
    read = analyze(ReadConfig("ddr-world", hold_ms=1000), video, EVERY, progress=False)
    read_stats = list(zip([t for t, _ in read], follow_momentum(read, "ddr-world")[0], strict=True))
    sampled = truth[::EVERY]
    true_stats = list(
        zip([t for t, *_ in sampled], follow_momentum(_truth_states(sampled), "ddr-world")[0], strict=True)
    )

    final_read = [m for _, m in read_stats if m.in_song][-1]
    final_true = [m for _, m in true_stats if m.in_song][-1]
    assert final_read.lead_changes == final_true.lead_changes >= 4
    assert final_read.biggest_lead is not None and final_true.biggest_lead is not None
    assert final_read.biggest_lead.player == final_true.biggest_lead.player
    # The margin moves at most this much in one read interval (the swing's steepest part).
    margins = [abs(p1 - p2) for _, p1, p2 in truth if p1 is not None and p2 is not None]
    per_read = max(abs(b - a) for a, b in zip(margins, margins[EVERY:], strict=False))
    assert abs(final_read.biggest_lead.margin - final_true.biggest_lead.margin) <= per_read

    # The pace: each read's rate is one the truth shows within an interval of it (the vote
    # of three reads lags one read), once the window is full.
    checked = 0
    for t, m in read_stats:
        if not m.in_song or t < 7.0 or m.p1_rate is None or m.p2_rate is None:
            continue
        window = [s for u, s in true_stats if t - 2 * INTERVAL_S <= u <= t + INTERVAL_S and s.p1_rate is not None]
        if not window:
            continue
        for rate, true_rates in ((m.p1_rate, [s.p1_rate for s in window]), (m.p2_rate, [s.p2_rate for s in window])):
            assert _near([r for r in true_rates if r is not None], rate, slack=per_read / 5.0), (t, rate, true_rates)
        checked += 1
    assert checked >= 150
    # The lead changes as the song goes: never ahead of the truth, never more than the hold behind.
    for t, m in read_stats:
        if m.in_song and t > 2.0:
            counts = [s.lead_changes for u, s in true_stats if t - 1.0 - 2 * INTERVAL_S <= u <= t + INTERVAL_S]
            assert min(counts) <= m.lead_changes <= max(counts), (t, m.lead_changes, counts)


def test_catch_up_is_said_only_while_the_trailing_player_closes() -> None:
    momentum = Momentum(pace_window_s=5.0, new_song_below=1000)
    said = []
    for i in range(200):
        t = i / 10
        # P1 leads by 5,000 and P2 gains 500 a second on P1 from 10 s on.
        p1, p2 = 10_000 * t + 5_000, 10_000 * t + max(0.0, t - 10) * 500
        lead = LeadState(leader_of(p1, p2), p1, p2, margin_of(p1, p2))
        momentum.update(t, lead)
        said.append((t, momentum.stats.catch_up_s))
    assert all(s is None for t, s in said if t < 10)
    late = [s for t, s in said if t >= 16]
    # 5 s into the closing (the pace window full): the gap is ~2,000 smaller at 500/s.
    assert late and all(s is not None for s in late)
    t, s = said[-1]
    margin = 5_000 - (t - 10) * 500
    assert s is not None and abs(s - margin / 500) < 0.5


def test_the_song_log_of_a_video_of_two_songs(two_songs: TwoSongs, tmp_path: Path) -> None:
    video, finals = two_songs.video, two_songs.finals
    songs_csv = tmp_path / "songs.csv"
    result = run_cli(
        "analyze", str(video), "--profile", "ddr-world", "--every", "2", "--csv", str(tmp_path / "match.csv"),
        "--songs", str(songs_csv), "--p1-name", "Ana", "--p2-name", "Bo",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(songs_csv.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 2, rows
    for row, (p1, p2) in zip(rows, finals, strict=True):
        assert (int(row["p1"]), int(row["p2"])) == (p1, p2), row
        assert row["winner"] == leader_of(p1, p2) and row["winner_name"] == {"p1": "Ana", "p2": "Bo"}[row["winner"]]
        assert int(row["margin"]) == abs(p1 - p2)
        assert abs(float(row["duration_s"]) - 31.0) < 0.5, row  # 29 s of play, 2 s of its end
    assert rows[1]["start_time"].startswith("0:00:3"), rows[1]  # the second song starts at 35 s


def test_the_real_stepmania_clip_makes_one_song_row(frames_dir: Path, tmp_path: Path) -> None:
    """The real clip ends on the evaluation screen: one song, P1's, with the labelled final scores."""
    final = next(f for f in labels("stepmania")["frames"] if f["file"] == "later_s11.png")
    songs_csv = tmp_path / "songs.csv"
    clip = frames_dir / "stepmania" / "match_clip.mp4"
    result = run_cli("analyze", str(clip), "--csv", str(tmp_path / "clip.csv"), "--songs", str(songs_csv))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(songs_csv.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 1, rows
    row = rows[0]
    assert (int(row["p1"]), int(row["p2"])) == (final["p1"], final["p2"]), row
    # The labels say P1 is ahead by millions throughout: no lead change, P1's biggest lead.
    assert row["winner"] == "p1" and row["lead_changes"] == "0" and row["biggest_lead_player"] == "p1"
    assert int(row["biggest_lead"]) >= final["p1"] - final["p2"]
    per_frame = list(csv.DictReader((tmp_path / "clip.csv").read_text(encoding="utf-8").splitlines()))
    rates = [float(r["p1_rate"]) for r in per_frame if r["p1_rate"]]
    assert rates and min(rates) >= 0  # a StepMania score only grows


def test_a_killed_writer_leaves_a_valid_song_log(tmp_path: Path) -> None:
    """Kill the process appending rows at random moments: the file is always whole CSV."""
    path = tmp_path / "songs.csv"
    writer = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ddrcore.show.songlog import append_rows\n"
        "log = Path(sys.argv[1])\n"
        "i = len(log.read_text().splitlines()) - 1 if log.is_file() else 0\n"
        "while True:\n"
        "    i += 1\n"
        f"    append_rows(log, [[str(i)] + ['x' * 200] * {len(COLUMNS) - 1}])\n"
    )
    for attempt in range(12):
        process = subprocess.Popen([sys.executable, "-c", writer, str(path)], cwd=Path(__file__).parent.parent)
        time.sleep(0.3 + attempt * 0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        assert tuple(rows[0]) == COLUMNS
        assert all(len(r) == len(COLUMNS) for r in rows[1:]), "a torn row"
        numbers = [int(r[0]) for r in rows[1:]]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= attempt  # none lost, none twice
    assert not [p for p in tmp_path.iterdir() if p.name != "songs.csv" and not p.name.endswith(".partial")]
    append_rows(path, [["last", *[""] * 11]])  # a leftover partial file never blocks the next write
    assert list(csv.reader(path.read_text(encoding="utf-8").splitlines()))[-1][0] == "last"


def test_two_dropped_frames_at_30_reads_a_second_leave_one_song() -> None:
    """At 33 ms a read, two reads without scores (two dropped capture frames, 66 ms) in the
    middle of a 60 s song are no results screen: one song, logged once."""
    from ddrcore.read.profiles import load_profile
    from ddrcore.show.songlog import song_row
    from ddrcore.track.tracker import Tracker, TrackRules

    motion = load_profile("ddr-world").motion
    tracker, momentum = Tracker(TrackRules(motion, hold_s=1.0)), Momentum.for_game(motion)
    interval_s, songs = 0.033, []
    reads = int(60 / interval_s)
    for i in range(reads + int(3 / interval_s)):  # the song, then 3 s of results screen
        shown = i < reads and i not in (reads // 2, reads // 2 + 1)
        p1, p2 = (500 * i, 480 * i) if shown else (None, None)
        lead = tracker.update(i * interval_s, p1, p2, present=(shown, shown))
        ended = momentum.update(i * interval_s, lead)
        songs += [ended] if ended is not None else []
    assert len(songs) == 1, [(s.start_s, s.duration_s) for s in songs]
    assert songs[0].duration_s == pytest.approx(60, abs=0.1)
    row = dict(zip(COLUMNS, song_row(songs[0], load_profile("ddr-world").format, ("P1", "P2"), ""), strict=True))
    assert row["winner"] == "p1"


def test_a_song_log_from_an_earlier_version_gains_the_new_columns(tmp_path: Path) -> None:
    """A songs.csv begun before the game-file columns: its rows stay, with those cells empty."""
    path = tmp_path / "songs.csv"
    old_columns = COLUMNS[: COLUMNS.index("scores_from")]
    old_row = [f"old {c}" for c in old_columns]
    path.write_text(",".join(old_columns) + "\n" + ",".join(old_row) + "\n", encoding="utf-8")
    new_row = [f"new {c}" for c in COLUMNS]
    append_rows(path, [new_row])
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows == [list(COLUMNS), old_row + [""] * (len(COLUMNS) - len(old_columns)), new_row]
    foreign = tmp_path / "theirs.csv"
    foreign.write_text("date,notes\n1,x\n", encoding="utf-8")
    append_rows(foreign, [new_row])
    assert foreign.read_text(encoding="utf-8").startswith("date,notes\n1,x\n")  # not ours: nothing rewritten
