"""Render the hook reference (docs/hooks.md) from the contract module.

    python -m core.plugins.docs > docs/hooks.md

A test compares the committed file with this output, so the reference can never
drift from the hookspecs.
"""
from __future__ import annotations

import inspect
import textwrap

from core.plugins import hookspecs


def hook_names() -> list[str]:
    return [name for name, obj in vars(hookspecs).items() if name.startswith("gm_") and callable(obj)]


def signature(name: str) -> str:
    return f"{name}{inspect.signature(getattr(hookspecs, name))}"


def render() -> str:
    out = ["# Hook reference", "",
           "Generated from `core/plugins/hookspecs.py` by `python -m core.plugins.docs`; do not edit by hand.",
           "", textwrap.dedent(hookspecs.__doc__ or "").strip(), ""]
    for name in hook_names():
        spec = getattr(hookspecs, name)
        firstresult = getattr(spec, "greenmfg_spec", {}).get("firstresult", False)
        out += [f"## `{name}`", "", "```python", signature(name), "```", "",
                f"*{'Single answer (firstresult)' if firstresult else 'All answers collected'}.*", "",
                textwrap.dedent(spec.__doc__ or "").strip(), ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
