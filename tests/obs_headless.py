"""A real OBS Studio on a virtual display, configured from scratch in a private HOME, with
obs-websocket on for observing it: Debian 12's OBS 29 (the system one) or OBS 32 in the Debian
sid root that ../shared/obs-current/setup.sh makes, each with a venv made with its own Python.

Facts this harness relies on (checked with OBS 29.0.2 and 32.2.2):
- OBS 29 reads the profile and scene collection from ``global.ini [Basic]``; OBS 31 and later
  from ``user.ini`` beside it (with only ``global.ini`` OBS 32 makes an empty "Untitled"
  collection). Both files get the same sections.
- obs-websocket 5.1 (OBS 29) reads ``global.ini [OBSWebSocket]``; the one in OBS 32 reads
  ``plugin_config/obs-websocket/config.json``. Both are written.
- A source that no scene shows is dropped at load, so every input is put in every scene.
- OBS 32 runs through ``../shared/obs-current/run.sh``: a chroot sharing /tmp (the X socket,
  the private HOME) and the project's parent folder at the same path, and the network.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import ROOT, require
from .display import stop_process

PORT = 4455
NOT_READY = 207  # obs-websocket's RequestStatus::NotReady
# An obs-websocket request's answer waits for OBS's UI thread: under software OpenGL on two
# busy cores OBS 32 once took over 10 s to create a scene just after it started.
REQUEST_TIMEOUT_S = 30
SHARED = ROOT.parent / "shared"
# Where CI (and a developer) makes OBS 32's root, and the venv made inside it with its Python.
OBS_CURRENT_ROOT = Path(os.environ.get("OBS_CURRENT_ROOT", "/opt/obs-current"))
OBS_CURRENT_VENV = ROOT / ".venv-obs32"


@dataclass(frozen=True)
class ObsBuild:
    """One OBS Studio to drive: how to run a command where it is installed, and the venv made
    with its Python (the script finds it through OBS_DDR_VENV)."""

    name: str  # "obs29" or "obs32": the tests' ids
    prefix: tuple[str, ...]
    venv: Path

    def command(self, *args: str) -> list[str]:
        return [*self.prefix, *args]

    def python(self) -> str:
        """The venv's Python, to run where this OBS is (e.g. ``obs.command(obs.python(), …)``)."""
        return str(self.venv / "bin" / "python")


def system_obs() -> ObsBuild:
    require(shutil.which("obs") is not None, "OBS Studio (apt-get install obs-studio)")
    return ObsBuild("obs29", (), ROOT / ".venv")


def current_obs() -> ObsBuild:
    """OBS 32 (Python 3.14) in the root ../shared/obs-current/setup.sh makes; its venv is made
    there by ``OBS_DDR_VENV=.venv-obs32 bash install.sh`` (tests/setup_obs_current.sh does both)."""
    require(
        (OBS_CURRENT_ROOT / ".ready").is_file(),
        f"OBS 32's root at {OBS_CURRENT_ROOT} (bash tests/setup_obs_current.sh)",
    )
    require(any(OBS_CURRENT_VENV.glob("lib/python3*/site-packages")), f"OBS 32's venv at {OBS_CURRENT_VENV}")
    run = SHARED / "obs-current" / "run.sh"
    return ObsBuild("obs32", ("bash", str(run), str(OBS_CURRENT_ROOT), str(ROOT)), OBS_CURRENT_VENV)


# Which OBS each real-OBS test drove, as OBS itself reported it: the run's summary lists them.
DRIVEN: list[tuple[str, str]] = []


def _write_config(
    home: Path,
    scenes: list[str],
    program: str,
    text_source: str,
    scripts: list[tuple[Path, dict[str, Any]]],
    inputs: list[dict[str, Any]],
    fps: int = 10,
    password: str = "",
) -> None:
    config = home / ".config" / "obs-studio"
    (config / "basic" / "profiles" / "P").mkdir(parents=True)
    (config / "basic" / "scenes").mkdir(parents=True)
    (config / "plugin_config" / "obs-websocket").mkdir(parents=True)
    sections = (
        "[General]\nFirstRun=true\nEnableAutoUpdates=false\nConfirmOnExit=false\n"
        "[Basic]\nProfile=P\nProfileDir=P\nSceneCollection=C\nSceneCollectionFile=C\n"
    )
    (config / "global.ini").write_text(
        sections + f"[OBSWebSocket]\nFirstLoad=false\nServerEnabled=true\nServerPort={PORT}\n"
        f"AuthRequired={str(bool(password)).lower()}\nServerPassword={password}\nAlertsEnabled=false\n"
    )
    (config / "user.ini").write_text(sections)
    websocket = {
        "first_load": False,
        "server_enabled": True,
        "server_port": PORT,
        "alerts_enabled": False,
        "auth_required": bool(password),
        "server_password": password,
    }
    (config / "plugin_config" / "obs-websocket" / "config.json").write_text(json.dumps(websocket))
    (config / "basic" / "profiles" / "P" / "basic.ini").write_text(
        f"[General]\nName=P\n[Video]\nBaseCX=640\nBaseCY=360\nOutputCX=640\nOutputCY=360\nFPSCommon={fps}\n"
    )
    # A source that no scene shows is dropped at load: put every input in every scene.
    inputs = [
        {
            "id": "text_ft2_source_v2",
            "versioned_id": "text_ft2_source_v2",
            "name": text_source,
            "settings": {"text": ""},
        },
        *inputs,
    ]
    items = [
        {"name": source["name"], "id": i + 1, "visible": True, "pos": {"x": 10.0, "y": 10.0}, **source.get("item", {})}
        for i, source in enumerate(inputs)
    ]
    sources: list[dict[str, Any]] = [
        {"id": "scene", "versioned_id": "scene", "name": name, "settings": {"id_counter": len(items), "items": items}}
        for name in scenes
    ]
    sources += [{k: v for k, v in source.items() if k != "item"} for source in inputs]
    collection = {
        "name": "C",
        "current_scene": program,
        "current_program_scene": program,
        "scene_order": [{"name": name} for name in scenes],
        "sources": sources,
        "modules": {"scripts-tool": [{"path": str(path), "settings": settings} for path, settings in scripts]},
    }
    (config / "basic" / "scenes" / "C.json").write_text(json.dumps(collection, indent=1))


