"""obs-ddr: shows who leads a 2-player DDR / StepMania / ITG match, live, in OBS.

Load it in Tools -> Scripts. A worker thread (ddrcore.live) captures the screen, reads both
scores and tracks the lead; this script only maps settings to a config, and on OBS's timer
applies the latest result: the text source when its text changes, the scene when the
leader changes. Nothing here touches pixels, and nothing here raises into OBS.
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
_READ_NOW_WAIT_S = 3.0
_FIND_WAIT_S = 8.0
_TICK_SAMPLES = 2000
_CHECK_EVERY_S = 2.0

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "profile": "stepmania",
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


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Never let an exception out into OBS: log it once per distinct message instead."""
    seen: set[str] = set()

    def call(*args: Any) -> Any:
        try:
            return callback(*args)
        except Exception as exc:
            text = f"{callback.__name__} failed: {exc!r}"
            if text not in seen:
                seen.add(text)
                log(obs.LOG_ERROR, text)
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
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if not missing:
        return ""
    fix = (
        f'powershell -ExecutionPolicy Bypass -File "{HERE / "install.ps1"}"'
        if os.name == "nt"
        else f'bash "{HERE / "install.sh"}"'
    )
    return f"Missing Python packages: {', '.join(missing)}. Fix: run {fix}, then restart OBS."


