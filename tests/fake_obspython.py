"""A stand-in for OBS's ``obspython`` module that counts every reference handed out and
released, for fast tests of the script's glue. The real OBS test (test_obs_e2e) is the proof
that the glue works in OBS; this one proves it balances its references and threads."""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable
from typing import Any


class Ref:
    """A handle to an OBS object; each getter returns a new one that must be released once."""

    def __init__(self, kind: str, target: Any) -> None:
        self.kind = kind
        self.target = target
        self.released = False


class Data:
    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.defaults: dict[str, Any] = {}

    def get(self, key: str, empty: Any) -> Any:
        return self.values.get(key, self.defaults.get(key, empty))


class Source:
    def __init__(self, name: str, kind: str, settings: dict[str, Any] | None = None) -> None:
        self.name = name
        self.kind = kind
        self.settings = dict(settings or {})


class FakeObs(types.ModuleType):
    LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG = 100, 200, 300, 400
    OBS_TEXT_DEFAULT, OBS_TEXT_PASSWORD, OBS_TEXT_MULTILINE, OBS_TEXT_INFO = 0, 1, 2, 3
    OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING = 2, 3
    OBS_PATH_FILE, OBS_PATH_DIRECTORY = 0, 2
    OBS_SOURCE_VIDEO = 1

    def __init__(self) -> None:
        super().__init__("obspython")
        self.gets: Counter[str] = Counter()
        self.releases: Counter[str] = Counter()
        self.sources: dict[str, Source] = {}
        self.program = ""
        self.timers: list[tuple[Callable[[], None], int]] = []
        self.logs: list[tuple[int, str]] = []
        self.hotkeys: dict[str, Callable[[bool], None]] = {}
        self.properties: list[Any] = []

    # Test helpers

    def add_text_source(self, name: str, text: str = "") -> None:
        self.sources[name] = Source(name, "text_ft2_source_v2", {"text": text})

    def add_image_source(self, name: str) -> None:
        self.sources[name] = Source(name, "image_source", {"file": ""})

    def add_scene(self, name: str) -> None:
        self.sources[name] = Source(name, "scene")

    def text_of(self, name: str) -> str:
        return str(self.sources[name].settings.get("text", ""))

    def run_timers(self) -> None:
        for callback, _ in list(self.timers):
            callback()

    def balanced(self) -> bool:
        return self.gets == self.releases

    def logged(self, fragment: str) -> list[str]:
        return [m for _, m in self.logs if fragment in m]

    def _get(self, kind: str, target: Any) -> Ref:
        self.gets[kind] += 1
        return Ref(kind, target)

    def _release(self, ref: Ref, kind: str) -> None:
        assert isinstance(ref, Ref) and ref.kind == kind, f"released {ref!r} as {kind}"
        assert not ref.released, f"{kind} released twice"
        ref.released = True
        self.releases[kind] += 1

    # Logging and timers

    def script_log(self, level: int, message: str) -> None:
        self.logs.append((level, message))

    def timer_add(self, callback: Callable[[], None], ms: int) -> None:
        self.timers.append((callback, ms))

    def timer_remove(self, callback: Callable[[], None]) -> None:
        self.timers = [(c, ms) for c, ms in self.timers if c is not callback]

    # Data

    def obs_data_create(self) -> Ref:
        return self._get("data", Data())

    def obs_data_release(self, ref: Ref) -> None:
        self._release(ref, "data")

    def _values(self, data: Any) -> Data:
        target = data.target if isinstance(data, Ref) else data
        assert isinstance(target, Data)
        return target

    def obs_data_get_string(self, data: Any, key: str) -> str:
        return str(self._values(data).get(key, ""))

    def obs_data_get_int(self, data: Any, key: str) -> int:
        return int(self._values(data).get(key, 0))

    def obs_data_get_bool(self, data: Any, key: str) -> bool:
        return bool(self._values(data).get(key, False))

    def obs_data_set_string(self, data: Any, key: str, value: str) -> None:
        self._values(data).values[key] = value

    obs_data_set_int = obs_data_set_string

    def obs_data_set_default_string(self, data: Any, key: str, value: str) -> None:
        self._values(data).defaults[key] = value

    obs_data_set_default_int = obs_data_set_default_string
    obs_data_set_default_bool = obs_data_set_default_string

    def obs_data_get_array(self, data: Any, key: str) -> Ref | None:
        value = self._values(data).values.get(key)
        return None if value is None else self._get("array", list(value))

    def obs_data_set_array(self, data: Any, key: str, array: Ref) -> None:
        self._values(data).values[key] = list(array.target)

    def obs_data_array_release(self, ref: Ref) -> None:
        self._release(ref, "array")

    # Sources and scenes

    def obs_get_source_by_name(self, name: str) -> Ref | None:
        source = self.sources.get(name)
        return None if source is None else self._get("source", source)

    def obs_source_release(self, ref: Ref) -> None:
        self._release(ref, "source")

    def obs_source_get_name(self, ref: Ref) -> str:
        return str(ref.target.name)

    def obs_source_get_output_flags(self, ref: Ref) -> int:
        return 0 if ref.target.kind == "scene" else self.OBS_SOURCE_VIDEO

    def obs_source_get_unversioned_id(self, ref: Ref) -> str:
        return str(ref.target.kind).removesuffix("_v2")

    def obs_source_update(self, ref: Ref, data: Ref) -> None:
        ref.target.settings.update(self._values(data).values)

    def obs_enum_sources(self) -> list[Ref]:
        return [self._get("source", s) for s in self.sources.values() if s.kind != "scene"]

    def source_list_release(self, refs: list[Ref]) -> None:
        for ref in refs:
            self._release(ref, "source")

    def obs_frontend_get_scene_names(self) -> list[str]:
        return [s.name for s in self.sources.values() if s.kind == "scene"]

    def obs_frontend_get_current_scene(self) -> Ref | None:
        return self.obs_get_source_by_name(self.program)

    def obs_frontend_set_current_scene(self, ref: Ref) -> None:
        assert not ref.released
        self.program = ref.target.name

    def frontend(self) -> FakeFrontend:
        """What obs_ddr's switcher calls through ctypes in a real OBS."""
        return FakeFrontend(self)

    # Hotkeys

    def obs_hotkey_register_frontend(self, name: str, description: str, callback: Callable[[bool], None]) -> int:
        self.hotkeys[name] = callback
        return len(self.hotkeys)

    def obs_hotkey_unregister(self, callback: Callable[[bool], None]) -> None:
        self.hotkeys = {k: c for k, c in self.hotkeys.items() if c is not callback}

    def obs_hotkey_load(self, hotkey: int, array: Ref | None) -> None:
        pass

    def obs_hotkey_save(self, hotkey: int) -> Ref:
        return self._get("array", [])

    # Properties (recorded, not drawn)

    def obs_properties_create(self) -> list[Any]:
        props: list[Any] = []
        self.properties = props
        return props

    def _add(self, props: list[Any], kind: str, key: str, *rest: Any) -> dict[str, Any]:
        prop = {"kind": kind, "key": key, "rest": rest, "items": []}
        props.append(prop)
        return prop

    def obs_properties_add_bool(self, props: list[Any], key: str, label: str) -> dict[str, Any]:
        return self._add(props, "bool", key, label)

    def obs_properties_add_int(self, props: list[Any], key: str, label: str, *limits: int) -> dict[str, Any]:
        return self._add(props, "int", key, label, *limits)

    def obs_properties_add_text(self, props: list[Any], key: str, label: str, kind: int) -> dict[str, Any]:
        return self._add(props, "text", key, label, kind)

    def obs_properties_add_path(self, props: list[Any], key: str, label: str, *rest: Any) -> dict[str, Any]:
        return self._add(props, "path", key, label, *rest)

    def obs_properties_add_color(self, props: list[Any], key: str, label: str) -> dict[str, Any]:
        return self._add(props, "colour", key, label)

    def obs_properties_add_button(self, props: list[Any], key: str, label: str, callback: Any) -> dict[str, Any]:
        return self._add(props, "button", key, label, callback)

    def obs_properties_add_list(self, props: list[Any], key: str, label: str, *kinds: int) -> dict[str, Any]:
        return self._add(props, "list", key, label, *kinds)

    def obs_property_list_add_string(self, prop: dict[str, Any], name: str, value: str) -> None:
        prop["items"].append((name, value))


class FakeFrontend:
    """The switcher's frontend calls, on the fake's scenes, with references counted."""

    def __init__(self, fake: FakeObs) -> None:
        self.fake = fake
        self.calls = 0

    def current_scene(self) -> str:
        with _Held(self.fake, self.fake.obs_frontend_get_current_scene()) as scene:
            return "" if scene is None else self.fake.obs_source_get_name(scene)

    def switch_to(self, scene_name: str) -> bool:
        with _Held(self.fake, self.fake.obs_get_source_by_name(scene_name)) as scene:
            if scene is None:
                return False
            self.calls += 1
            self.fake.obs_frontend_set_current_scene(scene)
            return True


class _Held:
    def __init__(self, fake: FakeObs, ref: Ref | None) -> None:
        self.fake, self.ref = fake, ref

    def __enter__(self) -> Ref | None:
        return self.ref

    def __exit__(self, *exc: object) -> None:
        if self.ref is not None:
            self.fake.obs_source_release(self.ref)
