"""Public plugin API: the only module region plugins import from core.

    from core.plugins import hookimpl, types
    from core.plugins.types import Region, Deadline, Level  # also fine

Everything a plugin needs is here: the ``hookimpl`` marker, the record types
and the errors core raises about plugins.
"""
from core.plugins import types
from core.plugins.errors import PluginConflict, PolicyViolation, UnknownRegion
from core.plugins.hookspecs import PROJECT
from core.plugins.types import *  # noqa: F401,F403  (re-export the record types)

import pluggy as _pluggy

#: Marker for hook implementations: ``@hookimpl`` (``@hookimpl(trylast=True)`` is national's).
hookimpl = _pluggy.HookimplMarker(PROJECT)

__all__ = ["hookimpl", "types", "PluginConflict", "PolicyViolation", "UnknownRegion"] + [
    n for n in dir(types) if not n.startswith("_") and n[0].isupper()
]