def _dump_stacks(obs: ObsBuild, process: subprocess.Popen[bytes], home: Path) -> None:
    """Every OBS thread's stack, from a gdb where that OBS is (a gdb outside OBS 32's root
    cannot read its libraries' symbols)."""
    gdb = (
        shutil.which("gdb")
        if not obs.prefix
        else ("/usr/bin/gdb" if (OBS_CURRENT_ROOT / "usr/bin/gdb").is_file() else None)
    )
    if process.poll() is None and gdb:
        with (home / "obs-stacks.txt").open("wb") as stacks:
            subprocess.run(
                obs.command(gdb, "-p", str(process.pid), "-batch", "-ex", "thread apply all bt 16"),
                stdout=stacks,
                stderr=subprocess.STDOUT,
                timeout=60,
                check=False,
            )


def obs_process_figures(pid: int) -> tuple[int, int]:
    """(resident memory in KiB, thread count) of a running process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["Threads"])


def _input_names(client: Any) -> list[str]:
    """The inputs OBS has loaded so far; none while obs-websocket says OBS is not ready yet
    (OBS 32 answers code 207 while it loads the scene collection; OBS 29 waits)."""
    from obsws_python.error import OBSSDKRequestError

    try:
        return [i["inputName"] for i in client.get_input_list().inputs]
    except OBSSDKRequestError as exc:
        if getattr(exc, "code", None) == NOT_READY:
            return []
        raise


def _port_open() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


@contextmanager
def running_obs(
    obs: ObsBuild,
    display: str,
    home: Path,
    scenes: list[str],
    program: str,
    text_source: str,
    script: Path,
    script_settings: dict[str, Any],
    more_scripts: tuple[Path, ...] = (),
    inputs: tuple[dict[str, Any], ...] = (),
    fps: int = 10,
    password: str = "",
) -> Iterator[tuple[Any, Path, int]]:
    """Start ``obs``; yields (an obsws-python ReqClient, the path of OBS's stdout log, its pid).

    ``more_scripts`` load beside ``script`` (with no settings); ``inputs`` are more sources
    (obs-websocket's JSON form, with an optional ``item`` for the scene item's transform)
    shown in every scene under the text source. ``fps``: OBS's frame rate, which is also how
    often the script's timer can run. ``password``: obs-websocket's, if it is to ask for one.
    """
    try:
        import obsws_python
    except ImportError:
        require(False, "obsws-python (pip install obsws-python)")
        raise
    require(not _port_open(), f"a free port {PORT} for obs-websocket")
    scripts = [(script, script_settings), *((path, {}) for path in more_scripts)]
    _write_config(home, scenes, program, text_source, scripts, list(inputs), fps, password)
    log_path = home / "obs-stdout.log"
    env = {
        **os.environ,
        "HOME": str(home),
        "DISPLAY": display,
        "LIBGL_ALWAYS_SOFTWARE": "1",
        "OBS_DDR_VENV": str(obs.venv),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            obs.command("obs", "--disable-shutdown-check", "--disable-updater", "--minimize-to-tray"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=home,
        )
    try:
        deadline = time.monotonic() + 90
        while not _port_open():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"OBS did not open obs-websocket; its log:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.25)
        client = obsws_python.ReqClient(host="127.0.0.1", port=PORT, password=password, timeout=REQUEST_TIMEOUT_S)
        try:
            while text_source not in _input_names(client):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"OBS did not load the scene collection; its log:\n{log_path.read_text()[-4000:]}"
                    )
                time.sleep(0.25)
            version = client.get_version()
            DRIVEN.append((obs.name, f"OBS {version.obs_version}, obs-websocket {version.obs_web_socket_version}"))
            print(f"driving {obs.name}: {DRIVEN[-1][1]}")
            yield client, log_path, process.pid
        except BaseException:
            # A hung OBS: its threads' stacks say where (py-spy is not needed for the C side).
            _dump_stacks(obs, process, home)
            raise
        finally:
            client.disconnect()
    finally:
        stop_process(process, wait_s=30)
