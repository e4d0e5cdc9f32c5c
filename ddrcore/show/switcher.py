"""Scene switches on a thread of their own, so that nothing that decides them ever waits.

A switch in OBS waits for OBS's UI thread, and the UI thread may need Python's GIL while it
switches (another script's frontend-event callback). So the thread that decides (OBS's
graphics-thread timer, or the command line's loop) only leaves a wish here and returns;
this thread makes the call, through a :class:`Frontend` whose calls release the GIL while
they wait (``ctypes`` in OBS, a socket with obs-websocket).

Latest wish wins: a switch that is still waiting when the leader changes again is followed
by the newest one only. The rule of ownership is applied at the moment of the switch: the
program is only ever cut away from one of our own scenes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from ..base.errors import DdrError
from ..base.scores import Leader
from .present import SceneChoice

log = logging.getLogger(__name__)

THREAD_NAME = "obs-ddr scene switcher"
# A wanted scene that does not exist (yet) is tried again this often: adding it fixes it.
RETRY_MISSING_S = 1.0


class Frontend(Protocol):
    """What the switcher needs of OBS. Called from the switcher's thread only."""

    def current_scene(self) -> str:
        """The program scene's name ("" when there is none)."""

    def switch_to(self, scene_name: str) -> bool:
        """Make ``scene_name`` the program scene; False when there is no such scene."""


Outcome = Literal["switched", "already there", "not ours", "no scene for it", "missing", "unavailable"]


@dataclass(frozen=True, slots=True)
class SwitchResult:
    """What the switcher did with wish number ``seq``: ``outcome``, the scene it concerned,
    how long the frontend took (seconds), and ``problem`` for a missing scene or frontend."""

    seq: int
    leader: Leader | None
    scene: str
    outcome: Outcome
    took_s: float = 0.0
    problem: str = ""


@dataclass(frozen=True, slots=True)
class _Wish:
    seq: int
    leader: Leader | None
    scenes: SceneChoice


class SceneSwitcher:
    """Owns the switching thread. ``want`` returns at once; ``result`` is the latest outcome.

    ``frontend`` is made on the thread itself, so that binding to OBS's libraries never
    happens on OBS's own threads, and a failure is reported as a result, not raised.
    """

    def __init__(self, frontend: Callable[[], Frontend]) -> None:
        self._make_frontend = frontend
        self._frontend: Frontend | None = None
        self._wish: _Wish | None = None
        self._seq = 0
        self._result: SwitchResult | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._in_call = False
        self._thread: threading.Thread | None = None

    @property
    def result(self) -> SwitchResult | None:
        return self._result

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (``want`` starts it too; starting early keeps that off the tick)."""
        if not self.alive:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
            self._thread.start()

    def want(self, leader: Leader | None, scenes: SceneChoice) -> int:
        """Ask for the scene of ``leader``; returns the wish's number (see ``result.seq``)."""
        with self._lock:
            self._seq += 1
            self._wish = _Wish(self._seq, leader, scenes)
        self.start()
        self._wake.set()
        return self._seq

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Stop the thread. It is joined only while it is not inside a frontend call: a
        switch waits for OBS's UI thread, which may be the thread calling ``stop``; such a
        thread ends by itself once its call returns. True when no thread is left running."""
        with self._lock:
            self._stopping = True
            in_call = self._in_call
        self._wake.set()
        if self._thread is not None and not in_call:
            self._thread.join(timeout_s)
        return not self.alive

    def _run(self) -> None:
        while True:
            self._wake.wait(RETRY_MISSING_S)
            self._wake.clear()
            with self._lock:
                if self._stopping:
                    return
                wish, self._wish = self._wish, None
                if wish is not None:
                    self._in_call = True
            if wish is None:
                continue
            try:
                result = self._apply(wish)
            except DdrError as exc:  # the frontend is out of reach (an OBS elsewhere restarting)
                result = SwitchResult(wish.seq, wish.leader, "", "unavailable", problem=str(exc))
            except Exception as exc:  # a bug must not end switching: report it and go on
                log.exception("scene switch failed")
                result = SwitchResult(wish.seq, wish.leader, "", "unavailable", problem=f"scene switch failed: {exc!r}")
            finally:
                with self._lock:
                    self._in_call = False
            self._result = result
            if result.outcome in ("missing", "unavailable"):
                with self._lock:  # try again later, unless a newer wish came meanwhile
                    if self._wish is None:
                        self._wish = wish

    def _apply(self, wish: _Wish) -> SwitchResult:
        target = wish.scenes.scene_for(wish.leader)
        if not target:
            return SwitchResult(wish.seq, wish.leader, "", "no scene for it")
        if self._frontend is None:
            try:
                self._frontend = self._make_frontend()
            except Exception as exc:
                return SwitchResult(
                    wish.seq, wish.leader, target, "unavailable", problem=f"scene switching is unavailable: {exc}"
                )
        started = time.perf_counter()
        current = self._frontend.current_scene()
        if current == target:
            return SwitchResult(wish.seq, wish.leader, target, "already there")
        if not wish.scenes.owns(current):
            return SwitchResult(wish.seq, wish.leader, current, "not ours")
        if not self._frontend.switch_to(target):
            return SwitchResult(
                wish.seq, wish.leader, target, "missing", problem=f"scene {target!r} not found: pick it again"
            )
        return SwitchResult(wish.seq, wish.leader, target, "switched", time.perf_counter() - started)
