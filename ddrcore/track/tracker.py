"""Reads over time -> who leads. Pure: ``track(state, time_s, p1, p2, rules) -> state``.

Per player, the last three reads vote (their median), so one misread never becomes the
score. The vote must then obey the game's motion rule: DDR and StepMania scores only grow
within a song and fall back to near zero for the next song; an ITG percentage moves up or
down by a bounded step per second. A vote that breaks the rule is accepted only once it
has held for ``confirm`` reads in a row (the earlier score was wrong, or play resumed
after a gap). A new leader is reported once it has held for ``hold_s``; the first one (no
leader before it) at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..base.scores import Leader, Score, leader_of, margin_of
from ..read.profiles import MotionRule

# A new score is believed when this many recent reads agree on it (one misread is outvoted).
_VOTERS = 3
# Both scores gone this long is a screen change (results, menu): drop them, not waiting
# ``lost_s``. Longer than a capture hiccup (dropped frames, 0.1-0.2 s), far shorter than a
# results screen; in seconds, so 33 ms and 1 s reads agree (test_tracker).
SCREEN_CHANGE_S = 0.5


@dataclass(frozen=True, slots=True)
class TrackRules:
    motion: MotionRule
    hold_s: float = 1.0
    lost_s: float = 1.0
    confirm: int = 3
    # How much timing jitter a plausible move is allowed, in seconds of the motion rule.
    slack_s: float = 0.5
    # A score whose digits stay on screen but unread (unsure) is kept this long: longer than
    # any stretch of unsure reads on the real-font songs, far shorter than a song.
    unsure_keep_s: float = 15.0
    # A score not confirmed by a read this long is no longer shown (the leader may stay, up
    # to ``unsure_keep_s``): the game may show another by now (the ``stale_ms`` setting).
    stale_s: float = 1.0


@dataclass(frozen=True, slots=True)
class PlayerTrack:
    """One player's accepted ``score`` (None: no score on screen) and the evidence for it."""

    score: Score | None = None
    # When the game showed ``score``: the time of the read it was voted from.
    score_time_s: float = 0.0
    recent: tuple[Score, ...] = ()
    recent_s: tuple[float, ...] = ()
    last_seen_s: float | None = None
    doubted: Score | None = None
    doubted_count: int = 0


@dataclass(frozen=True, slots=True)
class LeadState:
    """Who leads: ``leader`` p1 / p2 / tie, or None when either score is unknown.

    ``p1``/``p2`` are the accepted scores, ``margin`` their difference, ``since_s`` when the
    reported leader took over (None while there is none). ``fresh``: both scores were read
    this time (False: one is kept from earlier reads while its digits are unclear).
    ``stale``: a score was last confirmed more than ``stale_s`` ago: the leader may be shown,
    the numbers may not (the game may show others by now).
    """

    leader: Leader | None = None
    p1: Score | None = None
    p2: Score | None = None
    margin: Score | None = None
    since_s: float | None = None
    fresh: bool = True
    stale: bool = False

    def without_numbers(self) -> LeadState:
        """The leader alone, as shown while the numbers are stale: no score, no margin."""
        return LeadState(self.leader, since_s=self.since_s, fresh=self.fresh, stale=True)

    @property
    def settled(self) -> bool:
        """False while the scores already show another leader that has not held long enough:
        then a text naming ``leader`` with these scores would contradict itself."""
        return self.leader is None or leader_of(self.p1, self.p2) == self.leader


@dataclass(frozen=True, slots=True)
class TrackState:
    p1: PlayerTrack = field(default_factory=PlayerTrack)
    p2: PlayerTrack = field(default_factory=PlayerTrack)
    lead: LeadState = field(default_factory=LeadState)
    pending: Leader | None = None
    pending_since_s: float = 0.0
    # Since when both scores have been gone (None while either is on screen).
    both_missing_since_s: float | None = None
    # Who the reads themselves (before the vote) have shown leading, and since when: a new
    # leader's hold counts from there, not from the read the vote first agreed (a read later).
    seen_leader: Leader | None = None
    seen_since_s: float = 0.0


def track(
    state: TrackState,
    time_s: float,
    p1: Score | None,
    p2: Score | None,
    rules: TrackRules,
    present: tuple[bool, bool] | None = None,
) -> TrackState:
    """The state after reads ``p1`` and ``p2`` (None: not read) taken at ``time_s``.

    ``present`` says for each player whether the digits were on screen although unread
    (unsure: the score is kept) or not there at all (the score is gone); by default a read
    is present exactly when it has a score.
    """
    seen = present if present is not None else (p1 is not None, p2 is not None)
    gone = not seen[0] and not seen[1] and p1 is None and p2 is None
    missing_since = (time_s if state.both_missing_since_s is None else state.both_missing_since_s) if gone else None
    if missing_since is not None and time_s - missing_since >= SCREEN_CHANGE_S:
        t1, t2 = PlayerTrack(), PlayerTrack()
    else:
        t1 = _track_player(state.p1, time_s, p1, seen[0], rules)
        t2 = _track_player(state.p2, time_s, p2, seen[1], rules)
    fresh = p1 is not None and p2 is not None
    if fresh:  # an unread score (unsure digits) is no evidence either way: the run goes on
        shown = leader_of(p1, p2)
        shown_since = state.seen_since_s if shown == state.seen_leader else time_s
        state = replace(state, seen_leader=shown, seen_since_s=shown_since)
    elif gone:
        state = replace(state, seen_leader=None)
    # A read of one player while the other's digits are on screen but unread still confirms a
    # pending leader, if the kept score is no older than stale_s (it could be shown, too).
    one_read = (p1 is not None or p2 is not None) and seen[0] and seen[1]
    stale = _stale(t1, t2, time_s, rules)
    confirming = fresh or (one_read and not stale)
    lead = _update_lead(state, time_s, t1, t2, rules, confirming, fresh, stale)
    return replace(lead, both_missing_since_s=missing_since)


