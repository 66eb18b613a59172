"""marshmallow's own messages in Chinese and English: the field errors of the web forms, the JSON API and
the summary-table import. A message no catalogue knows (a plugin's own) passes unchanged."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, lazy_gettext as _l

from core.i18n import bilingual, bilingual_text, msgid

#: marshmallow's own messages, translated (the field errors of the API and the import report)
_MESSAGES = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid datetime.": _l("Not a valid datetime."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "Invalid input type.": _l("Invalid input type."),
    "Unknown field.": _l("Unknown field."),
    "Invalid value.": _l("Invalid value."),
    "String does not match expected pattern.": _l("String does not match expected pattern."),
    "Shorter than minimum length 1.": _l("This field may not be empty."),
    # issue 58: a collection's cursor and its updated_since (core.api.paging, core.api.sync)
    "Not a cursor of this list: pass back the next_after of the page before.":
        _l("Not a cursor of this list: pass back the next_after of the page before."),
    "Not a time with its offset: give it as RFC 3339, e.g. 2026-11-26T08:00:00+08:00.":
        _l("Not a time with its offset: give it as RFC 3339, e.g. 2026-11-26T08:00:00+08:00."),
}
_PATTERNS = (
    (re.compile(r"^Must be one of: (.*)\.$"), _l("Must be one of: %(a)s."), ("a",)),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     _l("Must lie between %(a)s and %(b)s."), ("a", "b")),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), _l("Must be at least %(a)s."), ("a",)),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), _l("Must be at most %(a)s."), ("a",)),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), _l("At most %(a)s characters."), ("a",)),
    (re.compile(r"^Length must be (\d+)\.$"), _l("Exactly %(a)s entries are required."), ("a",)),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), _l("At least %(a)s characters (or entries)."), ("a",)),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), _l("Between %(a)s and %(b)s characters (or entries)."),
     ("a", "b")),
)


def message_translations(message: str) -> dict[str, str]:
    """``{"zh": ..., "en": ...}`` for a marshmallow message (the JSON API's error items); a message
    no catalogue knows (a plugin's own) reads the same in both."""
    lazy, params = _lookup(message)
    return {"zh": message, "en": message} if lazy is None else bilingual(lazy, **params)


def _lookup(message: str) -> tuple[Any, dict[str, str]]:
    lazy, params = _MESSAGES.get(message), {}
    if lazy is None:
        for pattern, template, names in _PATTERNS:
            m = pattern.match(message)
            if m:
                return template, dict(zip(names, m.groups()))
    return lazy, params


def bilingual_message(message: str) -> str:
    """``中文 / English`` for marshmallow's standard messages; plugin messages pass unchanged."""
    if not isinstance(message, str):
        return message
    lazy, params = _lookup(message)
    return message if lazy is None else bilingual_text(lazy, **params)


def field_message(message: Any) -> str:
    """marshmallow's standard message in the current language (plugin messages pass unchanged)."""
    if not isinstance(message, str):
        return str(message)
    lazy, params = _lookup(message)
    return message if lazy is None else gettext(msgid(lazy), **params)
