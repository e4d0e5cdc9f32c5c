"""Whether the OBS script can load its packages, and the fix, in one line: the venv's Python
and architecture against OBS's own, then which packages are missing. Imports nothing but the
standard library: it runs before the packages can be imported."""

from __future__ import annotations

import importlib
import os
import platform
import re
import struct
import sys
from pathlib import Path

REQUIRED = {"numpy": "numpy", "cv2": "opencv-python-headless", "mss": "mss", "pytesseract": "pytesseract"}
# Where the packages live: a venv beside the script, or this variable's folder (install.sh
# reads it too). One checkout can then serve two OBS builds whose Pythons differ.
VENV_VARIABLE = "OBS_DDR_VENV"
# The compiled package whose wheel says which Python and machine the venv was built for.
COMPILED_PACKAGE = "numpy"


def venv_dir(project: Path) -> Path:
    chosen = os.environ.get(VENV_VARIABLE, "")
    return Path(chosen) if chosen else project / ".venv"


def venv_site_packages(venv: Path) -> list[Path]:
    """The venv's site-packages folders (Linux and macOS, then Windows) that exist."""
    candidates = [*sorted((venv / "lib").glob("python3*/site-packages")), venv / "Lib" / "site-packages"]
    return [site for site in candidates if site.is_dir()]


def _fix(project: Path) -> str:
    if os.name == "nt":
        return f'powershell -ExecutionPolicy Bypass -File "{project / "install.ps1"}"'
    return f'bash "{project / "install.sh"}"'


def _venv_python(venv: Path) -> tuple[int, int] | None:
    """The venv's Python (major, minor), from its pyvenv.cfg; None when it does not say."""
    try:
        config = (venv / "pyvenv.cfg").read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r"^\s*version(?:_info)?\s*=\s*(\d+)\.(\d+)", config, re.MULTILINE)
    return (int(found.group(1)), int(found.group(2))) if found else None


# A wheel platform tag's ending, and the machine it names (as running_machine names it).
WHEEL_MACHINES = {
    "amd64": "x86_64",
    "x86_64": "x86_64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i686": "x86",
    "armv7l": "armv7l",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}


def _machine_of(wheel_platform: str) -> set[str]:
    """The machines a wheel's platform tag runs on (empty: any, or unknown)."""
    tag = wheel_platform.lower()
    if tag == "win32":
        return {"x86"}
    if tag.endswith("universal2"):
        return {"x86_64", "arm64"}
    for suffix, machine in WHEEL_MACHINES.items():
        if tag.endswith(suffix):
            return {machine}
    return set()


def running_machine() -> str:
    """This Python's machine, named as wheel tags name it (a 32-bit Python on a 64-bit
    Windows is x86, whatever the OS says)."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "aarch64": "arm64", "i386": "x86", "i686": "x86"}.get(machine, machine)
    return "x86" if machine == "x86_64" and struct.calcsize("P") == 4 else machine


def _venv_machines(sites: list[Path]) -> set[str]:
    """The machines the venv's compiled package was built for (empty when it cannot tell)."""
    for site in sites:
        for wheel in site.glob(f"{COMPILED_PACKAGE}-*.dist-info/WHEEL"):
            tags = re.findall(r"^Tag:\s*\S+-\S+-(\S+)\s*$", wheel.read_text(errors="replace"), re.MULTILINE)
            machines = set().union(*(_machine_of(platform_tag) for tag in tags for platform_tag in tag.split(".")))
            if machines:
                return machines
    return set()


def venv_problem(project: Path) -> str:
    """'' when the venv (if any) suits this Python, else why OBS cannot load its packages and
    the fix. Its packages must then stay off sys.path: a compiled module built for another
    Python or machine fails to import at best."""
    venv = venv_dir(project)
    if not venv.is_dir():
        if os.environ.get(VENV_VARIABLE):
            return f"{VENV_VARIABLE} names {venv}, which does not exist. Fix: run {_fix(project)}, then restart OBS."
        return ""  # the packages may be installed another way: missing_packages says
    here = sys.version_info[:2]
    built_for = _venv_python(venv)
    if built_for is not None and built_for != here:
        return (
            f"The packages in {venv} are for Python {built_for[0]}.{built_for[1]}, but this OBS runs Python "
            f"{here[0]}.{here[1]}: they cannot load. Fix: run {_fix(project)} (it makes the venv with OBS's "
            "Python), then restart OBS."
        )
    machines, machine = _venv_machines(venv_site_packages(venv)), running_machine()
    if machines and machine not in machines:
        return (
            f"The packages in {venv} were built for {'/'.join(sorted(machines))}, but this OBS runs a {machine} "
            f"Python: they cannot load. Fix: delete {venv}, run {_fix(project)} with a {machine} Python, "
            "then restart OBS."
        )
    return ""


def missing_packages(project: Path) -> str:
    """'' when everything imports, else which packages are missing and how to install them."""
    missing = []
    for module, package in REQUIRED.items():
        try:
            imported = importlib.import_module(module)
        except ImportError:
            missing.append(package)
            continue
        if module == "mss" and not hasattr(imported, "MSS"):
            missing.append(f"mss>=10.2 (found {getattr(imported, '__version__', 'an older one')})")
    if not missing:
        return ""
    return f"Missing Python packages: {', '.join(missing)}. Fix: run {_fix(project)}, then restart OBS."
