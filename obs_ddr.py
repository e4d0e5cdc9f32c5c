"""obs-ddr: shows who leads a 2-player DDR / StepMania / ITG match, live, in OBS.

Load it in Tools -> Scripts. A worker thread (ddrcore.live) captures, reads both scores,
tracks the lead and draws the chart; this script maps the settings (ddrcore.settings) to a
config and, on OBS's timer, applies what ddrcore.presenter says to show. Nothing here
touches pixels, raises into OBS, or waits on another OBS thread:

- OBS's timer (graphics thread, holding the GIL) writes the text source (obs_source_update
  waits for no other thread) and leaves scene wishes for the switcher thread, which calls
  the frontend through ctypes (GIL released while a switch waits for the UI thread).
- Reading an OBS source, the timer renders and maps it through ctypes too; the libraries
  and modules that needs are loaded in script_update, never on the timer.
- Buttons and hotkeys only leave a request (or an override) and return.
- The settings object is written only on OBS's UI thread, where OBS itself edits it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import obspython as obs

from ddrcore.settings import DEFAULTS, HOTKEYS, OVERRIDE_BUTTONS, OVERRIDE_HOTKEYS, SETTINGS, Setting

HERE = Path(__file__).resolve().parent

TEXT_SOURCE_KINDS = ("text_ft2_source", "text_ft2_source_v2", "text_gdiplus", "text_gdiplus_v2", "text_gdiplus_v3")
PREVIEW = Path(tempfile.gettempdir()) / "obs-ddr-preview.png"
CHART = Path(tempfile.gettempdir()) / "obs-ddr-chart.png"
_TICK_SAMPLES = 2000
_EVERY_FRAME_MS = 1
_CHECK_EVERY_S = 2.0
# How long the status line shows the answer to a button press.
_ANSWER_SHOWN_S = 60.0
# Unload waits this long for the worker (it never waits on OBS); a worker still busy then
# ends by itself after its current read, and the next load starts only after it has.
_STOP_WAIT_S = 2.0


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


def each(part: Callable[..., None], *args: Any) -> None:
    """Run one part of the tick; a failure is logged once and skips no other part."""
    try:
        part(*args)
    except Exception as exc:
        log_failure_once(part.__name__, exc)


def add_venv_to_path() -> None:
    """The packages may live in a .venv beside this file (install.sh makes it)."""
    venv = HERE / ".venv"
    for site in [*sorted((venv / "lib").glob("python3*/site-packages")), venv / "Lib" / "site-packages"]:
        if site.is_dir() and str(site) not in sys.path:
            sys.path.insert(0, str(site))


def setting_values(settings: Any) -> dict[str, Any]:
    getters = {"bool": obs.obs_data_get_bool, "int": obs.obs_data_get_int, "colour": obs.obs_data_get_int}
    return {s.key: getters.get(s.kind, obs.obs_data_get_string)(settings, s.key) for s in SETTINGS}


class Script:
    """The script's whole state: the worker, the switcher, the presenter, what it applied."""

    def __init__(self) -> None:
        self.settings: Any = None
        self.config: Any = None  # ddrcore.settings.ScriptConfig
        self.reader: Any = None  # ddrcore.live.LiveReader once the packages import
        self.reader_started = False
        self.switcher: Any = None  # ddrcore.switcher.SceneSwitcher
        self.presenter: Any = None  # ddrcore.presenter.Presenter
        self.feed: Any = None  # ddrcore.source_feed.SourceFeed, when an OBS source is read
        self.pixels: Any = None  # ddrcore.obs_native.SourcePixels, used on the graphics thread
        self.pixels_problem = ""
        self.core: Any = None  # the ddrcore modules the tick uses, imported in update
        self.missing = ""
        self.hotkey_paused = False
        self.hotkey_ids: dict[str, Any] = {}
        self.saved_located_seq = self.logged_located_seq = 0
        self.problems: dict[str, str] = {}
        self.problem_log: Any = None
        self.seen = (-1, -1)
        self.seen_message_seq = 0
        self.answer, self.answer_at = "", 0.0
        self.last_text: str | None = None
        self.wanted_leader: str | None = "unset"
        self.seen_switch: Any = None
        # Timer ticks in microseconds by what they did, and the graphics thread's time per
        # picture read from an OBS source (render + map).
        self.tick_us: dict[str, deque[float]] = {
            k: deque(maxlen=_TICK_SAMPLES) for k in ("idle", "text", "scene", "source capture")
        }
        self.tick_kind = "idle"
        self.next_check_s = 0.0

    # Settings -> config (UI thread)

    def load(self, settings: Any) -> None:
        self.settings = settings
        # The reader's matrix products are small: extra OpenBLAS threads would only spin
        # and take CPU from the game and the encoder. Must be set before NumPy loads.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        add_venv_to_path()
        from ddrcore.dependencies import missing_packages

        self.missing = missing_packages(HERE)
        if self.missing:
            log(obs.LOG_WARNING, self.missing)
        for name, description in HOTKEYS.items():
            self.hotkey_ids[name] = obs.obs_hotkey_register_frontend(name, description, HOTKEY_CALLBACKS[name])
            with released(obs.obs_data_get_array(settings, name), obs.obs_data_array_release) as saved:
                obs.obs_hotkey_load(self.hotkey_ids[name], saved)

    def update(self, settings: Any) -> None:
        self.settings = settings
        self.save_located()  # regions found meanwhile are settings before the config is made
        obs.timer_remove(on_tick)
        if self.missing:
            return
        import ddrcore.status
        from ddrcore.live import LiveReader
        from ddrcore.presenter import Presenter
        from ddrcore.profiles import load_profile
        from ddrcore.settings import script_config
        from ddrcore.source_feed import SourceFeed
        from ddrcore.switcher import SceneSwitcher

        self.core = ddrcore.status  # kept: the tick imports nothing
        config = self.config = script_config(setting_values(settings), str(CHART))
        live = config.live
        if live.capture == "screen":
            self.feed = None
        elif self.feed is None or self.feed.name != live.capture:
            self.feed = SourceFeed(live.capture)
        if self.feed is not None:
            self.prepare_pixels()
        if self.reader is None:
            self.reader = LiveReader(live, self.feed_for)
            self.problem_log = ddrcore.status.ProblemLog()
        else:
            self.reader.configure(live)
        self.reader_started = self.reader.start()  # else the tick starts it (see LiveReader.start)
        if self.switcher is None:
            self.switcher = SceneSwitcher(native_frontend)
        if config.switch_scenes:
            self.switcher.start()
        fmt = load_profile(live.read.profile).format
        self.presenter = Presenter(config.wording, fmt, config.override_s, self.presenter)
        self.pause_reader()
        self.point_chart_source()
        self.seen, self.last_text, self.wanted_leader = (-1, -1), None, "unset"
        # An OBS source's picture is rendered on one tick and mapped on the next: then the
        # timer runs on every frame, so a read waits two frames, not two intervals.
        obs.timer_add(on_tick, live.interval_ms if live.capture == "screen" else _EVERY_FRAME_MS)

    @property
    def driving(self) -> bool:
        config = self.config
        return config is not None and bool(config.text_source or config.switch_scenes or config.chart_source)

    def prepare_pixels(self) -> None:
        """Bind OBS's graphics calls and import what the timer needs to read a source, here on
        the UI thread: the timer must never load a library or a module (the loader and
        import locks would meet OBS loading scripts and sources)."""
        from ddrcore.obs_native import NativeObsError, SourcePixels, graphics_library
        from ddrcore.source_feed import rgba_to_bgr

        self.rgba_to_bgr = rgba_to_bgr
        if self.pixels is None:
            try:
                self.pixels = SourcePixels(graphics_library())
            except NativeObsError as exc:
                self.pixels_problem = f"reading OBS sources is unavailable here ({exc}); capture the screen instead"
        import numpy as np

        rgba_to_bgr(np.zeros((2, 2, 4), np.uint8))  # loads OpenCV's colour conversion now, not on a tick

    def feed_for(self, name: str) -> Any:
        """The feed the timer fills for OBS source ``name`` (the worker asks for it)."""
        from ddrcore.source_feed import SourceFeed

        return self.feed if self.feed is not None and self.feed.name == name else SourceFeed(name)

    def point_chart_source(self) -> None:
        """Show the worker's chart file in the chosen image source (it reloads a changed file)."""
        name = self.config.chart_source if self.config is not None else ""
        with source_named(name) as source:
            if name and source is None:
                self.problems["chart"] = f"chart image source {name!r} not found: pick one in the settings"
                return
            self.problems.pop("chart", None)
            if source is not None and obs.obs_source_get_unversioned_id(source) == "image_source":
                with released(obs.obs_data_create(), obs.obs_data_release) as data:
                    obs.obs_data_set_string(data, "file", str(CHART))
                    obs.obs_source_update(source, data)

    def pause_reader(self) -> None:
        """Read only while enabled and there is something to drive (nothing is captured else)."""
        self.reader.pause(not self.config.enabled or self.hotkey_paused or not self.driving)

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
        if self.core is not None and any(self.tick_us.values()):
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

    # Hotkeys and buttons: a request for the worker (or an override), and return at once.

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

    def override(self, action: str) -> None:
        if self.presenter is not None:
            self.presenter.press(action, time.monotonic())

    # The timer: apply the latest result (OBS's graphics thread: keep it tiny, and let no
    # part's failure skip the others).

    def tick(self) -> None:
        started = time.perf_counter()
        self.tick_kind = "idle"
        if self.reader is not None and not self.reader_started:
            self.reader_started = bool(self.reader.start())
        if self.feed is not None:
            each(self.feed_source)
        status = self.reader.status if self.reader is not None else None
        seen = (status.seq, self.presenter.revision) if status is not None else (-1, -1)
        if status is not None and seen != self.seen:
            self.seen = seen
            each(self.note_messages, status)
            if self.config.enabled and not status.paused:
                if started >= self.next_check_s:
                    self.next_check_s = started + _CHECK_EVERY_S
                    each(self.check_targets)
                showing = self.presenter.showing(status.lead, status.match, time.monotonic())
                each(self.apply_text, showing)
                each(self.apply_scene, showing)
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
        started = time.perf_counter()
        worked = False
        staged = self.pixels.staged
        if staged is not None:
            image = self.pixels.map(self.rgba_to_bgr)
            if image is not None:
                feed.deliver(staged.seq, image)
            worked = True
        state = self.pixels.state(feed.name)
        feed.report(None if state.problem else (state.width, state.height), state.problem)
        request = feed.wanted()
        if request is not None and not state.problem and self.pixels.staged is None:
            box = request.box
            part = (0, 0, state.width, state.height) if box is None else (box.x, box.y, box.w, box.h)
            worked = self.pixels.stage(feed.name, part, request.seq) or worked
        if worked:
            self.tick_us["source capture"].append((time.perf_counter() - started) * 1e6)

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
        """Notice a text source, scene or image source deleted or renamed since it was chosen."""
        config = self.config
        if config.text_source:
            with source_named(config.text_source) as source:
                if source is None:
                    self.text_source_missing()
        scenes = config.scenes
        missing = []
        for name in {scenes.p1, scenes.p2, scenes.tie} - {""} if config.switch_scenes else ():
            with source_named(name) as scene:
                if scene is None:
                    missing.append(name)
        if missing:
            self.problems["scenes"] = f"scene {', '.join(map(repr, sorted(missing)))} not found: pick it again"
        else:
            self.problems.pop("scenes", None)
        if config.chart_source:
            with source_named(config.chart_source) as source:
                found = source is not None
            if found != ("chart" not in self.problems):
                self.point_chart_source()

    def apply_text(self, showing: Any) -> None:
        text = showing.text
        if not self.config.text_source or text is None or text == self.last_text:
            return
        with source_named(self.config.text_source) as source:
            if source is None:
                self.text_source_missing()
                return
            with released(obs.obs_data_create(), obs.obs_data_release) as data:
                obs.obs_data_set_string(data, "text", text)
                obs.obs_source_update(source, data)
        self.problems.pop("text", None)
        self.last_text = text
        self.tick_kind = "text"

    def text_source_missing(self) -> None:
        self.problems["text"] = f"text source {self.config.text_source!r} not found: pick one in the settings"
        self.last_text = None  # write the text again once the source is back

    def apply_scene(self, showing: Any) -> None:
        """Hand the leader's scene to the switcher; it checks, at the moment it switches,
        that the program is still one of our scenes."""
        if not self.config.switch_scenes or showing.keep_scene or showing.leader == self.wanted_leader:
            return
        self.switcher.want(showing.leader, self.config.scenes)
        self.wanted_leader = showing.leader
        self.tick_kind = "scene"

    def note_switch(self) -> None:
        result = self.switcher.result if self.switcher is not None else None
        if result is None or (result.seq, result.outcome) == self.seen_switch:
            return
        self.seen_switch = (result.seq, result.outcome)
        if result.problem:
            self.problems["switch"] = result.problem
            return
        self.problems.pop("switch", None)
        if result.outcome == "switched":
            took = f"the switch took {result.took_s * 1000:.1f} ms off OBS's threads"
            log(obs.LOG_INFO, f"{result.leader} leads: switched to {result.scene!r} ({took}); {self.tick_summary()}")

    def all_problems(self, worker_problem: str) -> list[str]:
        setting_problems = self.config.problems if self.config is not None else []
        return [p for p in (worker_problem, *setting_problems, *self.problems.values()) if p]

    def report(self, worker_problem: str) -> None:
        """Log each problem once when it appears, and once when all are gone."""
        new, solved = self.problem_log.update(self.all_problems(worker_problem))
        for problem in new:
            log(obs.LOG_WARNING, problem)
        if solved:
            log(obs.LOG_INFO, "all problems solved: reading again")

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
        problems = self.all_problems(status.problem)
        if not problems and not self.driving:
            return "Idle: nothing to drive, so nothing is read. Pick a text source or turn on scene switching."
        override = self.presenter.status(time.monotonic())
        store = self.config.live.read.store_words()
        return str(self.core.status_words(status, self.presenter.format, problems, override, store))

    def tick_summary(self) -> str:
        status = self.reader.status if self.reader is not None else None
        load = [self.core.worker_load(status)] if status is not None else []
        return "; ".join([*load, self.core.timing_summary(self.tick_us)])

    def show_status(self, line: str) -> None:
        self.save_located()
        if self.settings is not None:
            obs.obs_data_set_string(self.settings, "status", line)


