"""The ministry's national overview (issue 54): what only a national view finds across the provinces' imported
files of a year, one service behind the page, the API and ``greenmfg ministry overview``.

Hunan, Hubei and Jiangxi each sent a file of six third-party evaluated units whose evaluator firms share one legal
representative: 18 national projects in the year, over the limit of 15 (办法 第二十条; restated by 003
赣工信办节能函〔2024〕20号 二（四）: 同一法定代表人的第三方机构每年度开展的国家级评价项目…总计不得超过15项); each province sees only its
six. One credit code is in Hunan's and Jiangxi's files; one Hubei unit is banned. The rows are made through the
models as the import leaves them (a campaign, the queued applications, the import with its key)."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import keys, overview  # noqa: E402
from core.models import (  # noqa: E402
    Application, ApplicationStatus as S, Ban, Organization, RecommendationImport, Role,
)
from core.services import signing  # noqa: E402

PASSWORD = "全国汇总测试口令-2025"
#: after the 2025 deadline of the recommendation to the ministry (001 一: 2025-11-07)
AFTER = kit.beijing(dt.date(2025, 12, 1))
EXPORTED = kit.beijing(dt.date(2025, 10, 30))
LEGAL = "王评价"


def _import(code: str, name: str, rows: list, key) -> RecommendationImport:
    """A province's file as the import leaves it: its campaign, one queued application per row (the firm as the
    row names it), the import with the key that signed it."""
    c = kit.campaign("national", level="national", types=("factory",))
    ids = []
    for org, firm, extension in rows:
        unit = kit.unit(code, name=f"{name}某市")
        a = kit.application(c, unit, org=org or kit.organization(unit), status=S.UNDER_REVIEW, level="national")
        a.evaluator_firm_id = firm.id if firm is not None else None
        a.extension_data = extension or {}
        ids.append(a.id)
    row = keys.register("t", code, signing.public_text(key))
    imp = RecommendationImport(province=code, province_name=name, year=2025, version=1, digest=f"{code:0<64}"[:64],
                               key_id=row.key_id, exported_at=EXPORTED, imported_by="miit", campaign_id=c.id,
                               application_ids=ids, document_id=f"doc-{code}-2025")
    db.session.add(imp)
    db.session.flush()
    return imp


@pytest.fixture
def ministry(make_app, national_url):
    app = make_app("national", SQLALCHEMY_DATABASE_URI=national_url)
    with app.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="部里", role=Role.MINISTRY, actor="t")
        hunan_firm = kit.firm(LEGAL, name="湖南绿评咨询有限公司")
        hubei_firm = kit.firm(LEGAL, name="湖北绿评咨询有限公司")
        shared = kit.organization(kit.unit("hunan", name="常德市"), name="跨省重复推荐有限公司")
        hunan = [(shared if i == 1 else None, hunan_firm, None) for i in range(6)]
        # Hubei: six rows with a linked firm, and a seventh third-party row whose file names no evaluator
        hubei = [(None, hubei_firm, None) for _ in range(6)] + [(None, None, {})]
        # Jiangxi: the firm as the file's row carries it (no firm record on the national instance)
        carried = {"evaluation": {"mode": "third_party", "firm": {"name": "江西绿评咨询有限公司",
                                                                  "uscc": kit.uscc("360100"),
                                                                  "legal_representative": LEGAL}}}
        jiangxi = [(shared if i == 3 else None, None, carried) for i in range(6)]
        imports = {"hunan": _import("hunan", "湖南省", hunan, signing.generate()),
                   "hubei": _import("hubei", "湖北省", hubei, signing.generate("sm2")),
                   "jiangxi": _import("jiangxi", "江西省", jiangxi, signing.generate())}
        banned = db.session.get(Organization, db.session.get(
            Application, imports["hubei"].application_ids[2]).organization_id)
        db.session.add(Ban(uscc=banned.uscc, subject="organization", reason="提供虚假材料", sanction_code="fraud",
                           starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2027, 12, 31)))
        db.session.commit()
        app.config["TEST_IMPORTS"] = {k: (v.application_ids, v.key_id) for k, v in imports.items()}
        app.config["TEST_SHARED"] = shared.uscc
        app.config["TEST_BANNED"] = banned.uscc
    return app


def _login(client) -> None:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302


def test_the_overview_finds_a_code_in_two_provinces_and_an_evaluator_over_15_and_names_the_rows(ministry):
    ids = ministry.config["TEST_IMPORTS"]
    with ministry.app_context():
        data = overview.overview(2025, at=AFTER)
    assert data["rows"] == 19
    by_province = {p["province"]: p for p in data["provinces"]}
    for code in ("hunan", "hubei", "jiangxi"):
        p = by_province[code]
        assert p["received"] and p["timeliness"] == overview.ON_TIME and p["key_id"] == ids[code][1]
        assert p["key_fingerprint"].replace(" ", "")[:16] == ids[code][1]
    assert by_province["hubei"]["key_alg"] == "SM2-SM3" and by_province["hunan"]["key_alg"] == "Ed25519"
    assert by_province["hubei"]["units"] == [{"unit_type": "factory", "count": 7, "ceiling": None, "over": False}]
    # Shanxi's plugin is installed but sent nothing: missing once the deadline passed
    assert by_province["shanxi"]["timeliness"] == overview.MISSING and not by_province["shanxi"]["received"]

    kinds = {f["kind"]: f for f in data["findings"]}
    same = kinds[overview.SAME_CODE]
    assert same["key"] == ministry.config["TEST_SHARED"] and same["count"] == 2
    assert [(r["province"], r["seq"], r["application_id"]) for r in same["rows"]] == [
        ("hunan", 2, ids["hunan"][0][1]), ("jiangxi", 4, ids["jiangxi"][0][3])]

    cap = kinds[overview.EVALUATOR_OVER_CAP]
    assert (cap["key"], cap["count"], cap["limit"], cap["basis"]) == (LEGAL, 18, 15, "legal_representative")
    assert cap["provinces"] == ["hubei", "hunan", "jiangxi"]
    assert sorted(r["application_id"] for r in cap["rows"]) == sorted(
        ids["hunan"][0] + ids["hubei"][0][:6] + ids["jiangxi"][0])
    assert {r["evaluator"]["name"] for r in cap["rows"]} == {"湖南绿评咨询有限公司", "湖北绿评咨询有限公司",
                                                             "江西绿评咨询有限公司"}
    assert "15" in cap["cite"]
    assert data["skipped_without_evaluator"] == 1  # Hubei's 7th row names no evaluator: not counted, said so

    banned = kinds[overview.REMOVED_OR_BANNED]
    assert banned["key"] == ministry.config["TEST_BANNED"] and banned["rows"][0]["seq"] == 3
    assert banned["reasons"][0]["what"] == "ban" and banned["reasons"][0]["until"] == "2027-12-31"


def test_fifteen_projects_are_within_the_limit(ministry):
    with ministry.app_context():
        hubei = ministry.config["TEST_IMPORTS"]["hubei"][0]
        for app_id in hubei[:3]:  # 18 - 3 = 15: at the limit, not over it
            db.session.get(Application, app_id).evaluator_firm_id = None
        assert overview.EVALUATOR_OVER_CAP not in {f["kind"] for f in overview.overview(2025, at=AFTER)["findings"]}
        db.session.rollback()


def test_page_api_and_command_line_give_the_same_overview(ministry):
    ids = ministry.config["TEST_IMPORTS"]
    client = ministry.test_client()
    answer = client.get("/api/v1/ministry/overview?year=2025")
    assert answer.status_code == 401
    token = client.post("/api/v1/tokens", json={"username": "miit", "password": PASSWORD}).get_json()["token"]
    api = client.get("/api/v1/ministry/overview?year=2025", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.get_json()
    api = api.get_json()
    from core.cli import cli

    result = ministry.test_cli_runner().invoke(cli, ["ministry", "overview", "--year", "2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    cli_answer = json.loads(result.output)

    def shape(data):
        return ([(p["province"], p["received"], p["timeliness"], p["key_fingerprint"], p["total"])
                 for p in data["provinces"]],
                [(f["kind"], f["key"], f["count"], [(r["province"], r["seq"], r["application_id"]) for r in f["rows"]])
                 for f in data["findings"]])

    assert shape(api) == shape(cli_answer)
    # as a spreadsheet (issue 58): the byte-order mark, and a row per finding's row
    table = ministry.test_cli_runner().invoke(cli, ["ministry", "overview", "--year", "2025", "--format", "csv"])
    assert table.exit_code == 0, table.output
    assert table.stdout_bytes.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(table.stdout_bytes.decode("utf-8-sig"))))
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), rows[:3]
    assert len(api["findings"]) == 3
    received = {p["province"]: p["received_at"] for p in cli_answer["provinces"]}
    assert received["hunan"].endswith("+08:00")  # Beijing time, as pages show it

    _login(client)
    menu = client.get("/?lang=zh").get_data(as_text=True)
    assert 'href="/ministry/overview"' in menu  # the ministry's menu leads to it
    page = client.get("/ministry/overview?year=2025&lang=zh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("湖南省", "湖北省", "江西省", "跨省重复推荐有限公司", LEGAL, "湖南绿评咨询有限公司"):
        assert text in html
    # every row raising a finding links to the application the import queued
    for app_id in (ids["hunan"][0][1], ids["jiangxi"][0][3], ids["hubei"][0][5]):
        assert f'href="/review/applications/{app_id}"' in html
    assert "hunan" not in re.sub(r'data-[a-z]+="[^"]*"', "", html).replace('href="', "")  # names, not codes
    assert client.get(f"/review/applications/{ids['jiangxi'][0][3]}?lang=zh").status_code == 200
    english = client.get("/ministry/overview?year=2025&lang=en").get_data(as_text=True)
    assert "Hunan" in english and "over the limit of 15" in english


def test_a_province_instance_has_no_national_overview(make_app):
    app = make_app("hunan")
    from core.cli import cli

    result = app.test_cli_runner().invoke(cli, ["ministry", "overview", "--format", "json"])
    assert result.exit_code == 2 and "national" in result.output
