"""The one permission registry: which role may do what, for every feature.

Each feature declares its permissions (``PERMISSIONS``: a stable code, the roles granted it and a
translatable description) in its own permissions/access module; :func:`init_app` registers them on one
app at start-up, so nothing changes a global at import and two apps never share a table. Every check
goes through :func:`may` and :func:`require` (``may`` is a template global too); :func:`withheld` takes
permissions from a role on one instance only. Deny by default: an inactive or anonymous user, an unknown
code, or a call outside an app may nothing.

One row is loaded for a user by :func:`load_or_404`: through the user's scope (the WHERE clause a
feature's access module builds), 404 outside it, then the permission (403). Roles are compared only in
the access modules (tests/core/test_access_one_way.py); everywhere else asks :func:`may`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from core.errors import AccessDenied, NotFound
from core.extensions import db
from core.models import Role, User

EXTENSION = "greenmfg_permissions"


@dataclass(frozen=True)
class Permission:
    #: stable code, e.g. ``application.edit`` (the features' StrEnum members are these strings)
    code: str
    #: the roles granted it
    roles: frozenset[Role]
    #: what it allows, a ``lazy_gettext`` string
    description: Any


class DuplicatePermission(RuntimeError):
    """Two registrations of one code grant it to different roles (a start-up error)."""


class Registry:
    """The permissions of one app and the grants it withholds."""

    def __init__(self) -> None:
        self.permissions: dict[str, Permission] = {}
        self._withheld: dict[Role, frozenset[str]] = {}

    def register(self, *permissions: Permission) -> None:
        for perm in permissions:
            known = self.permissions.get(str(perm.code))
            if known is not None and known.roles != perm.roles:
                raise DuplicatePermission(f"permission {perm.code!r} registered twice with different roles: "
                                          f"{sorted(known.roles)} and {sorted(perm.roles)}")
            self.permissions[str(perm.code)] = perm

    def withhold(self, role: Role | str, codes: Iterable[str]) -> None:
        self._withheld[Role(role)] = self._withheld.get(Role(role), frozenset()) | {str(c) for c in codes}

    def granted(self, role: Role | str | None, code: str) -> bool:
        """The role holds ``code`` on this instance: its grant, less what the instance withholds."""
        perm = self.permissions.get(str(code))
        if perm is None or role is None or role not in perm.roles:
            return False
        return str(code) not in self._withheld.get(Role(role), frozenset())

    def table(self) -> dict[Role, frozenset[str]]:
        """Role -> the codes it holds on this instance."""
        return {role: frozenset(code for code in self.permissions if self.granted(role, code)) for role in Role}


def init_app(app: Flask, *declarations: Iterable[Permission]) -> Registry:
    """Give ``app`` its own registry filled with the features' ``PERMISSIONS`` declarations."""
    registry = Registry()
    for declaration in declarations:
        registry.register(*declaration)
    app.extensions[EXTENSION] = registry
    app.add_template_global(may, "may")  # pages ask the same question: {% if may(current_user, 'code') %}
    return registry


def registry(app: Flask | None = None) -> Registry | None:
    if app is None:
        if not has_app_context():
            return None
        app = current_app
    return app.extensions.get(EXTENSION)


def withheld(app: Flask, role: Role | str, perms: Iterable[str]) -> None:
    """Withhold ``perms`` from ``role`` on this instance only: e.g. the ministry's account on a provincial
    instance, which must not run the province's reviews and notices nor read objectors' details."""
    registry(app).withhold(role, perms)


def granted(role: Role | str | None, perm: str) -> bool:
    """The role (not a user) holds ``perm`` on the current app."""
    reg = registry()
    return reg is not None and reg.granted(role, perm)


def holders(perm: str) -> frozenset[Role]:
    """The roles that hold ``perm`` on the current app (e.g. the accounts that may score, to list them)."""
    return frozenset(role for role in Role if granted(role, perm))


def may(user: Any, perm: str) -> bool:
    return isinstance(user, User) and user.active and granted(user.role, perm)


def require(user: Any, perm: str) -> User:
    """Return ``user`` if its role has ``perm``; raise :class:`AccessDenied` otherwise."""
    if not may(user, perm):
        raise AccessDenied("Your role may not do this.")
    return user


#: row ids are 32-bit integers in every table
_ID_MAX = 2**31


def load_or_404(user: Any, model: type, ident: Any, scope: ColumnElement[bool], perm: str | None = None, *,
                for_update: bool = False, message: str = "No such record.") -> Any:
    """One row of ``model`` by id, through ``scope`` (the WHERE clause of the rows ``user`` may see, built by
    the feature's access module), then the role check for ``perm``.

    :raises NotFound: no such row, a malformed id, or a row outside the scope (never told apart), with
        ``message``.
    :raises AccessDenied: the user sees the row but its role may not do ``perm``.
    """
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not 0 < ident < _ID_MAX:
        raise NotFound(message)
    query = select(model).where(model.id == ident, scope)
    if for_update:
        query = query.with_for_update()
    row = db.session.scalar(query)
    if row is None:
        raise NotFound(message)
    if perm is not None:
        require(user, perm)
    return row
