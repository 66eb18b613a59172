"""Permissions of the review, notice and list pages, registered in the one permission registry.

:mod:`core.kernel.permissions` decides what a role may do (``require(user, perm)``); this module
declares this package's permissions (:data:`PERMISSIONS`), which the app registers at start-up. Applications are loaded through :func:`staff_application`, which uses
the same scope (province and ministry staff see every submitted application of the instance).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, true
from sqlalchemy.sql import ColumnElement

from core.accounts.permissions import application_scope, firm_of, organization_of
from core.kernel.permissions import Permission, load_or_404, may
from core.models import (
    Application, ApplicationStatus, EvaluationRequest, ExpertAssignment, ExpertProfile, Role, User,
)


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
    #: file the evaluation report of an engagement one's firm accepted, reading its case file (the firm)
    REPORT_FILE = "evaluation.report"


STAFF = (Role.PROVINCE, Role.ADMIN, Role.MINISTRY)
#: this package's permissions, registered at start-up (:mod:`core.kernel.permissions`)
PERMISSIONS = (
    Permission(ReviewPerm.EVALUATOR_REGISTRY, frozenset(STAFF),
               _l("Register evaluator firms, their qualifications, affiliates and sanctions")),
    Permission(ReviewPerm.EVALUATOR_REQUEST, frozenset({Role.APPLICANT}), _l("Name a third-party evaluator firm")),
    Permission(ReviewPerm.ENGAGEMENT_DECIDE, frozenset({Role.EVALUATOR}), _l("Accept or decline evaluation requests")),
    Permission(ReviewPerm.REVIEW_MANAGE, frozenset(STAFF),
               _l("Manage the expert pool, assign or draw experts, record the panel result")),
    Permission(ReviewPerm.EXPERT_SCORE, frozenset({Role.EXPERT}), _l("Score assigned applications")),
    Permission(ReviewPerm.NOTICE_MANAGE, frozenset(STAFF), _l("Open public notices, resolve objections, publish lists")),
    Permission(ReviewPerm.RECOMMEND, frozenset({Role.PROVINCE, Role.ADMIN}),
               _l("Recommend units to the national list and export the signed file")),
    Permission(ReviewPerm.RECOMMENDATION_IMPORT, frozenset({Role.ADMIN, Role.MINISTRY}),
               _l("Import a province's signed recommendation")),
    Permission(ReviewPerm.REPORT_FILE, frozenset({Role.EVALUATOR}),
               _l("Read the case files of one's firm's engagements and file their evaluation reports")),
)


def staff_scope(user: Any) -> ColumnElement[bool]:
    """Applications review staff see: every submitted one (province, admin, ministry); else the user's scope."""
    if isinstance(user, User) and user.active and user.role in STAFF:
        return Application.status != ApplicationStatus.DRAFT
    return application_scope(user) if isinstance(user, User) else false()


def staff_application(user: Any, application_id: Any, perm: ReviewPerm, for_update: bool = False) -> Application:
    """One application in the user's :func:`staff_scope` (404 outside it), then ``perm`` (403):
    :func:`core.kernel.permissions.load_or_404`."""
    return load_or_404(user, Application, application_id, staff_scope(user), perm, for_update=for_update,
                       message="No such application.")


def request_scope(user: Any) -> ColumnElement[bool]:
    """Evaluation requests a user may see: its firm's, its organization's applications', or any (registry staff)."""
    if may(user, ReviewPerm.EVALUATOR_REGISTRY):
        return true()
    firm, org = firm_of(user), organization_of(user)
    seen = ([EvaluationRequest.firm_id == firm] if firm is not None else []) + (
        [EvaluationRequest.application_id.in_(select(Application.id).where(Application.organization_id == org))]
        if org is not None else [])
    return or_(*seen) if seen else false()


def assignment_scope(user: Any) -> ColumnElement[bool]:
    """Expert assignments a user may open as the expert: its own."""
    if not isinstance(user, User) or not user.active:
        return false()
    return ExpertAssignment.expert_id.in_(select(ExpertProfile.id).where(ExpertProfile.user_id == user.id))
