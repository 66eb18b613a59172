"""Notifications: committed audit rows become inbox rows, e-mails and SMS, in a background job.

How a change reaches a user: :mod:`core.services.audit_followers` notes the new audit rows whose action
has a rule (:data:`core.notifications.rules.RULES`) and, before the commit, :func:`_deliver_on_commit` adds one
``notifications.deliver`` job for them to the same transaction. So a change that is rolled back
leaves neither its audit rows nor the job, and nothing is sent inside the request: the job system
dispatches the job once the commit is done. The job writes the inbox rows and queues one e-mail (and SMS)
job per row; a failing SMTP server is retried by the job system, the inbox row stays.
"""
from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.accounts import forget_read, read_for
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.clock import now
from core.models import AuditLog, Notification, NotificationSetting, User
from core.notifications.rules import RULES, Target
from core.services import audit, audit_followers

LANGUAGES = ("zh", "en")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


# ----------------------------------------------------------- from the audit log --

def _deliver_on_commit(session: Session, found: list[tuple[int, str]]) -> None:
    from core.jobs import enqueue

    enqueue("notifications.deliver", sorted({ident for ident, _action in found}), actor="notifications")


def install() -> None:
    audit_followers.follow("notifications", RULES.__contains__, _deliver_on_commit)


def _path(link: tuple[str, dict[str, Any]] | None) -> str | None:
    """The page's path under ``GREENMFG_BASE_URL`` (built without a request: this runs in a worker)."""
    if link is None:
        return None
    base = urlsplit(current_app.config["GREENMFG_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc or "localhost", script_name=base.path or "/")
    return adapter.build(link[0], link[1])


def deliver(audit_ids: list[int]) -> dict[str, int]:
    """Inbox rows for the committed audit rows ``audit_ids`` (once per user and row), then one e-mail
    and SMS job per row for the users who want them."""
    rows = db.session.scalars(select(AuditLog).where(AuditLog.id.in_(audit_ids)).order_by(AuditLog.id)).all()
    made: list[Notification] = []
    for row in rows:
        rule = RULES.get(row.action)
        done = set(db.session.scalars(select(Notification.user_id).where(Notification.audit_id == row.id)))
        for target in (rule(row) if rule else ()):
            made.extend(_rows(row, target, done))
    db.session.flush()
    from core.jobs import enqueue

    settings = {s.user_id: s for s in db.session.scalars(select(NotificationSetting).where(
        NotificationSetting.user_id.in_({n.user_id for n in made})))}
    mails = texts = 0
    for n in made:
        setting = settings.get(n.user_id)
        if setting is not None and setting.by_email and setting.email:
            enqueue("notifications.email", n.id, actor="notifications")
            mails += 1
        if setting is not None and setting.by_sms and setting.phone:
            enqueue("notifications.sms", n.id, actor="notifications")
            texts += 1
    return {"notifications": len(made), "emails": mails, "sms": texts}


def _rows(row: AuditLog, target: Target, done: set[int]) -> list[Notification]:
    link = _path(target.link)
    out = []
    for user_id in target.users:
        if user_id in done:
            continue
        done.add(user_id)
        n = Notification(user_id=user_id, audit_id=row.id, action=target.message, params=dict(target.params),
                         link=link, created_at=now())
        db.session.add(n)
        out.append(n)
    if out:
        forget_read("unread")  # delivered within a request (inline jobs): its header counts them
    return out


def language_of(user: User, setting: NotificationSetting | None) -> str:
    chosen = (setting.language if setting else None) or user.locale
    return chosen if chosen in LANGUAGES else LANGUAGES[0]


def absolute(link: str | None) -> str:
    base = current_app.config["GREENMFG_BASE_URL"]
    return urljoin(base, link) if link else base


# ------------------------------------------------------------------- the inbox --

def inbox(user: User, limit: int = 200) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def unread_of(user_id: Any) -> Any:
    """The unread count of ``user_id`` (a column or a bound parameter) as a scalar subquery."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())


#: built once (building and keying the statement cost more than running it)
_UNREAD = select(unread_of(bindparam("user_id")))


def unread_count(user: Any) -> int:
    """The navigation's number; 0 when the database cannot answer (the error page still renders)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    read = read_for(user, "unread")
    if read is not None:
        return read
    try:
        return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0
    except SQLAlchemyError:
        return 0


def notification_for(user: User, ident: Any) -> Notification:
    """The user's own notification (404 for anyone else's)."""
    try:
        row = db.session.get(Notification, int(ident))
    except (TypeError, ValueError):
        row = None
    if row is None or row.user_id != user.id:
        raise NotFound("No such message.")
    return row


def mark_read(user: User, n: Notification) -> None:
    if n.read_at is None:
        n.read_at = now()
        forget_read("unread")
        audit.record(user.username, "notification.read", "notification", n.id)


def mark_all_read(user: User) -> int:
    done = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                         Notification.read_at.is_(None))
                              .values(read_at=now()).execution_options(synchronize_session=False)).rowcount
    forget_read("unread")
    if done:
        audit.record(user.username, "notification.all_read", "user", user.id, count=done)
    return done


