"""Which list levels one application is for.

An application belongs to one campaign (one round, one ``level``); in a joint round (Jiangxi 2024
国家级推荐暨省级遴选, 003_a3fa60aeba77aa34.txt 一; Hubei 002_9c75e1d2ebfbdf50.txt 三(五)) it may ask
for several levels at once (``requested_levels``). Every step that works per level (city
recommendation, notices, decisions, lists, recommendation to MIIT) asks here.
"""
from __future__ import annotations

from typing import Protocol


class _HasLevels(Protocol):
    level: str
    requested_levels: list | None


def requested_levels(application: _HasLevels) -> list[str]:
    """The levels the application asks for, the round's own level first."""
    asked = [str(x) for x in (application.requested_levels or ())]
    return [application.level] + [x for x in asked if x != application.level]


def recommended_levels(application: _HasLevels) -> list[str] | None:
    """The levels the city recommended (among the requested ones), or None before it recommends."""
    if getattr(application, "recommended_at", None) is None:
        return None  # not recommended yet, or the recommendation was withdrawn
    chosen = getattr(application, "recommended_levels", None)
    if chosen is None:  # recommended before per-level recommendation existed: every requested level
        return requested_levels(application)
    return [x for x in requested_levels(application) if x in {str(c) for c in chosen}]


def is_for(application: _HasLevels, level: str) -> bool:
    """Whether the application is for ``level``: it asks for it and, once the city has recommended,
    the city recommended it at that level."""
    chosen = recommended_levels(application)
    return str(level) in (requested_levels(application) if chosen is None else chosen)
