"""obs_ddr.py against a counting fake of obspython, with the real worker reading a real (virtual)
screen: references balance, threads stop, every bad input gives one clear line and recovers."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np
import pytest

from ddrcore.cli.footage import draw_frame
from ddrcore.read.profiles import load_profile

from ..conftest import ROOT
from ..display import show, virtual_display
from ..fake_obspython import Data, FakeObs

SCREEN = (1600, 900)
GAME = (1280, 720)
P1_SCORE, P2_SCORE = 123_456_789, 98_765_432


@dataclass(frozen=True)
class Screen:
    display: str
    regions: dict[str, tuple[int, int, int, int]]


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screen]:
    """A StepMania frame, P1 ahead, shown at the top-left of a virtual screen."""
    profile = load_profile("stepmania")
    picture = tmp_path_factory.mktemp("screen") / "frame.png"
    cv2.imwrite(str(picture), draw_frame(profile, P1_SCORE, P2_SCORE, np.random.default_rng(3)))
    regions = {}
    for player, relative in profile.regions.items():
        r = relative.to_pixels(*GAME)
        regions[player] = (r.x, r.y, r.w, r.h)
    with virtual_display(*SCREEN) as display, show(display, picture, *GAME):
        yield Screen(display, regions)


class Harness:
    def __init__(self, fake: FakeObs, module: ModuleType, settings: Data) -> None:
        self.fake, self.module, self.settings = fake, module, settings

    def start(self, **values: Any) -> None:
        self.settings.values.update(values)
        self.module.script_defaults(self.settings)
        self.module.script_load(self.settings)
        self.module.script_update(self.settings)

    def edit(self, **values: Any) -> None:
        self.settings.values.update(values)
        self.module.script_update(self.settings)

    def until(self, check: Callable[[], bool], timeout_s: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.fake.run_timers()
            if check():
                return True
            time.sleep(0.05)
        return False

    def status(self) -> str:
        return str(self.module.script.status_line())


@pytest.fixture
def obs(screen: Screen, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    fake = FakeObs()
    fake.add_text_source("Leader", "")
    for name in ("P1 leads", "P2 leads", "Tied"):
        fake.add_scene(name)
    fake.program = "Tied"
    monkeypatch.setitem(sys.modules, "obspython", fake)
    monkeypatch.setenv("DISPLAY", screen.display)
    core = {k: v for k, v in sys.modules.items() if k == "ddrcore" or k.startswith("ddrcore.")}
    spec = importlib.util.spec_from_file_location("obs_ddr_under_test", ROOT / "obs_ddr.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "native_frontend", fake.frontend)
    settings = Data(_region_settings(screen) | {"text_source": "Leader", "interval_ms": 100, "hold_ms": 300})
    harness = Harness(fake, module, settings)
    yield harness
    harness.module.script_unload()  # the module a reload test loaded last
    sys.modules.update(core)  # unload drops ddrcore for "Reload Scripts"; keep this test run's copy
    assert not _reader_threads()
    assert not fake.logged(" failed: "), "an OBS callback raised (guarded, logged): " + str(fake.logged(" failed: "))


def _region_settings(screen: Screen) -> dict[str, int]:
    values = {}
    for player, box in screen.regions.items():
        for key, value in zip("xywh", box, strict=False):
            values[f"{player}_{key}"] = value
    return values


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "obs-ddr reader" and t.is_alive()]


def test_text_follows_the_screen_and_references_balance(obs: Harness) -> None:
    obs.start(switch_scenes=True, scene_p1="P1 leads", scene_p2="P2 leads", scene_tie="Tied")
    expected = f"Player 1 leads by {P1_SCORE - P2_SCORE:,}"
    assert obs.until(lambda: obs.fake.text_of("Leader") == expected), obs.status()
    assert obs.until(lambda: obs.fake.program == "P1 leads"), obs.status()
    assert "123,456,789" in obs.status() and "reads/s" in obs.status()
    assert "engine: auto (digits from your store " in obs.status()  # which store is read with

    obs.edit(text_format="{p1_name} {p1} - {p2} {p2_name}", p1_name="Ana", p2_name="Bo")
    assert obs.until(lambda: obs.fake.text_of("Leader") == "Ana 123,456,789 - 098,765,432 Bo"), obs.status()

    obs.module.script_properties()
    keys = {p["key"] for p in obs.fake.properties}
    assert {
        "enabled",
        "profile",
        "monitor",
        "p1_x",
        "p2_h",
        "interval_ms",
        "engine",
        "hold_ms",
        "text_source",
        "text_format",
        "tie_text",
        "idle_text",
        "p1_name",
        "p2_name",
        "switch_scenes",
        "scene_p1",
        "scene_p2",
        "scene_tie",
        "tesseract_path",
        "read_now",
    } <= keys
    text_sources = next(p for p in obs.fake.properties if p["key"] == "text_source")["items"]
    assert ("Leader", "Leader") in text_sources

    writes_before = len([1 for _ in obs.fake.logs])
    for _ in range(200):
        obs.fake.run_timers()
    assert len(obs.fake.logs) == writes_before  # steady state: nothing to log, nothing to write

    obs.module.script_save(obs.settings)
    obs.module.script_unload()
    assert not _reader_threads()
    assert obs.fake.balanced(), (obs.fake.gets, obs.fake.releases)
    assert not obs.fake.timers


def _press(obs: Harness, key: str) -> str:
    """Press a button of the properties: it returns at once; its status line."""
    obs.module.script_properties()
    button = next(p for p in obs.fake.properties if p["key"] == key)
    started = time.perf_counter()
    assert button["rest"][1](None, None) is True
    assert time.perf_counter() - started < 0.05, "a button waited on the worker (on OBS's UI thread)"
    return str(obs.settings.values["status"])


def _answer(obs: Harness, start: str) -> str:
    """The worker's answer to a button, as the status shows it after Refresh status."""
    assert obs.until(lambda: bool(obs.fake.logged(start))), obs.fake.logs
    assert _press(obs, "refresh").startswith(start)
    return str(obs.settings.values["status"])


