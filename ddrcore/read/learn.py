"""A game's learned digits as a model: learn them from footage, check them on footage they
were not learned from, and write them to a store file that others load with ``--templates``
(the ``templates_file`` setting in OBS). A tournament organiser learns once; every streamer
reads with the same digits from the first frame."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import DdrError
from ..base.regions import Region
from ..base.scores import Score
from ..capture.base import Image
from ..capture.screen import load_image, video_frame_count, video_frames
from .engines import tesseract_engine
from .engines.base import OcrEngine
from .engines.glyph import LEARNED_SURE, AutoEngine, GlyphEngine, GlyphLearner
from .engines.store import TemplateStore
from .profiles import PLAYERS, Player, Profile
from .reader import ScoreReader

# The share of the footage held out from learning, to check the learned digits on.
HELD_OUT = 1 / 3
# A store is written only if it read at least this share of held-out reads exactly, and none wrong.
MIN_EXACT = 0.99
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


@dataclass(frozen=True, slots=True)
class LearnReport:
    """What ``learn`` found: frames learned from, held-out reads checked, and how they read.

    ``checked`` counts held-out reads whose truth is known (``--labels``) or, without
    labels, that Tesseract and the matcher together could read; ``exact`` and ``wrong``
    compare the learned digits alone (no Tesseract) with that truth; ``refused`` were unsure.
    """

    learned_frames: int
    checked: int
    exact: int
    wrong: int
    refused: int
    digits: int

    @property
    def passed(self) -> bool:
        return self.digits == 10 and self.wrong == 0 and self.checked > 0 and self.exact >= MIN_EXACT * self.checked

    def lines(self) -> list[str]:
        share = self.exact / self.checked if self.checked else 0.0
        return [
            f"learned {self.digits} of 10 digits from {self.learned_frames} frames",
            f"checked on {self.checked} reads it did not learn from: {self.exact} exact ({share:.1%}), "
            f"{self.refused} unsure, {self.wrong} wrong",
        ]


def footage(paths: list[Path], every: int) -> Iterator[tuple[str, Image]]:
    """(name, frame) of each image, and of every ``every``-th frame of each video, one frame
    at a time (a 3-minute 1080p song is 11 GB of frames: never all of them at once)."""
    for path in paths:
        if path.suffix.lower() in IMAGE_SUFFIXES:
            yield path.name, load_image(path)
        else:
            for t, frame in video_frames(path, every):
                yield f"{path.name}@{t:.2f}", frame


def footage_count(paths: list[Path], every: int) -> int:
    """How many frames :func:`footage` yields (a video's frame count as its container says)."""
    return sum(1 if path.suffix.lower() in IMAGE_SUFFIXES else -(-video_frame_count(path) // every) for path in paths)


def load_labels(path: Path) -> dict[str, tuple[Score | None, Score | None]]:
    """Truth per frame file, in the format of ``shared/frames/*/labels.json``."""
    try:
        data = json.loads(path.read_text())
        return {f["file"]: (f["p1"], f["p2"]) for f in data["frames"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DdrError(f"labels {path} could not be read ({exc})") from None


def learn(
    profile: Profile,
    frames: Iterable[tuple[str, Image]],
    count: int,
    regions: dict[Player, Region] | None,
    out: Path,
    labels: dict[str, tuple[Score | None, Score | None]] | None = None,
    tesseract_cmd: str | None = None,
) -> LearnReport:
    """Learn ``profile``'s digits from the first part of ``frames`` (``count`` of them, taken
    one at a time) and check them on the rest with the learning frozen; write the store to
    ``out`` when the check passes (DdrError saying why when it does not)."""
    if count < 3:
        raise DdrError("learn needs at least 3 frames (a video, or several images)")
    if profile.glyphs:
        raise DdrError(f"profile {profile.name} ships its digits: there is nothing to learn")
    teach = count - max(1, round(count * HELD_OUT))
    tesseract = tesseract_engine(tesseract_cmd)
    learner = GlyphLearner()  # from nothing: never from the user's own store, and saved nowhere
    teacher = ScoreReader(profile, AutoEngine(GlyphEngine.for_profile(profile), tesseract, learner), regions)
    checker: _Checker | None = None
    taught = 0
    try:
        for index, (name, frame) in enumerate(frames):
            if index < teach:
                teacher.read(frame)
                taught += 1
                continue
            if checker is None:
                checker = _Checker(profile, learner, tesseract, regions)
            checker.check(name, frame, labels)
    finally:
        teacher.close()
    report = checker.report(taught) if checker is not None else LearnReport(taught, 0, 0, 0, 0, 0)
    if not report.passed:
        raise DdrError("; ".join(report.lines()) + ": not good enough, no store written (learn from more footage)")
    validation = {"checked": report.checked, "exact": report.exact, "wrong": report.wrong, "refused": report.refused}
    TemplateStore(profile.name, path=out).save(learner.samples, validation)
    return report


class _Checker:
    """Checks the learned digits on held-out frames with the learning frozen: the truth from
    the labels, else from the matcher and Tesseract together (which learn nothing here); the
    learned digits alone (no Tesseract) against it."""

    def __init__(
        self, profile: Profile, learner: GlyphLearner, tesseract: OcrEngine, regions: dict[Player, Region] | None
    ) -> None:
        self.learned = learner.templates()
        self.digits = sum(1 for d in "0123456789" if d in self.learned)
        known = GlyphEngine(self.learned, LEARNED_SURE) if learner.complete else GlyphEngine.for_profile(profile)
        self.judge = ScoreReader(profile, AutoEngine(known, tesseract), regions)
        self.alone = (
            ScoreReader(profile, GlyphEngine(self.learned, LEARNED_SURE), regions) if self.digits == 10 else None
        )
        self.checked = self.exact = self.wrong = self.refused = 0

    def check(self, name: str, frame: Image, labels: dict[str, tuple[Score | None, Score | None]] | None) -> None:
        if labels is not None and name not in labels:
            raise DdrError(f"the labels give no truth for {name}")
        if self.alone is None:
            return
        judged = self.judge.read(frame) if labels is None else None
        truth = labels[name] if labels is not None else (judged.p1.score, judged.p2.score) if judged else (None, None)
        read = self.alone.read(frame)
        for player, want in zip(PLAYERS, truth, strict=True):
            if want is None:
                continue
            got = getattr(read, player).score
            if got is None:
                self.refused += 1
            elif got == want:
                self.exact += 1
            else:
                self.wrong += 1

    def report(self, taught: int) -> LearnReport:
        checked = self.exact + self.wrong + self.refused
        return LearnReport(taught, checked, self.exact, self.wrong, self.refused, self.digits)
