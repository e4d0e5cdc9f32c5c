"""The real DDR World font (its own glyphs composited onto real gameplay frames, see
realfont.py), from an empty template store: frames at 0.5-1.5x of 720p through blur, JPEG
and noise; the first frame of a song; whole songs through `ddrcore analyze`; a learned
store handed to another reader. A wrong score that stands is the one failure never allowed."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest

from ddrcore.cli.footage import Degradation, degrade
from ddrcore.read.engines import make_engine
from ddrcore.read.profiles import load_profile
from ddrcore.read.reader import ScoreReader

from .. import realfont
from ..conftest import labels, run_cli
from ..obs.test_obs_e2e import _collapse, _leaders_that_hold

DDR = load_profile("ddr-world")
# What the footage must read: the share of reads exact over the whole range of sizes.
MIN_EXACT = 0.995


def _reader() -> ScoreReader:
    return ScoreReader(DDR, make_engine("auto", DDR))


def test_real_font_frames_from_a_cold_store(frames_dir: Path, tesseract: str) -> None:
    """>= 99.5% of 2,000 reads exact over 0.5-1.5x and the degradations, the very first
    frame included, and not one wrong score."""
    reader = _reader()
    exact = wrong = 0
    misses = []
    for i, frame in enumerate(realfont.random_frames(1000, seed=31)):
        read = reader.read(frame.image)
        for got, true in ((read.p1, frame.p1), (read.p2, frame.p2)):
            if got.score == true:
                exact += 1
                continue
            misses.append((i, true, got.score, got.problem, frame.degradation))
            wrong += got.score is not None
            assert i > 0, f"the first frame from an empty store was not read: {misses}"
    reader.close()
    assert wrong == 0, [m for m in misses if m[2] is not None]
    assert exact >= MIN_EXACT * 2000, misses


def test_real_font_at_720p_and_up_reads_every_frame(frames_dir: Path, tesseract: str) -> None:
    reader = _reader()
    rng = np.random.default_rng(5)
    misses = []
    for i, frame in enumerate(realfont.random_frames(200, seed=17, scale=1.0)):
        scale = float(rng.uniform(1.0, 1.5))
        image = degrade(realfont.composite(frame.p1, frame.p2), Degradation(scale, 0.0, 80), rng)
        read = reader.read(image if i % 2 else frame.image)
        if (read.p1.score, read.p2.score) != (frame.p1, frame.p2):
            misses.append((i, frame.p1, frame.p2, read))
    reader.close()
    assert misses == []


@pytest.mark.parametrize("scale", [0.5, 0.6, 0.75, 1.0, 1.25, 1.5])
def test_the_first_frame_of_a_song_from_an_empty_store(frames_dir: Path, tesseract: str, scale: float) -> None:
    """A song opens at 0 - 0: read at once, from nothing learned (each test's store is empty).

    Evidence for the zero-shape rule (_ZERO_* in engines/glyph.py; Tesseract reads nothing
    from a lone DDR World "0" at any size): on the real glyph at 0.5-1.5x of 720p (63
    captures, blurred to 1 px, JPEG 40) it held for 62 (the 63rd, 640x360 blurred 1 px and
    JPEG 40, had lost its hole and was refused); of 2,000 other digits in the generated
    StepMania and generic fonts, none held (a DejaVu "4" has a tall hole, but angular: it
    fills under 0.6 of its box)."""
    reader = _reader()
    image = degrade(realfont.composite(0, 0), Degradation(scale, 0.0, 85), np.random.default_rng(1))
    read = reader.read(image)
    reader.close()
    assert (read.p1.score, read.p2.score) == (0, 0), read


@pytest.mark.parametrize(("game", "profile"), [("stepmania", "stepmania"), ("itg", "itg-percent")])
def test_the_first_real_frame_from_an_empty_store_on_every_profile(
    frames_dir: Path, tesseract: str, game: str, profile: str
) -> None:
    from ddrcore.capture.screen import load_image

    prof = load_profile(profile)
    first = labels(game)["frames"][0]
    reader = ScoreReader(prof, make_engine("auto", prof))
    read = reader.read(load_image(frames_dir / game / first["file"]))
    reader.close()
    assert (read.p1.score, read.p2.score) == (first["p1"], first["p2"]), read


Truth = list[tuple[float, int | None, int | None]]
Songs = dict[int, tuple[Path, Truth]]


def _truth(rows: Truth) -> dict[int, tuple[int | None, int | None]]:
    return {round(t * 1000): (p1, p2) for t, p1, p2 in rows}


def _check_song(csv_path: Path, truth_rows: Truth, hold_s: float) -> None:
    """Analyze's rows against the song's truth: a leader from the first frames, none blank
    between the first and the last score, every lead change that holds, no wrong score."""
    truth = _truth(truth_rows)
    with csv_path.open() as file:
        rows = list(csv.DictReader(file))
    seen_by_player: dict[str, set[int]] = {"p1": set(), "p2": set()}
    for _, p1, p2 in truth_rows:
        for player, value in (("p1", p1), ("p2", p2)):
            if value is not None:
                seen_by_player[player].add(value)
    scored = [r for r in rows if truth.get(round(float(r["time_s"]) * 1000), (None, None))[0] is not None]
    assert scored, rows[:5]
    first_leader = next(float(r["time_s"]) for r in rows if r["leader"])
    assert first_leader <= 0.5, f"the first leader came at {first_leader} s"
    blank = [r["time_s"] for r in scored if float(r["time_s"]) >= first_leader and not r["leader"]]
    assert blank == [], f"no leader at {blank[:10]} ({len(blank)} rows)"
    for r in rows:
        for player in ("p1", "p2"):
            if r[player]:
                assert int(r[player]) in seen_by_player[player], f"a wrong score stood: {r}"
    expected = _leaders_that_hold(truth_rows, hold_s)
    shown = _collapse([r["leader"] for r in rows if r["leader"] in ("p1", "p2")])
    assert shown == expected, (shown, expected)
    assert len(expected) >= 10


@pytest.fixture(scope="module")
def songs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[int, tuple[Path, list[tuple[float, int | None, int | None]]]]:
    """Two 90 s songs in the real font as H.264 videos, with their truth."""
    folder = tmp_path_factory.mktemp("songs")
    made = {}
    for seed in (1, 2):
        video = folder / f"song{seed}.mp4"
        made[seed] = (video, realfont.write_song_video(video, 90, 20, seed))
    return made


def test_a_whole_real_font_song_through_analyze(
    frames_dir: Path,
    tesseract: str,
    songs: dict[int, tuple[Path, list[tuple[float, int | None, int | None]]]],
    tmp_path: Path,
) -> None:
    video, truth = songs[1]
    out = tmp_path / "song.csv"
    result = run_cli("analyze", str(video), "--profile", "ddr-world", "--every", "2", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    _check_song(out, truth, 1.0)


def test_a_learned_store_loaded_cold_reads_another_song(
    frames_dir: Path,
    tesseract: str,
    songs: dict[int, tuple[Path, list[tuple[float, int | None, int | None]]]],
    tmp_path: Path,
) -> None:
    store = tmp_path / "ddr-world-digits.npz"
    learned = run_cli("learn", str(songs[1][0]), "--profile", "ddr-world", "--out", str(store))
    assert learned.returncode == 0, learned.stderr
    assert "learned 10 of 10 digits" in learned.stdout and " 0 wrong" in learned.stdout, learned.stdout
    # Another machine: nothing in its own store, Tesseract not consulted (--engine glyph).
    video, truth = songs[2]
    out = tmp_path / "song2.csv"
    env = {**os.environ, "OBS_DDR_DATA": str(tmp_path / "empty")}
    result = run_cli(
        "analyze", str(video), "--profile", "ddr-world", "--engine", "glyph", "--templates", str(store),
        "--every", "2", "--csv", str(out), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    _check_song(out, truth, 1.0)
    assert not (tmp_path / "empty").exists() or not list((tmp_path / "empty").iterdir())

    # Handed to the wrong game, or cut short, a store is refused with one clear line.
    wrong_game = run_cli("read", str(frames_dir / "stepmania" / "gameplay_g03.png"), "--templates", str(store))
    assert wrong_game.returncode == 2 and "belongs to profile 'ddr-world', not 'stepmania'" in wrong_game.stderr
    assert wrong_game.stderr.count("\n") == 1, wrong_game.stderr


def test_an_incomplete_store_is_refused(frames_dir: Path, tmp_path: Path) -> None:
    from ddrcore.read.engines.base import FEATURE_SIZE
    from ddrcore.read.engines.store import TemplateStore

    store = tmp_path / "partial.npz"
    TemplateStore("ddr-world", path=store).save({"0": [np.ones(FEATURE_SIZE**2, np.float32)] * 8})
    result = run_cli("read", str(frames_dir / "ddr-world" / "gameplay_duo_ready.png"), "--profile", "ddr-world",
                     "--templates", str(store))  # fmt: skip
    assert result.returncode == 2 and "lacks the digits 1, 2, 3" in result.stderr, result.stderr


def test_learn_checks_on_labelled_real_frames(frames_dir: Path, tesseract: str, tmp_path: Path) -> None:
    """With --labels, the held-out frames are checked against the truth: StepMania's own
    real frames teach all ten digits, and the store they make reads the real frames."""
    info = json.loads((frames_dir / "stepmania" / "labels.json").read_text())
    frames = [str(frames_dir / "stepmania" / f["file"]) for f in info["frames"]]
    out = tmp_path / "sm.npz"
    result = run_cli(
        "learn", *frames, "--profile", "stepmania", "--labels", str(frames_dir / "stepmania" / "labels.json"),
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "learned 10 of 10 digits" in result.stdout and " 0 wrong" in result.stdout, result.stdout
    env = {**os.environ, "OBS_DDR_DATA": str(tmp_path / "empty")}
    read = run_cli("read", *frames, "--profile", "stepmania", "--engine", "glyph", "--templates", str(out), "--json",
                   env=env)  # fmt: skip
    assert read.returncode == 0, read.stderr
    got = [(line["p1"]["score"], line["p2"]["score"]) for line in map(json.loads, read.stdout.splitlines())]
    assert got == [(f["p1"], f["p2"]) for f in info["frames"]]