def _stale(t1: PlayerTrack, t2: PlayerTrack, time_s: float, rules: TrackRules) -> bool:
    return any(t.score is not None and time_s - t.score_time_s > rules.stale_s for t in (t1, t2))


def _track_player(
    track: PlayerTrack, time_s: float, read: Score | None, present: bool, rules: TrackRules
) -> PlayerTrack:
    if read is None:
        keep_s = rules.unsure_keep_s if present else rules.lost_s
        if track.last_seen_s is not None and time_s - track.last_seen_s >= keep_s:
            return PlayerTrack()
        return track
    recent = (*track.recent, read)[-_VOTERS:]
    recent_s = (*track.recent_s, time_s)[-_VOTERS:]
    track = replace(track, recent=recent, recent_s=recent_s, last_seen_s=time_s)
    if len(recent) < 2:
        return track
    vote, voted_s = _vote(recent, recent_s)
    if track.score is None:
        if _plausible(recent[-2], recent[-1], 0.0, rules):
            return replace(track, score=vote, score_time_s=voted_s, doubted=None, doubted_count=0)
        return track
    if vote == track.score or _plausible(track.score, vote, time_s - track.score_time_s, rules):
        return replace(track, score=vote, score_time_s=voted_s, doubted=None, doubted_count=0)
    if _is_new_song(track.score, vote, rules.motion):
        return replace(track, score=vote, score_time_s=voted_s, doubted=None, doubted_count=0)
    doubted_count = track.doubted_count + 1 if track.doubted is not None else 1
    if track.doubted is not None and not _plausible(track.doubted, vote, 0.0, rules):
        doubted_count = 1
    if doubted_count >= rules.confirm:
        return replace(track, score=vote, score_time_s=voted_s, doubted=None, doubted_count=0)
    return replace(track, doubted=vote, doubted_count=doubted_count)


def _vote(recent: tuple[Score, ...], recent_s: tuple[float, ...]) -> tuple[Score, float]:
    """The recent reads' median, and when it was read: the vote is as old as the newest read
    of its value (after a run of unsure reads the median may be a read from before them,
    which the game no longer shows)."""
    if len(recent) < _VOTERS:
        return recent[-1], recent_s[-1]
    # Of an odd count, the median is one of the reads.
    value = sorted(recent)[len(recent) // 2]
    return value, max(t for t, read in zip(recent_s, recent, strict=True) if read == value)


def _plausible(before: Score, after: Score, elapsed_s: float, rules: TrackRules) -> bool:
    motion = rules.motion
    seconds = max(elapsed_s, 0.0) + rules.slack_s
    if after >= before:
        return after - before <= motion.max_rise_per_s * seconds
    if motion.monotonic:
        return False
    return before - after <= motion.max_drop_per_s * seconds


def _is_new_song(before: Score, after: Score, motion: MotionRule) -> bool:
    return motion.monotonic and after < before and after <= motion.reset_below


def _update_lead(
    state: TrackState,
    time_s: float,
    t1: PlayerTrack,
    t2: PlayerTrack,
    rules: TrackRules,
    confirming: bool = True,
    fresh: bool = True,
    stale: bool = False,
) -> TrackState:
    """``fresh``: both scores were read this time; ``confirming``: this read may finish a new
    leader's hold (fresh, or one read while the other's kept score is not stale): kept scores
    alone (unsure reads, a results screen coming in) never finish it."""
    instant = leader_of(t1.score, t2.score)
    lead = state.lead
    pending, pending_since = state.pending, state.pending_since_s
    if instant is None:
        leader, since, pending = None, None, None
    elif lead.leader is None:
        # The first leader of a song (or after the scores were gone) has nothing to flap
        # with: shown at once, so the stream names one from the song's first frames.
        leader, since, pending = instant, time_s, None
    elif instant == lead.leader:
        leader, since, pending = lead.leader, lead.since_s, None
    else:
        if pending != instant:
            pending = instant
            pending_since = state.seen_since_s if state.seen_leader == instant else time_s
            # never before the current leader took over: every leader holds at least hold_s
            pending_since = max(pending_since, lead.since_s or 0.0)
        if confirming and time_s - pending_since >= rules.hold_s:
            leader, since, pending = instant, time_s, None
        else:
            leader, since = lead.leader, lead.since_s
    new_lead = LeadState(leader, t1.score, t2.score, margin_of(t1.score, t2.score), since, fresh, stale)
    return replace(state, p1=t1, p2=t2, lead=new_lead, pending=pending, pending_since_s=pending_since)


class Tracker:
    """A convenience holder for one match's TrackState (not thread-safe)."""

    def __init__(self, rules: TrackRules) -> None:
        self.rules = rules
        self.state = TrackState()

    def update(
        self, time_s: float, p1: Score | None, p2: Score | None, present: tuple[bool, bool] | None = None
    ) -> LeadState:
        self.state = track(self.state, time_s, p1, p2, self.rules, present)
        return self.state.lead

    def stale_at(self, time_s: float) -> bool:
        """Whether a score held was last read more than ``stale_s`` before ``time_s``."""
        return _stale(self.state.p1, self.state.p2, time_s, self.rules)
