"""Who may do what in dynamic management: this package's permissions (:data:`PERMISSIONS`, registered
in :mod:`core.kernel.permissions` at start-up) and the rows each user may see.

The same deny-by-default scoping as applications: a listed unit (an applicant account bound
to its organization) sees its own records, city staff their administrative unit's, province
staff and admins the region's. Rows outside a user's scope do not exist for them (404); a
visible row the role may not act on is refused (403).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, true
from sqlalchemy.sql import ColumnElement

from core.accounts import permissions as accounts_access
from core.kernel.permissions import Permission, load_or_404
from core.models import Role, User

UNIT, CITY, PROVINCE = "unit", "city", "province"


class ManagementPerm(StrEnum):
    VIEW = "management.view"
    FILE = "management.file"
    REVIEW = "management.review"
    PROPOSE = "management.propose"
    DECIDE = "management.decide"
    DASHBOARD = "management.dashboard"
    VERIFY = "management.verify"
    JOBS = "management.jobs"
    #: attach and download the files of removals, complaints and re-reviews (a change report's files are its
    #: unit's too)
    FILES = "management.files"


_STAFF = frozenset({Role.PROVINCE, Role.ADMIN})
#: the ministry reads the listed units of the whole instance (办法 第十六条: it runs the national lists' dynamic
#: management); what it may change stays with the staff of the instance, but for opening the yearly filings on
#: the national instance (withheld on a province's: :func:`core.management.init_app`)
_READERS = frozenset({Role.MINISTRY})
#: this package's permissions, registered at start-up (:mod:`core.kernel.permissions`)
PERMISSIONS = (
    Permission(ManagementPerm.VIEW, frozenset({Role.APPLICANT, Role.CITY, *_STAFF, *_READERS}),
               _l("See listed units' filings and records")),
    Permission(ManagementPerm.FILE, frozenset({Role.APPLICANT}), _l("File annual data and report changes")),
    Permission(ManagementPerm.REVIEW, frozenset({Role.CITY}), _l("Review filings, changes and re-reviews")),
    Permission(ManagementPerm.PROPOSE, frozenset({Role.CITY, *_STAFF}), _l("Propose removing a listed unit")),
    Permission(ManagementPerm.DECIDE, _STAFF, _l("Decide and publish removals and bans")),
    Permission(ManagementPerm.DASHBOARD, frozenset({Role.CITY, *_STAFF, *_READERS}),
               _l("See the management dashboard")),
    Permission(ManagementPerm.VERIFY, frozenset({Role.CITY, *_STAFF}), _l("Verify complaints and re-reviews")),
    Permission(ManagementPerm.JOBS, frozenset({*_STAFF, *_READERS}), _l("Open the yearly filings and re-reviews")),
    Permission(ManagementPerm.FILES, frozenset({Role.CITY, *_STAFF}),
               _l("Attach and download the files of removals, complaints and re-reviews")),
)


def _active(user: Any) -> bool:
    return isinstance(user, User) and user.active


def actor(user: Any) -> str:
    return user.username if _active(user) else "public"


def scope(user: Any, unit_column, org_column=None) -> ColumnElement[bool]:
    """The WHERE clause of the rows ``user`` may see, by the rows' city and organization columns."""
    if not _active(user):
        return false()
    if user.role in (Role.PROVINCE, Role.ADMIN) or user.role in _READERS:
        return true()
    if user.role == Role.CITY and user.admin_unit_id is not None:
        return unit_column == user.admin_unit_id
    if user.role == Role.APPLICANT and user.organization_id is not None and org_column is not None:
        return org_column == user.organization_id
    return false()


def load(user: Any, model, ident: Any, unit_column=None, org_column=None, perm: str = ManagementPerm.VIEW,
         by_organization: bool = True):
    """One row of ``model`` through the user's scope (by the row's city and organization columns), then the
    role check for ``perm``: :func:`core.kernel.permissions.load_or_404`.

    ``by_organization`` False: the organization the row is about does not see it (a complaint).
    """
    unit_column = unit_column if unit_column is not None else model.admin_unit_id
    if org_column is None and by_organization:
        org_column = getattr(model, "organization_id", None)
    return load_or_404(user, model, ident, scope(user, unit_column, org_column), perm)


def city_of(user: Any) -> int | None:
    """The admin unit a city user works for (None for province staff: all cities)."""
    return accounts_access.city_of(user)
