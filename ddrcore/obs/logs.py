"""One logging setup that reaches OBS's script log: ddrcore's loggers (on any thread: the
reader, the switcher) leave their lines here, and the script writes them from OBS's timer.

OBS's ``script_log`` is not for other threads: it keeps one unlocked buffer for every Python
script and names the script whose callback is running, so a worker thread calling it would
race other scripts and lose our name. Lines wait here instead, at most BACKLOG of them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["info", "warning", "error"]

# Lines kept while OBS's timer is not running (a paused or busy OBS); older ones are counted
# and said as dropped, so a flood of lines can never grow memory.
BACKLOG = 200
LOGGER = "ddrcore"


class ScriptLog(logging.Handler):
    """Collects ddrcore's log records (from any thread) for :meth:`write_to`."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[tuple[Level, str]] = deque(maxlen=BACKLOG)
        self.dropped = 0
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        level: Level = "info"
        if record.levelno >= logging.WARNING:
            level = "error" if record.levelno >= logging.ERROR else "warning"
        if len(self.lines) == BACKLOG:
            self.dropped += 1
        self.lines.append((level, self.format(record)))

    def write_to(self, log: Callable[[Level, str], None]) -> None:
        """Write the waiting lines through ``log(level, message)`` (on a thread that may)."""
        if self.dropped:
            dropped, self.dropped = self.dropped, 0
            log("warning", f"{dropped} log lines were dropped (more than {BACKLOG} waited)")
        while self.lines:
            log(*self.lines.popleft())

    def attach(self) -> None:
        """Receive ddrcore's records (info and up) instead of Python's stderr, which OBS shows
        as errors without the script's name."""
        logger = logging.getLogger(LOGGER)
        logger.addHandler(self)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    def detach(self) -> None:
        logger = logging.getLogger(LOGGER)
        logger.removeHandler(self)
        if not logger.handlers:
            logger.propagate = True
            logger.setLevel(logging.NOTSET)


@dataclass
class FailureLog:
    """Which parts of the script are failing (a callback, a part of the timer's tick): a part's
    failure is said when it starts, when its error changes, and again when it comes back after
    the part worked; never once per tick. Memory is bounded by the script's parts."""

    failing: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def failed(self, part: str, error: str) -> str:
        """The line to log for this failure ("" when it was said already)."""
        if self.failing.get(part) == error:
            return ""
        back = part not in self.failing and part in self.seen
        self.failing[part] = error
        self.seen.add(part)
        return f"{part} failed{' again' if back else ''}: {error}"

    def worked(self, part: str) -> None:
        if part in self.failing:
            del self.failing[part]
