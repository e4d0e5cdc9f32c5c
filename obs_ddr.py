"""obs-ddr: shows who leads a 2-player DDR / StepMania / ITG match, live, in OBS.

Load it in Tools -> Scripts. This file is glue: OBS's callbacks, settings and properties
mapped onto ddrcore.obs.script.ScriptCore, which owns the worker thread (capture -> read ->
track, ddrcore.live.worker), the scene switcher thread and what the timer applies, and says which
OBS thread may call what. The settings, hotkeys and buttons come from ddrcore.obs.settings.
Nothing here touches pixels, raises into OBS, or waits on another OBS thread; the settings
object is written only on OBS's UI thread, where OBS itself edits it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import obspython as obs

from ddrcore.obs.logs import FailureLog
from ddrcore.obs.settings import DEFAULTS, HOTKEYS, OVERRIDE_BUTTONS, OVERRIDE_HOTKEYS, SETTINGS, Setting

HERE = Path(__file__).resolve().parent
TEXT_SOURCE_KINDS = ("text_ft2_source", "text_ft2_source_v2", "text_gdiplus", "text_gdiplus_v2", "text_gdiplus_v3")
LEVELS = {"info": obs.LOG_INFO, "warning": obs.LOG_WARNING, "error": obs.LOG_ERROR}


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


FAILURES = FailureLog()


def each(part: Callable[..., Any], *args: Any) -> Any:
    """Run one part (a callback, a part of the tick); a failure is never raised into OBS, and
    logged when it starts and when it comes back (see FailureLog)."""
    name = getattr(part, "__name__", "a part")
    try:
        result = part(*args)
    except Exception as exc:
        line = FAILURES.failed(name, repr(exc))
        if line:
            log(obs.LOG_ERROR, line)
        return None
    FAILURES.worked(name)
    return result


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return each(callback, *args)

    call.__name__ = callback.__name__
    return call


class ObsApi:
    """The OBS calls ddrcore.obs.script makes, on the thread that makes them. ``sources`` does
    the source calls: through ``ctypes`` (ddrcore.obs.sources: the GIL is let go while in C)
    where libobs binds, else through the SWIG binding (:class:`SwigSources`)."""

    def __init__(self, sources: Any) -> None:
        self.sources = sources

    def log(self, level: str, message: str) -> None:
        log(LEVELS[level], message)

    def source_exists(self, name: str) -> bool:
        return bool(self.sources.source_exists(name))

    def set_text(self, source_name: str, text: str) -> bool:
        return bool(self.sources.set_text(source_name, text))

    def show_file(self, source_name: str, file: str) -> bool:
        return bool(self.sources.show_file(source_name, file))


class SwigSources:
    """ddrcore.obs.sources.NativeSources through the SWIG binding, where libobs does not bind
    through ctypes (the fake obspython of the glue tests)."""

    def source_exists(self, name: str) -> bool:
        with source_named(name) as source:
            return source is not None

    def set_text(self, source_name: str, text: str) -> bool:
        return self._update(source_name, "text", text)

    def show_file(self, source_name: str, file: str) -> bool:
        return self._update(source_name, "file", file, only_kind="image_source")

    def _update(self, source_name: str, key: str, value: str, only_kind: str = "") -> bool:
        with source_named(source_name) as source:
            if source is None:
                return False
            if only_kind and obs.obs_source_get_unversioned_id(source) != only_kind:
                return True  # not an image source: leave it as it is
            with released(obs.obs_data_create(), obs.obs_data_release) as data:
                obs.obs_data_set_string(data, key, value)
                obs.obs_source_update(source, data)
        return True


def add_venv_to_path() -> str:
    """Put the venv's packages on sys.path (install.sh makes it beside this file); '' or why
    they cannot load in this OBS (then they stay off it)."""
    from ddrcore.obs.dependencies import venv_dir, venv_problem, venv_site_packages

    problem = venv_problem(HERE)
    for site in [] if problem else venv_site_packages(venv_dir(HERE)):
        if str(site) not in sys.path:
            sys.path.insert(0, str(site))
    return problem


def setting_values(settings: Any) -> dict[str, Any]:
    getters = {"bool": obs.obs_data_get_bool, "int": obs.obs_data_get_int, "colour": obs.obs_data_get_int}
    return {s.key: getters.get(s.kind, obs.obs_data_get_string)(settings, s.key) for s in SETTINGS}


class Script:
    """OBS's side: the settings object, the hotkeys, and the core once the packages import."""

    def __init__(self) -> None:
        self.settings: Any = None
        self.core: Any = None  # ddrcore.obs.script.ScriptCore
        self.missing = ""
        self.hotkey_ids: dict[str, Any] = {}
        # This load's own folder for the chart and the preview: two OBS instances or profiles
        # never write each other's files. Removed at unload.
        self.scratch: Path | None = None

    def load(self, settings: Any) -> None:
        self.settings = settings
        # The reader's matrix products are small: extra OpenBLAS threads would only spin
        # and take CPU from the game and the encoder. Must be set before NumPy loads.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from ddrcore.obs.dependencies import missing_packages

        self.missing = add_venv_to_path() or missing_packages(HERE)
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
        if self.core is None:
            from ddrcore.obs.script import ScriptCore

            if self.scratch is None:
                self.scratch = Path(tempfile.mkdtemp(prefix="obs-ddr-"))
            chart, preview = self.scratch / "obs-ddr-chart.png", self.scratch / "obs-ddr-preview.png"
            self.core = ScriptCore(ObsApi(native_sources()), native_frontend, chart, preview)
        interval_ms = self.core.configure(setting_values(settings))
        obs.timer_add(on_tick, interval_ms)

    def unload(self) -> None:
        obs.timer_remove(on_tick)
        if self.core is not None:
            self.core.unload()
            self.core = None
        for name in list(self.hotkey_ids):
            obs.obs_hotkey_unregister(HOTKEY_CALLBACKS[name])
            del self.hotkey_ids[name]
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)  # a reader still finishing may write once more
            self.scratch = None
        # "Reload Scripts" re-imports only this file: make it re-import the core too.
        for name in [n for n in sys.modules if n == "ddrcore" or n.startswith("ddrcore.")]:
            del sys.modules[name]

    def save(self, settings: Any) -> None:
        self.save_located()
        for name, hotkey in self.hotkey_ids.items():
            with released(obs.obs_hotkey_save(hotkey), obs.obs_data_array_release) as saved:
                obs.obs_data_set_array(settings, name, saved)

    def save_located(self) -> None:
        """Write regions the worker found into the settings, so they show in the properties
        and are saved with the scene collection. UI thread only."""
        found = self.core.found_regions() if self.core is not None else None
        for player, region in zip(("p1", "p2"), found, strict=True) if found else ():
            for key in "xywh":
                obs.obs_data_set_int(self.settings, f"{player}_{key}", getattr(region, key))

    def status_line(self) -> str:
        if self.missing:
            return self.missing
        return str(self.core.status_line()) if self.core is not None else "Not started."

    def show_status(self, line: str) -> None:
        self.save_located()
        if self.settings is not None:
            obs.obs_data_set_string(self.settings, "status", line)

    def do(self, action: str, *args: Any) -> str | None:
        """A button's or hotkey's request to the core; its answer ("" before the core exists)."""
        if self.core is None:
            return self.status_line()
        answer = getattr(self.core, action)(*args)
        return str(answer) if answer is not None else None


