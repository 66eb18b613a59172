"""The event kinds a receiver may subscribe to (issue 58): each is an audited action of the platform, sent once the
transaction that audited it commits. What an event's ``data`` carries is the audit row's object and the facts of
the row named here (never who did it: receivers are other systems, the audit log keeps the names).

====================== ====================================== ======================================================
kind                   audited action                         when
====================== ====================================== ======================================================
application.submitted  ``application.submitted``              an enterprise submits its application (申报提交)
application.recommended ``application.recommended``           the city recommends it to the province (市级推荐)
list.published         ``list.decision_published``            a provincial (or national) list is published (名单发布)
notice.opened          ``notice.opened``                      a public notice opens (公示开始)
filing.submitted       ``filing.submitted``                   a listed unit submits its annual filing (年度报送)
recommendation.imported ``recommendation.imported``           the province imports a city's recommendation file
====================== ====================================== ======================================================
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    code: str
    #: the audited action it follows
    action: str
    label: Any
    #: the audit row's ``data`` keys the event carries
    keys: tuple[str, ...]


KINDS: tuple[Kind, ...] = (
    Kind("application.submitted", "application.submitted", _l("Application submitted"), ("score", "warnings")),
    Kind("application.recommended", "application.recommended", _l("Application recommended by the city"),
         ("levels", "quota_used", "quota_limit")),
    Kind("list.published", "list.decision_published", _l("List published"),
         ("level", "year", "document_no", "published_on", "listed", "recognized")),
    Kind("notice.opened", "notice.opened", _l("Public notice opened"),
         ("level", "year", "starts_on", "ends_on", "period_days", "applications")),
    Kind("filing.submitted", "filing.submitted", _l("Annual filing submitted"), ("year", "organization", "score")),
    Kind("recommendation.imported", "recommendation.imported", _l("Recommendation file imported"),
         ("province", "year", "version", "digest", "applications")),
)
#: the kind a test delivery carries (``greenmfg webhooks test``): sent to one subscription, never subscribed to
TEST_KIND = "webhook.test"
BY_CODE = {k.code: k for k in KINDS}
BY_ACTION = {k.action: k for k in KINDS}
CODES = [k.code for k in KINDS]


def event_data(kind: Kind, object_type: str, object_id: str | None, audit_data: dict[str, Any]) -> dict[str, Any]:
    """What an event of ``kind`` carries: the object it is about and the audit row's facts named by the kind."""
    out: dict[str, Any] = {"object": {"type": object_type, "id": object_id}}
    for key in kind.keys:
        if key in (audit_data or {}):
            out[key] = audit_data[key]
    return out
