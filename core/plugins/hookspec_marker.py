"""The contract's pluggy project name and its ``hookspec`` marker, shared by the modules that declare hooks
(:mod:`core.plugins.registry_hookspecs`, :mod:`core.plugins.policy_hookspecs`) and by ``hookimpl``
(:mod:`core.plugins`)."""
from __future__ import annotations

import pluggy

PROJECT = "greenmfg"
hookspec = pluggy.HookspecMarker(PROJECT)
