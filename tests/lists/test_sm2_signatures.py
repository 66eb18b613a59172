"""Chinese commercial cryptography as a choice (issue 47): with ``GREENMFG_SIGNING_ALGORITHM=sm2`` a province's
recommendation files and the audit chain's anchors are signed with SM2 and SM3 (GB/T 32918, GB/T 32905), for
provinces assessed under GB/T 39786-2021; Ed25519 stays the default. The ministry's register takes both kinds of
key and tells them apart by their length; an SM2 file verifies only against the SM2 key registered for it, and a
changed byte is refused."""
from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from core.cli import cli as gm_cli  # noqa: E402
from core.cli.audit_cmd import audit_group  # noqa: E402
from core.errors import Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.services import signing  # noqa: E402
from core.services.sm2 import N, SM2PrivateKey, SM2PublicKey  # noqa: E402
from core.models import ListEntry  # noqa: E402
from core.services import audit  # noqa: E402

BEFORE = kit.beijing(dt.date(2025, 10, 20))

#: SM2 signature on the recommended curve with the default user ID 1234567812345678, made by OpenSSL 3.0.19
#: (``openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678``): the platform's SM2 is
#: OpenSSL's, so a province's signature can be checked with standard tools
OPENSSL_PUBLIC = ("047613d2aa62d7dbd938f9d692c9b2723475bd6d98b441da5e34b4cde10bb23dcab4a61f47da1e4874f3c830"
                  "5155cdc147bdd4284c594a662ceff25313062ccbfe")
OPENSSL_MESSAGE = "greenmfg 绿色工厂".encode()
OPENSSL_SIGNATURE = ("3c350348b740a86727f9e5e3d874f632cc016904d93629b968857fe794ba3aa4"
                     "84f9d8454ad36a113a702840f9f4252f401bc001550a9ab731cbfc1a90d8d346")


def test_sm3_and_sm2_give_the_standards_known_answers():
    from gmssl import sm2, sm3

    # GB/T 32905-2016 Annex A.1: SM3("abc")
    assert sm3.sm3_hash(list(b"abc")) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    # GB/T 32918.2-2016 Annex A.2: the example curve, user ALICE123@YAHOO.COM, message "message digest"
    curve = {"p": "8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3",
             "a": "787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498",
             "b": "63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A",
             "n": "8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7",
             "g": "421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"
                  "0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2"}
    d = "128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"
    crypt = sm2.CryptSM2(private_key=d, public_key="", ecc_table=curve)
    public = crypt._kg(int(d, 16), curve["g"]).upper()
    assert public == ("0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
                      "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857")
    user = b"ALICE123@YAHOO.COM"
    za = sm3.sm3_hash(list((len(user) * 8).to_bytes(2, "big") + user
                           + bytes.fromhex(curve["a"] + curve["b"] + curve["g"] + public)))
    assert za.upper() == "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
    e = sm3.sm3_hash(list(bytes.fromhex(za) + b"message digest"))
    assert e.upper() == "B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76"
    signature = crypt.sign(bytes.fromhex(e), "6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F")
    assert signature.upper() == ("40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"
                                 "6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7")

    # the recommended curve and the standard user ID, through the platform's own verification
    public_key = signing.parse_public(OPENSSL_PUBLIC)
    assert signing.alg_of(public_key) == "SM2-SM3"
    good = {"alg": "SM2-SM3", "value": base64.b64encode(bytes.fromhex(OPENSSL_SIGNATURE)).decode()}
    assert signing.valid(OPENSSL_MESSAGE, good, public_key)
    assert not signing.valid("greenmfg 绿色工厅".encode(), good, public_key)
    for forged in (bytes(32) + bytes.fromhex(OPENSSL_SIGNATURE)[32:],  # r = 0
                   bytes.fromhex(OPENSSL_SIGNATURE)[:32] + N.to_bytes(32, "big")):  # s = n
        assert not signing.valid(OPENSSL_MESSAGE, {"alg": "SM2-SM3", "value": base64.b64encode(forged).decode()},
                                 public_key)
    with pytest.raises(signing.KeyProblem, match="SM2"):  # a point off the curve is no key
        signing.parse_public(OPENSSL_PUBLIC[:-2] + "ff")


