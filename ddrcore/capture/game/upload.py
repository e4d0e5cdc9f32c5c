"""The engine's own record of each finished song: ``Save/Upload/*.xml``, written by StepMania
and ITGmania at each evaluation screen with default settings, module or not. It holds each
player's exact final score: the dance-point share (as the game cuts it, 4 decimals) and the
score the default theme shows, with the judgments. Read only, never written."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ...base.errors import GameFileError

UPLOAD_FOLDER = "Upload"
# The profiles whose score an Upload XML holds, and which of its numbers that score is.
PROFILE_SCORES = {"itg-percent": "percent", "stepmania": "score"}


@dataclass(frozen=True, slots=True)
class UploadScore:
    """One player's final score of one song, in the order the engine wrote the players."""

    song_dir: str
    difficulty: str
    percent: float  # as the game shows it: 73.52
    score: int  # the default theme's score
    judgments: dict[str, int]
    stage: str  # the stage's id: the players of one song share it

    def score_for(self, profile: str) -> float | int | None:
        """The score as ``profile`` reads it (None: a profile whose score is not recorded here)."""
        field = PROFILE_SCORES.get(profile)
        if field is None:
            return None
        return self.percent if field == "percent" else self.score


def read_upload(path: Path) -> list[UploadScore]:
    """Each player's score in one Upload XML (a half-written one is a GameFileError)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise GameFileError(f"{path.name} cannot be read ({exc})") from None
    scores = []
    for entry in root.iter("HighScoreForASongAndSteps"):
        song, steps, high = entry.find("Song"), entry.find("Steps"), entry.find("HighScore")
        if song is None or steps is None or high is None:
            continue
        groups = [high.find(group) for group in ("TapNoteScores", "HoldNoteScores")]
        judgments = {child.tag: int(child.text or 0) for group in groups if group is not None for child in group}
        try:
            share = Decimal(high.findtext("PercentDP") or "0")
            score = int(high.findtext("Score") or 0)
        except (InvalidOperation, ValueError):
            raise GameFileError(f"{path.name} has a malformed score") from None
        scores.append(
            UploadScore(
                song_dir=song.get("Dir", ""),
                difficulty=steps.get("Difficulty", ""),
                percent=int(share * 10_000) / 100,
                score=score,
                judgments=judgments,
                stage=high.findtext("StageGuid") or "",
            )
        )
    return scores


def song_scores(save: Path, since: float) -> tuple[UploadScore, UploadScore] | None:
    """The two players' scores of the newest song written to ``save``/Upload after ``since``
    (a time.time()); None when there is none, or it is not one song of two players."""
    folder = save / UPLOAD_FOLDER
    try:
        files = [p for p in folder.glob("*.xml") if p.stat().st_mtime >= since]
    except OSError:
        return None
    if not files:
        return None
    newest = max(files, key=lambda p: p.stat().st_mtime)
    try:
        scores = read_upload(newest)
    except GameFileError:
        return None  # being written: the next look reads it whole
    if len(scores) != 2 or scores[0].stage != scores[1].stage:
        return None
    return scores[0], scores[1]
