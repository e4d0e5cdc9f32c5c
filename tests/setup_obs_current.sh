#!/usr/bin/env bash
# Makes what the real-OBS tests need to run on OBS 32 as well as the system OBS 29: the Debian
# sid root with OBS 32.2 and Python 3.14 (../shared/obs-current/setup.sh, ~1-5 minutes once),
# and inside it a venv made with OBS 32's Python (.venv-obs32: its Python differs from the
# host's, so it is kept apart from .venv). Needs root.
# Usage: bash tests/setup_obs_current.sh [ROOT]     (ROOT defaults to /opt/obs-current)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-${OBS_CURRENT_ROOT:-/opt/obs-current}}"
shared="$here/../shared/obs-current"
bash "$shared/setup.sh" "$root"
bash "$shared/run.sh" "$root" "$here" env OBS_DDR_VENV=.venv-obs32 bash install.sh
# gdb inside the root: a hung OBS 32's threads are dumped with its own libraries' symbols.
bash "$shared/run.sh" "$root" "$here" bash -c \
  'command -v gdb >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdb >/dev/null'
