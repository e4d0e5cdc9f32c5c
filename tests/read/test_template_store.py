"""Learning the game's digits: from an empty store within one song, kept for the next start,
and a corrupt or foreign store rejected with a clear message and rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ddrcore.base.errors import EngineError, TemplateStoreError
from ddrcore.cli.footage import song_frames
from ddrcore.read.engines import make_engine
from ddrcore.read.engines.glyph import AutoEngine
from ddrcore.read.engines.store import TemplateStore
from ddrcore.read.profiles import load_profile
from ddrcore.read.reader import ScoreReader

PROFILE = "stepmania"


def _play_song(seed: int, seconds: float = 30) -> tuple[ScoreReader, int, int]:
    """Read one generated song (10 reads/s) from the start; (reader, exact reads, scored reads)
    over the song's second half."""
    profile = load_profile(PROFILE)
    reader = ScoreReader(profile, make_engine("auto", profile))
    exact = total = 0
    for t, frame, p1, p2 in song_frames(profile, seconds, fps=10, seed=seed):
        read = reader.read(frame)
        if t >= seconds / 2 and p1 is not None:
            total += 1
            exact += (read.p1.score, read.p2.score) == (p1, p2)
    reader.close()
    return reader, exact, total


def test_learning_converges_within_one_song_and_is_kept(tesseract: str, private_template_store: Path) -> None:
    store = TemplateStore(PROFILE)
    assert not store.path.exists()
    reader, exact, total = _play_song(seed=5)
    engine = reader.engine
    assert isinstance(engine, AutoEngine) and engine.glyph.has_templates, "all ten digits learned in one song"
    assert exact / total >= 0.99, f"{exact}/{total} exact in the song's second half"
    samples = store.load()
    assert sorted(samples) == list("0123456789")

    # The next start reads with the learned digits at once, even with no Tesseract at all.
    fresh = make_engine("auto", load_profile(PROFILE))
    assert isinstance(fresh, AutoEngine) and fresh.glyph.has_templates
    glyph = make_engine("glyph", load_profile(PROFILE))
    profile = load_profile(PROFILE)
    glyph_reader = ScoreReader(profile, glyph)
    reads = [glyph_reader.read(frame) for _, frame, _, _ in song_frames(profile, 10, fps=5, seed=6)]
    truths = [(p1, p2) for _, _, p1, p2 in song_frames(profile, 10, fps=5, seed=6)]
    assert sum((r.p1.score, r.p2.score) == t for r, t in zip(reads, truths, strict=True)) >= 0.9 * len(truths)
    wrong = [
        (r.p1.score, r.p2.score, t)
        for r, t in zip(reads, truths, strict=True)
        if None not in (r.p1.score, r.p2.score) and (r.p1.score, r.p2.score) != t
    ]
    assert not wrong


def test_glyph_engine_without_templates_says_how_to_get_them() -> None:
    with pytest.raises(EngineError, match="no digit templates for stepmania yet"):
        make_engine("glyph", load_profile(PROFILE))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("garbage", "is corrupt"),
        ("foreign", "belongs to profile 'ddr-world', not 'stepmania'"),
        ("wrong-size", "another version of the glyph matcher"),
    ],
)
def test_a_bad_store_is_rejected_clearly_and_rebuilt(
    tesseract: str, private_template_store: Path, caplog: pytest.LogCaptureFixture, damage: str, message: str
) -> None:
    store = TemplateStore(PROFILE)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "garbage":
        store.path.write_bytes(b"not a template store")
    elif damage == "foreign":
        other = TemplateStore("ddr-world")
        other.save({d: [np.ones(400, np.float32) / 20] * 4 for d in "0123456789"})
        other.path.replace(store.path)
    else:
        np.savez(
            store.path,
            features=np.zeros((4, 9), np.float32),
            labels=np.array(list("0123")),
            meta=np.array('{"format": 1, "profile": "stepmania", "feature_size": 3}'),
        )
    with pytest.raises(TemplateStoreError, match=message):
        store.load()

    with caplog.at_level(logging.WARNING):
        _play_song(seed=8, seconds=20)
    assert any(message in r.getMessage() and "learning the digits again" in r.getMessage() for r in caplog.records)
    assert sorted(store.load()) == list("0123456789"), "the store was rebuilt from this song"


