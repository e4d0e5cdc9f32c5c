"""``ddrcore game-module install``: copy obs-ddr's Simply Love module into each game's theme,
so the game writes its exact scores to ``Save/obs-ddr.json``. It adds one file of its own
and never touches another (an earlier copy of ours is replaced)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import DdrError
from ..capture.game.places import FILE_NAME, THEME, install_folders, save_folder, user_folders
from .assets import ASSETS

MODULE = ASSETS / "game-module" / "obs-ddr.lua"
# The first line of every version of our module: a file by that name without it is not ours.
MODULE_MARK = "-- obs-ddr:"


@dataclass(frozen=True, slots=True)
class Installed:
    module: Path
    game_file: Path
    how: str  # "installed", "updated" or "already installed"


def simply_love_themes(game_dirs: list[Path] | None = None, home: Path | None = None) -> list[Path]:
    """Every Simply Love theme folder in ``game_dirs`` (default: the usual install and user
    folders of ITGmania and StepMania)."""
    dirs = game_dirs if game_dirs is not None else install_folders(home) + user_folders(home)
    return [d / "Themes" / THEME for d in dirs if (d / "Themes" / THEME).is_dir()]


def install(theme: Path, home: Path | None = None) -> Installed:
    modules = theme / "Modules"
    if not modules.is_dir():
        raise DdrError(f"{theme} has no Modules folder: Simply Love 5.0 or later loads modules; update the theme")
    target = modules / MODULE.name
    wanted = MODULE.read_bytes()
    how = "installed"
    if target.exists():
        present = target.read_bytes()
        if not present.startswith(MODULE_MARK.encode()):
            raise DdrError(f"{target} exists and is not obs-ddr's module: move it away, then install again")
        how = "already installed" if present == wanted else "updated"
    if how != "already installed":
        shutil.copyfile(MODULE, target)
    game_dir = theme.parent.parent
    return Installed(target, save_folder(game_dir, home) / FILE_NAME, how)


def install_all(game_dir: Path | None, home: Path | None = None) -> list[Installed]:
    if game_dir is not None and not game_dir.is_dir():
        raise DdrError(f"game folder {game_dir} does not exist")
    themes = simply_love_themes([game_dir] if game_dir is not None else None, home)
    if not themes:
        usual = ", ".join(str(d) for d in [*install_folders(home)[:3], user_folders(home)[0]])
        where = str(game_dir) if game_dir is not None else f"the usual places ({usual}, ...)"
        raise DdrError(
            f"no Simply Love theme found in {where}: give --game-dir DIR, the game folder that holds Themes/"
        )
    return [install(theme, home) for theme in themes]
