"""A real StepMania 5.1 with Simply Love (../shared/games/stepmania-5.1), for the game module:
unpack it, install obs-ddr's module with ``ddrcore game-module install``, play a whole
2-player match by itself, and watch every write of the file the module makes. Nothing of the
game ships in the product; it is unpacked into the test's own folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ddrcore.base.errors import GameFileError
from ddrcore.capture.game.places import FILE_NAME
from ddrcore.capture.game.state import GameState, parse_state

from .conftest import ROOT, require, run_cli

KIT = ROOT.parent / "shared" / "games" / "stepmania-5.1"
# The watcher looks at the file this often: the module writes at most once a frame (26 fps
# here), so every write is seen.
WATCH_EVERY_S = 0.01
# A whole match takes about 140 s here (the README of the kit); give up well after.
MATCH_TIMEOUT_S = 400


@dataclass(frozen=True, slots=True)
class Game:
    folder: Path
    home: Path

    @property
    def save(self) -> Path:
        return self.home / ".stepmania-5.1" / "Save"

    @property
    def game_file(self) -> Path:
        return self.save / FILE_NAME


def prepared_game(folder: Path) -> Game:
    """StepMania 5.1 with Simply Love unpacked in ``folder``, obs-ddr's module installed."""
    require((KIT / "play.sh").is_file(), f"the StepMania kit at {KIT}")
    for tool in ("Xvfb", "ffmpeg", "xz"):
        require(shutil.which(tool) is not None, f"{tool} (the StepMania kit's README lists its apt packages)")
    done = subprocess.run(
        ["bash", str(KIT / "prepare.sh"), str(folder), "Simply Love"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    game = Game(folder, folder / "home")
    installed = run_cli("game-module", "install", "--game-dir", str(folder), env={**os.environ, "HOME": str(game.home)})
    assert installed.returncode == 0, installed.stderr
    assert str(game.game_file) in installed.stdout, installed.stdout  # it says where the file will be
    return game


@dataclass
class FileWatch:
    """Every state the module wrote, as seen: (time.monotonic() when seen, the state)."""

    states: list[tuple[float, GameState]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    # The file's text at each state (written beside the recording, to look into a failure).
    texts: list[str] = field(default_factory=list)


def _watch(path: Path, watch: FileWatch, stop: threading.Event) -> None:
    last = ""
    while not stop.is_set():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = ""
        if text and text != last:
            last = text
            try:
                watch.states.append((time.monotonic(), parse_state(text)))
                watch.texts.append(text)
            except GameFileError as exc:
                watch.unreadable.append(str(exc))
        stop.wait(WATCH_EVERY_S)


@dataclass(frozen=True, slots=True)
class Match:
    song: str
    p1: str
    p2: str


@dataclass
class Played:
    watch: FileWatch
    launched: float  # time.monotonic() as play.sh started (its recording starts with it)
    process: subprocess.Popen[str]
    output: str = ""


@contextmanager
def playing(game: Game, match: Match, display: str, record: Path | None = None) -> Iterator[Played]:
    """Play ``match`` on X display ``display`` (play.sh starts its Xvfb), watching the file;
    yields once it is under way, and waits for the match (evaluation screen included) on exit."""
    game.game_file.unlink(missing_ok=True)
    env = {**os.environ, "SMKIT_EVAL_HOLD": "6"} | ({"SMKIT_RECORD": str(record)} if record else {})
    watch, stop = FileWatch(), threading.Event()
    watcher = threading.Thread(target=_watch, args=(game.game_file, watch, stop), daemon=True)
    watcher.start()
    launched = time.monotonic()
    player = subprocess.Popen(
        ["bash", str(KIT / "play.sh"), str(game.folder), str(game.home), display, match.song, match.p1, match.p2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    played = Played(watch, launched, player)
    try:
        yield played
        out, _ = player.communicate(timeout=MATCH_TIMEOUT_S)
        played.output = out
        assert player.returncode == 0, out[-2000:]
    finally:
        if player.poll() is None:
            player.terminate()
            player.wait(10)
        stop.set()
        watcher.join(5)
