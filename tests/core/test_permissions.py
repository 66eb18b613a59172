"""One permission registry (issue 22): which role may do what, pinned."""
from __future__ import annotations

#: today's full role -> permission table (accounts, review and management before the registry)
PINNED: dict[str, frozenset[str]] = {
    "applicant": frozenset({"application.view", "application.create", "application.edit", "tokens",
                            "evaluator.request", "management.view", "management.file"}),
    "city": frozenset({"application.view", "application.review", "summary", "tokens", "management.view",
                       "management.review", "management.propose", "management.dashboard", "management.verify"}),
    "province": frozenset({"application.view", "campaign.manage", "extension.grant", "tokens", "evaluator.registry",
                           "review.manage", "notice.manage", "recommend", "management.view", "management.propose",
                           "management.decide", "management.dashboard", "management.verify", "management.jobs"}),
    "admin": frozenset({"application.view", "campaign.manage", "extension.grant", "tokens", "evaluator.registry",
                        "review.manage", "notice.manage", "recommend", "recommendation.import", "management.view",
                        "management.propose", "management.decide", "management.dashboard", "management.verify",
                        "management.jobs"}),
    "evaluator": frozenset({"application.view", "tokens", "engagement.decide"}),
    "expert": frozenset({"tokens", "expert.score"}),
    "ministry": frozenset({"tokens", "evaluator.registry", "review.manage", "notice.manage",
                           "recommendation.import"}),
}


def _today() -> dict[str, frozenset[str]]:
    from core.accounts.permissions import ROLE_PERMISSIONS
    from core.management.access import ACTIONS
    from core.models import Role
    from core.review import access  # noqa: F401  (adds review's grants)

    return {str(role): frozenset({str(p) for p in ROLE_PERMISSIONS.get(role, ())}
                                 | {f"management.{a}" for a, roles in ACTIONS.items() if role in roles})
            for role in Role}


def test_pinned_role_permission_table():
    assert _today() == PINNED
