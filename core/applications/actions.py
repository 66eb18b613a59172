"""What an application's operation log calls each recorded action, in the reader's language."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from core.i18n import local_text
from core.models import ApplicationStatus

ACTIONS = {
    "application.created": _l("Application created"), "application.saved": _l("Draft saved"),
    "application.carried": _l("Values carried from the city round"),
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


#: an application's status in words (never its code)
S = ApplicationStatus
STATUS_NAMES = {
    S.DRAFT: _l("Draft"), S.SUBMITTED: _l("Submitted"), S.RETURNED: _l("Returned for correction"),
    S.CITY_RECOMMENDED: _l("Recommended by the city"), S.REJECTED: _l("Rejected"),
    S.UNDER_REVIEW: _l("Under provincial review"), S.GRADED: _l("Graded"), S.IN_NOTICE: _l("In public notice"),
    S.LISTED: _l("Listed"), S.WITHDRAWN: _l("Withdrawn"),
}

_FIELDS = {"contact_name": _l("Contact person"), "contact_phone": _l("Contact phone"),
           "contact_email": _l("Contact e-mail"), "legal_representative": _l("Legal representative"),
           "address": _l("Address"), "industry": _l("Industry"), "evaluation_mode": _l("Evaluation mode"),
           "requested_levels": _l("Levels applied for"), "evidence": _l("Evidence")}
OTHER_FIELD = _l("Application data")


def change_labels(rules, unit_type: str, level: str, year: int, form_fields, indicators=()) -> dict[str, str]:
    """What each key of a recorded change (``contact_name``, ``ext.<field>``, ``declarations.<item>``,
    ``indicator.<n>``) is called on the form of ``unit_type`` at ``level`` in ``year``'s round (plain values: a
    refusal names its fields when it is read, maybe after the application's session has ended)."""
    from core.plugins.types import Level

    labels = {key: str(label) for key, label in _FIELDS.items()}
    labels.update({f"ext.{f.code}": local_text(f.label, f.label_en) for f in form_fields})
    labels.update({f"indicator.{i.number}": f"{i.number}. {local_text(i.name, i.name_en)}" for i in indicators})
    try:
        items = rules.negative_list_for(unit_type, Level(level), year)
    except (KeyError, ValueError):
        items = ()
    labels.update({f"declarations.{i.code}": local_text(i.title, i.title_en) for i in items})
    return labels


def change_value(key: str, value, rules, modes, form_fields=(), files=None) -> str:
    """A value before or after a change, as the form shows it: an industry, a level and an evaluation mode by
    their names, a region field's option by its label (``form_fields``: the application's), a negative-list item
    by the answer given on the form (a declaration ``True`` is the answer 否, the item does not apply), an
    uploaded file by its name (``files``: {evidence id: file name} of the application's files), yes/no."""
    from core.applications.fields import is_upload, shown_value
    from core.kernel.names import local_name
    from core.web.names import indicator_value, plain_value

    if key.startswith("declarations.") and isinstance(value, bool):
        return str(NEG_WORDS[value])
    if key.startswith("ext."):
        field = next((f for f in form_fields if f.code == key[4:]), None)
        if field is not None and is_upload(field) and value not in (None, ""):
            return (files or {}).get(str(value)) or str(DELETED_FILE)
        if field is not None:
            value = shown_value(field, value)
    if key == "industry" and isinstance(value, str) and value in rules.industries:
        return local_name(rules.industries[value])
    if key == "requested_levels" and isinstance(value, list):
        return ", ".join(local_name(rules.list_levels.get(v)) if v in rules.list_levels else str(v) for v in value)
    if key == "evaluation_mode" and value in modes:
        return str(modes[value])
    if key.startswith("indicator."):
        return indicator_value(value)
    if key.isdigit() and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.2f}"  # an expert's score of an indicator, as the score tables print it
    return plain_value(value)


#: a file a change named that the application no longer holds
DELETED_FILE = _l("a file since deleted")

#: a negative-list declaration as the form's question was answered: ``True`` declares the item does not apply (否)
NEG_WORDS = {True: _l("No"), False: _l("Yes")}

#: the order of a change's keys on a page: the form's (its unit and contact fields, the evaluation, the negative
#: list, the indicators, the region's fields)
_GROUPS = ("legal_representative", "address", "contact_name", "contact_phone", "contact_email", "industry",
           "evaluation_mode", "requested_levels", "declarations", "indicator", "ext", "evidence")


def change_order(key: str) -> tuple:
    """Sort key of a recorded change's key: by the form's sections, numbers by their value (indicator 2 before
    indicator 10), never as text."""
    head = key.split(".", 1)[0]
    rank = _GROUPS.index(head) if head in _GROUPS else len(_GROUPS)
    parts = re.split(r"(\d+)", key)
    return (rank, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p])


def ordered_changes(diff) -> list:
    """A recorded change's ``(key, [before, after])`` pairs in the form's order (:func:`change_order`)."""
    return sorted((diff or {}).items(), key=lambda kv: change_order(kv[0]))
