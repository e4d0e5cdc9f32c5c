"""obs-ddr: shows who leads a 2-player DDR / StepMania / ITG match, live, in OBS.

Load it in Tools -> Scripts. A worker thread (ddrcore.live) captures the screen, reads both
scores and tracks the lead; this script only maps settings to a config, and on OBS's timer
applies the latest result: the text source when its text changes; a scene switch, when the
leader changes, is handed to a thread of its own (ddrcore.switcher). Nothing here touches
pixels, nothing here raises into OBS, and nothing here waits on another OBS thread:

- OBS's timer (graphics thread, holding the GIL) reads the worker's latest status, writes
  the text source (obs_source_update, which waits for no other thread) and leaves scene
  wishes for the switcher. It never calls the frontend API: a switch waits for the UI thread.
- The switcher thread calls the frontend through ctypes, which releases the GIL while it
  waits, so the UI thread can run other scripts' frontend-event callbacks meanwhile.
- Reading an OBS source, the timer renders and maps it through ctypes too (GIL released
  while in C); what that needs (libraries, modules) is loaded in script_update instead.
- The buttons and hotkeys only leave a request for the worker and return; the answer
  reaches the script log at once and the status line at the next Refresh.
- The settings object is written only on OBS's UI thread (script_update, the properties
  and their buttons, script_save), where OBS itself edits it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import obspython as obs

HERE = Path(__file__).resolve().parent
PROFILES = ("ddr-world", "stepmania", "itg-percent", "generic")
ENGINES = ("auto", "glyph", "tesserocr", "pytesseract")
TEXT_SOURCE_KINDS = ("text_ft2_source", "text_ft2_source_v2", "text_gdiplus", "text_gdiplus_v2", "text_gdiplus_v3")
REQUIRED = {"numpy": "numpy", "cv2": "opencv-python-headless", "mss": "mss", "pytesseract": "pytesseract"}
PREVIEW = Path(tempfile.gettempdir()) / "obs-ddr-preview.png"
_TICK_SAMPLES = 2000
_EVERY_FRAME_MS = 1
_CHECK_EVERY_S = 2.0
# How long the status line shows the answer to a button press.
_ANSWER_SHOWN_S = 60.0
# Unload waits this long for the worker (it never waits on OBS); a worker still busy then
# ends by itself after its current read, and the next load starts only after it has.
_STOP_WAIT_S = 2.0

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "profile": "stepmania",
    "capture": "screen",
    "monitor": 1,
    "p1_x": 0,
    "p1_y": 0,
    "p1_w": 0,
    "p1_h": 0,
    "p2_x": 0,
    "p2_y": 0,
    "p2_w": 0,
    "p2_h": 0,
    "interval_ms": 250,
    "engine": "auto",
    "hold_ms": 1000,
    "tesseract_path": "",
    "templates_file": "",
    "text_source": "",
    "text_format": "{leader} leads by {margin}",
    "tie_text": "Tie",
    "idle_text": "",
    "p1_name": "Player 1",
    "p2_name": "Player 2",
    "switch_scenes": False,
    "scene_p1": "",
    "scene_p2": "",
    "scene_tie": "",
    "auto_locate": False,
}
HOTKEYS = {"obs_ddr.pause": "obs-ddr: pause / resume", "obs_ddr.locate": "obs-ddr: find score regions"}


# OBS references: every getter is paired with its release, through one helper.


@contextmanager
def released(reference: Any, release: Callable[[Any], None]) -> Iterator[Any]:
    """Use an OBS reference (None allowed) and always give it back with ``release``."""
    try:
        yield reference
    finally:
        if reference is not None:
            release(reference)


def source_named(name: str) -> Any:
    return released(obs.obs_get_source_by_name(name) if name else None, obs.obs_source_release)


def log(level: int, message: str) -> None:
    obs.script_log(level, f"obs-ddr: {message}")


_FAILURES_LOGGED: set[str] = set()


def log_failure_once(name: str, exc: Exception) -> None:
    text = f"{name} failed: {exc!r}"
    if text not in _FAILURES_LOGGED:
        _FAILURES_LOGGED.add(text)
        log(obs.LOG_ERROR, text)


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Never let an exception out into OBS: log it once per distinct message instead."""

    def call(*args: Any) -> Any:
        try:
            return callback(*args)
        except Exception as exc:
            log_failure_once(callback.__name__, exc)
            return None

    call.__name__ = callback.__name__
    return call


