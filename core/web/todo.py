"""The signed-in home page's to-do list: what is due for the user, each item linked to where to act.

core/web sits below the features, so it knows none of them: each feature registers its sections from its own
``todo.py`` at start-up (as links register in :mod:`core.web.nav`), a section naming the roles it is for and a
provider that returns the section's items for one user. A provider answers with counts and the first
:data:`FIRST` rows of each kind, never a query per row.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from core.clock import aware, now

#: how many rows of one kind a section lists; the item with the count links to all of them
FIRST = 5


@dataclass(frozen=True, kw_only=True)
class Todo:
    """One thing due: ``title`` in the user's language, where to act, and when it is due (an instant)."""

    title: str
    url: str
    #: how many things this item stands for (a queue), else None
    count: int | None = None
    deadline: dt.datetime | None = None
    overdue: bool = False
    #: a line under the title: the reason given, the round, the progress
    note: str = ""


def item(title: str, url: str, *, deadline: dt.datetime | None = None, at: dt.datetime | None = None,
         count: int | None = None, note: str = "", flag: bool = True) -> Todo:
    """A :class:`Todo`, flagged overdue when ``deadline`` has passed at ``at`` (default now); ``flag`` False
    for a date that ends something rather than asks for it (a campaign closing)."""
    deadline = aware(deadline) if deadline is not None else None
    overdue = flag and deadline is not None and deadline <= (at or now())
    return Todo(title=title, url=url, count=count, deadline=deadline, overdue=overdue, note=note)


Provider = Callable[[Any, dt.datetime], Iterable[Todo]]


@dataclass(frozen=True, kw_only=True)
class TodoSection:
    key: str
    #: the heading: a ``lazy_gettext`` string
    title: Any
    roles: frozenset[str]
    #: ``provider(user, at)``: the section's items for ``user``
    provider: Provider
    order: int = 100


def register(app: Flask, *sections: TodoSection) -> None:
    """Add sections to the home page (each feature calls this from its ``todo.py`` at start-up)."""
    registry = app.extensions.setdefault("greenmfg_todo", [])
    registry.extend(sections)
    registry.sort(key=lambda s: s.order)


def sections_for(user, at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The home page's sections for ``user``: ``{"key", "title", "items"}`` in order, overdue items first."""
    at = at or now()
    role = str(user.role)
    out = []
    for section in current_app.extensions.get("greenmfg_todo", []):
        if role in section.roles:
            items = sorted(section.provider(user, at), key=lambda t: not t.overdue)
            out.append({"key": section.key, "title": section.title, "items": items})
    return out


def named(record) -> str:
    """A plugin record's name in the user's language (its ``name_en`` in English, when it has one)."""
    from flask_babel import get_locale

    locale = get_locale()
    english = locale is not None and locale.language == "en"
    return getattr(record, "name_en", "") if english and getattr(record, "name_en", "") else record.name
