"""Who may manage webhooks: the instance's administrators (the receivers are other systems of the province)."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.kernel.permissions import Permission
from core.models import Role


class WebhookPerm(StrEnum):
    MANAGE = "admin.webhooks"


PERMISSIONS = (Permission(WebhookPerm.MANAGE, frozenset({Role.ADMIN}),
                          _l("Subscribe other systems to the platform's events (webhooks) and read their deliveries")),)
