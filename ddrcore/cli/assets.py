"""Where the shipped assets live (found from this file, never from the working directory)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
FONT = ASSETS / "fonts" / "DejaVuSans-Bold.ttf"
DEMO_CLIP = ASSETS / "demo_stepmania.mp4"
DEMO_TRUTH = ASSETS / "demo_stepmania.csv"