def native_sources() -> Any:
    """The source calls through ctypes (bound here, on the UI thread); through the SWIG
    binding outside OBS's own libraries."""
    from ddrcore.capture.libobs import NativeObsError
    from ddrcore.obs.sources import NativeSources

    try:
        return NativeSources.load()
    except NativeObsError as exc:
        log(obs.LOG_INFO, f"source calls through the SWIG binding ({exc})")
        return SwigSources()


def native_frontend() -> Any:
    """OBS's frontend calls through ctypes (made on the switcher's thread)."""
    from ddrcore.obs.frontend import load_frontend

    return load_frontend()


script = Script()


@guarded
def on_tick() -> None:
    if script.core is not None:
        script.core.tick(each)


def hotkey(action: str, *args: Any) -> Callable[[bool], None]:
    """A hotkey callback (OBS's hotkey thread): acts on press, never raises."""

    def pressed(is_pressed: bool) -> None:
        if is_pressed:
            script.do(action, *args)

    pressed.__name__ = f"hotkey_{action}"
    return guarded(pressed)


HOTKEY_CALLBACKS: dict[str, Callable[[bool], None]] = {
    "obs_ddr.pause": hotkey("toggle_pause"),
    "obs_ddr.locate": hotkey("find_regions"),
    **{name: hotkey("press", action) for name, action in OVERRIDE_HOTKEYS.items()},
}


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


def button(action: str, *args: Any) -> Callable[[Any, Any], bool]:
    """A button callback (UI thread): leaves the request, shows its answer (or the status)."""

    def pressed(props: Any, prop: Any) -> bool:
        answer = script.do(action, *args) if action else None
        script.show_status(answer or script.status_line())
        return True

    pressed.__name__ = f"button_{action or 'refresh'}"
    return guarded(pressed)


BUTTONS: list[tuple[str, str, Callable[[Any, Any], bool]]] = [
    ("read_now", "Read now (writes a preview PNG)", button("read_now")),
    ("find_regions", "Find score regions", button("find_regions")),
    ("refresh", "Refresh status", button("")),
    *((f"override_{a}", label, button("press", a)) for a, label in OVERRIDE_BUTTONS.items()),
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
    from ddrcore.obs.settings import fixed_choices

    scenes = sorted(obs.obs_frontend_get_scene_names() or [])
    if setting.choices == "scenes":
        return [("(no switch)", ""), *((n, n) for n in scenes)]
    if setting.choices in ("text_sources", "image_sources"):
        kinds = TEXT_SOURCE_KINDS if setting.choices == "text_sources" else ("image_source",)
        names = source_names(lambda s: obs.obs_source_get_unversioned_id(s) in kinds)
        return [("(none)", ""), *((n, n) for n in names)]
    if setting.choices == "capture":
        # Every source with video (capture cards, game and window capture, media, NDI, browser), and scenes.
        inputs = source_names(lambda s: bool(obs.obs_source_get_output_flags(s) & obs.OBS_SOURCE_VIDEO))
        screen = ("Screen (the monitor below)", "screen")
        return [screen, *((n, n) for n in inputs), *((f"Scene: {n}", n) for n in scenes)]
    return fixed_choices(setting.choices)


def source_names(wanted: Callable[[Any], bool]) -> list[str]:
    with released(obs.obs_enum_sources() or [], obs.source_list_release) as sources:
        return sorted(obs.obs_source_get_name(s) for s in sources if wanted(s))
