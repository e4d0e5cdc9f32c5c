"""OBS's own C library (libobs) through ``ctypes``: every C function obs-ddr calls, bound at
load time, and an OBS source's pixels read on OBS's graphics thread. ``ctypes`` calls let go
of Python's GIL while in C, so no OBS lock is ever waited on while holding it.

This module never imports ``obspython``. It binds only to libraries already loaded in the
process, so outside OBS (tests, the command line) :func:`libobs` raises
:class:`NativeObsError` instead of starting a second libobs.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class NativeObsError(Exception):
    """OBS's libraries are not loaded in this process, or lack a function we need."""


# The library names OBS loads, per platform (the frontend API is a library of its own).
LIBOBS_NAMES = {"win32": ("obs.dll",), "darwin": ("libobs.framework/libobs", "libobs.dylib")}
FRONTEND_NAMES = {"win32": ("obs-frontend-api.dll",), "darwin": ("libobs-frontend-api.dylib",)}
LINUX_LIBOBS = ("libobs.so.0", "libobs.so")
LINUX_FRONTEND = ("libobs-frontend-api.so.0", "libobs-frontend-api.so")


def loaded_library(names: tuple[str, ...]) -> ctypes.CDLL:
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


class _Vec4(ctypes.Structure):
    _fields_ = [("x", ctypes.c_float), ("y", ctypes.c_float), ("z", ctypes.c_float), ("w", ctypes.c_float)]


_VOID_P, _U32, _F32 = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_float
Signature = tuple[object, list[object]]  # (restype, argtypes)
# Every C function this module calls, per library, with its signature. Each is bound when its
# library is loaded, so a function an OBS version lacks (OBS 32 removed several exports) is
# named at load time, not at its first call. tests/capture/test_libobs.py checks the tables
# against the real OBS 29 and OBS 32 libraries.
FRONTEND_SYMBOLS: dict[str, Signature] = {
    "obs_frontend_get_current_scene": (_VOID_P, []),
    "obs_frontend_set_current_scene": (None, [_VOID_P]),
}
LIBOBS_SYMBOLS: dict[str, Signature] = {
    "obs_initialized": (ctypes.c_bool, []),
    "obs_get_source_by_name": (_VOID_P, [ctypes.c_char_p]),
    "obs_source_get_name": (ctypes.c_char_p, [_VOID_P]),
    "obs_source_release": (None, [_VOID_P]),
    "obs_source_get_unversioned_id": (ctypes.c_char_p, [_VOID_P]),
    "obs_source_update": (None, [_VOID_P, _VOID_P]),
    "obs_data_create": (_VOID_P, []),
    "obs_data_release": (None, [_VOID_P]),
    "obs_data_set_string": (None, [_VOID_P, ctypes.c_char_p, ctypes.c_char_p]),
    "obs_enter_graphics": (None, []),
    "obs_leave_graphics": (None, []),
    "obs_source_get_width": (_U32, [_VOID_P]),
    "obs_source_get_height": (_U32, [_VOID_P]),
    "obs_source_get_output_flags": (_U32, [_VOID_P]),
    "obs_source_removed": (ctypes.c_bool, [_VOID_P]),
    "obs_source_video_render": (None, [_VOID_P]),
    "obs_source_inc_showing": (None, [_VOID_P]),
    "obs_source_dec_showing": (None, [_VOID_P]),
    "gs_texrender_create": (_VOID_P, [ctypes.c_int, ctypes.c_int]),
    "gs_texrender_destroy": (None, [_VOID_P]),
    "gs_texrender_reset": (None, [_VOID_P]),
    "gs_texrender_begin": (ctypes.c_bool, [_VOID_P, _U32, _U32]),
    "gs_texrender_end": (None, [_VOID_P]),
    "gs_texrender_get_texture": (_VOID_P, [_VOID_P]),
    "gs_clear": (None, [_U32, ctypes.POINTER(_Vec4), _F32, ctypes.c_uint8]),
    "gs_ortho": (None, [_F32, _F32, _F32, _F32, _F32, _F32]),
    "gs_blend_state_push": (None, []),
    "gs_blend_state_pop": (None, []),
    "gs_blend_function": (None, [ctypes.c_int, ctypes.c_int]),
    "gs_stagesurface_create": (_VOID_P, [_U32, _U32, ctypes.c_int]),
    "gs_stagesurface_destroy": (None, [_VOID_P]),
    "gs_stage_texture": (None, [_VOID_P, _VOID_P]),
    "gs_stagesurface_map": (ctypes.c_bool, [_VOID_P, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_U32)]),
    "gs_stagesurface_unmap": (None, [_VOID_P]),
}


