"""The city's bulk review (issue 20): recommend or return several submitted applications at once.

All or nothing (:func:`core.services.bulk.apply_to_each`): the same service as one by one, per application
(its checks, its audit row); one refusal and nothing is kept, every refusal listed. The web page and the
JSON API would call these same functions.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from core.accounts.permissions import Perm, application_for
from core.applications import services
from core.services.bulk import apply_to_each

ACTIONS = ("recommend", "return")


def _label(application) -> str:
    return f"{application.id} {application.organization.name}"


def chosen(user, ids: Iterable[int]) -> list:
    """The applications ticked, each one the user may review (else 404, as one by one)."""
    return [application_for(user, int(i), Perm.APPLICATION_REVIEW) for i in dict.fromkeys(ids)]


def recommend_many(user, applications: list, *, consulted_departments: Iterable[str] = (),
                   acknowledge_warnings: bool = False, opinion: str | None = None) -> list[dict[str, Any]]:
    """Recommend each application (every level it asks for) with the same consultation and the same 推荐意见
    (where the region asks for one); the outcomes."""
    departments = list(consulted_departments)
    return apply_to_each(applications, lambda a: services.recommend(
        a, user.username, consulted_departments=departments, acknowledge_warnings=acknowledge_warnings,
        opinion=opinion), _label)


def return_many(user, applications: list, *, reason: str, until: dt.datetime | None) -> None:
    """Return each application for correction with the same reason and end of the correction period."""
    apply_to_each(applications, lambda a: services.return_for_correction(a, reason, until, user.username), _label)
