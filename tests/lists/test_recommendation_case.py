"""The recommendation file carries the case, and a unit goes up once a year (issue 54).

* The file a province exports (format greenmfg.recommendation/2) follows the published JSON Schema
  (docs/recommendation-file.schema.json, draft 2020-12) in every region, and carries per unit the evaluation mode,
  the third-party firm (name, credit code, legal person) and its report's SHA-256, the city's opinion (推荐意见,
  002_9c75e1d2ebfbdf50.txt 三(四)), the provincial panel's grade and scores, the checks with their sources and the
  rules applied; the ministry's import page shows them; a file that breaks the schema is refused naming the path.
* One unit, one recommendation per level and year (issue 54): in Jiangxi's 2024 joint round
  (003_a3fa60aeba77aa34.txt 一: 国家级绿色制造名单推荐暨省级绿色制造名单遴选) a unit recommended from its provincial
  application is refused from its joint-round application, naming the first; the database refuses the second of
  two concurrent adds (uq_recommendation_item_unit, migration 0046).
Dates: the national recommendation closes 2025-11-07 (001_3f04a56fc6693327.txt 附件1 三); Jiangxi 2024 by 07-31
(办法 第十二条).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key, register_province_key  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.errors import InvalidInput, Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.models import (  # noqa: E402
    Application, ApplicationStatus as S, EvaluationRequest, ListEntry, RecommendationItem, Role,
)

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "docs" / "recommendation-file.schema.json"
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
KEY = new_signing_key()
PASSWORD = "推荐文件测试口令-2025-绿色工厂"
REPORT = hashlib.sha256(b"third-party evaluation report").hexdigest()
OPINION = "经市工信局会同生态环境、应急管理、市场监管部门审核，同意推荐。"


def _listed(a: Application, year: int) -> None:
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type=a.unit_type, level="provincial", year=year,
                             status="listed", listed_on=dt.date(year, 6, 30), notice_no="省级名单文号",
                             application_id=a.id))
    a.status = S.LISTED
    db.session.flush()


def _third_party(region: str, total: float = 90, *, year: int = 2025, c=None, org=None) -> Application:
    """A factory evaluated by a third-party firm (its engagement accepted, its report filed), recommended by its city
    with an opinion, graded by the provincial panel and on the provincial list."""
    u = kit.unit(region)
    c = c or kit.campaign(region, year=year, types=("factory",))
    a = kit.application(c, u, org=org, mode="third_party")
    if region == "hubei":  # what Hubei's applicants declare (002 附件1 一(二) 基本条件)
        a.extension_data = {f"hubei.{key}": True for key in (
            "meets_type_standard", "independent_legal_person", "actual_manufacturing", "complies_with_laws",
            "factory_leading_performance", "factory_management_systems")}
    firm = kit.firm("周评价", name="湘绿评价技术有限公司")
    request = EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted", self_evaluation_by="self",
                                requested_by="t")
    db.session.add(request)
    db.session.flush()
    kit.firm_report(request, score=86.5).sha256 = REPORT
    a.evaluator_firm_id, a.city_opinion = firm.id, OPINION
    kit.panel(a, [total], [kit.expert(f"专家{a.id}", region, unit_=kit.unit(region))])
    _listed(a, c.year)
    return a


def _exported(region: str) -> dict:
    rec = recommend.recommendation_for(2025, "province", create=True)
    recommend.set_consulted("province", rec, CONSULTED)
    at = kit.beijing(dt.date(2025, 10, 20))
    recommend.add("province", rec, _third_party(region), acknowledge_warnings=True, at=at)
    document = recommend.export("province", rec, at=at)
    db.session.commit()
    return document


def test_the_published_schema_is_the_one_the_service_checks():
    from core.lists import recommendation_case

    assert PUBLISHED.read_bytes() == recommendation_case.SCHEMA_FILE.read_bytes()
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"]["const"] == recommend.FORMAT == "greenmfg.recommendation/2"


@pytest.mark.parametrize("region", ["hunan", "hubei", "jiangxi", "shanxi"])
def test_the_exported_file_follows_the_schema_and_carries_the_case(make_app, region):
    app = make_app(region, GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        document = _exported(region)
        stored = json.loads(recommend.recommendation_for(2025).document)
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(stored)) == []  # the signed file, as stored and sent
    item = stored["items"][0]
    assert item["evaluation"]["mode"] == "third_party"
    assert item["evaluation"]["firm"]["name"] == "湘绿评价技术有限公司"
    assert item["evaluation"]["firm"]["legal_representative"] == "周评价"
    assert len(item["evaluation"]["firm"]["uscc"]) == 18
    assert item["evaluation"]["report"] == {"sha256": REPORT, "pages": 12, "score": 86.5, "visited_on": None}
    assert item["city_opinion"] == OPINION
    assert item["expert_review"]["score"] == 90.0 and item["expert_review"]["experts"] == 1
    assert item["expert_review"]["indicator_scores"]  # the panel's mean per indicator
    assert all(g["source"] and g["source_name"] for g in item["gates"])
    assert not any(".txt" in (g.get("cite") or "") for g in item["gates"])  # cited by 文号, never a file name
    plugins = {p["name"]: p for p in item["rules_version"]["plugins"]}
    assert set(plugins) == {"national", region} and item["rules_version"]["region"] == region
    assert document["document_id"] == stored["document_id"]


def _ministry(make_app, national_url):
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    register_province_key(ministry, "hunan", KEY)
    with ministry.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="miit", role=Role.MINISTRY, actor="t")
        db.session.commit()
    return ministry


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _upload(client, raw: bytes, lang: str = "zh"):
    token = _token(client, "/ministry/imports")
    return client.post(f"/ministry/imports?lang={lang}", data={"csrf_token": token,
                                                               "file": (io.BytesIO(raw), "hunan-2025.json")},
                       content_type="multipart/form-data")


def test_the_ministry_import_page_shows_a_third_party_units_firm_report_and_city_opinion(make_app, national_url):
    province = make_app("hunan", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with province.app_context():
        document = _exported("hunan")
        raw = recommend.recommendation_for(2025).document.encode()
    firm = document["items"][0]["evaluation"]["firm"]
    ministry = _ministry(make_app, national_url)
    client = ministry.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    response = _upload(client, raw)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "1家单位进入国家级评审队列" in text, text
    case = text.split('id="import-case"')[1].split("</table>")[0]
    row = case.split('class="case-row"')[1]
    assert "第三方评价" in row and "自评价" not in row
    assert firm["name"] in row and firm["uscc"] in row and "周评价" in row
    assert REPORT in row and OPINION in row and "86.50" in row and "90.00" in row
    assert "湖南省" in row and "hunan" not in row  # the rules' plugins by name, never their code
    with ministry.app_context():
        queued = db.session.query(Application).one()
        # the ministry's application is the third-party one the province sent, with its firm and city opinion
        assert queued.evaluation_mode == "third_party" and queued.city_opinion == OPINION
        assert queued.evaluator_firm_id is not None


def test_a_file_with_a_row_missing_a_required_field_is_refused_naming_the_path(make_app, national_url):
    province = make_app("hunan", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with province.app_context():
        _exported("hunan")
        broken = json.loads(recommend.recommendation_for(2025).document)
        del broken["items"][0]["evaluation"]["mode"]
        typed = json.loads(recommend.recommendation_for(2025).document)
        typed["items"][0]["city_opinion"] = 7
        typed["document_id"] = "typed-file-0001"
        signer = recommend.signing_key()
        broken_raw = json.dumps(recommend.sign(broken, signer), ensure_ascii=False).encode()  # signed: the layout
        typed_raw = json.dumps(recommend.sign(typed, signer), ensure_ascii=False).encode()   # is what fails
    ministry = _ministry(make_app, national_url)
    with ministry.app_context():
        with pytest.raises(InvalidInput) as missing:
            recommend.import_document("ministry", broken_raw, at=kit.beijing(dt.date(2025, 10, 20)))
        assert missing.value.bilingual() == (
            "推荐名单文件缺少 /items/0/evaluation/mode（格式 greenmfg.recommendation/2 要求必填）。 / The recommendation file "
            "lacks /items/0/evaluation/mode, which format greenmfg.recommendation/2 requires.")
        with pytest.raises(InvalidInput) as wrong:
            recommend.import_document("ministry", typed_raw, at=kit.beijing(dt.date(2025, 10, 20)))
        assert "/items/0/city_opinion" in wrong.value.bilingual() and "a text or empty" in wrong.value.bilingual()
        assert "文本" in wrong.value.bilingual()
        # nothing was imported
        db.session.rollback()
        assert db.session.query(Application).count() == 0
    client = ministry.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    response = _upload(client, broken_raw)
    assert response.status_code == 422 and "/items/0/evaluation/mode" in response.get_data(as_text=True)


def test_an_old_format_file_is_refused_asking_for_a_fresh_export(make_app, national_url):
    ministry = _ministry(make_app, national_url)
    with ministry.app_context():
        with pytest.raises(InvalidInput, match="format greenmfg.recommendation/1, not greenmfg.recommendation/2"):
            recommend.import_document("ministry", json.dumps({"format": "greenmfg.recommendation/1"}).encode())


# ------------------------------------------------------- one unit per year --


def test_jiangxi_a_unit_recommended_from_its_provincial_application_is_refused_from_its_joint_round_one(make_app):
    """003 一: Jiangxi's 2024 national round is joint (national and provincial at once); the same unit also has an
    application in the province's provincial round that year. Recommended from the first, the second is refused,
    naming the first application and its round, in both languages."""
    app = make_app("jiangxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        provincial = kit.campaign("jiangxi", year=2024, level="provincial", types=("factory",))
        provincial.title = "2024年度江西省绿色制造名单遴选"
        joint = kit.campaign("jiangxi", year=2024, level="national", types=("factory",))
        joint.title = "2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选"
        first = _third_party("jiangxi", 90, year=2024, c=provincial)
        second = _third_party("jiangxi", 92, year=2024, c=joint, org=first.organization)
        second.requested_levels = ["national", "provincial"]
        db.session.flush()
        rec = recommend.recommendation_for(2024, "province", create=True)
        recommend.set_consulted("province", rec, CONSULTED)
        at = kit.beijing(dt.date(2024, 7, 10))
        recommend.add("province", rec, first, acknowledge_warnings=True, at=at)
        with pytest.raises(Refused) as refused:
            recommend.add("province", rec, second, acknowledge_warnings=True, at=at)
        text = refused.value.bilingual()
        assert f"application {first.id} (2024年度江西省绿色制造名单遴选)" in text
        assert f"申报{first.id}" in text and first.organization.name in text
        assert db.session.query(RecommendationItem).count() == 1
        # another unit of the joint round goes in: the rule is per unit, not per round
        other = _third_party("jiangxi", 88, year=2024, c=joint)
        recommend.add("province", rec, other, acknowledge_warnings=True, at=at)
        db.session.commit()
        items = db.session.query(RecommendationItem).order_by(RecommendationItem.id).all()
        assert [i.organization_id for i in items] == [first.organization_id, other.organization_id]


def test_the_database_refuses_a_unit_a_concurrent_add_put_in_first(make_app, monkeypatch):
    """Two adds of one unit racing: the second's check ran before the first had written, so only the unique index
    (uq_recommendation_item_unit) stands between them; it refuses the second write, the service says which
    application holds the unit, and the transaction stays usable (nothing half-written)."""
    from sqlalchemy.exc import IntegrityError

    app = make_app("jiangxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        provincial = kit.campaign("jiangxi", year=2024, level="provincial", types=("factory",))
        joint = kit.campaign("jiangxi", year=2024, level="national", types=("factory",))
        first = _third_party("jiangxi", 90, year=2024, c=provincial)
        second = _third_party("jiangxi", 92, year=2024, c=joint, org=first.organization)
        rec = recommend.recommendation_for(2024, "province", create=True)
        recommend.set_consulted("province", rec, CONSULTED)
        at = kit.beijing(dt.date(2024, 7, 10))
        recommend.add("province", rec, first, acknowledge_warnings=True, at=at)
        db.session.commit()
        # the table itself: a second row of the unit in the recommendation is refused
        db.session.add(RecommendationItem(recommendation_id=rec.id, application_id=second.id,
                                          organization_id=second.organization_id, gates=[], added_by="raw"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # the service whose check saw nothing yet (the other add had not committed when it looked)
        check = recommend._refuse_unit_twice
        calls = []
        monkeypatch.setattr(recommend, "_refuse_unit_twice",
                            lambda *args: calls.append(args) if not calls else check(*args))
        with pytest.raises(Refused, match=f"from application {first.id} "):
            recommend.add("province", rec, db.session.get(Application, second.id), acknowledge_warnings=True, at=at)
        assert len(calls) == 1
        db.session.commit()  # the savepoint was rolled back: the rest of the transaction commits
        assert [i.application_id for i in db.session.query(RecommendationItem)] == [first.id]
