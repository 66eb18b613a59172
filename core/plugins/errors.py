"""Errors about plugins. Each names the plugin at fault; all stop start-up."""
from __future__ import annotations

from pluggy import PluginValidationError


class PluginError(RuntimeError):
    """Base of every plugin problem found while the app starts."""


class UnknownRegion(PluginError):
    def __init__(self, region: str, installed: list[str]):
        self.region = region
        self.installed = installed
        super().__init__(
            f"未知地区 / unknown region {region!r}. "
            f"已安装 / installed: {', '.join(['national', *installed])}"
        )


class PluginConflict(PluginError):
    """Two plugins supplied the same code without an explicit ``replaces=``."""


class PolicyViolation(PluginError):
    """A plugin answer breaks a rule core enforces (a cap above the national one...)."""


class UnsupportedImplementation(PluginError):
    """A plugin implements a hook in a way core does not run (a ``wrapper`` or ``hookwrapper``)."""


class UnknownHook(PluginError, PluginValidationError):
    """A plugin implements a hook the contract does not have (misspelt, or removed: the message says which)."""

    def __init__(self, plugin: object, message: str):
        PluginValidationError.__init__(self, plugin, message)
