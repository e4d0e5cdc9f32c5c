"""Where the games keep their files: each install's themes (for the module) and each user
folder's ``Save/`` (for the file it writes), on Windows, Linux and macOS."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ...base.errors import GameFileError
from .upload import PROFILE_SCORES

FILE_NAME = "obs-ddr.json"
THEME = "Simply Love"
# The games' own names for their folders: ITGmania, then StepMania 5.1 and 5.0.
GAMES = ("ITGmania", "StepMania 5.1", "StepMania 5")
# Linux keeps the user folder in a dot folder named after the game.
_LINUX_USER = {"ITGmania": ".itgmania", "StepMania 5.1": ".stepmania-5.1", "StepMania 5": ".stepmania-5.0"}


def user_folders(home: Path | None = None) -> list[Path]:
    """Each game's user folder (it holds Save/, and may hold Themes/), on this system."""
    home = home or Path.home()
    if sys.platform == "win32":
        appdata = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
        return [appdata / game for game in GAMES]
    if sys.platform == "darwin":
        return [home / "Library" / "Preferences" / game for game in GAMES]
    return [home / _LINUX_USER[game] for game in GAMES]


def install_folders(home: Path | None = None) -> list[Path]:
    """Where the games are usually installed (they hold Themes/, and Save/ when portable)."""
    home = home or Path.home()
    if sys.platform == "win32":
        roots = [Path("C:/Games"), Path(os.environ.get("PROGRAMFILES") or "C:/Program Files")]
        roots.append(Path(os.environ.get("PROGRAMFILES(X86)") or "C:/Program Files (x86)"))
        return [root / game for root in roots for game in GAMES]
    if sys.platform == "darwin":
        return [Path("/Applications") / game for game in GAMES] + [home / "Applications" / g for g in GAMES]
    names = ("itgmania", "stepmania-5.1", "stepmania-5.0", "ITGmania", "StepMania")
    return [root / name for root in (Path("/opt"), Path("/usr/local"), Path("/usr/share"), home) for name in names]


def save_folder(game_dir: Path, home: Path | None = None) -> Path:
    """Where the game in ``game_dir`` writes Save/: beside it when it runs portable, else
    in the user folder of the game it is (found by its name, or the first with a Save/)."""
    if (game_dir / "Portable.ini").exists() or (game_dir / "portable.ini").exists():
        return game_dir / "Save"
    folders = dict(zip(GAMES, user_folders(home), strict=True))
    if game_dir in folders.values():
        return game_dir / "Save"
    if "itg" in game_dir.name.lower():
        return folders["ITGmania"] / "Save"
    existing = [f for f in folders.values() if (f / "Save").is_dir()]
    return (existing or list(folders.values()))[0] / "Save"


def local_saves(profile: str, home: Path | None = None) -> tuple[Path, ...]:
    """The Save folders on this machine whose Upload XML can give a finished song's exact
    scores, for the games that write one (StepMania's and ITG's profiles)."""
    if profile not in PROFILE_SCORES:
        return ()
    return tuple(folder / "Save" for folder in user_folders(home) if (folder / "Save" / "Upload").is_dir())


def game_file_candidates(home: Path | None = None) -> list[Path]:
    return [folder / "Save" / FILE_NAME for folder in user_folders(home)] + [
        folder / "Save" / FILE_NAME for folder in install_folders(home)
    ]


def find_game_file(home: Path | None = None) -> Path:
    """The newest game file in the usual places (``--game-file auto``)."""
    found = [p for p in game_file_candidates(home) if p.is_file()]
    if not found:
        looked = ", ".join(str(folder / "Save") for folder in user_folders(home))
        raise GameFileError(
            f"no {FILE_NAME} found (looked in {looked}): install the game module "
            "(python -m ddrcore game-module install) and play a song, or give the file's path"
        )
    return max(found, key=lambda p: p.stat().st_mtime)
