"""The applications' permissions (registered in :mod:`core.kernel.permissions`, which decides what a role
may do) and which rows a user may see.

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

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select
from sqlalchemy.sql import ColumnElement, Select

from core.errors import NotFound
from core.extensions import db
from core.kernel.permissions import Permission, require
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
    #: list, create, close and reopen any account of the instance and reset a lost second factor
    USERS = "accounts.users"


_STAFF = (Role.PROVINCE, Role.ADMIN)
#: this package's permissions, registered at start-up (:mod:`core.kernel.permissions`)
PERMISSIONS = (
    Permission(Perm.APPLICATION_VIEW, frozenset({Role.APPLICANT, Role.CITY, *_STAFF, Role.EVALUATOR}),
               _l("See applications")),
    Permission(Perm.APPLICATION_CREATE, frozenset({Role.APPLICANT}), _l("Start an application")),
    Permission(Perm.APPLICATION_EDIT, frozenset({Role.APPLICANT}),
               _l("Save a draft, upload or delete evidence, submit")),
    Permission(Perm.APPLICATION_REVIEW, frozenset({Role.CITY}), _l("Return, reject or recommend applications")),
    Permission(Perm.SUMMARY, frozenset({Role.CITY}), _l("Export and import the summary table")),
    Permission(Perm.CAMPAIGN_MANAGE, frozenset(_STAFF), _l("Manage campaigns")),
    Permission(Perm.EXTENSION_GRANT, frozenset(_STAFF), _l("Grant deadline extensions")),
    Permission(Perm.TOKENS, frozenset(Role), _l("Manage API tokens")),
    Permission(Perm.USERS, frozenset({Role.ADMIN}),
               _l("List, create, close and reopen any account of the instance; reset a lost second factor")),
)


def _authenticated(user: Any) -> bool:
    return isinstance(user, User) and user.active


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
