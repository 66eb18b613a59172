"""The layers of core, bottom to top, and the one rule between them: an import runs down or sideways
within its layer, never up. Imports inside functions count (they run as surely as the ones at the top).

A feature layer may use the layers under it; features are ordered too, so a later one may build on an
earlier one (lists publish what review judged of applications) but never the other way round: what an
earlier feature needs from a later one reaches it through the plugin contract or a registry that the
later feature fills at start-up.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]

#: bottom to top; a module belongs to the layer of its longest listed prefix
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("core.errors", "core.extensions", "core.config", "core.i18n", "core.clock",
                    "core.ratelimit", "core.scaffold")),
    ("plugin contract", ("core.plugins",)),
    ("models", ("core.models", "core.formfields", "core.declared_fields")),
    ("kernel", ("core.kernel",)),
    ("shared services", ("core.services", "core.storage")),
    ("web and API toolkit", ("core.web", "core.api")),
    ("accounts", ("core.accounts",)),
    ("jobs", ("core.jobs",)),
    ("scoring", ("core.scoring",)),
    ("applications", ("core.applications",)),
    ("management", ("core.management",)),
    ("review", ("core.review",)),
    ("lists", ("core.lists",)),
    ("notifications", ("core.notifications",)),
    ("admin", ("core.admin",)),
    ("composition", ("core", "core.app", "core.security", "core.testing", "core.cli")),
]


def layer_of(module: str) -> int | None:
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = ROOT):
    """(line, imported module) for every import in the file, at any depth."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from core.x import y` may name a submodule y
                target = f"{base}.{alias.name}"
                yield node.lineno, target if layer_of(target) is not None and _is_module(target, root) else base


def _is_module(name: str, root: Path = ROOT) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def upward_imports(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = layer_of(_module_name(path, root))
        for line, target in _imports(path, root):
            if not target.startswith("core"):
                continue
            aim = layer_of(target)
            if aim is not None and source is not None and aim > source:
                found.append(f"{path.relative_to(root).as_posix()}:{line} ({LAYERS[source][0]}) imports {target} "
                             f"({LAYERS[aim][0]})")
    return found


def test_every_core_module_has_a_layer():
    missing = [str(p.relative_to(ROOT)) for p in (ROOT / "core").rglob("*.py")
               if "migrations" not in p.parts and layer_of(_module_name(p)) is None]
    assert missing == []


def test_no_import_runs_up_the_layers():
    assert upward_imports() == []


def test_region_plugins_import_only_the_public_plugin_api():
    found = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for line, target in _imports(path):
            if target.startswith("core") and not (target == "core.plugins" or target.startswith("core.plugins.")):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert found == []


def test_every_module_is_in_its_folders_layer():
    """A layer lists whole folders (or top-level modules) of core, never one module apart from its folder's
    layer: the admin units' and calendar's JSON API is the admin feature's (core/admin/api.py), not the toolkit's."""
    assert [prefix for _, prefixes in LAYERS for prefix in prefixes if prefix.count(".") > 1] == []
    assert layer_of("core.admin.api") == layer_of("core.admin.access") > layer_of("core.api.blueprint")
    assert not (ROOT / "core" / "api" / "instance.py").exists()


def test_the_rule_itself_catches_an_upward_import(tmp_path):
    """The check is not vacuous: a module planted in the kernel that imports a feature (at the top, and inside
    a function) is reported, line by line; the same tree without the planted module is clean."""
    assert layer_of("core.kernel.uow") < layer_of("core.applications.services") < layer_of("core.lists.views")
    assert layer_of("core.clock") < layer_of("core.models.base")
    for folder in ("kernel", "lists"):
        (tmp_path / "core" / folder).mkdir(parents=True)
        (tmp_path / "core" / folder / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "core" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "core" / "lists" / "views.py").write_text("from core.kernel import uow\n", encoding="utf-8")
    (tmp_path / "core" / "kernel" / "uow.py").write_text("import core.errors\n", encoding="utf-8")
    assert upward_imports(tmp_path) == []
    (tmp_path / "core" / "kernel" / "planted.py").write_text(
        "from core.lists import views\n\n\ndef later():\n    from core.admin.access import AdminPerm\n",
        encoding="utf-8")
    assert upward_imports(tmp_path) == [
        "core/kernel/planted.py:1 (kernel) imports core.lists.views (lists)",
        "core/kernel/planted.py:5 (kernel) imports core.admin.access (admin)",
    ]


def _calls_and_defs(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.lineno, "def", node.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            yield node.lineno, "call", f"{owner_name}.{node.func.attr}"
    for number, line in enumerate(source.splitlines(), start=1):
        if re.search(r"current_app\.extensions\[[\"']greenmfg[\"']\]\.rules", line):
            yield number, "rules read", "current_app.extensions['greenmfg'].rules"


def _core_files(*skip: str):
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "migrations" not in path.parts and rel not in skip:
            yield rel, path


def test_one_clock():
    """Only core/clock.py reads the time or says what today is; nobody else defines now/today/aware."""
    found = [f"{rel}:{line} {what}" for rel, path in _core_files("core/clock.py")
             for line, kind, what in _calls_and_defs(path)
             if (kind == "call" and what in ("datetime.now", "datetime.utcnow", "date.today", "datetime.today"))
             or (kind == "def" and what.lstrip("_") in ("now", "today", "aware", "utcnow", "this_year"))]
    assert found == []


def test_one_rules_accessor_and_one_unit_of_work():
    """Features read the region rules through core.kernel.rules and commit through core.kernel.uow."""
    # core/plugins/rules.py is the rules themselves, in the contract layer under the kernel; core/plugins/citations.py
    # reads the active rules' documents from there too (the kernel's accessor is a layer above it)
    found = [f"{rel}:{line} {what}" for rel, path in _core_files("core/kernel/rules.py", "core/kernel/uow.py",
                                                                  "core/plugins/rules.py", "core/plugins/citations.py")
             for line, kind, what in _calls_and_defs(path)
             if kind == "rules read" or (kind == "def" and what in ("_rules", "rules", "commit"))]
    assert found == []
