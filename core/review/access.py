"""Permissions of the review, notice and list pages, added to the one access-control mechanism.

:mod:`core.accounts.permissions` decides what a role may do (``require(user, perm)``); this
module adds this package's permissions to its role table at import, so every check still goes
through that one place. Applications are loaded through :func:`staff_application`, which uses
the same scope (province and ministry staff see every submitted application of the instance).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.sql import ColumnElement

from core.accounts.permissions import ROLE_PERMISSIONS, application_scope, require
from core.errors import NotFound
from core.extensions import db
from core.models import Application, ApplicationStatus, Role, User


class ReviewPerm(StrEnum):
    #: register evaluator firms, their qualifications, affiliates and sanctions
    EVALUATOR_REGISTRY = "evaluator.registry"
    #: an applicant names a third-party firm
    EVALUATOR_REQUEST = "evaluator.request"
    #: accept or decline an evaluation request (the firm)
    ENGAGEMENT_DECIDE = "engagement.decide"
    #: manage the expert pool, assign or draw experts, record the panel result
    REVIEW_MANAGE = "review.manage"
    #: score assigned applications (experts)
    EXPERT_SCORE = "expert.score"
    #: open public notices, resolve objections, publish lists
    NOTICE_MANAGE = "notice.manage"
    #: recommend units to the national list and export the signed file
    RECOMMEND = "recommend"
    #: import a province's signed recommendation (national instance)
    RECOMMENDATION_IMPORT = "recommendation.import"


GRANTS: dict[Role, frozenset[ReviewPerm]] = {
    Role.APPLICANT: frozenset({ReviewPerm.EVALUATOR_REQUEST}),
    Role.EVALUATOR: frozenset({ReviewPerm.ENGAGEMENT_DECIDE}),
    Role.EXPERT: frozenset({ReviewPerm.EXPERT_SCORE}),
    Role.PROVINCE: frozenset({ReviewPerm.EVALUATOR_REGISTRY, ReviewPerm.REVIEW_MANAGE, ReviewPerm.NOTICE_MANAGE,
                              ReviewPerm.RECOMMEND}),
    Role.ADMIN: frozenset({ReviewPerm.EVALUATOR_REGISTRY, ReviewPerm.REVIEW_MANAGE, ReviewPerm.NOTICE_MANAGE,
                           ReviewPerm.RECOMMEND, ReviewPerm.RECOMMENDATION_IMPORT}),
    Role.MINISTRY: frozenset({ReviewPerm.EVALUATOR_REGISTRY, ReviewPerm.REVIEW_MANAGE, ReviewPerm.NOTICE_MANAGE,
                              ReviewPerm.RECOMMENDATION_IMPORT}),
}


def install() -> None:
    """Add :data:`GRANTS` to the role table (idempotent)."""
    for role, perms in GRANTS.items():
        ROLE_PERMISSIONS[role] = frozenset(ROLE_PERMISSIONS.get(role, frozenset()) | perms)


install()

STAFF = (Role.PROVINCE, Role.ADMIN, Role.MINISTRY)


def staff_scope(user: Any) -> ColumnElement[bool]:
    """Applications review staff see: every submitted one (province, admin, ministry); else the user's scope."""
    if isinstance(user, User) and user.active and user.role in STAFF:
        return Application.status != ApplicationStatus.DRAFT
    return application_scope(user) if isinstance(user, User) else false()


def staff_application(user: Any, application_id: Any, perm: ReviewPerm, for_update: bool = False) -> Application:
    """Load one application in the user's scope (404 outside it), then check ``perm`` (403)."""
    try:
        ident = int(application_id)
    except (TypeError, ValueError):
        raise NotFound("No such application.") from None
    if not 0 < ident < 2**31:
        raise NotFound("No such application.")
    query = select(Application).where(staff_scope(user), Application.id == ident)
    if for_update:
        query = query.with_for_update()
    application = db.session.scalar(query)
    if application is None:
        raise NotFound("No such application.")
    require(user, perm)
    return application