# ------------------------------------------------------------------ settings --

def setting_of(user: User) -> NotificationSetting | None:
    return db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == user.id))


def _check_email(email: str | None) -> str | None:
    email = (email or "").strip() or None
    if email and (len(email) > 120 or not _EMAIL.match(email)):
        raise InvalidInput("This is not an e-mail address.", field="email")
    return email


def save_setting(user: User, *, email: str | None, phone: str | None, by_email: bool, by_sms: bool,
                 language: str | None) -> NotificationSetting:
    """The user's own settings; an address is needed for what they turn on."""
    email, phone, language = _check_email(email), (phone or "").strip() or None, language or None
    if phone and not _PHONE.match(phone):
        raise InvalidInput("This is not a phone number.", field="phone")
    if by_email and not email:
        raise InvalidInput("Give an e-mail address to receive messages by e-mail.", field="email")
    if by_sms and not phone:
        raise InvalidInput("Give a mobile phone number to receive messages by SMS.", field="phone")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput("Choose a language from the list.", field="language")
    row = setting_of(user)
    if row is None:
        row = NotificationSetting(user_id=user.id)
        db.session.add(row)
    row.email, row.phone, row.by_email, row.by_sms, row.language = email, phone, by_email, by_sms, language
    audit.record(user.username, "notification.settings_changed", "user", user.id, by_email=by_email, by_sms=by_sms,
                 language=language, email_set=bool(email), phone_set=bool(phone))
    return row


def setting_json(user: User) -> dict[str, Any]:
    """The user's settings as the API shows them (without a row: nothing by e-mail or SMS, the account's language)."""
    row = setting_of(user)
    if row is None:
        return {"email": None, "phone": None, "by_email": False, "by_sms": False, "language": None}
    return {"email": row.email, "phone": row.phone, "by_email": bool(row.by_email and row.email),
            "by_sms": bool(row.by_sms and row.phone), "language": row.language}


def change_setting(user: User, changes: dict[str, Any]) -> NotificationSetting:
    """Change only the settings named in ``changes`` (the API's PATCH), through :func:`save_setting`."""
    merged = {**setting_json(user), **changes}
    return save_setting(user, email=merged["email"], phone=merged["phone"], by_email=bool(merged["by_email"]),
                        by_sms=bool(merged["by_sms"]), language=merged["language"])


# --------------------------------------------------- the address given at registration --

#: how long the link that verifies an address works
VERIFY_HOURS = 72
_VERIFY_SALT = "greenmfg.notifications.verify-email"


def _serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.secret_key, salt=_VERIFY_SALT)


