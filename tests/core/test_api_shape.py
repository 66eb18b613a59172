"""The JSON API's resources are declared once, at import (issue 45).

Every app used to re-create the API's resource classes (one ``make_blueprint`` closure per feature, 96 classes
per app, the longest 450 lines); now the blueprints and their ``MethodView`` classes are module-level and only the
region's schemas are made per app (:mod:`core.api.regional`). These tests keep it so: no function of an API module
longer than 120 lines, no class declared inside a function, and a second app builds no class in them.
"""
from __future__ import annotations

import ast
import builtins
from pathlib import Path

from core.app import create_app
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 120


def api_modules() -> list[Path]:
    return sorted([*ROOT.glob("core/*/api.py"), *(ROOT / "core" / "api").glob("*.py")])


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def long_functions(source: str, longest: int = LONGEST) -> list[tuple[str, int, int]]:
    """(name, line, length) of each function longer than ``longest`` lines, its decorators included."""
    found = []
    for node in _functions(ast.parse(source)):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = node.end_lineno - first + 1
        if length > longest:
            found.append((node.name, first, length))
    return found


def classes_in_functions(source: str) -> list[tuple[str, int]]:
    """(name, line) of each class statement inside a function: a class made each time the function runs."""
    return [(inner.name, inner.lineno) for node in _functions(ast.parse(source))
            for inner in ast.walk(node) if isinstance(inner, ast.ClassDef)]


def test_the_api_modules_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in api_modules()}
    assert {"core/review/api.py", "core/management/api.py", "core/applications/api.py", "core/lists/api.py",
            "core/accounts/api.py", "core/jobs/api.py", "core/admin/api.py", "core/api/blueprint.py"} <= names


def test_no_api_function_is_longer_than_120_lines():
    found = [f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)" for path in api_modules()
             for name, line, length in long_functions(path.read_text(encoding="utf-8"))]
    assert found == []


def test_no_api_class_is_declared_inside_a_function():
    found = [f"{path.relative_to(ROOT)}:{line} {name}" for path in api_modules()
             for name, line in classes_in_functions(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_checks_see_what_they_refuse():
    body = "\n".join(f"    x{i} = {i}" for i in range(LONGEST))
    closure = f"def make_blueprint():\n    class Resource:\n        pass\n{body}\n    return Resource\n"
    assert long_functions(closure) == [("make_blueprint", 1, LONGEST + 4)]
    assert classes_in_functions(closure) == [("Resource", 2)]
    assert long_functions("@decorate\ndef f():\n" + "    pass\n" * (LONGEST - 2)) == []
    assert long_functions("@decorate\ndef f():\n" + "    pass\n" * (LONGEST - 1)) == [("f", 1, LONGEST + 1)]


def test_a_second_app_builds_no_class_in_the_api_modules():
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_REGION": "hunan"}
    create_app(config)  # the modules are imported
    built: list[str] = []
    build_class = builtins.__build_class__

    def watch(func, name, *args, **kwargs):
        module = func.__globals__.get("__name__", "")
        if module.startswith("core.api") or module.endswith(".api"):
            built.append(f"{module}.{name}")
        return build_class(func, name, *args, **kwargs)

    builtins.__build_class__ = watch
    try:
        app = create_app(config)
    finally:
        builtins.__build_class__ = build_class
    assert built == []
    # the region's schemas are still the app's own: its form fields under the PATCH's extension
    from core.applications.api import REGION

    update = REGION.of(app).update()
    assert set(update.fields["extension"].nested.fields) == {
        name for name, code in REGION.of(app).codes.items() if code.startswith("hunan.")} != set()