# Dependencies: the packages may live in a .venv beside this file (install.sh makes it).


def add_venv_to_path() -> None:
    venv = HERE / ".venv"
    candidates = [*sorted((venv / "lib").glob("python3*/site-packages")), venv / "Lib" / "site-packages"]
    for site in candidates:
        if site.is_dir() and str(site) not in sys.path:
            sys.path.insert(0, str(site))


def missing_packages() -> str:
    """'' when everything imports, else one line naming what is missing and the fix."""
    import importlib

    missing = []
    for module, package in REQUIRED.items():
        try:
            imported = importlib.import_module(module)
        except ImportError:
            missing.append(package)
            continue
        if module == "mss" and not hasattr(imported, "MSS"):
            missing.append(f"mss>=10.2 (found {getattr(imported, '__version__', 'an older one')})")
    if not missing:
        return ""
    fix = (
        f'powershell -ExecutionPolicy Bypass -File "{HERE / "install.ps1"}"'
        if os.name == "nt"
        else f'bash "{HERE / "install.sh"}"'
    )
    return f"Missing Python packages: {', '.join(missing)}. Fix: run {fix}, then restart OBS."


class Script:
    """The script's whole state: the worker, the switcher, the settings, what it applied."""

    def __init__(self) -> None:
        self.settings: Any = None
        self.reader: Any = None  # ddrcore.live.LiveReader once the packages import
        self.reader_started = False
        self.switcher: Any = None  # ddrcore.switcher.SceneSwitcher
        self.feed: Any = None  # ddrcore.source_feed.SourceFeed, when an OBS source is read
        self.pixels: Any = None  # ddrcore.obs_native.SourcePixels, used on the graphics thread
        self.pixels_problem = ""
        self.rgba_to_bgr: Callable[[Any], Any] = str
        self.missing = ""
        self.enabled = True
        self.hotkey_paused = False
        self.driving = False
        self.hotkey_ids: dict[str, Any] = {}
        self.saved_located_seq = 0
        self.logged_located_seq = 0
        self.text_source = ""
        self.switch_scenes = False
        self.scenes: Any = None
        self.wording: Any = None
        self.wording_ok = False
        self.leader_text: Callable[..., str] = str
        self.format_score: Callable[..., str] = str
        self.score_format: Any = None
        self.setting_problems: list[str] = []
        self.apply_problems: dict[str, str] = {}
        self.reported: set[str] = set()
        self.seen_seq = -1
        self.seen_message_seq = 0
        self.answer = ""
        self.answer_at = 0.0
        self.last_text: str | None = None
        self.wanted_leader: str | None = "unset"
        self.seen_switch: Any = None
        # Timer ticks in microseconds, by what they did: "idle", "text" (wrote the text),
        # "scene" (handed a switch to the switcher).
        self.tick_us: dict[str, deque[float]] = {k: deque(maxlen=_TICK_SAMPLES) for k in ("idle", "text", "scene")}
        # The graphics thread's time per picture read from an OBS source (render + map), us.
        self.capture_us: deque[float] = deque(maxlen=_TICK_SAMPLES)
        self.tick_kind = "idle"
        self.next_check_s = 0.0

    # Settings -> config (UI thread)

    def load(self, settings: Any) -> None:
        self.settings = settings
        # The reader's matrix products are small: extra OpenBLAS threads would only spin
        # and take CPU from the game and the encoder. Must be set before NumPy loads.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        add_venv_to_path()
        self.missing = missing_packages()
        if self.missing:
            log(obs.LOG_WARNING, self.missing)
        for name, description in HOTKEYS.items():
            self.hotkey_ids[name] = obs.obs_hotkey_register_frontend(name, description, HOTKEY_CALLBACKS[name])
            with released(obs.obs_data_get_array(settings, name), obs.obs_data_array_release) as saved:
                obs.obs_hotkey_load(self.hotkey_ids[name], saved)

    def update(self, settings: Any) -> None:
        self.settings = settings
        self.save_located()  # regions found meanwhile are settings before the config is made
        self.enabled = obs.obs_data_get_bool(settings, "enabled")
        self.text_source = obs.obs_data_get_string(settings, "text_source")
        self.switch_scenes = obs.obs_data_get_bool(settings, "switch_scenes")
        self.driving = bool(self.text_source) or self.switch_scenes
        obs.timer_remove(on_tick)
        if self.missing:
            return
        from ddrcore.live import LiveReader
        from ddrcore.switcher import SceneSwitcher

        self.setting_problems = []
        config = self.live_config(settings)
        if config.capture == "screen":
            self.feed = None
        elif self.feed is None or self.feed.name != config.capture:
            from ddrcore.source_feed import SourceFeed

            self.feed = SourceFeed(config.capture)
        if self.feed is not None:
            self.prepare_pixels()
        if self.reader is None:
            self.reader = LiveReader(config, self.feed_for)
        else:
            self.reader.configure(config)
        self.reader_started = self.reader.start()  # else the tick starts it (see LiveReader.start)
        if self.switcher is None:
            self.switcher = SceneSwitcher(native_frontend)
        if self.switch_scenes:
            self.switcher.start()
        self.pause_reader()
        self.seen_seq, self.last_text, self.wanted_leader = -1, None, "unset"
        # An OBS source's picture is rendered on one tick and mapped on the next: then the
        # timer runs on every frame, so a read waits two frames, not two intervals.
        obs.timer_add(on_tick, config.interval_ms if config.capture == "screen" else _EVERY_FRAME_MS)

    def live_config(self, settings: Any) -> Any:
        """The worker's config, and the wording and scenes the tick applies, from the settings."""
        from ddrcore.errors import DdrError
        from ddrcore.live import LiveConfig
        from ddrcore.parse import format_score
        from ddrcore.present import SceneChoice, Wording, leader_text
        from ddrcore.profiles import load_profile
        from ddrcore.regions import Region
        from ddrcore.session import ReadConfig

        get_int, get_str = obs.obs_data_get_int, obs.obs_data_get_string
        self.leader_text, self.format_score = leader_text, format_score  # kept: no imports on the tick
        profile = get_str(settings, "profile")
        try:
            self.score_format = load_profile(profile).format
        except DdrError as exc:
            self.setting_problems.append(str(exc))
            profile = DEFAULTS["profile"]
            self.score_format = load_profile(profile).format
        texts = (get_str(settings, k) for k in ("text_format", "tie_text", "idle_text", "p1_name", "p2_name"))
        self.wording = Wording(*texts)
        wording_problem = self.wording.problem(self.score_format)
        self.wording_ok = not wording_problem  # checked once here, not on every tick
        if wording_problem:
            self.setting_problems.append(wording_problem)
        self.scenes = SceneChoice(*(get_str(settings, k) for k in ("scene_p1", "scene_p2", "scene_tie")))

        def region(player: str) -> Region | None:
            values = [get_int(settings, f"{player}_{k}") for k in "xywh"]
            return None if not any(values) else Region(*values)

        p1, p2 = region("p1"), region("p2")
        if (p1 is None) != (p2 is None):
            self.setting_problems.append("set both regions, or neither (all zero: the profile's regions)")
            p1 = p2 = None
        engine = get_str(settings, "engine") or "auto"
        read = ReadConfig(
            profile,
            engine,
            p1,
            p2,
            get_int(settings, "hold_ms"),
            get_str(settings, "tesseract_path"),
            get_str(settings, "templates_file"),
        )
        interval_ms = max(33, get_int(settings, "interval_ms"))
        auto_locate = obs.obs_data_get_bool(settings, "auto_locate")
        capture = get_str(settings, "capture") or "screen"
        return LiveConfig(read, get_int(settings, "monitor"), interval_ms, auto_locate, capture)

    def prepare_pixels(self) -> None:
        """Bind OBS's graphics calls and import what the timer needs to read a source, here on
        the UI thread: the timer (graphics thread) must never load a library or a module
        (the loader and import locks would meet OBS loading scripts and sources)."""
        from ddrcore.obs_native import NativeObsError, SourcePixels, graphics_library
        from ddrcore.source_feed import rgba_to_bgr

        self.rgba_to_bgr = rgba_to_bgr
        if self.pixels is None:
            try:
                self.pixels = SourcePixels(graphics_library())
            except NativeObsError as exc:
                self.pixels_problem = f"reading OBS sources is unavailable here ({exc}); capture the screen instead"
        rgba_to_bgr(np_zeros_rgba())  # loads OpenCV's colour conversion now, not on the first tick

    def feed_for(self, name: str) -> Any:
        """The feed the timer fills for OBS source ``name`` (the worker asks for it)."""
        from ddrcore.source_feed import SourceFeed

        return self.feed if self.feed is not None and self.feed.name == name else SourceFeed(name)

    def pause_reader(self) -> None:
        """Read only while enabled and there is something to drive (nothing is captured else)."""
        self.reader.pause(not self.enabled or self.hotkey_paused or not self.driving)

    def unload(self) -> None:
        obs.timer_remove(on_tick)
        if self.reader is not None:
            if not self.reader.stop(_STOP_WAIT_S):
                log(obs.LOG_INFO, "the reader is finishing its last read; it stops by itself")
            self.reader = None
        if self.switcher is not None:
            self.switcher.stop()
            self.switcher = None
        if self.pixels is not None:
            self.pixels.close()
            self.pixels = None
        for name in list(self.hotkey_ids):
            obs.obs_hotkey_unregister(HOTKEY_CALLBACKS[name])
            del self.hotkey_ids[name]
        if any(self.tick_us.values()):
            log(obs.LOG_INFO, f"unloaded; {self.tick_summary()}")
        # "Reload Scripts" re-imports only this file: make it re-import the core too.
        for name in [n for n in sys.modules if n == "ddrcore" or n.startswith("ddrcore.")]:
            del sys.modules[name]

    def save(self, settings: Any) -> None:
        self.save_located()
        for name, hotkey in self.hotkey_ids.items():
            with released(obs.obs_hotkey_save(hotkey), obs.obs_data_array_release) as saved:
                obs.obs_data_set_array(settings, name, saved)

    def save_located(self) -> None:
        """Write regions the worker found into the settings (it already reads there), so they
        show in the properties and are saved with the scene collection. UI thread only."""
        status = self.reader.status if self.reader is not None else None
        if status is None or status.located is None or status.located_seq == self.saved_located_seq:
            return
        self.saved_located_seq = status.located_seq
        for player, region in zip(("p1", "p2"), status.located, strict=True):
            for key in "xywh":
                obs.obs_data_set_int(self.settings, f"{player}_{key}", getattr(region, key))

    # Hotkeys and buttons: a request for the worker, and return at once.

    def toggle_pause(self) -> None:
        if self.reader is None:
            return
        self.hotkey_paused = not self.hotkey_paused
        self.pause_reader()
        log(obs.LOG_INFO, "paused" if self.hotkey_paused else "resumed")

    def find_regions(self) -> str:
        if self.reader is None:
            return self.status_line()
        self.reader.request_locate()
        return "Find score regions: looking… (the answer goes to the script log; press Refresh status)"

    def read_now(self) -> str:
        if self.reader is None:
            return self.status_line()
        self.reader.request_preview(PREVIEW)
        return "Read now: reading… (the answer goes to the script log; press Refresh status)"

    # The timer: apply the worker's latest result (OBS's graphics thread: keep it tiny, and
    # let no part's failure skip the others).

    def tick(self) -> None:
        started = time.perf_counter()
        self.tick_kind = "idle"
        if self.reader is not None and not self.reader_started:
            self.reader_started = bool(self.reader.start())
        if self.feed is not None:
            each(self.feed_source)
        status = self.reader.status if self.reader is not None else None
        if status is not None and status.seq != self.seen_seq:
            self.seen_seq = status.seq
            each(self.note_messages, status)
            if self.enabled and not status.paused:
                if started >= self.next_check_s:
                    self.next_check_s = started + _CHECK_EVERY_S
                    each(self.check_targets)
                each(self.apply_text, status.lead)
                each(self.apply_scene, status.lead)
        each(self.note_switch)
        each(self.report, status.problem if status is not None else "")
        self.tick_us[self.tick_kind].append((time.perf_counter() - started) * 1e6)

    def feed_source(self) -> None:
        """Hand the worker the part of the OBS source it asked for: map what the last tick
        staged, report the source's size (or its problem), stage the next part asked for.
        Runs on the graphics thread, as rendering must; it never waits for the worker."""
        feed = self.feed
        if self.pixels is None:
            feed.report(None, self.pixels_problem)
            return
        rgba_to_bgr = self.rgba_to_bgr
        started = time.perf_counter()
        worked = False
        staged = self.pixels.staged
        if staged is not None:
            image = self.pixels.map(rgba_to_bgr)
            if image is not None:
                feed.deliver(staged.seq, image)
            worked = True
        state = self.pixels.state(feed.name)
        feed.report(None if state.problem else (state.width, state.height), state.problem)
        request = feed.wanted()
        if request is not None and not state.problem and self.pixels.staged is None:
            box = request.box
            whole = (0, 0, state.width, state.height)
            part = whole if box is None else (box.x, box.y, box.w, box.h)
            worked = self.pixels.stage(feed.name, part, request.seq) or worked
        if worked:
            self.capture_us.append((time.perf_counter() - started) * 1e6)

    def note_messages(self, status: Any) -> None:
        """Log the worker's answers (and found regions) once each."""
        if status.message_seq != self.seen_message_seq:
            self.seen_message_seq = status.message_seq
            self.answer, self.answer_at = str(status.message), time.monotonic()
            log(obs.LOG_INFO, self.answer)
        if status.located is not None and status.located_seq != self.logged_located_seq:
            self.logged_located_seq = status.located_seq
            log(obs.LOG_INFO, f"found score regions: P1 {status.located[0]}, P2 {status.located[1]}")

    def check_targets(self) -> None:
        """Notice a text source or scene that was deleted or renamed since it was chosen."""
        if self.text_source:
            with source_named(self.text_source) as source:
                if source is None:
                    self.text_source_missing()
        missing = []
        if self.switch_scenes:
            for name in {self.scenes.p1, self.scenes.p2, self.scenes.tie} - {""}:
                with source_named(name) as scene:
                    if scene is None:
                        missing.append(name)
        if missing:
            self.apply_problems["scenes"] = f"scene {', '.join(map(repr, sorted(missing)))} not found: pick it again"
        else:
            self.apply_problems.pop("scenes", None)

    def apply_text(self, lead: Any) -> None:
        if not self.text_source or not self.wording_ok or not lead.settled:
            return
        text = self.leader_text(lead, self.score_format, self.wording)
        if text == self.last_text:
            return
        with source_named(self.text_source) as source:
            if source is None:
                self.text_source_missing()
                return
            with released(obs.obs_data_create(), obs.obs_data_release) as data:
                obs.obs_data_set_string(data, "text", text)
                obs.obs_source_update(source, data)
        self.apply_problems.pop("text", None)
        self.last_text = text
        self.tick_kind = "text"

    def text_source_missing(self) -> None:
        self.apply_problems["text"] = f"text source {self.text_source!r} not found: pick one in the settings"
        self.last_text = None  # write the text again once the source is back

    def apply_scene(self, lead: Any) -> None:
        """Hand the new leader's scene to the switcher; it checks, at the moment it switches,
        that the program is still one of our scenes."""
        if not self.switch_scenes or lead.leader == self.wanted_leader:
            return
        self.switcher.want(lead.leader, self.scenes)
        self.wanted_leader = lead.leader
        self.tick_kind = "scene"

    def note_switch(self) -> None:
        result = self.switcher.result if self.switcher is not None else None
        if result is None or (result.seq, result.outcome) == self.seen_switch:
            return
        self.seen_switch = (result.seq, result.outcome)
        if result.problem:
            self.apply_problems["switch"] = result.problem
            return
        self.apply_problems.pop("switch", None)
        if result.outcome == "switched":
            took = f"the switch took {result.took_s * 1000:.1f} ms off OBS's threads"
            log(
                obs.LOG_INFO,
                f"{result.leader} leads: switched to scene {result.scene!r} ({took}); {self.tick_summary()}",
            )

    def report(self, worker_problem: str) -> None:
        """Log each problem once when it appears, and once when all are gone."""
        problems = {p for p in (worker_problem, *self.setting_problems, *self.apply_problems.values()) if p}
        for problem in sorted(problems - self.reported):
            log(obs.LOG_WARNING, problem)
        if self.reported and not problems:
            log(obs.LOG_INFO, "all problems solved: reading again")
        self.reported = problems

    # What the properties show (UI thread).

    def status_line(self) -> str:
        line = self.current_status()
        if self.answer and time.monotonic() - self.answer_at < _ANSWER_SHOWN_S:
            return f"{self.answer}\n{line}"
        return line

    def current_status(self) -> str:
        if self.missing:
            return self.missing
        if self.reader is None:
            return "Not started."
        status = self.reader.status
        problems = [p for p in (status.problem, *self.setting_problems, *self.apply_problems.values()) if p]
        if problems:
            return "Problem: " + " | ".join(problems)
        if not self.driving:
            return "Idle: nothing to drive, so nothing is read. Pick a text source or turn on scene switching."
        if status.paused:
            return "Paused (enable it, or press the pause hotkey)."
        reads = "  ".join(f"{p.upper()} {self.shown(r)}" for p, r in (("p1", status.p1), ("p2", status.p2)))
        leader = status.lead.leader or "nobody"
        return f"{reads}  leader: {leader}  engine: {status.engine}  {worker_load(status)}"

    def shown(self, read: Any) -> str:
        if read is None:
            return "-"
        if read.score is None:
            return f"? ({read.problem})" if read.problem else "?"
        return str(self.format_score(read.score, self.score_format))

    def tick_summary(self) -> str:
        status = self.reader.status if self.reader is not None else None
        parts = [worker_load(status)] if status is not None else []
        for kind, samples in (*self.tick_us.items(), ("source capture", self.capture_us)):
            ticks = sorted(samples)
            if ticks:
                parts.append(
                    f"{kind} ticks: median {ticks[len(ticks) // 2]:.0f} us, max {ticks[-1]:.0f} us, n={len(ticks)}"
                )
        return "; ".join(parts)

    def show_status(self, line: str) -> None:
        self.save_located()
        if self.settings is not None:
            obs.obs_data_set_string(self.settings, "status", line)


