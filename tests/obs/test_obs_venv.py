"""The script in a real OBS whose Python cannot load the venv's packages (a venv made with
another Python minor version): one clear status line, nothing raised, nothing imported."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ..conftest import ROOT
from ..display import virtual_display
from ..obs_headless import OBS_CURRENT_VENV, ObsBuild, current_obs
from .test_obs_e2e import SCREEN, obs_with_scenes, script_settings


def test_a_venv_of_another_python_is_one_status_line(obs_build: ObsBuild, tmp_path: Path) -> None:
    other = ROOT / ".venv" if obs_build.name == "obs32" else current_obs().venv
    assert other.is_dir() and other in (ROOT / ".venv", OBS_CURRENT_VENV)
    wrong = replace(obs_build, venv=other)
    settings = script_settings("stepmania", 100, enabled=True, monitor=1)
    with (
        virtual_display(*SCREEN) as display,
        obs_with_scenes(wrong, display, tmp_path, settings) as (client, log_path, _),
    ):
        deadline = time.monotonic() + 20
        while "are for Python" not in log_path.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.25)
        time.sleep(2)  # anything more the script would say
        text = client.get_input_settings("Leader").input_settings.get("text", "")
        log = log_path.read_text(errors="replace")
    ours = [line for line in log.splitlines() if "obs-ddr:" in line]
    print(*ours, sep="\n")
    assert len(ours) == 1, log[-3000:]
    assert f"The packages in {other} are for Python 3." in ours[0]
    assert "but this OBS runs Python 3." in ours[0] and "install.sh" in ours[0]
    assert "Traceback" not in log and text == ""
