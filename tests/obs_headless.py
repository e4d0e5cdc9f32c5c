"""A real OBS Studio on a virtual display, configured from scratch in a private HOME, with
obs-websocket on for observing it (the recipe in ../shared/OBS-HEADLESS.md)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .conftest import require
from .display import stop_process

PORT = 4455


def _write_config(
    home: Path,
    scenes: list[str],
    program: str,
    text_source: str,
    scripts: list[tuple[Path, dict[str, Any]]],
    inputs: list[dict[str, Any]],
    fps: int = 10,
) -> None:
    config = home / ".config" / "obs-studio"
    (config / "basic" / "profiles" / "P").mkdir(parents=True)
    (config / "basic" / "scenes").mkdir(parents=True)
    (config / "global.ini").write_text(
        "[General]\nFirstRun=true\nEnableAutoUpdates=false\nConfirmOnExit=false\n"
        "[Basic]\nProfile=P\nProfileDir=P\nSceneCollection=C\nSceneCollectionFile=C\n"
        f"[OBSWebSocket]\nFirstLoad=false\nServerEnabled=true\nServerPort={PORT}\nAuthRequired=false\n"
        "AlertsEnabled=false\n"
    )
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


def _dump_stacks(process: subprocess.Popen[bytes], home: Path) -> None:
    if process.poll() is None and shutil.which("gdb"):
        subprocess.run(
            ["gdb", "-p", str(process.pid), "-batch", "-ex", "thread apply all bt 12"],
            stdout=(home / "obs-stacks.txt").open("wb"),
            stderr=subprocess.STDOUT,
            timeout=60,
            check=False,
        )


def obs_process_figures(pid: int) -> tuple[int, int]:
    """(resident memory in KiB, thread count) of a running process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["Threads"])


def _port_open() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


@contextmanager
def running_obs(
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
) -> Iterator[tuple[Any, Path, int]]:
    """Start OBS; yields (an obsws-python ReqClient, the path of OBS's stdout log, its pid).

    ``more_scripts`` load beside ``script`` (with no settings); ``inputs`` are more sources
    (obs-websocket's JSON form, with an optional ``item`` for the scene item's transform)
    shown in every scene under the text source. ``fps``: OBS's frame rate, which is also how
    often the script's timer can run.
    """
    require(shutil.which("obs") is not None, "OBS Studio (apt-get install obs-studio)")
    try:
        import obsws_python
    except ImportError:
        require(False, "obsws-python (pip install obsws-python)")
        raise
    require(not _port_open(), f"a free port {PORT} for obs-websocket")
    scripts = [(script, script_settings), *((path, {}) for path in more_scripts)]
    _write_config(home, scenes, program, text_source, scripts, list(inputs), fps)
    log_path = home / "obs-stdout.log"
    env = {**os.environ, "HOME": str(home), "DISPLAY": display, "LIBGL_ALWAYS_SOFTWARE": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["obs", "--disable-shutdown-check", "--disable-updater", "--minimize-to-tray"],
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
        client = obsws_python.ReqClient(host="127.0.0.1", port=PORT, timeout=10)
        try:
            while text_source not in [i["inputName"] for i in client.get_input_list().inputs]:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"OBS did not load the scene collection; its log:\n{log_path.read_text()[-4000:]}"
                    )
                time.sleep(0.25)
            yield client, log_path, process.pid
        except BaseException:
            # A hung OBS: its threads' stacks say where (py-spy is not needed for the C side).
            _dump_stacks(process, home)
            raise
        finally:
            client.disconnect()
    finally:
        stop_process(process, wait_s=30)
