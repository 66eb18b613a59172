"""Render the hook reference (docs/hooks.md) from the contract module.

    python -m core.plugins.docs > docs/hooks.md

A test compares the committed file with this output, so the reference can never
drift from the hookspecs.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

from core.plugins import hookspecs, lifecycle


def hook_names() -> list[str]:
    return [name for name, obj in vars(hookspecs).items() if name.startswith("gm_") and callable(obj)]


def signature(name: str) -> str:
    return f"{name}{inspect.signature(getattr(hookspecs, name))}"


def status(name: str) -> str:
    """One line on where the hook stands in the contract's lifecycle: added in, or deprecated since."""
    spec = getattr(hookspecs, name)
    options = lifecycle.spec_options(spec)
    warning = options.get("warn_on_impl")
    if isinstance(warning, lifecycle.PluginDeprecationWarning):
        instead = f"; implement `{warning.renamed_to}` instead" if warning.renamed_to else ""
        advice = f" {warning.advice}" if warning.advice else ""
        line = (f"**Deprecated** since contract {warning.since}, removed in {warning.removed_in}{instead}.{advice} "
                "Implementing it warns at start-up.")
    else:
        added = re.search(r"versionadded:: ([\d.]+)", spec.__doc__ or "")
        line = f"Stable: in the contract since {added[1] if added else '?'}."
    for argument, arg_warning in (options.get("warn_on_impl_args") or {}).items():
        instead = f" (use `{arg_warning.renamed_to}`)" if arg_warning.renamed_to else ""
        line += (f" Argument `{argument}` deprecated since {arg_warning.since}, removed in "
                 f"{arg_warning.removed_in}{instead}.")
    return line


def lifecycle_section() -> list[str]:
    current = lifecycle.deprecations(hookspecs)
    rows = ["| Hook | Argument | Deprecated since | Removed in | Instead |", "|---|---|---|---|---|"]
    rows += [f"| `{w.hook}` | {f'`{w.argument}`' if w.argument else '—'} | {w.since} | {w.removed_in} | "
             f"{f'`{w.renamed_to}`' if w.renamed_to else w.advice or '—'} |" for w in current]
    removed = [f"- `{hook}`: removed in {version}; {advice}" for hook, (version, advice)
               in sorted(lifecycle.REMOVED_HOOKS.items())]
    return ["## Deprecating and renaming hooks", "",
            f"Plugin contract version: **{lifecycle.CONTRACT_VERSION}** (`from core.plugins import CONTRACT_VERSION`); "
            "what changed in each version: [CHANGELOG-plugins.md](CHANGELOG-plugins.md).", "",
            textwrap.dedent(lifecycle.__doc__ or "").strip().partition("\n\n")[2], "",
            "Deprecated now:", "",
            *(rows if current else ["None: every hook and argument below is stable."]), "",
            "Removed:", "", *(removed or ["None yet."]), ""]


#: the shipped plugins (this checkout's ``plugins/``), whose implementations the reference names under each hook
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def implemented_by(name: str) -> list[str]:
    """The shipped plugins implementing hook ``name`` (a ``def`` of that name in their modules), national first."""
    if not PLUGINS.is_dir():
        return []
    found = re.compile(rf"^def {name}\(", re.M)
    names = {path.relative_to(PLUGINS).parts[0] for path in PLUGINS.glob("*/*.py")
             if found.search(path.read_text(encoding="utf-8"))}
    return sorted(names, key=lambda plugin: (plugin != "national", plugin))


def render() -> str:
    out = ["# Hook reference", "",
           "Generated from `core/plugins/hookspecs.py` by `python -m core.plugins.docs`; do not edit by hand.",
           "", textwrap.dedent(hookspecs.__doc__ or "").strip(), "", *lifecycle_section()]
    for name in hook_names():
        spec = getattr(hookspecs, name)
        firstresult = lifecycle.spec_options(spec).get("firstresult", False)
        shipped = implemented_by(name)
        out += [f"## `{name}`", "", "```python", signature(name), "```", "",
                f"*{'Single answer (firstresult)' if firstresult else 'All answers collected'}.* {status(name)}", "",
                textwrap.dedent(spec.__doc__ or "").strip(), "",
                f"Implemented by the shipped plugins: {', '.join(f'`{p}`' for p in shipped)}." if shipped
                else "Implemented by none of the shipped plugins.", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