_WRITER = """
import sys
from pathlib import Path
import numpy as np
from ddrcore.read.engines.base import FEATURE_SIZE
from ddrcore.read.engines.store import TemplateStore

digit, rows = sys.argv[2], int(sys.argv[3])
store = TemplateStore("stepmania", Path(sys.argv[1]))
samples = {digit: [np.full(FEATURE_SIZE * FEATURE_SIZE, 0.5, np.float32)] * rows}
for _ in range(150):
    store.save(samples)
"""


def test_two_writers_of_one_store_always_leave_a_loadable_store(tmp_path: Path) -> None:
    """OBS and the command line saving the same store at once: every load in between, and the
    store they leave, is one writer's whole store, never a mix or half a file."""
    import subprocess
    import sys

    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), digit, str(rows)])
        for digit, rows in (("3", 40), ("7", 400))
    ]
    store = TemplateStore("stepmania", tmp_path)
    seen: set[tuple[str, int]] = set()
    while any(w.poll() is None for w in writers):
        if store.path.exists():
            samples = store.load()  # raises TemplateStoreError on a torn or mixed file
            assert len(samples) == 1
            ((digit, rows),) = samples.items()
            seen.add((digit, len(rows)))
    assert all(w.wait() == 0 for w in writers)
    final = store.load()
    assert {(d, len(r)) for d, r in final.items()} <= {("3", 40), ("7", 400)}
    assert seen <= {("3", 40), ("7", 400)} and seen, seen
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.path.name], "no temporary file is left behind"


def test_the_command_line_keeps_nothing_unless_asked(tesseract: str, private_template_store: Path) -> None:
    """`read`, `analyze` and `demo` learn from nothing and write no store by default (a run
    never depends on the machine's history, nor changes it); --learn keeps what they learn."""
    from ddrcore.cli.assets import DEMO_CLIP

    from ..conftest import run_cli

    store = private_template_store / f"templates-{PROFILE}.npz"
    out = private_template_store.parent / "runs"
    for args in (
        ("analyze", str(DEMO_CLIP), "--csv", str(out / "a.csv")),
        ("demo", "--out", str(out)),
    ):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert not store.exists(), args
    glyph_only = run_cli("analyze", str(DEMO_CLIP), "--engine", "glyph", "--csv", str(out / "b.csv"))
    assert glyph_only.returncode == 2 and "--learn" in glyph_only.stderr, glyph_only.stderr
    learned = run_cli("analyze", str(DEMO_CLIP), "--learn", "--csv", str(out / "c.csv"))
    assert learned.returncode == 0, learned.stderr
    assert store.is_file() and len(TemplateStore(PROFILE, folder=private_template_store).load()) == 10
    glyph_after = run_cli("analyze", str(DEMO_CLIP), "--engine", "glyph", "--learn", "--csv", str(out / "d.csv"))
    assert glyph_after.returncode == 0, glyph_after.stderr


def test_the_validation_record_survives_a_save(tmp_path: Path) -> None:
    from ddrcore.read.engines.base import FEATURE_SIZE

    path = tmp_path / "digits.npz"
    samples = {d: [np.full(FEATURE_SIZE**2, int(d) + 1, np.float32)] * 4 for d in "0123456789"}
    TemplateStore(PROFILE, path=path).save(samples, {"checked": 9, "exact": 9, "wrong": 0, "refused": 0})
    again = TemplateStore(PROFILE, path=path)
    more = again.load()
    more["3"].append(more["3"][0])
    again.save(more)  # what a learning engine does: no validation of its own
    last = TemplateStore(PROFILE, path=path)
    assert len(last.load()["3"]) == 5
    assert last.validation == {"checked": 9, "exact": 9, "wrong": 0, "refused": 0}
