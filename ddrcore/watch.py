"""``ddrcore watch``: the live reader outside OBS (the screen, a capture device, a stream or a
file), optionally driving an OBS elsewhere over obs-websocket with the script's own rules:
the text when it changes, scene switches after the hold and only away from our own scenes."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from .errors import DdrError
from .live import LiveConfig, LiveReader, LiveStatus
from .present import SceneChoice, Wording
from .presenter import Presenter
from .profiles import load_profile
from .remote import RemoteFrontend, RemoteObs, parse_address
from .scores import Leader
from .status import ProblemLog
from .stream import StreamCapture
from .switcher import SceneSwitcher
from .tracker import LeadState

_UNSET = "unset"


class Watch:
    """Reads live and reports each change of the lead; with :meth:`drive`, shows it in OBS."""

    def __init__(self, config: LiveConfig, wording: Wording, scenes: SceneChoice) -> None:
        """``config.capture``: "screen", a capture device number, a stream URL or a video file."""
        capture = config.capture
        self.format = load_profile(config.read.profile).format
        problem = wording.problem(self.format)
        if problem:
            raise DdrError(problem)
        if capture != "screen" and not capture.isdigit() and "://" not in capture and not Path(capture).is_file():
            raise DdrError(f"video {capture} does not exist")
        self.capture, self.wording, self.scenes = capture, wording, scenes
        self.config = replace(config, interval_ms=max(33, config.interval_ms), names=(wording.p1_name, wording.p2_name))
        self.presenter = Presenter(wording, self.format, 0)
        self.remote: RemoteObs | None = None
        self.switcher: SceneSwitcher | None = None
        self.text_source = ""
        self._last_text: str | None = None
        self._wanted: Leader | str | None = _UNSET
        self._problems = ProblemLog()
        self._text_problem = ""

    def drive(self, address: str, password: str, text_source: str) -> None:
        remote = RemoteObs(*parse_address(address), password)
        self.remote, self.text_source = remote, text_source
        if self.scenes.p1 or self.scenes.p2 or self.scenes.tie:
            self.switcher = SceneSwitcher(lambda: RemoteFrontend(remote))

    def run(self, seconds: float = 0) -> Iterator[tuple[float, LeadState]]:
        """(seconds since the start, the lead) at each change, until ``seconds`` have passed
        (0: until interrupted, or until a video file ends)."""
        reader = LiveReader(self.config, StreamCapture)
        reader.start()
        started, seen = time.monotonic(), -1
        last: tuple[object, ...] | None = None
        try:
            while not seconds or time.monotonic() - started < seconds:
                time.sleep(min(0.05, self.config.interval_ms / 2000))
                status = reader.status
                if status.seq == seen:
                    continue
                seen = status.seq
                key = (status.lead.leader,)
                if key != last:
                    last = key
                    yield time.monotonic() - started, status.lead
                self._present(status)
                if "sends no more frames" in status.problem and Path(self.capture).is_file():
                    break  # the file ended
        finally:
            reader.stop()
            if self.switcher is not None:
                self.switcher.stop()
            if self.remote is not None:
                self.remote.close()

    def _present(self, status: LiveStatus) -> None:
        showing = self.presenter.showing(status.lead, status.match, time.monotonic())
        if self.remote is not None and self.text_source and showing.text is not None:
            text = showing.text
            if text != self._last_text:
                try:
                    self.remote.set_text(self.text_source, text)
                    self._last_text, self._text_problem = text, ""
                except DdrError as exc:
                    self._text_problem = str(exc)
                except Exception as exc:  # OBS answered: no such text source
                    self._text_problem = f"text source {self.text_source!r} not found: {exc}"
        problems = [status.problem, self._text_problem]
        if self.switcher is not None:
            if showing.leader != self._wanted:
                self.switcher.want(showing.leader, self.scenes)
                self._wanted = showing.leader
            if self.switcher.result is not None:
                problems.append(self.switcher.result.problem)
        for line in self._problems.update(problems)[0]:
            print(f"problem: {line}", file=sys.stderr, flush=True)
