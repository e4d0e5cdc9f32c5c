"""The worker's status in words, for a status line or a log: the reads, the load, what is
wrong (each problem said once). One wording for the OBS script and the command line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..read.parse import format_score
from ..read.profiles import ScoreFormat
from ..read.reader import ScoreRead
from .values import LiveStatus


def worker_load(status: LiveStatus) -> str:
    return (
        f"{status.reads_per_s:.1f} reads/s, worker CPU {status.cpu_share:.0%} (capture {status.capture_cpu_share:.0%})"
    )


def read_words(read: ScoreRead | None, fmt: ScoreFormat) -> str:
    if read is None:
        return "-"
    if read.score is None:
        return f"? ({read.problem})" if read.problem else "?"
    return format_score(read.score, fmt)


def status_words(
    status: LiveStatus, fmt: ScoreFormat, problems: Sequence[str], override: str = "", store: str = ""
) -> str:
    """The status line while reading: the problems, else the reads, the leader, the engine
    (and ``store``: where its learned digits come from) and the load; an override first."""
    if problems:
        line = "Problem: " + " | ".join(problems)
    elif status.paused:
        line = "Paused (enable it, or press the pause hotkey)."
    else:
        reads = "  ".join(f"{p.upper()} {read_words(r, fmt)}" for p, r in (("p1", status.p1), ("p2", status.p2)))
        leader: str = status.lead.leader or "nobody"
        if status.lead.leader is not None and status.lead.stale:
            leader += " (scores unclear: showing the leader only)"
        engine = f"{status.engine} ({store})" if store else status.engine
        line = f"{reads}  leader: {leader}  engine: {engine}  {worker_load(status)}"
    return f"{override}\n{line}" if override else line


def timing_summary(samples: Mapping[str, Sequence[float]]) -> str:
    """Median and max of each kind of timed work, in microseconds."""
    parts = []
    for kind, values in samples.items():
        ordered = sorted(values)
        if ordered:
            median, top = ordered[len(ordered) // 2], ordered[-1]
            parts.append(f"{kind} ticks: median {median:.0f} us, max {top:.0f} us, n={len(ordered)}")
    return "; ".join(parts)


@dataclass
class ProblemLog:
    """Says each problem once when it appears, and once when all are gone."""

    reported: frozenset[str] = frozenset()

    def update(self, problems: Iterable[str]) -> tuple[list[str], bool]:
        """(problems new since the last update, whether all problems just went away)."""
        now = frozenset(p for p in problems if p)
        new, solved = sorted(now - self.reported), bool(self.reported) and not now
        self.reported = now
        return new, solved
