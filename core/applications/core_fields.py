"""Core's own application fields (the contact person, the legal representative, the address), declared once
with the declaration a plugin's form fields use (:class:`~core.plugins.types.FormField`): the web form's field,
the JSON API's field (so its OpenAPI property), the draft's checks in the service and the summary-table import
all read the declarations here, so no bound can differ between them.

The API field keeps its draft semantics (a PATCH changes only what it sends, ``null`` clears): it carries the
length; the format (``pattern``) is checked by the service for every caller (:func:`core.applications.services.
save_draft`), with the message the web form shows too.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import fields as ma
from marshmallow import validate as mv
from wtforms import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, Optional, Regexp

from core.plugins.types import FieldKind, FormField

#: a contact phone or e-mail not in the form a reader can use (the service's own message)
BAD_FORMAT = _l("This value is not in a valid format.")

#: the application's own text fields, in the form's order; the database columns hold at least ``max_length``
APPLICATION_FIELDS: tuple[FormField, ...] = (
    FormField(code="contact_name", label=_l("Contact person"), kind=FieldKind.TEXT, max_length=100),
    FormField(code="contact_phone", label=_l("Contact phone"), kind=FieldKind.TEXT, max_length=40,
              pattern=r"^[0-9+()\- ]{5,40}$", help="digits, spaces, + ( ) -", example="0731-88881234"),
    FormField(code="contact_email", label=_l("Contact e-mail"), kind=FieldKind.TEXT, max_length=120,
              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", example="contact@example.com"),
    FormField(code="legal_representative", label=_l("Legal representative"), kind=FieldKind.TEXT,
              max_length=100),
    FormField(code="address", label=_l("Address"), kind=FieldKind.TEXT, max_length=300),
)
CORE_FIELDS: dict[str, FormField] = {f.code: f for f in APPLICATION_FIELDS}


def core_pattern(code: str) -> re.Pattern[str] | None:
    """The format the field ``code`` must have (compiled), or None."""
    pattern = CORE_FIELDS[code].pattern
    return re.compile(pattern) if pattern else None


def text_checks() -> tuple[tuple[str, int, re.Pattern[str] | None], ...]:
    """``(code, longest, format)`` of every field: what the service holds a draft's values to."""
    return tuple((f.code, f.max_length, core_pattern(f.code)) for f in APPLICATION_FIELDS)


def core_web_field(code: str) -> UnboundField:
    """The web form's field of ``code``: optional (a draft may leave it empty), its length and format."""
    spec = CORE_FIELDS[code]
    validators = [Optional(), Length(max=spec.max_length)]
    if spec.pattern:
        validators.append(Regexp(spec.pattern, message=BAD_FORMAT))
    return StringField(spec.label, validators)


def core_api_field(code: str) -> ma.String:
    """The JSON API's field of ``code`` for a draft's update: ``null`` clears it, its length as declared."""
    spec = CORE_FIELDS[code]
    metadata = {"description": spec.help} if spec.help else {}
    return ma.String(validate=mv.Length(max=spec.max_length), allow_none=True, metadata=metadata)
