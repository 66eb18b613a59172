"""Every hookspec is tested (datasette's rule): a ``test_hook_<hook name>`` must exist under tests/.

Documentation is checked by tests/core/test_hook_docs.py (docs/hooks.md generated from the
hookspecs, each with its signature, return contract and ordering sentence). Together they make
an undocumented or untested hook fail the suite.
"""
from __future__ import annotations

import ast
from pathlib import Path

from core.plugins import docs

TESTS = Path(__file__).parents[1]
PREFIX = "test_hook_"
HOOK_PREFIX = "gm_"


def _hook_tests() -> dict[str, str]:
    found = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(PREFIX + HOOK_PREFIX):
                found[node.name[len(PREFIX):]] = str(path.relative_to(TESTS))
    return found


def test_every_hookspec_has_a_test_named_after_it():
    tested = _hook_tests()
    missing = [name for name in docs.hook_names() if name not in tested]
    assert not missing, "hooks without a test: " + ", ".join(f"{PREFIX}{name}" for name in missing)


def test_no_hook_test_names_a_hook_that_does_not_exist():
    stale = {name: where for name, where in _hook_tests().items() if name not in docs.hook_names()}
    assert not stale, f"tests for hooks that are not in core/plugins/hookspecs.py: {stale}"


def test_every_hookspec_has_a_docstring():
    from core.plugins import hookspecs

    bare = [name for name in docs.hook_names() if not (getattr(hookspecs, name).__doc__ or "").strip()]
    assert not bare, f"undocumented hooks: {bare}"
