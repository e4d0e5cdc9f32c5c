"""The lead over time -> songs and momentum: who gains how fast, when the trailing player
would catch up, lead changes and the biggest lead of each song.

One definition for the live stream and for ``analyze`` (a VOD says what the stream said):
both feed :class:`Momentum` the tracker's state after each read. Pure Python (no NumPy),
like the tracker below it.

A song begins when both scores appear and ends when the tracker lets them go (a results
screen or a menu: its rules are in seconds, so a song ends alike at any read rate), or, for
games whose scores only grow, when a score falls (the next song began without a screen
between).
"""

from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass, field

from ..base.scores import Leader, Score, leader_of, passes_lead
from ..read.profiles import MotionRule
from .predict import Outlook
from .tracker import LeadState

# The pace placeholders look this far back by default: long enough to average over a few
# steps, short enough to show a swing within a song.
PACE_WINDOW_S = 5.0
# A song shorter than this is a flash of scores on a menu, not a song: it is not logged.
MIN_SONG_S = 5.0
# A catch-up further out than this is no prediction at a few seconds' pace: it is not shown.
CATCH_UP_MAX_S = 60.0
# A song's curve keeps at most this many reads (an hour at 30 reads/s); past it every other
# read is dropped, so a screen whose scores never go away cannot grow memory without end.
_CURVE_READS = 108_000
LEADER_CODES: dict[Leader | None, int] = {None: 0, "p1": 1, "p2": 2, "tie": 3}


@dataclass(frozen=True, slots=True)
class Sample:
    """One read of a song: seconds since the song began, both accepted scores, the leader shown."""

    t: float
    p1: Score
    p2: Score
    leader: Leader | None


@dataclass(frozen=True, slots=True)
class BiggestLead:
    player: Leader
    margin: Score
    at_s: float


@dataclass(frozen=True, slots=True)
class SongResult:
    """A finished song. ``start_s`` is on the clock the reads came with (seconds into a
    video, or the monotonic clock live); ``started_at`` the wall clock, when known."""

    start_s: float
    duration_s: float
    p1: Score
    p2: Score
    winner: Leader
    margin: Score
    lead_changes: int
    biggest_lead: BiggestLead | None
    started_at: float | None = None
    # Where the final scores come from: "" the reads; "game file"; "Upload XML" (the engine's).
    scores_from: str = ""
    # Who clinched the song (scores from the game only), and how far into it.
    clinched: Leader | None = None
    clinched_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class MatchStats:
    """Momentum now. Rates are points (or percent) per second over the pace window; None
    while unknown. ``gap_trend`` is how fast the leader's margin grows (negative: the
    trailing player is closing); ``catch_up_s`` when the trailing player would draw level at
    this pace. ``song_seq`` grows with each song begun, ``last_song`` is the latest finished."""

    in_song: bool = False
    song_seq: int = 0
    p1_rate: float | None = None
    p2_rate: float | None = None
    gap_trend: float | None = None
    catch_up_s: float | None = None
    lead_changes: int = 0
    biggest_lead: BiggestLead | None = None
    last_song: SongResult | None = None
    # What each player can still reach (scores from the game only; None while unknown).
    outlook: Outlook | None = None


@dataclass(slots=True)
class SongCurve:
    """A song's reads as columns (seconds since it began, both scores, the leader shown as
    :data:`LEADER_CODES`), ready for NumPy without a copy (``numpy.frombuffer``), and the
    times of its lead changes (:func:`~ddrcore.base.scores.passes_lead`), counted as the reads
    come: the song's count and the chart's marks are the same changes."""

    times: array[float] = field(default_factory=lambda: array("d"))
    p1: array[float] = field(default_factory=lambda: array("d"))
    p2: array[float] = field(default_factory=lambda: array("d"))
    leaders: array[int] = field(default_factory=lambda: array("b"))
    lead_changes: array[float] = field(default_factory=lambda: array("d"))
    last_player: Leader | None = None

    def add(self, sample: Sample) -> None:
        if len(self.times) >= _CURVE_READS:
            for column in (self.times, self.p1, self.p2, self.leaders):
                del column[::2]
        self.times.append(sample.t)
        self.p1.append(sample.p1)
        self.p2.append(sample.p2)
        self.leaders.append(LEADER_CODES[sample.leader])
        if passes_lead(self.last_player, sample.leader):
            self.lead_changes.append(sample.t)
        if sample.leader in ("p1", "p2"):
            self.last_player = sample.leader

    def break_run(self) -> None:
        """No scores for a while (between songs): the next leader is no lead change."""
        self.last_player = None


@dataclass
class _Song:
    start_s: float
    started_at: float | None
    curve: SongCurve = field(default_factory=SongCurve)
    last: Sample | None = None
    biggest: BiggestLead | None = None


