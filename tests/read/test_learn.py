"""`ddrcore learn` and the template file it writes: frames are streamed (a 3-minute 1080p
song stays far under 500 MB), the held-out check learns nothing, and the file a user hands
us is never written again, by the command line or by anything that reads with it."""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from .. import realfont
from ..conftest import ROOT, run_cli

# A learn run's memory ceiling: the bound for a 3-minute 1080p song.
PEAK_RSS_LIMIT_MIB = 500
# The learn process's own peak: VmHWM of its memory map. (ru_maxrss would also count the
# test process it was forked from: Linux keeps the larger of the two across exec.)
REPORT_PEAK = """
import sys
from ddrcore.cli.commands import main
code = main(sys.argv[1:])
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(f"peak RSS {int(status['VmHWM'].split()[0]) / 1024:.0f} MiB", file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def long_song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-minute song in the real DDR World font at 1920x1080 (5 frames a second: 900
    frames, 5.6 GB decoded)."""
    video = tmp_path_factory.mktemp("long") / "song-1080p.mp4"
    realfont.write_song_video(video, 180, 5, seed=21, scale=1.5)
    return video


@pytest.fixture(scope="module")
def learned(long_song: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The template file learned from the long song, and what `learn` printed to stderr."""
    import subprocess

    out = tmp_path_factory.mktemp("organiser") / "ddr-world-digits.npz"
    env = {**os.environ, "OBS_DDR_DATA": str(tmp_path_factory.mktemp("empty-store"))}
    command = [sys.executable, "-c", REPORT_PEAK, "learn", str(long_song), "--profile", "ddr-world", "--every", "1",
               "--out", str(out)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "learned 10 of 10 digits from 600 frames" in done.stdout and " 0 wrong" in done.stdout, done.stdout
    return out, done.stderr


def _meta(store: Path) -> dict[str, object]:
    with np.load(store, allow_pickle=False) as data:
        meta: dict[str, object] = json.loads(str(data["meta"]))
        return meta


def test_learn_streams_a_long_1080p_song(learned: tuple[Path, str]) -> None:
    _, stderr = learned
    peak = int(stderr.split("peak RSS ")[1].split(" MiB")[0])
    print(f"learn, 3-minute 1080p song (900 frames): peak RSS {peak} MiB")
    assert peak < PEAK_RSS_LIMIT_MIB


def test_the_held_out_check_learns_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ddrcore.cli.footage import song_frames
    from ddrcore.read import learn as learning
    from ddrcore.read.engines.glyph import GlyphLearner
    from ddrcore.read.profiles import load_profile

    checking, added_while_checking = [False], []
    check, add = learning._Checker.check, GlyphLearner.add

    def checked(self: object, *args: object) -> None:
        checking[0] = True
        check(self, *args)  # type: ignore[arg-type]

    def noted(self: GlyphLearner, *args: object, **kwargs: object) -> bool:
        added = add(self, *args, **kwargs)  # type: ignore[arg-type]
        if checking[0] and added:
            added_while_checking.append(args)
        return added

    monkeypatch.setattr(learning._Checker, "check", checked)
    monkeypatch.setattr(GlyphLearner, "add", noted)
    profile = load_profile("stepmania")
    frames = [(f"{t:.1f}", frame) for t, frame, _, _ in song_frames(profile, 20, fps=5, seed=11)]
    report = learning.learn(profile, iter(frames), len(frames), None, tmp_path / "sm.npz")
    assert checking[0] and report.checked > 0
    assert added_while_checking == []
    with np.load(tmp_path / "sm.npz", allow_pickle=False) as data:
        assert len(data["labels"]) > 0


def test_a_template_file_is_never_written_by_what_reads_with_it(
    frames_dir: Path, tesseract: str, tmp_path: Path, private_template_store: Path
) -> None:
    """The issue's case: digits learned from the real StepMania clip, then footage drawn
    another way read with them, learning kept (--learn). The file stays byte for byte as
    `learn` wrote it, validation record and all; what was learned goes to the user's store."""
    from ddrcore.cli.assets import DEMO_CLIP

    store = tmp_path / "stepmania-digits.npz"
    learned = run_cli("learn", str(frames_dir / "stepmania" / "match_clip.mp4"), "--profile", "stepmania",
                      "--out", str(store))  # fmt: skip
    assert learned.returncode == 0 and " 0 wrong" in learned.stdout, learned.stderr
    before = store.read_bytes()
    assert "validation" in _meta(store)
    result = run_cli("analyze", str(DEMO_CLIP), "--profile", "stepmania", "--templates", str(store), "--learn",
                     "--csv", str(tmp_path / "demo.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert store.read_bytes() == before
    assert zipfile.is_zipfile(store) and "validation" in _meta(store)
    own = private_template_store / "templates-stepmania.npz"
    assert own.is_file(), "what reading the demo taught went to the user's own store"
    with np.load(own, allow_pickle=False) as data:
        print(f"the user's store learned {len(data['labels'])} samples on top of the file")