class Script:
    """The script's whole state: the worker, the settings it runs with, what it last applied."""

    def __init__(self) -> None:
        self.settings: Any = None
        self.reader: Any = None  # ddrcore.live.LiveReader once the packages import
        self.missing = ""
        self.enabled = True
        self.hotkey_paused = False
        self.hotkey_ids: dict[str, Any] = {}
        self.applied_located_seq = 0
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
        self.last_text: str | None = None
        self.applied_leader: str | None = "unset"
        # Timer ticks in microseconds, by what they did: "idle", "text" (wrote the text), "scene".
        self.tick_us: dict[str, deque[float]] = {k: deque(maxlen=_TICK_SAMPLES) for k in ("idle", "text", "scene")}
        self.tick_kind = "idle"
        self.next_check_s = 0.0

    # Settings -> config

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
        get_int, get_str = obs.obs_data_get_int, obs.obs_data_get_string
        self.enabled = obs.obs_data_get_bool(settings, "enabled")
        self.text_source = get_str(settings, "text_source")
        self.switch_scenes = obs.obs_data_get_bool(settings, "switch_scenes")
        interval_ms = max(33, get_int(settings, "interval_ms"))
        obs.timer_remove(on_tick)
        if self.missing:
            return
        from ddrcore.errors import DdrError
        from ddrcore.live import LiveConfig, LiveReader
        from ddrcore.parse import format_score
        from ddrcore.present import SceneChoice, Wording, leader_text
        from ddrcore.profiles import load_profile
        from ddrcore.regions import Region
        from ddrcore.session import ReadConfig

        self.leader_text, self.format_score = leader_text, format_score  # kept: no imports on the tick
        self.setting_problems = []
        self.wording = Wording(
            get_str(settings, "text_format"),
            get_str(settings, "tie_text"),
            get_str(settings, "idle_text"),
            get_str(settings, "p1_name"),
            get_str(settings, "p2_name"),
        )
        wording_problem = self.wording.problem()
        self.wording_ok = not wording_problem  # checked once here, not on every tick
        if wording_problem:
            self.setting_problems.append(wording_problem)
        self.scenes = SceneChoice(
            get_str(settings, "scene_p1"), get_str(settings, "scene_p2"), get_str(settings, "scene_tie")
        )
        profile = get_str(settings, "profile")
        try:
            self.score_format = load_profile(profile).format
        except DdrError as exc:
            self.setting_problems.append(str(exc))
            profile = DEFAULTS["profile"]
            self.score_format = load_profile(profile).format

        def region(player: str) -> Region | None:
            values = [get_int(settings, f"{player}_{k}") for k in "xywh"]
            return None if not any(values) else Region(*values)

        p1, p2 = region("p1"), region("p2")
        if (p1 is None) != (p2 is None):
            self.setting_problems.append("set both regions, or neither (all zero: the profile's regions)")
            p1 = p2 = None
        engine = get_str(settings, "engine") or "auto"
        read = ReadConfig(profile, engine, p1, p2, get_int(settings, "hold_ms"), get_str(settings, "tesseract_path"))
        config = LiveConfig(
            read, get_int(settings, "monitor"), interval_ms, obs.obs_data_get_bool(settings, "auto_locate")
        )
        if self.reader is None:
            self.reader = LiveReader(config)
            self.reader.start()
        else:
            self.reader.configure(config)
        self.reader.pause(not self.enabled or self.hotkey_paused)
        self.seen_seq, self.last_text, self.applied_leader = -1, None, "unset"
        obs.timer_add(on_tick, interval_ms)

    def unload(self) -> None:
        obs.timer_remove(on_tick)
        if self.reader is not None:
            if not self.reader.stop():
                log(obs.LOG_WARNING, "the reader thread did not stop within 5 s")
            self.reader = None
        for name in list(self.hotkey_ids):
            obs.obs_hotkey_unregister(HOTKEY_CALLBACKS[name])
            del self.hotkey_ids[name]
        if any(self.tick_us.values()):
            log(obs.LOG_INFO, f"unloaded; {self.tick_summary()}")
        # "Reload Scripts" re-imports only this file: make it re-import the core too.
        for name in [n for n in sys.modules if n == "ddrcore" or n.startswith("ddrcore.")]:
            del sys.modules[name]

    def save(self, settings: Any) -> None:
        for name, hotkey in self.hotkey_ids.items():
            with released(obs.obs_hotkey_save(hotkey), obs.obs_data_array_release) as saved:
                obs.obs_data_set_array(settings, name, saved)

    def toggle_pause(self) -> None:
        if self.reader is None:
            return
        self.hotkey_paused = not self.hotkey_paused
        self.reader.pause(not self.enabled or self.hotkey_paused)
        log(obs.LOG_INFO, "paused" if self.hotkey_paused else "resumed")

    # The timer: apply the worker's latest result (runs on OBS's frame tick: keep it tiny).

    def tick(self) -> None:
        started = time.perf_counter()
        self.tick_kind = "idle"
        status = self.reader.status if self.reader is not None else None
        if status is not None and status.seq != self.seen_seq:
            self.seen_seq = status.seq
            if status.located_seq != self.applied_located_seq:
                self.keep_located(status)
            if self.enabled and not status.paused:
                if started >= self.next_check_s:
                    self.check_targets()
                    self.next_check_s = started + _CHECK_EVERY_S
                self.apply_text(status.lead)
                self.apply_scene(status.lead)
            self.report(status.problem)
        self.tick_us[self.tick_kind].append((time.perf_counter() - started) * 1e6)

    def keep_located(self, status: Any) -> None:
        """Write regions the worker found into the settings (it already reads there), so they
        show in the properties and are saved with the scene collection."""
        self.applied_located_seq = status.located_seq
        if status.located is None or self.settings is None:
            return
        for player, region in zip(("p1", "p2"), status.located, strict=True):
            for key in "xywh":
                obs.obs_data_set_int(self.settings, f"{player}_{key}", getattr(region, key))
        log(obs.LOG_INFO, f"found score regions: P1 {status.located[0]}, P2 {status.located[1]}")

    def find_regions(self, wait_s: float) -> str:
        """Ask the worker to find both score regions; wait up to ``wait_s`` for its answer."""
        if self.reader is None:
            return self.status_line()
        answer = self.ask_worker(self.reader.request_locate, wait_s)
        return answer or "Find score regions: still looking (see the script log)"

    def ask_worker(self, request: Callable[[], None], wait_s: float) -> str:
        """Make a request of the worker; its next message (or "" after ``wait_s``)."""
        before = self.reader.status.message_seq
        request()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            status = self.reader.status
            if status.message_seq != before:
                return str(status.message)
            time.sleep(0.05)
        return ""

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
        if not self.switch_scenes or lead.leader == self.applied_leader:
            return
        target = self.scenes.scene_for(lead.leader)
        with released(obs.obs_frontend_get_current_scene(), obs.obs_source_release) as current:
            current_name = obs.obs_source_get_name(current) if current is not None else ""
        if not target or target == current_name or not self.scenes.owns(current_name):
            # Not ours to change (the streamer cut to another scene), or nothing to do.
            self.applied_leader = lead.leader
            return
        with source_named(target) as scene:
            if scene is None:
                self.apply_problems["scenes"] = f"scene {target!r} not found: pick it again"
                return
            obs.obs_frontend_set_current_scene(scene)
        self.tick_kind = "scene"
        self.applied_leader = lead.leader
        log(obs.LOG_INFO, f"{lead.leader} leads: switched to scene {target!r}; {self.tick_summary()}")

    def report(self, worker_problem: str) -> None:
        """Log each problem once when it appears, and once when all are gone."""
        problems = {p for p in (worker_problem, *self.setting_problems, *self.apply_problems.values()) if p}
        for problem in sorted(problems - self.reported):
            log(obs.LOG_WARNING, problem)
        if self.reported and not problems:
            log(obs.LOG_INFO, "all problems solved: reading again")
        self.reported = problems

    # What the properties show.

    def status_line(self) -> str:
        if self.missing:
            return self.missing
        if self.reader is None:
            return "Not started."
        status = self.reader.status
        problems = [p for p in (status.problem, *self.setting_problems, *self.apply_problems.values()) if p]
        if problems:
            return "Problem: " + " | ".join(problems)
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
        for kind, samples in self.tick_us.items():
            ticks = sorted(samples)
            if ticks:
                parts.append(
                    f"{kind} ticks: median {ticks[len(ticks) // 2]:.0f} us, max {ticks[-1]:.0f} us, n={len(ticks)}"
                )
        return "; ".join(parts)

    def read_now(self) -> str:
        """Ask the worker for one read with a preview; wait briefly for its answer."""
        if self.reader is None:
            return self.status_line()
        answer = self.ask_worker(lambda: self.reader.request_preview(PREVIEW), _READ_NOW_WAIT_S)
        return answer or self.status_line()

    def show_status(self, line: str) -> None:
        if self.settings is not None:
            obs.obs_data_set_string(self.settings, "status", line)


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
        script.find_regions(wait_s=0)


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
    line = script.read_now()
    log(obs.LOG_INFO, line)
    script.show_status(line)
    return True


@guarded
def on_find_regions(props: Any, prop: Any) -> bool:
    line = script.find_regions(_FIND_WAIT_S)
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


def text_source_names() -> list[str]:
    with released(obs.obs_enum_sources() or [], obs.source_list_release) as sources:
        return sorted(
            obs.obs_source_get_name(s) for s in sources if obs.obs_source_get_unversioned_id(s) in TEXT_SOURCE_KINDS
        )
