"""The live reader on the game file (scores from the game): it follows the exact scores as
the module writes them, says in one status line when the file is missing, half-written or
stops changing mid-song (never showing its old numbers), hands over to the picture when told
to, and logs each song with the predictions it saw."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path
from typing import Any

from ddrcore.capture.game.state import FORMAT
from ddrcore.live.session import ReadConfig
from ddrcore.live.values import LiveConfig, LiveStatus
from ddrcore.live.worker import LiveReader

ITG = {"W1": 5, "W2": 4, "W3": 2, "W4": 0, "W5": -6, "Miss": -12, "HitMine": -6, "Held": 5, "LetGo": 0}
TAPS = 200
STEPS_PER_WRITE = 10  # the whole chart in 2 s


def _player(fantastic: int, missed: int) -> dict[str, Any]:
    return {
        "joined": True, "actual": fantastic * 5 - missed * 12, "possible_now": (fantastic + missed) * 5,
        "possible": TAPS * 5, "judgments": {"W1": fantastic, "Miss": missed}, "notes": {"taps": TAPS},
    }  # fmt: skip


class ModuleWriter:
    """Writes the file as the module does, ten times a second: P1 perfect, P2 missing 12 steps
    early, then perfect; or, while ``stopped``, nothing (the game closed)."""

    def __init__(self, path: Path) -> None:
        self.path, self.seq, self.step = path, 0, 0
        self.p2_misses = 0
        self.stopped = threading.Event()
        self.done = threading.Event()
        self.screen = "ScreenGameplay"

    def write(self) -> None:
        self.seq += 1
        if self.screen == "ScreenGameplay" and self.step < TAPS:
            self.step += STEPS_PER_WRITE
            self.p2_misses += 2 if self.step <= 60 else 0
        players = {"P1": _player(self.step, 0), "P2": _player(self.step - self.p2_misses, self.p2_misses)}
        state = {"format": FORMAT, "seq": self.seq, "time": self.seq / 10, "screen": self.screen, "players": players}
        state["weights"] = ITG
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(state), encoding="utf-8")
        partial.replace(self.path)  # the game writes to a temporary name and renames on close

    def run(self) -> None:
        while not self.done.is_set():
            if not self.stopped.is_set():
                self.write()
            time.sleep(0.1)


def _statuses(reader: LiveReader, seconds: float) -> list[LiveStatus]:
    seen, out = -1, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = reader.status
        if status.seq not in (seen, 0):  # 0: nothing read yet
            seen, out = status.seq, [*out, status]
        time.sleep(0.01)
    return out


def test_the_reader_follows_the_file_and_says_when_it_stops(tmp_path: Path) -> None:
    path = tmp_path / "obs-ddr.json"
    config = LiveConfig(
        ReadConfig("itg-percent", hold_ms=500), interval_ms=50, game_file=str(path), log_dir=str(tmp_path)
    )
    with LiveReader(config) as reader:
        missing = _statuses(reader, 0.5)
        assert missing and all("not found: is the game running" in s.problem for s in missing)
        writer = ModuleWriter(path)
        thread = threading.Thread(target=writer.run, daemon=True)
        thread.start()
        playing = _statuses(reader, 3.0)
        led = [s for s in playing if s.lead.leader == "p1" and not s.problem]
        assert led and led[-1].engine == "game file"
        last = led[-1]
        assert last.lead.p1 == 100.0 and last.lead.p2 is not None and last.lead.p2 < 100.0
        assert last.match.outlook is not None and last.match.outlook.p1.best == 100.0
        writer.stopped.set()  # the game closed mid-song
        stopped = _statuses(reader, 2.0)
        said = [s for s in stopped if "has not changed for" in s.problem]
        assert said and said[-1].lead.p1 is None  # its old numbers are not shown
        writer.stopped.clear()
        back = _statuses(reader, 1.0)
        assert back[-1].problem == "" and back[-1].lead.p1 == 100.0
        writer.screen = "ScreenEvaluationStage"  # the song ends: its row has the outlook's clinch
        writer.write()
        writer.done.set()  # written once, as the module writes a results screen
        thread.join()
        ended = _statuses(reader, 1.5)
        assert ended[-1].lead.leader is None and ended[-1].match.last_song is not None
    rows = list(csv.DictReader((tmp_path / "songs.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 1 and rows[0]["winner"] == "p1" and rows[0]["scores_from"] == "game file"
    assert rows[0]["clinched_by"] == "p1" and float(rows[0]["clinched_after_s"]) > 0


def test_the_buttons_answer_from_the_game_file(tmp_path: Path) -> None:
    path = tmp_path / "obs-ddr.json"
    writer = ModuleWriter(path)
    writer.write()
    config = LiveConfig(ReadConfig("itg-percent"), interval_ms=50, game_file=str(path))
    with LiveReader(config) as reader:
        _statuses(reader, 0.3)
        reader.request_preview(tmp_path / "preview.png")
        reader.request_locate()
        messages = {s.message for s in _statuses(reader, 0.5)}
    said = " ".join(messages)
    # One write: 10 of 200 steps, P1 all perfect (50 of 1,000 points), P2 two missed (16).
    assert f"Read now: from the game file {path}: P1 5.00, P2 1.60 (ScreenGameplay)" in said, messages
    assert "no picture is captured" in said
    assert f"Find score regions: none needed, the scores come from the game file {path}" in said
    assert not (tmp_path / "preview.png").exists()


def test_a_broken_file_is_one_line_and_the_picture_takes_over_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "obs-ddr.json"
    path.write_text('{"format": 1, "seq": 3, "scr', encoding="utf-8")
    config = LiveConfig(ReadConfig("itg-percent"), interval_ms=50, game_file=str(path))
    with LiveReader(config) as reader:
        said = _statuses(reader, 0.5)
        assert said and all("not whole JSON" in s.problem and "\n" not in s.problem for s in said)
    assert path.read_text(encoding="utf-8") == '{"format": 1, "seq": 3, "scr'  # only read
    fallback = LiveConfig(ReadConfig("itg-percent"), monitor=99, interval_ms=50, game_file=str(path), ocr_fallback=True)
    with LiveReader(fallback) as reader:
        said = _statuses(reader, 0.5)
        # The picture is read instead (here: a monitor this machine lacks, which it says too).
        assert said and "not whole JSON" in said[-1].problem and "monitor 99" in said[-1].problem


def test_watch_follows_the_game_file_found_by_itself(tmp_path: Path) -> None:
    """``ddrcore watch --game-file auto`` on a second PC: the newest file in the usual places
    under $HOME, one line per change of leader, and the idle state when the song is over."""
    import os
    import subprocess
    import sys

    from ddrcore.capture.game.places import FILE_NAME, user_folders

    from ..conftest import ROOT

    path = user_folders(tmp_path)[1] / "Save" / FILE_NAME  # StepMania 5.1's user folder
    path.parent.mkdir(parents=True)
    writer = ModuleWriter(path)
    writer.write()
    command = [sys.executable, "-m", "ddrcore", "watch", "--game-file", "auto", "--seconds", "4", "--hold-ms", "300"]
    watcher = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "HOME": str(tmp_path)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    thread = threading.Thread(target=writer.run, daemon=True)
    thread.start()
    time.sleep(3.0)
    writer.screen = "ScreenEvaluationStage"
    out, err = watcher.communicate(timeout=30)
    writer.done.set()
    thread.join()
    assert watcher.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert any("P1 leads by" in line for line in lines) and lines[-1].endswith("no leader"), lines
    assert "Traceback" not in err.decode()
