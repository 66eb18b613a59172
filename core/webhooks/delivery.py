"""The background jobs of webhooks: the fan-out of committed audit rows into deliveries, and one delivery's POST.

A delivery is a signed JSON POST (:mod:`core.webhooks.signing`) with a timeout (:data:`TIMEOUT`). A 2xx answer
delivers it; any other answer, a timeout or a refused connection is logged as an attempt and retried by the job
system after the platform's default back-off (:data:`BACKOFF`: 1 min, 5 min, 30 min, 2 h, 12 h, six attempts in
all). Each attempt is committed to the delivery log before the retry is scheduled, so the log shows every one.
"""
from __future__ import annotations

import json
import time

from flask_babel import lazy_gettext as _l

from core.clock import now, real_now
from core.extensions import db
from core.jobs import job
from core.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from core.webhooks import service, signing

#: the platform's default: seconds before each retry after a failed attempt (the first attempt is at once)
BACKOFF = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: seconds a receiver has to answer (connecting and reading)
TIMEOUT = 10


class DeliveryFailed(RuntimeError):
    """A receiver did not answer 2xx: the job system sends the delivery again after the back-off."""


@job("webhooks.fan_out", _l("Webhook events"))
def fan_out(ctx, audit_ids: list[int]) -> dict[str, int]:
    return service.fan_out(audit_ids)


@job("webhooks.deliver", _l("Webhook delivery"), max_attempts=MAX_ATTEMPTS, backoff=BACKOFF, timeout=120)
def deliver(ctx, delivery_id: int, resent_by: str | None = None) -> dict[str, int] | None:
    """POST the delivery's event once; on a failure the attempt is committed and the job retried."""
    delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True)  # one attempt at a time
    if delivery is None or delivery.status == "delivered":
        return None
    sub = db.session.get(WebhookSubscription, delivery.subscription_id)
    if not sub.active:  # turned off since: nothing more is sent (a resend after turning it on sends it)
        delivery.next_attempt_at = None
        return {"delivered": 0, "status_code": 0}
    event = service.event_of(delivery)
    body = json.dumps(service.payload(event), ensure_ascii=False, separators=(",", ":")).encode()
    headers = signing.headers(sub.secret, event.public_id, int(real_now().timestamp()), body)
    headers["User-Agent"] = "greenmfg-webhooks/1"
    # here, not at import: a web worker that sends no webhook never loads requests (W5: 5.6 MiB with urllib3 &c.)
    import requests

    started = time.monotonic()
    code = error = answer = None
    try:
        response = requests.post(sub.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
        code, answer = response.status_code, response.text[:500]
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    ok = error is None
    attempt_no = ctx.attempt if ctx is not None else 1
    last = attempt_no >= MAX_ATTEMPTS
    retry_at = None if ok or last else now() + _delay(attempt_no)
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.status = "delivered" if ok else ("failed" if last else "pending")
    delivery.next_attempt_at = retry_at
    delivery.updated_at = now()
    db.session.add(WebhookAttempt(delivery_id=delivery.id, number=delivery.attempts, at=now(), status_code=code,
                                  ok=ok, error=error, response=answer, next_retry_at=retry_at,
                                  duration_ms=int((time.monotonic() - started) * 1000),
                                  resent_by=resent_by if attempt_no == 1 else None))
    if not ok and not last:
        db.session.commit()  # the attempt stays in the log; the job system rolls back only what follows
        raise DeliveryFailed(f"webhook delivery {delivery.id}: {error}")
    return {"delivered": int(ok), "status_code": code or 0}


def _delay(attempt: int):
    import datetime as dt

    return dt.timedelta(seconds=BACKOFF[min(attempt, len(BACKOFF)) - 1])
