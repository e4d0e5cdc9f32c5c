"""Driving an OBS on another machine over obs-websocket (obsws-python), as the script does
inside OBS: the leader text in a text source, and scene switches through the same
:class:`~ddrcore.show.switcher.SceneSwitcher` rules (hold, only away from our own scenes).

Every call that fails because OBS went away drops the connection; the next call connects
again, so a restarted OBS is picked up by itself. A refused password is said once, clearly.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..base.errors import DdrError

log = logging.getLogger(__name__)

# Between two attempts to reach an OBS that is not answering.
RECONNECT_EVERY_S = 2.0
# obs-websocket's answer for a source, input or scene that does not exist.
RESOURCE_NOT_FOUND = 600


class RemoteObs:
    """One obs-websocket connection, made when first needed and again after OBS restarts.
    Safe to call from two threads (the watch loop and the scene switcher)."""

    def __init__(self, host: str, port: int, password: str = "", timeout_s: float = 3.0) -> None:
        self.host, self.port, self.password, self.timeout_s = host, port, password, timeout_s
        self._client: Any = None
        self._lock = threading.Lock()
        self._next_try = 0.0
        self.problem = ""

    def _connected(self) -> Any:
        if self._client is not None:
            return self._client
        if time.monotonic() < self._next_try:
            raise DdrError(self.problem or f"OBS at {self.host}:{self.port} is not answering")
        self._next_try = time.monotonic() + RECONNECT_EVERY_S
        try:
            import obsws_python
        except ImportError:
            raise DdrError("obsws-python is not installed: pip install obsws-python") from None
        try:
            logging.getLogger("obsws_python").setLevel(logging.CRITICAL)  # its tracebacks per refusal
            self._client = obsws_python.ReqClient(
                host=self.host, port=self.port, password=self.password, timeout=self.timeout_s
            )
        except Exception as exc:
            text = str(exc).lower()
            if "auth" in text or "password" in text or "4009" in text:
                where = f"OBS at {self.host}:{self.port}"
                self.problem = f"{where} refused the password: check OBS_WEBSOCKET_PASSWORD (or --password -)"
            else:
                self.problem = f"OBS at {self.host}:{self.port} is not answering ({exc.__class__.__name__}); retrying"
            raise DdrError(self.problem) from None
        self.problem = ""
        return self._client

    def call(self, method: str, *args: Any) -> Any:
        """``method`` of obsws-python's ReqClient; DdrError when OBS cannot be reached."""
        with self._lock:
            client = self._connected()
            try:
                return getattr(client, method)(*args)
            except Exception as exc:
                if exc.__class__.__name__ == "OBSSDKRequestError":
                    raise  # OBS answered: the request itself was refused
                self._drop()
                self.problem = f"lost OBS at {self.host}:{self.port} ({exc.__class__.__name__}); reconnecting"
                raise DdrError(self.problem) from None

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.disconnect()
            except Exception:  # already gone
                log.debug("disconnect failed", exc_info=True)

    def set_text(self, source: str, text: str) -> bool:
        """Write ``text`` into the text source: False when OBS has no such source, a
        DdrError saying why for any other refusal or when OBS cannot be reached."""
        try:
            self.call("set_input_settings", source, {"text": text}, True)
        except DdrError:
            raise
        except Exception as exc:  # OBS answered, and refused
            if getattr(exc, "code", None) == RESOURCE_NOT_FOUND:
                return False
            raise DdrError(f"OBS refused to set the text of {source!r}: {exc}") from None
        return True

    def close(self) -> None:
        with self._lock:
            self._drop()


class RemoteFrontend:
    """The switcher's frontend over obs-websocket."""

    def __init__(self, obs: RemoteObs) -> None:
        self.obs = obs

    def current_scene(self) -> str:
        return str(self.obs.call("get_current_program_scene").current_program_scene_name)

    def switch_to(self, scene_name: str) -> bool:
        try:
            self.obs.call("set_current_program_scene", scene_name)
        except DdrError:
            raise
        except Exception as exc:  # OBS answered that there is no such scene
            if exc.__class__.__name__ == "OBSSDKRequestError":
                return False
            raise
        return True


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise DdrError(f"--obs takes HOST:PORT (e.g. 192.168.1.20:4455), not {address!r}")
    return host, int(port)
