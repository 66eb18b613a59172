"""What a region plugin may import from core (the public plugin API, :data:`PUBLIC_API`), and the imports of a
plugin's module read from its source, for the contract's ``test_imports_only_public_api``."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable

#: the only core modules a region plugin may import (the public plugin API)
PUBLIC_API = ("core.plugins", "core.plugins.types")


def _imports(path: Path, module: str, is_package: bool) -> Iterable[tuple[int, str, tuple[str, ...]]]:
    """``(line, absolute module, imported names)`` for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, tuple(a.name for a in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value, ()


def _forbidden(target: str, names: tuple[str, ...], own: str) -> str | None:
    """Why importing ``names`` from ``target`` breaks the plugin rule, or ``None``."""
    if target == own or target.startswith(own + "."):
        return None
    own_parent, _, own_leaf = own.rpartition(".")
    top = target.split(".")[0]
    if top == "core":
        if target in PUBLIC_API:
            return None
        if target == "core" and names and set(names) <= {"plugins"}:
            return None
        return "core internals; import from core.plugins"
    if own_parent and target == own_parent:
        return None if names and set(names) <= {own_leaf} else "another region plugin"
    if top == "plugins" or (own_parent and target.startswith(own_parent + ".")):
        return "another plugin (national or a region); use the national= argument and the facade"
    if top.startswith("greenmfg_region_"):
        return "another region plugin"
    return None
