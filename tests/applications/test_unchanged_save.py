"""Saving an unchanged edit form changes no stored value (issue 42).

Hubei, after a city return, the applicant uploaded one PDF and saved: indicator 4 (能碳管理系统平台功能符合数量,
seed 001 附件1 第4项, counted from 12 listed functions) went 7 → —, the score 68.21 → 62.96 不完整. The stored
value was a count (the API, an import and the demo store one); the form showed only the 12-box checklist, which
cannot show a count, and saved nothing ticked as "no value".

Here every application of every region's demo is opened in its edit form by its own applicant (an application
past submission first returned, as a city returns one) and posted back exactly as the page shows it: every
stored value stays as it was.
"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from helpers import DEMO_COPIES
from bs4 import BeautifulSoup
from sqlalchemy import select

from core.extensions import db
from core.models import Application, ApplicationStatus, Organization, User

REGIONS = ["hubei", "hunan", "jiangxi", "shanxi", "national"]


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    with app.app_context():
        DEMO_COPIES.load(app)
    return app


def posted_back(html: str) -> dict[str, list[str]]:
    """What a browser sends when the application form is submitted untouched (its first button: 保存草稿)."""
    form = BeautifulSoup(html, "html.parser").find("form", id="application-form")
    assert form is not None, html[:2000]
    data: dict[str, list[str]] = {}
    for el in form.find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or el.has_attr("disabled"):
            continue
        if el.name == "textarea":
            text = el.text  # a browser drops the newline that opens a textarea (HTML 13.2.6.4.7)
            data.setdefault(name, []).append(text[2:] if text.startswith("\r\n") else text.removeprefix("\n"))
        elif el.name == "select":
            chosen = [o for o in el.find_all("option") if o.has_attr("selected")]
            if not chosen and not el.has_attr("multiple"):
                chosen = el.find_all("option")[:1]
            data.setdefault(name, []).extend(o.get("value", o.text) for o in chosen)
        else:
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "reset", "image"):
                continue
            if kind in ("checkbox", "radio") and not el.has_attr("checked"):
                continue
            data.setdefault(name, []).append(el.get("value", "on" if kind in ("checkbox", "radio") else ""))
    return data


def _given(values: dict | None) -> dict:
    """The values given (a key stored as null is a value not given, as one absent)."""
    return {k: v for k, v in (values or {}).items() if v is not None}


def _stored(a: Application) -> dict:
    org = a.organization
    return {"indicator_values": _given(a.indicator_values), "declarations": _given(a.declarations),
            "extension": _given(a.extension_data), "industry": a.industry, "mode": a.evaluation_mode,
            "levels": sorted(a.requested_levels or []), "contact": (a.contact_name, a.contact_phone, a.contact_email),
            "org": (org.legal_representative, org.address)}


def _editable(app) -> list[tuple[int, int]]:
    """Every demo application made editable by its applicant: drafts as they are, the others returned for
    correction (as the city returns them) for ten days; (application, organization) ids."""
    from core.clock import now

    with app.app_context():
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        for a in apps:
            if a.status != ApplicationStatus.DRAFT:
                a.status, a.return_reason = ApplicationStatus.RETURNED, "请补充材料"
                a.return_until = now() + dt.timedelta(days=10)
        db.session.commit()
        return [(a.id, a.organization_id) for a in apps]


def _sign_in_for(app, org_id: int):
    """A browser signed in as the demo's applicant account, bound to ``org_id`` (each demo unit's own applicant)."""
    from core.cli.demo_data import DEMO_PASSWORD

    with app.app_context():
        db.session.scalar(select(User).where(User.username == "enterprise")).organization_id = org_id
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "enterprise", "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("region", REGIONS)
def test_saving_every_demo_edit_form_unchanged_keeps_every_stored_value(make_app, tmp_path, region):
    app = _load(make_app, tmp_path, region)
    targets = _editable(app)
    seen_types, counted = set(), 0
    for app_id, org_id in targets:
        with app.app_context():
            a = db.session.get(Application, app_id)
            before, unit_type = _stored(a), a.unit_type
            counted += isinstance((a.indicator_values or {}).get("4"), int) and unit_type == "factory"
        client = _sign_in_for(app, org_id)
        page = client.get(f"/applications/{app_id}/edit?lang=zh")
        assert page.status_code == 200, (region, app_id, page.status_code)
        answer = client.post(f"/applications/{app_id}/edit", data=posted_back(page.get_data(as_text=True)),
                             content_type="multipart/form-data")
        assert answer.status_code == 302, (region, app_id, answer.get_data(as_text=True)[:3000])
        with app.app_context():
            after = _stored(db.session.get(Application, app_id))
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        for part in ("indicator_values", "declarations", "extension"):
            if part in changed:
                old, new = changed[part]
                changed[part] = {k: (old.get(k), new.get(k)) for k in {*old, *new} if old.get(k) != new.get(k)}
        assert not changed, (region, app_id, unit_type, changed)
        seen_types.add(unit_type)
    with app.app_context():
        shown = set(db.session.scalars(select(Application.unit_type).distinct()))
    assert seen_types == shown and len(targets) >= 10
    if region in ("hubei", "national"):  # factories scored on the 2025 tables: indicator 4 stored as a count
        assert counted


def test_hubei_return_upload_keeps_the_counted_indicator_and_the_score(make_app, tmp_path):
    """The walk of issue 42: a returned Hubei factory whose indicator 4 is stored as 7 uploads one PDF with
    保存草稿并上传: the count stays 7 and the score stays whole."""
    from core.applications.scoring import live_score
    from core.cli.demo_data import _pdf

    app = _load(make_app, tmp_path, "hubei")
    _editable(app)
    with app.app_context():
        a = db.session.scalars(select(Application).join(Organization).where(
            Application.unit_type == "factory", Application.status == ApplicationStatus.RETURNED)
            .order_by(Application.id)).first()
        a.indicator_values = {**a.indicator_values, "4": 7}
        db.session.commit()
        app_id, org_id, before = a.id, a.organization_id, live_score(a)
    assert before["complete"]
    client = _sign_in_for(app, org_id)
    page = client.get(f"/applications/{app_id}/edit?lang=zh").get_data(as_text=True)
    form: dict = posted_back(page)
    sections = BeautifulSoup(page, "html.parser").find("select", attrs={"name": "evidence-section"})
    form["evidence-section"] = [sections.find_all("option")[-1]["value"]]
    form["then"] = ["upload"]
    form["evidence-file"] = (io.BytesIO(_pdf(2)), "补充材料.pdf")
    answer = client.post(f"/applications/{app_id}/edit", data=form, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    with app.app_context():
        a = db.session.get(Application, app_id)
        assert a.indicator_values["4"] == 7
        after = live_score(a)
    assert after["complete"] and after["total"] == before["total"]
