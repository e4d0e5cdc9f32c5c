#!/usr/bin/env bash
# Linux/macOS setup: Tesseract, and a .venv beside obs_ddr.py holding the project's packages,
# made with the Python version OBS embeds, so the script finds them inside OBS.
# Usage: bash install.sh        (then: .venv/bin/python -m ddrcore demo)
#        PYTHON=/path/to/python3.x bash install.sh   to choose the Python yourself
#        OBS_DDR_VENV=DIR bash install.sh             to put the venv elsewhere (OBS must then be
#                                                      started with the same OBS_DDR_VENV)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

# 1. Tesseract.
if ! command -v tesseract >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Tesseract (apt-get)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    echo "Installing Tesseract (brew)…"
    brew install tesseract
  else
    echo "Tesseract is missing. Install it, then run this again:" >&2
    echo "  Debian/Ubuntu: sudo apt-get install tesseract-ocr" >&2
    echo "  Fedora:        sudo dnf install tesseract" >&2
    echo "  macOS:         brew install tesseract" >&2
    exit 1
  fi
fi

# 2. The Python version OBS embeds: the libpython its scripting library links (Linux).
obs_python_version() {
  local lib
  lib="$(ldconfig -p 2>/dev/null | awk '/libobs-scripting\.so/ {print $NF; exit}')"
  [ -n "$lib" ] || return 0
  ldd "$lib" 2>/dev/null | sed -n 's/.*libpython\([0-9]*\.[0-9]*\)\.so.*/\1/p' | head -n 1
}

python="${PYTHON:-}"
if [ -z "$python" ]; then
  version="$(obs_python_version || true)"
  if [ -n "$version" ]; then
    if command -v "python$version" >/dev/null 2>&1; then
      python="python$version"
    else
      echo "OBS embeds Python $version, but python$version is not on PATH." >&2
      echo "  Debian/Ubuntu: sudo apt-get install python$version-venv   (or set PYTHON=/path/to/python$version)" >&2
      exit 1
    fi
    echo "OBS embeds Python $version: using $(command -v "$python")."
  else
    python=python3  # OBS not found (or macOS, where Tools -> Scripts -> Python Settings picks it)
  fi
fi

# 3. The .venv beside obs_ddr.py (or OBS_DDR_VENV), which the script puts on sys.path inside OBS.
venv="${OBS_DDR_VENV:-.venv}"
wanted="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$wanted" ]; then
  echo "The existing $venv has another Python than $wanted: making it again."
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv with $("$python" --version)…"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[test]"
echo "Ready. Try: $venv/bin/python -m ddrcore demo"
echo "In OBS: Tools -> Scripts -> + -> $here/obs_ddr.py"

# 4. StepMania / ITGmania with Simply Love here: offer the module that writes its exact scores.
if themes="$("$venv/bin/python" -m ddrcore game-module find 2>/dev/null)"; then
  echo "Simply Love found: $themes"
  if [ -t 0 ] && [ "${CI:-}" != true ]; then
    read -r -p "Install obs-ddr's module there, for exact scores from the game? [y/N] " answer
    case "$answer" in y|Y|yes) "$venv/bin/python" -m ddrcore game-module install ;; esac
  else
    echo "For exact scores from the game: $venv/bin/python -m ddrcore game-module install"
  fi
fi
