"""OBS's frontend calls (the program scene) through ``ctypes``, for the scene switcher's own
thread: ``obs_frontend_set_current_scene`` waits for OBS's UI thread, and a ``ctypes`` call
lets go of Python's GIL while it waits (through the SWIG binding it would not, and OBS froze
beside another script's frontend-event callback: obs-studio #3385)."""

from __future__ import annotations

import ctypes
import sys
from dataclasses import dataclass

from ..capture.libobs import FRONTEND_NAMES, FRONTEND_SYMBOLS, LINUX_FRONTEND, bind, libobs, loaded_library


@dataclass(frozen=True)
class NativeFrontend:
    """The frontend calls the scene switcher makes, each releasing the GIL while in C.

    Call from a thread of the script's own, never from OBS's graphics or UI thread: the
    switch waits for the UI thread.
    """

    obs: ctypes.CDLL
    frontend: ctypes.CDLL

    def current_scene(self) -> str:
        """The program scene's name ("" when there is none)."""
        scene = self.frontend.obs_frontend_get_current_scene()
        if not scene:
            return ""
        try:
            name = self.obs.obs_source_get_name(scene)
            return name.decode("utf-8", "replace") if name else ""
        finally:
            self.obs.obs_source_release(scene)

    def switch_to(self, scene_name: str) -> bool:
        """Make ``scene_name`` the program scene; False when no such source exists."""
        scene = self.obs.obs_get_source_by_name(scene_name.encode("utf-8"))
        if not scene:
            return False
        try:
            self.frontend.obs_frontend_set_current_scene(scene)
        finally:
            self.obs.obs_source_release(scene)
        return True


def load_frontend() -> NativeFrontend:
    """Bind the frontend calls in a running OBS; NativeObsError when that cannot be done."""
    obs = libobs()
    frontend = loaded_library(FRONTEND_NAMES.get(sys.platform, LINUX_FRONTEND))
    bind(frontend, FRONTEND_SYMBOLS, "frontend API")
    return NativeFrontend(obs, frontend)
