"""The city reads the evaluation report's check as it stands now (issue 42).

Hubei 2025 (002_9c75e1d2ebfbdf50.txt 三(三)): the applicant engages a third party for the on-site evaluation; the
firm files its report after the application is submitted. The city's page showed the check recorded at the
submission, "评价报告 ✗ 尚无接受委托的第三方评价机构", beside the filed report (总分67.00), while the applicant's
page said ✓. The city now sees the report's check as it is: met once the engaged firm has filed.
"""
from __future__ import annotations

import datetime as dt


import kit
from core.extensions import db
from core.models import ApplicationStatus as S, EvaluationRequest, Role

PASSWORD = "报告检查测试口令-2025-绿色工厂"


def test_city_sees_the_filed_report_as_met(make_app):
    from core.accounts import services as accounts
    from core.applications import eligibility

    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    with app.app_context():
        city = kit.unit("hubei", "hubei.ezhou", "鄂州市")
        c = kit.campaign("hubei", dt.date.today().year)
        a = kit.application(c, city, status=S.SUBMITTED)
        firm = kit.firm(name="湖北绿评咨询有限公司", division="420000")
        at_submission = eligibility.jsonable_results(eligibility.evaluate(a))
        report_check = next(r for r in at_submission if r["code"] == "evaluation_report")
        assert report_check["ok"] is False and "no third-party firm" in report_check["message"]
        a.eligibility = at_submission
        a.evaluator_firm_id = firm.id
        request = EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted",
                                    self_evaluation_by="self", requested_by="t")
        db.session.add(request)
        db.session.flush()
        kit.firm_report(request, score=67.0).visited_on = dt.date.today()
        accounts.create_user(actor="test", username="ezhou", password=PASSWORD, role=Role.CITY, admin_unit_id=city.id,
                             display_name="鄂州市经信局")
        db.session.commit()
        app_id = a.id
    client = app.test_client()
    assert client.post("/login", data={"username": "ezhou", "password": PASSWORD}).status_code == 302
    page = client.get(f"/applications/{app_id}?lang=zh").get_data(as_text=True)
    table = page[page.index('id="eligibility"'):]
    row = table[table.index("评价报告"):]
    row = row[:row.index("</tr>")]
    assert "✓" in row and "尚无接受委托" not in row, row
