"""Architecture rules: core never branches on a region name and never calls hooks directly."""
from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).parents[2] / "core"
REGIONS = ("hunan", "hubei", "jiangxi", "shanxi", "guangdong")


def _code_strings(path: Path):
    """String constants in code, leaving out docstrings and comments (which may give examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def _core_modules():
    for path in CORE.rglob("*.py"):
        if "migrations" in path.parts or "scaffold" in path.parts or "testing" in path.parts:
            continue
        yield path


def test_core_never_names_a_region():
    found = [f"{p.relative_to(CORE)}:{line} {value!r}" for p in _core_modules()
             for line, value in _code_strings(p) if any(r in value.lower() for r in REGIONS)]
    assert found == []


def test_only_the_plugin_host_touches_hooks():
    offenders = []
    for path in _core_modules():
        if path.parent.name == "plugins" or path.name == "app.py":
            continue  # the host itself, and app.py applying gm_setup_* once at start-up
        if ".hook." in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(CORE)))
    assert offenders == []
