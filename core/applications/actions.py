"""What an application's operation log calls each recorded action, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "application.created": _l("Application created"), "application.saved": _l("Draft saved"),
    "application.submitted": _l("Submitted"), "application.returned": _l("Returned for correction"),
    "application.rejected": _l("Rejected"), "application.recommended": _l("Recommended by the city"),
    "application.recommendation_withdrawn": _l("Recommendation withdrawn"),
    "evaluator.requested": _l("Third-party evaluation requested"),
    "evaluator.request_accepted": _l("Evaluation request accepted"),
    "evaluator.request_declined": _l("Evaluation request declined"),
    "evaluator.request_cancelled": _l("Evaluation request cancelled"),
    "evaluator.engagement_accepted": _l("Evaluation engagement accepted"),
    "evaluator.report_filed": _l("Evaluation report filed"),
    "evidence.uploaded": _l("File uploaded"), "evidence.deleted": _l("File deleted"),
    "list.entry_created": _l("Entered in the list"), "notice.application_in_notice": _l("In public notice"),
    "notice.application_removed": _l("Removed from the public notice"), "quota.reserved": _l("Quota place taken"),
    "recommendation.unit_added": _l("Added to the national recommendation"),
    "recommendation.unit_queued": _l("Queued for the national recommendation"),
    "recommendation.unit_removed": _l("Removed from the national recommendation"),
    "review.expert_assigned": _l("Expert assigned"), "review.experts_drawn": _l("Experts drawn"),
    "review.assignment_declined": _l("Expert declined the assignment"), "review.graded": _l("Graded"),
    "review.scores_saved": _l("Expert scores saved"), "review.scores_submitted": _l("Expert scores submitted"),
}
OTHER = _l("Other change")


def action_label(action: str) -> str:
    """A recorded action in words (never its code)."""
    return str(ACTIONS.get(action, OTHER))
