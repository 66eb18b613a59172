"""The province's signing key on a page (issue 54): province staff see the algorithm, the public key and its
fingerprint, and download the key file; the ministry registers the key by uploading that file, and a file whose
key was changed is refused with nothing kept. Ed25519 and SM2 (GB/T 32918, issue 47) alike."""
from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
from helpers import new_signing_key  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AuditLog, ProvinceKey, Role  # noqa: E402
from core.services import signing  # noqa: E402
from core.services.sm2 import SM2PrivateKey  # noqa: E402

PASSWORD = "签名公钥页面测试口令-2025"
KEYS = {"ed25519": lambda: new_signing_key(), "sm2": lambda: signing.private_pem(SM2PrivateKey.generate()).decode()}


def _login(client, username: str) -> None:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302


def _user(app, username: str, role: Role) -> None:
    with app.app_context():
        accounts.create_user(username=username, password=PASSWORD, display_name=username, role=role, actor="t")
        db.session.commit()


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_the_province_sees_its_key_and_the_ministry_registers_the_downloaded_file(make_app, national_url,
                                                                                 algorithm):
    private = KEYS[algorithm]()
    province = make_app("hunan", GREENMFG_RECOMMENDATION_KEY=private, GREENMFG_SIGNING_ALGORITHM=algorithm)
    _user(province, "hn_staff", Role.PROVINCE)
    key = signing.parse_private(private)
    raw = signing.public_raw(key)
    fingerprint = hashlib.sha256(raw).hexdigest()
    alg = "SM2-SM3" if algorithm == "sm2" else "Ed25519"
    assert len(raw) == (65 if algorithm == "sm2" else 32)

    client = province.test_client()
    _login(client, "hn_staff")
    assert 'href="/province/signing-key"' in client.get("/province/recommendation?lang=zh").get_data(as_text=True)
    page = client.get("/province/signing-key?lang=zh").get_data(as_text=True)
    assert "湖南省" in page and alg in page and signing.public_text(key) in page
    shown = re.search(r'id="key-fingerprint">([^<]+)<', page).group(1)
    assert shown.replace(" ", "") == fingerprint and len(shown.split()) == 16  # 64 hex digits in groups of four
    assert signing.key_id(key) in page
    download = client.get("/province/signing-key/download?lang=zh")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "湖南省" in download.headers["Content-Disposition"] or "filename*" in download.headers["Content-Disposition"]
    document = json.loads(download.data)
    assert (document["province"]["code"], document["alg"], document["key_id"], document["public_key"]) == (
        "hunan", alg, signing.key_id(key), signing.public_text(key))

    token = client.post("/api/v1/tokens", json={"username": "hn_staff", "password": PASSWORD}).get_json()["token"]
    api = client.get("/api/v1/signing-key", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.get_json()
    answer = api.get_json()
    assert (answer["alg"], answer["public_key"], answer["fingerprint"]) == (alg, document["public_key"], shown)
    assert answer["file"] == document  # the API gives the same file the page downloads

    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url)
    _user(ministry, "miit", Role.MINISTRY)
    staff = ministry.test_client()
    _login(staff, "miit")
    keys_page = staff.get("/ministry/province-keys?lang=zh").get_data(as_text=True)
    assert 'id="key-file-form"' in keys_page
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', keys_page).group(1)
    # a file whose key id no longer matches its key: refused, nothing registered
    changed = dict(document, key_id="0" * 16)
    refused = staff.post("/ministry/province-keys/file?lang=zh", content_type="multipart/form-data",
                         data={"csrf_token": csrf, "note": "湘工信函",
                               "file": (io.BytesIO(json.dumps(changed).encode()), "key.json")})
    assert refused.status_code == 422 and "公钥文件已被改动" in refused.get_data(as_text=True)
    with ministry.app_context():
        assert db.session.query(ProvinceKey).count() == 0
    done = staff.post("/ministry/province-keys/file?lang=zh", content_type="multipart/form-data",
                      data={"csrf_token": csrf, "note": "湘工信函〔2025〕1号",
                            "file": (io.BytesIO(download.data), "key.json")}, follow_redirects=True)
    assert done.status_code == 200 and "湖南省" in done.get_data(as_text=True)
    with ministry.app_context():
        row = db.session.query(ProvinceKey).one()
        assert (row.province, row.key_id, row.alg, row.public_key) == ("hunan", signing.key_id(key), alg,
                                                                      signing.public_text(key))
        assert db.session.query(AuditLog).filter_by(action="province_key.registered").count() == 1


def test_without_a_key_the_page_says_how_to_make_one_and_the_api_answers_404(make_app):
    province = make_app("hunan")
    _user(province, "hn_nokey", Role.PROVINCE)
    client = province.test_client()
    _login(client, "hn_nokey")
    page = client.get("/province/signing-key?lang=zh")
    assert page.status_code == 200 and 'id="no-key"' in page.get_data(as_text=True)
    assert client.get("/province/signing-key/download").status_code == 404
    token = client.post("/api/v1/tokens", json={"username": "hn_nokey", "password": PASSWORD}).get_json()["token"]
    assert client.get("/api/v1/signing-key", headers={"Authorization": f"Bearer {token}"}).status_code == 404
