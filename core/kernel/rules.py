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


def source_name(source: str | None) -> str:
    """Who supplies a rule, as people say it: the plugin's region by name (its ``name_en`` in English), or
    "platform default" for what core itself assumes where no document gives a value."""
    from flask_babel import get_locale, gettext

    if not source or source == "core":
        return gettext("platform default")
    region = region_rules().identities.get(source)
    if region is None:
        return source
    locale = get_locale()
    return region.name_en if locale is not None and locale.language == "en" and region.name_en else region.name


def lazy_source_name(source: str | None):
    """:func:`source_name` in the language a message is shown in (for refusals shown in Chinese and English)."""
    from flask_babel import LazyString

    return LazyString(source_name, source)