def missing_symbols(lib: ctypes.CDLL, names: list[str]) -> list[str]:
    """The names ``lib`` does not export."""
    return [name for name in names if not hasattr(lib, name)]


def bind(lib: ctypes.CDLL, symbols: dict[str, Signature], library: str) -> None:
    """Give each of ``symbols`` its signature; NativeObsError naming every one ``lib`` lacks."""
    missing = missing_symbols(lib, list(symbols))
    if missing:
        raise NativeObsError(
            f"this OBS's {library} lacks {', '.join(missing)}, which obs-ddr calls: "
            "this OBS version is not supported yet (please report it)"
        )
    for name, (restype, argtypes) in symbols.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def libobs() -> ctypes.CDLL:
    """libobs as OBS loaded it, every function of LIBOBS_SYMBOLS bound; NativeObsError
    outside OBS or when one is missing."""
    lib = loaded_library(LIBOBS_NAMES.get(sys.platform, LINUX_LIBOBS))
    bind(lib, LIBOBS_SYMBOLS, "libobs")
    if not lib.obs_initialized():
        raise NativeObsError("libobs is loaded but OBS is not running")
    return lib


def open_libraries() -> dict[str, ctypes.CDLL]:
    """OBS's two libraries loaded from the library path, by the names OBS gives them here:
    for checking the symbol tables outside a running OBS (tests), never inside OBS."""
    names = {
        "libobs": LIBOBS_NAMES.get(sys.platform, LINUX_LIBOBS),
        "frontend": FRONTEND_NAMES.get(sys.platform, LINUX_FRONTEND),
    }
    opened = {}
    for library, candidates in names.items():
        problems = []
        for name in candidates:
            try:
                opened[library] = ctypes.CDLL(name)
                break
            except OSError as exc:
                problems.append(f"{name}: {exc}")
        else:
            raise NativeObsError(f"cannot load OBS's {library} (" + "; ".join(problems) + ")")
    return opened


# OBS's graphics enums (libobs/graphics/graphics.h) and a source's output flag.
_GS_RGBA = 3
_GS_ZS_NONE = 0
_GS_CLEAR_COLOR = 1
_GS_BLEND_ZERO = 0
_GS_BLEND_ONE = 1
_OBS_SOURCE_VIDEO = 1


def graphics_library() -> ctypes.CDLL:
    """libobs with the graphics calls bound, each releasing Python's GIL while in C: the
    timer never holds the GIL while it waits for an OBS lock (the graphics lock, the sources
    lock), whichever OBS thread holds that lock and whatever it then needs. A first version
    held the GIL through these calls (``ctypes.PyDLL``); in CI it hung OBS once while OBS was
    loading the scripts of a scene collection."""
    return libobs()


@dataclass(frozen=True)
class SourceState:
    """A source's size, or why it gives no pixels ("" when it does)."""

    width: int = 0
    height: int = 0
    problem: str = ""


@dataclass(frozen=True)
class Staged:
    """A part of a source rendered and staged on one tick, to be mapped on the next."""

    box: tuple[int, int, int, int]
    size: tuple[int, int]
    seq: int


