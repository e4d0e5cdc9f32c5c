"""The layers point down only: each of ddrcore's packages imports only itself and the ones
below it (lazy imports included), there is no import cycle, what OBS loads never reaches the
command line's tools (the footage generator, progress bars) nor matplotlib, and the pure
layers (scores, tracking, momentum, wording, settings) import without NumPy, OpenCV or any
other package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

CORE = ROOT / "ddrcore"
# ddrcore's packages, bottom first: the flow capture -> read -> track -> show, the live
# reader that runs it, the OBS side, and the command line on top.
LAYERS = ("base", "capture", "read", "track", "show", "live", "obs", "cli")
PURE = (
    "ddrcore.base.scores",
    "ddrcore.track.tracker",
    "ddrcore.track.momentum",
    "ddrcore.track.override",
    "ddrcore.show.present",
    "ddrcore.show.presenter",
    "ddrcore.obs.settings",
    "ddrcore.show.songlog",
    "ddrcore.obs.dependencies",
    "ddrcore.obs.logs",
    "ddrcore.show.driver",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class _Imports(ast.NodeVisitor):
    """Every ddrcore module a module imports, at its top or inside a function; not the ones
    only a type checker sees (``if TYPE_CHECKING:``)."""

    def __init__(self, name: str, is_package: bool, known: set[str]) -> None:
        self.package = name if is_package else name.rpartition(".")[0]
        self.known = known
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found |= {a.name for a in node.names if a.name in self.known}

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")[: len(self.package.split(".")) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        if target in self.known:
            self.found.add(target)
        self.found |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in self.known}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in CORE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        visitor = _Imports(name, path.name == "__init__.py", set(files))
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        # A module's own package runs first anyway: importing it is no edge of the graph.
        graph[name] = visitor.found - {name} - {p for p in files if name.startswith(p + ".")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


def test_ddrcore_has_no_import_cycle() -> None:
    graph = _graph()
    assert len(graph) > 30 and graph["ddrcore.live.worker"], "the walk found the modules and their imports"
    assert _cycle(graph) == []


def test_the_walk_finds_a_cycle_when_there_is_one() -> None:
    """The check can fail: a cycle added to the real graph is found."""
    graph = _graph()
    graph["ddrcore.base.scores"] = graph["ddrcore.base.scores"] | {"ddrcore.track.tracker"}
    assert _cycle(graph)[0] in ("ddrcore.base.scores", "ddrcore.track.tracker")


def test_the_pure_layers_import_without_any_package() -> None:
    blocker = (
        "import sys\n"
        "class Blocked:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'numpy', 'cv2', 'PIL', 'mss', 'pytesseract', 'tesserocr', 'obspython'}:\n"
        "            raise ImportError(f'{name} is not installed')\n"
        "sys.meta_path.insert(0, Blocked())\n"
        f"for name in {PURE!r}:\n"
        "    __import__(name)\n"
        "print('imported', len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")


def test_the_engine_names_are_the_registry() -> None:
    """The settings' engine dropdown and the command line's choices are the engines there are."""
    from ddrcore.cli.commands import _parser
    from ddrcore.obs.settings import SETTINGS, fixed_choices
    from ddrcore.read import engines

    setting = next(s for s in SETTINGS if s.key == "engine")
    assert [value for _, value in fixed_choices(setting.choices)] == list(engines._FACTORIES)
    read = _parser()._subparsers._group_actions[0].choices["read"]  # type: ignore[union-attr]
    engine = next(a for a in read._actions if a.dest == "engine")
    assert list(engine.choices) == list(engines._FACTORIES)


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def _upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((m, t) for m, targets in graph.items() for t in targets if _layer(t) > _layer(m) >= 0)


def test_each_layer_imports_only_the_layers_below_it() -> None:
    graph = _graph()
    assert {_module_name(p).split(".")[1] for p in CORE.glob("*/__init__.py")} == set(LAYERS)
    assert _upward(graph) == []


def test_an_import_from_a_layer_above_is_caught() -> None:
    graph = _graph()
    graph["ddrcore.track.tracker"] = graph["ddrcore.track.tracker"] | {"ddrcore.show.present"}
    assert _upward(graph) == [("ddrcore.track.tracker", "ddrcore.show.present")]


def _reached(graph: dict[str, set[str]], start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return seen


def _loaded_by_obs(graph: dict[str, set[str]]) -> set[str]:
    """Every ddrcore module obs_ddr.py can import, through every import on the way."""
    glue = _Imports("obs_ddr", False, set(graph))
    glue.visit(ast.parse((ROOT / "obs_ddr.py").read_text(encoding="utf-8")))
    return _reached(graph, glue.found)


def test_what_obs_loads_never_reaches_the_command_lines_tools() -> None:
    graph = _graph()
    loaded = _loaded_by_obs(graph)
    assert "ddrcore.obs.script" in loaded and "ddrcore.live.worker" in loaded
    assert sorted(m for m in loaded if m.startswith("ddrcore.cli")) == []
    third_party = set()
    for module in loaded:
        path = CORE.joinpath(*module.split(".")[1:])
        source = (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                third_party |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                third_party.add(node.module.split(".")[0])
    assert third_party.isdisjoint({"matplotlib", "tqdm", "obsws_python"}), third_party
    # The check can fail: the footage generator imported by the worker is found.
    graph["ddrcore.live.worker"] = graph["ddrcore.live.worker"] | {"ddrcore.cli.footage"}
    assert "ddrcore.cli.footage" in _loaded_by_obs(graph)