class Momentum:
    """Feed it the tracker's state after each read (:meth:`update`); not thread-safe."""

    def __init__(self, pace_window_s: float = PACE_WINDOW_S, new_song_below: float | None = None) -> None:
        """``new_song_below``: for games whose scores only grow, a score falling to at most
        this is the next song (the profile's ``motion.reset_below``); None: scores may fall."""
        self.pace_window_s = max(0.5, pace_window_s)
        self.new_song_below = new_song_below
        self.stats = MatchStats()
        self._song: _Song | None = None
        self._pace: deque[Sample] = deque()

    @classmethod
    def for_game(cls, motion: MotionRule, pace_window_s: float = PACE_WINDOW_S) -> Momentum:
        """Momentum for a game whose scores move by ``motion`` (its profile's rule)."""
        return cls(pace_window_s, motion.reset_below if motion.monotonic else None)

    @property
    def song_curve(self) -> SongCurve:
        """The reads of the song being played, or of the last one (kept for the results screen)."""
        return self._song.curve if self._song is not None else SongCurve()

    @property
    def last_read(self) -> Sample | None:
        return self._song.last if self._song is not None else None

    def update(self, time_s: float, lead: LeadState, wall_s: float | None = None) -> SongResult | None:
        """Take one read; returns the song that just ended, if one did (logged once)."""
        ended: SongResult | None = None
        song = self._song if self.stats.in_song else None
        scored = lead.p1 is not None and lead.p2 is not None
        if song is not None and (not scored or self._new_song(song, lead)):
            ended = self._end(song)
            song = None
        if not scored:
            return ended
        assert lead.p1 is not None and lead.p2 is not None
        if lead.stale or (song is not None and not lead.fresh):
            # A kept score is no new read (it would slow the pace it is part of), and numbers
            # the game may no longer show are no point of the chart, nor a song's start.
            return ended
        if song is None:
            song = self._song = _Song(time_s, wall_s)
            self._pace.clear()
            self.stats = MatchStats(in_song=True, song_seq=self.stats.song_seq + 1, last_song=self.stats.last_song)
        sample = Sample(time_s - song.start_s, lead.p1, lead.p2, lead.leader)
        song.curve.add(sample)
        song.last = sample
        self._note_biggest_lead(song, sample)
        self._pace.append(sample)
        while self._pace and self._pace[0].t < sample.t - self.pace_window_s:
            self._pace.popleft()
        self.stats = self._stats(song, sample)
        return ended

    def finish(self) -> SongResult | None:
        """End the song being played (the video ended on it); the result, if it was a song."""
        if self._song is None or not self.stats.in_song:
            return None
        return self._end(self._song)

    def _new_song(self, song: _Song, lead: LeadState) -> bool:
        if self.new_song_below is None or song.last is None:
            return False
        last, below = song.last, self.new_song_below
        return any(
            now is not None and now < then and now <= below for now, then in ((lead.p1, last.p1), (lead.p2, last.p2))
        )

    def _note_biggest_lead(self, song: _Song, sample: Sample) -> None:
        ahead = leader_of(sample.p1, sample.p2)
        if ahead in ("p1", "p2"):
            margin = abs(sample.p1 - sample.p2)
            if song.biggest is None or margin > song.biggest.margin:
                song.biggest = BiggestLead(ahead, _rounded(margin, sample.p1), sample.t)

    def _stats(self, song: _Song, now: Sample) -> MatchStats:
        first = self._pace[0]
        span = now.t - first.t
        p1_rate = p2_rate = gap_trend = catch_up = None
        if span > 0:
            p1_rate = (now.p1 - first.p1) / span
            p2_rate = (now.p2 - first.p2) / span
            # The leader's margin, then and now, from the side of who leads now (a tie: the gap opening).
            ahead = leader_of(now.p1, now.p2)
            sign = -1.0 if ahead == "p2" else 1.0
            gap_then, gap_now = sign * (first.p1 - first.p2), sign * (now.p1 - now.p2)
            gap_trend = abs(gap_now - gap_then) / span if ahead == "tie" else (gap_now - gap_then) / span
            if gap_trend < 0 and gap_now > 0:
                seconds = gap_now / -gap_trend
                catch_up = seconds if seconds <= CATCH_UP_MAX_S else None
        return MatchStats(
            in_song=True,
            song_seq=self.stats.song_seq,
            p1_rate=p1_rate,
            p2_rate=p2_rate,
            gap_trend=gap_trend,
            catch_up_s=catch_up,
            lead_changes=len(song.curve.lead_changes),
            biggest_lead=song.biggest,
            last_song=self.stats.last_song,
        )

    def _end(self, song: _Song) -> SongResult | None:
        """Out of the song. Its result, kept in the stats; None (nothing kept) for a flash of scores."""
        self.stats = MatchStats(last_song=self.stats.last_song, song_seq=self.stats.song_seq)
        last = song.last
        if last is None or last.t < MIN_SONG_S:
            return None
        winner = leader_of(last.p1, last.p2) or "tie"
        result = SongResult(
            song.start_s,
            last.t,
            last.p1,
            last.p2,
            winner,
            _rounded(abs(last.p1 - last.p2), last.p1),
            len(song.curve.lead_changes),
            song.biggest,
            song.started_at,
        )
        self.stats = MatchStats(last_song=result, song_seq=self.stats.song_seq)
        return result


def _rounded(margin: Score, like: Score) -> Score:
    return round(margin, 2) if isinstance(like, float) else margin
