"""Demo data as the platform records it (Hunan and Jiangxi walks):

* company names say where the company is as people write it: 郴州…, 永州…, 湘西…, 赣州…, 赣江新区… (the demo
  stripped every trailing 市/州/区 and made 郴新材料有限公司, 永电子科技集团有限公司, 赣江新生物医药股份有限公司) and
  a second company of the same place and trade gets another legal form, not "九江有色金属股份29号有限公司";
* a recommended (or graded) application went through the city's recommendation: its time on the city's
  *Recommendations* page (it read 推荐时间 —), its levels and an ``application.recommended`` row; a unit that
  evaluates itself attached its self-evaluation report where the round refuses the recommendation without it
  (Shanxi 第十一条: ten self-evaluated Shanxi applications were recommended or graded without one);
* a returned application carries the city's reason and the end of its correction period (its page read
  "已退回修改 None (截止 —)");
* its history names the demo's own steps in words, not by the internal actor ``demo``.
"""
from __future__ import annotations

import pytest
from helpers import DEMO_COPIES
from sqlalchemy import select

from core.extensions import db
from core.models import AdminUnit, Application, ApplicationStatus, AuditLog, Organization

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    with app.app_context():
        DEMO_COPIES.load(app)
    return app


def test_place_names_as_companies_write_them():
    from core.cli.demo_data import place_name

    assert [place_name(u) for u in ("长沙市", "郴州市", "永州市", "湘西土家族苗族自治州", "赣州市", "赣江新区")] == [
        "长沙", "郴州", "永州", "湘西", "赣州", "赣江新区"]


@pytest.mark.parametrize("region", ["hunan", "jiangxi", "shanxi"])
def test_demo_names_recommendations_and_returns_are_what_the_platform_records(make_app, tmp_path, region):
    from core.cli.demo_data import DEMO_PASSWORD, RETURN_REASON, place_name

    app = _load(make_app, tmp_path, region)
    with app.app_context():
        orgs = db.session.execute(select(Organization.name, AdminUnit.name).join(
            AdminUnit, AdminUnit.id == Organization.admin_unit_id)).all()
        names = [name for name, _ in orgs]
        assert len(set(names)) == len(names) and not [n for n in names if "号" in n], names
        assert all(name.startswith(place_name(unit)) for name, unit in orgs), orgs
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        recommended = [a for a in apps if a.status in (ApplicationStatus.CITY_RECOMMENDED, ApplicationStatus.GRADED)]
        assert recommended and all(a.recommended_at is not None and a.recommended_levels for a in recommended)
        for a in recommended:
            actions = db.session.scalars(select(AuditLog.action).where(
                AuditLog.object_type == "application", AuditLog.object_id == str(a.id))).all()
            assert "application.recommended" in actions, (a.id, actions)
        returned = [a for a in apps if a.status == ApplicationStatus.RETURNED]
        assert returned and all(a.return_reason == RETURN_REASON and a.return_until is not None for a in returned)
        shown = returned[0].id
    client = app.test_client()
    assert client.post("/login", data={"username": "province", "password": DEMO_PASSWORD}).status_code == 302
    zh = client.get(f"/applications/{shown}?lang=zh").get_data(as_text=True)
    assert RETURN_REASON in zh and "None" not in zh
    assert "<td>demo" not in zh and "<td>演示数据</td>" in zh
    en = client.get(f"/applications/{shown}?lang=en").get_data(as_text=True)
    assert "<td>demo data</td>" in en
