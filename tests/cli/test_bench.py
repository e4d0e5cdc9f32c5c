"""`python -m ddrcore bench`: every engine and both yardsticks measured on the same frames."""

from __future__ import annotations

import re

import pytest

from ddrcore.cli.bench import run_bench

_ROW = re.compile(r"^  (?P<name>\S.*?)\s+(?P<rate>\d+\.\d)\s+(?P<cpu>\d+\.\d\d)\s+(?P<exact>\d+\.\d)%$")
_ROWS = {
    "auto (after warm-up)",
    "auto cold (empty store)",
    "glyph",
    "tesserocr",
    "pytesseract",
    "bare matcher (yardstick)",
    "per-crop pytesseract (raw)",
}


@pytest.mark.slow
def test_bench_measures_every_engine_beside_the_yardsticks(tesseract: str) -> None:
    report = run_bench(frame_count=6, baseline_frames=1, profiles=["itg-percent"])
    sections = report.split("\n\n")[1:-1]
    chart = report.split("\n\n")[-1]
    timing = re.fullmatch(r"live chart 800x300, 5400 reads: draw median ([\d.]+) ms, max [\d.]+ ms; .*", chart)
    assert timing is not None and float(timing[1]) > 0, chart
    assert [s.splitlines()[0].split(",")[0] for s in sections] == [
        "shipped clip demo_stepmania.mp4 (stepmania)",
        "generated footage",
    ]
    for section in sections:
        rows = {m["name"]: m for line in section.splitlines() if (m := _ROW.match(line))}
        assert set(rows) == _ROWS, section
        assert all(float(row["rate"]) > 0 for row in rows.values()), section
        assert "glyph reads at" in section and "the bare matcher's rate" in section
        assert re.search(r"cold start \(empty store\): auto ready in \d+ ms, first read [\d.]+ ms", section), section
        assert re.search(r"auto cold \d+x.*the reads/s of raw", section), section
    clip = {m["name"]: m for line in sections[0].splitlines() if (m := _ROW.match(line))}
    # The clip's scores are big and sharp: the matcher reads every one of them.
    assert clip["glyph"]["exact"] == "100.0"
