"""The live reader: one worker thread runs the pipeline capture -> read -> track, then the
song's outputs (momentum, chart, song log: :mod:`.outputs`), and publishes each result as an
immutable :class:`~.values.LiveStatus` that any other thread may take at any time without
waiting. Settings arrive as a new :class:`~.values.LiveConfig`; button requests (read now,
find the regions) as queued :data:`Request` values the worker takes at its next step.

The worker never dies of bad input: a problem (no such monitor, a region off the screen,
Tesseract missing) becomes ``status.problem`` and the worker tries again every
``RETRY_S`` seconds, so fixing the setting or the machine is enough to recover.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..base.errors import DdrError, EngineError, ImageError, RegionError, SourceEndedError
from ..base.regions import Region
from ..capture.base import Capture, Image
from ..capture.game.feed import GameFeed
from ..capture.game.places import find_game_file, local_saves
from ..capture.game.state import GameState
from ..capture.screen import ScreenCapture
from ..capture.source_feed import SourceFeed
from ..read.preview import draw_preview, write_preview
from ..read.profiles import Player, load_profile
from ..read.reader import ScoreRead, ScoreReader
from ..track.predict import outlook_of
from ..track.tracker import LeadState, Tracker
from .load import ReadLoad
from .outputs import SongOutputs
from .session import ReadConfig, make_reader, make_tracker
from .values import LiveConfig, LiveStatus

log = logging.getLogger(__name__)

RETRY_S = 1.0
# A failed read (a dropped capture frame, a busy device, a decoder hiccup) keeps the lead
# shown and the match followed for this long, and the first retry comes at the usual
# interval: one hiccup never blanks the text or restarts a new leader's hold. Longer than a
# retry, short enough that a lead shown through failures is at most this old.
KEEP_THROUGH_ERRORS_S = 1.0
# The worker thread's name: a worker of an earlier load of the script (before "Reload
# Scripts") is found by it, and a new one starts only once that one has ended.
WORKER_NAME = "obs-ddr reader"
# The game module writes about ten times a second: look twice as often.
GAME_POLL_S = 0.05
# What the status calls the source of exact scores (in place of an OCR engine's name).
GAME_ENGINE = "game file"
# With auto_locate, look for the regions after this long without a score, at most this often.
AUTO_LOCATE_AFTER_S = 5.0
AUTO_LOCATE_EVERY_S = 15.0


@dataclass(frozen=True, slots=True)
class Preview:
    """Read now and write a preview PNG (the frame, the regions, what was read) to ``path``."""

    path: Path


@dataclass(frozen=True, slots=True)
class Locate:
    """Look for both score regions on the whole picture, and read there from then on."""


Request = Preview | Locate


class LiveReader:
    """Owns the worker thread. ``configure``/``pause``/``request_preview`` only leave a note
    for the worker and return at once; ``stop`` joins the thread."""

    def __init__(self, config: LiveConfig, feeds: Callable[[str], Capture] | None = None) -> None:
        """``feeds`` gives the capture of anything but the screen by name: an OBS source's
        feed inside OBS, a capture device, stream or file on the command line."""
        self._wanted = config
        self._feeds = feeds
        self._status = LiveStatus()
        self._paused = False
        # Button requests from other threads, taken by the worker at its next step (queued:
        # a press is never lost to another, nor half seen).
        self._requests: queue.SimpleQueue[Request] = queue.SimpleQueue()
        # The worker's own: what it was asked and has not done yet.
        self._preview_to: Path | None = None
        self._locate_requested = False
        self._located: tuple[Region, Region] | None = None
        self._located_seq = 0
        self._stopping = False
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> LiveStatus:
        return self._status

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the worker, unless another worker (an earlier load's, still finishing a
        Tesseract call or a find after it was told to stop) is alive: then return False and
        start nothing, so that exactly one worker ever reads. Call again later."""
        if self.alive:
            return True
        if previous_workers():
            self._publish(replace(self._status, problem="waiting for the previous reader to stop"))
            return False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=WORKER_NAME, daemon=True)
        self._thread.start()
        return True

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop the worker and wait for it; False if it is still busy after ``timeout_s``."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        return not self.alive

    def __enter__(self) -> LiveReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def configure(self, config: LiveConfig) -> None:
        with self._lock:
            if config == self._wanted:
                return
            self._wanted = config
        self._wake.set()

    def pause(self, paused: bool) -> None:
        self._paused = paused
        self._wake.set()

    def request_preview(self, path: Path) -> None:
        """Have the next read also write a preview PNG to ``path`` (status.message says when)."""
        self._requests.put(Preview(path))
        self._wake.set()

    def request_locate(self) -> None:
        """Have the worker look for both score regions on the whole monitor and, when it finds
        them, read there from then on (status.located and status.message say what it found)."""
        self._requests.put(Locate())
        self._wake.set()

    # The worker thread from here on.

    def _run(self) -> None:
        import cv2

        # Score crops are tiny: OpenCV's worker threads cost more than they save, and while
        # the game and OBS keep the cores busy this thread spins waiting for them (in OBS it
        # measured 4x the CPU of the same reads on one thread).
        cv2.setNumThreads(1)
        work = _Work(self._feeds)
        try:
            while not self._stopping:
                started = time.monotonic()
                delay_s = self._step(work)
                self._wake.wait(max(0.0, delay_s - (time.monotonic() - started)))
                self._wake.clear()
        finally:
            work.outputs.close(self._wanted)
            work.close()

    def _take_requests(self) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            if isinstance(request, Preview):
                self._preview_to = request.path
            else:
                self._locate_requested = True

    def _step(self, work: _Work) -> float:
        """One read; returns how long to wait before the next."""
        self._take_requests()
        config = self._wanted
        if self._paused and self._preview_to is None and not self._locate_requested:
            # Paused reads nothing (not even the screen); a button press is still answered.
            self._publish(LiveStatus(self._status.lead, self._status.match, paused=True, engine=self._status.engine))
            return config.interval_ms / 1000
        # Find score regions with OCR standing by looks at the capture, once.
        if config.game_file and not (self._locate_requested and config.ocr_fallback):
            delay_s = self._from_game(work, config)
            if delay_s is not None:
                return delay_s
        frame: Image | None = None
        try:
            work.prepare(config)
            assert work.screen is not None and work.reader is not None and work.tracker is not None
            if self._locate_requested or work.should_auto_locate(config):
                self._locate_requested = False
                return self._locate(work, config)
            size = work.screen.size
            work.check_size(config, size)
            regions = work.reader.regions_for(*size)
            if self._preview_to is None:
                box = regions["p1"].union(regions["p2"])
                t, part = work.grab(box)
                read = work.reader.read_at(part, {p: r.moved(-box.x, -box.y) for p, r in regions.items()})
            else:
                t, frame = work.grab()
                read = work.reader.read_at(frame, regions)
            lead = work.tracker.update(t, read.p1.score, read.p2.score, read.present)
            work.count_error(ok=True)
            work.count_read(read.p1.score is not None or read.p2.score is not None)
            match, song_message = work.outputs.follow(config, t, lead)
            status = LiveStatus(lead, match, read.p1, read.p2, work.reader.engine.name, *work.load.rates())
            message = self._preview(config, frame, {"p1": read.p1, "p2": read.p2}, "") if frame is not None else ""
            problem = " | ".join(p for p in (work.fallback_words(config), work.outputs.problem) if p)
            self._publish(replace(status, message=message or song_message, problem=problem))
            return config.interval_ms / 1000
        except SourceEndedError as exc:
            message = work.outputs.finish(config) or str(exc)
            self._publish(LiveStatus(match=work.outputs.stats, engine=self._status.engine, message=message, ended=True))
            return max(RETRY_S, config.interval_ms / 1000)
        except DdrError as exc:
            work.forget(exc)
            work.count_failure()
            problem = str(exc)
        except Exception as exc:  # a bug must not kill the worker: report it and keep trying
            log.exception("obs-ddr reader failed")
            work.forget(exc)
            problem = f"internal error: {exc!r} (see the log)"
        fallback = work.fallback_words(config)
        return self._failed(work, config, frame, f"{fallback}, which fails too: {problem}" if fallback else problem)

    def _from_game(self, work: _Work, config: LiveConfig) -> float | None:
        """A step on the game file; how long to wait before the next, or None when it failed
        and the picture is read instead (``ocr_fallback``)."""
        try:
            delay_s = self._game_step(work, config)
            work.game_problem = ""
            return delay_s
        except DdrError as exc:
            work.game_problem = str(exc)
            if config.ocr_fallback:
                return None
            work.count_failure()
            # Looking at a file costs next to nothing: look again as often as while it works.
            return min(self._failed(work, config, None, work.game_problem), GAME_POLL_S)
        except Exception as exc:  # a bug must not kill the worker: report it and keep trying
            log.exception("obs-ddr game file reader failed")
            return self._failed(work, config, None, f"internal error: {exc!r} (see the log)")

    def _game_step(self, work: _Work, config: LiveConfig) -> float:
        """One look at the game file: the exact scores go through the same tracker and outputs."""
        feed = work.game_feed(config)
        t, state = feed.poll()
        tracker = work.game_tracker(config)
        p1, p2 = state.scores() if state.playing else (None, None)
        lead = tracker.update(t, p1, p2)
        work.count_error(ok=True)
        work.count_read(p1 is not None or p2 is not None)
        outputs = work.outputs
        outputs.configure(config)
        match, song_message = outputs.follow(config, t, lead, outlook_of(state) if state.playing else None)
        status = LiveStatus(lead, match, _exact(p1), _exact(p2), GAME_ENGINE, *work.load.rates())
        message = self._answer_from_game(config, feed.path, state)
        self._publish(replace(status, message=message or song_message, problem=outputs.problem))
        return min(config.interval_ms / 1000, GAME_POLL_S)

    def _answer_from_game(self, config: LiveConfig, path: Path, state: GameState) -> str:
        """The buttons' answers while the game file gives the scores: Read now says what the
        file holds (nothing is captured, so there is no picture); Find score regions has none
        to find, unless the capture is read when the file fails (then it looks there)."""
        answers = []
        if self._preview_to is not None:
            self._preview_to = None
            p1, p2 = state.scores()
            shown = ", ".join(f"{p.upper()} {s:.2f}" for p, s in (("p1", p1), ("p2", p2)) if s is not None)
            where = f"{state.screen}" + (f", {state.title}" if state.title else "")
            answers.append(
                f"Read now: from the game file {path}: {shown or 'no scores'} ({where}); no picture is captured"
            )
        if self._locate_requested and not config.ocr_fallback:
            self._locate_requested = False
            answers.append(f"Find score regions: none needed, the scores come from the game file {path}")
        for answer in answers:
            log.info("%s", answer)
        return "; ".join(answers)

    def _failed(self, work: _Work, config: LiveConfig, frame: Image | None, problem: str) -> float:
        """Publish a failed read: the problem, with the lead kept through a hiccup (see
        KEEP_THROUGH_ERRORS_S); how long to wait before the next."""
        first_error = work.count_error()
        if self._preview_to is not None and frame is None and work.screen is not None:
            try:  # show the user where the regions are, even when they cannot be read
                frame = work.screen.grab()[1]
            except DdrError:
                frame = None
        message = self._preview(config, frame, {}, problem) if frame is not None else ""
        if not message and self._preview_to is not None:
            self._preview_to = None
            message = f"Read now: {problem}"
        kept = self._status.lead if work.erring_for() < KEEP_THROUGH_ERRORS_S else LeadState()
        if kept.leader is not None and work.tracker is not None and work.tracker.stale_at(time.monotonic()):
            kept = kept.without_numbers()  # the leader may be kept through a hiccup, old numbers not
        lead = replace(kept, fresh=False)
        self._publish(
            LiveStatus(lead, self._status.match, problem=problem, engine=self._status.engine, message=message)
        )
        return config.interval_ms / 1000 if first_error else max(RETRY_S, config.interval_ms / 1000)

    def _locate(self, work: _Work, config: LiveConfig) -> float:
        from ..read.locate import locate

        assert work.screen is not None and work.reader is not None
        frame = work.screen.grab()[1]
        found = locate(frame, work.reader)
        work.located()
        if found is None:
            message = f"Find score regions: no score regions found on {config.captured}"
        else:
            reads = ", ".join(f"{p.upper()} {r.score}" for p, r in (("p1", found.read.p1), ("p2", found.read.p2)))
            message = f"Find score regions: P1 {found.p1}, P2 {found.p2} ({found.method}; read {reads})"
            with self._lock:
                # The settings may have been edited while the find ran: keep those edits and
                # change only the regions, unless the regions themselves were edited.
                wanted = self._wanted
                if (wanted.read.p1, wanted.read.p2) == (config.read.p1, config.read.p2):
                    self._wanted = replace(wanted, read=replace(wanted.read, p1=found.p1, p2=found.p2))
                    self._located, self._located_seq = (found.p1, found.p2), self._located_seq + 1
                else:
                    message += "; not used: the regions were edited meanwhile"
        log.info("%s", message)
        self._publish(replace(self._status, message=message))
        return config.interval_ms / 1000

    def _publish(self, status: LiveStatus) -> None:
        """Replace the status in one assignment, so readers never see half of it."""
        previous = self._status
        self._status = replace(
            status,
            message=status.message or previous.message,
            message_seq=previous.message_seq + 1 if status.message else previous.message_seq,
            seq=previous.seq + 1,
            located=self._located,
            located_seq=self._located_seq,
        )

    def _preview(self, config: LiveConfig, frame: Image, reads: dict[Player, ScoreRead], problem: str) -> str:
        """Write the requested preview, if any; the message saying what was read and where."""
        path, self._preview_to = self._preview_to, None
        if path is None:
            return ""
        try:
            write_preview(path, draw_preview(frame, _regions(config, frame), reads, problem))
            summary = (
                ", ".join(
                    f"{p.upper()} {r.score if r.score is not None else '? (' + r.problem + ')'}"
                    for p, r in reads.items()
                )
                or problem
            )
            message = f"Read now: {summary}; preview written to {path}"
        except DdrError as exc:
            message = f"Read now: {exc}"
        log.info("%s", message)
        return message


