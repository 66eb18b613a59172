"""PATCH changes what was sent and nothing else (issue 18): for every region and every unit type its round
offers, every field of the application's PATCH body (core fields, each negative-list declaration, an
indicator value, each of the region's form fields) is sent alone, and every other field of the answer,
and of the stored application, is unchanged. Values come from the documented schema of the field."""
from __future__ import annotations

import io
from typing import Any

import pytest
from marshmallow import fields as mf, validate as mv

import api_kit as kit
from helpers import with_tag

from core.declared_fields import api_field

#: values a generic rule cannot guess (a pattern the service checks)
SPECIAL = {"contact_phone": ("0351-7654321", "010-12345678"), "contact_email": ("a@example.cn", "b@example.cn"),
           "hunan.org_code": ("12345678-9", "87654321-X")}


def sample(field: mf.Field, variant: int, index: int = 0, name: str = "") -> Any:
    """A valid value of ``field``; ``variant`` 0 and 1 give two different ones."""
    if name in SPECIAL:
        return SPECIAL[name][variant]
    assert not any(isinstance(v, mv.Regexp) for v in field.validators), f"add a value for {name} to SPECIAL"
    one_of = next((v for v in field.validators if isinstance(v, mv.OneOf)), None)
    length = next((v for v in field.validators if isinstance(v, mv.Length)), None)
    bounds = next((v for v in field.validators if isinstance(v, mv.Range)), None)
    if one_of is not None:
        choices = [c for c in one_of.choices if c is not None]
        return choices[variant % len(choices)]
    if isinstance(field, mf.Boolean):
        return variant == 0
    if isinstance(field, mf.Integer):
        if name == "year":
            return 2020 + index + variant
        low = int(bounds.min) if bounds and bounds.min is not None else 0
        return low + 1 + variant
    if isinstance(field, mf.Number):
        low = float(bounds.min) if bounds and bounds.min is not None else 0.0
        high = float(bounds.max) if bounds and bounds.max is not None else low + 100
        return round(low + (high - low) * (0.25 + 0.5 * variant), 2)
    if isinstance(field, mf.Date):
        return ("2020-05-01", "2021-06-02")[variant]
    if isinstance(field, mf.List):
        count = (length.equal or length.min or 1) if length else 1
        return [sample(field.inner, variant, i) for i in range(count)]
    if isinstance(field, mf.Nested):
        return {f.data_key or n: sample(f, variant, index, n) for n, f in field.schema.fields.items() if f.required}
    if isinstance(field, mf.String):
        low = (length.min or 1) if length else 1
        high = (length.max or 20) if length else 20
        return ("甲乙丙丁" if variant == 0 else "戊己庚辛")[:max(low, min(high, 4))].ljust(low, "文")
    raise AssertionError(f"no sample for {field!r}")


def _patch(client, headers, app_id, body):
    r = with_tag(client, "patch", f"/api/v1/applications/{app_id}", json=body, headers=headers)
    assert r.status_code == 200, (body, r.get_json())
    return r.get_json()


def _without(answer: dict, key: str, inner: str | None = None) -> dict:
    out = {k: v for k, v in answer.items() if k not in ("score", "tier", "corrections") and k != key}
    if inner is not None:
        out[key] = {k: v for k, v in answer[key].items() if k != inner}
    return out


