"""Core's own application fields (contact person, phone, e-mail, legal representative, address) are declared once
(core/applications/core_fields.py, with the FormField declaration plugins use): the web form, the JSON API's
update, save_draft and the summary-table import take the same bounds from it, and the database column holds them.
"""
from __future__ import annotations

import dataclasses

import pytest
from marshmallow import ValidationError

import factories as f
from core.applications import core_fields, services
from core.applications.core_fields import APPLICATION_FIELDS, CORE_FIELDS
from core.errors import InvalidInput
from core.extensions import db
from core.models import Application, Organization

pytestmark = pytest.mark.region("hunan")


def _value(field, length: int) -> str:
    """A text of ``length`` characters in the field's own format (its example, lengthened)."""
    example = field.example or ""
    return "1" * (length - len(example)) + example


def _draft(app):
    a = f.application(f.campaign("hunan", 2025, "provincial"), f.admin_unit("hunan", None, "长沙市"))
    db.session.commit()
    return a


def _web_accepts(app, application, code: str, value: str) -> bool:
    from core.applications.forms import application_form_class

    with app.test_request_context(method="POST", data={code: value}):
        form = application_form_class(application)(meta={"csrf": False})
        return form._fields[code].validate(form)


def _api_accepts(app, code: str, value: str) -> bool:
    from core.applications.schemas import region_schemas

    try:
        region_schemas(app.extensions["greenmfg"].rules).update().load({code: value})
    except ValidationError as exc:
        return code not in exc.messages
    return True


def _service_accepts(code: str, value: str) -> bool:
    (longest, pattern), = [(n, p) for key, n, p in services._TEXT_FIELDS if key == code]
    try:
        services._text(value, code, longest, pattern)
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("code", [f.code for f in APPLICATION_FIELDS])
def test_the_web_form_the_api_and_the_service_take_the_same_bounds(app, code):
    field = CORE_FIELDS[code]
    a = _draft(app)
    longest, too_long = _value(field, field.max_length), _value(field, field.max_length + 1)
    assert [_web_accepts(app, a, code, longest), _api_accepts(app, code, longest), _service_accepts(code, longest)] \
        == [True, True, True], f"{code}: {field.max_length} characters"
    assert [_web_accepts(app, a, code, too_long), _api_accepts(app, code, too_long),
            _service_accepts(code, too_long)] == [False, False, False], f"{code}: {field.max_length + 1} characters"
    # the table keeps what the declaration lets through (the legal representative and the address are the firm's)
    table = Organization.__table__ if code in ("legal_representative", "address") else Application.__table__
    assert table.c[code].type.length >= field.max_length
    if field.pattern:  # the format: the web form marks it, save_draft refuses it for every caller
        assert _web_accepts(app, a, code, "@@ @@") is False and _service_accepts(code, "@@ @@") is False
        assert _web_accepts(app, a, code, field.example) and _service_accepts(code, field.example)


def test_the_contact_names_limit_is_one_declaration(app):
    """The issue's plant: the contact name's limit set to 50 in one place. With one declaration there is one
    place: the web form (built per request) and the API field both follow it."""
    from marshmallow import Schema

    assert CORE_FIELDS["contact_name"].max_length == 100
    a = _draft(app)
    CORE_FIELDS["contact_name"] = dataclasses.replace(CORE_FIELDS["contact_name"], max_length=50)
    try:
        assert _web_accepts(app, a, "contact_name", "名" * 50) and not _web_accepts(app, a, "contact_name", "名" * 51)
        schema = Schema.from_dict({"contact_name": core_fields.core_api_field("contact_name")})()
        assert schema.load({"contact_name": "名" * 50}) == {"contact_name": "名" * 50}
        with pytest.raises(ValidationError):
            schema.load({"contact_name": "名" * 51})
    finally:
        CORE_FIELDS["contact_name"] = dataclasses.replace(CORE_FIELDS["contact_name"], max_length=100)
