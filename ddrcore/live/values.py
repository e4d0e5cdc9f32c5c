"""What the live reader is told (:class:`LiveConfig`) and what it publishes (:class:`LiveStatus`):
frozen values, so any thread may hold one while the worker makes the next."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..base.regions import Region
from ..read.reader import ScoreRead
from ..show.chart import ChartStyle
from ..track.momentum import PACE_WINDOW_S, MatchStats
from ..track.tracker import LeadState
from .session import ReadConfig


@dataclass(frozen=True, slots=True)
class ChartOutput:
    """Where the worker writes the live chart (a PNG), and how it looks."""

    file: str
    style: ChartStyle = field(default_factory=ChartStyle)


@dataclass(frozen=True, slots=True)
class LiveConfig:
    """What to read live: how to read (profile, engine, regions in the captured picture's
    pixels, hold), what to capture (``capture``: "screen", the monitor numbered ``monitor``
    in mss's numbering, 1 = first; else the name of an OBS source) and how often."""

    read: ReadConfig = field(default_factory=ReadConfig)
    monitor: int = 1
    interval_ms: int = 250
    # Look for the score regions by itself once reads have failed for a while.
    auto_locate: bool = False
    capture: str = "screen"
    # Momentum (rates, catch-up) is measured over this many seconds.
    pace_window_s: float = PACE_WINDOW_S
    chart: ChartOutput | None = None
    # A folder to log each finished song to (songs.csv); "" = no log.
    log_dir: str = ""
    names: tuple[str, str] = ("Player 1", "Player 2")
    # Scores from the game's file instead of the picture: its path, or "auto" (the newest in
    # the usual places); "" reads the picture (OCR).
    game_file: str = ""
    # While the game file fails (the game closed), read the picture instead.
    ocr_fallback: bool = False

    @property
    def captured(self) -> str:
        """What is captured, in words."""
        return f"monitor {self.monitor}" if self.capture == "screen" else f"OBS source {self.capture!r}"


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """The latest result. ``problem`` is "" while reading works; ``seq`` grows with each read.

    ``reads_per_s`` counts two-player reads over the last few seconds; ``cpu_share`` is the
    worker thread's CPU time over the same wall time (1.0 = one core busy), and
    ``capture_cpu_share`` the part of it spent grabbing the screen.
    """

    lead: LeadState = field(default_factory=LeadState)
    match: MatchStats = field(default_factory=MatchStats)
    p1: ScoreRead | None = None
    p2: ScoreRead | None = None
    engine: str = ""
    reads_per_s: float = 0.0
    cpu_share: float = 0.0
    capture_cpu_share: float = 0.0
    problem: str = ""
    paused: bool = False
    message: str = ""
    seq: int = 0
    # Grows with each new ``message``: the answer to a request is the first message after it.
    message_seq: int = 0
    # The regions "find score regions" last found (the worker reads there from then on);
    # ``located_seq`` grows with each find, so a reader of the status can apply it once.
    located: tuple[Region, Region] | None = None
    located_seq: int = 0
    # The capture was a video file and it has ended (its last song is finished and logged).
    ended: bool = False
