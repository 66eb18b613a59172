"""The one permission registry: which role may do what, for every feature.

Each feature declares its permissions (``PERMISSIONS``: a stable code, the roles granted it and a
translatable description) in its own permissions/access module; :func:`init_app` registers them on one
app at start-up, so nothing changes a global at import and two apps never share a table. Every check
goes through :func:`may` and :func:`require`; :func:`withheld` takes permissions from a role on one
instance only. Deny by default: an inactive or anonymous user, an unknown code, or a call outside an
app may nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context

from core.errors import AccessDenied
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


def may(user: Any, perm: str) -> bool:
    return isinstance(user, User) and user.active and granted(user.role, perm)


def require(user: Any, perm: str) -> User:
    """Return ``user`` if its role has ``perm``; raise :class:`AccessDenied` otherwise."""
    if not may(user, perm):
        raise AccessDenied("Your role may not do this.")
    return user
