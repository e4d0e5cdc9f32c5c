"""A virtual X display (Xvfb) with a picture or video on it at a known place, for tests that
capture the real screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import require


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def stop_process(process: subprocess.Popen[bytes], wait_s: float = 10) -> None:
    """Terminate a process we started and wait for it (kill it if it will not go)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(wait_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def virtual_display(width: int = 1920, height: int = 1080) -> Iterator[str]:
    """Start Xvfb; yields its DISPLAY value (e.g. ':93')."""
    require(shutil.which("Xvfb") is not None, "Xvfb (apt-get install xvfb)")
    number = _free_display()
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {display} did not start")
            time.sleep(0.05)
        yield display
    finally:
        stop_process(server)


@contextmanager
def show(display: str, media: Path, width: int, height: int, loop: bool = True) -> Iterator[subprocess.Popen[bytes]]:
    """Show a picture or video at the top-left corner of ``display``, scaled to width x height."""
    require(shutil.which("ffplay") is not None, "ffplay (apt-get install ffmpeg)")
    command = [
        "ffplay",
        "-loglevel",
        "quiet",
        "-an",
        "-noborder",
        "-alwaysontop",
        "-left",
        "0",
        "-top",
        "0",
        "-x",
        str(width),
        "-y",
        str(height),
    ]
    command += ["-loop", "0"] if loop else ["-autoexit"]
    player = subprocess.Popen(
        [*command, str(media)],
        env={**os.environ, "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.5)  # let the window map and draw its first frame
        if player.poll() is not None:
            raise RuntimeError(f"ffplay could not show {media}")
        yield player
    finally:
        stop_process(player)
