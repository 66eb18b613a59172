"""The one access-control mechanism: what each role may do, and which rows it may see.

Deny by default. Every view (web and API) and every service that loads an application goes
through :func:`visible_applications` or :func:`application_for`, so a query is always scoped
by ownership: an applicant sees its own organization's applications, city staff their own
administrative unit's once submitted (a draft stays private to the applicant), province staff the
submitted ones of the region, an evaluator firm the ones it evaluates. Rows outside the scope do not exist for the user (404); a visible row the
role may not act on is refused (403).
"""
from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.sql import ColumnElement, Select

from core.errors import AccessDenied, NotFound
from core.extensions import db
from core.models import Application, ApplicationStatus, Organization, Role, User


class Perm(StrEnum):
    APPLICATION_VIEW = "application.view"
    APPLICATION_CREATE = "application.create"
    #: save a draft, upload or delete evidence, submit
    APPLICATION_EDIT = "application.edit"
    #: return, reject, recommend (city staff)
    APPLICATION_REVIEW = "application.review"
    #: export and import the summary table (city staff)
    SUMMARY = "summary"
    CAMPAIGN_MANAGE = "campaign.manage"
    EXTENSION_GRANT = "extension.grant"
    TOKENS = "tokens"


ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.APPLICANT: frozenset({Perm.APPLICATION_VIEW, Perm.APPLICATION_CREATE, Perm.APPLICATION_EDIT, Perm.TOKENS}),
    Role.CITY: frozenset({Perm.APPLICATION_VIEW, Perm.APPLICATION_REVIEW, Perm.SUMMARY, Perm.TOKENS}),
    Role.PROVINCE: frozenset({Perm.APPLICATION_VIEW, Perm.CAMPAIGN_MANAGE, Perm.EXTENSION_GRANT, Perm.TOKENS}),
    Role.ADMIN: frozenset({Perm.APPLICATION_VIEW, Perm.CAMPAIGN_MANAGE, Perm.EXTENSION_GRANT, Perm.TOKENS}),
    Role.EVALUATOR: frozenset({Perm.APPLICATION_VIEW, Perm.TOKENS}),
    Role.EXPERT: frozenset({Perm.TOKENS}),
    Role.MINISTRY: frozenset({Perm.TOKENS}),
}


def _authenticated(user: Any) -> bool:
    return isinstance(user, User) and user.active


def withheld(app: Any, role: Role | str, perms: Any) -> None:
    """Withhold ``perms`` from ``role`` on this instance only (the role table is shared by every app of
    the process): e.g. the ministry's account on a provincial instance, which must not run the province's
    reviews and notices nor read objectors' details."""
    table = app.extensions.setdefault("greenmfg_withheld", {})
    table[Role(role)] = frozenset(table.get(Role(role), frozenset()) | set(perms))


def may(user: Any, perm: Perm) -> bool:
    if not _authenticated(user) or perm not in ROLE_PERMISSIONS.get(user.role, frozenset()):
        return False
    from flask import current_app, has_app_context

    return not (has_app_context() and perm in current_app.extensions.get("greenmfg_withheld", {}).get(user.role, ()))


def require(user: Any, perm: Perm) -> User:
    """Return ``user`` if its role has ``perm``; raise :class:`AccessDenied` otherwise."""
    if not may(user, perm):
        raise AccessDenied("Your role may not do this.")
    return user


def application_scope(user: Any) -> ColumnElement[bool]:
    """The WHERE clause of the applications ``user`` may see."""
    if not _authenticated(user):
        return false()
    return _scope(user.role, user.organization_id, user.admin_unit_id, user.evaluator_firm_id)


@functools.lru_cache(maxsize=4096)
def _scope(role: Role, organization_id: int | None, admin_unit_id: int | None,
           evaluator_firm_id: int | None) -> ColumnElement[bool]:
    """:func:`application_scope` from what it depends on; SQL expressions are immutable, so one
    built expression serves every request of the same scope (building it costs ~15 µs)."""
    if role == Role.APPLICANT and organization_id is not None:
        return Application.organization_id == organization_id
    if role == Role.CITY and admin_unit_id is not None:  # a draft is the applicant's own until submitted
        return (Application.admin_unit_id == admin_unit_id) & (Application.status != ApplicationStatus.DRAFT)
    if role in (Role.PROVINCE, Role.ADMIN):
        return Application.status != ApplicationStatus.DRAFT
    if role == Role.EVALUATOR and evaluator_firm_id is not None:
        return (Application.evaluator_firm_id == evaluator_firm_id) & (
            Application.status != ApplicationStatus.DRAFT)
    return false()


def visible_applications(user: Any) -> Select:
    return select(Application).where(application_scope(user))


def application_for(user: Any, application_id: Any, perm: Perm = Perm.APPLICATION_VIEW,
                    for_update: bool = False) -> Application:
    """Load one application through the user's scope, then check ``perm``.

    :raises NotFound: no such application, or one outside the user's scope (never told apart).
    :raises AccessDenied: the user sees it but its role may not do ``perm``.
    """
    try:
        ident = int(application_id)
    except (TypeError, ValueError):
        raise NotFound("No such application.") from None
    if not -2**31 < ident < 2**31:
        raise NotFound("No such application.")
    query = visible_applications(user).where(Application.id == ident)
    if for_update:
        query = query.with_for_update()
    application = db.session.scalar(query)
    if application is None:
        raise NotFound("No such application.")
    require(user, perm)
    return application


def organization_scope(user: Any) -> ColumnElement[bool]:
    """Organizations a user may see: its own (applicant) or its unit's (city)."""
    if not _authenticated(user):
        return false()
    if user.role == Role.APPLICANT and user.organization_id is not None:
        return Organization.id == user.organization_id
    if user.role == Role.CITY and user.admin_unit_id is not None:
        return Organization.admin_unit_id == user.admin_unit_id
    if user.role in (Role.PROVINCE, Role.ADMIN):
        return Organization.id.is_not(None)
    return false()