def test_read_now_writes_a_preview(obs: Harness) -> None:
    obs.start()
    assert obs.until(lambda: obs.fake.text_of("Leader") != "")
    assert _press(obs, "read_now").startswith("Read now: reading")
    line = _answer(obs, "Read now: P1")
    assert "P1 123456789" in line and "P2 98765432" in line, line
    preview = Path(line.split("\n")[0].rsplit("preview written to ", 1)[1])
    picture = cv2.imread(str(preview))
    assert picture is not None and picture.shape[:2] == (SCREEN[1], SCREEN[0])


def test_scene_switch_leaves_a_scene_that_is_not_ours(obs: Harness) -> None:
    obs.fake.add_scene("BRB")
    obs.fake.program = "BRB"
    obs.start(switch_scenes=True, scene_p1="P1 leads", scene_p2="P2 leads")
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads"))
    for _ in range(20):
        obs.fake.run_timers()
        time.sleep(0.02)
    assert obs.fake.program == "BRB"


def test_hotkey_pauses_and_resumes(obs: Harness) -> None:
    obs.start()
    assert obs.until(lambda: obs.fake.text_of("Leader") != "")
    obs.fake.hotkeys["obs_ddr.pause"](True)
    assert obs.until(lambda: obs.status().startswith("Paused"))
    obs.fake.hotkeys["obs_ddr.pause"](True)
    assert obs.until(lambda: "reads/s" in obs.status())


