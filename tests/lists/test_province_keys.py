"""The ministry's register of provinces' public signing keys, through the page and the API (issue 22): the
ministry registers the public key a province sent, files signed with it are imported, a revoked key's files are
refused; bad keys and province instances are refused with the reason in Chinese and English; every change is
audited. The recommendation flow is seed 001 (工信厅节函〔2025〕390号) 附件1 三; Shanxi is seed 004."""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.services import signing  # noqa: E402
from core.models import ApplicationStatus as S, AuditLog, ListEntry, Role  # noqa: E402

PASSWORD = "密钥登记测试口令-2025"
KEY = new_signing_key()
PUBLIC = signing.public_text(signing.parse_private(KEY))


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def _province_file(make_app) -> bytes:
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        c = kit.campaign("shanxi")
        a = kit.application(c, kit.unit("shanxi"))
        kit.panel(a, [90], [kit.expert("专家甲", "shanxi", unit_=kit.unit("shanxi"))])
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=2025,
                                 status="listed", listed_on=dt.date(2025, 10, 20)))
        a.status = S.LISTED
        rec = recommend.recommendation_for(2025, "prov", create=True)
        recommend.set_consulted("prov", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        recommend.add("prov", rec, a, at=kit.beijing(dt.date(2025, 10, 25)))
        recommend.export("prov", rec, at=kit.beijing(dt.date(2025, 10, 25)))
        db.session.commit()
        return rec.document.encode()


def _upload(client, raw: bytes):
    return client.post("/ministry/imports?lang=zh", data={"csrf_token": _token(client, "/ministry/imports"),
                                                          "file": (io.BytesIO(raw), "shanxi-2025.json")},
                       content_type="multipart/form-data")


def test_the_ministry_registers_and_revokes_a_province_key_through_the_pages(make_app, national_url):
    raw = _province_file(make_app)
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    with ministry.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="miit", role=Role.MINISTRY, actor="t")
        db.session.commit()
    client = ministry.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    # without a registered key the file is refused, and the import page links to the register
    refused = _upload(client, raw)
    assert refused.status_code == 409 and "尚未登记" in refused.get_data(as_text=True)
    imports = client.get("/ministry/imports?lang=zh").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">省级签名公钥|<a href="([^"]+)">[^<]*公钥', imports)
    assert link, "the import page links to the key register"
    page = client.get(link.group(1) or link.group(2), query_string={"lang": "zh"}).get_data(as_text=True)
    assert "山西省" in page and "尚未登记任何公钥" in page and "shanxi.py" not in page
    token = _token(client, "/ministry/province-keys")
    bad = client.post("/ministry/province-keys?lang=zh", data={"csrf_token": token, "province": "shanxi",
                                                               "public_key": "not-a-key-" * 5, "note": "晋工信函"})
    assert bad.status_code == 422 and "Ed25519" in bad.get_data(as_text=True)
    assert 'value="晋工信函"' in bad.get_data(as_text=True)  # the input is kept
    done = client.post("/ministry/province-keys?lang=zh", data={"csrf_token": token, "province": "shanxi",
                                                                "public_key": PUBLIC, "note": "晋工信函〔2025〕1号"},
                       follow_redirects=True)
    kid = signing.key_id(signing.parse_public(PUBLIC))
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and kid in text and "山西省" in text and "使用中" in text
    again = client.post("/ministry/province-keys?lang=zh", data={"csrf_token": token, "province": "shanxi",
                                                                 "public_key": PUBLIC})
    assert again.status_code == 409 and "已登记" in again.get_data(as_text=True)
    imported = _upload(client, raw)
    assert imported.status_code == 200 and "1家单位进入国家级评审队列" in imported.get_data(as_text=True)
    revoked = client.post(f"/ministry/province-keys/{kid}/revoke?lang=zh", data={"csrf_token": token},
                          follow_redirects=True)
    assert revoked.status_code == 200 and "已吊销" in revoked.get_data(as_text=True)
    after = _upload(client, raw)  # the signature is checked before anything else: the revoked key refuses it
    assert after.status_code == 409 and "吊销" in after.get_data(as_text=True)
    with ministry.app_context():
        actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)]
        assert actions.count("province_key.registered") == 1 and actions.count("province_key.revoked") == 1


def test_the_key_register_over_the_api(make_app, national_url):
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url)
    province = make_app("shanxi")
    tokens = {}
    for app, name, role in ((ministry, "miit", Role.MINISTRY), (province, "ent", Role.EXPERT),
                            (province, "admin", Role.ADMIN)):
        with app.app_context():
            user = accounts.create_user(username=name, password=PASSWORD, display_name=name, role=role, actor="t")
            tokens[name], _ = accounts.create_token(user, "t")
            db.session.commit()
    api = ministry.test_client()
    miit = {"Authorization": f"Bearer {tokens['miit']}"}
    assert api.get("/api/v1/province-keys", headers=miit).get_json()["items"] == []
    hubei = signing.public_text(signing.generate())
    made = api.post("/api/v1/province-keys", headers=miit, json={"province": "hubei", "public_key": hubei,
                                                                 "note": "鄂经信函"})
    body = made.get_json()
    assert made.status_code == 201 and body["province_name"] == "湖北省" and body["revoked_at"] is None
    bad = api.post("/api/v1/province-keys", headers=miit, json={"province": "hubei", "public_key": "x" * 44})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "public_key"
    assert "Ed25519" in bad.get_json()["errors"][0]["message_en"]
    assert province.test_client().post("/api/v1/province-keys", headers={"Authorization": f"Bearer {tokens['ent']}"},
                                       json={"province": "hubei", "public_key": hubei}).status_code == 403
    assert api.post("/api/v1/province-keys/nosuchkey/revoke", headers=miit).status_code == 404
    gone = api.post(f"/api/v1/province-keys/{body['key_id']}/revoke", headers=miit)
    assert gone.status_code == 200 and gone.get_json()["revoked_by"] == "miit"
    assert api.post(f"/api/v1/province-keys/{body['key_id']}/revoke", headers=miit).status_code == 409
    # a province instance keeps no register: refused with the reason
    local = province.test_client().post("/api/v1/province-keys", headers={"Authorization": f"Bearer {tokens['admin']}"},
                                        json={"province": "hubei", "public_key": hubei})
    assert local.status_code == 409 and "national" in local.get_json()["errors"][0]["message_en"]
