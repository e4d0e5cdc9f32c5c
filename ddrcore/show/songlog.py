"""Finished songs -> ``songs.csv``: one row per song, for organisers' records.

Each append writes the whole file anew and renames it over the old (:mod:`.atomic`): a
crash or a kill mid-write leaves the old file or the new one, never half a row.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from ..base.atomic import write_bytes_atomic
from ..base.errors import DdrError
from ..read.profiles import ScoreFormat
from ..track.momentum import SongResult

SONGS_FILE = "songs.csv"
COLUMNS = (
    "start_time", "duration_s", "p1_name", "p2_name", "p1", "p2",
    "winner", "winner_name", "margin", "lead_changes", "biggest_lead_player", "biggest_lead",
    "scores_from", "clinched_by", "clinched_after_s",
)  # fmt: skip


def song_row(song: SongResult, fmt: ScoreFormat, names: tuple[str, str], start_time: str) -> list[str]:
    """The row for ``song``, scores as plain numbers (a spreadsheet sorts them); ``start_time``
    as the caller's clock gives it (wall clock live, the video's time in ``analyze``)."""
    by_player = {"p1": names[0], "p2": names[1], "tie": ""}
    biggest = song.biggest_lead
    return [
        start_time,
        f"{song.duration_s:.1f}",
        names[0],
        names[1],
        str(song.p1),
        str(song.p2),
        song.winner,
        by_player[song.winner],
        str(song.margin),
        str(song.lead_changes),
        biggest.player if biggest else "",
        str(biggest.margin) if biggest else "",
        song.scores_from or "reads",
        song.clinched or "",
        f"{song.clinched_after_s:.1f}" if song.clinched_after_s is not None else "",
    ]


def wall_time(seconds: float | None) -> str:
    """A wall-clock time as ISO 8601 local time, to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(seconds if seconds is not None else time.time()))


def video_time(seconds: float) -> str:
    """A time into a video as H:MM:SS.s."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int((seconds - whole) * 10)}"


def _with_new_columns(old: str) -> str:
    """A log begun by an earlier obs-ddr, with the columns added since (empty in its rows):
    its header stays the first line and every row keeps its place."""
    lines = old.splitlines()
    if not lines:
        return old
    header = next(csv.reader([lines[0]]))
    if header == list(COLUMNS) or header != list(COLUMNS[: len(header)]):
        return old  # ours and current, or not one of ours: left as it is
    added = len(COLUMNS) - len(header)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([*row, *([""] * added)] for row in csv.reader(lines[1:]))
    return out.getvalue()


def append_rows(path: Path, rows: list[list[str]]) -> None:
    """Append ``rows`` to the CSV at ``path`` (made with its header when new), atomically."""
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
    except OSError as exc:
        raise DdrError(f"cannot read the song log {path}: {exc.strerror or exc}") from exc
    _write(path, old, rows)


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write a new song log of ``rows`` at ``path``, atomically."""
    _write(path, "", rows)


def _write(path: Path, old: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    old = _with_new_columns(old)
    if not old:
        writer.writerow(COLUMNS)
    elif not old.endswith("\n"):
        out.write("\n")
    writer.writerows(rows)
    try:
        write_bytes_atomic(path, (old + out.getvalue()).encode("utf-8"))
    except OSError as exc:
        raise DdrError(f"cannot write the song log {path}: {exc.strerror or exc}") from exc
