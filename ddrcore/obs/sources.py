"""The script's writes to OBS's sources (the text, the chart's image file) and its checks that
a source exists, through ``ctypes``: each call lets go of Python's GIL while in C.

Through the SWIG binding these calls keep the GIL while they wait for libobs's locks (the
sources list, a source's settings). A thread holding such a lock may itself be waiting for
OBS's UI thread (obs-websocket creating a scene), and the UI thread for the GIL (another
script's frontend-event callback): OBS 32 froze so, at start, in the real-OBS operator test.
Made on OBS's UI thread (it binds the library), used on the UI and graphics threads.
"""

from __future__ import annotations

import ctypes

from ..capture.libobs import libobs


class NativeSources:
    """Source lookups and updates by name; NativeObsError (from :meth:`load`) outside OBS."""

    def __init__(self, obs: ctypes.CDLL) -> None:
        self._obs = obs

    @classmethod
    def load(cls) -> NativeSources:
        return cls(libobs())

    def source_exists(self, name: str) -> bool:
        source = self._obs.obs_get_source_by_name(name.encode("utf-8"))
        if not source:
            return False
        self._obs.obs_source_release(source)
        return True

    def set_text(self, source_name: str, text: str) -> bool:
        """Write ``text`` into the text source; False when there is no such source."""
        return self._update(source_name, b"text", text, "")

    def show_file(self, source_name: str, file: str) -> bool:
        """Point the image source at ``file`` (any other kind of source is left alone); False
        when there is no such source."""
        return self._update(source_name, b"file", file, "image_source")

    def _update(self, source_name: str, key: bytes, value: str, only_kind: str) -> bool:
        obs = self._obs
        source = obs.obs_get_source_by_name(source_name.encode("utf-8"))
        if not source:
            return False
        try:
            kind = obs.obs_source_get_unversioned_id(source) or b""
            if only_kind and kind.decode("utf-8", "replace") != only_kind:
                return True
            data = obs.obs_data_create()
            try:
                obs.obs_data_set_string(data, key, value.encode("utf-8"))
                obs.obs_source_update(source, data)
            finally:
                obs.obs_data_release(data)
        finally:
            obs.obs_source_release(source)
        return True
