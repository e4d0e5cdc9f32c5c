"""``ddrcore watch``: the live reader outside OBS (the screen, a capture device, a stream or a
file), optionally driving an OBS elsewhere over obs-websocket through the script's own
driver: the same text, scene and override rules as inside OBS. The operator's overrides are
typed on standard input (see :data:`COMMANDS`), one per line."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from ..base.errors import DdrError
from ..capture.stream import StreamCapture
from ..live.status import ProblemLog
from ..live.values import LiveConfig, LiveStatus
from ..live.worker import LiveReader
from ..read.profiles import load_profile
from ..show.driver import Driver, Targets
from ..show.present import SceneChoice, Wording
from ..show.presenter import Presenter
from ..show.remote import RemoteFrontend, RemoteObs, parse_address
from ..show.switcher import SceneSwitcher
from ..track.override import OVERRIDE_S, Action
from ..track.tracker import LeadState

# What the operator types (then Enter) for each override, as the OBS script's hotkeys do.
COMMANDS: dict[str, Action] = {
    "1": "p1", "p1": "p1",
    "2": "p2", "p2": "p2",
    "t": "tie", "tie": "tie",
    "f": "freeze", "freeze": "freeze",
    "a": "automatic", "auto": "automatic", "automatic": "automatic",
}  # fmt: skip


class Watch:
    """Reads live and reports each change of the lead; with :meth:`drive`, shows it in OBS."""

    def __init__(
        self, config: LiveConfig, wording: Wording, scenes: SceneChoice, override_s: float = OVERRIDE_S
    ) -> None:
        """``config.capture``: "screen", a capture device number, a stream URL or a video file."""
        capture = config.capture
        self.format = load_profile(config.read.profile).format
        problem = wording.problem(self.format)
        if problem:
            raise DdrError(problem)
        if config.game_file not in ("", "auto") and not Path(config.game_file).parent.is_dir():
            raise DdrError(f"game file {config.game_file}: its folder does not exist")
        a_file = capture != "screen" and not capture.isdigit() and "://" not in capture
        if (not config.game_file or config.ocr_fallback) and a_file and not Path(capture).is_file():
            raise DdrError(f"video {capture} does not exist")
        self.capture, self.scenes = capture, scenes
        self.config = replace(config, interval_ms=max(33, config.interval_ms), names=(wording.p1_name, wording.p2_name))
        self.presenter = Presenter(wording, self.format, override_s)
        self.remote: RemoteObs | None = None
        self.switcher: SceneSwitcher | None = None
        self.driver: Driver | None = None
        self._problems = ProblemLog()

    def drive(self, address: str, password: str, text_source: str) -> None:
        remote = RemoteObs(*parse_address(address), password)
        self.remote = remote
        self.switcher = SceneSwitcher(lambda: RemoteFrontend(remote))
        switching = bool(self.scenes.p1 or self.scenes.p2 or self.scenes.tie)
        self.driver = Driver(remote, self.switcher, self.presenter)
        self.driver.configure(self.presenter, Targets(text_source, self.scenes, switching))

    def press(self, action: Action) -> None:
        """An override, as the OBS script's hotkeys give it (from any thread)."""
        self.presenter.press(action, time.monotonic())

    def run(self, seconds: float = 0, commands: TextIO | None = None) -> Iterator[tuple[float, LeadState]]:
        """(seconds since the start, the lead) at each change, until ``seconds`` have passed
        (0: until interrupted, or until a video file ends). ``commands``: where the operator
        types overrides (standard input), read on a thread of its own."""
        if commands is not None:
            listener = threading.Thread(target=_read_commands, args=(commands, self.press), daemon=True)
            listener.start()
        reader = LiveReader(self.config, StreamCapture)
        reader.start()
        started, seen, said = time.monotonic(), (-1, -1), 0
        last: tuple[object, ...] | None = None
        try:
            while not seconds or time.monotonic() - started < seconds:
                time.sleep(min(0.05, self.config.interval_ms / 2000))
                status = reader.status
                if (status.seq, self.presenter.revision) == seen:
                    continue
                seen = (status.seq, self.presenter.revision)
                key = (status.lead.leader,)
                if key != last:
                    last = key
                    yield time.monotonic() - started, status.lead
                self._present(status)
                if status.message_seq != said:
                    said = status.message_seq
                    print(f"note: {status.message}", file=sys.stderr, flush=True)
                if status.ended:
                    break  # the file ended; its last song is logged
        finally:
            reader.stop()
            if self.switcher is not None:
                self.switcher.stop()
            if self.remote is not None:
                self.remote.close()

    def _present(self, status: LiveStatus) -> None:
        problems = [status.problem]
        driver = self.driver
        if driver is not None:
            showing = driver.showing(status.lead, status.match, time.monotonic())
            driver.apply_text(showing)
            driver.apply_scene(showing)
            problems.append(driver.problem)
            if self.switcher is not None and self.switcher.result is not None:
                problems.append(self.switcher.result.problem)
        for line in self._problems.update(problems)[0]:
            print(f"problem: {line}", file=sys.stderr, flush=True)


def _read_commands(lines: TextIO, press: Callable[[Action], None]) -> None:
    """Each line the operator types: an override, or a line saying what can be typed."""
    for line in lines:
        word = line.strip().lower()
        if not word:
            continue
        action = COMMANDS.get(word)
        if action is None:
            print(f"unknown command {word!r}: type {', '.join(COMMANDS)} then Enter", file=sys.stderr, flush=True)
            continue
        press(action)
        print(f"override: {action}", file=sys.stderr, flush=True)
