"""Building the plugin manager for one instance: national plus one region."""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, Iterable

import pluggy

from core.plugins import hookspecs
from core.plugins.errors import UnknownRegion

ENTRY_POINT_GROUP = "greenmfg.regions"
NATIONAL = "national"


def installed_regions() -> dict[str, Any]:
    """Entry points of every installed region plugin, by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(region: str, extra_plugins: Iterable[tuple[str, object]] = ()) -> pluggy.PluginManager:
    """Return a manager with the national plugin and the named region's plugin, both found by their entry
    point in ``greenmfg.regions`` (national answers by default, the region overrides by name).

    Only the region named is loaded; nothing is autoloaded. ``extra_plugins``
    (name, module-or-object) pairs are registered too: tests use them, and a
    deployment may list extra plugin modules in ``GREENMFG_EXTRA_PLUGINS``.
    Misspelt hook names fail here (``check_pending``).
    """
    available = installed_regions()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in dict.fromkeys((NATIONAL, region)):  # the national plugin is installed like the provinces
        if name not in available:
            raise UnknownRegion(name, sorted(available))
        pm.register(available[name].load(), name=name)
    for name, plugin in extra_plugins:
        pm.register(plugin, name=name)
    pm.check_pending()
    return pm
