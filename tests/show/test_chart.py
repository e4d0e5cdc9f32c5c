"""One chart renderer: `analyze --chart` draws a recorded match exactly as the live chart draws
a song (show.chart.draw_chart), with the same lead changes the song's count gives."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ddrcore.cli.assets import DEMO_CLIP
from ddrcore.cli.commands import MATCH_CHART_SIZE, analyze, follow_momentum
from ddrcore.live.session import ReadConfig
from ddrcore.show.chart import ChartStyle, draw_chart, match_curve

from ..conftest import run_cli


def test_analyze_draws_its_chart_with_the_live_charts_renderer(tmp_path: Path) -> None:
    chart = tmp_path / "demo.png"
    csv_out = tmp_path / "demo.csv"
    result = run_cli("analyze", str(DEMO_CLIP), "--every", "3", "--csv", str(csv_out), "--chart", str(chart))
    assert result.returncode == 0, result.stderr
    written = cv2.imread(str(chart), cv2.IMREAD_UNCHANGED)
    assert written.shape == (MATCH_CHART_SIZE[1], MATCH_CHART_SIZE[0], 4), "a see-through PNG, as the live chart"

    states = analyze(ReadConfig(keep_learned=False), DEMO_CLIP, every=3, progress=False)
    curve = match_curve(states)
    last = [(s.p1, s.p2) for _, s in states if s.p1 is not None and s.p2 is not None][-1]
    labels = (f"{int(last[0]):,}", f"{int(last[1]):,}")
    drawn = draw_chart(curve, ChartStyle(size=MATCH_CHART_SIZE), labels)
    assert np.array_equal(written, drawn)
    # The marks are the song's lead changes: the count analyze's CSV gives.
    songs_changes = max(m.lead_changes for m in follow_momentum(states, "stepmania")[0])
    assert len(curve.lead_changes) == songs_changes >= 2


def test_the_most_still_possible_is_a_dashed_level_at_the_right_end() -> None:
    """Scores from the game: each player's most still possible is drawn in their colour, from
    now to the chart's right end (a 20 s song fills two thirds of its 30 s axis)."""
    from ddrcore.track.momentum import Sample, SongCurve

    curve = SongCurve()
    for second in range(21):
        curve.add(Sample(float(second), second * 0.8, second * 0.7, "p1"))
    style = ChartStyle()
    ahead = slice(style.size[0] * 3 // 4, None)  # right of the song so far
    plain = draw_chart(curve, style)[:, ahead, :3]
    levels = draw_chart(curve, style, ceilings=(96.0, 82.0))[:, ahead, :3]
    for picture, expected in ((plain, False), (levels, True)):
        blue_rows = np.nonzero(np.all(picture == style.p1_colour, axis=2))[0]
        red_rows = np.nonzero(np.all(picture == style.p2_colour, axis=2))[0]
        assert bool(blue_rows.size and red_rows.size) == expected
    assert np.median(blue_rows) < np.median(red_rows)  # 96 above 82
