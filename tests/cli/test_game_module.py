"""``ddrcore game-module install``: the module lands in Simply Love's Modules folder, a second
run changes nothing and says so, and a file of someone else's is never touched."""

from __future__ import annotations

from pathlib import Path

from ddrcore.cli.game_module import MODULE

from ..conftest import run_cli


def _game(tmp_path: Path, modules: bool = True) -> Path:
    theme = tmp_path / "game" / "Themes" / "Simply Love"
    (theme / "Modules" if modules else theme).mkdir(parents=True)
    return tmp_path / "game"


def test_install_then_again(tmp_path: Path) -> None:
    game = _game(tmp_path)
    first = run_cli("game-module", "install", "--game-dir", str(game))
    assert first.returncode == 0, first.stderr
    installed = game / "Themes" / "Simply Love" / "Modules" / MODULE.name
    assert installed.read_bytes() == MODULE.read_bytes()
    assert "installed:" in first.stdout and "obs-ddr.json" in first.stdout
    again = run_cli("game-module", "install", "--game-dir", str(game))
    assert again.returncode == 0 and "already installed" in again.stdout


def test_someone_elses_file_and_an_old_theme_are_refused_untouched(tmp_path: Path) -> None:
    game = _game(tmp_path)
    theirs = game / "Themes" / "Simply Love" / "Modules" / MODULE.name
    theirs.write_text("-- a module of someone else's\n", encoding="utf-8")
    refused = run_cli("game-module", "install", "--game-dir", str(game))
    assert refused.returncode == 2 and "is not obs-ddr's module" in refused.stderr
    assert theirs.read_text(encoding="utf-8") == "-- a module of someone else's\n"
    old = run_cli("game-module", "install", "--game-dir", str(_game(tmp_path / "old", modules=False)))
    assert old.returncode == 2 and "no Modules folder" in old.stderr
    nothing = run_cli("game-module", "install", "--game-dir", str(tmp_path / "nowhere"))
    assert nothing.returncode == 2 and "does not exist" in nothing.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_find_lists_the_themes_the_installers_offer_it_for(tmp_path: Path) -> None:
    game = _game(tmp_path)
    found = run_cli("game-module", "find", "--game-dir", str(game))
    assert found.returncode == 0 and found.stdout.strip() == str(game / "Themes" / "Simply Love")
    assert not (game / "Themes" / "Simply Love" / "Modules" / MODULE.name).exists()  # finding installs nothing
    none = run_cli("game-module", "find", "--game-dir", str(tmp_path))
    assert none.returncode == 1 and not none.stdout
