"""Who may do what in dynamic management, on top of :mod:`core.accounts.permissions`.

The same deny-by-default scoping as applications: a listed unit (an applicant account bound
to its organization) sees its own records, city staff their administrative unit's, province
staff and admins the region's. Rows outside a user's scope do not exist for them (404); a
visible row the role may not act on is refused (403).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import false, true
from sqlalchemy.sql import ColumnElement

from core.errors import AccessDenied, NotFound
from core.extensions import db
from core.models import Role, User

UNIT, CITY, PROVINCE = "unit", "city", "province"

#: action -> roles allowed
ACTIONS: dict[str, frozenset[Role]] = {
    "view": frozenset({Role.APPLICANT, Role.CITY, Role.PROVINCE, Role.ADMIN}),
    "file": frozenset({Role.APPLICANT}),
    "review": frozenset({Role.CITY}),
    "propose": frozenset({Role.CITY, Role.PROVINCE, Role.ADMIN}),
    "decide": frozenset({Role.PROVINCE, Role.ADMIN}),
    "dashboard": frozenset({Role.CITY, Role.PROVINCE, Role.ADMIN}),
    "verify": frozenset({Role.CITY, Role.PROVINCE, Role.ADMIN}),
    "jobs": frozenset({Role.PROVINCE, Role.ADMIN}),
}


def _active(user: Any) -> bool:
    return isinstance(user, User) and user.active


def may(user: Any, action: str) -> bool:
    return _active(user) and user.role in ACTIONS[action]


def require(user: Any, action: str) -> User:
    if not may(user, action):
        raise AccessDenied("Your role may not do this.")
    return user


def actor(user: Any) -> str:
    return user.username if _active(user) else "public"


def is_province(user: Any) -> bool:
    return _active(user) and user.role in (Role.PROVINCE, Role.ADMIN)


def scope(user: Any, unit_column, org_column=None) -> ColumnElement[bool]:
    """The WHERE clause of the rows ``user`` may see, by the rows' city and organization columns."""
    if not _active(user):
        return false()
    if user.role in (Role.PROVINCE, Role.ADMIN):
        return true()
    if user.role == Role.CITY and user.admin_unit_id is not None:
        return unit_column == user.admin_unit_id
    if user.role == Role.APPLICANT and user.organization_id is not None and org_column is not None:
        return org_column == user.organization_id
    return false()


def load(user: Any, model, ident: Any, unit_column=None, org_column=None, action: str = "view",
         by_organization: bool = True):
    """One row of ``model`` through the user's scope, then the role check for ``action``.

    ``by_organization`` False: the organization the row is about does not see it (a complaint).
    """
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound("No such record.") from None
    if not 0 < ident < 2**31:
        raise NotFound("No such record.")
    from sqlalchemy import select

    unit_column = unit_column if unit_column is not None else model.admin_unit_id
    if org_column is None and by_organization:
        org_column = getattr(model, "organization_id", None)
    row = db.session.scalar(select(model).where(model.id == ident, scope(user, unit_column, org_column)))
    if row is None:
        raise NotFound("No such record.")
    require(user, action)
    return row


def city_of(user: Any) -> int | None:
    """The admin unit a city user works for (None for province staff: all cities)."""
    return user.admin_unit_id if _active(user) and user.role == Role.CITY else None
