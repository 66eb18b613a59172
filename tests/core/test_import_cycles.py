"""No import circle in core: module A never needs module B while B needs A, not even through an import inside a
function (such an import only hides the circle until the function runs; tests/core/test_layers.py counts them the
same way). A circle found is named with the line of each import that closes it."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    """{module: {imported module of the package: line}} for every module of ``package`` under ``root``, imports at
    any depth; ``from p import m`` counts as an import of module ``p.m`` when ``m`` is one."""
    graph: dict[str, dict[str, int]] = {}
    for path in sorted((root / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(root, path)
        anchor = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = anchor.split(".")
                    base = ".".join(parts[:len(parts) - (node.level - 1)] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if _is_module(root, f"{base}.{alias.name}") else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                if target != module and (target == package or target.startswith(package + ".")) \
                        and _is_module(root, target):
                    edges.setdefault(target, node.lineno)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles: each strongly connected group of modules (Tarjan), as one circle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle(graph, set(group)) for group in groups]


def _circle(graph: dict[str, dict[str, int]], group: set[str]) -> list[str]:
    """One path through ``group`` from its first module back to it (breadth first: the shortest)."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    return paths[node] + [start]
                if target in group and target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    return sorted(group)


def described(graph: dict[str, dict[str, int]], circle: list[str]) -> str:
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in zip(circle, circle[1:])]
    return "; ".join(steps)


def test_core_has_no_import_circle():
    graph = import_graph(ROOT, "core")
    assert [described(graph, c) for c in cycles(graph)] == []


def test_a_circle_closed_inside_a_function_is_found_and_named(tmp_path):
    """The check is not vacuous: two modules importing each other, one of them inside a function."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text("from pkg.forms import Form\n")
    (package / "forms.py").write_text("def make():\n    from pkg import views\n    return views\n")
    (package / "plain.py").write_text("import pkg.forms\n")
    graph = import_graph(tmp_path, "pkg")
    found = [described(graph, c) for c in cycles(graph)]
    assert found == ["pkg.forms (line 2) -> pkg.views; pkg.views (line 1) -> pkg.forms"]
