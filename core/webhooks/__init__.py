"""Webhooks (issue 58): other systems of the province (an OA system, an archive) subscribe to the platform's events.

An administrator registers a receiver URL and the event kinds it wants (:mod:`.kinds`) and gets a secret, shown
once. When a transaction that audited such an event commits, a background job (:mod:`.delivery`) POSTs
``{id, kind, occurred_at, instance, data}`` signed as Standard Webhooks says (:mod:`.signing`), retried with
back-off; every attempt is in the delivery log. The page (:mod:`.views`), the API (:mod:`.api`) and ``greenmfg
webhooks`` call one service (:mod:`.service`). Like notifications, a feature above the others that none imports:
it listens to the audit log.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the permission, the jobs, the audit-log listener and the page (before ``jobs.init_app``)."""
    from core.kernel import permissions
    from core.webhooks import delivery, service, views  # noqa: F401  (delivery registers the jobs)
    from core.webhooks.access import PERMISSIONS

    permissions.registry(app).register(*PERMISSIONS)
    service.install()
    app.register_blueprint(views.bp)
