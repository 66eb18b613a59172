"""The refusal after a moved deadline names the moved date and why, not the document's yearly date (issue 61).

* 《绿色工厂梯度培育及管理暂行办法》 第十二条 (national plugin ``province_recommendation``): 每年7月31日前. Measured on
  main: after the province moved the 2024 step to 2026-12-20 17:00 ("工信部通知延期报送"), the refusal at 17:01 still
  cited "(每年7月31日前)". Now it names 2026-12-20 17:00, the document's 2024-07-31 and the province's reason.
* Jiangxi 2024 (seed 003_a3fa60aeba77aa34.txt, 赣工信办节能函〔2024〕20号 一): cities report by 2024-05-27; moved to
  2024-06-05 17:00 ("部分设区市材料补正"): the city's refusal at 17:01 names the reason and the document's date.
* A round opened from its notice (a 2027 notice, 三: the recommendation by 2027-08-14): the refusal names the notice's
  文号, not 第十二条.
"""
from __future__ import annotations

import io
import json

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show
from test_moved_deadlines import BOTH, _body, _move, _new_token, _open_round

YEARLY = "每年7月31日前"


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key(), GREENMFG_RULES_YEAR=2024, WTF_CSRF_ENABLED=False)
    return rk.Round(app, "jiangxi").setup(
        bj(2024, 4, 2, 9), cities={"nanchang": "jiangxi.nanchang"},
        applicants={"new_a": ("nanchang", "南昌新能源电池有限公司")}, division="360100")


def test_the_refusals_after_moved_deadlines_name_the_move_and_its_reason(rnd):
    campaign = _open_round(rnd)
    app_id = rnd.apply("new_a", campaign, "factory", _body(rnd), bj(2024, 5, 10), evidence={"evaluation_report": 20})
    _move(rnd, campaign, "jiangxi.city_submission", "2024-06-05T17:00", "部分设区市材料补正", bj(2024, 5, 26))
    r = rnd.post("city_nanchang", f"/api/v1/applications/{app_id}/recommend", bj(2024, 6, 5, 17, 1),
                 json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH})
    text = rk.error_text(r)
    assert r.status_code == 409 and "2024-06-05 17:00" in text and "部分设区市材料补正" in text, show(r)
    assert "省厅由文件规定的2024-05-27 24:00调整" in text, text

    _new_token(rnd, "province", "province_staff", bj(2026, 11, 25))
    item = {"application_id": app_id, "acknowledge_warnings": True}
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2026, 11, 25), json=item)
    assert r.status_code == 409 and YEARLY in rk.error_text(r), f"the document's date, as it stands: {show(r)}"
    _move(rnd, campaign, "province_recommendation", "2026-12-20T17:00", "工信部通知延期报送", bj(2026, 11, 25))
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2026, 12, 20, 17, 1), json=item)
    text = rk.error_text(r)
    assert r.status_code == 409 and "2026-12-20 17:00" in text and "工信部通知延期报送" in text, show(r)
    assert "2024-07-31 24:00" in text and YEARLY not in text, text


NUMBER = "绿制办〔2027〕3号"


def test_a_step_the_rounds_notice_dates_is_refused_naming_the_notice(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_RULES_YEAR=2027,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key(), WTF_CSRF_ENABLED=False)
    rnd = rk.Round(app, "hunan").setup(bj(2027, 3, 1), cities={"changsha": "hunan.changsha"},
                                       applicants={"ent": ("changsha", "绿源精密制造有限公司")})
    rules = [{"kind": "deadline", "key": "province_recommendation", "value": "2027-08-14", "article": "三"}]
    r = rnd.post("province", "/api/v1/campaigns/notice", bj(2027, 3, 15), content_type="multipart/form-data",
                 data={"year": "2027", "level": "national", "unit_types": ["factory"], "notice_no": NUMBER,
                       "notice_title": "关于组织开展2027年度绿色制造名单推荐工作的通知", "notice_issuer": "省工业和信息化厅",
                       "notice_issued_on": "2027-03-10", "rules": json.dumps(rules, ensure_ascii=False),
                       "file": (io.BytesIO(rk.pdf(2)), "2027年度通知.pdf"),
                       "closes_at": bj(2027, 5, 31, 17).isoformat()})
    assert r.status_code == 201, show(r)
    from core.errors import DeadlinePassed
    from core.lists import recommend

    with app.app_context():
        recommend.check_deadline(2027, bj(2027, 8, 14, 23, 59))  # the notice's day is still open
        with pytest.raises(DeadlinePassed) as refused:
            recommend.check_deadline(2027, bj(2027, 8, 15, 9))
        text = str(refused.value.bilingual())
    assert "2027-08-14 24:00" in text and NUMBER in text and "本批次通知规定" in text, text
    assert "the date the round's notice sets" in text and YEARLY not in text, text