def _exact(score: float | None) -> ScoreRead:
    if score is None:
        return ScoreRead(None, "", 0.0, "no score on this screen", present=False)
    return ScoreRead(score, f"{score:.2f}", 1.0)


def previous_workers() -> list[threading.Thread]:
    """Worker threads still alive that belong to no current reader (an earlier load's)."""
    return [t for t in threading.enumerate() if t.name == WORKER_NAME and t.is_alive()]


def _regions(config: LiveConfig, frame: Image) -> dict[Player, Region]:
    """Where the config reads, even when no reader could be built (to show it in a preview)."""
    return config.read.regions or load_profile(config.read.profile).regions_in(frame.shape[1], frame.shape[0])


class _Work:
    """The worker's own objects, built lazily from the config and rebuilt when it changes.
    Only the worker thread touches it (mss handles belong to the thread that made them)."""

    def __init__(self, feeds: Callable[[str], Capture] | None = None) -> None:
        self.screen: Capture | None = None
        self.reader: ScoreReader | None = None
        self.tracker: Tracker | None = None
        self.outputs = SongOutputs()
        self._feeds = feeds
        self._captured = ""
        # The source's size when its regions were first read there (explicit regions only).
        self._source_size: tuple[int, int] | None = None
        self._read_config: ReadConfig | None = None
        self.load = ReadLoad()
        self._failing_since: float | None = None
        # Since when every read has failed with an error (None after one that did not).
        self._erring_since: float | None = None
        self._last_locate = -AUTO_LOCATE_EVERY_S
        self._game: GameFeed | None = None
        self._game_for: tuple[str, float] | None = None
        self._game_tracker_for: ReadConfig | None = None
        # Why the game file could not be read last time ("" when it could).
        self.game_problem = ""

    def game_feed(self, config: LiveConfig) -> GameFeed:
        """The game file's feed ("auto": the newest file in the usual places, looked for again
        while there is none)."""
        wanted = (config.game_file, config.read.stale_ms / 1000)
        if self._game is None or self._game_for != wanted:
            path = find_game_file() if config.game_file == "auto" else Path(config.game_file)
            self._game, self._game_for = GameFeed(path, wanted[1]), wanted
            self.outputs.saves = (path.parent,)
        return self._game

    def fallback_words(self, config: LiveConfig) -> str:
        """While the picture is read in place of a failing game file: that, in words."""
        if not config.game_file or not self.game_problem:
            return ""
        return f"{self.game_problem}; reading {config.captured} instead"

    def game_tracker(self, config: LiveConfig) -> Tracker:
        """The tracker of exact scores: a new one when the hold or the staleness changed."""
        if self.tracker is None or self._game_tracker_for != config.read:
            self.tracker = make_tracker(config.read)
            self._game_tracker_for = config.read
            self._read_config = None  # the picture's reader starts its own match if it takes over
        return self.tracker

    def prepare(self, config: LiveConfig) -> None:
        if self.screen is not None and self._captured != config.captured:
            self._close_screen()
        if self.screen is None:
            if config.capture == "screen":
                self.screen = ScreenCapture(config.monitor)
            elif self._feeds is None:
                raise ImageError(f"{config.captured} can only be read inside OBS: capture the screen here")
            else:
                self.screen = self._feeds(config.capture)
            self._captured = config.captured
        previous = self._read_config
        if previous is None or previous.how != config.read.how or self.tracker is None:
            # How it reads changed: a new engine and a new match. (A reader closed by an
            # error is made again below; the match followed so far stays.)
            self._source_size = None
            self._close_reader()
            self.tracker = make_tracker(config.read)
        if self.reader is None:
            self.reader = make_reader(config.read)
        elif previous is not None and config.read.regions != previous.regions:
            # Only where to read changed: the engine (and what it learned) stays.
            self.reader.regions, self._source_size = config.read.regions, None
        if previous is not None and previous != config.read:
            self.tracker.rules = make_tracker(config.read).rules  # the hold; the match so far stays
        if self._read_config != config.read:
            self.outputs.saves = local_saves(config.read.profile)
        self._read_config = config.read
        self.outputs.configure(config)

    def check_size(self, config: LiveConfig, size: tuple[int, int]) -> None:
        """A source that changed size (a capture card from 720p to 1080p): the profile's
        regions follow it; regions set in its old pixels would read the wrong place."""
        if config.capture == "screen" or config.read.regions is None:
            return
        if self._source_size is None:
            self._source_size = size
        elif size != self._source_size:
            (w0, h0), (w1, h1) = self._source_size, size
            raise RegionError(
                f"{config.captured} changed size from {w0}x{h0} to {w1}x{h1}: the regions are in its old "
                "pixels; set them again or press Find score regions"
            )

    def grab(self, box: Region | None = None) -> tuple[float, Image]:
        """Grab the screen (or ``box`` of it), counting the CPU time it takes."""
        screen = self.screen
        assert screen is not None
        return self.load.capturing(lambda: screen.grab(box))

    def forget(self, problem: Exception) -> None:
        """Drop what the problem shows to be broken (the capture, the engine); the next step
        rebuilds it. The tracker stays: a failed read is no evidence about the match."""
        if isinstance(problem, ImageError) or not isinstance(problem, DdrError):
            self._close_screen()
        if isinstance(problem, EngineError) or not isinstance(problem, DdrError):
            self._close_reader()

    def should_auto_locate(self, config: LiveConfig) -> bool:
        now = time.monotonic()
        return (
            config.auto_locate
            and self._failing_since is not None
            and now - self._failing_since >= AUTO_LOCATE_AFTER_S
            and now - self._last_locate >= AUTO_LOCATE_EVERY_S
        )

    def located(self) -> None:
        self._last_locate = time.monotonic()
        self._failing_since = None

    def count_error(self, ok: bool = False) -> bool:
        """Note a read that failed with an error (``ok``: one that did not); True for the
        first error after reads that worked."""
        if ok:
            self._erring_since = None
            return False
        first = self._erring_since is None
        if first:
            self._erring_since = time.monotonic()
        return first

    def erring_for(self) -> float:
        """Seconds since every read began failing (0 while they work)."""
        return 0.0 if self._erring_since is None else time.monotonic() - self._erring_since

    def count_failure(self) -> None:
        if self._failing_since is None:
            self._failing_since = time.monotonic()

    def count_read(self, scored: bool) -> None:
        if scored:
            self._failing_since = None
        else:
            self.count_failure()
        self.load.count_read()

    def close(self) -> None:
        self._close_screen()
        self._close_reader()

    def _close_reader(self) -> None:
        if self.reader is not None:
            reader, self.reader = self.reader, None
            try:
                reader.close()
            except Exception:  # closing must not stop the worker; the reader is gone either way
                log.exception("closing the reader failed")

    def _close_screen(self) -> None:
        if self.screen is not None and not isinstance(self.screen, SourceFeed):
            self.screen.close()  # an OBS source's feed belongs to the script, which reuses it
        self.screen = None
