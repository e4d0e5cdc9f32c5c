"""A venv OBS's Python cannot load (another minor version, another machine) is said in one
line before anything is imported from it, and its packages stay off sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ddrcore.obs.dependencies import VENV_VARIABLE, running_machine, venv_problem


def _venv(folder: Path, version: tuple[int, int], wheel_platform: str = "") -> Path:
    """A venv's marks as pip and venv leave them: pyvenv.cfg, and numpy's WHEEL file."""
    venv = folder / "venv"
    site = venv / "lib" / f"python{version[0]}.{version[1]}" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version[0]}.{version[1]}.3\n")
    if wheel_platform:
        info = site / "numpy-2.4.0.dist-info"
        info.mkdir()
        tag = f"cp{version[0]}{version[1]}-cp{version[0]}{version[1]}"
        (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}-{wheel_platform}\n")
    return venv


HERE = sys.version_info[:2]
OTHER_MINOR = (HERE[0], HERE[1] + 1)
OTHER_MACHINE = "macosx_11_0_arm64" if running_machine() != "arm64" else "manylinux_2_28_x86_64"
SAME_MACHINE = {"x86_64": "manylinux_2_28_x86_64", "arm64": "macosx_11_0_arm64"}.get(running_machine(), "any")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(VENV_VARIABLE, raising=False)
    return tmp_path


def test_a_venv_of_this_python_and_machine_loads(project: Path) -> None:
    _venv(project, HERE, SAME_MACHINE).rename(project / ".venv")
    assert venv_problem(project) == ""


def test_a_venv_of_another_minor_version_is_said(project: Path) -> None:
    _venv(project, OTHER_MINOR, SAME_MACHINE).rename(project / ".venv")
    problem = venv_problem(project)
    assert f"are for Python {OTHER_MINOR[0]}.{OTHER_MINOR[1]}" in problem
    assert f"this OBS runs Python {HERE[0]}.{HERE[1]}" in problem
    assert "install" in problem and "\n" not in problem


def test_a_venv_of_another_machine_is_said(project: Path) -> None:
    _venv(project, HERE, OTHER_MACHINE).rename(project / ".venv")
    problem = venv_problem(project)
    assert f"runs a {running_machine()} Python" in problem, problem
    assert "built for" in problem and "\n" not in problem


def test_a_universal_wheel_suits_either_mac(project: Path) -> None:
    _venv(project, HERE, "macosx_10_9_universal2").rename(project / ".venv")
    assert running_machine() not in ("x86_64", "arm64") or venv_problem(project) == ""


def test_the_venv_variable_names_the_venv(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = _venv(project / "elsewhere", OTHER_MINOR)
    monkeypatch.setenv(VENV_VARIABLE, str(elsewhere))
    assert str(elsewhere) in venv_problem(project)
    monkeypatch.setenv(VENV_VARIABLE, str(project / "nowhere"))
    assert "does not exist" in venv_problem(project)


def test_no_venv_leaves_it_to_the_package_check(project: Path) -> None:
    assert venv_problem(project) == ""
