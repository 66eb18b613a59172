"""The one accessor of the region rules: the merged view of every installed plugin's rules
(:class:`core.plugins.rules.RegionRules`), built once per application at start-up."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from core.plugins.rules import RegionRules


def region_rules() -> RegionRules:
    """The region rules of the running application."""
    return current_app.extensions["greenmfg"].rules