class SourcePixels:
    """Reads part of an OBS source's picture in its own pixels, on OBS's graphics thread:
    one tick renders the part into a texture at the source's own scale and stages it for
    the CPU, the next maps the staged copy (so the GPU never stalls the frame). Make it and
    use it on the graphics thread only (OBS's script timer); ``close`` there too."""

    def __init__(self, obs: ctypes.CDLL) -> None:
        import numpy

        self._obs = obs
        self._np = numpy  # imported here: the graphics thread must not import
        self._texrender: int | None = None
        self._stage: int | None = None
        self._stage_size = (0, 0)
        self.staged: Staged | None = None

    def state(self, name: str) -> tuple[int | None, SourceState]:
        """The named source (a reference: give it back with :meth:`release`; None when there
        is none) and its size now, or its problem: missing, removed, no video, not producing."""
        obs = self._obs
        source = obs.obs_get_source_by_name(name.encode("utf-8"))
        if not source:
            return None, SourceState(problem=f"OBS source {name!r} not found: pick it again (renamed or removed?)")
        if obs.obs_source_removed(source):
            return source, SourceState(problem=f"OBS source {name!r} was removed: add it again, or pick another")
        if not obs.obs_source_get_output_flags(source) & _OBS_SOURCE_VIDEO:
            no_video = f"OBS source {name!r} has no video (an audio source?): pick a video source"
            return source, SourceState(problem=no_video)
        width, height = obs.obs_source_get_width(source), obs.obs_source_get_height(source)
        if not width or not height:
            return source, SourceState(
                problem=f"OBS source {name!r} is not producing video (capture card unplugged, media stopped?)"
            )
        return source, SourceState(int(width), int(height))

    def release(self, source: int | None) -> None:
        if source:
            self._obs.obs_source_release(source)

    def stage(self, source: int, box: tuple[int, int, int, int], seq: int) -> bool:
        """Render ``box`` (x, y, w, h in the source's pixels) of ``source`` (a reference from
        :meth:`state`) and stage it."""
        obs = self._obs
        x, y, w, h = box
        obs.obs_enter_graphics()
        try:
            if self._texrender is None:
                self._texrender = obs.gs_texrender_create(_GS_RGBA, _GS_ZS_NONE)
            if self._stage is None or self._stage_size != (w, h):
                if self._stage is not None:
                    obs.gs_stagesurface_destroy(self._stage)
                self._stage, self._stage_size = obs.gs_stagesurface_create(w, h, _GS_RGBA), (w, h)
            obs.gs_texrender_reset(self._texrender)
            if not obs.gs_texrender_begin(self._texrender, w, h):
                return False
            obs.gs_clear(_GS_CLEAR_COLOR, ctypes.byref(_Vec4()), 0.0, 0)
            obs.gs_ortho(float(x), float(x + w), float(y), float(y + h), -100.0, 100.0)
            obs.gs_blend_state_push()
            obs.gs_blend_function(_GS_BLEND_ONE, _GS_BLEND_ZERO)
            obs.obs_source_inc_showing(source)
            obs.obs_source_video_render(source)
            obs.obs_source_dec_showing(source)
            obs.gs_blend_state_pop()
            obs.gs_texrender_end(self._texrender)
            obs.gs_stage_texture(self._stage, obs.gs_texrender_get_texture(self._texrender))
        finally:
            obs.obs_leave_graphics()
        self.staged = Staged(box, (w, h), seq)
        return True

    def map(self, convert: Callable[[Any], Any]) -> Any:
        """The staged pixels passed through ``convert(rows)`` (rows: a NumPy view of the
        mapped RGBA memory, valid only during the call: ``convert`` makes the one copy), or
        None when nothing is staged or the map fails."""
        np = self._np
        if self.staged is None or self._stage is None:
            return None
        obs = self._obs
        w, h = self.staged.size
        data, linesize = ctypes.c_void_p(), ctypes.c_uint32()
        obs.obs_enter_graphics()
        try:
            if not obs.gs_stagesurface_map(self._stage, ctypes.byref(data), ctypes.byref(linesize)) or not data.value:
                return None
            try:
                memory = (ctypes.c_uint8 * (linesize.value * h)).from_address(data.value)
                lines = np.frombuffer(memoryview(memory), np.uint8).reshape(h, linesize.value)
                rows = lines[:, : w * 4].reshape(h, w, 4)
                return convert(rows)
            finally:
                obs.gs_stagesurface_unmap(self._stage)
        finally:
            obs.obs_leave_graphics()
            self.staged = None

    def close(self) -> None:
        """Free the GPU objects (from any thread: the calls let go of the GIL while they wait)."""
        if self._texrender is None and self._stage is None:
            return
        obs = self._obs
        obs.obs_enter_graphics()
        try:
            if self._stage is not None:
                obs.gs_stagesurface_destroy(self._stage)
            if self._texrender is not None:
                obs.gs_texrender_destroy(self._texrender)
        finally:
            obs.obs_leave_graphics()
        self._texrender = self._stage = None
