"""OBS's own C functions through ``ctypes``, for the calls that must not hold Python's GIL.

``obs_frontend_set_current_scene`` waits for OBS's UI thread. Called through the SWIG
binding it keeps the GIL while it waits, and when the UI thread needs Python at that moment
(another script's frontend-event callback) neither can go on: OBS freezes (obs-studio
#3385). A ``ctypes`` call releases the GIL for as long as the C function runs, so the UI
thread can run that callback and the switch completes.

This module never imports ``obspython``. It binds only to libraries already loaded in the
process, so outside OBS (tests, the command line) :func:`load_frontend` raises
:class:`NativeObsError` instead of starting a second libobs.
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass


class NativeObsError(Exception):
    """OBS's libraries are not loaded in this process, or lack a function we need."""


# The library names OBS loads, per platform (the frontend API is a library of its own).
_LIBOBS = {"win32": ("obs.dll",), "darwin": ("libobs.framework/libobs", "libobs.dylib")}
_FRONTEND = {"win32": ("obs-frontend-api.dll",), "darwin": ("libobs-frontend-api.dylib",)}
_LINUX_LIBOBS = ("libobs.so.0", "libobs.so")
_LINUX_FRONTEND = ("libobs-frontend-api.so.0", "libobs-frontend-api.so")


def _loaded_library(names: tuple[str, ...]) -> ctypes.CDLL:
    """The first of ``names`` that this process has already loaded."""
    # RTLD_NOLOAD: bind to the copy OBS loaded, never load one of our own.
    mode = getattr(os, "RTLD_NOLOAD", 0) | getattr(os, "RTLD_GLOBAL", 0)
    problems = []
    for name in names:
        try:
            return ctypes.CDLL(name, mode=mode) if sys.platform != "win32" else ctypes.CDLL(name)
        except OSError as exc:
            problems.append(f"{name}: {exc}")
    raise NativeObsError("OBS's library is not loaded in this process (" + "; ".join(problems) + ")")


def libobs() -> ctypes.CDLL:
    """libobs as OBS loaded it; NativeObsError outside OBS."""
    lib = _loaded_library(_LIBOBS.get(sys.platform, _LINUX_LIBOBS))
    lib.obs_initialized.restype = ctypes.c_bool
    if not lib.obs_initialized():
        raise NativeObsError("libobs is loaded but OBS is not running")
    return lib


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
    frontend = _loaded_library(_FRONTEND.get(sys.platform, _LINUX_FRONTEND))
    try:
        frontend.obs_frontend_get_current_scene.restype = ctypes.c_void_p
        frontend.obs_frontend_get_current_scene.argtypes = []
        frontend.obs_frontend_set_current_scene.restype = None
        frontend.obs_frontend_set_current_scene.argtypes = [ctypes.c_void_p]
        obs.obs_get_source_by_name.restype = ctypes.c_void_p
        obs.obs_get_source_by_name.argtypes = [ctypes.c_char_p]
        obs.obs_source_get_name.restype = ctypes.c_char_p
        obs.obs_source_get_name.argtypes = [ctypes.c_void_p]
        obs.obs_source_release.restype = None
        obs.obs_source_release.argtypes = [ctypes.c_void_p]
    except AttributeError as exc:
        raise NativeObsError(f"OBS's library lacks a function the script needs: {exc}") from None
    return NativeFrontend(obs, frontend)
