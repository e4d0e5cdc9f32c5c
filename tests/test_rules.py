"""Each reading rule lives once, with its reason: a stage's thresholds are named together at
the top of its module, each under a short comment that says why (the measurements behind
them belong to the tests and the bench, not to lab notes in the code), no name is defined
by two stages, and no bare threshold hides in the code below."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

STAGES = (
    "ddrcore/read/preprocess.py",
    "ddrcore/read/engines/glyph.py",
    "ddrcore/read/engines/tesseract.py",
    "ddrcore/read/locate.py",
    "ddrcore/read/reader.py",
    "ddrcore/track/tracker.py",
)
# A rule's comment says the rule and its reason; more lines than this are lab notes.
MAX_REASON_LINES = 3
# Numbers the code may write out: halves and wholes of geometry, and a division guard.
PLAIN_FLOATS = {0.0, 0.5, 1.0, 2.0}
TINY = 1e-6


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_is_number(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand)
    if isinstance(node, ast.BinOp):
        sides = (node.left, node.right)
        return all(_is_number(s) or isinstance(s, ast.Name) for s in sides) and any(_is_number(s) for s in sides)
    return False


def _rules(tree: ast.Module) -> list[tuple[int, int, list[str]]]:
    """(first line, last line, names) of each module-level assignment of a number."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_number(node.value):
            names = [n.id for t in node.targets for n in (t.elts if isinstance(t, ast.Tuple) else [t])]  # type: ignore[attr-defined]
            out.append((node.lineno, node.end_lineno or node.lineno, names))
        elif isinstance(node, ast.AnnAssign) and node.value is not None and _is_number(node.value):
            out.append((node.lineno, node.end_lineno or node.lineno, [node.target.id]))  # type: ignore[union-attr]
    return out


def _reason_lines(lines: list[str], first: int, rule_ends: dict[int, int]) -> int:
    """How many comment lines stand right above the rule starting at line ``first``, passing
    over the rules grouped under one comment."""
    at = first - 1
    while at in rule_ends:  # the rule above shares this rule's comment
        at = rule_ends[at] - 1
    count = 0
    while at >= 1 and lines[at - 1].lstrip().startswith("#") and lines[at - 1].strip() != "#":
        count, at = count + 1, at - 1
    return count


def _problems(path: Path, seen: dict[str, str]) -> list[str]:
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    source = path.read_text()
    tree, lines = ast.parse(source), source.splitlines()
    code_starts = min(n.lineno for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef))
    rules = _rules(tree)
    ends = {end: first for first, end, _ in rules}
    problems = []
    for first, _, names in rules:
        label = f"{where}:{first} {', '.join(names)}"
        if first > code_starts:
            problems.append(f"{label}: below the code; put it with the stage's rules at the top")
        reason = _reason_lines(lines, first, ends)
        if not 1 <= reason <= MAX_REASON_LINES:
            problems.append(f"{label}: needs a reason of 1-{MAX_REASON_LINES} comment lines (has {reason})")
        for name in names:
            if name in seen:
                problems.append(f"{label}: also named in {seen[name]}")
            seen[name] = where
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Constant)
                    and type(inner.value) is float
                    and inner.value not in PLAIN_FLOATS
                    and abs(inner.value) > TINY
                ):
                    problems.append(f"{where}:{inner.lineno}: bare threshold {inner.value} in code")
    return problems


def test_each_reading_rule_is_named_once_at_the_top_of_its_stage_with_a_reason() -> None:
    seen: dict[str, str] = {}
    problems = [p for stage in STAGES for p in _problems(ROOT / stage, seen)]
    assert problems == []


def test_the_check_finds_a_rule_without_a_reason_and_a_bare_threshold(tmp_path: Path) -> None:
    stage = tmp_path / "stage.py"
    stage.write_text("# Why this one.\nGOOD = 0.3\n\nLAB = 0.4\n\n\ndef f(x):\n    return x > 0.7\n\n\nLATE = 3\n")
    problems = _problems(stage, {"GOOD": "elsewhere"})
    assert len(problems) == 5, problems
    assert any("GOOD: also named in elsewhere" in p for p in problems)
    assert any("LAB: needs a reason" in p for p in problems)
    assert any("LATE: below the code" in p for p in problems) and any("LATE: needs a reason" in p for p in problems)
    assert any("bare threshold 0.7" in p for p in problems)
