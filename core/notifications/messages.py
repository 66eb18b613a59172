"""A notification's subject and text in the current language (wrap in ``force_locale`` for another):
the level translated, the round named, deadlines in Beijing time."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l

from core.i18n import in_language, msgid, one_stop, translations
from core.clock import SHANGHAI, aware
from core.models import Notification
from core.notifications.rules import MESSAGES
from core.services.limits import LEVEL_LABELS

_ROUND = _l("%(year)s %(level)s")


def beijing_deadline(iso: str | None) -> str:
    """``2026-04-15 24:00`` for the instant a deadline day ends (midnight after it), else ``… HH:MM``."""
    if not iso:
        return ""
    moment = aware(dt.datetime.fromisoformat(iso)).astimezone(SHANGHAI)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return f"{(moment.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return moment.strftime("%Y-%m-%d %H:%M")


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


def translate(text: Any) -> str:
    return translations().ugettext(msgid(text))


def params(notification: Notification) -> dict[str, Any]:
    raw = dict(notification.params or {})
    level = raw.get("level")
    if level:
        raw["level"] = translate(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level
    if raw.get("year") and level:
        raw["round"] = translate(_ROUND) % {"year": raw["year"], "level": raw["level"]}
    raw["deadline"] = beijing_deadline(raw.get("deadline"))
    if raw.get("reason"):  # a reason the platform wrote as "中文 / English" reads in the message's language
        raw["reason"] = in_language(raw["reason"])
    return _Params(raw)


def render(notification: Notification) -> tuple[str, str]:
    """(subject, text) in the current language."""
    subject, body = MESSAGES[notification.action]
    values = params(notification)
    return one_stop(translate(subject) % values), one_stop(translate(body) % values)
