"""What the OBS script does, without OBS's Python binding: on each of OBS's threads, through
the few OBS calls the script hands it (:class:`ObsCalls`). ``obs_ddr.py`` is the glue that
maps OBS's callbacks, settings and properties onto a :class:`ScriptCore`.

Which thread calls what (the rule: nothing here waits on another OBS thread):

- UI thread: :meth:`ScriptCore.configure`, :meth:`~ScriptCore.status_line`, the buttons'
  requests, :meth:`~ScriptCore.found_regions`, :meth:`~ScriptCore.unload`.
- Graphics thread (OBS's timer, holding the GIL): :meth:`~ScriptCore.tick`. It writes the
  text source (``ObsCalls.set_text``: obs_source_update waits for no other thread), leaves
  scene wishes for the switcher thread (a switch waits for the UI thread, so never here),
  and reads an OBS source's pixels through ctypes (GIL released while in C). It loads no
  library and imports no module: :meth:`~ScriptCore.configure` does.
- Hotkey thread: :meth:`~ScriptCore.press`, :meth:`~ScriptCore.toggle_pause`: flags only.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ..capture.source_feed import SourceFeed
from ..capture.source_pump import SourcePump
from ..live.status import ProblemLog, status_words, timing_summary, worker_load
from ..live.values import LiveStatus
from ..live.worker import LiveReader
from ..read.profiles import load_profile
from ..show.driver import Driver, Targets
from ..show.presenter import Presenter
from ..show.switcher import Frontend, SceneSwitcher
from ..track.override import Action
from .logs import Level, ScriptLog
from .settings import ScriptConfig, script_config

# Reading an OBS source, the timer runs on every frame: it renders the part a read wants on
# one frame and maps it on the next, ahead of the read (see source_feed).
EVERY_FRAME_MS = 1
# Deleted or renamed text sources, scenes and image sources are looked for this often.
_CHECK_EVERY_S = 2.0
# How long the status line shows the answer to a button press.
_ANSWER_SHOWN_S = 60.0
# Unload waits this long for the worker (it never waits on OBS); a worker still busy then
# ends by itself after its current read, and the next load starts only after it has.
_STOP_WAIT_S = 2.0
_TICK_SAMPLES = 2000


class ObsCalls(Protocol):
    """The OBS calls the core needs, made by the script on the calling thread."""

    def log(self, level: Level, message: str) -> None: ...

    def source_exists(self, name: str) -> bool: ...

    def set_text(self, source: str, text: str) -> bool:
        """Write ``text`` into the text source; False when there is no such source."""

    def show_file(self, source: str, file: str) -> bool:
        """Point the image source at ``file``; False when there is no such source."""


class ScriptCore:
    """The script's state: the worker, the switcher, the presenter and what was applied."""

    def __init__(self, calls: ObsCalls, frontend: Callable[[], Frontend], chart_file: Path, preview: Path) -> None:
        self.calls, self.chart_file, self.preview = calls, chart_file, preview
        self.config: ScriptConfig | None = None
        self.reader: LiveReader | None = None
        self.reader_started = False
        self.switcher = SceneSwitcher(frontend)
        self.presenter: Presenter | None = None
        self.driver: Driver | None = None
        # Kept from the first OBS source read until unload (its GPU objects are freed then).
        self.pump: SourcePump | None = None
        self.reading_source = False
        self.hotkey_paused = False
        self.problems: dict[str, str] = {}
        self.problem_log = ProblemLog()
        self.seen = (-1, -1)
        self.seen_message_seq = self.logged_located_seq = self.saved_located_seq = 0
        self.answer, self.answer_at = "", 0.0
        self.seen_switch: tuple[int, str] | None = None
        # Timer ticks in microseconds by what they did, and the graphics thread's time per
        # picture read from an OBS source (render + map).
        self.tick_us: dict[str, deque[float]] = {
            k: deque(maxlen=_TICK_SAMPLES) for k in ("idle", "text", "scene", "source capture")
        }
        self.tick_kind = "idle"
        self.next_check_s = 0.0
        # ddrcore's log lines (from any thread) wait here for the timer to write them.
        self.script_log = ScriptLog()
        self.script_log.attach()

    # UI thread

    def configure(self, values: Mapping[str, Any]) -> int:
        """Apply the settings' ``values``; the timer's interval in milliseconds."""
        config = self.config = script_config(values, str(self.chart_file))
        live = config.live
        self.reading_source = live.capture != "screen"
        if self.reading_source and self.pump is None:
            self.pump = SourcePump(SourceFeed(live.capture))
        elif self.reading_source and self.pump is not None:
            self.pump.follow(live.capture)
        if self.reader is None:
            self.reader = LiveReader(live, self.feed_for)
        else:
            self.reader.configure(live)
        self.reader_started = self.reader.start()  # else the tick starts it (see LiveReader.start)
        if config.switch_scenes:
            self.switcher.start()
        fmt = load_profile(live.read.profile).format
        self.presenter = Presenter(config.wording, fmt, config.override_s, self.presenter)
        targets = Targets(config.text_source, config.scenes, config.switch_scenes)
        if self.driver is None:
            self.driver = Driver(self.calls, self.switcher, self.presenter)
        self.driver.configure(self.presenter, targets)
        self.pause_reader()
        self.point_chart_source()
        self.seen = (-1, -1)
        return live.interval_ms if live.capture == "screen" else EVERY_FRAME_MS

    @property
    def driving(self) -> bool:
        config = self.config
        return config is not None and bool(config.text_source or config.switch_scenes or config.chart_source)

    def feed_for(self, name: str) -> SourceFeed:
        """The feed the timer fills for OBS source ``name`` (the worker asks for it)."""
        pump = self.pump
        return pump.feed if pump is not None and self.reading_source and pump.feed.name == name else SourceFeed(name)

    def point_chart_source(self) -> None:
        name = self.config.chart_source if self.config is not None else ""
        if name and not self.calls.show_file(name, str(self.chart_file)):
            self.problems["chart"] = f"chart image source {name!r} not found: pick one in the settings"
        else:
            self.problems.pop("chart", None)

    def pause_reader(self) -> None:
        """Read only while enabled and there is something to drive (nothing is captured else)."""
        if self.reader is not None and self.config is not None:
            self.reader.pause(not self.config.enabled or self.hotkey_paused or not self.driving)

    def found_regions(self) -> tuple[Any, Any] | None:
        """Regions the worker found that the settings do not hold yet (it already reads there)."""
        status = self.reader.status if self.reader is not None else None
        if status is None or status.located is None or status.located_seq == self.saved_located_seq:
            return None
        self.saved_located_seq = status.located_seq
        return status.located

    def find_regions(self) -> str:
        if self.reader is None:
            return self.status_line()
        self.reader.request_locate()
        return "Find score regions: looking… (the answer goes to the script log; press Refresh status)"

    def read_now(self) -> str:
        if self.reader is None:
            return self.status_line()
        self.reader.request_preview(self.preview)
        return "Read now: reading… (the answer goes to the script log; press Refresh status)"

    def status_line(self) -> str:
        line = self.current_status()
        if self.answer and time.monotonic() - self.answer_at < _ANSWER_SHOWN_S:
            return f"{self.answer}\n{line}"
        return line

    def current_status(self) -> str:
        if self.reader is None or self.config is None or self.presenter is None:
            return "Not started."
        status = self.reader.status
        problems = self.all_problems(status.problem)
        if not problems and not self.driving:
            return "Idle: nothing to drive, so nothing is read. Pick a text source or turn on scene switching."
        override = self.presenter.status(time.monotonic())
        store = self.config.live.read.store_words()
        return status_words(status, self.presenter.format, problems, override, store)

    def tick_summary(self) -> str:
        load = [worker_load(self.reader.status)] if self.reader is not None else []
        return "; ".join([*load, timing_summary(self.tick_us)])

    def unload(self) -> None:
        if self.reader is not None:
            if not self.reader.stop(_STOP_WAIT_S):
                self.calls.log("info", "the reader is finishing its last read; it stops by itself")
            self.reader = None
        self.switcher.stop()
        if self.pump is not None:
            self.pump.close()
            self.pump = None
        if any(self.tick_us.values()):
            self.calls.log("info", f"unloaded; {self.tick_summary()}")
        self.script_log.write_to(self.calls.log)
        self.script_log.detach()

    # Hotkey thread (and buttons): flags only.

    def press(self, action: Action) -> None:
        if self.presenter is not None:
            self.presenter.press(action, time.monotonic())

    def toggle_pause(self) -> None:
        if self.reader is None:
            return
        self.hotkey_paused = not self.hotkey_paused
        self.pause_reader()
        self.calls.log("info", "paused" if self.hotkey_paused else "resumed")

    # Graphics thread: keep it tiny, and let no part's failure skip the others.

    def tick(self, each: Callable[..., Any]) -> None:
        """Apply the latest result; ``each`` runs one part, logging (not raising) a failure."""
        started = time.perf_counter()
        self.tick_kind = "idle"
        reader, presenter, config, driver = self.reader, self.presenter, self.config, self.driver
        if reader is None or presenter is None or config is None or driver is None:
            return
        if not self.reader_started:
            self.reader_started = reader.start()
        if self.reading_source:
            each(self.feed_source)
        status = reader.status
        seen = (status.seq, presenter.revision)
        if seen != self.seen:
            self.seen = seen
            each(self.note_messages, status)
            if config.enabled and not status.paused:
                if started >= self.next_check_s:
                    self.next_check_s = started + _CHECK_EVERY_S
                    each(self.check_targets)
                showing = driver.showing(status.lead, status.match, time.monotonic())
                if each(driver.apply_text, showing):
                    self.tick_kind = "text"
                if each(driver.apply_scene, showing):
                    self.tick_kind = "scene"
        each(self.note_switch)
        each(self.report, status.problem)
        if self.script_log.lines or self.script_log.dropped:
            each(self.script_log.write_to, self.calls.log)
        self.tick_us[self.tick_kind].append((time.perf_counter() - started) * 1e6)
        if self.reading_source and self.pump is not None:
            self.pump.wake()  # last: the worker's read starts when the tick is done

    def feed_source(self) -> None:
        assert self.pump is not None
        took_us = self.pump.pump()
        if took_us is not None:
            self.tick_us["source capture"].append(took_us)

    def note_messages(self, status: LiveStatus) -> None:
        """Log the worker's answers (and found regions) once each."""
        if status.message_seq != self.seen_message_seq:
            self.seen_message_seq = status.message_seq
            self.answer, self.answer_at = str(status.message), time.monotonic()
            self.calls.log("info", self.answer)
        if status.located is not None and status.located_seq != self.logged_located_seq:
            self.logged_located_seq = status.located_seq
            self.calls.log("info", f"found score regions: P1 {status.located[0]}, P2 {status.located[1]}")

    def check_targets(self) -> None:
        """Notice a text source, scene or image source deleted or renamed since it was chosen."""
        assert self.config is not None
        config, exists = self.config, self.calls.source_exists
        if config.text_source and not exists(config.text_source) and self.driver is not None:
            self.driver.text_source_missing()
        scenes = {config.scenes.p1, config.scenes.p2, config.scenes.tie} - {""} if config.switch_scenes else set()
        missing = sorted(name for name in scenes if not exists(name))
        if missing:
            self.problems["scenes"] = f"scene {', '.join(map(repr, missing))} not found: pick it again"
        else:
            self.problems.pop("scenes", None)
        if config.chart_source and exists(config.chart_source) == ("chart" in self.problems):
            self.point_chart_source()  # gone since it was pointed, or back since it was missing

    def note_switch(self) -> None:
        result = self.switcher.result
        if result is None or (result.seq, result.outcome) == self.seen_switch:
            return
        self.seen_switch = (result.seq, result.outcome)
        if result.problem:
            self.problems["switch"] = result.problem
            return
        self.problems.pop("switch", None)
        if result.outcome == "switched":
            took = f"the switch took {result.took_s * 1000:.1f} ms off OBS's threads"
            message = f"{result.leader} leads: switched to {result.scene!r} ({took}); {self.tick_summary()}"
            self.calls.log("info", message)

    def all_problems(self, worker_problem: str) -> list[str]:
        setting_problems = self.config.problems if self.config is not None else []
        text_problem = self.driver.problem if self.driver is not None else ""
        return [p for p in (worker_problem, *setting_problems, text_problem, *self.problems.values()) if p]

    def report(self, worker_problem: str) -> None:
        """Log each problem once when it appears, and once when all are gone."""
        new, solved = self.problem_log.update(self.all_problems(worker_problem))
        for problem in new:
            self.calls.log("warning", problem)
        if solved:
            self.calls.log("info", "all problems solved: reading again")
