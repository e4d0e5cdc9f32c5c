#!/usr/bin/env bash
# Linux/macOS setup: a .venv beside obs_ddr.py with the project's packages, and Tesseract.
# Usage: bash install.sh        (then: .venv/bin/python -m ddrcore demo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

python="${PYTHON:-python3}"
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

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$python" --version)…"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
echo "Ready. Try: .venv/bin/python -m ddrcore demo"