def _stored(app, app_id: int) -> dict:
    from core.extensions import db
    from core.models import Application

    with app.app_context():
        a = db.session.get(Application, app_id)
        org = a.organization
        return {"contact_name": a.contact_name, "contact_phone": a.contact_phone, "contact_email": a.contact_email,
                "industry": a.industry, "evaluation_mode": a.evaluation_mode, "requested_levels": a.requested_levels,
                "declarations": dict(a.declarations or {}), "indicator_values": dict(a.indicator_values or {}),
                "extension": dict(a.extension_data or {}), "legal_representative": org.legal_representative,
                "address": org.address}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_patch_changes_only_the_field_sent(make_app, tmp_path, region):
    from core.accounts import services as accounts
    from core.applications import services
    from core.applications.fields import fields_for, is_upload
    from core.applications.schemas import region_schemas
    from core.extensions import db
    from core.models import User
    from core.plugins.types import Level

    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    people = kit.people(app, experts=0)
    rules = app.extensions["greenmfg"].rules
    level = "national" if region == "national" else "provincial"
    update = region_schemas(rules).update()
    client = app.test_client()
    checked = 0
    for unit_type in [t.code for t in rules.unit_types_for(Level(level))]:
        with app.app_context():
            user = db.session.get(User, people.user_ids["applicant"])
            token, _ = accounts.create_token(user, "patch test")
            campaign = services.open_campaign(actor="test", year=2025, level=level, unit_types=[unit_type],
                                              closes_at=kit.bj(2099, 12, 31))
            a = services.start_application(user, campaign, unit_type)
            db.session.commit()
            app_id = a.id
            ffs = [f for f in fields_for(rules, unit_type, level)]
            items = [i.code for i in rules.negative_list_for(unit_type, Level(level), 2025)]
            modes = [str(m) for m in rules.evaluation_modes(unit_type, Level(level), 2025).allowed]
            levels = services.requested_level_choices(campaign, unit_type)
            has_indicators = rules.indicator_set(unit_type, 2025) is not None
        headers = {"Authorization": f"Bearer {token}"}

        uploads = [f for f in ffs if is_upload(f)]
        evidence: dict[str, list[str]] = {}
        for f in uploads:  # two files per upload field: the field names one of them
            for n in range(2):
                r = client.post(f"/api/v1/applications/{app_id}/evidence", headers=headers,
                                content_type="multipart/form-data",
                                data={"section": f.code, "file": (io.BytesIO(kit.pdf(1)), f"{n}.pdf")})
                assert r.status_code == 201, r.get_json()
                evidence.setdefault(f.code, []).append(str(r.get_json()["id"]))

        def value(name: str, variant: int) -> Any:
            if name == "evaluation_mode":
                return modes[variant % len(modes)]
            if name == "requested_levels":
                return sorted(levels[: 1 + variant % len(levels)])
            if name == "industry":
                return sorted(rules.industries)[variant]
            return sample(update.fields[name], variant, name=name)

        # every field set once (variant 0), then each changed alone (variant 1)
        baseline: dict[str, Any] = {name: value(name, 0) for name in
                                    ("contact_name", "contact_phone", "contact_email", "legal_representative",
                                     "address", "industry", "evaluation_mode", "requested_levels")}
        baseline["declarations"] = {code: True for code in items}
        if has_indicators:
            baseline["indicator_values"] = {"1": 0.6}
        extension = {}
        for f in ffs:
            extension[f.code] = evidence[f.code][1] if f in uploads else sample(api_field(f), 0, name=f.code)
        baseline["extension"] = extension
        answer = _patch(client, headers, app_id, baseline)
        for key, val in baseline.items():
            if key in ("declarations", "indicator_values", "extension"):
                assert {k: answer[key][k] for k in val} == val, key
            else:
                assert answer[key] == val, key

        single: list[tuple[str, str | None, Any]] = [(name, None, value(name, 1)) for name in
                                                     ("contact_name", "contact_phone", "contact_email",
                                                      "legal_representative", "address", "industry",
                                                      "evaluation_mode", "requested_levels")]
        single += [("declarations", code, False) for code in items]
        if has_indicators:
            single.append(("indicator_values", "1", 0.7))
        for f in ffs:
            single.append(("extension", f.code, evidence[f.code][0] if f in uploads
                           else sample(api_field(f), 1, name=f.code)))
        for key, inner, new in single:
            before_answer, before_stored = answer, _stored(app, app_id)
            body = {key: {inner: new} if inner is not None else new}
            answer = _patch(client, headers, app_id, body)
            got = answer[key][inner] if inner is not None else answer[key]
            assert got == new, (region, unit_type, key, inner, got, new)
            assert _without(answer, key, inner) == _without(before_answer, key, inner), (region, unit_type, body)
            stored = _stored(app, app_id)
            assert _without(stored, key, inner) == _without(before_stored, key, inner), (region, unit_type, body)
            checked += 1
    assert checked >= 15