def registered(user: User, choices: dict[str, Any]) -> None:
    """An applicant registered (:func:`core.accounts.on_registration`): keep the language it chose, and send the
    e-mail address it gave a link to verify it; the address is used (by e-mail, as it chose) once verified."""
    email, language = _check_email(choices.get("email")), choices.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise InvalidInput("Choose a language from the list.", field="language")
    if language is not None:
        save_setting(user, email=None, phone=None, by_email=False, by_sms=False, language=language)
    if email:
        from core.jobs import enqueue

        nonce = secrets.token_urlsafe(16)  # this link's own: a newer one sent replaces it (issue 55)
        enqueue("notifications.verify_email", user.id, email, bool(choices.get("by_email", True)), nonce,
                actor="notifications")
        audit.record(user.username, "notification.email_verification_sent", "user", user.id, link=_digest(nonce))


def verification_token(user: User, email: str, by_email: bool, nonce: str | None = None) -> str:
    """A signed token (itsdangerous) naming the account, the address, the choice and the link (``nonce``); it
    expires after :data:`VERIFY_HOURS` hours, works once, and stops when a newer link is sent
    (:func:`verify_email`)."""
    data = {"u": user.id, "e": email, "m": bool(by_email)}
    if nonce:
        data["n"] = nonce
    return _serializer().dumps(data)


def verification_link(user: User, email: str, by_email: bool, nonce: str | None = None) -> str:
    """The absolute address of the page that verifies ``email`` (built without a request: a worker sends it)."""
    token = verification_token(user, email, by_email, nonce)
    return absolute(_path(("notifications.verify_email", {"token": token})))


def _digest(text: str) -> str:
    """What the audit log keeps of a link (never the link itself, which would verify the address)."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _check_single_use(user: User, token: str, nonce: Any) -> None:
    """A verification link works once, and only while it is the newest one sent to the account (issue 55): the
    marker of a use is the ``notification.email_verified`` entry of the audit log, which names the link's digest;
    the newest ``notification.email_verification_sent`` entry names the link that is valid now. Both are in the
    hash-chained log, so no marker can be removed without ``greenmfg audit verify`` finding it."""
    entries = db.session.execute(select(AuditLog.action, AuditLog.data).where(
        AuditLog.object_type == "user", AuditLog.object_id == str(user.id),
        AuditLog.action.in_(("notification.email_verified", "notification.email_verification_sent")))
        .order_by(AuditLog.id.desc())).all()
    used = _digest(token)
    if any(action == "notification.email_verified" and (data or {}).get("link") == used for action, data in entries):
        raise InvalidInput("This link has already been used. If the address is not yet the one you want, give it "
                           "again in your notification settings.", field="token")
    newest = next(((data or {}).get("link") for action, data in entries
                   if action == "notification.email_verification_sent"), None)
    if nonce is not None and newest is not None and newest != _digest(str(nonce)):
        raise InvalidInput("A newer link was sent to you after this one; only the newest link works.",
                           field="token")


def verify_email(token: str) -> NotificationSetting:
    """Verify the address of a registration's link: it becomes the account's e-mail address, with messages by
    e-mail as chosen. An expired, altered or foreign link is refused. Audited."""
    from itsdangerous import BadSignature, SignatureExpired

    try:
        data = _serializer().loads(token or "", max_age=VERIFY_HOURS * 3600)
    except SignatureExpired:
        raise InvalidInput("This link has expired. Give your e-mail address again in your notification "
                           "settings.", field="token") from None
    except BadSignature:
        raise InvalidInput("This link is not valid.", field="token") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or not _EMAIL.match(str(data.get("e") or "")):
        raise InvalidInput("This link is not valid.", field="token")
    _check_single_use(user, token, data.get("n"))
    row = setting_of(user)
    row = save_setting(user, email=data["e"], phone=row.phone if row else None, by_email=bool(data.get("m")),
                       by_sms=bool(row and row.by_sms and row.phone), language=row.language if row else None)
    audit.record(user.username, "notification.email_verified", "user", user.id, link=_digest(token))
    return row
