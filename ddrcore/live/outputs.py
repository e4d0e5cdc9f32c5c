"""After the tracker: a read's lead -> the song's momentum, the live chart and the song log.
The outputs of the live pipeline (capture -> read -> track -> these), owned by the worker
thread; what they could not write is a problem of their own, reading goes on."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ..base.errors import DdrError
from ..base.scores import Leader, Score, leader_of, margin_of
from ..capture.game.upload import UPLOAD_FOLDER, song_scores
from ..read.parse import format_score, plain_score
from ..read.profiles import load_profile
from ..show.chart import draw_chart, write_chart
from ..show.songlog import SONGS_FILE, append_rows, song_row, wall_time
from ..track.momentum import MatchStats, Momentum, SongResult
from ..track.predict import Outlook
from ..track.tracker import LeadState
from .session import ReadConfig
from .values import LiveConfig

# The chart is redrawn at most this often: an image source reloads its file about once a second.
CHART_EVERY_S = 1.0
# A finished song waits this long for the engine's Upload XML (written as its evaluation screen
# opens, about when the scores leave the screen) before it is logged with the numbers it has.
UPLOAD_WAIT_S = 5.0


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
        self._profile = ReadConfig().profile
        # Save folders whose Upload XML may give a finished song's exact final scores.
        self.saves: tuple[Path, ...] = ()
        # A finished song waiting for its Upload XML until the monotonic time given.
        self._pending: tuple[SongResult, float] | None = None
        # Who clinched the song being played, and when (on the reads' clock).
        self._clinched: tuple[Leader, float] | None = None
        # The latest predictions (scores from the game), for the chart's levels.
        self._outlook: Outlook | None = None

    def configure(self, config: LiveConfig) -> None:
        """A new game or pace window: a new momentum (the chart and the log write as the game does)."""
        if self._momentum_for != (config.read.profile, config.pace_window_s):
            profile = load_profile(config.read.profile)
            self.momentum = Momentum.for_game(profile.motion, config.pace_window_s)
            self._format = profile.format
            self._profile = config.read.profile
            self._momentum_for = (config.read.profile, config.pace_window_s)

    @property
    def stats(self) -> MatchStats:
        return self.momentum.stats

    def follow(
        self, config: LiveConfig, t: float, lead: LeadState, outlook: Outlook | None = None
    ) -> tuple[MatchStats, str]:
        """Momentum after this read; a finished song is logged, the chart redrawn when due.
        The message says what was logged ("" when nothing was). ``outlook``: the predictions
        (scores from the game), whose first clinch goes into the song's row."""
        if outlook is not None and outlook.clinched is not None and self._clinched is None:
            self._clinched = (outlook.clinched, t)
        self._outlook = outlook
        message = self._finished(config, self.momentum.update(t, lead, time.time()))
        message = self._log_pending(config) or message
        stats = self.momentum.stats
        return (replace(stats, outlook=outlook) if outlook is not None else stats), message

    def finish(self, config: LiveConfig) -> str:
        """End the song being played (a video file ended on it): logged, its chart drawn.
        What was logged ("" when nothing was)."""
        message = self._finished(config, self.momentum.finish())
        return self._log_pending(config, waited=True) or message

    def _finished(self, config: LiveConfig, ended: SongResult | None) -> str:
        message = ""
        if ended is not None:
            if self._clinched is not None:
                who, when = self._clinched
                ended = replace(ended, clinched=who, clinched_after_s=round(when - ended.start_s, 1))
            self._clinched = None
            if config.game_file:
                ended = replace(ended, scores_from="game file")
            if self._pending is not None:
                message = self._log_pending(config, waited=True)
            # The game's own Save folder (scores from the game) gets its Upload folder at the
            # first song's end; elsewhere only a folder that has one is waited for.
            has_uploads = any((save / UPLOAD_FOLDER).is_dir() for save in self.saves)
            waits = config.log_dir and self.saves and (config.game_file or has_uploads)
            self._pending = (ended, time.monotonic() + (UPLOAD_WAIT_S if waits else 0.0))
            message = self._log_pending(config) or message
        try:
            self._draw_chart(config, force=ended is not None)
        except DdrError as exc:
            self._chart_problem = str(exc)
        return message

    def close(self, config: LiveConfig) -> str:
        """The reader stops: a song still waiting for its Upload XML is logged now."""
        return self._log_pending(config, waited=True)

    def _log_pending(self, config: LiveConfig, waited: bool = False) -> str:
        """Log the finished song once its Upload XML is there, or its wait is over (``waited``:
        now); what was logged ("" when nothing was)."""
        if self._pending is None:
            return ""
        song, deadline = self._pending
        exact = self._upload_scores(song)
        if exact is None and not waited and time.monotonic() < deadline:
            return ""
        self._pending = None
        if exact is not None:
            p1, p2 = exact
            song = replace(
                song, p1=p1, p2=p2, winner=leader_of(p1, p2) or "tie", margin=margin_of(p1, p2) or 0,
                scores_from="Upload XML",
            )  # fmt: skip
        try:
            message, self._log_problem = self._log_song(config, song), ""
        except DdrError as exc:
            self._log_problem = str(exc)
            message = ""
        return message

    def _upload_scores(self, song: SongResult) -> tuple[Score, Score] | None:
        """The song's exact final scores from an Upload XML written since it began."""
        if song.started_at is None:
            return None
        for save in self.saves:
            found = song_scores(save, song.started_at)
            if found is not None:
                p1, p2 = (score.score_for(self._profile) for score in found)
                if p1 is not None and p2 is not None:
                    return p1, p2
        return None

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
        outlook = self._outlook
        ceilings = (outlook.p1.best, outlook.p2.best) if outlook is not None else None
        picture = draw_chart(curve, chart.style, (plain_score(last.p1, fmt), plain_score(last.p2, fmt)), ceilings)
        write_chart(Path(chart.file), picture)
        self._chart_due, self._chart_drawn = time.monotonic() + CHART_EVERY_S, drawn
        self._chart_problem = ""
