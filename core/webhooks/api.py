"""JSON API of webhooks (issue 58), for the instance's administrators, through :mod:`core.webhooks.service`:

* ``GET /webhooks/subscriptions``, ``POST`` (201 with the secret, shown this once: the POST ignores
  ``Idempotency-Key``, its answer being a credential);
* ``GET|PATCH /webhooks/subscriptions/{id}`` (change the URL, kinds, description, or turn it off);
* ``POST /webhooks/subscriptions/{id}/test``: a ``webhook.test`` event to it alone;
* ``GET /webhooks/deliveries`` (newest first; ``subscription_id``, ``status``), each with its attempts;
* ``POST /webhooks/deliveries/{id}/resend``.
"""
from __future__ import annotations

from typing import Any

from flask_smorest import Api
from marshmallow import fields

from core.api import Blueprint, authed
from core.api.etags import if_match
from core.api.idempotency import not_replayable
from core.api.paging import page_of, paged_query, seek
from core.api.resource import Resource
from core.api.schema import In, Out, Query, one_of, text
from core.clock import aware
from core.extensions import csrf, db
from core.models import WebhookDelivery, WebhookSubscription
from core.webhooks import kinds as K
from core.webhooks import service
from core.webhooks.access import WebhookPerm

API_PREFIX = "/api/v1"
_URL_DOC = "https:// (http:// only to localhost, a loopback or a private network address, for tests)"


class SubscriptionSchema(Out):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": _URL_DOC})
    kinds = fields.List(one_of(K.CODES), required=True)
    description = fields.String(required=True)
    active = fields.Boolean(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class NewSubscriptionSchema(SubscriptionSchema):
    secret = fields.String(required=True, metadata={
        "description": "whsec_ and the base64 of the HMAC key; shown this once: keep it in the receiver"})


class SubscriptionCreateSchema(In):
    url = text(500, 8, required=True, metadata={"description": _URL_DOC})
    kinds = fields.List(one_of(K.CODES), required=True)
    description = text(200, load_default="")


class SubscriptionPatchSchema(In):
    url = text(500, 8, metadata={"description": _URL_DOC})
    kinds = fields.List(one_of(K.CODES))
    description = text(200)
    active = fields.Boolean(metadata={"description": "false: nothing more is sent to it"})


class AttemptSchema(Out):
    number = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    status_code = fields.Integer(required=True, allow_none=True, metadata={"description": "null: no answer"})
    ok = fields.Boolean(required=True, metadata={"description": "a 2xx answer"})
    error = fields.String(required=True, allow_none=True)
    duration_ms = fields.Integer(required=True)
    next_retry_at = fields.DateTime(required=True, allow_none=True)
    resent_by = fields.String(required=True, allow_none=True)


class DeliverySchema(Out):
    id = fields.Integer(required=True)
    subscription_id = fields.Integer(required=True)
    event_id = fields.String(required=True, metadata={"description": "the webhook-id header's value"})
    kind = one_of([*K.CODES, K.TEST_KIND], required=True)
    occurred_at = fields.DateTime(required=True)
    status = one_of(list(service.STATUSES), required=True)
    attempts = fields.Integer(required=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    next_attempt_at = fields.DateTime(required=True, allow_none=True)
    log = fields.List(fields.Nested(AttemptSchema), required=True, metadata={"description": "every attempt"})


class DeliveryQuerySchema(Query):
    subscription_id = fields.Integer()
    status = one_of(list(service.STATUSES))


def _check(user: Any) -> None:
    from core.errors import AccessDenied
    from core.kernel.permissions import may

    if not may(user, WebhookPerm.MANAGE):
        raise AccessDenied("Only an administrator manages webhooks.")


def _times(record: dict[str, Any]) -> dict[str, Any]:
    return {k: aware(v) if hasattr(v, "tzinfo") else v for k, v in record.items()}


def _sub(sub: WebhookSubscription) -> dict[str, Any]:
    return _times(service.subscription_json(sub))


def _delivery(d: WebhookDelivery) -> dict[str, Any]:
    out = _times(service.delivery_json(d))
    out["log"] = [_times(a) for a in out["log"]]
    return out


blp = Blueprint("webhooks_api", __name__, url_prefix=API_PREFIX,
                description="Webhooks: other systems subscribed to the platform's events, and their deliveries")


@blp.route("/webhooks/subscriptions")
class Subscriptions(Resource):
    @authed(_check)
    @blp.arguments(paged_query("WebhookSubscriptionPageQuery"), location="query")
    @blp.response(200, page_of(SubscriptionSchema, "WebhookSubscriptionPage"))
    def get(self, args):
        """The subscriptions, oldest first (never their secrets)."""
        return seek(service.subscriptions_query(), WebhookSubscription.id, args=args, json=_sub)

    @authed(_check)
    @not_replayable  # the answer holds the secret: never stored
    @blp.arguments(SubscriptionCreateSchema)
    @blp.response(201, NewSubscriptionSchema)
    def post(self, args):
        """Subscribe a receiver URL to event kinds; the answer holds its signing secret, shown this once. Audited."""
        sub, secret = service.subscribe(args["url"], args["kinds"], args["description"], self.user.username)
        db.session.commit()
        return {**_sub(sub), "secret": secret}


@blp.route("/webhooks/subscriptions/<int:ident>")
class OneSubscription(Resource):
    @authed(_check)
    @blp.response(200, SubscriptionSchema)
    def get(self, ident):
        """One subscription."""
        return _sub(service.subscription(ident))

    @authed(_check)
    @blp.arguments(SubscriptionPatchSchema)
    @if_match(answers_as_get=True)
    @blp.response(200, SubscriptionSchema)
    def patch(self, args, ident):
        """Change the URL, kinds or description, or turn it off or on (only the fields sent change; If-Match: the
        tag of the GET). Audited."""
        sub = service.change(service.subscription(ident), self.user.username, **args)
        db.session.commit()
        return _sub(sub)


@blp.route("/webhooks/subscriptions/<int:ident>/test")
class TestDelivery(Resource):
    @authed(_check)
    @blp.response(201, DeliverySchema)
    def post(self, ident):
        """Send a webhook.test event to this subscription alone (checks the receiver's verification). Audited."""
        delivery = service.send_test(service.subscription(ident), self.user.username)
        db.session.commit()
        return _delivery(delivery)


@blp.route("/webhooks/deliveries")
class Deliveries(Resource):
    @authed(_check)
    @blp.arguments(paged_query("WebhookDeliveryPageQuery", DeliveryQuerySchema), location="query")
    @blp.response(200, page_of(DeliverySchema, "WebhookDeliveryPage"))
    def get(self, args):
        """The delivery log, newest first: each delivery's status and every attempt (answer, error, next retry)."""
        query = service.deliveries_query(args.get("subscription_id"), args.get("status"))
        return seek(query, WebhookDelivery.id, args=args, descending=True, json=_delivery)


@blp.route("/webhooks/deliveries/<int:ident>/resend")
class Resend(Resource):
    @authed(_check)
    @blp.response(200, DeliverySchema)
    def post(self, ident):
        """Send a delivery again now (the same event id), with its retries. Audited."""
        delivery = service.resend(service.delivery(ident), self.user.username)
        db.session.commit()
        return _delivery(delivery)


def register_api(api: Api) -> None:
    api.register_blueprint(blp)
    csrf.exempt(blp)
