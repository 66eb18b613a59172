"""Webhooks (issue 58): subscriptions, the events the audit log gives them, and what was delivered.

How an event reaches a receiver: :mod:`core.services.audit_followers` notes the new audit rows whose action is an
event kind (:data:`core.webhooks.kinds.BY_ACTION`) and, before the commit, :func:`_fan_out_on_commit` adds one
``webhooks.fan_out`` job for them to the same transaction when an active subscription wants one of them. So a
change that is rolled back leaves neither its audit rows nor the job, and nothing is sent before the commit. The
job writes the event and one delivery per subscription wanting it, and queues a ``webhooks.deliver`` job for each
(:mod:`core.webhooks.delivery`), which the job system retries with back-off.

Every change of a subscription is audited; the web page, the API and ``greenmfg webhooks`` call these functions.
"""
from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import now
from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core.models import (
    AuditLog,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from core.services import audit, audit_followers
from core.webhooks import kinds as K
from core.webhooks import signing

STATUSES = ("pending", "delivered", "failed")


def _bad_url() -> InvalidInput:
    return InvalidInput("A receiver URL must be an https:// address (http:// only to this machine or a private network "
                        "address, for tests), without user name or password, at most 500 characters.", field="url")


# ------------------------------------------------------------ subscriptions --

def check_url(url: str) -> str:
    """The URL as kept, or :class:`InvalidInput` on ``url``: https anywhere; http only to ``localhost``, a loopback
    or a private address (a receiver on the same machine or network, as in tests); no credentials, no fragment."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a port that is no number raises
    except ValueError:
        raise _bad_url() from None
    if len(url) > 500 or not host or parts.username or parts.password or parts.fragment:
        raise _bad_url()
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and _local(host):
        return url
    raise _bad_url()


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def check_kinds(kinds: list[str] | None) -> list[str]:
    chosen = [k for k in K.CODES if k in set(kinds or ())]
    if not chosen or set(kinds or ()) - set(K.CODES):
        raise InvalidInput("Choose at least one event kind among: %(known)s.", field="kinds", known=", ".join(K.CODES))
    return chosen


def subscribe(url: str, kinds: list[str], description: str, actor: str) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown once: only the signing needs it afterwards). Audited (without
    the secret)."""
    sub = WebhookSubscription(url=check_url(url), kinds=check_kinds(kinds), description=(description or "")[:200],
                              secret=signing.new_secret(), active=True, created_by=actor, created_at=now(),
                              updated_at=now())
    db.session.add(sub)
    db.session.flush()
    audit.record(actor, "webhook.subscribed", "webhook_subscription", sub.id, url=sub.url, kinds=sub.kinds)
    return sub, sub.secret


def change(sub: WebhookSubscription, actor: str, **changes: Any) -> WebhookSubscription:
    """Change the URL, kinds, description or whether it is active (only what is given). Audited."""
    before = subscription_json(sub)
    if changes.get("url") is not None:
        sub.url = check_url(changes["url"])
    if changes.get("kinds") is not None:
        sub.kinds = check_kinds(changes["kinds"])
    if changes.get("description") is not None:
        sub.description = changes["description"][:200]
    if changes.get("active") is not None:
        sub.active = bool(changes["active"])
    after = subscription_json(sub)
    changed = {k: after[k] for k in ("url", "kinds", "description", "active") if after[k] != before[k]}
    if changed:
        sub.updated_at = now()
        audit.record(actor, "webhook.changed", "webhook_subscription", sub.id, **changed)
    return sub


def subscriptions() -> list[WebhookSubscription]:
    return list(db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def subscription(ident: int) -> WebhookSubscription:
    sub = db.session.get(WebhookSubscription, ident)
    if sub is None:
        raise NotFound("No such webhook subscription.")
    return sub


def subscription_json(sub: WebhookSubscription) -> dict[str, Any]:
    return {"id": sub.id, "url": sub.url, "kinds": list(sub.kinds or []), "description": sub.description or "",
            "active": bool(sub.active), "created_by": sub.created_by, "created_at": sub.created_at,
            "updated_at": sub.updated_at}


# ------------------------------------------------------------------ events --

def _fan_out_on_commit(session: Session, found: list[tuple[int, str]]) -> None:
    wanted = {k for kinds in session.scalars(select(WebhookSubscription.kinds).where(WebhookSubscription.active))
              for k in kinds or ()}
    ids = sorted({ident for ident, action in found if K.BY_ACTION[action].code in wanted})
    if ids:  # no job at all while nobody subscribed to these kinds
        from core.jobs import enqueue

        enqueue("webhooks.fan_out", ids, actor="webhooks")


def install() -> None:
    audit_followers.follow("webhooks", K.BY_ACTION.__contains__, _fan_out_on_commit)


def _new_event(kind: str, occurred_at: Any, data: dict[str, Any], audit_id: int | None = None) -> WebhookEvent:
    event = WebhookEvent(public_id="msg_" + uuid.uuid4().hex, kind=kind, occurred_at=occurred_at, data=data,
                         audit_id=audit_id)
    db.session.add(event)
    db.session.flush()
    return event


def _deliver(event: WebhookEvent, sub: WebhookSubscription, resent_by: str | None = None) -> WebhookDelivery:
    from core.jobs import enqueue

    delivery = WebhookDelivery(event_id=event.id, subscription_id=sub.id, status="pending", attempts=0,
                               next_attempt_at=now(), created_at=now(), updated_at=now())
    db.session.add(delivery)
    db.session.flush()
    enqueue("webhooks.deliver", delivery.id, actor="webhooks")
    return delivery


def fan_out(audit_ids: list[int]) -> dict[str, int]:
    """The events of the committed audit rows ``audit_ids`` (once each) and a delivery to every active
    subscription wanting their kind."""
    rows = db.session.scalars(select(AuditLog).where(AuditLog.id.in_(audit_ids)).order_by(AuditLog.id)).all()
    done = set(db.session.scalars(select(WebhookEvent.audit_id).where(WebhookEvent.audit_id.in_(audit_ids))))
    subs = [s for s in subscriptions() if s.active]
    events = deliveries = 0
    for row in rows:
        kind = K.BY_ACTION.get(row.action)
        if kind is None or row.id in done:
            continue
        wanting = [s for s in subs if kind.code in (s.kinds or ())]
        if not wanting:
            continue
        event = _new_event(kind.code, row.at, K.event_data(kind, row.object_type, row.object_id, row.data), row.id)
        events += 1
        for sub in wanting:
            _deliver(event, sub)
            deliveries += 1
    return {"events": events, "deliveries": deliveries}


def send_test(sub: WebhookSubscription, actor: str) -> WebhookDelivery:
    """A ``webhook.test`` event to ``sub`` alone (to check the receiver and its verification). Audited."""
    event = _new_event(K.TEST_KIND, now(), {"object": {"type": "webhook_subscription", "id": str(sub.id)},
                                            "message": "greenmfg webhook test"})
    delivery = _deliver(event, sub)
    audit.record(actor, "webhook.tested", "webhook_subscription", sub.id, delivery=delivery.id)
    return delivery


def resend(delivery: WebhookDelivery, actor: str) -> WebhookDelivery:
    """Send a delivery again now, with its retries (the same event and message id). Audited."""
    if delivery.status == "pending" and delivery.attempts == 0 and delivery.next_attempt_at is not None:
        raise Refused("This delivery has not been attempted yet; it is on its way.")
    from core.jobs import enqueue

    delivery.status, delivery.next_attempt_at, delivery.updated_at = "pending", now(), now()
    enqueue("webhooks.deliver", delivery.id, resent_by=actor, actor="webhooks")
    audit.record(actor, "webhook.resent", "webhook_delivery", delivery.id, subscription=delivery.subscription_id,
                 event=event_of(delivery).public_id)
    return delivery


# -------------------------------------------------------------- the log --

def delivery(ident: int) -> WebhookDelivery:
    row = db.session.get(WebhookDelivery, ident)
    if row is None:
        raise NotFound("No such webhook delivery.")
    return row


def deliveries_query(subscription_id: int | None = None, status: str | None = None):
    query = select(WebhookDelivery)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    return query


def event_of(delivery: WebhookDelivery) -> WebhookEvent:
    return db.session.get(WebhookEvent, delivery.event_id)


def attempts_of(delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    out: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    for row in db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                                  .order_by(WebhookAttempt.id)):
        out[row.delivery_id].append(row)
    return out


def attempt_json(a: WebhookAttempt) -> dict[str, Any]:
    return {"number": a.number, "at": a.at, "status_code": a.status_code, "ok": a.ok, "error": a.error,
            "duration_ms": a.duration_ms, "next_retry_at": a.next_retry_at, "resent_by": a.resent_by}


def delivery_json(d: WebhookDelivery, attempts: list[WebhookAttempt] | None = None) -> dict[str, Any]:
    event = event_of(d)
    if attempts is None:
        attempts = attempts_of([d.id])[d.id]
    return {"id": d.id, "subscription_id": d.subscription_id, "event_id": event.public_id, "kind": event.kind,
            "occurred_at": event.occurred_at, "status": d.status, "attempts": d.attempts,
            "last_status_code": d.last_status_code, "next_attempt_at": d.next_attempt_at,
            "log": [attempt_json(a) for a in attempts]}


def payload(event: WebhookEvent) -> dict[str, Any]:
    """The body every receiver gets: ``{id, kind, occurred_at, instance, data}``."""
    from core.clock import aware
    from core.kernel.rules import region_rules
    from core.ratelimit import instance_name

    return {"id": event.public_id, "kind": event.kind,
            "occurred_at": aware(event.occurred_at).isoformat(timespec="seconds"),
            "instance": {"name": instance_name(current_app), "region": region_rules().region_code,
                         "url": current_app.config.get("GREENMFG_BASE_URL")},
            "data": event.data}


def subscriptions_query():
    return select(WebhookSubscription)
