"""The applications' and accounts' permissions (registered in :mod:`core.kernel.permissions`, which decides
what a role may do) and which rows a user may see.

Deny by default. Every view (web and API) and every service that loads an application goes
through :func:`visible_applications` or :func:`application_for`, so a query is always scoped
by ownership: an applicant sees its own organization's applications, city staff their own
administrative unit's once submitted (a draft stays private to the applicant), province staff the
submitted ones of the region, an evaluator firm the ones it evaluates. Rows outside the scope do not exist for the user (404); a visible row the
role may not act on is refused (403).

The scope rests on what an account is bound to (:data:`BINDINGS`: an applicant to its organization, a city
bureau to its city, an evaluator to its firm); :func:`organization_of`, :func:`city_of` and :func:`firm_of`
answer what a user acts for, and :func:`accounts_of` the accounts that act for one. Who opens and looks
after which accounts is a permission per kind of account (``accounts.manage.<role>``, :func:`may_manage`),
a city bureau's reach its own city.
"""
from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, true
from sqlalchemy.sql import ColumnElement, Select

from core.extensions import db
from core.kernel.permissions import Permission, load_or_404, may
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


def manage_perm(role: Role | str) -> str:
    """The permission to open and look after accounts of ``role`` (reset, close, bind)."""
    return f"accounts.manage.{Role(role).value}"


_STAFF = (Role.PROVINCE, Role.ADMIN)
_ADMIN = frozenset({Role.ADMIN})
#: who opens and looks after accounts of each role: administrators any; province staff applicants, city
#: bureaus, experts and evaluators; a city bureau the applicants of its own city (:func:`may_manage`)
_MANAGE = (
    Permission(manage_perm(Role.APPLICANT), frozenset({Role.ADMIN, Role.PROVINCE, Role.CITY}),
               _l("Open and look after applicant accounts (a city bureau: its own city's)")),
    Permission(manage_perm(Role.CITY), frozenset(_STAFF), _l("Open and look after city bureau accounts")),
    Permission(manage_perm(Role.EXPERT), frozenset(_STAFF), _l("Open and look after expert accounts")),
    Permission(manage_perm(Role.EVALUATOR), frozenset(_STAFF), _l("Open and look after evaluator firm accounts")),
    Permission(manage_perm(Role.PROVINCE), _ADMIN, _l("Open and look after province staff accounts")),
    Permission(manage_perm(Role.MINISTRY), _ADMIN, _l("Open and look after ministry accounts")),
    Permission(manage_perm(Role.ADMIN), _ADMIN, _l("Open and look after administrator accounts")),
)
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
    *_MANAGE,
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
    """One application through the user's scope (404 outside it), then ``perm`` (403): :func:`load_or_404`."""
    return load_or_404(user, Application, application_id, application_scope(user), perm, for_update=for_update,
                       message="No such application.")


# ------------------------------------------------------------------ bindings --

#: the column that binds an account of a role to what it acts for
BINDINGS: dict[Role, str] = {Role.APPLICANT: "organization_id", Role.CITY: "admin_unit_id",
                             Role.EVALUATOR: "evaluator_firm_id"}


def binding_of(role: Role | str) -> str | None:
    """The column an account of ``role`` is bound by (``organization_id``, ``admin_unit_id``,
    ``evaluator_firm_id``), None for a role bound to nothing."""
    return BINDINGS.get(Role(role))


def _bound(user: Any, role: Role) -> int | None:
    if not _authenticated(user) or user.role != role:
        return None
    return getattr(user, BINDINGS[role])


def is_enterprise_account(user: Any) -> bool:
    """Whether ``user`` is an enterprise's (or park's) account: the role bound to an organization."""
    return user is not None and Role(user.role) == Role.APPLICANT


def organization_of(user: Any) -> int | None:
    """The organization an applicant account acts for (None for any other account)."""
    return _bound(user, Role.APPLICANT)


def city_of(user: Any) -> int | None:
    """The administrative unit a city bureau's account acts for (None for any other account)."""
    return _bound(user, Role.CITY)


def firm_of(user: Any) -> int | None:
    """The evaluator firm an evaluator account acts for (None for any other account)."""
    return _bound(user, Role.EVALUATOR)


#: :func:`accounts_of` without a binding: every account of the role
ANY_BINDING = object()


def accounts_of(role: Role | str, bound_to: Any = ANY_BINDING) -> ColumnElement[bool]:
    """The WHERE clause of the accounts of ``role``; for a role with a binding, those bound to ``bound_to``
    (None: nobody): e.g. who is told of an organization's, a city's or a firm's business, or an officer's
    filter by role."""
    role = Role(role)
    where = User.role == role
    column = BINDINGS.get(role)
    if column is None or bound_to is ANY_BINDING:
        return where
    return where & (getattr(User, column) == bound_to) if bound_to is not None else false()


def second_factor_required(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor: its role is one the instance's
    ``GREENMFG_MFA_ROLES`` names (default: province, ministry and admin; :mod:`core.accounts.mfa`)."""
    roles = current_app.config.get("GREENMFG_MFA_ROLES", ("province", "ministry", "admin"))
    return str(user.role) in set(roles)


# ---------------------------------------------------------- looking after accounts --

def _city_reach(officer: User) -> tuple[bool, int | None]:
    """Whether an officer's reach is one city (a city bureau), and which."""
    return officer.role == Role.CITY, officer.admin_unit_id


def looks_after_accounts(officer: Any) -> bool:
    """Whether ``officer`` may look after accounts of some role (administrators, province staff, city bureaus)."""
    return any(may(officer, manage_perm(role)) for role in Role)


def may_manage(officer: Any, role: Role | str, unit_id: int | None = None) -> bool:
    """Whether ``officer`` may open or look after an account of ``role`` belonging to the administrative unit
    ``unit_id`` (an applicant's: its organization's unit): the role's ``accounts.manage.<role>`` permission,
    and for a city bureau an account of its own city."""
    if not may(officer, manage_perm(role)):
        return False
    one_city, city = _city_reach(officer)
    return not one_city or (unit_id is not None and unit_id == city)


def unit_of(user: User) -> int | None:
    """The administrative unit an account belongs to: a city's own, an applicant's organization's."""
    if user.organization_id is not None:
        org = db.session.get(Organization, user.organization_id)
        return org.admin_unit_id if org is not None else None
    return user.admin_unit_id


def may_reset(officer: Any, target: User) -> bool:
    """Whether ``officer`` may reset ``target``'s password: an account it looks after, never its own and never
    another administrator's."""
    if officer.id == target.id or (officer.role == Role.ADMIN and target.role == Role.ADMIN):
        return False
    return may_manage(officer, target.role, unit_of(target))


def managed_scope(officer: Any) -> ColumnElement[bool]:
    """The WHERE clause of the accounts ``officer`` looks after (:func:`may_manage`)."""
    roles = [role for role in Role if may(officer, manage_perm(role))]
    if not roles:
        return false()
    where = User.role.in_(roles) if len(roles) < len(Role) else true()
    one_city, city = _city_reach(officer)
    if not one_city:
        return where
    if city is None:
        return false()
    return where & User.organization_id.in_(select(Organization.id).where(Organization.admin_unit_id == city))
