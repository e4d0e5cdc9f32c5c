"""A PNG chart of a match: both scores and the margin over time, lead changes marked."""

from __future__ import annotations

from pathlib import Path

from ..track.tracker import LeadState


def draw_chart(states: list[tuple[float, LeadState]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [t for t, _ in states]
    p1 = [s.p1 if s.p1 is not None else float("nan") for _, s in states]
    p2 = [s.p2 if s.p2 is not None else float("nan") for _, s in states]
    signed = [(s.p1 - s.p2) if s.p1 is not None and s.p2 is not None else float("nan") for _, s in states]
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6), height_ratios=[2, 1])
    top.plot(times, p1, label="P1", color="tab:blue")
    top.plot(times, p2, label="P2", color="tab:red")
    top.set_ylabel("score")
    top.legend(loc="upper left")
    top.set_title(title)
    bottom.plot(times, signed, color="black")
    bottom.axhline(0, color="grey", linewidth=0.5)
    bottom.set_ylabel("P1 - P2")
    bottom.set_xlabel("time (s)")
    previous = None
    for t, s in states:
        if s.leader != previous and s.leader is not None:
            for axis in (top, bottom):
                axis.axvline(t, color="green", linestyle="--", linewidth=0.8)
            top.annotate(s.leader.upper(), (t, top.get_ylim()[1]), fontsize=8, color="green", va="top")
        previous = s.leader
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
