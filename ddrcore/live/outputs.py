"""After the tracker: a read's lead -> the song's momentum, the live chart and the song log.
The outputs of the live pipeline (capture -> read -> track -> these), owned by the worker
thread; what they could not write is a problem of their own, reading goes on."""

from __future__ import annotations

import time
from pathlib import Path

from ..base.errors import DdrError
from ..read.parse import format_score, plain_score
from ..read.profiles import load_profile
from ..show.chart import draw_chart, write_chart
from ..show.songlog import SONGS_FILE, append_rows, song_row, wall_time
from ..track.momentum import MatchStats, Momentum, SongResult
from ..track.tracker import LeadState
from .session import ReadConfig
from .values import LiveConfig

# The chart is redrawn at most this often: an image source reloads its file about once a second.
CHART_EVERY_S = 1.0


class SongOutputs:
    """Momentum, the chart and the song log for the worker (one thread)."""

    def __init__(self) -> None:
        self.momentum = Momentum()
        self._momentum_for: tuple[str, float] | None = None
        self._format = load_profile(ReadConfig().profile).format
        # Why the song log or the chart could not be written last time ("" when it could).
        self._log_problem = ""
        self._chart_problem = ""
        self._chart_due = 0.0
        self._chart_drawn: tuple[int, int] | None = None

    def configure(self, config: LiveConfig) -> None:
        """A new game or pace window: a new momentum (the chart and the log write as the game does)."""
        if self._momentum_for != (config.read.profile, config.pace_window_s):
            profile = load_profile(config.read.profile)
            self.momentum = Momentum.for_game(profile.motion, config.pace_window_s)
            self._format = profile.format
            self._momentum_for = (config.read.profile, config.pace_window_s)

    @property
    def stats(self) -> MatchStats:
        return self.momentum.stats

    def follow(self, config: LiveConfig, t: float, lead: LeadState) -> tuple[MatchStats, str]:
        """Momentum after this read; a finished song is logged, the chart redrawn when due.
        The message says what was logged ("" when nothing was)."""
        message = self._finished(config, self.momentum.update(t, lead, time.time()))
        return self.momentum.stats, message

    def finish(self, config: LiveConfig) -> str:
        """End the song being played (a video file ended on it): logged, its chart drawn.
        What was logged ("" when nothing was)."""
        return self._finished(config, self.momentum.finish())

    def _finished(self, config: LiveConfig, ended: SongResult | None) -> str:
        message = ""
        if ended is not None:
            try:
                message, self._log_problem = self._log_song(config, ended), ""
            except DdrError as exc:
                self._log_problem = str(exc)
        try:
            self._draw_chart(config, force=ended is not None)
        except DdrError as exc:
            self._chart_problem = str(exc)
        return message

    @property
    def problem(self) -> str:
        return " | ".join(p for p in (self._log_problem, self._chart_problem) if p)

    def _log_song(self, config: LiveConfig, song: SongResult) -> str:
        if not config.log_dir:
            return ""
        fmt = self._format
        path = Path(config.log_dir) / SONGS_FILE
        append_rows(path, [song_row(song, fmt, config.names, wall_time(song.started_at))])
        return f"song logged to {path}: P1 {format_score(song.p1, fmt)}, P2 {format_score(song.p2, fmt)}"

    def _draw_chart(self, config: LiveConfig, force: bool) -> None:
        """Redraw the chart at most every CHART_EVERY_S while a song plays (and once as it
        ends); between songs the last chart stays, and a new song starts a new one."""
        chart, stats = config.chart, self.momentum.stats
        if chart is None or not chart.file or not (stats.in_song or force):
            return
        curve, last = self.momentum.song_curve, self.momentum.last_read
        drawn = (stats.song_seq, len(curve.times))
        if last is None or drawn == self._chart_drawn or (time.monotonic() < self._chart_due and not force):
            return
        fmt = self._format
        picture = draw_chart(curve, chart.style, (plain_score(last.p1, fmt), plain_score(last.p2, fmt)))
        write_chart(Path(chart.file), picture)
        self._chart_due, self._chart_drawn = time.monotonic() + CHART_EVERY_S, drawn
        self._chart_problem = ""
