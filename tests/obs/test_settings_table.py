"""The README documents exactly the settings, hotkeys and placeholders the code has, with the
code's defaults: ddrcore.obs.settings is the one table, the README is checked against it."""

from __future__ import annotations

import re

from ddrcore.obs.settings import HOTKEYS, SETTINGS, Setting
from ddrcore.show.present import PLACEHOLDERS

from ..conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _settings_rows() -> dict[str, str]:
    """README settings table: key -> its default cell's item for that key."""
    start = README.index("| setting | key | default | what it does |")
    rows = {}
    for line in README[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        keys = re.findall(r"`([a-z0-9_]+)`", cells[1])
        defaults = [d.strip() for d in cells[2].split(", ")]
        for i, key in enumerate(keys):
            rows[key] = defaults[i] if len(defaults) == len(keys) else cells[2]
    return rows


def _written(setting: Setting) -> str:
    value = setting.default
    if isinstance(value, bool):
        return "on" if value else "off"
    if setting.kind == "colour":
        return f"`0x{value:08X}`"
    if isinstance(value, int):
        return str(value)
    if not value:
        return "none" if setting.kind == "list" else "empty"
    return f"`{value}`"


def test_the_readme_settings_table_is_the_code_table() -> None:
    documented = _settings_rows()
    assert set(documented) == {s.key for s in SETTINGS}
    for setting in SETTINGS:
        assert documented[setting.key] == _written(setting), setting.key


def test_every_hotkey_and_placeholder_is_documented() -> None:
    for name, description in HOTKEYS.items():
        assert f"| {description} | `{name}` |" in README, name
    for placeholder in PLACEHOLDERS:
        assert f"`{{{placeholder}}}`" in README, placeholder


def test_the_script_reads_no_setting_by_a_key_of_its_own() -> None:
    """obs_ddr.py reads and defines its settings only through the table (its one literal key
    is the status line's, which is no setting)."""
    script = (ROOT / "obs_ddr.py").read_text(encoding="utf-8")
    literal = set(re.findall(r'obs_(?:data_(?:get|set|set_default)_\w+|properties_add_\w+)\([^,()]+, "(\w+)"', script))
    assert literal == {"status"}, literal
    assert not literal & {s.key for s in SETTINGS}
