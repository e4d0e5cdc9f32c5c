"""The setups: install.ps1 is valid PowerShell and installs exactly the declared dependencies;
install.sh makes the .venv that obs_ddr.py finds (the real-OBS test runs on it)."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import tomllib

from .conftest import ROOT, require


def _declared() -> list[str]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


def _parser() -> Any:
    try:
        import tree_sitter
        import tree_sitter_powershell
    except ImportError:
        require(False, "tree-sitter-powershell (pip install -e '.[test]')")
        raise
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _powershell_tree() -> Any:
    return _parser().parse((ROOT / "install.ps1").read_bytes())


def _problems(node: Any) -> list[str]:
    found = []
    if node.is_error or node.is_missing:
        found.append(f"line {node.start_point[0] + 1}: {node.text[:60]!r}")
    for child in node.children:
        found.extend(_problems(child))
    return found


def test_install_ps1_parses_as_powershell() -> None:
    tree = _powershell_tree()
    assert tree.root_node.type == "program"
    assert not tree.root_node.has_error, _problems(tree.root_node)


def test_the_powershell_grammar_catches_a_broken_script() -> None:
    parser = _parser()
    broken = (ROOT / "install.ps1").read_text().replace("function Find-Obs {", "function Find-Obs {{ (", 1)
    assert parser.parse(broken.encode()).root_node.has_error


def test_install_ps1_installs_exactly_the_declared_dependencies() -> None:
    text = (ROOT / "install.ps1").read_text()
    block = re.search(r"\$Requirements = @\((.*?)\)", text, re.S)
    assert block is not None
    listed = re.findall(r"'([^']+)'", block.group(1))
    assert sorted(listed) == sorted(_declared())
    # ...and pip is only ever given that list.
    pip_lines = [line for line in text.splitlines() if "-m pip install" in line and not line.lstrip().startswith("#")]
    assert pip_lines and all("@Requirements" in line or "$($Requirements" in line for line in pip_lines), pip_lines


def test_install_sh_is_valid_bash_and_installs_the_project() -> None:
    subprocess.run(["bash", "-n", str(ROOT / "install.sh")], check=True)
    text = (ROOT / "install.sh").read_text()
    assert 'pip install --quiet -e ".[test]"' in text  # the project's own declared dependencies
    assert (ROOT / ".venv").is_dir(), "install.sh makes the .venv that obs_ddr.py puts on sys.path"
