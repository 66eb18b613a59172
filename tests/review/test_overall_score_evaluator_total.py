"""An expert scoring an application without an indicator table (one overall score out of 100) sees the evaluator's
total in the row's *Evaluator's score* column (Hunan walk: a supply-chain case file read 第三方评价总分 90.20 while
the score table beside it read 第三方评价得分 —)."""
from __future__ import annotations

import datetime as dt
import re


import kit
from core.extensions import db
from core.models import Application, ExpertProfile, Role
from core.review import evaluators, experts

PASSWORD = "湖南评审页面测试口令-2026-供应链"


def test_overall_row_shows_the_evaluator_s_total(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        huaihua, other = kit.unit("hunan", name="怀化市"), kit.unit("hunan", name="测试市")
        c = kit.campaign("hunan", year=2026, types=("factory", "park", "supply_chain"))
        a = kit.application(c, huaihua, unit_type="supply_chain", values={},
                            org=kit.organization(huaihua, "怀化纺织股份有限公司"))
        firm = kit.firm(division="430000")
        applicant = kit.user(Role.APPLICANT, organization_id=a.organization_id)
        request = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc, today=dt.date(2026, 3, 1))
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), request,
                                  wrote_self_evaluation=False, interested_party=False)
        kit.firm_report(request, score=90.2)
        experts.add_expert("test", username="exp_hn", password=PASSWORD, name="专家甲",
                           fields=["factory", "park", "supply_chain"], admin_unit_code=other.code)
        expert = db.session.query(ExpertProfile).join(ExpertProfile.user).filter_by(username="exp_hn").one()
        row = experts.assign("test", db.session.get(Application, a.id), expert)
        db.session.commit()
        assignment = row.id
    client = app.test_client()
    assert client.post("/login", data={"username": "exp_hn", "password": PASSWORD}).status_code == 302
    for lang in ("zh", "en"):
        page = client.get(f"/expert/assignments/{assignment}?lang={lang}").get_data(as_text=True)
        table = re.search(r'<table class="grid scores">.*?</table>', page, re.S).group(0)
        assert re.search(r'<td class="evaluated">90\.20</td>', table), table
