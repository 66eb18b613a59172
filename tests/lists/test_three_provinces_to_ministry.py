"""Three provinces to the ministry (issue 54): Hunan, Hubei and Jiangxi, each its own instance and database, export
signed recommendation files through the services; the national instance registers their keys, imports the files
and its overview finds what no province can see alone (tests/three_provinces.py builds them).

* One evaluator firm (one credit code, one legal representative) evaluated six units in each file: 18 national
  projects in the year, over the national limit of 15 per legal representative (《绿色工厂梯度培育及管理暂行办法》
  第二十条, restated by 003_a3fa60aeba77aa34.txt 二（四）: 同一法定代表人的第三方机构每年度开展的国家级绿色制造评价项目…
  总计不得超过15项; plugins/national/rules.py ``EVALUATOR_CAP_NATIONAL``); each province sees six, within it.
* One enterprise credit code is recommended by Hunan (row 2) and by Jiangxi (row 4).
* Every exported file validates against the published schema, docs/recommendation-file.schema.json.
* The import API answers the per-row result the import page shows: each row, its unit, accepted or refused and
  why, the application it became and its case (firm, report hash, city opinion); a unit another province's file
  already queued as the same unit type is refused naming that province's file and row.

Dates: exported 2025-10-20, before the deadline of the recommendation to the ministry, 2025-11-07
(001_3f04a56fc6693327.txt 附件1 三).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import three_provinces as tp
from jsonschema import Draft202012Validator

from core.extensions import db
from core.lists import overview, recommend
from core.models import Application, AuditLog, Ban, EvaluatorFirm, RecommendationImport
from core.services import signing

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "recommendation-file.schema.json"


@pytest.fixture
def sent(make_app, database_url, tmp_path_factory, sqlite_template):
    return tp.provinces(make_app, database_url, tmp_path_factory, sqlite_template)


def _login(client) -> None:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": tp.MINISTRY_USER, "password": tp.PASSWORD,
                                       "csrf_token": token}).status_code == 302


def test_each_province_exports_a_signed_file_that_follows_the_published_schema(sent):
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    for region, s in sent.items():
        document = s.document
        assert list(validator.iter_errors(document)) == [], region  # the file as signed and sent
        assert document["format"] == "greenmfg.recommendation/2"
        assert document["province"]["code"] == region and document["province"]["name"] == tp.PROVINCE_NAMES[region]
        assert document["signature"]["alg"] == ("SM2-SM3" if region == "hubei" else "Ed25519")
        assert json.loads(s.key_file)["alg"] == document["signature"]["alg"]
        items = document["items"]
        assert [i["name"] for i in items] == s.names and len(items) == tp.PER_PROVINCE == 6
        for item in items:  # the same firm in every row of every province: six each, within 15 for each alone
            assert item["evaluation"]["mode"] == "third_party"
            assert item["evaluation"]["firm"] == {"name": tp.FIRM["name"], "uscc": tp.FIRM["uscc"],
                                                  "legal_representative": "王评价"}
            assert len(item["evaluation"]["report"]["sha256"]) == 64
            assert item["city_opinion"].startswith(f"经{tp.CITIES[region]}工信局")
    shared = {region: [n for n, i in enumerate(s.document["items"], start=1) if i["uscc"] == tp.SHARED["uscc"]]
              for region, s in sent.items()}
    assert shared == {"hunan": [2], "hubei": [], "jiangxi": [4]}


def test_the_overview_finds_the_firm_over_15_and_the_code_in_two_provinces_naming_the_rows(make_app, national_url,
                                                                                         sent):
    ministry = tp.ministry(make_app, national_url, sent)
    app, queued = ministry.app, ministry.queued
    assert {region: len(ids) for region, ids in queued.items()} == {"hunan": 6, "hubei": 6, "jiangxi": 6}
    with app.app_context():
        # the import linked every row to the one firm the files name (by its credit code)
        firms = {db.session.get(EvaluatorFirm, db.session.get(Application, i).evaluator_firm_id).uscc
                 for ids in queued.values() for i in ids}
        assert firms == {tp.FIRM["uscc"]}
        data = overview.overview(2025, at=tp.IMPORTED)
        # without a year, the newest year with a file (2025), not this year's empty one
        assert overview.overview(at=tp.IMPORTED)["year"] == 2025
    assert data["rows"] == 18 and data["skipped_without_evaluator"] == 0
    provinces = {p["province"]: p for p in data["provinces"]}
    for region in ("hunan", "hubei", "jiangxi"):
        p = provinces[region]
        assert p["received"] and p["timeliness"] == overview.ON_TIME and p["total"] == 6
        assert p["key_alg"] == ("SM2-SM3" if region == "hubei" else "Ed25519")
    assert {f["kind"] for f in data["findings"]} == {overview.SAME_CODE, overview.EVALUATOR_OVER_CAP}

    same = next(f for f in data["findings"] if f["kind"] == overview.SAME_CODE)
    assert (same["key"], same["subject"], same["count"]) == (tp.SHARED["uscc"], tp.SHARED["name"], 2)
    assert [(r["province_name"], r["seq"], r["name"], r["unit_type"], r["application_id"]) for r in same["rows"]] == [
        ("湖南省", 2, tp.SHARED["name"], "factory", queued["hunan"][1]),
        ("江西省", 4, tp.SHARED["name"], "park", queued["jiangxi"][3])]

    cap = next(f for f in data["findings"] if f["kind"] == overview.EVALUATOR_OVER_CAP)
    assert (cap["key"], cap["count"], cap["limit"], cap["basis"]) == ("王评价", 18, 15, "legal_representative")
    assert cap["provinces"] == ["hubei", "hunan", "jiangxi"]
    assert "第二十条" in cap["cite"] and "15" in cap["cite"]
    raised = sorted((r["province"], r["seq"], r["application_id"], r["name"]) for r in cap["rows"])
    assert raised == sorted((region, n, app_id, sent[region].names[n - 1]) for region, ids in queued.items()
                            for n, app_id in enumerate(ids, start=1))
    assert {r["evaluator"]["uscc"] for r in cap["rows"]} == {tp.FIRM["uscc"]}

    # the page names both findings and links each row to its application, by province name and row
    client = app.test_client()
    _login(client)
    html = client.get("/ministry/overview?year=2025&lang=zh").get_data(as_text=True)
    findings = {m.group(1): m.group(2) for m in re.finditer(
        r'<section class="finding" id="finding-\d+" data-kind="([a-z_]+)">(.*?)</section>', html, re.DOTALL)}
    assert set(findings) == {overview.SAME_CODE, overview.EVALUATOR_OVER_CAP}
    assert (f"{tp.SHARED['name']}（统一社会信用代码 {tp.SHARED['uscc']}）被 2 个省份同时推荐。"
            in findings[overview.SAME_CODE])
    assert ("法定代表人为 王评价 的评价机构本年度在各省共有 18 个国家级评价项目，超过 15 项的上限。"
            in findings[overview.EVALUATOR_OVER_CAP])
    for kind, rows in ((overview.SAME_CODE, same["rows"]), (overview.EVALUATOR_OVER_CAP, cap["rows"])):
        links = re.findall(r'<tr><td>([^<]+)</td><td>(\d+)</td><td><a href="/review/applications/(\d+)"',
                           findings[kind])
        assert sorted(links) == sorted((r["province_name"], str(r["seq"]), str(r["application_id"])) for r in rows)


def _post(api, raw: bytes, token: str):
    return api.post("/api/v1/recommendation-imports", data=raw, content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"})


def test_the_import_api_reports_each_row_accepted_or_refused_and_why_as_the_page_does(make_app, national_url, sent):
    """Jiangxi's file, sent with its row 4 the enterprise Hunan already sent as a green factory and while its row 5
    is banned from applying: the API and the page refuse it with the same per-row report (row, unit, accepted or
    refused and why: Hunan's file and row; the ban and its end) and keep nothing. Jiangxi's file as exported, once
    the ban is lifted: the API answers each row accepted, with the application it became and its case (firm, report
    hash, city opinion)."""
    ministry = tp.ministry(make_app, national_url, sent, imported=("hunan", "hubei"))
    app, jiangxi = ministry.app, sent["jiangxi"]
    banned = jiangxi.document["items"][4]
    with app.app_context():
        db.session.add(Ban(uscc=banned["uscc"], subject="organization", reason="提供虚假材料", sanction_code="fraud",
                           starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2099, 12, 31)))
        db.session.commit()
    client = app.test_client()
    _login(client)
    token = client.post("/api/v1/tokens", json={"username": tp.MINISTRY_USER,
                                                "password": tp.PASSWORD}).get_json()["token"]

    # Jiangxi's file as it would be had Jiangxi sent the enterprise of Hunan's row 2 as a green factory too (its
    # row 4), signed with Jiangxi's key: that row is refused naming Hunan's file and row
    twice = jiangxi.document
    twice["items"][3]["unit_type"], twice["document_id"] = "factory", "jiangxi-2025-the-same-factory-twice"
    with app.app_context():
        raw = json.dumps(recommend.sign(twice, signing.parse_private(tp.KEYS["jiangxi"])), ensure_ascii=False)
    raw = raw.encode("utf-8")

    refused = _post(client, raw, token)
    assert refused.status_code == 422, refused.get_json()
    report = refused.get_json()
    assert report["ok"] is False and report["queued"] == 0 and report["province_name"] == "江西省"
    rows = report["rows"]
    assert [(r["seq"], r["name"], r["uscc"], r["ok"]) for r in rows] == [
        (n, name, item["uscc"], n not in (4, 5)) for n, (name, item) in
        enumerate(zip(jiangxi.names, jiangxi.document["items"], strict=True), start=1)]
    assert [r["problems"] for r in rows if not r["ok"]] == [
        [("该单位本年度已由湖南省推荐文件第2行列入国家级评审队列。 / The unit is already queued for national review "
          "this year, from the file of 湖南省 (row 2).")],
        [("该单位在2099-12-31前禁止申报（提供虚假材料）。 / The unit is banned from applying until 2099-12-31 "
          "(提供虚假材料).")]]
    assert all(r["problems"] == [] and "application_id" not in r for r in rows if r["ok"])
    assert rows[0]["case"]["firm"]["uscc"] == tp.FIRM["uscc"]

    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get("/ministry/imports").get_data(as_text=True)).group(1)
    page = client.post("/ministry/imports?lang=zh", data={"csrf_token": csrf,
                                                          "file": (io.BytesIO(raw), "jiangxi-2025.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 422
    table = page.get_data(as_text=True).split('id="import-result"')[1]
    shown = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td>(.*?)</td></tr>", table)
    assert [(int(n), name, code) for n, name, code, _ in shown] == [(r["seq"], r["name"], r["uscc"]) for r in rows]
    assert "湖南省推荐文件第2行" in shown[3][3] and "该单位在2099-12-31前禁止申报" in shown[4][3]
    assert all("无问题" in s[3] for s in shown if s[0] not in ("4", "5"))
    with app.app_context():
        assert db.session.query(RecommendationImport).filter_by(province="jiangxi").count() == 0  # nothing kept
        db.session.query(Ban).delete()
        db.session.commit()

    accepted = _post(client, jiangxi.raw, token)
    assert accepted.status_code == 201, accepted.get_json()
    report = accepted.get_json()
    assert report["ok"] and report["queued"] == 6
    assert [(r["seq"], r["ok"], r["problems"], r["application_id"]) for r in report["rows"]] == [
        (n, True, [], app_id) for n, app_id in enumerate(report["application_ids"], start=1)]
    case = report["rows"][3]["case"]
    assert case["mode"] == "third_party" and case["firm"]["legal_representative"] == "王评价"
    assert case["report"]["sha256"] == jiangxi.document["items"][3]["evaluation"]["report"]["sha256"]
    assert case["city_opinion"] == "经南昌市工信局会同生态环境、应急管理、市场监管部门审核，同意推荐。"
    with app.app_context():
        queued = [db.session.get(Application, r["application_id"]) for r in report["rows"]]
        assert [a.organization.name for a in queued] == jiangxi.names
        assert db.session.query(AuditLog).filter_by(action="recommendation.imported").count() == 3
