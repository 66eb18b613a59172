"""Public plugin API: the only module region plugins import from core.

    from core.plugins import hookimpl, types
    from core.plugins.types import Region, Deadline, Level  # also fine

Everything a plugin needs is here: the ``hookimpl`` marker, the record types,
the errors core raises about plugins, the contract's version
(``CONTRACT_VERSION``, see docs/CHANGELOG-plugins.md) and the date helper
``add_years`` (the platform's one rule for "N years after", 29 February included).
"""
from core.clock import add_years
from core.plugins import types
from core.plugins.errors import (
    PluginConflict,
    PolicyViolation,
    UnknownHook,
    UnknownRegion,
    UnsupportedImplementation,
)
from core.plugins.hookspecs import PROJECT
from core.plugins.lifecycle import CONTRACT_VERSION, PluginDeprecationWarning
from core.plugins.types import *  # noqa: F401,F403  (re-export the record types)

import pluggy as _pluggy

#: Marker for hook implementations: ``@hookimpl`` (``@hookimpl(trylast=True)`` is national's).
hookimpl = _pluggy.HookimplMarker(PROJECT)

__all__ = ["hookimpl", "types", "add_years", "CONTRACT_VERSION", "PluginConflict", "PluginDeprecationWarning",
           "PolicyViolation", "UnknownHook", "UnknownRegion", "UnsupportedImplementation"] + [
    n for n in dir(types) if not n.startswith("_") and n[0].isupper()
]
