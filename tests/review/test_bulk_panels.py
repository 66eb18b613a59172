"""Expert panels in bulk (issue 20): the province ticks several applications and assigns one expert to all of them;
one refusal (the expert must avoid an applicant of their own city) and no panel changes, the refusal listed."""
from __future__ import annotations

import re

import kit
import pytest

from core.extensions import db
from core.models import AuditLog, ExpertAssignment, Role
from core.models import ApplicationStatus as S

PASSWORD = "绿色制造-测试口令-2025"


@pytest.fixture
def world(make_app, tmp_path):
    from core.accounts import services as accounts
    from core.models import AdminUnit
    from core.services.admin_units import sync_admin_units

    app = make_app("hubei", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    with app.app_context():
        sync_admin_units("test")
        units = {u.code: u for u in db.session.query(AdminUnit)}
        c = kit.campaign("hubei", year=2025)
        yichang = kit.application(c, units["hubei.yichang"], status=S.CITY_RECOMMENDED,
                                  org=kit.organization(units["hubei.yichang"], "宜昌精细化工有限公司"))
        jingzhou = kit.application(c, units["hubei.jingzhou"], status=S.CITY_RECOMMENDED,
                                   org=kit.organization(units["hubei.jingzhou"], "荆州纺织有限公司"))
        expert = kit.expert("宜昌专家", "hubei", unit_=units["hubei.yichang"])
        accounts.create_user(username="prov", password=PASSWORD, display_name="省厅", role=Role.PROVINCE, actor="t")
        db.session.commit()
        w = {"app": app, "yichang": yichang.id, "jingzhou": jingzhou.id, "expert": expert.id}
    client = app.test_client()
    assert client.post("/login", data={"username": "prov", "password": PASSWORD}).status_code == 302
    w["client"] = client
    return w


def _assigned(world) -> dict[int, int]:
    with world["app"].app_context():
        return {a: db.session.query(ExpertAssignment).filter_by(application_id=a).count()
                for a in (world["yichang"], world["jingzhou"])}


def test_the_queue_offers_select_all_and_says_all_or_nothing(world):
    page = world["client"].get("/review?lang=zh").get_data(as_text=True)
    assert 'id="tick-all"' in page and f'id="pick-{world["yichang"]}"' in page and f'id="pick-{world["jingzhou"]}"' in page
    assert "全部执行或全部不执行" in page


def test_one_refused_application_and_no_panel_changes(world):
    client = world["client"]
    r = client.post("/review/bulk?lang=zh", data={"application_ids": [world["yichang"], world["jingzhou"]],
                                                  "action": "assign", "expert_id": world["expert"]})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "未执行任何操作" in html and "宜昌市" in re.search(rf'id="outcome-{world["yichang"]}".*?</tr>', html, re.S).group(0)
    assert "其他勾选的申报被拒绝" in re.search(rf'id="outcome-{world["jingzhou"]}".*?</tr>', html, re.S).group(0)
    assert _assigned(world) == {world["yichang"]: 0, world["jingzhou"]: 0}

    r = client.post("/review/bulk?lang=zh", data={"application_ids": [world["jingzhou"]], "action": "assign",
                                                  "expert_id": world["expert"]})
    assert r.status_code == 200 and "已处理1个申报中的1个" in r.get_data(as_text=True)
    assert _assigned(world) == {world["yichang"]: 0, world["jingzhou"]: 1}
    with world["app"].app_context():
        audited = [e.object_id for e in db.session.query(AuditLog).filter_by(action="review.expert_assigned")]
    assert audited == [str(world["jingzhou"])]  # the refused attempt left no audit row either