def test_keys_whose_x_begins_with_0_or_4_sign_and_openssl_reads_the_signatures(tmp_path):
    key = SM2PrivateKey(6)  # x = 0927afb5...: gmssl's constructor would strip its leading 0 (str.lstrip("04"))
    assert f"{key.public_key().x:064x}".startswith("0")
    signature = signing.sign(b"recommendation", key)
    assert signature["alg"] == "SM2-SM3" and len(base64.b64decode(signature["value"])) == 64
    public = signing.parse_public(signing.public_text(key))
    assert signing.valid(b"recommendation", signature, public)
    assert SM2PublicKey.from_bytes(signing.public_raw(key)).raw() == signing.public_raw(key)
    openssl = shutil.which("openssl")
    if openssl is None:
        return
    from Cryptodome.Util.asn1 import DerInteger, DerSequence

    value = base64.b64decode(signature["value"])
    (tmp_path / "sig.der").write_bytes(DerSequence([DerInteger(int.from_bytes(value[:32], "big")),
                                                    DerInteger(int.from_bytes(value[32:], "big"))]).encode())
    (tmp_path / "msg").write_bytes(b"recommendation")
    spki = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200") + signing.public_raw(key)
    (tmp_path / "pub.pem").write_text("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(spki).decode()
                                      + "\n-----END PUBLIC KEY-----\n")
    assert signing.public_raw(signing.parse_public((tmp_path / "pub.pem").read_text())) == signing.public_raw(key)
    checked = subprocess.run([openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
                              "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                              "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig.der")],
                             capture_output=True, text=True, check=False)
    if "Verif" in checked.stdout + checked.stderr:  # an OpenSSL built with SM2
        assert "Signature Verified Successfully" in checked.stdout, checked.stdout + checked.stderr


def _export(app) -> bytes:
    with app.app_context():
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        c = kit.campaign("shanxi", types=("factory",))
        a = kit.application(c, kit.unit("shanxi"))
        kit.panel(a, [88], [kit.expert("专家甲", "shanxi", unit_=kit.unit("shanxi"))])
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial",
                                 year=2025, status="listed", listed_on=dt.date(2025, 10, 1), notice_no="晋工信公告",
                                 application_id=a.id))
        a.status = "listed"
        db.session.flush()
        recommend.add("province", rec, a, at=BEFORE, acknowledge_warnings=True)
        recommend.export("province", rec, at=BEFORE)
        db.session.commit()
        return rec.document.encode()


