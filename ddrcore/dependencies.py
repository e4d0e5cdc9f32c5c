"""Which of the packages the OBS script needs are missing, and the fix, in one line.
Imports nothing but the standard library: it runs before the packages can be imported."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

REQUIRED = {"numpy": "numpy", "cv2": "opencv-python-headless", "mss": "mss", "pytesseract": "pytesseract"}


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
    fix = (
        f'powershell -ExecutionPolicy Bypass -File "{project / "install.ps1"}"'
        if os.name == "nt"
        else f'bash "{project / "install.sh"}"'
    )
    return f"Missing Python packages: {', '.join(missing)}. Fix: run {fix}, then restart OBS."
