"""A game's learned digits as a model: learn them from footage, check them on footage they
were not learned from, and write them to a store file that others load with ``--templates``
(the ``templates_file`` setting in OBS). A tournament organiser learns once; every streamer
reads with the same digits from the first frame."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .capture import load_image, video_frames
from .engines import tesseract_engine
from .engines.glyph import LEARNED_SURE, AutoEngine, GlyphEngine, GlyphLearner
from .engines.store import TemplateStore
from .errors import DdrError
from .preprocess import Image
from .profiles import PLAYERS, Player, Profile
from .reader import ScoreReader
from .regions import Region
from .scores import Score

# The share of the footage held out from learning, to check the learned digits on.
HELD_OUT = 1 / 3
# A store is written only if it read at least this share of held-out reads exactly, and none wrong.
MIN_EXACT = 0.99


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
    """(name, frame) of each image, and of every ``every``-th frame of each video."""
    for path in paths:
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp", ".webp"):
            yield path.name, load_image(path)
        else:
            for t, frame in video_frames(path, every):
                yield f"{path.name}@{t:.2f}", frame


def load_labels(path: Path) -> dict[str, tuple[Score | None, Score | None]]:
    """Truth per frame file, in the format of ``shared/frames/*/labels.json``."""
    try:
        data = json.loads(path.read_text())
        return {f["file"]: (f["p1"], f["p2"]) for f in data["frames"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DdrError(f"labels {path} could not be read ({exc})") from None


def learn(
    profile: Profile,
    frames: list[tuple[str, Image]],
    regions: dict[Player, Region] | None,
    out: Path,
    labels: dict[str, tuple[Score | None, Score | None]] | None = None,
    tesseract_cmd: str | None = None,
) -> LearnReport:
    """Learn ``profile``'s digits from the first part of ``frames`` and check them on the rest;
    write the store to ``out`` when the check passes (DdrError saying why when it does not)."""
    if len(frames) < 3:
        raise DdrError("learn needs at least 3 frames (a video, or several images)")
    held = max(1, round(len(frames) * HELD_OUT))
    teach, check = frames[:-held], frames[-held:]
    if profile.glyphs:
        raise DdrError(f"profile {profile.name} ships its digits: there is nothing to learn")
    with tempfile.TemporaryDirectory() as scratch:
        learner = GlyphLearner()  # from nothing: never from the user's own store
        engine = AutoEngine(
            GlyphEngine.for_profile(profile),
            tesseract_engine(tesseract_cmd),
            learner,
            TemplateStore(profile.name, Path(scratch)),
        )
        teacher = ScoreReader(profile, engine, regions)
        try:
            for _, frame in teach:
                teacher.read(frame)
            truth = _truth(teacher, check, labels)
        finally:
            teacher.close()
    learned = learner.templates()
    report_digits = sum(1 for d in "0123456789" if d in learned)
    exact = wrong = refused = 0
    if report_digits == 10:
        alone = ScoreReader(profile, GlyphEngine(learned, LEARNED_SURE), regions)
        for (_, frame), expected in zip(check, truth, strict=True):
            read = alone.read(frame)
            for player, want in zip(PLAYERS, expected, strict=True):
                if want is None:
                    continue
                got = getattr(read, player).score
                if got is None:
                    refused += 1
                elif got == want:
                    exact += 1
                else:
                    wrong += 1
    checked = exact + wrong + refused
    report = LearnReport(len(teach), checked, exact, wrong, refused, report_digits)
    if not report.passed:
        raise DdrError("; ".join(report.lines()) + ": not good enough, no store written (learn from more footage)")
    TemplateStore(profile.name, path=out).save(
        learner.samples, {"checked": checked, "exact": exact, "wrong": wrong, "refused": refused}
    )
    return report


def _truth(
    reader: ScoreReader,
    check: list[tuple[str, Image]],
    labels: dict[str, tuple[Score | None, Score | None]] | None,
) -> list[tuple[Score | None, Score | None]]:
    """The held-out frames' truth: the labels, else what the learning reader (matcher and
    Tesseract together, never a guess) reads there."""
    if labels is not None:
        missing = [name for name, _ in check if name not in labels]
        if missing:
            raise DdrError(f"the labels give no truth for {', '.join(missing[:3])}")
        return [labels[name] for name, _ in check]
    return [(read.p1.score, read.p2.score) for read in (reader.read(frame) for _, frame in check)]
