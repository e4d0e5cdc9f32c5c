"""Where the shipped assets live (found from this file, never from the working directory)."""

from __future__ import annotations

import csv
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
FONT = ASSETS / "fonts" / "DejaVuSans-Bold.ttf"
DEMO_CLIP = ASSETS / "demo_stepmania.mp4"
DEMO_TRUTH = ASSETS / "demo_stepmania.csv"


def demo_truth() -> dict[int, tuple[int | None, int | None]]:
    """The shipped clip's true scores (P1, P2) by frame number (None: no score shown)."""
    rows: dict[int, tuple[int | None, int | None]] = {}
    with DEMO_TRUTH.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[int(row["frame"])] = (int(row["p1"]) if row["p1"] else None, int(row["p2"]) if row["p2"] else None)
    return rows