def each(part: Callable[..., None], *args: Any) -> None:
    """Run one part of the tick; a failure is logged once and skips no other part."""
    try:
        part(*args)
    except Exception as exc:
        log_failure_once(part.__name__, exc)


def np_zeros_rgba() -> Any:
    import numpy as np

    return np.zeros((2, 2, 4), np.uint8)


def native_frontend() -> Any:
    """OBS's frontend calls through ctypes (made on the switcher's thread)."""
    from ddrcore.obs_native import load_frontend

    return load_frontend()


def worker_load(status: Any) -> str:
    return (
        f"{status.reads_per_s:.1f} reads/s, worker CPU {status.cpu_share:.0%} (capture {status.capture_cpu_share:.0%})"
    )


script = Script()


@guarded
def on_tick() -> None:
    script.tick()


@guarded
def on_pause_hotkey(pressed: bool) -> None:
    if pressed:
        script.toggle_pause()


@guarded
def on_locate_hotkey(pressed: bool) -> None:
    if pressed:
        script.find_regions()


HOTKEY_CALLBACKS = {"obs_ddr.pause": on_pause_hotkey, "obs_ddr.locate": on_locate_hotkey}


# OBS's entry points.


def script_description() -> str:
    return (
        "<b>obs-ddr</b>: reads both players' scores from a dance game on screen and shows who leads: "
        "live text and automatic scene switches. Set the two score regions, then pick a text source."
    )


