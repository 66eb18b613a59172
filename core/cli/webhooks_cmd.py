"""``greenmfg webhooks add|list|deliveries|test|resend``: other systems subscribed to the platform's events
(issue 58), through :mod:`core.webhooks.service` as the page and the API."""
from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext

from core.cli.output import emit, format_option
from core.errors import GreenmfgError
from core.extensions import db

_SUBSCRIPTION_COLUMNS = ["id", "url", "kinds", "active", "description", "created_by", "created_at"]
_DELIVERY_COLUMNS = ["id", "subscription_id", "kind", "event_id", "status", "attempts", "last_status_code",
                     "next_attempt_at", "attempt_codes"]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _run(action):
    try:
        out = action()
        db.session.commit()
        return out
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(exc.bilingual()) from None


@click.group("webhooks")
def webhooks_group() -> None:
    """Webhooks: subscribe other systems to the platform's events; read the delivery log. 事件订阅（Webhook）。"""


@webhooks_group.command("add")
@click.argument("url")
@click.option("--kind", "kinds", multiple=True, required=True,
              help="事件类型 / an event kind (repeat), e.g. application.submitted")
@click.option("--description", default="", help="接收系统 / which system receives")
@with_appcontext
def add_command(url: str, kinds: tuple[str, ...], description: str) -> None:
    """Subscribe URL to event kinds; prints the signing secret (shown this once). Audited."""
    from core.webhooks import service

    sub, secret = _run(lambda: service.subscribe(url, list(kinds), description, _actor()))
    click.echo(f"订阅 / subscription {sub.id}: {sub.url} ({', '.join(sub.kinds)})")
    click.echo(f"密钥（仅显示一次）/ secret (shown once): {secret}")


@webhooks_group.command("list")
@format_option
@with_appcontext
def list_command(fmt: str) -> None:
    """The subscriptions (never their secrets)."""
    from core.webhooks import service

    emit([service.subscription_json(s) for s in service.subscriptions()], fmt, _SUBSCRIPTION_COLUMNS)


@webhooks_group.command("deliveries")
@click.option("--subscription", "subscription_id", type=int, default=None, help="订阅编号 / one subscription's")
@click.option("--status", type=click.Choice(["pending", "delivered", "failed"]), default=None)
@click.option("--limit", type=int, default=50, show_default=True)
@format_option
@with_appcontext
def deliveries_command(subscription_id: int | None, status: str | None, limit: int, fmt: str) -> None:
    """The delivery log, newest first: each delivery's status and its attempts' answers."""
    from core.models import WebhookDelivery
    from core.webhooks import service

    rows = list(db.session.scalars(service.deliveries_query(subscription_id, status)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))
    attempts = service.attempts_of([r.id for r in rows])
    out = []
    for row in rows:
        record = service.delivery_json(row, attempts[row.id])
        record["attempt_codes"] = [a["status_code"] or a["error"] for a in record["log"]]
        if fmt != "json":
            record.pop("log")
        else:
            from core.cli.output import cell

            record["log"] = [{k: cell(v) for k, v in a.items()} for a in record["log"]]
        out.append(record)
    emit(out, fmt, _DELIVERY_COLUMNS)


@webhooks_group.command("test")
@click.argument("subscription_id", type=int)
@with_appcontext
def test_command(subscription_id: int) -> None:
    """Send a webhook.test event to one subscription (its attempts appear in the delivery log). Audited."""
    from core.webhooks import service

    delivery = _run(lambda: service.send_test(service.subscription(subscription_id), _actor()))
    click.echo(f"投递 / delivery {delivery.id} 已排队 / queued")


@webhooks_group.command("resend")
@click.argument("delivery_id", type=int)
@with_appcontext
def resend_command(delivery_id: int) -> None:
    """Send a delivery again now (the same event id). Audited."""
    from core.webhooks import service

    delivery = _run(lambda: service.resend(service.delivery(delivery_id), _actor()))
    click.echo(f"投递 / delivery {delivery.id} 已重新排队 / queued again")


COMMANDS = [webhooks_group]