@pytest.mark.parametrize(
    ("bad", "message", "fix"),
    [
        ({"text_source": "Scoreboard"}, "text source 'Scoreboard' not found", "add_source"),
        ({"switch_scenes": True, "scene_p1": "P1 cam", "scene_tie": "Tied"}, "scene 'P1 cam' not found", "add_scene"),
        ({"p1_x": 1500}, "lies outside the 1600x900 frame", {"p1_x": None}),
        ({"p1_w": 0}, "has zero size", {"p1_w": None}),
        ({"monitor": 4}, "monitor 4 does not exist", {"monitor": 1}),
        ({"text_format": "{leader} by {lead}"}, "unknown placeholder {lead}", {"text_format": "{leader} leads"}),
        (
            {"engine": "pytesseract", "tesseract_path": "/nowhere/tesseract"},
            "Tesseract not found at /nowhere",
            {"tesseract_path": ""},
        ),
        (
            {"templates_file": "/nowhere/digits.npz"},
            "template file /nowhere/digits.npz does not exist: make one with 'ddrcore learn'",
            {"templates_file": ""},
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_recovers(
    obs: Harness, screen: Screen, bad: dict[str, Any], message: str, fix: Any
) -> None:
    obs.start(**bad)
    assert obs.until(lambda: message in obs.status()), obs.status()
    for _ in range(30):
        obs.fake.run_timers()
        time.sleep(0.02)
    assert len(obs.fake.logged(message)) == 1, obs.fake.logs
    assert obs.module.script.core.reader.alive

    if fix == "add_source":
        obs.fake.add_text_source("Scoreboard")
    elif fix == "add_scene":
        obs.fake.add_scene("P1 cam")
    else:
        original = _region_settings(screen)
        obs.edit(**{k: original[k] if v is None else v for k, v in fix.items()})
    assert obs.until(lambda: message not in obs.status() and "reads/s" in obs.status()), obs.status()
    assert obs.fake.logged("all problems solved")
    if fix == "add_scene":
        assert obs.until(lambda: obs.fake.program == "P1 cam")


def test_tesseract_missing_from_the_machine(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    tesseract = shutil.which("tesseract")
    assert tesseract is not None
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("TESSERACT_CMD", raising=False)
    obs.start(engine="pytesseract")
    assert obs.until(lambda: "Tesseract is not installed" in obs.status()), obs.status()
    monkeypatch.setenv("PATH", os.path.dirname(tesseract))  # the user installs it; no reload
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads")), obs.status()


def test_missing_packages_still_load_and_say_the_fix(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mss", None)
    obs.start()
    line = obs.status()
    assert line.startswith("Missing Python packages: mss. Fix: run ")
    assert "install" in line
    assert len(obs.fake.logged("Missing Python packages")) == 1
    obs.module.script_properties()
    assert obs.settings.values["status"] == line
    assert obs.module.script.core is None


# Regions over an empty part of the screen: nothing reads there.
WRONG_REGIONS = {"p1_x": 300, "p1_y": 780, "p1_w": 272, "p1_h": 38, "p2_x": 900, "p2_y": 780, "p2_w": 272, "p2_h": 38}


def _moved(settings: Data) -> bool:
    return all(settings.values[k] != v for k, v in WRONG_REGIONS.items() if k.endswith("_y"))


def test_find_score_regions_button_fills_the_regions(obs: Harness) -> None:
    obs.start(**WRONG_REGIONS)
    assert _press(obs, "find_regions").startswith("Find score regions: looking")
    _answer(obs, "Find score regions: P1 ")
    assert _moved(obs.settings), obs.settings.values
    assert obs.until(lambda: obs.fake.text_of("Leader") == f"Player 1 leads by {P1_SCORE - P2_SCORE:,}")
    assert len(obs.fake.logged("found score regions")) == 1


def test_auto_locate_finds_the_regions_when_reads_keep_failing(obs: Harness) -> None:
    obs.start(auto_locate=True, **WRONG_REGIONS)
    assert obs.until(lambda: bool(obs.fake.logged("found score regions")), timeout_s=20), obs.status()
    obs.module.script_save(obs.settings)  # OBS's UI thread writes what was found into the settings
    assert _moved(obs.settings)
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads"))


def test_without_auto_locate_wrong_regions_stay(obs: Harness) -> None:
    obs.start(**WRONG_REGIONS)
    time.sleep(7)  # longer than the worker waits before it would look by itself
    for _ in range(10):
        obs.fake.run_timers()
    assert not _moved(obs.settings)
    assert obs.fake.text_of("Leader") == ""


def test_format_specs_format_the_numbers(obs: Harness) -> None:
    obs.start(text_format="{leader} by {margin:,} pts ({p1:>12})", switch_scenes=True, scene_p1="P1 leads")
    margin = P1_SCORE - P2_SCORE
    expected = f"Player 1 by {margin:,} pts ( 123,456,789)"
    assert obs.until(lambda: obs.fake.text_of("Leader") == expected), (obs.fake.text_of("Leader"), obs.status())
    obs.edit(text_format="{leader} by {margin:_d}")
    assert obs.until(lambda: obs.fake.text_of("Leader") == f"Player 1 by {margin:_d}")


def test_a_format_spec_that_cannot_work_is_refused_when_set(obs: Harness) -> None:
    obs.start(text_format="{leader} by {margin:q}", switch_scenes=True, scene_p1="P1 leads", scene_tie="Tied")
    assert obs.until(lambda: "text format: Unknown format code 'q'" in obs.status()), obs.status()
    # Scene switching and problem reports go on: the template is never tried on the tick.
    assert obs.until(lambda: obs.fake.program == "P1 leads"), obs.status()
    assert not obs.fake.logged(" failed: ")
    assert len(obs.fake.logged("Unknown format code 'q'")) == 1


def test_a_failing_part_of_the_tick_skips_no_other_part(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def apply_text(lead: Any) -> None:
        raise RuntimeError("text broke")

    obs.start(switch_scenes=True, scene_p1="P1 leads", scene_p2="P2 cam", scene_tie="Tied")
    monkeypatch.setattr(obs.module.script.core.driver, "apply_text", apply_text)
    assert obs.until(lambda: obs.fake.program == "P1 leads"), obs.status()  # scenes still switch
    assert obs.until(lambda: bool(obs.fake.logged("scene 'P2 cam' not found"))), obs.fake.logs  # problems still
    assert len(obs.fake.logged("apply_text failed: RuntimeError('text broke')")) == 1
    obs.fake.logs[:] = [entry for entry in obs.fake.logs if " failed: " not in entry[1]]  # seen: not a leak


def test_nothing_is_captured_while_there_is_nothing_to_drive(obs: Harness) -> None:
    obs.start(text_source="", switch_scenes=False)
    time.sleep(1)
    assert obs.until(lambda: obs.status().startswith("Idle: nothing to drive")), obs.status()
    status = obs.module.script.core.reader.status
    assert status.paused and status.p1 is None and status.reads_per_s == 0
    assert _press(obs, "read_now").startswith("Read now: reading")  # an explicit press still reads once
    assert "P1 123456789" in _answer(obs, "Read now: P1")
    obs.edit(text_source="Leader")
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads")), obs.status()


def _load_again(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """What "Reload Scripts" does: unload, import obs_ddr.py afresh (and the core with it), load."""
    obs.module.script_unload()
    spec = importlib.util.spec_from_file_location("obs_ddr_under_test", ROOT / "obs_ddr.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "native_frontend", obs.fake.frontend)
    obs.module = module
    obs.start()
    return module


def test_two_quick_reloads_leave_exactly_one_worker(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    obs.start()
    assert obs.until(lambda: obs.fake.text_of("Leader") != "")
    # The worker is inside a long call (a slow Tesseract read, a find) when the reloads come.
    live = sys.modules["ddrcore.live.worker"]
    step = live.LiveReader._step
    busy = threading.Event()

    def slow_step(self: Any, work: Any) -> float:
        busy.set()
        time.sleep(4)
        return float(step(self, work))

    monkeypatch.setattr(live.LiveReader, "_step", slow_step)
    assert busy.wait(5)
    counts = []
    for _ in range(2):
        _load_again(obs, monkeypatch)
        counts.append(len(_reader_threads()))
    assert "waiting for the previous reader to stop" in obs.status()
    obs.fake.add_text_source("Leader", "")  # the text starts over, so the new worker's text shows
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and obs.fake.text_of("Leader") == "":
        obs.fake.run_timers()
        counts.append(len(_reader_threads()))
        time.sleep(0.05)
    assert obs.fake.text_of("Leader").startswith("Player 1 leads"), obs.status()
    assert max(counts) == 1 and counts[-1] == 1, counts
    assert len(_reader_threads()) == 1


def test_a_settings_edit_during_a_find_survives_it(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    import ddrcore.read.locate

    find = ddrcore.read.locate.locate

    def slow_find(*args: Any) -> Any:
        time.sleep(1.5)
        return find(*args)

    monkeypatch.setattr(ddrcore.read.locate, "locate", slow_find)
    obs.start(interval_ms=100, **WRONG_REGIONS)
    _press(obs, "find_regions")
    time.sleep(0.3)  # the find is running
    obs.edit(interval_ms=500, text_format="{leader} ahead by {margin}")
    _answer(obs, "Find score regions: P1 ")
    margin = f"{P1_SCORE - P2_SCORE:,}"
    assert obs.until(lambda: obs.fake.text_of("Leader") == f"Player 1 ahead by {margin}"), obs.status()
    assert _moved(obs.settings) and obs.settings.values["interval_ms"] == 500
    time.sleep(6)  # the worker's rate window
    obs.fake.run_timers()
    assert obs.module.script.core.reader.status.reads_per_s < 2.5, obs.status()  # it reads at the edited interval


def test_an_old_mss_says_the_fix(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    old = ModuleType("mss")
    old.__version__ = "9.0.1"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mss", old)
    obs.start()
    line = obs.status()
    assert line.startswith("Missing Python packages: mss>=10.2 (found 9.0.1). Fix: run "), line


def test_reading_an_obs_source_needs_obs_and_says_so(obs: Harness) -> None:
    """Outside a real OBS (this fake) OBS's libraries cannot be reached: the capture setting
    says so in one line, and the screen still reads once chosen again."""
    obs.start(capture="Leader")
    assert obs.until(lambda: "reading OBS sources is unavailable here" in obs.status()), obs.status()
    obs.module.script_properties()
    captures = next(p for p in obs.fake.properties if p["key"] == "capture")["items"]
    assert captures[0] == ("Screen (the monitor below)", "screen") and ("Leader", "Leader") in captures
    obs.edit(capture="screen")
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads")), obs.status()


def test_override_buttons_force_and_hand_back(obs: Harness) -> None:
    """The override buttons (the same actions as the hotkeys): forced text and scene, the
    time left in the status, and back to automatic."""
    obs.start(switch_scenes=True, scene_p1="P1 leads", scene_p2="P2 leads", scene_tie="Tied", override_s=30)
    assert obs.until(lambda: obs.fake.program == "P1 leads"), obs.status()
    line = _press(obs, "override_p2")
    assert line.startswith("Override: Player 2 leads for 30 s more"), line
    assert obs.until(lambda: obs.fake.text_of("Leader") == "Player 2 leads" and obs.fake.program == "P2 leads")
    _press(obs, "override_automatic")
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads by "), 5)
    assert obs.until(lambda: obs.fake.program == "P1 leads", 5)
    assert not _press(obs, "refresh").startswith("Override")


def test_the_chart_source_is_pointed_at_the_chart_and_a_missing_one_said(obs: Harness) -> None:
    obs.start(chart_source="Chart")
    assert obs.until(lambda: "chart image source 'Chart' not found" in obs.status()), obs.status()
    obs.fake.add_image_source("Chart")
    assert obs.until(lambda: obs.fake.sources["Chart"].settings["file"].endswith("obs-ddr-chart.png"), 10)
    assert obs.until(lambda: "Problem" not in obs.status(), 10), obs.status()
    chart = Path(obs.fake.sources["Chart"].settings["file"])
    assert obs.until(lambda: chart.is_file() and time.time() - chart.stat().st_mtime < 5, 10)


def test_moving_a_region_keeps_the_engine_and_the_match(obs: Harness, screen: Screen) -> None:
    """A region nudged by a pixel (or the hold changed) rebuilds nothing: the text never
    drops to the idle text while the worker starts over."""
    obs.start()
    assert obs.until(lambda: obs.fake.text_of("Leader").startswith("Player 1 leads")), obs.status()
    shown = set()
    obs.edit(p1_x=screen.regions["p1"][0] - 1, hold_ms=500)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        obs.fake.run_timers()
        shown.add(obs.fake.text_of("Leader"))
        time.sleep(0.02)
    assert shown == {f"Player 1 leads by {P1_SCORE - P2_SCORE:,}"}, shown


def test_a_venv_of_another_python_is_one_line_and_stays_off_the_path(
    obs: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    site = venv / "lib" / "python3.99" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("version = 3.99.0\n")
    monkeypatch.setenv("OBS_DDR_VENV", str(venv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    obs.start()
    line = obs.status()
    assert line.startswith(f"The packages in {venv} are for Python 3.99, but this OBS runs Python 3.")
    assert len(obs.fake.logged("are for Python 3.99")) == 1
    assert str(site) not in sys.path
    assert obs.module.script.core is None


def test_one_capture_error_leaves_the_text_as_it_was(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from ddrcore.base.errors import ImageError
    from ddrcore.capture.screen import ScreenCapture

    obs.start(interval_ms=33)
    expected = f"Player 1 leads by {P1_SCORE - P2_SCORE:,}"
    assert obs.until(lambda: obs.fake.text_of("Leader") == expected), obs.status()
    grab, failures = ScreenCapture.grab, []

    def hiccup(self: ScreenCapture, box: Any = None) -> Any:
        if not failures:
            failures.append(time.monotonic())
            raise ImageError("cannot capture the screen: XGetImage failed (injected)")
        return grab(self, box)

    monkeypatch.setattr(ScreenCapture, "grab", hiccup)
    shown = []
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        obs.fake.run_timers()
        shown.append(obs.fake.text_of("Leader"))
        time.sleep(0.01)
    assert failures, "the capture failed once"
    assert set(shown) == {expected}, sorted(set(shown))


@pytest.fixture(scope="module")
def handed_out_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A StepMania template file as an organiser hands it out: `ddrcore learn` on the real
    game's clip (the screen here shows StepMania drawn another way: reading it learns more)."""
    from ddrcore.read.learn import footage, footage_count, learn

    from ..conftest import FRAMES

    clip = [FRAMES / "stepmania" / "match_clip.mp4"]
    out = tmp_path_factory.mktemp("organiser") / "stepmania-digits.npz"
    learn(load_profile("stepmania"), footage(clip, 3), footage_count(clip, 3), None, out)
    return out


def test_the_template_file_setting_never_writes_the_file(
    obs: Harness, monkeypatch: pytest.MonkeyPatch, handed_out_templates: Path, private_template_store: Path
) -> None:
    """OBS's Template file setting, then "Reload Scripts" (the engine closes and saves):
    the file is byte for byte as it was handed out."""
    before = handed_out_templates.read_bytes()
    obs.start(templates_file=str(handed_out_templates))
    expected = f"Player 1 leads by {P1_SCORE - P2_SCORE:,}"
    assert obs.until(lambda: obs.fake.text_of("Leader") == expected), obs.status()
    assert "read only" in obs.status()
    obs.fake.add_text_source("Leader", "")
    _load_again(obs, monkeypatch)  # "Reload Scripts": the old engine closes (and saves) first
    assert obs.until(lambda: obs.fake.text_of("Leader") == expected), obs.status()
    obs.module.script_unload()
    assert handed_out_templates.read_bytes() == before


def _tick_for(obs: Harness, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        obs.fake.run_timers()
        time.sleep(0.02)


def test_a_settings_edit_leaves_the_scene_alone_unless_the_scenes_changed(obs: Harness) -> None:
    """The operator cut to the tie scene by hand while P1 leads; typing in a text setting must
    not cut back (every keystroke is an update). Choosing another scene does."""
    obs.fake.add_scene("P1 cam")
    obs.start(switch_scenes=True, scene_p1="P1 leads", scene_p2="P2 leads", scene_tie="Tied")
    assert obs.until(lambda: obs.fake.program == "P1 leads"), obs.status()
    obs.fake.program = "Tied"
    for typed in ("{", "{leader", "{leader} leads", "{leader} leads by {margin}"):
        obs.edit(text_format=typed)
        _tick_for(obs, 0.2)
    _tick_for(obs, 0.5)
    assert obs.fake.program == "Tied"
    obs.edit(scene_p1="P1 cam")
    assert obs.until(lambda: obs.fake.program == "P1 cam"), obs.status()


def test_a_failure_is_logged_when_it_starts_and_when_it_comes_back(
    obs: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = [True]

    def note_switch() -> None:
        if broken[0]:
            raise RuntimeError("switch note broke")

    obs.start()
    core = obs.module.script.core
    monkeypatch.setattr(core, "note_switch", note_switch)
    _tick_for(obs, 0.5)
    assert len(obs.fake.logged("note_switch failed: RuntimeError('switch note broke')")) == 1
    broken[0] = False
    _tick_for(obs, 0.2)
    broken[0] = True
    _tick_for(obs, 0.3)
    assert len(obs.fake.logged("note_switch failed again: RuntimeError('switch note broke')")) == 1
    assert len(obs.fake.logged("note_switch failed")) == 2, "said twice in all, not once a tick"
    broken[0] = False
    _tick_for(obs, 0.2)
    obs.fake.logs[:] = [entry for entry in obs.fake.logs if " failed" not in entry[1]]  # seen: not a leak


def test_the_core_logs_reach_the_script_log_from_any_thread(obs: Harness) -> None:
    """A ddrcore logger's line from a worker thread reaches OBS's script log, with the
    script's prefix, written from OBS's timer (script_log is not for other threads)."""
    import logging

    obs.start()
    writer = threading.Thread(target=logging.getLogger("ddrcore.live.worker").warning, args=("a worker's warning",))
    writer.start()
    writer.join()
    assert not obs.fake.logged("a worker's warning"), "nothing is written off the timer"
    obs.fake.run_timers()
    assert obs.fake.logged("obs-ddr: a worker's warning")
    level = next(level for level, message in obs.fake.logs if "a worker's warning" in message)
    assert level == obs.fake.LOG_WARNING


def test_each_load_writes_its_own_files(obs: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two OBS profiles or instances never share the chart and preview files; each load's
    folder goes with it."""
    obs.start()
    first = obs.module.script.scratch
    assert first is not None and first.is_dir()
    assert obs.module.script.core.chart_file.parent == first
    _load_again(obs, monkeypatch)
    second = obs.module.script.scratch
    assert second is not None and second != first and not first.exists()