def native_frontend() -> Any:
    """OBS's frontend calls through ctypes (made on the switcher's thread)."""
    from ddrcore.obs_native import load_frontend

    return load_frontend()


script = Script()


@guarded
def on_tick() -> None:
    script.tick()


def hotkey(action: Callable[[], Any]) -> Callable[[bool], None]:
    """A hotkey callback (OBS's hotkey thread): acts on press, never raises."""

    def pressed(is_pressed: bool) -> None:
        if is_pressed:
            action()

    pressed.__name__ = f"hotkey_{getattr(action, '__name__', 'override')}"
    return guarded(pressed)


HOTKEY_CALLBACKS: dict[str, Callable[[bool], None]] = {
    "obs_ddr.pause": hotkey(script.toggle_pause),
    "obs_ddr.locate": hotkey(script.find_regions),
    **{name: hotkey(partial(script.override, action)) for name, action in OVERRIDE_HOTKEYS.items()},
}


# OBS's entry points.


def script_description() -> str:
    return (
        "<b>obs-ddr</b>: reads both players' scores from a dance game on screen and shows who leads: "
        "live text, automatic scene switches and a match chart. Set the two score regions, then pick a text source."
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


def button(action: Callable[[], str | None]) -> Callable[[Any, Any], bool]:
    """A button callback (UI thread): acts, then shows its answer (or the status)."""

    def pressed(props: Any, prop: Any) -> bool:
        answer = action()
        script.show_status(answer or script.status_line())
        return True

    pressed.__name__ = f"button_{getattr(action, '__name__', 'override')}"
    return guarded(pressed)


BUTTONS: list[tuple[str, str, Callable[[Any, Any], bool]]] = [
    ("read_now", "Read now (writes a preview PNG)", button(script.read_now)),
    ("find_regions", "Find score regions", button(script.find_regions)),
    ("refresh", "Refresh status", button(lambda: None)),
    *((f"override_{a}", label, button(partial(script.override, a))) for a, label in OVERRIDE_BUTTONS.items()),
]


@guarded
def script_properties() -> Any:
    props = obs.obs_properties_create()
    script.show_status(script.status_line())
    obs.obs_properties_add_text(props, "status", "Status", obs.OBS_TEXT_INFO)
    for key, label, callback in BUTTONS:
        obs.obs_properties_add_button(props, key, label, callback)
    for setting in SETTINGS:
        add_property(props, setting)
    return props


def add_property(props: Any, setting: Setting) -> None:
    key, label = setting.key, setting.label
    if setting.kind == "bool":
        obs.obs_properties_add_bool(props, key, label)
    elif setting.kind == "int":
        obs.obs_properties_add_int(props, key, label, *setting.limits)
    elif setting.kind == "text":
        obs.obs_properties_add_text(props, key, label, obs.OBS_TEXT_DEFAULT)
    elif setting.kind == "colour":
        obs.obs_properties_add_color(props, key, label)
    elif setting.kind in ("file", "folder"):
        kind = obs.OBS_PATH_FILE if setting.kind == "file" else obs.OBS_PATH_DIRECTORY
        obs.obs_properties_add_path(props, key, label, kind, setting.file_filter, None)
    else:
        prop = obs.obs_properties_add_list(props, key, label, obs.OBS_COMBO_TYPE_LIST, obs.OBS_COMBO_FORMAT_STRING)
        for name, value in list_choices(setting):
            obs.obs_property_list_add_string(prop, name, value)


def list_choices(setting: Setting) -> list[tuple[str, str]]:
    from ddrcore.settings import fixed_choices

    scenes = sorted(obs.obs_frontend_get_scene_names() or [])
    if setting.choices == "scenes":
        return [("(no switch)", ""), *((n, n) for n in scenes)]
    if setting.choices in ("text_sources", "image_sources"):
        kinds = TEXT_SOURCE_KINDS if setting.choices == "text_sources" else ("image_source",)
        return [
            ("(none)", ""),
            *((n, n) for n in source_names(lambda s: obs.obs_source_get_unversioned_id(s) in kinds)),
        ]
    if setting.choices == "capture":
        # Every source with video (capture cards, game and window capture, media, NDI, browser), and scenes.
        inputs = source_names(lambda s: bool(obs.obs_source_get_output_flags(s) & obs.OBS_SOURCE_VIDEO))
        return [
            ("Screen (the monitor below)", "screen"),
            *((n, n) for n in inputs),
            *((f"Scene: {n}", n) for n in scenes),
        ]
    return fixed_choices(setting.choices)


def source_names(wanted: Callable[[Any], bool]) -> list[str]:
    with released(obs.obs_enum_sources() or [], obs.source_list_release) as sources:
        return sorted(obs.obs_source_get_name(s) for s in sources if wanted(s))