@guarded
def script_defaults(settings: Any) -> None:
    for key, value in DEFAULTS.items():
        if isinstance(value, bool):
            obs.obs_data_set_default_bool(settings, key, value)
        elif isinstance(value, int):
            obs.obs_data_set_default_int(settings, key, value)
        else:
            obs.obs_data_set_default_string(settings, key, value)


@guarded
def script_load(settings: Any) -> None:
    script.load(settings)


@guarded
def script_update(settings: Any) -> None:
    script.update(settings)


@guarded
def script_unload() -> None:
    script.unload()


@guarded
def script_save(settings: Any) -> None:
    script.save(settings)


@guarded
def on_read_now(props: Any, prop: Any) -> bool:
    script.show_status(script.read_now())
    return True


@guarded
def on_find_regions(props: Any, prop: Any) -> bool:
    line = script.find_regions()
    script.show_status(line)
    return True


@guarded
def on_refresh(props: Any, prop: Any) -> bool:
    script.show_status(script.status_line())
    return True


@guarded
def script_properties() -> Any:
    props = obs.obs_properties_create()
    script.show_status(script.status_line())
    obs.obs_properties_add_text(props, "status", "Status", obs.OBS_TEXT_INFO)
    obs.obs_properties_add_button(props, "read_now", "Read now (writes a preview PNG)", on_read_now)
    obs.obs_properties_add_button(props, "find_regions", "Find score regions", on_find_regions)
    obs.obs_properties_add_button(props, "refresh", "Refresh status", on_refresh)
    obs.obs_properties_add_bool(props, "enabled", "Enabled")
    add_list(props, "profile", "Game profile", [(p, p) for p in PROFILES])
    add_list(props, "capture", "Capture", [("Screen (the monitor below)", "screen"), *video_source_names()])
    obs.obs_properties_add_int(props, "monitor", "Monitor (1 = first)", 1, 16, 1)
    for player in ("p1", "p2"):
        for key, label in (("x", "left"), ("y", "top"), ("w", "width"), ("h", "height")):
            obs.obs_properties_add_int(props, f"{player}_{key}", f"{player.upper()} region {label} (px)", 0, 16384, 1)
    obs.obs_properties_add_bool(props, "auto_locate", "Find the regions again when reads keep failing")
    obs.obs_properties_add_int(props, "interval_ms", "Update interval (ms)", 33, 5000, 1)
    add_list(props, "engine", "OCR engine", [(e, e) for e in ENGINES])
    obs.obs_properties_add_int(props, "hold_ms", "New leader must hold (ms)", 0, 10000, 100)
    obs.obs_properties_add_path(
        props, "tesseract_path", "Tesseract program (empty: find it)", obs.OBS_PATH_FILE, "", None
    )
    obs.obs_properties_add_path(
        props, "templates_file", "Template file (empty: learn the digits)", obs.OBS_PATH_FILE, "*.npz", None
    )
    add_list(props, "text_source", "Text source", [("(none)", ""), *((n, n) for n in text_source_names())])
    obs.obs_properties_add_text(props, "text_format", "Text while a player leads", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_text(props, "tie_text", "Text while tied", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_text(props, "idle_text", "Text while no score is read", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_text(props, "p1_name", "Player 1 name", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_text(props, "p2_name", "Player 2 name", obs.OBS_TEXT_DEFAULT)
    obs.obs_properties_add_bool(props, "switch_scenes", "Switch scenes automatically")
    scenes = [("(no switch)", ""), *((n, n) for n in obs.obs_frontend_get_scene_names() or [])]
    for key, label in (
        ("scene_p1", "Scene while P1 leads"),
        ("scene_p2", "Scene while P2 leads"),
        ("scene_tie", "Scene while tied"),
    ):
        add_list(props, key, label, scenes)
    return props


def add_list(props: Any, key: str, label: str, items: list[tuple[str, str]]) -> None:
    prop = obs.obs_properties_add_list(props, key, label, obs.OBS_COMBO_TYPE_LIST, obs.OBS_COMBO_FORMAT_STRING)
    for name, value in items:
        obs.obs_property_list_add_string(prop, name, value)


def video_source_names() -> list[tuple[str, str]]:
    """Every source with video (capture cards, game and window capture, media, NDI, browser)
    and every scene, as (label, name)."""
    with released(obs.obs_enum_sources() or [], obs.source_list_release) as sources:
        inputs = sorted(
            obs.obs_source_get_name(s) for s in sources if obs.obs_source_get_output_flags(s) & obs.OBS_SOURCE_VIDEO
        )
    scenes = sorted(obs.obs_frontend_get_scene_names() or [])
    return [*((n, n) for n in inputs), *((f"Scene: {n}", n) for n in scenes)]


def text_source_names() -> list[str]:
    with released(obs.obs_enum_sources() or [], obs.source_list_release) as sources:
        return sorted(
            obs.obs_source_get_name(s) for s in sources if obs.obs_source_get_unversioned_id(s) in TEXT_SOURCE_KINDS
        )
