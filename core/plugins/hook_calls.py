"""Calling one plugin's implementation of a hook, as :class:`core.plugins.rules.RegionRules` and its start-up
checks do (never ``pm.hook.*``): with the arguments it accepts, logged under ``greenmfg.hooks`` when
``GREENMFG_TRACE_HOOKS`` is set."""
from __future__ import annotations

import logging
from typing import Any

import pluggy

from core.plugins.lifecycle import call_arguments

log = logging.getLogger("greenmfg.hooks")


def call_impl(pm: pluggy.PluginManager, hook: str, impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
    """Call one implementation of ``hook``; with ``GREENMFG_TRACE_HOOKS`` set, log the call and its answer."""
    result = impl.function(*call_arguments(pm, hook, impl, kwargs))
    if log.isEnabledFor(logging.DEBUG):
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k in impl.argnames)
        log.debug("%s [%s](%s) -> %s", impl.function.__name__, impl.plugin_name, args,
                  "None" if result is None else type(result).__name__)
    return result
