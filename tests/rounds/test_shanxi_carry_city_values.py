"""Shanxi: the provincial application starts from the unit's city-round application (issue 61).

Seed 004_7a8ddd82f611ab67.txt (晋工信节能规字〔2024〕3号) 第十二条 (line 59-61): 省层面绿色工厂原则上应先纳入市层面绿色工厂名单
— a factory applies in the city's round first, then in the province's round of the same year. Its provincial
application is prefilled from the city one (the 14 indicator values, the region form's fields, the contact), and
says so in its history; the status, the evidence and the negative-list declarations are not carried.
"""
from __future__ import annotations

import pytest
import round_kit as rk
from round_kit import bj, show

pytestmark = pytest.mark.both_databases

#: the applicant's self-evaluation of the 14 indicators (values within each indicator's range)
VALUES = {"1": 0.9, "2": 2.0, "3": 20.0, "4": 8, "5": 1.5, "6": 4.0, "7": 90.0, "8": 80.0, "9": True,
          "10": 3.0, "11": 0.3, "12": True, "13": False, "14": 1.0}
#: 第八条 (一): 依法设立并具有独立法人资格…的独立核算单位；从事实际生产的制造型企业
EXTENSION = {"shanxi.independent_legal_entity": True, "shanxi.actual_manufacturing": True}


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("shanxi", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    return rk.Round(app, "shanxi").setup(
        bj(2025, 2, 10, 9), cities={"taiyuan": "shanxi.taiyuan"},
        applicants={"carried": ("taiyuan", "太原特钢精密制造有限公司"), "fresh": ("taiyuan", "太原煤机装备有限公司")},
        division="140100")


def test_provincial_application_carries_the_city_rounds_values(rnd):
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 2, 10, 10),
                 json={"year": 2025, "level": "city", "unit_types": ["factory"],
                       "closes_at": bj(2025, 3, 31, 23, 59).isoformat()})
    assert r.status_code == 201, show(r)
    body = {"contact_name": "郭强", "contact_phone": "0351-7654321", "contact_email": "guo@example.cn",
            "evaluation_mode": "self", "declarations": rnd.negative_list("factory", "city"),
            "indicator_values": VALUES, "extension": EXTENSION}
    city_app = rnd.apply("carried", r.get_json()["id"], "factory", body, bj(2025, 3, 1),
                         evidence={"evaluation_report": 10})
    city_view = rnd.get("carried", f"/api/v1/applications/{city_app}", bj(2025, 3, 1)).get_json()

    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 4, 20, 10),
                 json={"year": 2025, "level": "provincial", "unit_types": ["factory"],
                       "closes_at": bj(2025, 5, 25, 23, 59).isoformat()})
    assert r.status_code == 201, show(r)
    provincial = r.get_json()["id"]
    r = rnd.post("carried", "/api/v1/applications", bj(2025, 5, 10), json={"campaign_id": provincial,
                                                                          "unit_type": "factory"})
    assert r.status_code == 201, show(r)
    new_id = r.get_json()["id"]
    got = rnd.get("carried", f"/api/v1/applications/{new_id}", bj(2025, 5, 10)).get_json()
    # the 14 indicator values, the contact and the region's fields come from the city round's application
    assert got["indicator_values"] == city_view["indicator_values"], got["indicator_values"]
    assert len(got["indicator_values"]) == 14
    assert (got["contact_name"], got["contact_phone"], got["contact_email"]) == (
        "郭强", "0351-7654321", "guo@example.cn")
    assert {k: got["extension"].get(k) for k in EXTENSION} == EXTENSION, got["extension"]
    assert got["score"] == city_view["score"] and got["score"] is not None
    # not the status, the evidence (the report upload) or the declarations
    assert got["status"] == "draft"
    assert not got.get("declarations"), got.get("declarations")
    r = rnd.get("carried", f"/api/v1/applications/{new_id}/evidence", bj(2025, 5, 10))
    assert r.status_code == 200 and not (r.get_json().get("items") or []), show(r)
    assert "shanxi.evaluation_report" not in got["extension"] and "evaluation_report" not in got["extension"]

    # audited as carried from the city round's application N, and the history says so
    with rnd.app.app_context():
        from core.extensions import db
        from core.models import AuditLog

        row = db.session.query(AuditLog).filter_by(action="application.carried", object_id=str(new_id)).one()
        assert row.data["carried_from"] == city_app
        assert row.data["diff"]["indicator.3"] == [None, 20.0]
        assert row.data["diff"]["contact_name"] == [None, "郭强"]

    client = rnd.app.test_client()
    with rk.at(bj(2025, 5, 10)):
        r = client.post("/login", data={"username": "ent_carried", "password": rk.PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)[:600]
        page = client.get(f"/applications/{new_id}").get_data(as_text=True)
    assert f"沿用市级批次第{city_app}号申报的填报内容" in page, page[-3000:]

    # a unit without a city-round application starts empty
    r = rnd.post("fresh", "/api/v1/applications", bj(2025, 5, 10), json={"campaign_id": provincial,
                                                                        "unit_type": "factory"})
    assert r.status_code == 201, show(r)
    fresh = rnd.get("fresh", f"/api/v1/applications/{r.get_json()['id']}", bj(2025, 5, 10)).get_json()
    assert not fresh["indicator_values"] and fresh["contact_name"] is None, fresh
