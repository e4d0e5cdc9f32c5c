"""Every C function ddrcore.capture.libobs binds, against the real libraries of OBS 29 and OBS 32: each
resolves, and one that a build lacks is named at load time (OBS 32 removed exports such as
obs_sceneitem_get_info)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from ..conftest import ROOT
from ..obs_headless import ObsBuild

# Binds the tables in the OBS that ``obs`` names, with any extra libobs names given as
# arguments; prints each library's problem ("" when every function bound).
BIND = """
import json, sys
from ddrcore.capture.libobs import FRONTEND_SYMBOLS, LIBOBS_SYMBOLS, NativeObsError, bind, open_libraries
libraries = open_libraries()
extra = {name: (None, []) for name in sys.argv[1:]}
problems = {}
for library, table in (("libobs", {**LIBOBS_SYMBOLS, **extra}), ("frontend", FRONTEND_SYMBOLS)):
    try:
        bind(libraries[library], table, library)
        problems[library] = ""
    except NativeObsError as exc:
        problems[library] = str(exc)
print(json.dumps(problems))
"""


def _bind(obs: ObsBuild, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        obs.command(obs.python(), "-c", BIND, *extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    problems: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return problems


def test_every_native_function_resolves_in_this_obs(obs_build: ObsBuild) -> None:
    assert _bind(obs_build) == {"libobs": "", "frontend": ""}


@pytest.mark.parametrize("missing", ["obs_no_such_function"])
def test_a_missing_function_is_named_at_load(obs_build: ObsBuild, missing: str) -> None:
    problems = _bind(obs_build, missing)
    assert missing in problems["libobs"], problems
    # Only the missing one is named: the message points at what to fix.
    assert "obs_source_release" not in problems["libobs"]
    assert problems["frontend"] == ""


def test_obs_32_lacks_an_export_obs_29_has(obs_build: ObsBuild) -> None:
    """The check sees a real difference between the versions, the one that motivated it."""
    problems = _bind(obs_build, "obs_sceneitem_get_info")
    assert ("obs_sceneitem_get_info" in problems["libobs"]) == (obs_build.name == "obs32"), problems
