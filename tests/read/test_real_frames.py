"""The real game frames in ../shared/frames read exactly as their labels say."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ddrcore.base.regions import Region
from ddrcore.capture.screen import load_image, video_frames
from ddrcore.read.engines import make_engine
from ddrcore.read.profiles import PLAYERS, load_profile
from ddrcore.read.reader import ScoreReader

from ..conftest import labels, run_cli

GAMES = [("ddr-world", "ddr-world"), ("stepmania", "stepmania"), ("itg", "itg-percent")]


@pytest.mark.parametrize(("game", "profile"), GAMES)
@pytest.mark.parametrize("regions", ["labelled", "default"])
def test_real_frames_read_exactly(frames_dir: Path, tesseract: str, game: str, profile: str, regions: str) -> None:
    info = labels(game)
    prof = load_profile(profile)
    given = {p: Region(*info["regions_1280x720"][p]) for p in PLAYERS} if regions == "labelled" else None
    reader = ScoreReader(prof, make_engine("auto", prof), given)
    wrong = []
    for frame in info["frames"]:
        read = reader.read(load_image(frames_dir / game / frame["file"]))
        got = (read.p1.score, read.p2.score)
        if got != (frame["p1"], frame["p2"]):
            wrong.append((frame["file"], got, (frame["p1"], frame["p2"])))
        if frame["p1"] is None or frame["p2"] is None:
            assert read.leader is None, frame["file"]
    assert wrong == []


def test_itg_needs_its_glyphs_tesseract_alone_fails(frames_dir: Path, tesseract: str) -> None:
    """Why ITG ships glyph art: Tesseract alone misreads most of the real frames."""
    info = labels("itg")
    prof = load_profile("itg-percent")
    reader = ScoreReader(prof, make_engine("tesserocr", prof))
    right = sum(reader.read(load_image(frames_dir / "itg" / f["file"])).p1.score == f["p1"] for f in info["frames"])
    assert right < len(info["frames"]) // 2


def test_read_json_on_real_frames(frames_dir: Path, tesseract: str) -> None:
    files = [str(frames_dir / "ddr-world" / f) for f in ("gameplay_duo_ready.png", "menu_song_select.png")]
    result = run_cli("read", *files, "--profile", "ddr-world", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    assert lines[0]["p1"]["score"] == 0 and lines[0]["p2"]["score"] == 0
    assert lines[0]["leader"] == "tie" and lines[0]["margin"] == 0
    assert lines[1]["p1"]["score"] is None and lines[1]["leader"] is None and lines[1]["margin"] is None
    assert set(lines[0]["p1"]) == {"score", "text", "confidence"}


def test_analyze_real_stepmania_clip(frames_dir: Path, tesseract: str, tmp_path: Path) -> None:
    """The real 40 s clip: scores only grow, P1 stays ahead, and the evaluation screen it ends
    on (its last 0.4 s) is read as no score, never as a new one."""
    out = tmp_path / "clip.csv"
    result = run_cli("analyze", str(frames_dir / "stepmania" / "match_clip.mp4"), "--csv", str(out), "--every", "6")
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    scored = [(int(r[1]), int(r[2])) for r in rows if r[1] and r[2]]
    assert len(scored) > len(rows) * 0.6
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(scored))
    assert scored[-1][0] > scored[0][0] + 1_000_000
    assert {r[3] for r in rows if r[3]} == {"p1"}
    # The clip ends 0.4 s into the evaluation screen, before a screen change (SCREEN_CHANGE_S)
    # would clear the kept scores: the last rows keep the game's final scores, never new ones.
    assert (int(rows[-1][1]), int(rows[-1][2])) == scored[-1] == max(scored)
    profile = load_profile("stepmania")
    reader = ScoreReader(profile, make_engine("auto", profile))
    for _, frame in video_frames(frames_dir / "stepmania" / "match_clip.mp4", 6):
        read = reader.read(frame)
    assert (read.p1.score, read.p2.score) == (None, None), "the evaluation screen shows no score"


def test_an_intrusion_from_the_regions_edge_does_not_void_clear_digits(frames_dir: Path, tesseract: str) -> None:
    """A UI element in the score's own colour reaching into P2's region from its top-left
    corner, beside the digits: the digits still read (before, "glyphs off one baseline")."""
    import cv2
    import numpy as np

    info = labels("stepmania")
    prof = load_profile("stepmania")
    regions = {p: Region(*info["regions_1280x720"][p]) for p in PLAYERS}
    reader = ScoreReader(prof, make_engine("auto", prof), regions)
    for frame in info["frames"]:  # learn the digits first, as a stream does
        reader.read(load_image(frames_dir / "stepmania" / frame["file"]))
    target = info["frames"][7]
    image = load_image(frames_dir / "stepmania" / target["file"])
    region = regions["p2"]
    x, y = region.x, region.y
    value = cv2.cvtColor(image[y : y + region.h, x : x + region.w], cv2.COLOR_BGR2HSV)[:, :, 2]
    brightest = np.unravel_index(int(np.argmax(value)), value.shape)
    ink = image[y + brightest[0], x + brightest[1]].tolist()  # the digits' own colour
    for right, bottom in ((18, 20), (14, 24), (12, 18)):
        intruded = image.copy()
        cv2.rectangle(intruded, (x, y - 10), (x + right, y + bottom), ink, -1)
        read = reader.read_region(intruded, region)
        assert read.score == target["p2"], (right, bottom, read)
