"""Finding the score regions: on generated screens with the game at random places and sizes,
on the real DDR World frames, and not on menus."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from ddrcore.cli.footage import draw_frame, random_frames, random_score
from ddrcore.read.engines import make_engine
from ddrcore.read.locate import locate
from ddrcore.read.profiles import load_profile
from ddrcore.read.reader import ScoreReader

from ..conftest import labels, run_cli

SCREEN = (1920, 1080)
PLACEMENTS, READS_PER_PLACEMENT = 12, 5
# Exact reads with the regions locate returned, over every placement (misses included).
FLOORS = dict.fromkeys(("ddr-world", "stepmania", "itg-percent", "generic"), 0.95)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_located_regions_read_generated_screens(tesseract: str, name: str) -> None:
    profile = load_profile(name)
    reader = ScoreReader(profile, make_engine("auto", profile))
    for frame in random_frames(profile, 100, seed=99):  # the digits are learned in the first seconds of play
        reader.read(frame.image)
    rng = np.random.default_rng(11)
    exact = total = 0
    for _ in range(PLACEMENTS):
        scale = rng.uniform(0.5, 1.0)
        size = (round(1280 * scale), round(720 * scale))
        x, y = int(rng.integers(0, SCREEN[0] - size[0])), int(rng.integers(0, SCREEN[1] - size[1]))

        def screen(p1: object, p2: object, x: int = x, y: int = y, size: tuple[int, int] = size) -> np.ndarray:
            picture = np.full((SCREEN[1], SCREEN[0], 3), 30, np.uint8)
            game = draw_frame(profile, p1, p2, rng)  # type: ignore[arg-type]
            picture[y : y + size[1], x : x + size[0]] = cv2.resize(game, size, interpolation=cv2.INTER_AREA)
            return picture

        found = locate(screen(random_score(profile, rng), random_score(profile, rng)), reader)
        for _ in range(READS_PER_PLACEMENT):
            p1, p2 = random_score(profile, rng), random_score(profile, rng)
            total += 1
            if found is not None:
                read = reader.read_at(screen(p1, p2), found.regions)
                exact += (read.p1.score, read.p2.score) == (p1, p2)
    print(f"{name}: {exact}/{total} exact with located regions")
    assert exact / total >= FLOORS[name]


def test_real_ddr_frames_regions_within_10px_and_none_on_menus(frames_dir: Path, tmp_path: Path) -> None:
    truth = labels("ddr-world")
    labelled = truth["regions_1280x720"]
    for frame in truth["frames"]:
        path = frames_dir / "ddr-world" / frame["file"]
        preview = tmp_path / f"{path.stem}.png"
        result = run_cli("locate", str(path), "--profile", "ddr-world", "--preview", str(preview))
        assert preview.is_file()
        if frame["p1"] is None and frame["p2"] is None:
            assert result.returncode == 1, result.stdout
            assert "no score regions found" in result.stderr
            continue
        assert result.returncode == 0, result.stderr
        command_line, data = result.stdout.strip().splitlines()
        assert command_line.startswith("--p1 ") and " --p2 " in command_line
        found = json.loads(data)
        for player in ("p1", "p2"):
            assert max(abs(a - b) for a, b in zip(found[player], labelled[player], strict=True)) <= 10
        assert found["read"]["p2"]["score"] == frame["p2"]


def test_locate_needs_a_frame_or_the_screen() -> None:
    result = run_cli("locate", "--profile", "ddr-world")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: give one FRAME file, or --screen"
