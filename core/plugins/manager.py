"""Building the plugin manager for one instance: national plus one region."""
from __future__ import annotations

import logging
import warnings
from importlib.metadata import entry_points
from typing import Any, Iterable

import pluggy

from core.plugins import hookspecs
from core.plugins.errors import UnknownRegion
from core.plugins.lifecycle import PluginDeprecationWarning, check_known_hooks, refuse_wrappers

ENTRY_POINT_GROUP = "greenmfg.regions"
NATIONAL = "national"

log = logging.getLogger("greenmfg.plugins")


def installed_regions() -> dict[str, Any]:
    """Entry points of every installed region plugin, by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(region: str, extra_plugins: Iterable[tuple[str, object]] = ()) -> pluggy.PluginManager:
    """Return a manager with the national plugin and the named region's plugin, both found by their entry
    point in ``greenmfg.regions`` (national answers by default, the region overrides by name).

    Only the region named is loaded; nothing is autoloaded. ``extra_plugins``
    (name, module-or-object) pairs are registered too: tests use them, and a
    deployment may list extra plugin modules in ``GREENMFG_EXTRA_PLUGINS``.
    A hook wrapper stops start-up (:func:`~core.plugins.lifecycle.refuse_wrappers`), so does a hook the
    contract does not have (misspelt or removed: :func:`~core.plugins.lifecycle.check_known_hooks`); a
    deprecated hook or argument is logged and warned about (:mod:`core.plugins.lifecycle`).
    """
    available = installed_regions()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    plugins: list[tuple[str, object]] = []
    for name in dict.fromkeys((NATIONAL, region)):  # the national plugin is installed like the provinces
        if name not in available:
            raise UnknownRegion(name, sorted(available))
        plugins.append((name, available[name].load()))
    for name, plugin in [*plugins, *extra_plugins]:
        refuse_wrappers(pm, name, plugin)
        _register(pm, name, plugin)
    check_known_hooks(pm, hookspecs.HOOKS)
    return pm


def _register(pm: pluggy.PluginManager, name: str, plugin: object) -> None:
    """Register ``plugin``; pluggy's warnings about deprecated hooks it implements are logged and re-issued
    (Python hides a :class:`DeprecationWarning` raised outside ``__main__`` unless it is asked to show it)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pm.register(plugin, name=name)
    for warning in caught:
        if issubclass(warning.category, PluginDeprecationWarning):
            log.warning("plugin %r (%s:%s): %s", name, warning.filename, warning.lineno, warning.message)
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
