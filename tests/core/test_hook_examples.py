"""Every hook in the reference (docs/hooks.md, generated from core/plugins/hookspecs.py) has an example, and each
example runs: it compiles, its definitions run with the names a plugin imports from the public API, and its
implementation answers a call with the arguments core passes: a registry a list of records, a policy its record
type or None. The reference names the shipped plugins that implement each hook.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest

from core.plugins import docs, hookimpl, types
from core.plugins.rules import _POLICY_TYPES
from core.plugins.types import Level, Record

DOC = Path(__file__).parents[2] / "docs" / "hooks.md"

#: an argument of each name as core passes it (an example reads what it needs)
ARGUMENTS = {"unit_type": "factory", "level": Level.PROVINCIAL, "year": 2025, "admin_unit": "hubei.wuhan",
             "national": None, "region": "hubei"}


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## `(gm_\w+)`\n", text, flags=re.M)
    return {name: body.split("\n## ", 1)[0] for name, body in zip(parts[1::2], parts[2::2])}


def _examples(section: str) -> list[str]:
    """The code of each ``Example::`` block of a hook's section: the lines indented under it."""
    lines, found = section.split("\n"), []
    for i, line in enumerate(lines):
        if re.match(r"\s*Example\b.*::$", line):
            indent = len(line) - len(line.lstrip())
            block = []
            for follow in lines[i + 1:]:
                if follow.strip() and len(follow) - len(follow.lstrip()) <= indent:
                    break
                block.append(follow)
            found.append(textwrap.dedent("\n".join(block)).strip("\n"))
    return found


def test_every_hook_of_the_contract_is_in_the_reference_with_an_example():
    sections = _sections()
    assert set(sections) == set(docs.hook_names())
    missing = [name for name in docs.hook_names() if not _examples(sections[name])]
    assert not missing, f"hooks without an example in docs/hooks.md: {missing}"


def test_the_reference_names_the_shipped_plugins_implementing_each_hook():
    sections = _sections()
    assert "`national`, `hubei`" in sections["gm_policy_quota"]  # plugins/hubei/plugin.py answers quotas
    assert "`shanxi`" in sections["gm_setup_config_defaults"] and "`hunan`" not in sections["gm_setup_config_defaults"]


@pytest.mark.parametrize("hook", docs.hook_names())
def test_each_example_compiles_and_answers(hook):
    namespace = {"hookimpl": hookimpl, **{k: v for k, v in vars(types).items() if not k.startswith("_")}}
    for code in _examples(_sections()[hook]):
        exec(compile(code, f"docs/hooks.md: {hook}", "exec"), namespace)  # noqa: S102  (the reference's own code)
        function = namespace.get(hook)
        assert callable(function), f"{hook}: the example defines no function named {hook}"
        params = inspect.signature(function).parameters
        unknown = set(params) - set(inspect.signature(getattr(docs.hookspecs, hook)).parameters)
        assert not unknown, f"{hook}: the example takes arguments the hook does not pass: {sorted(unknown)}"
        answer = function(**{name: ARGUMENTS[name] for name in params})
        if hook in _POLICY_TYPES:
            assert answer is None or isinstance(answer, _POLICY_TYPES[hook]), f"{hook}: answered {answer!r}"
        elif hook.startswith("gm_register_"):
            assert answer and all(isinstance(r, Record) for r in answer), f"{hook}: answered {answer!r}"
        namespace.pop(hook)
