"""What the worker costs: reads per second, and the worker thread's CPU time (and the part of
it spent capturing) over the same recent wall time. For the status line and the bench."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

# The figures are over this much recent wall time.
RATE_WINDOW_S = 5.0
T = TypeVar("T")


class ReadLoad:
    """Counts the worker's reads and CPU time; used on the worker thread only."""

    def __init__(self) -> None:
        self._done: deque[float] = deque()
        self._cpu: deque[tuple[float, float]] = deque()
        self._capture_cpu_s = 0.0

    def capturing(self, grab: Callable[[], T]) -> T:
        """``grab()``, its CPU time counted as capture."""
        started = time.thread_time()
        try:
            return grab()
        finally:
            self._capture_cpu_s += time.thread_time() - started

    def count_read(self) -> None:
        now = time.monotonic()
        self._done.append(now)
        self._cpu.append((time.thread_time(), self._capture_cpu_s))
        while self._done[0] < now - RATE_WINDOW_S:
            self._done.popleft()
            self._cpu.popleft()

    def rates(self) -> tuple[float, float, float]:
        """(reads per second, CPU share, capture's CPU share) over the recent window."""
        wall = self._done[-1] - self._done[0] if len(self._done) >= 2 else 0.0
        if wall <= 0:
            return 0.0, 0.0, 0.0
        (cpu_0, capture_0), (cpu_1, capture_1) = self._cpu[0], self._cpu[-1]
        return (len(self._done) - 1) / wall, (cpu_1 - cpu_0) / wall, (capture_1 - capture_0) / wall
