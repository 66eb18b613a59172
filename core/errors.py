"""Domain errors with messages in Chinese and English.

Messages are English msgids translated through Flask-Babel (Chinese catalogue in
``core/translations/zh``). ``str(err)`` gives both languages, Chinese first, so
CLI output and logs are readable by everyone; web views show
:meth:`GreenmfgError.localized` in the user's language.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import Translations
from flask import has_app_context
from flask_babel import force_locale, gettext

TRANSLATIONS = Path(__file__).parent / "translations"


@lru_cache(maxsize=None)
def _catalogue(locale: str) -> Translations:
    """The compiled catalogue, for messages raised outside an app (pure functions, the CLI)."""
    return Translations.load(str(TRANSLATIONS), [locale])


class GreenmfgError(Exception):
    """Base of every refusal a user can cause. ``code`` is stable for API clients."""

    code = "error"
    http_status = 400

    def __init__(self, msgid: str, *, field: str | None = None, **params: Any):
        self.msgid = msgid
        self.field = field
        if field is not None and "%(field)" in msgid and "field" not in params:
            params["field"] = field  # ``field`` names the field at fault and may be named by the message too
        self.params = params
        super().__init__(self.bilingual())

    def localized(self, locale: str | None = None) -> str:
        """The message in ``locale`` (default the page's), a reason or a listed message that ends its own
        sentence not stopped twice (:func:`core.i18n.one_stop`)."""
        from core.i18n import one_stop

        if not has_app_context():
            text = _catalogue(locale or "zh").gettext(self.msgid)
            return one_stop(text % self.params if self.params else text)
        if locale is None:
            return one_stop(gettext(self.msgid, **self.params))
        with force_locale(locale):
            return one_stop(gettext(self.msgid, **self.params))

    def bilingual(self) -> str:
        if has_app_context():  # parameters may be lazy texts themselves (a field's label)
            en = self.localized("en")
        else:
            en = self.msgid % self.params if self.params else self.msgid
        zh = self.localized("zh")
        return en if zh == en else f"{zh} / {en}"

    def to_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "message": self.localized(), "message_zh": self.localized("zh"),
               "message_en": self.localized("en")}
        if self.field:
            out["field"] = self.field
        return out


class InvalidInput(GreenmfgError):
    code = "invalid_input"
    http_status = 422


class LimitReached(GreenmfgError):
    code = "limit_reached"
    http_status = 409


class LoginThrottled(GreenmfgError):
    """Too many failed log-ins: wait ``retry_after`` seconds (a delay, never a lock-out)."""

    code = "login_throttled"
    http_status = 429
    retry_after: int = 60


class DeadlinePassed(GreenmfgError):
    code = "deadline_passed"
    http_status = 409


class CalendarDataMissing(GreenmfgError):
    code = "calendar_data_missing"
    http_status = 409


class Refused(GreenmfgError):
    code = "refused"
    http_status = 409


class AccessDenied(GreenmfgError):
    """The user is signed in but their role may not do this (HTTP 403)."""

    code = "forbidden"
    http_status = 403


class NotFound(GreenmfgError):
    """No such object, or not one the user may see (HTTP 404; the two are never told apart)."""

    code = "not_found"
    http_status = 404
