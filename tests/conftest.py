"""Shared fixtures. The real frames live in ../shared/frames (never copied into the product)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMES = ROOT.parent / "shared" / "frames"
IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, what: str) -> None:
    """Skip locally when a dependency is missing; in CI a missing dependency is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def frames_dir() -> Path:
    require(FRAMES.is_dir(), f"the real frames at {FRAMES}")
    return FRAMES


def labels(game: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FRAMES / game / "labels.json").read_text())
    return data


@pytest.fixture(scope="session")
def tesseract() -> str:
    path = shutil.which("tesseract")
    require(path is not None, "the tesseract program (apt-get install tesseract-ocr)")
    assert path is not None
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> Any:
    import subprocess

    # The caller checks the exit code: a failing command is the point of some tests.
    return subprocess.run(
        [sys.executable, "-m", "ddrcore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.fixture(params=["obs29", "obs32"])
def obs_build(request: pytest.FixtureRequest) -> Any:
    """Each OBS the real-OBS tests run on: Debian 12's OBS 29 and OBS 32 (Python 3.14)."""
    from .obs_headless import current_obs, system_obs

    return system_obs() if request.param == "obs29" else current_obs()


@pytest.fixture
def obs29() -> Any:
    """OBS 29 alone, for the long real-OBS runs that CI's time allows once."""
    from .obs_headless import system_obs

    return system_obs()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from .obs_headless import DRIVEN
    from .randomised import run_seed

    terminalreporter.section("randomised footage")
    terminalreporter.write_line(f"run seed {run_seed()}: replay this run's renderings with OBS_DDR_SEED={run_seed()}")

    if DRIVEN:
        terminalreporter.section("real OBS builds driven")
        for version in sorted(set(DRIVEN)):
            terminalreporter.write_line(f"{version[0]}: {version[1]} ({DRIVEN.count(version)} OBS runs)")


@pytest.fixture(autouse=True)
def private_template_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test learns digits from scratch, never from (or into) the user's own store."""
    folder = tmp_path_factory.mktemp("templates")
    monkeypatch.setenv("OBS_DDR_DATA", str(folder))
    return folder


Truth = list[tuple[float, int | None, int | None]]
# The two-song video's frame rate: a read every other frame is still ten reads a second.
TWO_SONGS_FPS = 15


@dataclass(frozen=True)
class TwoSongs:
    video: Path
    truth: Truth
    finals: list[tuple[int, int]]  # each song's final scores (P1, P2)


@pytest.fixture(scope="session")
def two_songs(tmp_path_factory: pytest.TempPathFactory, frames_dir: Path) -> TwoSongs:
    """Two real-font DDR World songs (P1 wins the first, P2 the second), each ending on its
    final scores and a results screen, as one video, with its truth. Made once a session."""
    from . import realfont

    video = tmp_path_factory.mktemp("two-songs") / "two-songs.mp4"
    truth = realfont.write_songs_video(video, [(30, 1), (30, 2)], TWO_SONGS_FPS)
    finals = realfont.song_finals(truth)
    assert [("p1" if p1 > p2 else "p2") for p1, p2 in finals] == ["p1", "p2"]
    return TwoSongs(video, truth, finals)
