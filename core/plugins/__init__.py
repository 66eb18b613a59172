"""Public plugin API: the only module region plugins import from core.

    from core.plugins import hookimpl, types
    from core.plugins.types import Region, Deadline, Level  # also fine

Everything a plugin needs is here: the ``hookimpl`` marker, the record types,
the errors core raises about plugins, the contract's version
(``CONTRACT_VERSION``, see docs/CHANGELOG-plugins.md) and the date helpers
``add_years`` (the platform's one rule for "N years after", 29 February included) and ``today`` (today in
Beijing time on the platform's clock: a plugin never asks the server's local date, which is UTC on a
typical server and runs 8 hours behind Beijing, nor the real date on a training instance whose clock was
moved forward).
"""
from core.clock import add_years, today
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

__all__ = ["hookimpl", "types", "add_years", "today", "CONTRACT_VERSION", "PluginConflict", "PluginDeprecationWarning",
           "PolicyViolation", "UnknownHook", "UnknownRegion", "UnsupportedImplementation"] + [
    n for n in dir(types) if not n.startswith("_") and n[0].isupper()
]
