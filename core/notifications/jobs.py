"""The background jobs that deliver notifications (registered with the job system at import)."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, lazy_gettext as _l

from core.extensions import db
from core.jobs import job
from core.clock import now
from core.models import Notification, User
from core.notifications import messages, service
from core.notifications.sms import gateway

_OPEN = _l("Open: %(link)s")
_VERIFY_SUBJECT = _l("Confirm your e-mail address")
_VERIFY_TEXT = _l("You gave this address when registering %(unit)s on the green manufacturing platform. Open this "
                  "link within %(hours)d hours to receive your messages here:\n\n%(link)s\n\nIf you did not "
                  "register, ignore this e-mail; nothing will be sent to you.")


def _load(notification_id: int) -> tuple[Notification, User, Any] | None:
    """The notification, locked until the job's commit: a second run of the same job (sent again when a busy
    worker's heartbeat was late) waits here and then finds it already sent, instead of sending it twice."""
    n = db.session.get(Notification, notification_id, with_for_update=True)
    if n is None:
        return None
    user = db.session.get(User, n.user_id)
    return n, user, service.setting_of(user)


@job("notifications.deliver", _l("Notifications"))
def deliver(ctx, audit_ids: list[int]) -> dict[str, int]:
    return service.deliver(audit_ids)


@job("notifications.email", _l("Notification e-mail"), max_attempts=6, backoff=(30, 120, 600, 1800, 3600))
def email(ctx, notification_id: int) -> dict[str, int] | None:
    """One notification by e-mail, in the recipient's language; an SMTP failure raises and is retried."""
    loaded = _load(notification_id)
    if loaded is None or loaded[0].emailed_at is not None or loaded[2] is None or not loaded[2].email:
        return None
    n, user, setting = loaded
    with force_locale(service.language_of(user, setting)):
        subject, text = messages.render(n)
        link = messages.translate(_OPEN) % {"link": service.absolute(n.link)}
    # here: SMTP is loaded by the job worker that sends, not every web worker
    from core.notifications import mail

    sent = mail.send(setting.email, subject, f"{text}\n\n{link}\n")
    n.emailed_at = now()
    return {"sent": int(sent)}


@job("notifications.sms", _l("Notification SMS"), max_attempts=6, backoff=(30, 120, 600, 1800, 3600))
def sms(ctx, notification_id: int) -> dict[str, int] | None:
    loaded = _load(notification_id)
    if loaded is None or loaded[0].texted_at is not None or loaded[2] is None or not loaded[2].phone:
        return None
    n, user, setting = loaded
    with force_locale(service.language_of(user, setting)):
        _subject, text = messages.render(n)
    gateway().send(setting.phone, text)
    n.texted_at = now()
    return {"sent": 1}


@job("notifications.verify_email", _l("E-mail address check"), max_attempts=6, backoff=(30, 120, 600, 1800, 3600))
def verify_email(ctx, user_id: int, email: str, by_email: bool, nonce: str | None = None) -> dict[str, int] | None:
    """The link that verifies the address a registration gave (:func:`core.notifications.service.verify_email`),
    in the account's language; an SMTP failure raises and is retried."""
    from core.models import Organization

    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    org = db.session.get(Organization, user.organization_id) if user.organization_id else None
    link = service.verification_link(user, email, by_email, nonce)
    with force_locale(service.language_of(user, service.setting_of(user))):
        subject = messages.translate(_VERIFY_SUBJECT)
        text = messages.translate(_VERIFY_TEXT) % {"unit": org.name if org else user.display_name,
                                                   "hours": service.VERIFY_HOURS, "link": link}
    # here: SMTP is loaded by the job worker that sends
    from core.notifications import mail

    return {"sent": int(mail.send(email, subject, text + "\n"))}
