"""Bad input: one clear error line, a non-zero exit, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..conftest import run_cli


def _assert_clean_error(result: object, words: str) -> None:
    assert result.returncode != 0  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err
    assert words in err
    assert len(err.strip().splitlines()) <= 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--p1", "1200,600,200,50", "--p2", "10,10,100,40"], "outside the 1280x720 frame"),
        (["--p1", "10,10,0,40", "--p2", "10,10,100,40"], "zero size"),
        (["--p1", "10,10,40", "--p2", "10,10,100,40"], "X,Y,W,H"),
        (["--profile", "pump-it-up"], "unknown profile"),
        (["--p1", "10,10,100,40"], "give both --p1 and --p2"),
    ],
)
def test_read_bad_arguments(frames_dir: Path, args: list[str], words: str) -> None:
    frame = str(frames_dir / "stepmania" / "gameplay_g03.png")
    _assert_clean_error(run_cli("read", frame, *args), words)


def test_missing_and_corrupt_images(tmp_path: Path) -> None:
    _assert_clean_error(run_cli("read", str(tmp_path / "nope.png")), "does not exist")
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG not really")
    _assert_clean_error(run_cli("read", str(corrupt)), "could not be decoded")


def test_missing_video(tmp_path: Path) -> None:
    _assert_clean_error(
        run_cli("analyze", str(tmp_path / "nope.mp4"), "--csv", str(tmp_path / "o.csv")), "does not exist"
    )


def test_tesseract_not_installed(frames_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TESSERACT_CMD"}
    env["PATH"] = str(tmp_path)  # no tesseract on this PATH
    frame = str(frames_dir / "stepmania" / "gameplay_g03.png")
    import sys

    result = run_cli(
        "read", frame, "--engine", "pytesseract", env={**env, "PYTHONPATH": str(Path(sys.executable).parent)}
    )
    _assert_clean_error(result, "Tesseract is not installed")


def test_the_websocket_password_need_not_be_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from ddrcore.cli.commands import PASSWORD_VARIABLE, _websocket_password

    from ..conftest import ROOT

    monkeypatch.setenv(PASSWORD_VARIABLE, "from the environment")
    assert _websocket_password(None) == "from the environment"
    # '-' asks; with no terminal (a new session has none) it reads one line of standard input.
    asked = subprocess.run(
        [sys.executable, "-c", "from ddrcore.cli.commands import _websocket_password as p; print(repr(p('-')))"],
        input="typed secret\n", capture_output=True, text=True, cwd=ROOT, start_new_session=True, timeout=30,
        check=False,
    )  # fmt: skip
    assert asked.stdout.strip().splitlines()[-1] == "'typed secret'", asked.stderr
    assert "typed secret" not in asked.stderr