def test_an_sm2_province_file_is_imported_by_the_ministry_with_its_registered_sm2_key(
        make_app, national_url, tmp_path):
    from core.config import ConfigurationError

    province = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1)
    key_file = tmp_path / "keys" / "shanxi-sm2.key"
    made = province.test_cli_runner().invoke(gm_cli, ["keys", "generate", "--out", str(key_file)],
                                             env={"GREENMFG_SIGNING_ALGORITHM": "sm2"})
    assert made.exit_code == 0, made.output
    assert "SM2-SM3" in made.output and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith("-----BEGIN GREENMFG SM2 PRIVATE KEY-----")
    public = made.output.split("public key (for the ministry to register): ")[1].strip()
    assert len(base64.b64decode(public)) == 65  # 04 || x || y
    # an SM2 key under the default setting (Ed25519) stops the start: the province would not sign as it chose
    with pytest.raises(ConfigurationError, match="GREENMFG_SIGNING_ALGORITHM"):
        make_app("shanxi", GREENMFG_RECOMMENDATION_KEY_FILE=str(key_file))
    province = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_SIGNING_ALGORITHM="sm2",
                        GREENMFG_RECOMMENDATION_KEY_FILE=str(key_file))
    shown = province.test_cli_runner().invoke(gm_cli, ["keys", "show"])
    assert shown.exit_code == 0 and shown.output.split() == [signing.key_id(signing.parse_public(public)), public,
                                                            "SM2-SM3"]
    raw = _export(province)
    document = json.loads(raw)
    assert document["signature"]["alg"] == "SM2-SM3"

    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url)
    cli = ministry.test_cli_runner()
    registered = cli.invoke(gm_cli, ["keys", "register", "shanxi", public, "--note", "晋工信函〔2025〕2号"])
    assert registered.exit_code == 0 and registered.output.split() == ["shanxi", document["signature"]["key_id"],
                                                                       "SM2-SM3"]
    ed25519 = signing.generate()  # the ministry's register takes both kinds of key
    assert cli.invoke(gm_cli, ["keys", "register", "shanxi", signing.public_text(ed25519)]).exit_code == 0
    listed = {row["key_id"]: row["alg"] for row in json.loads(cli.invoke(gm_cli, ["keys", "list", "--format",
                                                                                  "json"]).output)}
    assert listed == {document["signature"]["key_id"]: "SM2-SM3", signing.key_id(ed25519): "Ed25519"}
    with ministry.app_context():
        # a changed byte: one score, or one byte of the signature
        tampered = json.loads(raw)
        tampered["items"][0]["review_score"] = 89.0
        with pytest.raises(Refused, match="signature does not match") as caught:
            recommend.import_document("ministry", json.dumps(tampered).encode(), at=BEFORE)
        assert "签名" in caught.value.bilingual()
        flipped = json.loads(raw)
        value = bytearray(base64.b64decode(flipped["signature"]["value"]))
        value[40] ^= 1
        flipped["signature"]["value"] = base64.b64encode(bytes(value)).decode()
        with pytest.raises(Refused, match="signature does not match"):
            recommend.import_document("ministry", json.dumps(flipped).encode(), at=BEFORE)
        # an Ed25519 key does not verify an SM2 file, whichever key id the file names
        payload = recommend.canonical(document)
        assert not signing.valid(payload, document["signature"], ed25519.public_key())
        relabelled = json.loads(raw)
        relabelled["signature"]["key_id"] = signing.key_id(ed25519)
        with pytest.raises(Refused, match="signed with SM2-SM3 but key .* is registered as an Ed25519 key"):
            recommend.import_document("ministry", json.dumps(relabelled).encode(), at=BEFORE)
        # nor does the SM2 key verify a file signed with Ed25519 that claims SM2
        forged = recommend.sign({k: v for k, v in document.items() if k != "signature"}, ed25519)
        forged["signature"].update(alg="SM2-SM3", key_id=document["signature"]["key_id"])
        with pytest.raises(Refused, match="signature does not match"):
            recommend.import_document("ministry", json.dumps(forged).encode(), at=BEFORE)
        report = recommend.import_document("ministry", raw, at=BEFORE)
        db.session.commit()
        assert report["ok"] and report["key_id"] == document["signature"]["key_id"]


def test_audit_anchors_are_signed_with_sm2_and_verified(make_app, tmp_path):
    folder = tmp_path / "anchors"
    app = make_app("hunan", GREENMFG_SIGNING_ALGORITHM="sm2", GREENMFG_AUDIT_ANCHOR_DIR=str(folder))
    with app.app_context():
        for n in range(3):
            audit.record("province_wang", "campaign.opened", "campaign", n, note=f"第{n}轮")
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(audit_group, ["anchor"]).exit_code == 0
    assert (folder / "audit-anchor.key").read_text().startswith("-----BEGIN GREENMFG SM2 PRIVATE KEY-----")
    assert stat.S_IMODE((folder / "audit-anchor.key").stat().st_mode) == 0o600
    anchor = json.loads((folder / "audit-anchors.jsonl").read_text().splitlines()[-1])
    assert anchor["alg"] == "SM2-SM3" and len(base64.b64decode(anchor["key"])) == 65
    verified = runner.invoke(audit_group, ["verify"])
    assert verified.exit_code == 0 and "1 signed anchors match" in verified.output, verified.output

    for change in ({"alg": "Ed25519"}, {"entries": anchor["entries"] + 1}):  # relabelled, or one number changed
        (folder / "audit-anchors.jsonl").write_text(json.dumps({**anchor, **change}, sort_keys=True) + "\n")
        refused = runner.invoke(audit_group, ["verify"])
        assert refused.exit_code == 1 and "锚点签名无效" in refused.output, refused.output
